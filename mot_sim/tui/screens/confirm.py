"""Asks before an encounter in progress is left or abandoned."""

from __future__ import annotations

from typing import Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

Choice = Literal["keep", "abandon", "cancel"]


class LeaveScreen(ModalScreen[Choice]):
    """Keep the encounter for later, abandon it, or carry on."""

    CSS_PATH = "../css/dialogs.tcss"

    BINDINGS = [Binding("escape", "cancel", "Keep playing")]

    def __init__(self, verb: str) -> None:
        super().__init__()
        self.verb = verb

    def compose(self) -> ComposeResult:
        with Vertical(id="leave"):
            yield Label(
                f"{self.verb} now? Your answers so far are saved, and you can resume "
                "this encounter later, or abandon it for good.",
                id="leave-text",
            )
            with Horizontal(id="leave-buttons"):
                yield Button(f"{self.verb}, resume later", id="keep", variant="primary")
                yield Button("Abandon it", id="abandon", variant="error")
                yield Button("Keep playing", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        choices: dict[str | None, Choice] = {"keep": "keep", "abandon": "abandon"}
        self.dismiss(choices.get(event.button.id, "cancel"))

    def action_cancel(self) -> None:
        self.dismiss("cancel")
