"""Horizontal bars for scores (per dimension, per stage)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.content import Content
from textual.widget import Widget

BAR = 24
COLOURS = {"good": "$success", "mixed": "$warning", "poor": "$error"}


def bar_line(
    label: str,
    value: int | None,
    outcome_for: Callable[[float], str],
    width: int = 14,
    bar: int = BAR,
) -> Content:
    """One labelled bar, coloured by the rubric's outcome for its value (the thresholds
    live in scoring/rubric.yaml, not here); ``—`` where there is no evidence."""
    if value is None:
        return Content.assemble((f"{label:<{width}}", "bold"), ("░" * bar, "dim"), "   —")
    filled = round(value / 100 * bar)
    colour = COLOURS.get(outcome_for(value), "$error")
    return Content.assemble(
        (f"{label:<{width}}", "bold"),
        ("█" * filled, colour),
        ("░" * (bar - filled), "dim"),
        f" {value:>3}",
    )


class ScoreBars(Widget):
    """A titled block of bars."""

    def __init__(
        self,
        title: str,
        rows: list[tuple[str, int | None]],
        outcome_for: Callable[[float], str],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.title_text = title
        self.rows = rows
        self.outcome_for = outcome_for

    def render(self) -> Content:
        lines = [Content.assemble((self.title_text, "bold underline"))]
        lines += [bar_line(label, value, self.outcome_for) for label, value in self.rows]
        return Content("\n").join(lines)
