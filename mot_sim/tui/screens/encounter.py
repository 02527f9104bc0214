"""The encounter: the customer, the stages, the conversation, and the reply box."""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Static

from mot_sim.i18n import choose, stage_title, tr
from mot_sim.stages import MAX_REPLY_CHARS, STAGE_IDS
from mot_sim.tui.messages import ReplyScored
from mot_sim.tui.protocol import trainer
from mot_sim.tui.widgets.annotate import highlight
from mot_sim.tui.widgets.conversation import Conversation, Line
from mot_sim.tui.widgets.feedback_panel import FeedbackPanel
from mot_sim.tui.widgets.key_bar import KeyBar
from mot_sim.tui.widgets.mood_gauge import MoodGauge
from mot_sim.tui.widgets.reply_box import ReplyBox
from mot_sim.tui.widgets.stage_strip import StageStrip
from mot_sim.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from mot_sim.engine import Encounter, Turn
    from mot_sim.tui.service import TrainerService

NARROW = 100  # below this width the feedback panel goes under the conversation


def now() -> float:
    """The reply timer's clock (a seam for tests; Textual keeps its own)."""
    return monotonic()


class EncounterScreen(Screen[None]):
    """One encounter, stage by stage, through the service: scoring runs in a worker, and
    the score log's writes are queued for the app's writer, never done on the UI thread."""

    CSS_PATH = "../css/encounter.tcss"

    AUTO_FOCUS = "ReplyBox"

    BINDINGS = [
        Binding("escape", "leave", "Leave"),
        Binding("f1", "app.help", "Help"),
    ]

    def __init__(self, service: TrainerService, encounter: Encounter) -> None:
        super().__init__()
        self.service = service
        self.encounter = encounter
        self.stage_started = now()
        self._ticker: Timer | None = None
        # What the program says follows the scenario's language unless one was chosen.
        self.lang = choose(None, service.settings.language, encounter.scenario.locale)

    @property
    def in_progress(self) -> bool:
        return not self.encounter.is_over

    def compose(self) -> ComposeResult:
        sc = self.encounter.scenario
        yield TitleBar()
        with Vertical(id="top"):
            with Horizontal(id="customer-bar"):
                yield Static(
                    Content.assemble(
                        (sc.customer.name, "bold"),
                        (f" · {tr(self.lang, 'style.' + sc.customer.style)}", "dim"),
                    ),
                    id="who",
                )
                yield MoodGauge(sc.customer.walk_out_below, lang=self.lang, id="mood")
                yield Static("", id="timer")
            yield StageStrip(lang=self.lang, id="strip")
            yield Static("", id="purpose")
        with Horizontal(id="main"):
            yield Conversation(id="conversation")
            yield FeedbackPanel(self.encounter.mode == "exam", lang=self.lang, id="feedback")
        yield ReplyBox(id="reply")
        yield Static(tr(self.lang, "enc.hint"), id="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        enc = self.encounter
        sc = enc.scenario
        self.title = sc.title
        self.sub_title = f"{enc.trainee} · {tr(self.lang, 'mode.' + enc.mode)}"
        self.query_one("#mood", MoodGauge).mood = enc.mood
        conv = self.query_one(Conversation)
        scene = conv.say(
            "scene",
            Content.assemble(
                (tr(self.lang, "enc.you_are"), "italic"),
                (sc.role, "bold italic"),
                (". ", "italic"),
                (sc.setting.strip(), "italic"),
            ),
        )
        for turn in enc.turns:  # a resumed encounter shows what was already said
            self._show_turn(turn, resumed=True)
        self.service.start(enc)
        reply = self.query_one(ReplyBox)
        reply.cursor_blink = trainer(self).cursor_blink
        opened = self._open_stage()
        # The briefing from its first word; resumed, from where the trainee left off.
        conv.reveal(opened if enc.turns else scene)
        reply.focus()
        self._on_resize_class()
        if enc.time_limit:
            self._ticker = self.set_interval(1, self._tick)

    # -- layout --------------------------------------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._on_resize_class()

    def _on_resize_class(self) -> None:
        self.set_class(self.size.width < NARROW, "-narrow")

    # -- stages --------------------------------------------------------------------------
    def _open_stage(self) -> Line:
        """Show the current stage's purpose and the customer's lines; returns its header."""
        enc = self.encounter
        self.query_one(StageStrip).current = enc.stage_index
        title = stage_title(enc.stage_id, self.lang)
        lead = tr(self.lang, "enc.stage", n=enc.stage_index + 1, total=len(STAGE_IDS), title=title)
        self.query_one("#purpose", Static).update(Content.assemble((lead, "bold"), enc.purpose))
        conv = self.query_one(Conversation)
        header = conv.say("stage", Content.assemble((f"── {title} ──", "bold dim")))
        for line in enc.customer_lines():
            conv.say("customer", line, enc.scenario.customer.name)
        self.stage_started = now()
        self._tick()
        return header

    def _tick(self) -> None:
        limit = self.encounter.time_limit
        if not limit or self.encounter.is_over:
            return
        left = limit - int(now() - self.stage_started)
        text = (
            Content.assemble((f"⏱ {left}s", "bold"))
            if left > 0
            else Content.assemble(("⏱ time's up", "bold $error"))
        )
        self.query_one("#timer", Static).update(text)

    # -- replies -------------------------------------------------------------------------
    @on(ReplyBox.Submitted)
    def _submitted(self, event: ReplyBox.Submitted) -> None:
        if self.encounter.is_over or event.reply_box.read_only:
            return
        text = event.text
        if not text.strip():
            self.notify("Type a reply first: an empty reply can't be scored.", severity="warning")
            return
        if len(text) > MAX_REPLY_CHARS:
            text = text[:MAX_REPLY_CHARS]
            self.notify(
                f"Your reply was cut to its first {MAX_REPLY_CHARS:,} characters.",
                severity="warning",
            )
        event.reply_box.read_only = True
        self.query_one("#hint", Static).update(
            Content.assemble((tr(self.lang, "enc.scoring"), "italic"))
        )
        self._score(text, now() - self.stage_started)

    @work(thread=True, exclusive=True, group="score")
    def _score(self, text: str, seconds: float) -> None:
        result = self.service.score(self.encounter, text)
        self.post_message(ReplyScored(text, seconds, result))

    @on(ReplyScored)
    def _scored(self, message: ReplyScored) -> None:
        # State changes happen here, on the UI thread; the score log's write is queued.
        turn = self.service.answer(self.encounter, message.text, message.seconds, message.result)
        if turn is None:
            return  # left while it was being scored
        reaction = self._show_turn(turn)
        reply = self.query_one(ReplyBox)
        if self.encounter.is_over:
            if self._ticker:
                self._ticker.stop()
            trainer(self).show_result(self.encounter)
            return
        reply.clear()
        reply.read_only = False
        self.query_one("#hint", Static).update(tr(self.lang, "enc.hint"))
        self._open_stage()
        # From the customer's reaction on: what the trainee has not read yet.
        self.query_one(Conversation).reveal(reaction)
        reply.focus()

    def _show_turn(self, turn: Turn, resumed: bool = False) -> Line:
        enc = self.encounter
        conv = self.query_one(Conversation)
        name = enc.trainee or "You"
        practice = enc.mode == "practice"
        if resumed:
            title = stage_title(turn.stage, self.lang)
            conv.say("stage", Content.assemble((f"── {title} ──", "bold dim")))
            for line in turn.customer_lines:
                conv.say("customer", line, enc.scenario.customer.name)
        body = highlight(turn.reply, turn.result.hits) if practice else Content(turn.reply)
        conv.say("trainee", body, name)
        if turn.overtime:
            conv.say(
                "banner",
                Content.assemble(("You took longer than the time allowed.", "bold $warning")),
            )
        if turn.mood_after < enc.scenario.customer.walk_out_below:
            conv.say(
                "banner",
                Content.assemble((f"{enc.scenario.customer.name} walked out.", "bold $error")),
            )
        reaction = conv.say("reaction", turn.reaction, enc.scenario.customer.name)
        self.query_one("#mood", MoodGauge).mood = turn.mood_after
        self.query_one(FeedbackPanel).show(turn.result, enc.model_answers(turn.stage)[0])
        return reaction

    def action_leave(self) -> None:
        trainer(self).ask_to_leave(home=True)
