"""Home: the trainee's name, a scenario and a mode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from mot_sim.errors import MotSimError
from mot_sim.stages import Mode
from mot_sim.tui.messages import (
    AssignmentsLoaded,
    CardsLoaded,
    ReadFailed,
    SessionAbandoned,
    StartRequested,
)
from mot_sim.tui.protocol import trainer
from mot_sim.tui.service import ScenarioCard, TrainerService
from mot_sim.tui.widgets.key_bar import KeyBar
from mot_sim.tui.widgets.mode_switch import ModeSwitch
from mot_sim.tui.widgets.simple_button import SimpleButton
from mot_sim.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from collections.abc import Callable

    from mot_sim.classroom.models import AssignmentProgress
    from mot_sim.store.records import SessionSummary
    from mot_sim.tui.screens.resume import ResumeChoice

INTRO = (
    "Every contact is a moment of truth: about 15 seconds in which a customer decides what "
    "your company is worth. Choose an encounter and answer in your own words."
)


def card_content(card: ScenarioCard) -> Content:
    best = "not played yet" if card.best is None else f"your best {card.best}"
    return Content.assemble(
        (card.title, "bold"),
        "\n",
        (f"{card.difficulty} · {card.customer}, {card.style} · {best}", "italic $accent"),
    )


STATUS_STYLE = {
    "not_started": ("not started", "$text-muted"),
    "in_progress": ("in progress", "$warning"),
    "overdue": ("overdue", "bold $error"),
    "done": ("done", "$success"),
}
STATUS_MARK = {"not_started": "○", "in_progress": "◐", "overdue": "!", "done": "●"}


def assignments_content(
    assignments: list[AssignmentProgress], title: Callable[[str], str]
) -> Content:
    """The trainee's assignments, one a line: a mark and a word for the status (never
    colour alone), the scenario, the due date."""
    lines = [Content.assemble(("Your assignments", "bold"))]
    for a in assignments:
        word, style = STATUS_STYLE[a.status]
        best = "" if a.best is None else f" · best {a.best}"
        lines.append(
            Content.assemble(
                (f"{STATUS_MARK[a.status]} {word:<11} ", style),
                (title(a.assignment.scenario_id), "bold"),
                (f"  due {a.assignment.due}{best}", "dim"),
            )
        )
    return Content("\n").join(lines)


class HomeScreen(Screen[None]):
    """Pick who you are, what to play, and how."""

    # Its rules (css/home.tcss) are the app's: see MotSimApp.CSS_PATH.

    # The footer shows the keys a trainee needs most; the mode and the class have their own
    # controls on this screen. Every key is listed by F1 and by the palette's "Keys".
    BINDINGS = [
        Binding("ctrl+s", "start", "Start"),
        Binding("ctrl+t", "toggle_mode", "Practice/exam", show=False),
        Binding("f1", "app.help", "Help"),
        Binding("f2", "app.history", "History"),
        Binding("f3", "join", "Join a class", show=False),
    ]

    def __init__(self, service: TrainerService, selected: str | None = None) -> None:
        super().__init__()
        self.service = service
        self.selected = selected
        self._cards: list[ScenarioCard] = []
        self._offered: set[str] = set()  # trainees already offered their unfinished work

    def compose(self) -> ComposeResult:
        yield TitleBar()
        # Not a focus stop of its own: focus goes straight to a field (the name, or the
        # list), which scrolls into view as it takes focus. Focusing the page first, then
        # the field, restyled the whole page each time, before the first frame.
        with VerticalScroll(id="home", can_focus=False):
            yield Label(Content(INTRO), id="intro")
            # Notices of broken scenario files and of assignments join here when needed.
            with Horizontal(id="name-row"):
                yield Label("Your name", classes="row-label")
                yield Input(
                    self.service.settings.trainee,
                    placeholder="Type your name",
                    max_length=80,
                    id="trainee",
                )
            yield Label("Encounter", classes="field")
            yield OptionList(id="scenarios")
            yield Label("", id="summary")
            with Horizontal(id="mode-row"):
                yield Label("Mode", classes="row-label")
                yield ModeSwitch(
                    "exam" if self.service.settings.mode == "exam" else "practice", id="mode"
                )
                yield SimpleButton("Start", "primary", id="start")
                yield SimpleButton("Join a class", id="join-class")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_cards()
        trainee = self.query_one("#trainee", Input)
        trainee.cursor_blink = trainer(self).cursor_blink
        self._focus_first()

    def on_screen_resume(self) -> None:
        # Back from an encounter or a result: the keyboard works at once, without Tab.
        if self.focused is None or not self.focused.is_attached:
            self._focus_first()

    def _focus_first(self) -> None:
        if self.query_one("#trainee", Input).value:
            self.query_one("#scenarios", OptionList).focus()
        else:
            self.query_one("#trainee", Input).focus()

    # -- the scenario list ---------------------------------------------------------------
    def refresh_cards(self) -> None:
        """Reload the scenario list (best results change after each encounter)."""
        if not self.service.ready:
            self.query_one("#summary", Label).update(
                Content.assemble(("Loading encounters…", "italic"))
            )
            return
        self._show_problems()
        self._load_cards(self.trainee, offer=self.trainee not in self._offered)
        self._load_assignments(self.trainee)

    @work(thread=True, exclusive=True, group="cards", exit_on_error=False)
    def _load_cards(self, trainee: str, offer: bool) -> None:
        # Best scores and unfinished sessions come from the score log, which a classroom's
        # other writers may hold: read here, off the UI thread.
        try:
            cards = self.service.cards(trainee)
            waiting = self.service.unfinished(trainee) if offer else []
        except MotSimError as exc:
            self.post_message(ReadFailed(str(exc)))
            return
        self.post_message(CardsLoaded(trainee, cards, waiting))

    @work(thread=True, exclusive=True, group="assignments", exit_on_error=False)
    def _load_assignments(self, trainee: str) -> None:
        # Apart from the cards: the scenarios are usable whatever the assignments say.
        try:
            assignments = self.service.assignments(trainee)
        except MotSimError as exc:
            self.post_message(ReadFailed(str(exc)))
            return
        self.post_message(AssignmentsLoaded(trainee, assignments))

    def _notice(self, name: str, show: bool) -> Label | None:
        """The notice above the name box, shown or hidden. It is added the first time there
        is something to say (most days there is not): the first frame has two widgets fewer
        to style."""
        try:
            notice = self.query_one(f"#{name}", Label)
        except NoMatches:
            if not show:
                return None
            notice = Label(id=name)
            # Problems first, then assignments, whichever is added first.
            later = self.query("#assignments") if name == "problems" else None
            self.query_one("#home").mount(notice, before=later.first() if later else "#name-row")
        notice.display = show
        return notice

    @on(AssignmentsLoaded)
    def _assignments_loaded(self, message: AssignmentsLoaded) -> None:
        show = bool(message.assignments) and message.trainee == self.trainee
        notice = self._notice("assignments", show)
        if notice is not None and show:
            notice.update(assignments_content(message.assignments, self.service.title))

    @on(CardsLoaded)
    def _cards_loaded(self, message: CardsLoaded) -> None:
        options = self.query_one("#scenarios", OptionList)
        keep = options.highlighted_option.id if options.highlighted_option else self.selected
        self._cards = message.cards
        options.clear_options()
        options.add_options([Option(card_content(c), id=c.id) for c in message.cards])
        ids = [c.id for c in message.cards]
        options.highlighted = ids.index(keep) if keep in ids else 0
        # Only to the trainee still named here: the name may have changed meanwhile.
        if (
            message.unfinished
            and self.is_current
            and message.trainee == self.trainee
            and message.trainee not in self._offered
        ):
            self._offered.add(message.trainee)
            self._offer_resume(message.unfinished[0])

    def _show_problems(self) -> None:
        """Scenario files that failed to load, listed where a trainer will see them."""
        problems = self.service.problems()
        notice = self._notice("problems", bool(problems))
        if notice is None or not problems:
            return
        files = len({p.path for p in problems})
        head = f"{files} scenario file{'s' if files > 1 else ''} could not be loaded:"
        notice.update(
            Content("\n").join(
                [Content.assemble(("⚠ " + head, "bold $warning"))]
                + [Content(str(p)) for p in problems]  # paths and messages, literally
            )
        )

    def _offer_resume(self, session: SessionSummary) -> None:
        """Offer the trainee's latest unfinished encounter."""
        from mot_sim.tui.screens.resume import ResumeScreen

        def chosen(choice: ResumeChoice | None) -> None:
            if choice == "resume":
                trainer(self).resume(session.id)
            elif choice == "abandon":
                self._abandon(session.id)

        title = self.service.title(session.scenario_id)
        self.app.push_screen(ResumeScreen(session, title), chosen)

    @work(thread=True, group="store", exit_on_error=False)
    def _abandon(self, session_id: str) -> None:
        try:
            self.service.abandon_session(session_id)
        except MotSimError as exc:
            self.post_message(ReadFailed(str(exc)))
            return
        self.post_message(SessionAbandoned(session_id))

    @on(SessionAbandoned)
    def _abandoned(self) -> None:
        self.notify("Abandoned; it stays in your history.")
        self.refresh_cards()

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        card = next((c for c in self._cards if c.id == event.option.id), None)
        mode_hint = "Practice: feedback after every reply. Exam: only at the end."
        self.query_one("#summary", Label).update(
            Content.assemble(card.summary if card else "", "\n", (mode_hint, "italic"))
        )

    # -- who and how ---------------------------------------------------------------------
    @property
    def trainee(self) -> str:
        return self.service.clean_name(self.query_one("#trainee", Input).value)

    def show_trainee(self, name: str, mode: Mode) -> None:
        """The name and mode an encounter started with, wherever they were chosen."""
        self.query_one("#trainee", Input).value = name
        self.set_mode(mode)
        self._offered.add(name)  # they know what they leave unfinished from now on
        # Coming back, the arrow keys move through the scenarios straight away.
        self.query_one("#scenarios", OptionList).focus()

    @property
    def mode(self) -> Mode:
        return self.query_one("#mode", ModeSwitch).value

    def set_mode(self, mode: Mode) -> None:
        self.query_one("#mode", ModeSwitch).value = mode

    @on(Input.Submitted, "#trainee")
    def _name_entered(self) -> None:
        self.refresh_cards()
        self.query_one("#scenarios", OptionList).focus()

    # -- starting ------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#scenarios")
    @on(SimpleButton.Pressed, "#start")
    def action_start(self) -> None:
        option = self.query_one("#scenarios", OptionList).highlighted_option
        if option is None or option.id is None:
            self.notify("Choose an encounter first.", severity="warning")
            return
        self.start(option.id)

    def start(self, scenario_id: str) -> None:
        """Start this scenario (the palette names one; the list starts the highlighted)."""
        ids = [c.id for c in self._cards]
        if scenario_id in ids:
            self.query_one("#scenarios", OptionList).highlighted = ids.index(scenario_id)
        self.selected = scenario_id
        if not self.trainee:
            self.notify("Type your name first: it goes on your score log.", severity="warning")
            self.query_one("#trainee", Input).focus()
            return
        self.post_message(StartRequested(scenario_id, self.trainee, self.mode))

    @on(SimpleButton.Pressed, "#join-class")
    def action_join(self) -> None:
        trainer(self).join_class()

    def action_toggle_mode(self) -> None:
        self.set_mode("practice" if self.mode == "exam" else "exam")
        self.notify(f"Mode: {self.mode}")
