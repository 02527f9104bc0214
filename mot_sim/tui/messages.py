"""Messages between screens, workers and the app: small dataclasses, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from mot_sim.stages import Mode

if TYPE_CHECKING:
    from mot_sim.classroom.models import AssignmentProgress, ClassSession
    from mot_sim.engine import Encounter
    from mot_sim.scoring import ReplyResult
    from mot_sim.store.records import SessionRecord, SessionSummary
    from mot_sim.tui.service import ScenarioCard


@dataclass
class CoreLoaded(Message):
    """Scenarios and rules are loaded; the trainer can start encounters."""


@dataclass
class CoreFailed(Message):
    """The catalogue or the score log cannot be used: the app exits with this message."""

    message: str


@dataclass
class WritesPending(Message):
    """An encounter queued events for the score log; a worker should write them."""


@dataclass
class StartRequested(Message):
    """The trainee chose a scenario and a mode."""

    scenario_id: str
    trainee: str
    mode: Mode


@dataclass
class ReplyScored(Message):
    """A reply was scored off the UI thread; the screen applies it on the UI thread."""

    text: str
    seconds: float
    result: ReplyResult


@dataclass
class CardsLoaded(Message):
    """The scenario cards for a trainee (with best scores) and their unfinished sessions."""

    trainee: str
    cards: list[ScenarioCard]
    unfinished: list[SessionSummary] = field(default_factory=list)


@dataclass
class HistoryLoaded(Message):
    """A trainee's sessions, newest first."""

    sessions: list[SessionSummary]


@dataclass
class SessionLoaded(Message):
    """One session with its turns, read for its transcript."""

    record: SessionRecord


@dataclass
class EncounterReady(Message):
    """A recorded session was read back and can be played on."""

    encounter: Encounter


@dataclass
class SessionAbandoned(Message):
    """An unfinished session was abandoned from the home screen."""

    session_id: str


@dataclass
class ReadFailed(Message):
    """Reading the score log failed; the screen says so and stays usable."""

    message: str


@dataclass
class ClassJoined(Message):
    """The join code (and password) were right: the trainee is in the class."""

    session: ClassSession
    trainee: str


@dataclass
class JoinFailed(Message):
    """A join was refused (wrong code, closed class, wrong password): says only why."""

    message: str


@dataclass
class AssignmentsLoaded(Message):
    """A trainee's assignments with their status, for the home screen."""

    trainee: str
    assignments: list[AssignmentProgress]
