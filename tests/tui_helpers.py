"""Helpers for Pilot tests: play replies and wait for the scoring worker."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from textual import events
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from mot_sim.tui.app import MotSimApp
from mot_sim.tui.factory import make_app
from mot_sim.tui.screens.encounter import EncounterScreen
from mot_sim.tui.widgets.reply_box import ReplyBox

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog
    from mot_sim.scoring import Scorer


@cache
def shared_catalog() -> Catalog:
    """The built-in scenarios and rules, loaded once per test process (read-only)."""
    from mot_sim.catalog import load_catalog

    return load_catalog(strict=True)


def make_test_app(**kwargs: Any) -> MotSimApp:
    """``make_app`` as the CLI calls it, but given the built-in catalogue already loaded
    (unless the test brings its own scenario directories) and no cursor blink."""
    if "scenario_dirs" not in kwargs:
        kwargs.setdefault("catalog", shared_catalog())
    kwargs.setdefault("cursor_blink", False)
    return make_app(**kwargs)


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
    """Answer the current stage: pasted, as a terminal delivers a paste (one event, through
    the box's own paste handling), or typed key by key where typing is what is tested."""
    screen = pilot.app.screen
    assert isinstance(screen, EncounterScreen), type(screen)
    if type_it:
        await type_keys(pilot, text)
    else:
        await paste(pilot, text)
    await pilot.press("enter")
    await settle(pilot)


async def paste(pilot: Pilot[None], text: str) -> None:
    """Paste into the reply box."""
    box = pilot.app.screen.query_one(ReplyBox)
    box.post_message(events.Paste(text))
    await pilot.pause()


async def type_keys(pilot: Pilot[None], text: str) -> None:
    """Type into the focused widget, one key press per character."""
    for ch in text:
        await pilot.press(ch if len(ch.encode()) == 1 and ch.isalnum() else _key(ch))


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


def record_session(
    cat: Catalog, scorer: Scorer, trainee: str, scenario_id: str, replies: int
) -> str:
    """Play ``replies`` model answers of a scenario headless into the test's score log,
    as ``mot-sim play --answers`` would; returns the session id."""
    from mot_sim import locations
    from mot_sim.engine import Encounter
    from mot_sim.stages import STAGE_IDS
    from mot_sim.store import open_store
    from mot_sim.store.recorder import Recorder

    store = open_store(locations.default_db_path())
    try:
        enc = Encounter(cat.get(scenario_id).scenario, scorer, trainee)
        recorder = Recorder(store, cat.fingerprint(scenario_id))
        enc.subscribe(recorder)
        enc.start()
        for stage in STAGE_IDS[:replies]:
            enc.answer(enc.model_answers(stage)[0], 12.0)
        assert recorder.session_id
        return recorder.session_id
    finally:
        store.close()
