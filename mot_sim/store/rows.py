"""Rows of the score log into the app's own types, trusting nothing in them.

A shared log is a file anyone in the classroom can edit: every value is checked on the
way out of the database, and a row that cannot be what mot-sim wrote raises
:class:`DamagedRecord` (the caller reports it and goes on with the rest). Identity fields
(names, employee ids, cohorts) are cleaned of control characters wherever they come from.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol, cast

from mot_sim.engine import FinalResult, Status, Turn
from mot_sim.scoring import ReplyResult, ScoredHit, Suggestion, set_aside_kind
from mot_sim.stages import DIMENSIONS, STAGE_IDS, Dimension, Mode, Polarity
from mot_sim.store.records import SessionSummary, Trainee, clean_identity

STATUSES: tuple[Status, ...] = ("in_progress", "completed", "walked_out", "abandoned")
MODES: tuple[Mode, ...] = ("practice", "exam")
OUTCOMES = ("good", "mixed", "poor")
POLARITIES = ("good", "bad")


class Row(Protocol):
    """A database row, read by column name (``sqlite3.Row``, or a dict in tests)."""

    def __getitem__(self, key: str, /) -> Any: ...


class DamagedRecord(Exception):
    """A row that cannot be what mot-sim wrote (edited by hand, or damaged)."""


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise DamagedRecord(f"{what} is not text")
    return value


def _choice(value: Any, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        raise DamagedRecord(f"{what} is unknown")
    return str(value)


def _opt_text(value: Any, what: str) -> str | None:
    return None if value is None else _text(value, what)


def _int(value: Any, what: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DamagedRecord(f"{what} is not a whole number")
    if (low is not None and value < low) or (high is not None and value > high):
        raise DamagedRecord(f"{what} is out of range")
    return value


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DamagedRecord(f"{what} is not a finite number")
    return float(value)


def _time(value: Any, what: str) -> str:
    text = _text(value, what)
    try:
        datetime.fromisoformat(text)
    except ValueError:
        raise DamagedRecord(f"{what} is not a date and time") from None
    if not text.isprintable():
        raise DamagedRecord(f"{what} is not a date and time")
    return text


def _opt_time(value: Any, what: str) -> str | None:
    return None if value is None else _time(value, what)


def _refuse(name: str) -> Any:
    raise ValueError(name)


def _json(value: Any, what: str) -> Any:
    try:
        return json.loads(_text(value, what), parse_constant=_refuse)
    except (ValueError, RecursionError):
        raise DamagedRecord(f"{what} is not valid JSON") from None


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise DamagedRecord(f"{what} is not a mapping")
    return value


def _texts(value: Any, what: str) -> list[str]:
    if not isinstance(value, list):
        raise DamagedRecord(f"{what} is not a list")
    return [_text(v, what) for v in value]


def _scores(value: Any, keys: Iterable[str], what: str) -> dict[str, int | None]:
    """Scores by stage or dimension: 0-100 or none, every key present (a missing one has
    none)."""
    found = _mapping(value, what)
    return {
        k: None if found.get(k) is None else _int(found[k], f"{what} {k}", 0, 100) for k in keys
    }


def final_result(raw: Any) -> FinalResult:
    """An encounter's result from its stored JSON."""
    data = _mapping(_json(raw, "the result"), "the result")
    try:
        result = FinalResult.from_dict(dict(data))
    except (KeyError, TypeError, ValueError, OverflowError):
        raise DamagedRecord("the result is incomplete") from None
    _int(data["overall"], "the overall score", 0, 100)
    _text(data["band"], "the band")
    _number(data["pass_mark"], "the pass mark")
    return dataclasses.replace(
        result,
        stages=_scores(data["stages"], STAGE_IDS, "the stage score"),
        dimensions=_scores(data["dimensions"], DIMENSIONS, "the dimension score"),
    )


def summary(row: Row) -> SessionSummary:
    """A session row (with its trainee) as a summary. An abandoned session keeps its
    partial result in the log, but it is no result: only a finished encounter has one."""
    status = row["status"]
    if status not in STATUSES:
        raise DamagedRecord("unknown status")
    if row["mode"] not in MODES:
        raise DamagedRecord("unknown mode")
    finished = status in ("completed", "walked_out")
    result = final_result(row["result_json"]) if finished and row["result_json"] else None
    return SessionSummary(
        id=_text(row["id"], "the session id"),
        trainee=trainee(row["name"], row["employee_id"], row["cohort"]),
        scenario_id=_text(row["scenario_id"], "the scenario id"),
        content_hash=_text(row["content_hash"], "the content hash"),
        mode=row["mode"],
        started_at=_time(row["started_at"], "the start time"),
        ended_at=_opt_time(row["ended_at"], "the end time"),
        status=status,
        result=result,
        turn_count=_int(row["turn_count"], "the reply count", 0),
    )


def identity(value: Any, what: str) -> str:
    """A name-like field (a trainee, a trainer, a cohort) cleaned of escapes; an empty
    one is a damaged record."""
    shown = clean_identity(_text(value, what))
    if not shown:
        raise DamagedRecord(f"{what} is empty")
    return shown


