"""Copying a score log into another (SQLite to PostgreSQL and back): ``mot-sim db copy``.

Rows travel as they are stored (raw JSON, times, the alias rows of trainees), checked on
the way out like every read (:mod:`mot_sim.store.rows`): a damaged session is named and
left behind, never half-copied. The target is matched by session id and by the trainee's
identity key, so the copy is idempotent (a second run adds nothing), merges several logs
into one, and continues a session that went on in the source since the last copy. Each
batch of sessions is one transaction: a copy that is killed leaves whole sessions only,
and the next run goes on from there. The backends supply the SQL (:class:`ImportTx`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, TypeVar

from mot_sim.store import class_rows, rows
from mot_sim.store.records import trainee_key

BATCH = 500  # sessions per transaction: a killed copy redoes at most this many
CLASSROOM_TABLES = (
    "classes",
    "class_members",
    "class_sessions",
    "overrides",
    "debrief_marks",
    "class_reveals",
    "assignments",
)


def token_of(values: tuple[object, ...]) -> str:
    """A short digest of what a change token is made of."""
    return hashlib.sha256(repr(values).encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass(frozen=True)
class TraineeRow:
    """A name row as stored: a person, or an alias (``same_as``) of an earlier one."""

    id: int
    name: str
    same_as: int | None
    employee_id: str | None
    cohort: str | None
    created_at: str


@dataclass(frozen=True)
class SessionRow:
    """A session row as stored (``turn_count``: its turns, not a column)."""

    id: str
    trainee_id: int
    scenario_id: str
    content_hash: str
    mode: str
    started_at: str
    ended_at: str | None
    status: str
    result_json: str | None
    overall: int | None
    turn_count: int = 0


@dataclass(frozen=True)
class TurnRow:
    """A turn row as stored."""

    session_id: str
    idx: int
    stage: str
    customer_lines_json: str
    reply: str
    result_json: str
    mood_before: int
    mood_after: int
    reaction: str
    seconds: float | None
    overtime: bool
    created_at: str


@dataclass(frozen=True)
class ClassRow:
    """A class as stored (its scenarios as a JSON list, its password salted-hashed)."""

    code: str
    scenarios_json: str
    mode: str
    timer: int | None
    cohort: str | None
    password_hash: str | None
    created_at: str
    closed_at: str | None
    created_by: str | None


@dataclass(frozen=True)
class MemberRow:
    """A trainee's joining of a class."""

    class_code: str
    name_key: str
    name: str
    joined_at: str


@dataclass(frozen=True)
class ClassSessionRow:
    """A session played in a class."""

    session_id: str
    class_code: str


@dataclass(frozen=True)
class OverrideRow:
    """An entry of the override audit trail."""

    id: str
    session_id: str
    stage: str
    machine_score: int
    new_score: int
    reason: str
    by_name: str
    at: str


@dataclass(frozen=True)
class MarkRow:
    """A trainer's star or hiding of one reply."""

    class_code: str
    session_id: str
    stage: str
    starred: bool
    hidden: bool
    updated_at: str


@dataclass(frozen=True)
class RevealRow:
    """Whether a stage's replies are on the projector."""

    class_code: str
    stage: str
    revealed: bool
    updated_at: str


@dataclass(frozen=True)
class AssignmentRow:
    """A cohort's assignment."""

    cohort: str
    scenario_id: str
    due: str
    assigned_at: str
    assigned_by: str | None


@dataclass(frozen=True)
class ClassroomRows:
    """Every classroom row of a log, as stored."""

    classes: list[ClassRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    class_sessions: list[ClassSessionRow] = field(default_factory=list)
    overrides: list[OverrideRow] = field(default_factory=list)
    marks: list[MarkRow] = field(default_factory=list)
    reveals: list[RevealRow] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)


@dataclass(frozen=True)
class Held:
    """What a log already holds of a session: enough to skip, continue or refuse it."""

    trainee_key: str
    scenario_id: str
    status: str
    turns: int


