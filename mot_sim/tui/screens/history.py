"""The current trainee's sessions: date, scenario, mode, score, band, status."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from mot_sim.stages import DIMENSIONS, STAGE_IDS, STAGE_TITLES
from mot_sim.tui.service import TrainerService


class HistoryScreen(Screen[None]):
    """Every recorded session of one trainee, newest first."""

    CSS_PATH = "../css/history.tcss"

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("f1", "app.help", "Help")]
    AUTO_FOCUS = "DataTable"

    def __init__(self, service: TrainerService, trainee: str) -> None:
        super().__init__()
        self.service = service
        self.trainee = trainee

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield DataTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"History · {self.trainee}"
        table = self.query_one(DataTable)
        table.add_columns("Date (UTC)", "Scenario", "Mode", "Score", "Band", "Status")
        self.sessions = self.service.history(self.trainee)
        titles = {sid: ls.scenario.title for sid, ls in self.service.catalog.scenarios.items()}
        for s in self.sessions:
            r = s.result
            table.add_row(
                *(
                    Content(str(cell))
                    for cell in (
                        s.started_at.replace("T", " ")[:16],
                        titles.get(s.scenario_id, s.scenario_id),
                        s.mode,
                        "—" if r is None else r.overall,
                        "—" if r is None else r.band,
                        s.status.replace("_", " "),
                    )
                ),
                key=s.id,
            )
        if not self.sessions:
            self.query_one("#history-detail", Static).update(
                Content(f"No sessions recorded for {self.trainee} yet.")
            )

    @on(DataTable.RowHighlighted)
    def _detail(self, event: DataTable.RowHighlighted) -> None:
        s = next((x for x in self.sessions if x.id == event.row_key.value), None)
        if s is None:
            return
        parts: list[str | tuple[str, str]] = [("Session ", "dim"), s.id, "\n"]
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
            parts.append(f"{s.turn_count} of 5 replies given; not finished.")
        parts += ["\n", ("Full transcript: ", "dim"), f"mot-sim show {s.id[:8]}"]
        self.query_one("#history-detail", Static).update(Content.assemble(*parts))
