"""The leaderboard, shown on demand between stages (named, or anonymous for the room)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label

from mot_sim.errors import MotSimError
from mot_sim.tui.console.messages import ActionFailed, LeaderboardLoaded
from mot_sim.tui.console.tables import fill

if TYPE_CHECKING:
    from mot_sim.classroom.models import LeaderboardEntry, RosterEntry
    from mot_sim.tui.console.service import ConsoleService


class LeaderboardScreen(ModalScreen[None]):
    """Trainees by score; ``a`` switches between names and anonymous labels."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("a", "anonymous", "Names / anonymous"),
    ]
    AUTO_FOCUS = "#leaderboard-table"

    def __init__(
        self,
        service: ConsoleService,
        code: str,
        entries: list[LeaderboardEntry],
        anonymous: bool,
    ) -> None:
        super().__init__()
        self.service = service
        self.code = code
        self.entries = entries
        self.anonymous = anonymous

    def compose(self) -> ComposeResult:
        with Vertical(id="leaderboard"):
            yield Label("", id="leaderboard-title")
            yield DataTable(id="leaderboard-table", cursor_type="none", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self._fill()

    def _fill(self) -> None:
        how = "anonymous" if self.anonymous else "by name"
        self.query_one("#leaderboard-title", Label).update(
            Content.assemble(("Leaderboard", "bold"), (f"  {how} · a: switch", "dim"))
        )
        rows = [
            [
                Content(str(e.rank)),
                Content(e.name),  # a name from the log: literal
                Content(str(e.score)),
                Content("finished" if e.finished else "playing"),
            ]
            for e in self.entries
        ]
        fill(self.query_one(DataTable), ("#", "Name", "Score", "Status"), rows)

    def class_changed(self, roster: list[RosterEntry]) -> None:
        """Scores moved: read the board again."""
        self._read(self.anonymous)

    def action_anonymous(self) -> None:
        self._read(not self.anonymous)

    @work(thread=True, exclusive=True, group="read", exit_on_error=False)
    def _read(self, anonymous: bool) -> None:
        try:
            entries = self.service.leaderboard(self.code, anonymous)
        except MotSimError as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.post_message(LeaderboardLoaded(entries, anonymous))

    @on(LeaderboardLoaded)
    def _loaded(self, message: LeaderboardLoaded) -> None:
        message.stop()  # this board's own read, not a request for another
        self.entries = message.entries
        self.anonymous = message.anonymous
        self._fill()
