"""The class summary: per trainee, per stage, and the room's weakest rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from mot_sim.stages import STAGE_IDS, STAGE_TITLES
from mot_sim.tui.console.tables import fill

if TYPE_CHECKING:
    from mot_sim.classroom.models import ClassSummary
    from mot_sim.tui.console.service import ConsoleService


def _n(value: int | None) -> Content:
    return Content("—" if value is None else str(value))


class SummaryScreen(Screen[None]):
    """What the class did; at the end of the session, with the export commands."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Roster")]

    def __init__(self, service: ConsoleService, summary: ClassSummary, ended: bool) -> None:
        super().__init__()
        self.service = service
        self.summary = summary
        self.ended = ended

    def compose(self) -> ComposeResult:
        s = self.summary
        code = s.session.code
        yield Header(show_clock=False)
        with VerticalScroll(id="summary"):
            head = "Session ended" if self.ended else "So far"
            yield Static(
                Content.assemble(
                    (f"{head} · class {code}", "bold"),
                    f"  {s.finished} finished, {s.unfinished} unfinished",
                ),
                id="summary-head",
            )
            yield Static(Content.assemble(("Per trainee", "bold")), classes="summary-title")
            yield DataTable(id="summary-trainees", cursor_type="none", zebra_stripes=True)
            yield Static(Content.assemble(("Per stage", "bold")), classes="summary-title")
            yield DataTable(id="summary-stages", cursor_type="none", zebra_stripes=True)
            yield Static(
                Content.assemble(("The room's weakest rules", "bold")), classes="summary-title"
            )
            yield Static(self._weakest(), id="summary-weakest")
            yield Static(
                Content.assemble(("Your overrides", "bold"), ("  (the latest counts)", "dim")),
                classes="summary-title",
            )
            yield Static(self._overrides(), id="summary-overrides")
            yield Static(
                Content.assemble(
                    ("Export: ", "dim"),
                    f"mot-sim export --class {code} --format csv --out class.csv",
                    ("   Report: ", "dim"),
                    f"mot-sim report --class {code} --out class.html",
                ),
                id="summary-exports",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Class {self.summary.session.code} · summary"
        fill(
            self.query_one("#summary-trainees", DataTable),
            ("Trainee", "Best", "Latest", "Passed", *(STAGE_TITLES[k] for k in STAGE_IDS)),
            [
                [
                    Content(t.trainee),
                    _n(t.best),
                    _n(t.latest),
                    Content("yes" if t.passed else "no"),
                    *(_n(t.stages.get(k)) for k in STAGE_IDS),
                ]
                for t in self.summary.trainees
            ],
        )
        # A class of several scenarios: the room at each stage, then each scenario's own
        # stages (its title from the catalogue, shown literally).
        several = bool(self.summary.scenario_stages)
        fill(
            self.query_one("#summary-stages", DataTable),
            (
                *(("Scenario",) if several else ()),
                "Stage",
                "Replies",
                "Average",
                "Lowest",
                "Highest",
            ),
            [
                [
                    *(
                        (Content(self.service.title(st.scenario_id) if st.scenario_id else "All"),)
                        if several
                        else ()
                    ),
                    Content(STAGE_TITLES.get(st.stage, st.stage)),
                    Content(str(st.replies)),
                    _n(st.average),
                    _n(st.lowest),
                    _n(st.highest),
                ]
                for st in (*self.summary.stages, *self.summary.scenario_stages)
            ],
        )

    def _overrides(self) -> Content:
        # Names and reasons are the log's, shown literally (Content, never markup).
        if not self.summary.overrides:
            return Content.assemble(("No score overridden.", "italic"))
        return Content("\n").join(
            Content.assemble(
                (o.session_id[:8], "bold"),
                f" {STAGE_TITLES.get(o.stage, o.stage)}: {o.machine_score} → ",
                (str(o.new_score), "bold"),
                f" by {o.by} at {o.at[:16].replace('T', ' ')}: ",
                o.reason,
            )
            for o in self.summary.overrides
        )

    def _weakest(self) -> Content:
        if not self.summary.weakest:
            return Content.assemble(("No rule broken more than once.", "italic"))
        lines = [
            Content.assemble(
                (w.rule, "bold"),
                f"  {w.count}× by {w.trainees} trainee{'s' if w.trainees != 1 else ''}: ",
                w.reason,
                ("  Better: ", "dim"),
                w.better,
            )
            for w in self.summary.weakest
        ]
        return Content("\n").join(lines)
