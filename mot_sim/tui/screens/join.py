"""Join a class: its code, its password if it has one, and the trainee's name."""

from __future__ import annotations

import asyncio

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Label

from mot_sim.errors import MotSimError
from mot_sim.tui.messages import ClassJoined, JoinFailed
from mot_sim.tui.protocol import trainer
from mot_sim.tui.service import MAX_NAME, TrainerService
from mot_sim.tui.widgets.key_bar import KeyBar
from mot_sim.tui.widgets.title_bar import TitleBar

INTRO = "Your trainer has given the room a join code. Type it with your name to join the class."
FIELDS = ["join-code", "join-password", "join-name"]  # the order Enter moves through
BROWSER_HINT = (
    "In a browser, paste with right-click → Paste: Ctrl+V pastes only text copied in this page."
)


class JoinScreen(Screen[None]):
    """The door to a class. In a browser (``gate``) it is the first and only way in.

    Every key lands in the field that had focus when it was typed. The app hands each key
    to the focused widget's own queue as it reads it, and a tab on a busy server delivers
    keys in batches: had Enter moved focus from the field's own handler (Input.Submitted,
    then ``focus()``, both later than the app's reading), the keys typed after the Enter
    would already be queued in the field just left. So Enter and Tab are priority
    bindings, run by the app as it reads the key, and focus moves there and then
    (``set_focus``); a join waits until the fields have taken every key typed before it.
    """

    CSS_PATH = "../css/join.tcss"

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "enter", "Next", show=False, priority=True),
        Binding("tab", "app.focus_next", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", show=False, priority=True),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(
        self,
        service: TrainerService,
        gate: bool = False,
        trainee: str = "",
        code: str = "",
        password: str = "",
        submit: bool = False,
    ) -> None:
        super().__init__()
        self.service = service
        self.gate = gate
        self.trainee = trainee
        self.code = code
        self.password = password
        self.submit = submit  # join at once with what is filled in (``mot-sim join CODE``)
        self._pending: tuple[str, str, str] | None = None  # asked to join while loading

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="join"):
            yield Label(Content(INTRO), id="join-intro")
            if self.gate:
                yield Label(Content(BROWSER_HINT), id="join-hint")
            with Horizontal(classes="join-row"):
                yield Label("Join code", classes="row-label")
                yield Input(self.code, placeholder="e.g. K7QX4M", max_length=16, id="join-code")
            with Horizontal(classes="join-row"):
                yield Label("Password", classes="row-label")
                yield Input(
                    self.password,
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
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Join a class"
        for field in self.query(Input):
            field.cursor_blink = trainer(self).cursor_blink
        # At once, not after the app's queue: a key already read must find the field.
        self.set_focus(self.query_one("#join-code", Input))
        if self.submit:
            self.action_join()

    async def action_enter(self) -> None:
        """Enter: the next field, or join from the last field and the Join button."""
        current = self.focused.id if self.focused is not None else None
        if current in FIELDS[:-1]:
            self.set_focus(self.query_one(f"#{FIELDS[FIELDS.index(current) + 1]}", Input))
        elif current in ("join-name", "join-go"):
            # The keys typed before this Enter may still wait in the fields' queues: read
            # the fields once they have taken them (later keys wait for the app meanwhile).
            await self._typed()
            self.action_join()

    async def _typed(self) -> None:
        """Return once each field has handled every key handed to it so far."""
        for field in self.query(Input):
            done = asyncio.Event()
            field.call_later(done.set)  # queued behind the field's keys
            await done.wait()

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
        self.set_focus(self.query_one(focus))

    @on(ClassJoined)
    def _joined(self, message: ClassJoined) -> None:
        self.query_one("#join-error", Label).update("")
        self.query_one("#join-password", Input).value = ""
        trainer(self).enter_class(message.session, message.trainee)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # In a browser tab this page is the only way in: there is nowhere to go back to,
        # so Esc is not offered (the footer leaves it out).
        return not (action == "back" and self.gate)

    def action_back(self) -> None:
        if not self.gate:
            self.dismiss()
