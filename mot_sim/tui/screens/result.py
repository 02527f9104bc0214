"""The result: overall, bars per dimension and stage, and the annotated transcript."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Static

from mot_sim.i18n import band_name, choose, dimension_name, stage_title, tr
from mot_sim.stages import DIMENSIONS, STAGE_IDS
from mot_sim.tui.protocol import trainer
from mot_sim.tui.widgets.key_bar import KeyBar
from mot_sim.tui.widgets.score_bars import ScoreBars
from mot_sim.tui.widgets.title_bar import TitleBar
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

    def __init__(self, encounter: Encounter, language: str = "auto") -> None:
        super().__init__()
        self.encounter = encounter
        self.lang = choose(None, language, encounter.scenario.locale)

    def compose(self) -> ComposeResult:
        enc = self.encounter
        res = enc.result()
        customer = enc.scenario.customer.name
        yield TitleBar()
        with VerticalScroll(id="result"):
            lang = self.lang
            verdict = (
                (tr(lang, "res.pass"), "bold $success")
                if res.passed
                else (tr(lang, "res.fail"), "bold $error")
            )
            if res.walked_out:
                last = stage_title(enc.turns[-1].stage, lang) if enc.turns else ""
                said = tr(lang, "res.walked_out", customer=customer, stage=last)
                yield Static(Content.assemble((said, "bold $error")), id="walkout")
            yield Static(
                Content.assemble(
                    (f"{res.overall}/100", "bold"),
                    "  ",
                    (band_name(res.band, lang), "italic"),
                    "  ",
                    verdict,
                    ("   " + tr(lang, "res.pass_mark", mark=f"{res.pass_mark:g}"), "dim"),
                ),
                id="headline",
            )
            with Horizontal(id="bars"):
                yield ScoreBars(
                    tr(lang, "res.dimensions"),
                    [(dimension_name(d, lang).capitalize(), res.dimensions[d]) for d in DIMENSIONS],
                    enc.scorer.rubric.outcome_for,
                    classes="bars",
                )
                yield ScoreBars(
                    tr(lang, "res.stages"),
                    [(stage_title(s, lang), res.stages[s]) for s in STAGE_IDS],
                    enc.scorer.rubric.outcome_for,
                    classes="bars",
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
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = tr(self.lang, "res.title", title=self.encounter.scenario.title)
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
