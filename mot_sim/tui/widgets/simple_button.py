"""A button with Textual's Button look and behaviour, for its default and primary variants
only."""

from __future__ import annotations

from functools import partial
from typing import ClassVar, Literal, cast

from rich.console import ConsoleRenderable, RenderableType
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.widget import Widget

Variant = Literal["default", "primary"]


class SimpleButton(Widget, can_focus=True):
    """Looks and works like ``Button(label, variant)`` (Enter or a click presses it; it
    flashes as pressed), for the two variants the home screen uses. Button's stylesheet
    styles ten kinds of button in 57 rules, the first screen's largest single cost before
    it paints; this one has the rules of the two kinds used here, copied from Button's
    (Textual 8.2), so that both look the same in every theme, ANSI included."""

    ALLOW_SELECT = False  # as Textual's own: not text to copy

    DEFAULT_CSS = """
    SimpleButton:ansi.-style-default {
        border: tall $border-blurred;
        background: ansi_default;

        &:hover {
            background: $ansi-background;
            border: tall $border;
        }

        &.-active {
            background: $ansi-background !important;
            border: blank $background !important;
            tint: transparent;
        }

        &.-primary {
            color: $primary;
            border: tall $primary;
            background: ansi_default;
            &:hover {
                background: $ansi-background;
            }
        }
    }

    SimpleButton {
        width: auto;
        min-width: 16;
        height: auto;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        pointer: pointer;

        &.-style-default {
            text-style: bold;
            color: $button-foreground;
            background: $surface;
            border: none;
            border-top: tall $surface-lighten-1;
            border-bottom: tall $surface-darken-1;

            &:focus {
                text-style: $button-focus-text-style;
                background-tint: $foreground 5%;
            }
            &:hover {
                border-top: tall $surface;
                background: $surface-darken-1;
            }

            &.-active {
                background: $surface;
                border-bottom: tall $surface-lighten-1;
                border-top: tall $surface-darken-1;
                tint: $background 30%;
            }

            &.-primary {
                color: $button-color-foreground;
                background: $primary;
                border-top: tall $primary-lighten-3;
                border-bottom: tall $primary-darken-3;

                &:hover {
                    background: $primary-darken-2;
                    border-top: tall $primary;
                }

                &.-active {
                    background: $primary;
                    border-bottom: tall $primary-lighten-3;
                    border-top: tall $primary-darken-3;
                }
            }
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "press", "Press button", show=False)]

    ACTIVE_EFFECT_DURATION = 0.2  # seconds the button shows as pressed, as Button's

    class Pressed(Message):
        """The button was pressed (Enter, or a click)."""

        def __init__(self, button: SimpleButton) -> None:
            super().__init__()
            self.button = button

        @property
        def control(self) -> SimpleButton:
            return self.button

    def __init__(self, label: str, variant: Variant = "default", *, id: str | None = None):
        # Button's classes, set once: its stylesheet's selectors, copied above, need them.
        super().__init__(id=id, classes=f"-style-default -{variant}")
        self.label = Content(label)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((line.cell_length for line in self.label.split("\n")), default=0) + 2

    def render(self) -> Content:
        return self.label

    def post_render(self, renderable: RenderableType, base_style: Style) -> ConsoleRenderable:
        return cast(ConsoleRenderable, renderable)  # as Button's: no extra styling

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_press()

    def action_press(self) -> None:
        if self.has_class("-active"):
            return  # still showing the last press
        self.add_class("-active")
        self.set_timer(self.ACTIVE_EFFECT_DURATION, partial(self.remove_class, "-active"))
        self.post_message(self.Pressed(self))
