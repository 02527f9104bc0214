"""Messages between the console's workers and screens: small dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from mot_sim.classroom.models import (
        ClassSession,
        ClassSummary,
        Debrief,
        LeaderboardEntry,
        RosterEntry,
    )


@dataclass
class ConsoleReady(Message):
    """The log is open and the class found."""

    session: ClassSession


@dataclass
class ConsoleFailed(Message):
    """The class or the log cannot be used; the text says why (shown literally)."""

    message: str


@dataclass
class ClassChanged(Message):
    """The class's data moved (a join, a scored reply, a mark); the roster came with it."""

    token: str
    roster: list[RosterEntry]


@dataclass
class LeaderboardLoaded(Message):
    """The leaderboard, named or anonymous."""

    entries: list[LeaderboardEntry]
    anonymous: bool


@dataclass
class DebriefLoaded(Message):
    """A stage's replies for the projector."""

    debrief: Debrief


@dataclass
class SummaryLoaded(Message):
    """The class's summary (at its end, or on demand)."""

    summary: ClassSummary
    ended: bool


@dataclass
class ActionFailed(Message):
    """A trainer's action (a mark, an override) was refused; says why."""

    message: str
