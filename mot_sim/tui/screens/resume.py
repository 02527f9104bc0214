"""Offers to resume an encounter left unfinished (quit, or a killed terminal)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from mot_sim.stages import STAGE_IDS, STAGE_TITLES

if TYPE_CHECKING:
    from mot_sim.store.records import SessionSummary

ResumeChoice = Literal["resume", "abandon", "later"]


class ResumeScreen(ModalScreen[ResumeChoice]):
    """Resume at the stage where it stopped, abandon it, or decide later."""

    CSS_PATH = "../css/dialogs.tcss"

    BINDINGS = [Binding("escape", "later", "Later")]

    def __init__(self, session: SessionSummary, title: str) -> None:
        super().__init__()
        self.session = session
        self.scenario_title = title

    def compose(self) -> ComposeResult:
        s = self.session
        stage = STAGE_TITLES[STAGE_IDS[min(s.turn_count, len(STAGE_IDS) - 1)]]
        with Vertical(id="resume"):
            yield Label(
                Content.assemble(
                    ("Unfinished encounter", "bold"),
                    "\n",
                    (self.scenario_title, "bold $accent"),
                    f" ({s.mode}), started ",
                    s.started_at.replace("T", " ")[:16],
                    f" UTC: {s.turn_count} of {len(STAGE_IDS)} replies given.",
                    "\n",
                    f"Resume at {stage}?",
                ),
                id="resume-text",
            )
            with Horizontal(id="resume-buttons"):
                yield Button("Resume", id="resume-go", variant="primary")
                yield Button("Abandon it", id="resume-abandon", variant="error")
                yield Button("Later", id="resume-later")

    def on_mount(self) -> None:
        self.query_one("#resume-go", Button).focus()

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        choices: dict[str | None, ResumeChoice] = {
            "resume-go": "resume",
            "resume-abandon": "abandon",
        }
        self.dismiss(choices.get(event.button.id, "later"))

    def action_later(self) -> None:
        self.dismiss("later")
