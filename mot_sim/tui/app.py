"""The App: screens, global keys and the command palette. Nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import App
from textual.binding import Binding

from mot_sim.errors import MotSimError
from mot_sim.stages import Mode
from mot_sim.tui.commands import MotSimCommands
from mot_sim.tui.messages import CoreLoaded, StartRequested
from mot_sim.tui.screens.confirm import Choice, LeaveScreen
from mot_sim.tui.screens.encounter import EncounterScreen
from mot_sim.tui.screens.home import HomeScreen
from mot_sim.tui.screens.result import ResultScreen
from mot_sim.tui.service import TrainerService

if TYPE_CHECKING:
    from mot_sim.engine import Encounter


@dataclass(frozen=True)
class StartRequest:
    """Open straight into an encounter (``mot-sim play SCENARIO --trainee NAME``)."""

    scenario_id: str
    trainee: str
    mode: Mode = "practice"


class MotSimApp(App[None]):
    """Rehearse moments of truth."""

    TITLE = "mot-sim"
    COMMANDS = App.COMMANDS | {MotSimCommands}
    BINDINGS = [
        Binding("ctrl+q", "request_quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
        Binding("f2", "history", "History"),
        Binding("question_mark", "help", "Help", show=False),
    ]

    def __init__(
        self, service: TrainerService, start: StartRequest | None = None, cursor_blink: bool = True
    ) -> None:
        super().__init__()
        self.service = service
        self.start = start
        self.cursor_blink = cursor_blink

    def on_mount(self) -> None:
        selected = self.start.scenario_id if self.start else None
        self.push_screen(HomeScreen(self.service, selected))
        # Start loading once the first frame is out, so the two do not fight for the GIL.
        self.call_after_refresh(self._load_core)

    @work(thread=True, exit_on_error=False)
    def _load_core(self) -> None:
        # The first screen is already painted; scenarios and rules load meanwhile.
        try:
            self.service.load()
        except MotSimError as exc:
            # Plain Text: a path in the message must not be read as markup.
            self.call_from_thread(self.exit, None, 2, Text(f"mot-sim: {exc}"))
            return
        self.post_message(CoreLoaded())

    @on(CoreLoaded)
    def _core_loaded(self) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_cards()
        if self.start and self.start.trainee:
            self.begin(self.start.scenario_id, self.start.trainee, self.start.mode)

    # -- flow ----------------------------------------------------------------------------
    @on(StartRequested)
    def _start_requested(self, message: StartRequested) -> None:
        self.begin(message.scenario_id, message.trainee, message.mode)

    def begin(self, scenario_id: str, trainee: str, mode: Mode) -> None:
        self.service.remember(trainee, mode)
        encounter = self.service.new_encounter(scenario_id, trainee, mode)
        self.push_screen(EncounterScreen(encounter))

    def show_result(self, encounter: Encounter) -> None:
        self.switch_screen(ResultScreen(encounter))

    def retry(self, encounter: Encounter) -> None:
        again = self.service.new_encounter(encounter.scenario.id, encounter.trainee, encounter.mode)
        self.switch_screen(EncounterScreen(again))

    def go_home(self) -> None:
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        if isinstance(self.screen, HomeScreen):
            self.screen.refresh_cards()

    def start_from_palette(self, scenario_id: str) -> None:
        if isinstance(self.screen, EncounterScreen) and self.screen.in_progress:
            self.notify("Leave the current encounter first (Esc).", severity="warning")
            return
        self.go_home()
        home = self.screen
        if isinstance(home, HomeScreen):
            home.selected = scenario_id
            home.refresh_cards()
            home.action_start()

    # -- actions -------------------------------------------------------------------------
    def action_help(self) -> None:
        from mot_sim.tui.screens.help import HelpScreen  # Markdown loads only when asked

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_history(self) -> None:
        from mot_sim.tui.screens.history import HistoryScreen

        trainee = self.service.settings.trainee
        if isinstance(self.screen, HomeScreen):
            trainee = self.screen.trainee or trainee
        if not self.service.ready or not trainee:
            self.notify("Type your name first to see your history.", severity="warning")
            return
        if isinstance(self.screen, EncounterScreen) and self.screen.in_progress:
            self.notify("Leave the current encounter first (Esc).", severity="warning")
            return
        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.service, trainee))

    def on_unmount(self) -> None:
        self.service.close()

    def resume(self, session_id: str) -> None:
        self.push_screen(EncounterScreen(self.service.resume(session_id)))

    def action_toggle_mode(self) -> None:
        mode: Mode = "exam" if self.service.settings.mode == "practice" else "practice"
        self.service.settings.mode = mode
        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.set_mode(mode)
        self.notify(f"Mode for the next encounter: {mode}")

    def action_request_quit(self) -> None:
        if isinstance(self.screen, EncounterScreen) and self.screen.in_progress:
            self.ask_to_leave(home=False)
        else:
            self.exit()

    def ask_to_leave(self, home: bool) -> None:
        screen = self.screen
        if not isinstance(screen, EncounterScreen) or not screen.in_progress:
            self.go_home() if home else self.exit()
            return

        def chosen(choice: Choice | None) -> None:
            if choice in (None, "cancel"):
                return
            if choice == "abandon":
                screen.encounter.abandon()
            if home:
                self.go_home()
            else:
                self.exit()

        self.push_screen(LeaveScreen("Leave" if home else "Quit"), chosen)
