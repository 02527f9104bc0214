"""Command palette: start a scenario, switch mode, help, quit."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

if TYPE_CHECKING:
    from mot_sim.tui.app import MotSimApp


class MotSimCommands(Provider):
    """The main actions of the trainer."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app = cast("MotSimApp", self.app)
        if app.gate:  # a browser tab: its class, nothing beyond it
            return [
                (
                    "Help: the five stages and scoring",
                    app.action_help,
                    "How a reply is scored (F1)",
                ),
                ("Quit", app.action_request_quit, "Leave mot-sim (Ctrl+Q)"),
            ]
        commands: list[tuple[str, Callable[[], object], str]] = [
            (
                f"Start scenario: {card.title}",
                partial(app.start_from_palette, card.id),
                card.summary,
            )
            for card in app.service.cards()
        ]
        commands += [
            (
                "Switch mode (practice / exam)",
                app.action_toggle_mode,
                "Practice shows feedback after each reply; exam only at the end"
                " (Ctrl+T on the home screen)",
            ),
            ("Help: the five stages and scoring", app.action_help, "How a reply is scored (F1)"),
            ("History: my sessions and scores", app.action_history, "Every session recorded (F2)"),
            (
                "Join a class",
                app.join_class,
                "With the join code your trainer gave the room (F3 on the home screen)",
            ),
            ("Quit", app.action_request_quit, "Leave mot-sim (Ctrl+Q)"),
        ]
        return commands

    async def discover(self) -> Hits:
        for text, callback, help_text in self._commands():
            yield DiscoveryHit(Content(text), callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, callback, help_text in self._commands():
            score = matcher.match(text)
            if score > 0:
                # Titles come from scenario files: shown as plain Content, never as markup
                # (the matcher's highlight() would parse them as markup).
                yield Hit(score, Content(text), callback, help=help_text)
