"""Trainees simulated through the engine and the store, as their own processes would
record them: for the console's and the join's tests."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest

from mot_sim import locations
from mot_sim.classroom.service import Classroom
from mot_sim.engine import Encounter
from mot_sim.stages import STAGE_IDS, Mode
from mot_sim.store import open_store
from mot_sim.store.recorder import Recorder
from tests.tui_helpers import shared_catalog

if TYPE_CHECKING:
    from collections.abc import Iterator

    from mot_sim.classroom.models import ClassSession
    from mot_sim.scoring import Scorer

FIXED_CODE = "K7QX4M"  # for snapshots: the code on screen must not change run to run


@contextmanager
def classroom() -> Iterator[Classroom]:
    """The classroom service on the test's score log, closed after use."""
    store = open_store(locations.default_db_path())
    try:
        yield Classroom(store, shared_catalog())
    finally:
        store.close()


def start_class(
    scenarios: Sequence[str] = ("pickle_request",),
    mode: Mode = "practice",
    password: str | None = None,
) -> ClassSession:
    with classroom() as room:
        return room.start(list(scenarios), mode, password=password, created_by="Pat")


def fix_codes(monkeypatch: pytest.MonkeyPatch, code: str = FIXED_CODE) -> None:
    """Every new class gets ``code`` (snapshots show it)."""
    import mot_sim.classroom.codes as codes
    import mot_sim.classroom.service as service

    monkeypatch.setattr(codes, "new_code", lambda: code)
    if hasattr(service, "new_code"):
        monkeypatch.setattr(service, "new_code", lambda: code)


class Trainee:
    """One trainee in the class, playing a scenario reply by reply into the score log."""

    def __init__(
        self,
        scorer: Scorer,
        session: ClassSession,
        name: str,
        scenario_id: str | None = None,
        password: str | None = None,
    ) -> None:
        cat = shared_catalog()
        self.code = session.code
        self.name = name
        with classroom() as room:
            room.join(session.code, name, password)
        sid = scenario_id or session.scenarios[0]
        self.encounter = Encounter(cat.get(sid).scenario, scorer, name, session.mode)
        self._hash = cat.fingerprint(sid)
        self.session_id: str | None = None

    def answer(self, text: str | None = None) -> None:
        """One reply (the stage's model answer unless given), committed as a process would."""
        store = open_store(locations.default_db_path())
        try:
            recorder = Recorder(store, self._hash, self.session_id, class_code=self.code)
            listener = recorder
            self.encounter.subscribe(listener)
            if self.session_id is None:
                self.encounter.start()
            stage = self.encounter.stage_id
            self.encounter.answer(text or self.encounter.model_answers(stage)[0], 12.0)
            self.session_id = recorder.session_id
        finally:
            self.encounter.listeners.remove(listener)
            store.close()

    def play(self, replies: int = len(STAGE_IDS), texts: Sequence[str] = ()) -> None:
        for i in range(replies):
            if self.encounter.is_over:  # walked out
                return
            self.answer(texts[i] if i < len(texts) else None)
