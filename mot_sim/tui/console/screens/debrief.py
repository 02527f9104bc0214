"""The debrief for a projector: a stage's replies, anonymised, hidden until revealed; the
trainer stars the room's best (the model answer beside it), hides one, or overrides a
score."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from mot_sim.errors import MotSimError
from mot_sim.stages import STAGE_IDS, STAGE_TITLES
from mot_sim.tui.console.messages import ActionFailed, DebriefLoaded

if TYPE_CHECKING:
    from collections.abc import Callable

    from mot_sim.classroom.models import ClassSession, Debrief, DebriefReply, RosterEntry
    from mot_sim.tui.console.service import ConsoleService


def reply_content(reply: DebriefReply, scenario: str = "") -> Content:
    """One reply for the room: label, score, text and hits; the text is the trainee's own,
    so literal Content. A hidden reply shows its label only. ``scenario`` names the
    customer answered, in a class of several scenarios."""
    about = f" · {scenario}" if scenario else ""
    if reply.hidden:
        return Content.assemble((f"{reply.label}{about} · hidden from the room", "dim italic"))
    star = ("★ ", "bold $warning") if reply.starred else ("  ", "")
    score = f"{reply.score}"
    if reply.overridden:
        score += f" (machine {reply.machine_score}, overridden)"
    parts: list[Content] = [
        Content.assemble(
            star, (reply.label, "bold"), (about, "dim"), ("  ", ""), (score, "bold $accent")
        ),
        Content(reply.text),
    ]
    hits = [Content.assemble(("✓ " + h, "$success")) for h in reply.good_hits]
    hits += [Content.assemble(("✗ " + h, "$error")) for h in reply.bad_hits]
    if hits:
        parts.append(Content("  ").join(hits))
    return Content("\n").join(parts)


def side_content(debrief: Debrief, title: Callable[[str], str]) -> Content:
    """The room's best (starred) beside the model answer(s)."""
    parts: list[Content] = []
    best = next((r for r in debrief.replies if r.starred and not r.hidden), None)
    if best is not None:
        parts += [
            Content.assemble(
                ("★ The room's best", "bold $warning"), f"  {best.label} · {best.score}"
            ),
            Content(best.text),
            Content(""),
        ]
    for scenario_id, answer in debrief.model_answers.items():
        head = "Model answer"
        if len(debrief.model_answers) > 1:
            head += f" · {title(scenario_id)}"
        parts += [Content.assemble((head, "bold")), Content(answer), Content("")]
    return Content("\n").join(parts) if parts else Content("")


