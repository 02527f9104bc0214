"""The current trainee's sessions: date, scenario, mode, replies, score, band, status.
Enter opens a session's transcript, from which an unfinished one can be resumed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Static

from mot_sim.errors import MotSimError
from mot_sim.stages import DIMENSIONS, STAGE_IDS, STAGE_TITLES
from mot_sim.tui.messages import HistoryLoaded, ReadFailed
from mot_sim.tui.protocol import trainer
from mot_sim.tui.service import TrainerService
from mot_sim.tui.widgets.key_bar import KeyBar
from mot_sim.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from mot_sim.store.records import SessionSummary

COLUMNS = ("Date (UTC)", "Scenario", "Mode", "Score", "Status")
STRETCH = "Scenario"  # the column that takes the width the others leave
MIN_STRETCH = 16  # narrower than this, the table scrolls sideways instead
GUTTER = 2  # DataTable's padding around each cell
SCROLLBAR = 2


class HistoryScreen(Screen[None]):
    """Every recorded session of one trainee, newest first."""

    CSS_PATH = "../css/history.tcss"

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("enter", "open", "Transcript", show=True),
        Binding("f1", "app.help", "Help"),
    ]
    AUTO_FOCUS = "DataTable"

    def __init__(self, service: TrainerService, trainee: str) -> None:
        super().__init__()
        self.service = service
        self.trainee = trainee
        self.sessions: list[SessionSummary] = []
        self._rows: list[tuple[str, list[str]]] = []

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static(Content.assemble(("Reading your sessions…", "italic")), id="history-detail")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"History · {self.trainee}"
        self._read()

    def on_screen_resume(self) -> None:
        self._read()  # back from a transcript or a resumed encounter: statuses may change

    @work(thread=True, exclusive=True, group="read", exit_on_error=False)
    def _read(self) -> None:
        try:
            sessions = self.service.history(self.trainee)
        except MotSimError as exc:
            self.post_message(ReadFailed(str(exc)))
            return
        self.post_message(HistoryLoaded(sessions))

    @on(HistoryLoaded)
    def _loaded(self, message: HistoryLoaded) -> None:
        self.sessions = message.sessions
        self._rows = [
            (
                s.id,
                [
                    s.started_at.replace("T", " ")[:16],
                    self.service.title(s.scenario_id),
                    s.mode,
                    "—" if s.result is None else f"{s.result.overall} {s.result.band}",
                    _status(s),
                ],
            )
            for s in self.sessions
        ]
        self._fill()
        if not self.sessions:
            self.query_one("#history-detail", Static).update(
                Content(f"No sessions recorded for {self.trainee} yet.")
            )

    def on_resize(self) -> None:
        self._fill()

    def _widths(self, width: int) -> list[int]:
        """Each column as wide as its widest cell; the scenario takes what is left over,
        and gives way first when the terminal is narrow."""
        natural = [
            max([cell_len(title), *(cell_len(cells[i]) for _, cells in self._rows)])
            for i, title in enumerate(COLUMNS)
        ]
        stretch = COLUMNS.index(STRETCH)
        others = sum(w for i, w in enumerate(natural) if i != stretch)
        spare = width - SCROLLBAR - GUTTER * len(COLUMNS) - others
        natural[stretch] = max(min(MIN_STRETCH, natural[stretch]), spare)
        return natural

    def _fill(self) -> None:
        if not self.is_mounted:
            return
        table = self.query_one(DataTable)
        current = table.cursor_row
        table.clear(columns=True)
        # The table measures Content cells as their label only, so widths are set here.
        for title, width in zip(COLUMNS, self._widths(self.size.width), strict=True):
            table.add_column(title, width=width, key=title)
        for session_id, cells in self._rows:
            table.add_row(*(Content(c) for c in cells), key=session_id)
        if self._rows:
            table.move_cursor(row=min(current, len(self._rows) - 1))

    @on(DataTable.RowHighlighted)
    def _detail(self, event: DataTable.RowHighlighted) -> None:
        s = next((x for x in self.sessions if x.id == event.row_key.value), None)
        if s is None:
            return
        parts: list[str | tuple[str, str]] = [
            (self.service.title(s.scenario_id), "bold"),
            ("  session ", "dim"),
            s.id[:8],
            "\n",
        ]
        if s.result:
            parts += [("Stages  ", "bold")]
            parts += [
                f"{STAGE_TITLES[k]} {'—' if s.result.stages[k] is None else s.result.stages[k]}   "
                for k in STAGE_IDS
            ]
            parts += ["\n", ("Dimensions  ", "bold")]
            parts += [
                f"{d} {'—' if s.result.dimensions[d] is None else s.result.dimensions[d]}   "
                for d in DIMENSIONS
            ]
        else:
            parts.append(f"{s.turn_count} of {len(STAGE_IDS)} replies given; not finished.")
        hint = "Enter: the transcript" + (", and resume it" if self.service.can_resume(s) else "")
        parts += ["\n", (hint, "dim")]
        self.query_one("#history-detail", Static).update(Content.assemble(*parts))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            trainer(self).open_session(event.row_key.value)

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key is not None:
                trainer(self).open_session(key)


def _status(s: SessionSummary) -> str:
    """The status, with how far it got when it did not finish."""
    status = s.status.replace("_", " ")
    return status if s.status == "completed" else f"{status}, {s.turn_count}/{len(STAGE_IDS)}"
