"""Helpers for Pilot tests: play replies and wait for the scoring worker."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from mot_sim.tui.app import MotSimApp
from mot_sim.tui.screens.encounter import EncounterScreen
from mot_sim.tui.widgets.reply_box import ReplyBox


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    try:
        await pilot.app.workers.wait_for_complete()
    except WorkerCancelled:
        # An app that exits (an unusable score log) cancels the worker that asked it to;
        # how fast the library loads decides whether that happens before this wait ends.
        if pilot.app.return_code is None:
            raise
    await pilot.pause()
    await pilot.pause()


async def reply(pilot: Pilot[None], text: str, *, type_it: bool = False) -> None:
    """Answer the current stage: typed key by key, or placed in the box and sent."""
    screen = pilot.app.screen
    assert isinstance(screen, EncounterScreen), type(screen)
    box = screen.query_one(ReplyBox)
    if type_it:
        for ch in text:
            await pilot.press(ch if len(ch.encode()) == 1 and ch.isalnum() else _key(ch))
    else:
        box.load_text(text)
    await pilot.press("enter")
    await settle(pilot)


_KEYS = {
    " ": "space",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    "/": "slash",
    "=": "equals_sign",
    "@": "at",
    ".": "full_stop",
    ",": "comma",
    ":": "colon",
    "'": "apostrophe",
    "!": "exclamation_mark",
    "?": "question_mark",
    "-": "minus",
    "_": "underscore",
}


def _key(ch: str) -> str:
    return _KEYS.get(ch, ch)


def encounter_of(app: MotSimApp) -> EncounterScreen:
    screen = app.screen
    assert isinstance(screen, EncounterScreen)
    return screen
