"""The console's first screen: the class's code (given on the command line, or typed)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label


class CodeScreen(Screen[None]):
    """Which class to watch; shows "Opening…" while a given code is looked up."""

    def __init__(self, code: str = "") -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with Vertical(id="console-code"):
            yield Label(Content("The join code of the class to watch"), id="code-intro")
            yield Input(self.code, placeholder="e.g. K7QX4M", max_length=16, id="code")
            yield Label(
                Content.assemble(("Opening the class…", "italic")) if self.code else "",
                id="code-error",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#code", Input).cursor_blink = getattr(self.app, "cursor_blink", True)
        self.query_one("#code", Input).focus()

    @on(Input.Submitted, "#code")
    def _submitted(self, event: Input.Submitted) -> None:
        from mot_sim.tui.console.app import ConsoleApp

        code = event.value.strip()
        app = self.app
        if code and isinstance(app, ConsoleApp):
            self.query_one("#code-error", Label).update(
                Content.assemble(("Opening the class…", "italic"))
            )
            app.open_class(code)

    def refused(self, why: str) -> None:
        """The code was not a class's: say so (literally) and let them type another."""
        self.query_one("#code-error", Label).update(Content.assemble(("✗ " + why, "bold $error")))
        self.query_one("#code", Input).focus()
