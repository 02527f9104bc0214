"""Practice or exam, side by side, in one focusable widget."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.style import Style
from textual.widget import Widget

from mot_sim.stages import Mode

# (mode, label, what it means): the label is what the trainee sees, the meaning its tooltip.
OPTIONS: tuple[tuple[Mode, str, str], ...] = (
    ("practice", "Practice", "Feedback after every reply"),
    ("exam", "Exam", "No feedback until the end"),
)
GAP = 2  # cells between the two choices


class ModeSwitch(Widget, can_focus=True):
    """``▐●▌ Practice  ▐ ▌ Exam``: looks and works like a RadioSet of two RadioButtons (the
    chosen one is marked ●, not by colour alone), drawn by one widget instead of three,
    so the home screen has fewer widgets to style and lay out before its first frame.

    Left/up chooses practice, right/down exam, Enter/space switches; a click chooses the
    mode under the pointer."""

    ALLOW_SELECT = False  # as Textual's own: not text to copy

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left,up", "choose('practice')", "Practice", show=False),
        Binding("right,down", "choose('exam')", "Exam", show=False),
        Binding("enter,space", "switch", "Switch mode", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "mode-switch--button",
        "mode-switch--button-on",
        "mode-switch--chosen",
        "mode-switch--hover",
    }

    # RadioSet's and RadioButton's looks (Textual 8.2), in one widget, ANSI themes included.
    DEFAULT_CSS = """
    ModeSwitch {
        width: auto;
        height: auto;
        border: tall $border-blurred;
        background: $surface;
        padding: 0 1;
        pointer: pointer;
        text-wrap: nowrap;

        & > .mode-switch--button {
            color: $panel-darken-2;
            background: $panel;
        }
        & > .mode-switch--button-on {
            color: $text-success;
            background: $panel;
        }
        & > .mode-switch--chosen {
            background: $block-cursor-blurred-background;
        }
        & > .mode-switch--hover {
            background: $block-hover-background;
        }
        &:ansi {
            & > .mode-switch--button {
                background: $ansi-background;
                color: $ansi-foreground;
                text-style: dim;
            }
            & > .mode-switch--button-on {
                color: $accent;
                background: $ansi-background;
                text-style: bold not dim;
            }
        }
        &:focus {
            border: tall $border;
            background-tint: $foreground 5%;
            & > .mode-switch--chosen {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    value: reactive[Mode] = reactive[Mode]("practice")
    """The chosen mode."""

    _hovered: reactive[int | None] = reactive[int | None](None)

    class Changed(Message):
        """The chosen mode changed."""

        def __init__(self, switch: ModeSwitch, value: Mode) -> None:
            super().__init__()
            self.switch = switch
            self.value = value

        @property
        def control(self) -> ModeSwitch:
            return self.switch

    def __init__(self, value: Mode = "practice", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(ModeSwitch.value, value)

    def render(self) -> Content:
        parts: list[Content] = []
        for i, (mode, label, _) in enumerate(OPTIONS):
            on = mode == self.value
            button = self.get_visual_style(
                "mode-switch--button-on" if on else "mode-switch--button"
            )
            side = Style(foreground=button.background, background=self.background_colors[1])
            text = Content(f" {label} ")
            if on:
                text = text.stylize_before(self.get_visual_style("mode-switch--chosen"))
            elif i == self._hovered:
                text = text.stylize_before(self.get_visual_style("mode-switch--hover"))
            parts.append(
                Content.assemble(
                    ("▐", side), ("●" if on else " ", button), ("▌", side), text, " " * GAP
                )
            )
        return Content.assemble(*parts)

    def _option_at(self, x: int) -> int | None:
        """The choice at ``x`` cells into the content, if any (not the gap between)."""
        start = 0
        for i, (_, label, _) in enumerate(OPTIONS):
            end = start + 3 + len(label) + 2  # ▐●▌, then the label with a space each side
            if start <= x < end:
                return i
            start = end + GAP
        return None

    def watch_value(self, value: Mode) -> None:
        self.post_message(self.Changed(self, value))

    def watch__hovered(self, hovered: int | None) -> None:
        self.tooltip = None if hovered is None else OPTIONS[hovered][2]

    def action_choose(self, mode: Mode) -> None:
        self.value = mode

    def action_switch(self) -> None:
        self.value = "exam" if self.value == "practice" else "practice"

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        i = None if offset is None else self._option_at(offset.x)
        if i is not None:
            self.value = OPTIONS[i][0]

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        self._hovered = None if offset is None else self._option_at(offset.x)

    def on_leave(self) -> None:
        self._hovered = None
