"""The live roster: who joined, where each one is, how it is going."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from mot_sim.classroom.codes import shown
from mot_sim.errors import MotSimError
from mot_sim.stages import STAGE_TITLES
from mot_sim.tui.console.messages import ActionFailed, LeaderboardLoaded, SummaryLoaded
from mot_sim.tui.console.service import ConsoleService
from mot_sim.tui.console.tables import fill

if TYPE_CHECKING:
    from mot_sim.classroom.models import ClassSession, RosterEntry

COLUMNS = ("Trainee", "Scenario", "Stage", "Mood", "Replies", "Score", "Status")
STATUS_WORDS = {
    "joined": ("joined", ""),
    "playing": ("playing", "$accent"),
    "completed": ("✓ finished", "$success"),
    "walked_out": ("✗ walked out", "bold $error"),
    "abandoned": ("abandoned", "$text-muted"),
}


def roster_cells(entry: RosterEntry, title: str) -> list[Content]:
    """One trainee's row; names and titles come from the log and a file: literal Content."""
    word, style = STATUS_WORDS.get(entry.status, (entry.status, ""))
    return [
        Content(entry.trainee),
        Content(title),
        Content(STAGE_TITLES.get(entry.stage, entry.stage) if entry.stage else "—"),
        Content("—" if entry.mood is None else str(entry.mood)),
        Content(str(entry.replies)),
        Content("—" if entry.score is None else str(entry.score)),
        Content.assemble((word, style)),
    ]


class RosterScreen(Screen[None]):
    """The room, refreshed within a second of every scored reply."""

    BINDINGS = [
        Binding("l", "leaderboard", "Leaderboard"),
        Binding("d", "debrief", "Debrief"),
        Binding("s", "summary", "Summary"),
        Binding("ctrl+e", "end", "End the session"),
    ]
    AUTO_FOCUS = "#roster"

    def __init__(self, service: ConsoleService, session: ClassSession) -> None:
        super().__init__()
        self.service = service
        self.session = session
        self.roster: list[RosterEntry] = []

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static(self._head(), id="class-head")
        yield DataTable(id="roster", cursor_type="row", zebra_stripes=True)
        yield Static(
            Content.assemble(("Waiting for trainees to join…", "italic")), id="roster-note"
        )
        yield Footer()

    def _head(self) -> Content:
        s = self.session
        titles = ", ".join(self.service.title(sid) for sid in s.scenarios)
        state = ("open", "bold $success") if s.open else ("closed", "bold $error")
        timer = f" · {s.timer} s a reply" if s.timer else ""
        password = " · password" if s.has_password else ""
        return Content.assemble(
            ("Join code ", "dim"),
            (shown(s.code), "bold $accent"),
            "  ",
            state,
            f"  {s.mode}{timer}{password}",
            "\n",
            (titles, "italic"),
        )

    def on_mount(self) -> None:
        self.title = f"Class {self.session.code}"
        fill(self.query_one("#roster", DataTable), COLUMNS, [])

    def class_changed(self, roster: list[RosterEntry]) -> None:
        """Redraw the roster in place: the highlighted trainee stays highlighted."""
        self.roster = roster
        rows = [roster_cells(e, self.service.title(e.scenario_id)) for e in roster]
        fill(self.query_one("#roster", DataTable), COLUMNS, rows)
        finished = sum(e.status in ("completed", "walked_out") for e in roster)
        playing = sum(e.status == "playing" for e in roster)
        self.query_one("#roster-note", Static).update(
            Content(f"{len(roster)} joined · {playing} playing · {finished} finished")
            if roster
            else Content.assemble(("Waiting for trainees to join…", "italic"))
        )
        self.sub_title = f"{len(roster)} joined"

    # -- on demand -----------------------------------------------------------------------
    def action_leaderboard(self) -> None:
        self._leaderboard(anonymous=False)

    @work(thread=True, exclusive=True, group="read", exit_on_error=False)
    def _leaderboard(self, anonymous: bool) -> None:
        try:
            entries = self.service.leaderboard(self.session.code, anonymous)
        except MotSimError as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.post_message(LeaderboardLoaded(entries, anonymous))

    @on(LeaderboardLoaded)
    def _leaderboard_loaded(self, message: LeaderboardLoaded) -> None:
        from mot_sim.tui.console.screens.leaderboard import LeaderboardScreen

        self.app.push_screen(
            LeaderboardScreen(self.service, self.session.code, message.entries, message.anonymous)
        )

    def action_debrief(self) -> None:
        from mot_sim.tui.console.screens.debrief import DebriefScreen

        self.app.push_screen(DebriefScreen(self.service, self.session))

    def action_summary(self) -> None:
        self._summary(end=False)

    def action_end(self) -> None:
        from mot_sim.tui.console.screens.confirm_end import ConfirmEndScreen

        def chosen(end: bool | None) -> None:
            if end:
                self._summary(end=True)

        self.app.push_screen(ConfirmEndScreen(self.session.code), chosen)

    @work(thread=True, exclusive=True, group="end", exit_on_error=False)
    def _summary(self, end: bool) -> None:
        try:
            code = self.session.code
            summary = self.service.end(code) if end else self.service.summary(code)
        except MotSimError as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.post_message(SummaryLoaded(summary, end))

    @on(SummaryLoaded)
    def _summary_loaded(self, message: SummaryLoaded) -> None:
        from mot_sim.tui.console.screens.summary import SummaryScreen

        if message.ended:
            self.session = message.summary.session
            self.query_one("#class-head", Static).update(self._head())
        self.app.push_screen(SummaryScreen(self.service, message.summary, message.ended))
