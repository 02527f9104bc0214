"""The result: overall, bars per dimension and stage, and the annotated transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from mot_sim.stages import DIMENSIONS, STAGE_IDS, STAGE_TITLES
from mot_sim.tui.protocol import trainer
from mot_sim.tui.widgets.score_bars import ScoreBars
from mot_sim.tui.widgets.turn_view import TurnView

if TYPE_CHECKING:
    from mot_sim.engine import Encounter


class ResultScreen(Screen[None]):
    """How it went, and why, reply by reply."""

    CSS_PATH = ["../css/result.tcss", "../css/turns.tcss"]

    AUTO_FOCUS = "#retry"

    BINDINGS = [
        Binding("r", "retry", "Retry"),
        Binding("n", "another", "Another scenario"),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(self, encounter: Encounter) -> None:
        super().__init__()
        self.encounter = encounter

    def compose(self) -> ComposeResult:
        enc = self.encounter
        res = enc.result()
        customer = enc.scenario.customer.name
        yield Header(show_clock=False)
        with VerticalScroll(id="result"):
            verdict = ("PASS", "bold $success") if res.passed else ("FAIL", "bold $error")
            if res.walked_out:
                last = STAGE_TITLES[enc.turns[-1].stage] if enc.turns else ""
                yield Static(
                    Content.assemble((f"{customer} walked out during {last}.", "bold $error")),
                    id="walkout",
                )
            yield Static(
                Content.assemble(
                    (f"{res.overall}/100", "bold"),
                    "  ",
                    (res.band, "italic"),
                    "  ",
                    verdict,
                    (f"   pass mark {res.pass_mark:g}", "dim"),
                ),
                id="headline",
            )
            with Horizontal(id="bars"):
                yield ScoreBars(
                    "Dimensions",
                    [(d.capitalize(), res.dimensions[d]) for d in DIMENSIONS],
                    classes="bars",
                )
                yield ScoreBars(
                    "Stages", [(STAGE_TITLES[s], res.stages[s]) for s in STAGE_IDS], classes="bars"
                )
            with Horizontal(id="actions"):
                yield Button("Retry", id="retry", variant="primary")
                yield Button("Another scenario", id="another")
                yield Button("Quit", id="quit", variant="error")
            yield Static(
                Content.assemble(
                    ("Transcript", "bold underline"),
                    ("  each reply with its hits, beside a model answer", "dim"),
                ),
                id="transcript-title",
            )
            for turn in enc.turns:
                yield TurnView(turn, customer, enc.trainee, enc.model_answers(turn.stage)[0])
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Result · {self.encounter.scenario.title}"
        self.query_one("#result").scroll_home(animate=False)
        self.set_class(self.size.width < 100, "-narrow")

    def on_resize(self) -> None:
        self.set_class(self.size.width < 100, "-narrow")

    @on(Button.Pressed, "#retry")
    def action_retry(self) -> None:
        trainer(self).retry(self.encounter)

    @on(Button.Pressed, "#another")
    def action_another(self) -> None:
        trainer(self).go_home()

    @on(Button.Pressed, "#quit")
    def _quit(self) -> None:
        self.app.exit()
