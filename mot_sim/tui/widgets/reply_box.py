"""The trainee's reply box: Enter sends, Shift+Enter or Ctrl+J starts a new line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import TextArea

from mot_sim.matching.text import clean_text


class ReplyBox(TextArea):
    """A multi-line input whose Enter key submits instead of breaking the line."""

    BINDINGS = [
        Binding("enter", "submit", "Send reply", show=True),
        Binding("ctrl+j", "newline", "New line", show=True),
    ]

    @dataclass
    class Submitted(Message):
        """The trainee sent a reply."""

        reply_box: ReplyBox
        text: str

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus", **kwargs)

    async def _on_key(self, event: events.Key) -> None:
        # TextArea inserts "\n" on Enter before bindings run, so intercept it here.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.action_submit()
            return
        if event.key in {"shift+enter", "ctrl+j"}:
            event.stop()
            event.prevent_default()
            self.action_newline()
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        # Pasted text may carry escape sequences; the box never shows them.
        event.stop()
        event.prevent_default()
        if not self.read_only:
            cleaned = clean_text(event.text)
            self.replace(cleaned, *self.selection)

    def action_submit(self) -> None:
        self.post_message(self.Submitted(self, self.text))

    def action_newline(self) -> None:
        if not self.read_only:
            self.replace("\n", *self.selection)