class ImportTx(Protocol):
    """One write transaction of a target log, in its own SQL."""

    def trainee_by_name(self, name: str) -> tuple[int, int] | None:
        """The row with exactly this name: (its id, the id of its person)."""

    def person_by_key(self, key: str) -> int | None:
        """The person (not an alias) with this identity key."""

    def insert_trainee(
        self,
        name: str,
        key: str,
        same_as: int | None,
        employee_id: str | None,
        cohort: str | None,
        created_at: str,
    ) -> int:
        """A new name row; its id."""

    def fill_blanks(self, person: int, employee_id: str | None, cohort: str | None) -> None:
        """Set the person's employee id and cohort where they are empty (none replaced)."""

    def insert_sessions(self, sessions: Sequence[tuple[SessionRow, int]]) -> None:
        """New sessions, each with its trainee's id in this log (present ones skipped)."""

    def insert_turns(self, turns: Sequence[TurnRow]) -> None:
        """New turns (present ones skipped)."""

    def end_session(self, session: SessionRow) -> None:
        """Record how a session still in progress here ended."""

    def insert_classroom(self, rows: ClassroomRows) -> None:
        """Classroom rows this log lacks (present ones skipped; a class closed in the
        source is closed here too). Rows naming a session this log lacks are skipped."""


class Source(Protocol):
    """A log rows are copied from."""

    path: str

    def dump_trainees(self) -> list[TraineeRow]: ...

    def dump_sessions(self) -> list[SessionRow]:
        """Every session, oldest first."""

    def dump_turns(self, session_ids: Sequence[str]) -> list[TurnRow]: ...

    def dump_classroom(self) -> ClassroomRows: ...


class Target(Protocol):
    """A log rows are copied into."""

    path: str

    def holdings(self) -> dict[str, Held]: ...

    def dump_classroom(self) -> ClassroomRows: ...

    def importing(self) -> AbstractContextManager[ImportTx]:
        """One write transaction: committed when the block ends, rolled back if it raises."""


@dataclass
class CopyReport:
    """What a copy did and found."""

    source_sessions: int = 0
    source_turns: int = 0
    trainees_added: int = 0
    sessions_added: int = 0
    turns_added: int = 0
    sessions_continued: int = 0
    turns_continued: int = 0
    already: int = 0
    damaged: dict[str, str] = field(default_factory=dict)
    damaged_trainees: dict[str, str] = field(default_factory=dict)
    conflicts: dict[str, str] = field(default_factory=dict)
    verified_sessions: int = 0
    verified_turns: int = 0
    missing: dict[str, str] = field(default_factory=dict)
    # The classroom's rows: table -> rows in the source, and what was wrong with some.
    classroom: dict[str, int] = field(default_factory=dict)
    classroom_verified: dict[str, int] = field(default_factory=dict)
    damaged_classroom: dict[str, str] = field(default_factory=dict)

    @property
    def expected_sessions(self) -> int:
        """The source's sessions the target must hold: all but damaged and conflicting."""
        return self.source_sessions - len(self.damaged) - len(self.conflicts)

    @property
    def ok(self) -> bool:
        return not (
            self.damaged
            or self.damaged_trainees
            or self.conflicts
            or self.missing
            or self.damaged_classroom
        )


def _time(value: str, what: str) -> None:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise rows.DamagedRecord(f"{what} is not a date and time") from None


def _check_session(s: SessionRow, trainees: dict[int, TraineeRow]) -> None:
    """Raise :class:`rows.DamagedRecord` unless the session can be what mot-sim wrote."""
    who = trainees.get(s.trainee_id)
    if who is None:
        raise rows.DamagedRecord("its trainee is missing")
    _check_trainee(trainees, s.trainee_id)
    person = _person(trainees, s.trainee_id)
    as_read = {
        **dataclasses.asdict(s),
        "name": person.name,
        "employee_id": person.employee_id,
        "cohort": person.cohort,
    }
    rows.summary(as_read)
    rows.trainee(who.name, who.employee_id, who.cohort)
    if s.result_json is not None:
        rows._json(s.result_json, "the result")
    if s.overall is not None:
        rows._int(s.overall, "the overall score", 0, 100)