class DebriefScreen(Screen[None]):
    """Stage by stage: n/p (or →/←) change stage, r reveals, s stars, h hides, o overrides."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Roster"),
        Binding("p", "stage(-1)", "Previous stage"),
        Binding("n", "stage(1)", "Next stage"),
        Binding("left", "stage(-1)", "Previous stage", show=False),
        Binding("right", "stage(1)", "Next stage", show=False),
        Binding("r", "reveal", "Reveal / hide all"),
        Binding("s", "star", "Star"),
        Binding("h", "hide", "Hide / show"),
        Binding("o", "override", "Override score"),
    ]
    AUTO_FOCUS = "#debrief-replies"

    def __init__(self, service: ConsoleService, session: ClassSession, stage: int = 0) -> None:
        super().__init__()
        self.service = service
        self.session = session
        self.stage_index = stage
        self.debrief: Debrief | None = None

    @property
    def stage(self) -> str:
        return STAGE_IDS[self.stage_index]

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        yield Static("", id="debrief-head")
        with Horizontal(id="debrief-main"):
            yield OptionList(id="debrief-replies")
            with VerticalScroll(id="debrief-side"):
                yield Static("", id="debrief-model")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Debrief · class {self.session.code}"
        self._show_head()
        self._read()

    def _show_head(self) -> None:
        n = self.stage_index + 1
        state = "loading…"
        if self.debrief is not None:
            count = len(self.debrief.replies)
            state = (
                f"{count} repl{'y' if count == 1 else 'ies'} · shown to the room"
                if self.debrief.revealed
                else f"{count} repl{'y' if count == 1 else 'ies'} · hidden until you reveal them (r)"
            )
        self.query_one("#debrief-head", Static).update(
            Content.assemble(
                (f"Stage {n} of {len(STAGE_IDS)}: {STAGE_TITLES[self.stage]}", "bold"),
                ("  " + state, "dim"),
            )
        )

    # -- reading -------------------------------------------------------------------------
    def class_changed(self, roster: list[RosterEntry]) -> None:
        """A reply came in or a mark changed: read the stage again."""
        self._read()

    @work(thread=True, exclusive=True, group="debrief", exit_on_error=False)
    def _read(self) -> None:
        try:
            debrief = self.service.debrief(self.session.code, self.stage)
        except MotSimError as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.post_message(DebriefLoaded(debrief))

    @on(DebriefLoaded)
    def _loaded(self, message: DebriefLoaded) -> None:
        if message.debrief.stage != self.stage:
            return  # an answer for the stage we just left
        self.debrief = message.debrief
        self._show_head()
        options = self.query_one("#debrief-replies", OptionList)
        keep = options.highlighted
        options.clear_options()
        model = self.query_one("#debrief-model", Static)
        if not message.debrief.revealed:
            model.update(Content(""))
            return
        several = len(self.session.scenarios) > 1
        options.add_options(
            [
                Option(
                    reply_content(r, self.service.title(r.scenario_id) if several else ""),
                    id=r.session_id,
                )
                for r in message.debrief.replies
            ]
        )
        if message.debrief.replies:
            options.highlighted = min(keep or 0, len(message.debrief.replies) - 1)
        model.update(side_content(message.debrief, self.service.title))

    # -- the trainer's actions -----------------------------------------------------------
    def action_stage(self, step: int) -> None:
        self.stage_index = (self.stage_index + step) % len(STAGE_IDS)
        self.debrief = None
        self.query_one("#debrief-replies", OptionList).clear_options()
        self._show_head()
        self._read()

    @property
    def current(self) -> DebriefReply | None:
        """The highlighted reply, when the stage is revealed."""
        if self.debrief is None or not self.debrief.revealed:
            return None
        option = self.query_one("#debrief-replies", OptionList).highlighted_option
        if option is None:
            return None
        return next((r for r in self.debrief.replies if r.session_id == option.id), None)

    def action_reveal(self) -> None:
        if self.debrief is not None:
            revealed = not self.debrief.revealed
            self._act(lambda: self.service.reveal(self.session.code, self.stage, revealed))

    def action_star(self) -> None:
        reply = self.current
        if reply is not None:
            code, stage, starred = self.session.code, self.stage, not reply.starred
            self._act(lambda: self.service.star(code, reply.session_id, stage, starred))

    def action_hide(self) -> None:
        reply = self.current
        if reply is not None:
            code, stage, hidden = self.session.code, self.stage, not reply.hidden
            self._act(lambda: self.service.hide(code, reply.session_id, stage, hidden))

    def action_override(self) -> None:
        from mot_sim.tui.console.screens.override import OverrideScreen

        reply = self.current
        if reply is None:
            return

        def chosen(given: tuple[int, str] | None) -> None:
            if given is not None:
                score, reason = given
                self._act(
                    lambda: self.service.override(reply.session_id, reply.stage, score, reason),
                    f"{reply.label}: {reply.score} → {score}, recorded with your reason.",
                )

        self.app.push_screen(OverrideScreen(reply), chosen)

    @work(thread=True, group="act", exit_on_error=False)
    def _act(self, action: Callable[[], object], done: str | None = None) -> None:
        # Marks and overrides are writes to the shared log: never on the UI thread. The
        # poller sees the change token move and every view reads the class again.
        try:
            action()
        except MotSimError as exc:
            self.post_message(ActionFailed(str(exc)))
            return
        self.app.call_from_thread(self._done, done)

    def _done(self, said: str | None) -> None:
        if said:
            self.notify(said, markup=False)
        self._read()
