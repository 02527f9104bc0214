"""Messages between screens and the app: small dataclasses, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

from mot_sim.stages import Mode

if TYPE_CHECKING:
    from mot_sim.scoring import ReplyResult


@dataclass
class CoreLoaded(Message):
    """Scenarios and rules are loaded; the trainer can start encounters."""


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
