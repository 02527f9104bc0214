"""What screens may ask of the App: a typed interface, so a screen never reaches into the
App by attribute names the type checker cannot see."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from mot_sim.classroom.models import ClassSession
    from mot_sim.engine import Encounter
    from mot_sim.stages import Mode
    from mot_sim.tui.service import TrainerService


@runtime_checkable
class Trainer(Protocol):
    """The trainer App, as its screens see it."""

    service: TrainerService
    cursor_blink: bool

    def begin(self, scenario_id: str, trainee: str, mode: Mode) -> None:
        """Start an encounter (from the home screen or the palette)."""

    def show_result(self, encounter: Encounter) -> None:
        """The encounter is over: show how it went."""

    def retry(self, encounter: Encounter) -> None:
        """Play the same scenario again."""

    def go_home(self) -> None:
        """Back to the home screen."""

    def resume(self, session_id: str) -> None:
        """Continue an unfinished session where it stopped."""

    def open_session(self, session_id: str) -> None:
        """Show one recorded session's transcript."""

    def ask_to_leave(self, home: bool) -> None:
        """Leave the encounter on screen (to the home screen, or quit), asking first."""

    def join_class(self) -> None:
        """Open the form to join a class."""

    def enter_class(self, session: ClassSession, trainee: str) -> None:
        """The trainee joined a class: show its page."""

    def begin_class(self, scenario_id: str) -> None:
        """Play one of the joined class's scenarios, recorded into the class."""

    def leave_class(self) -> None:
        """Leave the class, back to the home screen."""


def trainer(node: DOMNode) -> Trainer:
    """The App of ``node``, as the trainer interface."""
    app = node.app
    if not isinstance(app, Trainer):
        raise TypeError(f"{type(app).__name__} is not the trainer app")
    return app
