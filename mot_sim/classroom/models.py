"""The classroom's own types, as the service hands them to the CLI, the console and
reports (no rows escape the store). Everything read back from the log has been checked
(:mod:`mot_sim.store.class_rows`) before it becomes one of these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mot_sim.stages import Mode, StageId

RosterStatus = Literal["joined", "playing", "completed", "walked_out", "abandoned"]
AssignmentStatus = Literal["not_started", "in_progress", "overdue", "done"]
ASSIGNMENT_STATUSES: tuple[AssignmentStatus, ...] = (
    "not_started",
    "in_progress",
    "overdue",
    "done",
)
Mark = Literal["star", "unstar", "hide", "show"]


@dataclass(frozen=True)
class ClassSession:
    """A class a trainer started: what it plays, how, and whether it is still open."""

    code: str
    scenarios: tuple[str, ...]
    mode: Mode
    timer: int | None
    cohort: str | None
    has_password: bool
    created_at: str  # ISO 8601, UTC
    closed_at: str | None = None
    created_by: str | None = None

    @property
    def open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class StoredClass:
    """A class as the store keeps it: with its password's salted hash (never the
    password), which only the service compares."""

    session: ClassSession
    password_hash: str | None


@dataclass(frozen=True)
class Member:
    """A trainee who joined a class (the name as first entered)."""

    trainee: str
    joined_at: str


@dataclass(frozen=True)
class RosterEntry:
    """One trainee in the room, as the console shows them."""

    trainee: str
    session_id: str | None  # their latest session in this class (None: joined only)
    scenario_id: str | None
    stage: StageId | None  # the stage they are at (or ended on)
    replies: int
    score: int | None  # finished: the overall; playing: the mean of replies so far
    mood: int | None  # the customer's mood, 0-100, after the last reply
    status: RosterStatus
    last_at: str  # the last thing they did: joined, started, replied


@dataclass(frozen=True)
class LeaderboardEntry:
    """A place on the leaderboard; ``name`` is "Trainee 3" when anonymous."""

    rank: int
    name: str
    score: int
    finished: bool


@dataclass(frozen=True)
class Override:
    """A trainer's change of a reply's score: audited, never overwriting the machine's."""

    id: str
    session_id: str
    stage: StageId
    machine_score: int
    new_score: int
    reason: str
    by: str
    at: str  # ISO 8601, UTC


@dataclass(frozen=True)
class DebriefMark:
    """What the trainer marked on one reply for the projector."""

    session_id: str
    stage: StageId
    starred: bool = False
    hidden: bool = False


@dataclass(frozen=True)
class DebriefReply:
    """One reply of the room at a stage, anonymised for the projector."""

    label: str  # "Reply 3": stable for the class, no name
    session_id: str
    scenario_id: str  # which customer the reply answered (a class may set several)
    stage: StageId
    text: str
    score: int  # the score that counts: the override's if any, else the machine's
    machine_score: int
    overridden: bool
    hits: tuple[str, ...]  # rule ids that fired, bad ones first
    good_hits: tuple[str, ...]
    bad_hits: tuple[str, ...]
    starred: bool
    hidden: bool


@dataclass(frozen=True)
class Debrief:
    """A stage's replies for the projector, the model answer beside them."""

    stage: StageId
    revealed: bool
    replies: tuple[DebriefReply, ...]
    model_answers: dict[str, str]  # scenario id -> its model answer for the stage

    def projected(self) -> tuple[DebriefReply, ...]:
        """What the projector shows: nothing until the stage is revealed, then every
        reply the trainer has not hidden, the starred one first."""
        if not self.revealed:
            return ()
        shown = [r for r in self.replies if not r.hidden]
        return tuple(sorted(shown, key=lambda r: not r.starred))


@dataclass(frozen=True)
class TraineeSummary:
    """One trainee's class: their result on each scenario played."""

    trainee: str
    sessions: int
    finished: int
    best: int | None
    latest: int | None
    passed: bool
    stages: dict[str, int | None]  # the mean reply score per stage (overrides applied)


@dataclass(frozen=True)
class StageSummary:
    """How the room did at one stage: of one scenario, or of all the class's scenarios
    (``scenario_id`` None)."""

    stage: StageId
    replies: int
    average: int | None
    lowest: int | None
    highest: int | None
    scenario_id: str | None = None


@dataclass(frozen=True)
class WeakRule:
    """A rule the room broke, and how often."""

    rule: str
    count: int
    trainees: int
    reason: str
    better: str


@dataclass(frozen=True)
class ClassSummary:
    """The end of a class: per trainee, per stage, and the room's weakest rules."""

    session: ClassSession
    trainees: tuple[TraineeSummary, ...]
    stages: tuple[StageSummary, ...]  # the room at each stage, all scenarios together
    # Each scenario's stages on their own, scenario by scenario, when the class played
    # more than one: "diagnose" in a bill call and in a bakery are not one task.
    scenario_stages: tuple[StageSummary, ...]
    weakest: tuple[WeakRule, ...]
    overrides: tuple[Override, ...]
    finished: int
    unfinished: int


@dataclass(frozen=True)
class Assignment:
    """Scenarios a trainer set a cohort, with a due date."""

    cohort: str
    scenario_id: str
    due: str  # ISO date, YYYY-MM-DD (due at the end of that day, UTC)
    assigned_at: str
    assigned_by: str | None = None


@dataclass(frozen=True)
class AssignmentProgress:
    """One trainee's standing on one assignment."""

    assignment: Assignment
    trainee: str
    status: AssignmentStatus
    best: int | None = None
    session_ids: tuple[str, ...] = field(default_factory=tuple)
