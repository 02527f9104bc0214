"""A class the trainee joined: its scenarios, played into the class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from mot_sim.tui.protocol import trainer
from mot_sim.tui.service import TrainerService
from mot_sim.tui.widgets.key_bar import KeyBar
from mot_sim.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from mot_sim.classroom.models import ClassSession


class ClassScreen(Screen[None]):
    """The class's page: which encounters it plays, and in which mode."""

    CSS_PATH = "../css/join.tcss"

    BINDINGS = [
        Binding("escape", "leave", "Leave the class"),
        Binding("f1", "app.help", "Help"),
    ]
    AUTO_FOCUS = "#class-scenarios"

    def __init__(
        self, service: TrainerService, session: ClassSession, trainee: str, gate: bool = False
    ) -> None:
        super().__init__()
        self.service = service
        self.session = session
        self.trainee = trainee
        self.gate = gate

    def compose(self) -> ComposeResult:
        s = self.session
        timer = f", {s.timer} s a reply" if s.timer else ""
        yield TitleBar()
        with VerticalScroll(id="class"):
            yield Label(
                Content.assemble(
                    ("You are in class ", "bold"),
                    (s.code, "bold $accent"),
                    " as ",
                    (self.trainee, "bold"),
                    f" · {s.mode}{timer}",
                    "\n",
                    ("Choose an encounter and press Enter; your trainer sees your replies.", "dim"),
                ),
                id="class-intro",
            )
            yield OptionList(
                *(
                    Option(Content.assemble((title, "bold")), id=sid)
                    for sid, title in self.service.class_titles(s)
                ),
                id="class-scenarios",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"Class {self.session.code}"
        self.sub_title = self.trainee

    @on(OptionList.OptionSelected, "#class-scenarios")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            trainer(self).begin_class(event.option.id)

    def action_leave(self) -> None:
        if self.gate:
            self.notify("Close the tab to leave the class.", severity="information")
            return
        trainer(self).leave_class()
