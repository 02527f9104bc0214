"""The five stages as a progress strip, the current one highlighted."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from mot_sim.stages import STAGE_IDS, STAGE_TITLES


class StageStrip(Widget):
    """``✔ done › ▶ current › ○ to come``."""

    current: reactive[int] = reactive(0)

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        for i, sid in enumerate(STAGE_IDS):
            if i:
                parts.append((" › ", "dim"))
            title = STAGE_TITLES[sid]
            if i < self.current:
                parts.append((f"✔ {title}", "$success"))
            elif i == self.current:
                parts.append((f" ▶ {title} ", "bold reverse $accent"))
            else:
                parts.append((f"○ {title}", "dim"))
        return Content.assemble(*parts)
