"""The console App: finds the class, polls the score log for changes, holds the screens."""

from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.worker import get_current_worker

from mot_sim.errors import MotSimError
from mot_sim.tui.console.messages import (
    ActionFailed,
    ClassChanged,
    ConsoleFailed,
    ConsoleReady,
)
from mot_sim.tui.console.screens import ClassView
from mot_sim.tui.console.screens.code import CodeScreen
from mot_sim.tui.console.screens.roster import RosterScreen
from mot_sim.tui.console.service import ConsoleService

POLL_SECONDS = 0.25  # the change token is one cheap query: a roster within a second
BACKOFF_SECONDS = 2.0  # after a failed read, before trying the log again


class ConsoleApp(App[None]):
    """A trainer's live class: roster, leaderboard, debrief, overrides, the end."""

    TITLE = "mot-sim class console"
    CSS_PATH = ["../css/app.tcss", "../css/console.tcss"]
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(
        self,
        service: ConsoleService,
        code: str | None = None,
        cursor_blink: bool = True,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__()
        self.service = service
        self.code = code
        self.cursor_blink = cursor_blink
        self.poll_seconds = poll_seconds
        self.token: str | None = None  # the last change token seen

    def on_mount(self) -> None:
        self.push_screen(CodeScreen(self.code or ""))
        self.call_after_refresh(self._load)

    @work(thread=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        try:
            self.service.load()
        except MotSimError as exc:
            self.post_message(ConsoleFailed(str(exc)))
            return
        if self.code:
            self.open_class(self.code)

    def open_class(self, code: str) -> None:
        """Find the class (a worker's read); the roster follows."""
        self.code = code  # still loading: the loader opens it when the log is open
        self._open(code)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open(self, code: str) -> None:
        if not self.service.ready:
            return  # the loader opens it once the log is open
        try:
            session = self.service.open_class(code)
        except MotSimError as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.post_message(ConsoleReady(session))

    @on(ConsoleReady)
    def _class_ready(self, message: ConsoleReady) -> None:
        self.code = message.session.code
        self.switch_screen(RosterScreen(self.service, message.session))
        self._poll(message.session.code)

    @on(ConsoleFailed)
    def _failed(self, message: ConsoleFailed) -> None:
        self.exit(None, 2, Text(f"mot-sim: {message.message}"))

    @on(ActionFailed)
    def _action_failed(self, message: ActionFailed) -> None:
        self.notify(message.message, title="Class", severity="error", markup=False)
        if isinstance(self.screen, CodeScreen):
            self.screen.refused(message.message)

    # -- watching the room ---------------------------------------------------------------
    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _poll(self, code: str) -> None:
        # The store is the meeting point: trainees' processes write, this one watches the
        # class's change token and re-reads the roster only when it moves. Never on the
        # UI thread: a shared log may keep a read waiting.
        worker = get_current_worker()
        failing = False
        while not worker.is_cancelled:
            try:
                token = self.service.changed(code)
                if token != self.token:
                    roster = self.service.roster(code)
                    self.token = token
                    self.post_message(ClassChanged(token, roster))
                failing = False
            except MotSimError as exc:
                if not failing:
                    self.post_message(ActionFailed(str(exc)))
                failing = True
                time.sleep(BACKOFF_SECONDS)
            time.sleep(self.poll_seconds)

    @on(ClassChanged)
    def _changed(self, message: ClassChanged) -> None:
        # Every screen that shows the class hears of it (the roster under a dialog too).
        for screen in self.screen_stack:
            if isinstance(screen, ClassView):
                screen.class_changed(message.roster)

    def on_unmount(self) -> None:
        self.service.close()