def _check_turns(s: SessionRow, turns: list[TurnRow]) -> None:
    for t in turns:
        rows.turn(dataclasses.asdict(t))
    if [t.idx for t in turns] != list(range(len(turns))):
        raise rows.DamagedRecord("its replies are not numbered 0, 1, 2...")
    if len(turns) != s.turn_count:
        raise rows.DamagedRecord("its replies changed while it was copied")


def _batches(items: list[SessionRow], size: int) -> Iterator[list[SessionRow]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def copy_log(
    source: Source,
    target: Target,
    progress: Callable[[str], None] = lambda _: None,
    batch: int = BATCH,
) -> CopyReport:
    """Copy every session of ``source`` that ``target`` lacks (or holds less of), then
    check that the target holds all of them."""
    report = CopyReport()
    trainees = {t.id: t for t in source.dump_trainees()}
    sessions = source.dump_sessions()
    report.source_sessions = len(sessions)
    report.source_turns = sum(s.turn_count for s in sessions)
    held = target.holdings()
    todo: list[SessionRow] = []
    for s in sessions:
        try:
            _check_session(s, trainees)
        except rows.DamagedRecord as exc:
            report.damaged[s.id] = str(exc)
            continue
        there = held.get(s.id)
        if there is None:
            todo.append(s)
            continue
        person = _person(trainees, s.trainee_id)
        if there.trainee_key != trainee_key(person.name) or there.scenario_id != s.scenario_id:
            report.conflicts[s.id] = (
                "the target holds a different session under this id; left as it is"
            )
        elif there.turns < s.turn_count or (
            there.status == "in_progress" and s.status != "in_progress"
        ):
            todo.append(s)
        else:
            report.already += 1
    known: dict[int, tuple[int, int]] = {}  # source name row -> target (row, person)
    done = 0
    for chunk in _batches(todo, batch):
        turns: dict[str, list[TurnRow]] = {s.id: [] for s in chunk}
        for t in source.dump_turns([s.id for s in chunk]):
            turns[t.session_id].append(t)
        sound = []
        for s in chunk:
            try:
                _check_turns(s, turns[s.id])
            except rows.DamagedRecord as exc:
                report.damaged[s.id] = str(exc)
                continue
            sound.append(s)
        added = dict(trainees=0, sessions=0, turns=0, continued=0, more=0)
        mapped = dict(known)
        with target.importing() as tx:
            new = []
            for s in sound:
                there = held.get(s.id)
                if there is None:
                    tid, _, created = _map_trainee(tx, trainees, s.trainee_id, mapped)
                    added["trainees"] += created
                    new.append((s, tid))
            tx.insert_sessions(new)
            fresh: list[TurnRow] = []
            for s in sound:
                there = held.get(s.id)
                skip = 0 if there is None else there.turns
                fresh += turns[s.id][skip:]
                if there is None:
                    added["sessions"] += 1
                    added["turns"] += len(turns[s.id])
                else:
                    added["continued"] += 1
                    added["more"] += len(turns[s.id]) - skip
            tx.insert_turns(fresh)
            for s in sound:
                there = held.get(s.id)
                if there is not None and there.status == "in_progress" and s.status != there.status:
                    tx.end_session(s)
        known = mapped  # committed: the trainees made in this batch exist from now on
        report.trainees_added += added["trainees"]
        report.sessions_added += added["sessions"]
        report.turns_added += added["turns"]
        report.sessions_continued += added["continued"]
        report.turns_continued += added["more"]
        done += len(chunk)
        progress(f"copied {done:,} of {len(todo):,} sessions")
    # Trainees recorded without a session yet (HR registered them) come along too.
    rest = [tid for tid in trainees if tid not in known]
    if rest:
        with target.importing() as tx:
            for tid in rest:
                try:
                    _check_trainee(trainees, tid)
                except rows.DamagedRecord as exc:
                    report.damaged_trainees[trainees[tid].name[:40]] = str(exc)
                    continue
                report.trainees_added += _map_trainee(tx, trainees, tid, known)[2]
    _copy_classroom(source, target, report)
    _verify(source, target, sessions, report)
    return report


def _row_keys(r: ClassroomRows) -> dict[str, set[tuple[str, ...]]]:
    """Each classroom row by its key, per table (what "held" means for the copy)."""
    return {
        "classes": {(c.code,) for c in r.classes},
        "class_members": {(m.class_code, m.name_key) for m in r.members},
        "class_sessions": {(c.session_id,) for c in r.class_sessions},
        "overrides": {(o.id,) for o in r.overrides},
        "debrief_marks": {(m.class_code, m.session_id, m.stage) for m in r.marks},
        "class_reveals": {(v.class_code, v.stage) for v in r.reveals},
        "assignments": {(a.cohort, a.scenario_id) for a in r.assignments},
    }


def _sound_classroom(found: ClassroomRows, report: CopyReport) -> ClassroomRows:
    """The source's classroom rows that can be what mot-sim wrote; the others named."""
    R = TypeVar("R")

    def sound(kind: str, items: list[R], check: Callable[[R], object], key: str) -> list[R]:
        out = []
        for item in items:
            try:
                check(item)
            except rows.DamagedRecord as exc:
                report.damaged_classroom[f"{kind} {str(vars(item)[key])[:40]}"] = str(exc)
                continue
            out.append(item)
        return out

    classes = sound("class", found.classes, _check_class, "code")
    known = {c.code for c in classes}
    return ClassroomRows(
        classes=classes,
        members=sound(
            "member of",
            [m for m in found.members if m.class_code in known],
            lambda m: class_rows.member(vars(m)),
            "class_code",
        ),
        class_sessions=[c for c in found.class_sessions if c.class_code in known],
        overrides=sound("override", found.overrides, lambda o: class_rows.override(vars(o)), "id"),
        marks=sound(
            "mark in",
            [m for m in found.marks if m.class_code in known],
            lambda m: class_rows.mark(vars(m)),
            "class_code",
        ),
        reveals=sound(
            "reveal in",
            [v for v in found.reveals if v.class_code in known],
            lambda v: class_rows.revealed(vars(v)),
            "class_code",
        ),
        assignments=sound(
            "assignment of",
            found.assignments,
            lambda a: class_rows.assignment(vars(a)),
            "cohort",
        ),
    )


def _check_class(c: ClassRow) -> None:
    class_rows.stored_class(vars(c))
    if c.password_hash is not None:
        from mot_sim.classroom.passwords import check_hash

        if not check_hash(c.password_hash):
            raise rows.DamagedRecord("the class's password hash is not one mot-sim makes")


def _copy_classroom(source: Source, target: Target, report: CopyReport) -> None:
    """Classes, members, overrides, marks and assignments the target lacks, in one
    transaction, after the sessions they name."""
    sound = _sound_classroom(source.dump_classroom(), report)
    # Rows of a session the copy left behind (damaged, conflicting) stay behind with it.
    there = set(target.holdings())
    sound = dataclasses.replace(
        sound,
        class_sessions=[c for c in sound.class_sessions if c.session_id in there],
        overrides=[o for o in sound.overrides if o.session_id in there],
        marks=[m for m in sound.marks if m.session_id in there],
    )
    report.classroom = {t: len(k) for t, k in _row_keys(sound).items()}
    with target.importing() as tx:
        tx.insert_classroom(sound)
    held = _row_keys(target.dump_classroom())
    for table, keys in _row_keys(sound).items():
        report.classroom_verified[table] = len(keys & held[table])
        lost = keys - held[table]
        for key in sorted(lost)[:20]:
            report.missing[f"{table} {'/'.join(key)[:60]}"] = "not in the target"


def _check_trainee(trainees: dict[int, TraineeRow], row_id: int) -> None:
    who = trainees[row_id]
    _time(who.created_at, "the trainee's creation time")
    if who.same_as is not None and who.same_as not in trainees:
        raise rows.DamagedRecord("its alias points nowhere")
    rows.trainee(who.name, who.employee_id, who.cohort)


def _person(trainees: dict[int, TraineeRow], row_id: int) -> TraineeRow:
    row = trainees[row_id]
    return trainees.get(row.same_as, row) if row.same_as is not None else row


def _map_trainee(
    tx: ImportTx, trainees: dict[int, TraineeRow], row_id: int, mapped: dict[int, tuple[int, int]]
) -> tuple[int, int, int]:
    """The target's row for a source name row, made if missing: (its id, its person's id,
    rows made). An alias is made after its person, so the first-entered name stays first."""
    if row_id in mapped:
        return (*mapped[row_id], 0)
    row = trainees[row_id]
    who = rows.trainee(row.name, row.employee_id, row.cohort)
    made = 0
    person: int | None = None
    if row.same_as is not None and row.same_as != row_id:
        _, person, made = _map_trainee(tx, trainees, row.same_as, mapped)
    found = tx.trainee_by_name(who.name)
    if found is None:
        key = trainee_key(who.name)
        if person is None:  # a person here may be one the target knows by another spelling
            person = tx.person_by_key(key)
        tid = tx.insert_trainee(who.name, key, person, who.employee_id, who.cohort, row.created_at)
        made += 1
        person = tid if person is None else person
    else:
        tid, person = found
    if row.same_as is None:  # the person's details travel with them, where none are there
        tx.fill_blanks(person, who.employee_id, who.cohort)
    mapped[row_id] = (tid, person)
    return tid, person, made


def _verify(source: Source, target: Target, sessions: list[SessionRow], report: CopyReport) -> None:
    """Count, in the target, the source's sessions and turns; name any missing."""
    held = target.holdings()
    for s in sessions:
        if s.id in report.damaged or s.id in report.conflicts:
            continue
        there = held.get(s.id)
        if there is None:
            report.missing[s.id] = "not in the target"
        elif there.turns < s.turn_count:
            report.missing[s.id] = f"{s.turn_count - there.turns} of its replies are missing"
        elif there.status == "in_progress" and s.status != "in_progress":
            report.missing[s.id] = "its ending is missing"
        else:
            report.verified_sessions += 1
            report.verified_turns += s.turn_count


def describe(report: CopyReport, source: str, target: str) -> list[str]:
    """What a copy did, in lines for people."""
    lines = [
        f"copied {source} -> {target}",
        f"  trainees: {report.trainees_added:,} added",
        f"  sessions: {report.sessions_added:,} added ({report.turns_added:,} replies); "
        f"{report.sessions_continued:,} continued (+{report.turns_continued:,} replies); "
        f"{report.already:,} already there",
    ]
    for name, why in report.damaged_trainees.items():
        lines.append(f"  trainee {name!r}: damaged record ({why}); not copied")
    for sid, why in report.damaged.items():
        lines.append(f"  session {sid}: damaged record ({why}); not copied")
    for sid, why in report.conflicts.items():
        lines.append(f"  session {sid}: {why}")
    for what, why in report.damaged_classroom.items():
        lines.append(f"  {what}: damaged record ({why}); not copied")
    for sid, why in report.missing.items():
        lines.append(f"  {sid if ' ' in sid else 'session ' + sid}: {why}")
    if any(report.classroom.values()):
        lines.append(
            "  classroom: "
            + ", ".join(
                f"{report.classroom_verified.get(t, 0):,} of {n:,} {t.replace('_', ' ')}"
                for t, n in report.classroom.items()
                if n
            )
            + " held by the target"
        )
    if not report.missing:
        lines.append(
            f"verified: the target holds all {report.verified_sessions:,} sessions and "
            f"{report.verified_turns:,} replies copied from the source"
            + (
                f" (of {report.source_sessions:,} sessions and {report.source_turns:,} replies "
                "in it; the rest are named above)"
                if report.verified_sessions != report.source_sessions
                else ""
            )
        )
    else:
        lines.append(
            f"NOT verified: {len(report.missing):,} of {report.expected_sessions:,} "
            "sessions are not whole in the target (named above); run the copy again"
        )
    return lines