def trainee(name: Any, employee_id: Any, cohort: Any) -> Trainee:
    """A trainee as recorded, identity fields cleaned (an edited log may hold escapes)."""
    shown = identity(name, "the trainee's name")
    emp = _opt_text(employee_id, "the employee id")
    coh = _opt_text(cohort, "the cohort")
    return Trainee(
        shown,
        None if emp is None else clean_identity(emp),
        None if coh is None else clean_identity(coh),
    )


def trainees(found: Iterable[Row]) -> list[Trainee]:
    """Name rows as trainees; a damaged one is left out (nobody to list)."""
    out = []
    for r in found:
        try:
            out.append(trainee(r["name"], r["employee_id"], r["cohort"]))
        except DamagedRecord:
            continue
    return out


def _hit(value: Any) -> ScoredHit:
    h = _mapping(value, "a rule hit")
    span = h.get("span")
    if not isinstance(span, list) or len(span) != 2:
        raise DamagedRecord("a rule hit's span is not two positions")
    ignored = _text(h.get("ignored", ""), "why a hit was set aside")
    try:
        aside = set_aside_kind(ignored)
    except ValueError:
        raise DamagedRecord("a hit's set-aside reason is unknown") from None
    return ScoredHit(
        rule=_text(h.get("rule"), "a rule id"),
        polarity=cast(Polarity, _choice(h.get("polarity"), POLARITIES, "a rule's polarity")),
        dimension=cast(Dimension, _choice(h.get("dimension"), DIMENSIONS, "a rule's dimension")),
        span=(_int(span[0], "a span", 0), _int(span[1], "a span", 0)),
        text=_text(h.get("text"), "a hit's text"),
        points=_number(h.get("points"), "a hit's points"),
        reason=_text(h.get("reason"), "a rule's reason"),
        better=_opt_text(h.get("better"), "a rule's better wording"),
        pattern=_text(h.get("pattern", ""), "a rule's pattern"),
        fuzzy=bool(h.get("fuzzy", False)),
        ignored=ignored,
        aside=aside,
    )


def _suggestions(d: Mapping[str, Any]) -> list[Suggestion]:
    """Structured advice, or the one-line suggestions an older log stored."""
    advice = d.get("advice")
    if advice is None:
        return [Suggestion.from_text(t) for t in _texts(d.get("suggestions", []), "a suggestion")]
    if not isinstance(advice, list):
        raise DamagedRecord("a reply's advice is not a list")
    out: list[Suggestion] = []
    for item in advice:
        a = _mapping(item, "a piece of advice")
        kind = _choice(a.get("kind"), ("goal", "rephrase"), "a piece of advice's kind")
        out.append(
            Suggestion(
                kind="goal" if kind == "goal" else "rephrase",
                reason=_text(a.get("reason", ""), "a piece of advice's reason"),
                goal=_opt_text(a.get("goal"), "a piece of advice's goal"),
                rule=_opt_text(a.get("rule"), "a piece of advice's rule"),
                said=_opt_text(a.get("said"), "a piece of advice's words"),
                example=_opt_text(a.get("example"), "a piece of advice's example"),
            )
        )
    return out


def reply_result(raw: Any) -> ReplyResult:
    """A reply's scoring result from its stored JSON."""
    d = _mapping(_json(raw, "a reply's result"), "a reply's result")
    if d.get("outcome") not in OUTCOMES:
        raise DamagedRecord("a reply's outcome is unknown")
    hits = d.get("hits")
    if not isinstance(hits, list):
        raise DamagedRecord("a reply's hits are not a list")
    set_aside = d.get("set_aside", [])
    if not isinstance(set_aside, list):
        raise DamagedRecord("a reply's set-aside hits are not a list")
    return ReplyResult(
        score=_int(d.get("score"), "a reply's score", 0, 100),
        dimensions=_scores(d.get("dimensions"), DIMENSIONS, "a reply's dimension"),
        outcome=d["outcome"],
        hits=[_hit(h) for h in hits],
        set_aside=[_hit(h) for h in set_aside],
        suggestions=_suggestions(d),
        notes=_texts(d.get("notes", []), "a note"),
        factor=_number(d.get("factor", 1.0), "a reply's factor"),
        goals_met=_texts(d.get("goals_met", []), "a goal"),
        goals_missed=_texts(d.get("goals_missed", []), "a goal"),
        is_list=bool(d.get("is_list", False)),
    )


def turn(row: Row) -> Turn:
    """A turn row as the engine's turn."""
    stage = row["stage"]
    if stage not in STAGE_IDS:
        raise DamagedRecord("a reply's stage is unknown")
    seconds = row["seconds"]
    return Turn(
        index=_int(row["idx"], "a reply's number", 0, len(STAGE_IDS) - 1),
        stage=stage,
        customer_lines=tuple(
            _texts(_json(row["customer_lines_json"], "the customer's lines"), "a line")
        ),
        reply=_text(row["reply"], "a reply"),
        result=reply_result(row["result_json"]),
        mood_before=_int(row["mood_before"], "a mood", 0, 100),
        mood_after=_int(row["mood_after"], "a mood", 0, 100),
        reaction=_text(row["reaction"], "a reaction"),
        seconds=None if seconds is None else _number(seconds, "a reply's time"),
        overtime=bool(row["overtime"]),
        at=_opt_time(row["created_at"], "a reply's time"),
    )
