"""Ask before ending the class: no one can join once it is closed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label


class ConfirmEndScreen(ModalScreen[bool]):
    """End the session, or not."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-end"):
            yield Label(
                Content.assemble(
                    ("End class ", "bold"),
                    (self.code, "bold $accent"),
                    ("?", "bold"),
                    "\nNo one can join once it is closed; what was recorded stays, and the "
                    "class summary follows.",
                ),
                id="confirm-end-text",
            )
            with Horizontal(id="confirm-end-buttons"):
                yield Button("End the session", id="end-go", variant="error")
                yield Button("Cancel", id="end-cancel")

    def on_mount(self) -> None:
        self.query_one("#end-cancel", Button).focus()

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "end-go")

    def action_cancel(self) -> None:
        self.dismiss(False)
