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
    """The encounter so far; :meth:`reveal` brings what is new into view from its start."""

    def say(self, role: Role, body: Content | str, speaker: str = "") -> Line:
        text = body if isinstance(body, Content) else Content(body)
        if speaker:
            style = "bold $accent" if role in {"customer", "reaction"} else "bold $primary"
            text = Content.assemble((f"{speaker}: ", style), text)
        line = Line(text, classes=f"line -{role}")
        self.mount(line)
        return line

    def reveal(self, first: Line) -> None:
        """Scroll so that ``first`` and what follows it show, ``first`` at the top: on a
        small terminal the newest lines start at their beginning, not mid-sentence."""
        self.call_after_refresh(self.scroll_to_widget, first, top=True, animate=False)
