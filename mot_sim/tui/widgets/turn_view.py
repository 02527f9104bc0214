"""One answered stage as a transcript shows it: the customer, the reply with its hits and
feedback, a model answer beside it, and the customer's reaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from mot_sim.stages import STAGE_TITLES
from mot_sim.tui.widgets.annotate import feedback, highlight

if TYPE_CHECKING:
    from mot_sim.engine import Turn


class TurnView(Vertical):
    """A turn of a finished or recorded encounter (result screen, transcripts)."""

    def __init__(
        self, turn: Turn, customer: str, trainee: str, model_answer: str | None, **kwargs: Any
    ) -> None:
        super().__init__(classes="turn", **kwargs)
        self.turn = turn
        self.customer = customer
        self.trainee = trainee
        self.model_answer = model_answer

    def compose(self) -> ComposeResult:
        turn, customer = self.turn, self.customer
        lines = [
            Content.assemble(
                (f"{STAGE_TITLES[turn.stage]}", "bold $accent"),
                (f"   mood {turn.mood_before} → {turn.mood_after}", "dim"),
            )
        ]
        lines += [Content.assemble((f"{customer}: ", "bold"), x) for x in turn.customer_lines]
        yield Static(Content("\n").join(lines), classes="turn-head")
        with Horizontal(classes="turn-body"):
            yield Static(
                Content("\n").join(
                    [
                        Content.assemble(
                            (f"{self.trainee or 'You'}: ", "bold $primary"),
                            highlight(turn.reply, turn.result.hits),
                        ),
                        feedback(turn.result),
                    ]
                ),
                classes="turn-reply",
            )
            if self.model_answer is not None:
                yield Static(
                    Content.assemble(("Model answer\n", "bold"), (self.model_answer, "italic")),
                    classes="turn-model",
                )
        yield Static(
            Content.assemble((f"{customer}: ", "bold $accent"), turn.reaction),
            classes="turn-reaction",
        )
