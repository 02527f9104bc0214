"""The line at the top of the trainer's screens: an icon that opens the command palette, and
the screen's title."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

ICON = "⭘"
ICON_WIDTH = 8  # the icon and the space around it, as Textual's Header draws them
RIGHT = 10  # the space Header keeps for a clock: titles stay centred where they were
PALETTE_TIP = "Open the command palette"


class TitleBar(Widget):
    """What Textual's ``Header(show_clock=False)`` shows (Textual 8.2), drawn by one widget
    instead of four: the first screen paints sooner with fewer widgets to style and lay
    out. A click on the icon opens the command palette; the title follows the screen's (or
    the app's) title and sub-title. Header's other trick, a click on the title making it
    three lines tall, is left out."""

    COMPONENT_CLASSES = {"title-bar--icon-hover"}

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        & > .title-bar--icon-hover {
            background: $foreground 10%;
        }
    }
    """

    over_icon: reactive[bool] = reactive(False)

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._retitle, init=False)
            self.watch(node, "sub_title", self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()

    def _title(self) -> Content:
        screen, app = self.screen, self.app
        title = app.title if screen.title is None else screen.title
        sub_title = app.sub_title if screen.sub_title is None else screen.sub_title
        return app.format_title(title, sub_title)

    def render(self) -> Content:
        width = self.size.width
        middle = max(0, width - ICON_WIDTH - RIGHT)
        title = self._title().truncate(middle, ellipsis=True)
        left = (middle - title.cell_length) // 2
        icon = Content(f" {ICON}".ljust(ICON_WIDTH)[:width])
        if self.over_icon:
            icon = icon.stylize(self.get_visual_style("title-bar--icon-hover"))
        return Content.assemble(icon, " " * left, title).truncate(width, pad=True)

    def watch_over_icon(self, over_icon: bool) -> None:
        self.tooltip = PALETTE_TIP if over_icon else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self.over_icon = event.x < ICON_WIDTH

    def on_leave(self) -> None:
        self.over_icon = False

    async def on_click(self, event: events.Click) -> None:
        if event.x < ICON_WIDTH:
            event.stop()
            await self.run_action("app.command_palette")
