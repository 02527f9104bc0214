"""The conversation so far: scene, customer lines, replies, reactions."""

from __future__ import annotations

from typing import Literal

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

Role = Literal["scene", "customer", "trainee", "reaction", "banner", "stage"]


class Line(Static):
    """One entry; its text is Content, so nothing in it is read as markup."""


class Conversation(VerticalScroll):
    """Scrolls to the newest line as the encounter goes on."""

    def say(self, role: Role, body: Content | str, speaker: str = "") -> Line:
        text = body if isinstance(body, Content) else Content(body)
        if speaker:
            style = "bold $accent" if role in {"customer", "reaction"} else "bold $primary"
            text = Content.assemble((f"{speaker}: ", style), text)
        line = Line(text, classes=f"line -{role}")
        self.mount(line)
        self.call_after_refresh(self.scroll_end, animate=False)
        return line
