"""One recorded session, reply by reply: scores, feedback, and a way to resume it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Static

from mot_sim.errors import MotSimError
from mot_sim.stages import STAGE_IDS, STAGE_TITLES
from mot_sim.tui.messages import ReadFailed, SessionLoaded
from mot_sim.tui.protocol import trainer
from mot_sim.tui.service import TrainerService
from mot_sim.tui.widgets.key_bar import KeyBar
from mot_sim.tui.widgets.title_bar import TitleBar
from mot_sim.tui.widgets.turn_view import TurnView

if TYPE_CHECKING:
    from mot_sim.store.records import SessionRecord

NARROW = 100


class TranscriptScreen(Screen[None]):
    """A session from the history: what was said, how it scored, and why."""

    CSS_PATH = ["../css/history.tcss", "../css/turns.tcss"]

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("r", "resume", "Resume", show=False),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(self, service: TrainerService, session_id: str) -> None:
        super().__init__()
        self.service = service
        self.session_id = session_id
        self.record: SessionRecord | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="transcript"):
            yield Static(Content.assemble(("Reading the session…", "italic")), id="session-head")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = "Transcript"
        self.set_class(self.size.width < NARROW, "-narrow")
        self._read()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    @work(thread=True, exclusive=True, group="read", exit_on_error=False)
    def _read(self) -> None:
        try:
            record = self.service.session(self.session_id)
        except MotSimError as exc:
            self.post_message(ReadFailed(str(exc)))
            return
        self.post_message(SessionLoaded(record))

    @on(SessionLoaded)
    async def _loaded(self, message: SessionLoaded) -> None:
        self.record = record = message.record
        s = record.summary
        title = self.service.title(s.scenario_id)
        self.title = f"Transcript · {title}"
        head: list[str | tuple[str, str]] = [
            (title, "bold $accent"),
            f"  {s.mode} · started {s.started_at.replace('T', ' ')[:16]} UTC · ",
            (s.status.replace("_", " "), "bold"),
        ]
        if s.result is not None:
            verdict = ("PASS", "bold $success") if s.result.passed else ("FAIL", "bold $error")
            head += ["\n", (f"{s.result.overall}/100", "bold"), f"  {s.result.band}  ", verdict]
        else:
            head += ["\n", f"{len(record.turns)} of {len(STAGE_IDS)} replies given; not finished."]
        self.query_one("#session-head", Static).update(Content.assemble(*head))
        body = self.query_one("#transcript", VerticalScroll)
        if self.service.can_resume(s):
            stage = STAGE_TITLES[STAGE_IDS[min(len(record.turns), len(STAGE_IDS) - 1)]]
            await body.mount(
                Horizontal(
                    Button(f"Resume at {stage}", id="transcript-resume", variant="primary"),
                    id="transcript-actions",
                )
            )
            self.query_one("#transcript-resume", Button).focus()
        customer = self._customer(s.scenario_id)
        await body.mount_all(
            TurnView(turn, customer, s.trainee.name, self._model_answer(s.scenario_id, turn.stage))
            for turn in record.turns
        )
        if not record.turns:
            await body.mount(Static(Content("No replies were given."), classes="turn"))
        if not self.query("#transcript-resume"):
            body.focus()  # the arrow and page keys scroll it

    def _customer(self, scenario_id: str) -> str:
        found = self.service.catalog.scenarios.get(scenario_id)
        return found.scenario.customer.name if found else "Customer"

    def _model_answer(self, scenario_id: str, stage: str) -> str | None:
        if self.record is None:
            return None
        return self.service.model_answer(scenario_id, stage, self.record.summary.trainee.name)

    @on(Button.Pressed, "#transcript-resume")
    def action_resume(self) -> None:
        if self.record is not None and self.service.can_resume(self.record.summary):
            trainer(self).resume(self.record.summary.id)
