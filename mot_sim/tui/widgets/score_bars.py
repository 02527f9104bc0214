"""Horizontal bars for scores (per dimension, per stage)."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.widget import Widget

BAR = 24


def bar_line(label: str, value: int | None, width: int = 14, bar: int = BAR) -> Content:
    """One labelled bar; ``—`` where there is no evidence."""
    if value is None:
        return Content.assemble((f"{label:<{width}}", "bold"), ("░" * bar, "dim"), "   —")
    filled = round(value / 100 * bar)
    colour = "$success" if value >= 60 else "$warning" if value >= 45 else "$error"
    return Content.assemble(
        (f"{label:<{width}}", "bold"),
        ("█" * filled, colour),
        ("░" * (bar - filled), "dim"),
        f" {value:>3}",
    )


class ScoreBars(Widget):
    """A titled block of bars."""

    def __init__(self, title: str, rows: list[tuple[str, int | None]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.rows = rows

    def render(self) -> Content:
        lines = [Content.assemble((self.title_text, "bold underline"))]
        lines += [bar_line(label, value) for label, value in self.rows]
        return Content("\n").join(lines)
