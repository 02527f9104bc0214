"""Help: the five stages and how replies are scored, in a few lines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown

HELP = """\
# Moments of truth

A moment of truth is the few seconds in which a customer decides what your company is
worth. Only 4% of unhappy customers complain; the rest just leave. Each encounter has
five stages:

1. **Set the tone**: greet, give your name, acknowledge the feeling, take ownership.
2. **Diagnose**: ask open questions, listen, restate ("So if I understand you...").
3. **Solve**: offer options, concrete facts and times; promise only what you can keep.
4. **Summarise**: recap what was agreed, check it is understood, thank them.
5. **Follow up**: say when and how you will be in touch, and how to reach you.

## Scoring

Each reply scores 0-100 on **empathy**, **language** and **expectations**. Phrases the
course teaches earn points; phrases customers hate ("calm down", "company policy",
"at some point") cost points. Typos and British spelling are fine; "not" in front of a
phrase cancels it. A list of magic words scores little: say a sentence to a person.
The customer's mood follows your replies; if it sinks too low, they walk out.

**Practice** shows feedback after each reply; **exam** only at the end.

Keys: Enter sends, Ctrl+J new line, Esc leaves an encounter, Ctrl+P opens the command
palette, Ctrl+Q quits.
"""


class HelpScreen(ModalScreen[None]):
    """A short guide, closed with Escape; the arrow and page keys scroll it."""

    CSS_PATH = "../css/dialogs.tcss"

    BINDINGS = [Binding("escape", "dismiss", "Close"), Binding("f1", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            # The text scrolls in its own focusable box, so the keyboard moves it; the
            # Close button stays in view below it at any terminal size.
            with VerticalScroll(id="help-body"):
                yield Markdown(HELP)
            yield Button("Close", id="close", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def on_button_pressed(self) -> None:
        self.dismiss()
