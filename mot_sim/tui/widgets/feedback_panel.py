"""Practice-mode feedback after every reply; in exam mode it says when feedback comes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from mot_sim.i18n import tr
from mot_sim.tui.widgets.annotate import feedback

if TYPE_CHECKING:
    from mot_sim.scoring import ReplyResult


class FeedbackPanel(VerticalScroll):
    """Shows the last reply's score explained."""

    def __init__(self, exam: bool, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.exam = exam
        self.lang = lang
        self.border_title = tr(lang, "fb.title")

    def compose(self) -> ComposeResult:
        hint = tr(self.lang, "fb.exam") if self.exam else tr(self.lang, "fb.waiting")
        yield Static(Content.assemble((hint, "italic dim")), id="feedback-body")

    def show(self, result: ReplyResult, model_answer: str | None) -> None:
        if self.exam:
            return
        self.query_one("#feedback-body", Static).update(feedback(result, model_answer, self.lang))
        self.scroll_home(animate=False)
