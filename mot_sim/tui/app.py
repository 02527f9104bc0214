"""The App: screens, global keys, the command palette and the score log's writer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from mot_sim.errors import MotSimError
from mot_sim.i18n import choose
from mot_sim.stages import Mode
from mot_sim.tui.commands import MotSimCommands
from mot_sim.tui.messages import (
    CoreFailed,
    CoreLoaded,
    EncounterReady,
    ReadFailed,
    StartRequested,
    WritesPending,
)
from mot_sim.tui.screens.home import HomeScreen
from mot_sim.tui.service import TrainerService

if TYPE_CHECKING:
    from mot_sim.classroom.models import ClassSession
    from mot_sim.engine import Encounter
    from mot_sim.tui.screens.classroom import ClassScreen
    from mot_sim.tui.screens.confirm import Choice
    from mot_sim.tui.screens.encounter import EncounterScreen
    from mot_sim.tui.screens.join import JoinScreen
    from mot_sim.tui.screens.result import ResultScreen


FATAL = "fatal"  # workers whose failure ends the app: loading, writing the score log


def _encounter_screen() -> type[EncounterScreen]:
    # Imported when first needed: the reply box (a TextArea) and the encounter's widgets
    # are not part of the first screen, which paints sooner without them.
    from mot_sim.tui.screens.encounter import EncounterScreen

    return EncounterScreen


def _result_screen() -> type[ResultScreen]:
    from mot_sim.tui.screens.result import ResultScreen

    return ResultScreen


def _join_screen() -> type[JoinScreen]:
    # The classroom's screens too: most sessions never join a class.
    from mot_sim.tui.screens.join import JoinScreen

    return JoinScreen


def _class_screen() -> type[ClassScreen]:
    from mot_sim.tui.screens.classroom import ClassScreen

    return ClassScreen


@dataclass(frozen=True)
class JoinRequest:
    """Open straight into a class (``mot-sim join CODE --trainee NAME``)."""

    code: str
    trainee: str
    password: str = ""


@dataclass(frozen=True)
class StartRequest:
    """Open straight into an encounter (``mot-sim play SCENARIO --trainee NAME``)."""

    scenario_id: str
    trainee: str
    mode: Mode = "practice"


@dataclass(frozen=True)
class Joined:
    """The class the trainee is in, and the name they joined with."""

    session: ClassSession
    trainee: str


class MotSimApp(App[None]):
    """Rehearse moments of truth."""

    TITLE = "mot-sim"
    # The home screen's rules are read with the app's: read when the screen is pushed, they
    # would have Textual parse every rule read so far a second time before the first frame.
    CSS_PATH = ["css/app.tcss", "css/home.tcss"]
    COMMANDS = App.COMMANDS | {MotSimCommands}
    BINDINGS = [
        Binding("ctrl+q", "request_quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("f2", "history", "History"),
        Binding("question_mark", "help", "Help", show=False),
    ]

    def __init__(
        self,
        service: TrainerService,
        start: StartRequest | None = None,
        cursor_blink: bool = True,
        gate: bool = False,
        join: JoinRequest | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.start = start
        self.join = join
        self.cursor_blink = cursor_blink
        # A browser tab (``mot-sim serve``): a class's join code is the only way in, and
        # nothing outside that class (other scenarios, anyone's history) is reachable.
        self.gate = gate
        self.joined: Joined | None = None
        self.unsaved: str | None = None  # why the score log could not take the last writes
        # Events are queued on whichever thread emits them; a message brings them here.
        service.on_pending = lambda: self.post_message(WritesPending())

    async def on_mount(self) -> None:
        # Awaited: keys read before the first screen is up (a browser tab sends them as
        # soon as its app process starts) wait in the app's queue until its field has focus.
        if self.gate:
            await self.push_screen(_join_screen()(self.service, gate=True))
        else:
            selected = self.start.scenario_id if self.start else None
            await self.push_screen(HomeScreen(self.service, selected))
            if self.join is not None:  # the form, filled in and sent: it joins once loaded
                j = self.join
                await self.push_screen(
                    _join_screen()(
                        self.service,
                        trainee=j.trainee,
                        code=j.code,
                        password=j.password,
                        submit=True,
                    )
                )

    @on(events.Ready)
    def _first_frame(self) -> None:
        # Textual sends Ready once the first frame is on screen: only now do scenarios and
        # rules start loading, so the loader's thread does not hold up that frame (the GIL).
        self._load_core()

    @work(thread=True, group=FATAL, exit_on_error=False)
    def _load_core(self) -> str | None:
        # The first screen is already painted; scenarios and rules load meanwhile.
        try:
            self.service.load()
        except MotSimError as exc:
            return str(exc)  # the app exits once this worker is done (_fatal_worker_done)
        self.post_message(CoreLoaded())
        return None

    @on(Worker.StateChanged)
    def _fatal_worker_done(self, event: Worker.StateChanged) -> None:
        # Exit only once the failed worker has finished: exiting while it is still
        # returning would cancel it, and anything waiting on it would see WorkerCancelled.
        if event.worker.group == FATAL and event.state == WorkerState.SUCCESS:
            error = event.worker.result
            if isinstance(error, str):
                self.post_message(CoreFailed(error))

    @on(CoreFailed)
    def _core_failed(self, message: CoreFailed) -> None:
        # Plain Text: a path in the message must not be read as markup.
        self.exit(None, 2, Text(f"mot-sim: {message.message}"))

    @on(CoreLoaded)
    def _core_loaded(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_cards()
            elif isinstance(screen, _join_screen()):
                screen.core_ready()
        if self.start and self.start.trainee and not self.gate:
            self.begin(self.start.scenario_id, self.start.trainee, self.start.mode)

    # -- the score log -------------------------------------------------------------------
    @on(WritesPending)
    def _writes_pending(self) -> None:
        self._flush_writes()

    @work(thread=True, group=FATAL, exit_on_error=False)
    def _flush_writes(self) -> str | None:
        # A shared classroom file may keep us waiting up to its busy timeout: never here
        # on the UI thread. The service writes the queue in order, one writer at a time;
        # a write that fails ends the session (the app says why, and the log keeps the rest).
        try:
            self.service.flush()
        except MotSimError as exc:
            return str(exc)
        return None

    @on(ReadFailed)
    def _read_failed(self, message: ReadFailed) -> None:
        self.notify(message.message, title="Score log", severity="error", markup=False)

    def on_unmount(self) -> None:
        try:
            self.service.close()
        except MotSimError as exc:
            self.unsaved = str(exc)

    # -- flow ----------------------------------------------------------------------------
    @on(StartRequested)
    def _start_requested(self, message: StartRequested) -> None:
        self.begin(message.scenario_id, message.trainee, message.mode)

    def begin(self, scenario_id: str, trainee: str, mode: Mode) -> None:
        if self.gate:
            return  # a browser tab plays its class's encounters only (begin_class)
        self.joined = None
        self.service.remember(trainee, mode)
        # The name in use is the one the home screen shows, whoever chose it (the command
        # line, the palette or the home screen itself).
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.show_trainee(self.service.settings.trainee, mode)
        encounter = self.service.new_encounter(scenario_id, trainee, mode)
        self.push_screen(_encounter_screen()(self.service, encounter))

    def show_result(self, encounter: Encounter) -> None:
        self.switch_screen(_result_screen()(encounter, self.service.settings.language))

    def retry(self, encounter: Encounter) -> None:
        joined = self.joined.session if self.joined else None
        again = self.service.new_encounter(
            encounter.scenario.id, encounter.trainee, encounter.mode, joined
        )
        self.switch_screen(_encounter_screen()(self.service, again))

    # -- classes ---------------------------------------------------------------------------
    def join_class(self) -> None:
        """Open the join form (from the home screen or the palette)."""
        if self._in_encounter():
            self.notify("Leave the current encounter first (Esc).", severity="warning")
            return
        trainee = self.service.settings.trainee
        if isinstance(self.screen, HomeScreen):
            trainee = self.screen.trainee or trainee
        self.push_screen(_join_screen()(self.service, trainee=trainee))

    def enter_class(self, session: ClassSession, trainee: str) -> None:
        """The join was accepted: the class's page, in place of the join form."""
        self.joined = Joined(session, trainee)
        if not self.gate:
            self.service.remember(trainee, session.mode)
        self.switch_screen(_class_screen()(self.service, session, trainee, gate=self.gate))

    def begin_class(self, scenario_id: str) -> None:
        """Play one of the class's scenarios, recorded into the class."""
        if self.joined is None or scenario_id not in self.joined.session.scenarios:
            return
        joined = self.joined
        encounter = self.service.new_encounter(
            scenario_id, joined.trainee, joined.session.mode, joined.session
        )
        self.push_screen(_encounter_screen()(self.service, encounter))

    def leave_class(self) -> None:
        """Back to the home screen, out of the class."""
        self.joined = None
        self.go_home()

    def go_home(self) -> None:
        if self.joined is not None:  # "home" in a class is the class's page
            while not isinstance(self.screen, _class_screen()) and len(self.screen_stack) > 2:
                self.pop_screen()
            if isinstance(self.screen, _class_screen()):
                return
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_cards()

    def _in_encounter(self) -> bool:
        return any(isinstance(s, _encounter_screen()) and s.in_progress for s in self.screen_stack)

    def start_from_palette(self, scenario_id: str) -> None:
        if self._in_encounter():
            self.notify("Leave the current encounter first (Esc).", severity="warning")
            return
        self.go_home()
        home = self.screen
        if isinstance(home, HomeScreen):
            home.start(scenario_id)

    def resume(self, session_id: str) -> None:
        self._read_encounter(session_id)

    @work(thread=True, group="read", exit_on_error=False)
    def _read_encounter(self, session_id: str) -> None:
        try:
            encounter = self.service.resume(session_id)
        except MotSimError as exc:
            self.post_message(ReadFailed(str(exc)))
            return
        self.post_message(EncounterReady(encounter))

    @on(EncounterReady)
    def _encounter_ready(self, message: EncounterReady) -> None:
        if self._in_encounter():
            return
        self.go_home()
        self.push_screen(_encounter_screen()(self.service, message.encounter))

    def open_session(self, session_id: str) -> None:
        from mot_sim.tui.screens.transcript import TranscriptScreen

        self.push_screen(TranscriptScreen(self.service, session_id))

    # -- actions -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A browser tab has no history to show: the key is not offered at all.
        return not (self.gate and action == "history")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        # Our own "Quit" asks first in an encounter; Textual's would not, and would show twice.
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def action_help(self) -> None:
        from mot_sim.tui.screens.help import HelpScreen  # Markdown loads only when asked

        if not isinstance(self.screen, HelpScreen):
            # In an encounter, help speaks its scenario's language (unless one was chosen).
            screen = self.screen
            lang = (
                screen.lang
                if isinstance(screen, (_encounter_screen(), _result_screen()))
                else choose(None, self.service.settings.language)
            )
            self.push_screen(HelpScreen(lang))

    def action_history(self) -> None:
        from mot_sim.tui.screens.history import HistoryScreen

        if self.gate:
            self.notify("Your trainer has the class's results.", severity="information")
            return
        trainee = self.service.settings.trainee
        if isinstance(self.screen, HomeScreen):
            trainee = self.screen.trainee or trainee
        if not self.service.ready or not trainee:
            self.notify("Type your name first to see your history.", severity="warning")
            return
        if isinstance(self.screen, _encounter_screen()) and self.screen.in_progress:
            self.notify("Leave the current encounter first (Esc).", severity="warning")
            return
        if any(isinstance(s, HistoryScreen) for s in self.screen_stack):
            while not isinstance(self.screen, HistoryScreen):  # back from a transcript
                self.pop_screen()
            return
        self.push_screen(HistoryScreen(self.service, trainee))

    def action_toggle_mode(self) -> None:
        if self.gate:
            return
        mode: Mode = "exam" if self.service.settings.mode == "practice" else "practice"
        self.service.settings.mode = mode
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.set_mode(mode)
        self.notify(f"Mode for the next encounter: {mode}")

    async def action_quit(self) -> None:
        # Every way to quit (the palette, a key, a link) asks first mid-encounter.
        self.action_request_quit()

    def action_request_quit(self) -> None:
        if not self._in_encounter():
            self.exit()
            return
        while not isinstance(self.screen, _encounter_screen()):  # help, or the dialog itself
            self.pop_screen()
        self.ask_to_leave(home=False)

    def ask_to_leave(self, home: bool) -> None:
        screen = self.screen
        if not isinstance(screen, _encounter_screen()) or not screen.in_progress:
            self.go_home() if home else self.exit()
            return

        from mot_sim.tui.screens.confirm import LeaveScreen  # only when leaving mid-encounter

        def chosen(choice: Choice | None) -> None:
            if choice in (None, "cancel"):
                return
            if choice == "abandon":
                self.service.abandon(screen.encounter)
            if home:
                self.go_home()
            else:
                self.exit()

        self.push_screen(LeaveScreen("Leave" if home else "Quit"), chosen)
