"""The five stages as a progress strip, the current one highlighted."""

from __future__ import annotations

from typing import Any

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from mot_sim.i18n import stage_title
from mot_sim.stages import STAGE_IDS


class StageStrip(Widget):
    """``✔ done › ▶ current › ○ to come``."""

    current: reactive[int] = reactive(0)

    def __init__(self, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        for i, sid in enumerate(STAGE_IDS):
            if i:
                parts.append((" › ", "dim"))
            title = stage_title(sid, self.lang)
            if i < self.current:
                parts.append((f"✔ {title}", "$success"))
            elif i == self.current:
                parts.append((f" ▶ {title} ", "bold reverse $accent"))
            else:
                parts.append((f"○ {title}", "dim"))
        return Content.assemble(*parts)
