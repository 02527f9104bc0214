"""Home: the trainee's name, a scenario and a mode."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from mot_sim.stages import Mode
from mot_sim.tui.messages import StartRequested
from mot_sim.tui.screens.resume import ResumeChoice, ResumeScreen
from mot_sim.tui.service import ScenarioCard, TrainerService

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


class HomeScreen(Screen[None]):
    """Pick who you are, what to play, and how."""

    CSS_PATH = "../css/home.tcss"

    BINDINGS = [
        Binding("ctrl+s", "start", "Start"),
        Binding("ctrl+t", "toggle_mode", "Practice/exam"),
        Binding("f1", "app.help", "Help"),
        Binding("f2", "app.history", "History"),
    ]

    def __init__(self, service: TrainerService, selected: str | None = None) -> None:
        super().__init__()
        self.service = service
        self.selected = selected
        self._cards: list[ScenarioCard] = []
        self._offered: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False)
        with VerticalScroll(id="home"):
            yield Label(Content(INTRO), id="intro")
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
                with RadioSet(id="mode"):
                    yield RadioButton(
                        "Practice",
                        id="practice",
                        value=self.service.settings.mode != "exam",
                        tooltip="Feedback after every reply",
                    )
                    yield RadioButton(
                        "Exam",
                        id="exam",
                        value=self.service.settings.mode == "exam",
                        tooltip="No feedback until the end",
                    )
                yield Button("Start", variant="primary", id="start")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_cards()
        trainee = self.query_one("#trainee", Input)
        trainee.cursor_blink = self.app.cursor_blink  # type: ignore[attr-defined]
        if trainee.value:
            self.query_one("#scenarios", OptionList).focus()
        else:
            trainee.focus()

    def refresh_cards(self) -> None:
        """Rebuild the scenario list (best results change after each encounter)."""
        options = self.query_one("#scenarios", OptionList)
        keep = options.highlighted_option.id if options.highlighted_option else self.selected
        cards = self._cards = self.service.cards(self.trainee)
        if not self.service.ready:
            self.query_one("#summary", Label).update(
                Content.assemble(("Loading encounters…", "italic"))
            )
            return
        options.clear_options()
        options.add_options([Option(card_content(c), id=c.id) for c in cards])
        ids = [c.id for c in cards]
        self._offer_resume()
        options.highlighted = ids.index(keep) if keep in ids else 0

    def _offer_resume(self) -> None:
        """Once per trainee name: offer the latest unfinished encounter."""
        trainee = self.trainee
        if trainee in self._offered or not self.service.ready or not self.is_current:
            return
        self._offered.add(trainee)
        waiting = self.service.unfinished(trainee)
        if not waiting:
            return
        session = waiting[0]
        title = self.service.catalog.get(session.scenario_id).scenario.title

        def chosen(choice: ResumeChoice | None) -> None:
            if choice == "resume":
                self.app.resume(session.id)  # type: ignore[attr-defined]
            elif choice == "abandon":
                self.service.abandon(session.id)
                self.notify("Abandoned; it stays in your history.")
                self.refresh_cards()

        self.app.push_screen(ResumeScreen(session, title), chosen)

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        card = next((c for c in self._cards if c.id == event.option.id), None)
        mode_hint = "Practice: feedback after every reply. Exam: only at the end."
        self.query_one("#summary", Label).update(
            Content.assemble(card.summary if card else "", "\n", (mode_hint, "italic"))
        )

    @property
    def trainee(self) -> str:
        return self.service.clean_name(self.query_one("#trainee", Input).value)

    @property
    def mode(self) -> Mode:
        return "exam" if self.query_one("#exam", RadioButton).value else "practice"

    def set_mode(self, mode: Mode) -> None:
        self.query_one(f"#{mode}", RadioButton).value = True

    @on(Input.Submitted, "#trainee")
    def _name_entered(self) -> None:
        self.refresh_cards()
        self.query_one("#scenarios", OptionList).focus()

    @on(OptionList.OptionSelected, "#scenarios")
    @on(Button.Pressed, "#start")
    def action_start(self) -> None:
        if not self.trainee:
            self.notify("Type your name first: it goes on your score log.", severity="warning")
            self.query_one("#trainee", Input).focus()
            return
        option = self.query_one("#scenarios", OptionList).highlighted_option
        if option is None or option.id is None:
            self.notify("Choose an encounter first.", severity="warning")
            return
        self.post_message(StartRequested(option.id, self.trainee, self.mode))

    def action_toggle_mode(self) -> None:
        self.set_mode("practice" if self.mode == "exam" else "exam")
        self.notify(f"Mode: {self.mode}")
