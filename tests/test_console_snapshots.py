"""Snapshots of the trainer console's roster and debrief, from a fixed class (the layout
is what is checked here; tests/test_console.py drives the real classroom service)."""

from __future__ import annotations

from textual.pilot import Pilot

from mot_sim.classroom import models as m
from mot_sim.tui.console.app import ConsoleApp
from mot_sim.tui.console.service import ConsoleService
from tests.tui_helpers import shared_catalog

SESSION = m.ClassSession(
    "K7QX4M", ("pickle_request",), "practice", 90, None, True, "2026-11-23T09:00:00+00:00"
)
ROSTER = [
    m.RosterEntry("Sam Lee", "s1", "pickle_request", "solve", 2, 74, 62, "playing", "t"),
    m.RosterEntry("[b]Eve[/b]", "s2", "pickle_request", "diagnose", 2, 21, 8, "walked_out", "t"),
    m.RosterEntry("Kim", "s3", "pickle_request", "follow_up", 5, 88, 91, "completed", "t"),
    m.RosterEntry("Ana", None, None, None, 0, None, None, "joined", "t"),
]
REPLIES = (
    m.DebriefReply(
        "Reply 1",
        "s1",
        "pickle_request",
        "set_tone",
        "Hello Mrs Ellis, I'm Sam. I'm sorry, let me help.",
        82,
        70,
        True,
        ("greeting", "apology"),
        ("greeting", "apology"),
        (),
        True,
        False,
    ),
    m.DebriefReply(
        "Reply 2",
        "s2",
        "pickle_request",
        "set_tone",
        "Calm down, [red]it's only[/red] a pickle.",
        12,
        12,
        False,
        ("calm_down",),
        (),
        ("calm_down",),
        False,
        False,
    ),
    m.DebriefReply(
        "Reply 3",
        "s3",
        "pickle_request",
        "set_tone",
        "secret",
        50,
        50,
        False,
        (),
        (),
        (),
        False,
        True,
    ),
)


class FixedClass(ConsoleService):
    """The console's service with a fixed class in place of the score log."""

    def load(self) -> None:
        self._catalog = shared_catalog()

    @property
    def ready(self) -> bool:
        return True

    def open_class(self, code: str) -> m.ClassSession:
        return SESSION

    def changed(self, code: str) -> str:
        return "1"

    def roster(self, code: str) -> list[m.RosterEntry]:
        return ROSTER

    def debrief(self, code: str, stage: str) -> m.Debrief:
        return m.Debrief(
            "set_tone",
            True,
            REPLIES,
            {"pickle_request": "Good afternoon, I'm Sam. I'm sorry about that, let me help."},
        )


def fixed_console() -> ConsoleApp:
    return ConsoleApp(FixedClass(trainer="Pat"), code="K7QX4M", cursor_blink=False)


async def _settled(pilot: Pilot[None]) -> None:
    for _ in range(20):
        await pilot.pause(0.05)


def test_console_roster(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(fixed_console(), terminal_size=(100, 24), run_before=_settled)


def test_console_debrief(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def debrief(pilot: Pilot[None]) -> None:
        await _settled(pilot)
        await pilot.press("d")
        await _settled(pilot)

    assert snap_compare(fixed_console(), terminal_size=(120, 30), run_before=debrief)
