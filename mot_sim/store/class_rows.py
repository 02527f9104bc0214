"""Classroom rows into the classroom's types, trusting nothing in them.

As :mod:`mot_sim.store.rows` does for sessions: the log is a file anyone in the room can
edit, so every value is checked on the way out, identity and free text are cleaned of
control characters, and a row that cannot be what mot-sim wrote raises
:class:`~mot_sim.store.rows.DamagedRecord`. The values written for a class or an
assignment are made here too, cleaned the same way. No SQL here; both backends use these.
"""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any, cast

from mot_sim.classroom.models import (
    Assignment,
    ClassSession,
    DebriefMark,
    Member,
    Override,
    StoredClass,
)
from mot_sim.stages import STAGE_IDS, StageId
from mot_sim.store.records import clean_display, clean_identity
from mot_sim.store.rows import (
    MODES,
    DamagedRecord,
    Row,
    _int,
    _json,
    _opt_text,
    _opt_time,
    _text,
    _texts,
    _time,
    identity,
)

MAX_SCENARIOS = 50  # a class plays a handful; more is an edited row
MAX_TIMER_S = 24 * 3600
MAX_REASON_CHARS = 2_000
_CODE_CHARS = frozenset("34679ACDEFGHJKMNPQRTUVWXY")  # mot_sim.classroom.codes.ALPHABET


def code(value: Any) -> str:
    """A join code as stored: six characters of the code alphabet."""
    text = _text(value, "a class code")
    if len(text) != 6 or not set(text) <= _CODE_CHARS:
        raise DamagedRecord("a class code is not a join code")
    return text


def stage(value: Any) -> StageId:
    if value not in STAGE_IDS:
        raise DamagedRecord("a stage is unknown")
    return cast(StageId, value)


def _flag(value: Any, what: str) -> bool:
    # SQLite keeps booleans as 0/1, PostgreSQL as booleans.
    if isinstance(value, bool):
        return value
    return bool(_int(value, what, 0, 1))


def _identity(value: Any, what: str) -> str | None:
    text = _opt_text(value, what)
    return None if text is None else clean_identity(text) or None


def stored_class(row: Row) -> StoredClass:
    """A class row as the service's class (with its password hash, checked later)."""
    scenarios = _texts(_json(row["scenarios_json"], "the class's scenarios"), "a scenario id")
    if not scenarios or len(scenarios) > MAX_SCENARIOS:
        raise DamagedRecord("the class's scenarios are not a short list")
    mode = row["mode"]
    if mode not in MODES:
        raise DamagedRecord("the class's mode is unknown")
    timer = row["timer"]
    password_hash = _opt_text(row["password_hash"], "the class's password hash")
    return StoredClass(
        ClassSession(
            code=code(row["code"]),
            scenarios=tuple(clean_identity(s) for s in scenarios),
            mode=mode,
            timer=None if timer is None else _int(timer, "the class's timer", 1, MAX_TIMER_S),
            cohort=_identity(row["cohort"], "the class's cohort"),
            has_password=password_hash is not None,
            created_at=_time(row["created_at"], "the class's start"),
            closed_at=_opt_time(row["closed_at"], "the class's end"),
            created_by=_identity(row["created_by"], "the class's trainer"),
        ),
        password_hash,
    )


def member(row: Row) -> Member:
    name = identity(row["name"], "a member's name")
    return Member(name, _time(row["joined_at"], "a member's joining time"))


def override(row: Row) -> Override:
    reason = clean_display(_text(row["reason"], "an override's reason"))[:MAX_REASON_CHARS]
    by = identity(row["by_name"], "who overrode")
    oid = _text(row["id"], "an override's id")
    try:
        uuid.UUID(oid)
    except ValueError:
        raise DamagedRecord("an override's id is not one mot-sim makes") from None
    return Override(
        id=oid,
        session_id=_text(row["session_id"], "an override's session"),
        stage=stage(row["stage"]),
        machine_score=_int(row["machine_score"], "an override's machine score", 0, 100),
        new_score=_int(row["new_score"], "an override's score", 0, 100),
        reason=reason,
        by=by,
        at=_time(row["at"], "an override's time"),
    )


def mark(row: Row) -> DebriefMark:
    return DebriefMark(
        session_id=_text(row["session_id"], "a marked reply's session"),
        stage=stage(row["stage"]),
        starred=_flag(row["starred"], "a star"),
        hidden=_flag(row["hidden"], "a hidden mark"),
    )


def revealed(row: Row) -> tuple[StageId, bool]:
    return stage(row["stage"]), _flag(row["revealed"], "a reveal")


def assignment(row: Row) -> Assignment:
    cohort = identity(row["cohort"], "an assignment's cohort")
    due = _text(row["due"], "an assignment's due date")
    try:
        date.fromisoformat(due)
    except ValueError:
        raise DamagedRecord("an assignment's due date is not a date") from None
    return Assignment(
        cohort=cohort,
        scenario_id=clean_identity(_text(row["scenario_id"], "an assignment's scenario")),
        due=due,
        assigned_at=_time(row["assigned_at"], "an assignment's time"),
        assigned_by=_identity(row["assigned_by"], "who assigned"),
    )


def class_values(
    cls: ClassSession, cohort: str | None, password_hash: str | None
) -> tuple[Any, ...]:
    """A new class's columns (code, scenarios_json, mode, timer, cohort, password_hash,
    created_at, closed_at, created_by); ``cohort`` as the store records it."""
    return (
        cls.code,
        json.dumps(list(cls.scenarios)),
        cls.mode,
        cls.timer,
        cohort,
        password_hash,
        cls.created_at,
        cls.closed_at,
        None if cls.created_by is None else clean_identity(cls.created_by),
    )


def assignment_values(a: Assignment, cohort: str) -> tuple[Any, ...]:
    """An assignment's columns (cohort, scenario_id, due, assigned_at, assigned_by);
    ``cohort`` as the store records it."""
    return (
        cohort,
        a.scenario_id,
        a.due,
        a.assigned_at,
        None if a.assigned_by is None else clean_identity(a.assigned_by),
    )
