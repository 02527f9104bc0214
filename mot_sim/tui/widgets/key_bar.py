"""The line at the bottom of the trainer's screens: the keys that work here, and the
command palette's key at the right."""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import events
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.style import Style
from textual.widget import Widget


class Key(NamedTuple):
    action: str
    key: str  # what pressing it simulates, e.g. "ctrl+s"
    display: str  # how it is shown, e.g. "^s"
    description: str
    enabled: bool
    tooltip: str


class KeyBar(Widget, can_focus=False):
    """What Textual's ``Footer()`` shows and does (Textual 8.2): a key and its description
    for each action the screen and the focused widget offer (``Binding(show=True)``), dim
    when the action is unavailable, the palette's key at the right; a click on a key
    presses it. One widget draws them all, where Footer mounts and styles a widget per key
    and mounts them afresh whenever focus moves: the first screen paints sooner.

    Unlike Footer, keys that do not fit are cut, not scrolled sideways; the trainer's
    screens fit theirs in 80 columns."""

    ALLOW_SELECT = False  # as Textual's own: not text to copy

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--item",
        "key-bar--hover",
        "key-bar--disabled",
        "key-bar--key",
        "key-bar--description",
        "key-bar--separator",
    }

    # Footer's and FooterKey's rules, a FooterKey being an item of this bar.
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        width: 1fr;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        text-wrap: nowrap;
        pointer: pointer;

        & > .key-bar--item {
            background: $footer-item-background;
        }
        & > .key-bar--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
        & > .key-bar--disabled {
            text-style: dim;
        }
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--separator {
            color: $foreground 20%;
        }
    }
    """

    _hovered: reactive[int | None] = reactive[int | None](None)

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[Key] = []
        self._palette: Key | None = None
        self._spans: list[tuple[int, int]] = []  # the columns each of `keys` is drawn in

    @property
    def keys(self) -> list[Key]:
        """The keys shown, in order, the command palette's last."""
        return self._keys + ([] if self._palette is None else [self._palette])

    def on_mount(self) -> None:
        self._read_bindings()  # in the first frame, rather than one frame later
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # As Footer: what focus offers while the app is in the background is not shown.
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._read_bindings()

    def _read_bindings(self) -> None:
        app = self.app
        active = self.screen.active_bindings
        keys: dict[str, Key] = {}  # the first key bound to each action, in order
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = Key(
                    binding.action,
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    enabled,
                    tooltip,
                )
        self._keys = list(keys.values())
        self._spans = []  # until they are drawn again
        palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        self._palette = (
            None
            if palette is None
            else Key(
                palette.binding.action,
                palette.binding.key,
                app.get_key_display(palette.binding),
                palette.binding.description,
                palette.enabled,
                palette.binding.tooltip or palette.binding.description,
            )
        )
        self.refresh()

    def _style(self, index: int, key: Key, *parts: str) -> Style:
        """A key's style: the bar's, then the key's own (hovered or not, dim when its
        action is unavailable), then that of the part drawn (the key or its description)."""
        item = "key-bar--hover" if index == self._hovered else "key-bar--item"
        dim = () if key.enabled else ("key-bar--disabled",)
        return self.get_visual_style(item, *dim, *parts)

    def _item(self, index: int, key: Key, compact: bool) -> Content:
        """A key as a FooterKey draws it: the key padded by a space each side (none when
        compact, as the palette's), then its description."""
        if not key.description:
            return Content.styled(key.display, self._style(index, key, "key-bar--key"))
        pad = "" if compact else " "
        return Content.assemble(
            (f"{pad}{key.display}{pad}", self._style(index, key, "key-bar--key")),
            (
                f" {key.description}" if compact else f"{key.description} ",
                self._style(index, key, "key-bar--description"),
            ),
        )

    def render(self) -> Content:
        width = self.size.width
        palette = Content()
        if self._palette is not None:  # a border at its left, a space at its right
            index, key = len(self._keys), self._palette
            # A translucent border, its colour mixed on the key's background as it is when
            # not hovered (as Footer's is).
            border = self.get_visual_style("key-bar--item", "key-bar--separator")
            under, colour = border.background, border.foreground
            separator = Style(
                background=self._style(index, key).background,
                foreground=colour if under is None or colour is None else under + colour,
            )
            palette = Content.assemble(
                ("▏", separator),
                self._item(index, key, compact=True),
                (" ", self._style(index, key)),
            )
        room = max(0, width - palette.cell_length)
        items: list[Content] = []
        spans: list[tuple[int, int]] = []
        x = 0
        for index, key in enumerate(self._keys):
            items.append(self._item(index, key, compact=False))
            spans.append((min(x, room), min(x + items[-1].cell_length, room)))  # cut at room
            x += items[-1].cell_length
        if self._palette is not None:
            spans.append((room, width))
        self._spans = spans
        keys = Content.assemble(*items).truncate(room, pad=True)
        return Content.assemble(keys, palette)

    def _key_at(self, x: int) -> int | None:
        """The index in `keys` of the key drawn at ``x``, if any."""
        return next((i for i, (start, end) in enumerate(self._spans) if start <= x < end), None)

    def watch__hovered(self, hovered: int | None) -> None:
        self.tooltip = None if hovered is None else (self.keys[hovered].tooltip or None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hovered = self._key_at(event.x)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._hovered = self._key_at(event.x)

    def on_leave(self) -> None:
        self._hovered = None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        index = self._hovered = self._key_at(event.x)
        if index is None:
            return
        key = self.keys[index]
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
