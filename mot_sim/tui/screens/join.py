"""Join a class: its code, its password if it has one, and the trainee's name."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label

from mot_sim.errors import MotSimError
from mot_sim.tui.messages import ClassJoined, JoinFailed
from mot_sim.tui.protocol import trainer
from mot_sim.tui.service import MAX_NAME, TrainerService

INTRO = "Your trainer has given the room a join code. Type it with your name to join the class."
BROWSER_HINT = (
    "In a browser, paste with right-click → Paste: Ctrl+V pastes only text copied in this page."
)


class JoinScreen(Screen[None]):
    """The door to a class. In a browser (``gate``) it is the first and only way in."""

    CSS_PATH = "../css/join.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(self, service: TrainerService, gate: bool = False, trainee: str = "") -> None:
        super().__init__()
        self.service = service
        self.gate = gate
        self.trainee = trainee
        self._pending: tuple[str, str, str] | None = None  # asked to join while loading

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="join"):
            yield Label(Content(INTRO), id="join-intro")
            if self.gate:
                yield Label(Content(BROWSER_HINT), id="join-hint")
            with Horizontal(classes="join-row"):
                yield Label("Join code", classes="row-label")
                yield Input(placeholder="e.g. K7QX4M", max_length=16, id="join-code")
            with Horizontal(classes="join-row"):
                yield Label("Password", classes="row-label")
                yield Input(
                    placeholder="only if your trainer gave one",
                    password=True,
                    max_length=200,
                    id="join-password",
                )
            with Horizontal(classes="join-row"):
                yield Label("Your name", classes="row-label")
                yield Input(
                    self.trainee, placeholder="Type your name", max_length=MAX_NAME, id="join-name"
                )
            with Horizontal(id="join-actions"):
                yield Button("Join", variant="primary", id="join-go")
            yield Label("", id="join-error")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Join a class"
        for field in self.query(Input):
            field.cursor_blink = trainer(self).cursor_blink
        self.query_one("#join-code", Input).focus()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        order = ["join-code", "join-password", "join-name"]
        current = event.input.id or ""
        if current != "join-name":
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
            return
        self.action_join()

    @on(Button.Pressed, "#join-go")
    def action_join(self) -> None:
        code = self.query_one("#join-code", Input).value.strip()
        name = self.service.clean_name(self.query_one("#join-name", Input).value)
        if not code:
            self._refuse("Type the join code your trainer gave you.", "#join-code")
            return
        if not name:
            self._refuse("Type your name: it goes on the class's roster.", "#join-name")
            return
        password = self.query_one("#join-password", Input).value
        if not self.service.ready:
            # Many tabs opening at once share the CPU: join as soon as loading is done.
            self._pending = (code, name, password)
            self.query_one("#join-error", Label).update(
                Content.assemble(("Loading… you will join as soon as it is ready.", "italic"))
            )
            return
        self.query_one("#join-error", Label).update(Content.assemble(("Joining…", "italic")))
        self._join(code, name, password)

    def core_ready(self) -> None:
        """Scenarios and the log are loaded: a join asked for meanwhile goes ahead."""
        if self._pending is not None:
            code, name, password = self._pending
            self._pending = None
            self.query_one("#join-error", Label).update(Content.assemble(("Joining…", "italic")))
            self._join(code, name, password)

    @work(thread=True, exclusive=True, group="join", exit_on_error=False)
    def _join(self, code: str, trainee: str, password: str) -> None:
        try:
            session = self.service.join_class(code, trainee, password)
        except MotSimError as exc:
            self.post_message(JoinFailed(str(exc)))
            return
        self.post_message(ClassJoined(session, trainee))

    @on(JoinFailed)
    def _failed(self, message: JoinFailed) -> None:
        self._refuse(message.message, "#join-code")

    def _refuse(self, why: str, focus: str) -> None:
        # The message may quote what was typed: shown literally, never as markup.
        self.query_one("#join-error", Label).update(Content.assemble(("✗ " + why, "bold $error")))
        self.query_one(focus).focus()

    @on(ClassJoined)
    def _joined(self, message: ClassJoined) -> None:
        self.query_one("#join-error", Label).update("")
        self.query_one("#join-password", Input).value = ""
        trainer(self).enter_class(message.session, message.trainee)

    def action_back(self) -> None:
        if not self.gate:
            self.dismiss()
