"""Override one reply's score, with a reason (the core keeps the machine's beside it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

if TYPE_CHECKING:
    from mot_sim.classroom.models import DebriefReply

MAX_REASON = 500


class OverrideScreen(ModalScreen[tuple[int, str] | None]):
    """A new score (0-100) and why; both required."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, reply: DebriefReply) -> None:
        super().__init__()
        self.reply = reply

    def compose(self) -> ComposeResult:
        r = self.reply
        with Vertical(id="override"):
            yield Label(
                Content.assemble(
                    ("Override the score of ", "bold"),
                    (r.label, "bold $accent"),
                    f"\nNow {r.score} (the machine gave {r.machine_score}).",
                ),
                id="override-head",
            )
            yield Label(Content(r.text), id="override-text")  # the trainee's words: literal
            yield Input(placeholder="new score, 0-100", type="integer", max_length=3, id="score")
            yield Input(
                placeholder="the reason (kept in the audit trail)",
                max_length=MAX_REASON,
                id="reason",
            )
            yield Label("", id="override-error")
            with Horizontal(id="override-buttons"):
                yield Button("Override", id="override-go", variant="warning")
                yield Button("Cancel", id="override-cancel")

    def on_mount(self) -> None:
        self.query_one("#score", Input).focus()

    @on(Input.Submitted, "#score")
    def _to_reason(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#override-go")
    def _submit(self) -> None:
        raw = self.query_one("#score", Input).value.strip()
        reason = " ".join(self.query_one("#reason", Input).value.split())
        if not raw.isdigit() or not 0 <= int(raw) <= 100:
            self._refuse("The score is a whole number from 0 to 100.", "#score")
            return
        if not reason:
            self._refuse("Say why: the reason goes in the audit trail.", "#reason")
            return
        self.dismiss((int(raw), reason))

    def _refuse(self, why: str, focus: str) -> None:
        self.query_one("#override-error", Label).update(Content.assemble((why, "bold $error")))
        self.query_one(focus).focus()

    @on(Button.Pressed, "#override-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
