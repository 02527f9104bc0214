"""The customer's mood as a live gauge, with the walk-out line marked."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from mot_sim.i18n import tr
from mot_sim.stages import LEAVING_MARGIN

WIDTH = 20


def mood_word(mood: int, walk_out: int, lang: str = "en") -> str:
    if mood < walk_out + LEAVING_MARGIN:
        key = "leaving"
    elif mood < 40:
        key = "upset"
    elif mood < 60:
        key = "uneasy"
    elif mood < 80:
        key = "calm"
    else:
        key = "happy"
    return tr(lang, f"mood.{key}")


class MoodGauge(Widget):
    """``Mood ███████░░░░ 55 uneasy``."""

    mood: reactive[int] = reactive(50)

    def __init__(self, walk_out_below: int, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.walk_out_below = walk_out_below
        self.lang = lang

    def render(self) -> Content:
        word = mood_word(self.mood, self.walk_out_below, self.lang)
        # The bar shrinks to fit narrow terminals; the number and word always show.
        width = max(4, min(WIDTH, self.size.width - 10 - len(word))) if self.size.width else WIDTH
        filled = round(self.mood / 100 * width)
        mark = min(width - 1, round(self.walk_out_below / 100 * width))
        colour = (
            "$error"
            if self.mood < self.walk_out_below + LEAVING_MARGIN
            else "$warning"
            if self.mood < 60
            else "$success"
        )
        cells: list[str | tuple[str, str]] = [tr(self.lang, "mood.label") + " "]
        for i in range(width):
            if i == mark and i >= filled:
                cells.append(("┊", "$error"))
            else:
                cells.append(("█", colour) if i < filled else ("░", "dim"))
        cells.append((f" {self.mood:>3} {word}", colour))
        return Content.assemble(*cells)
