"""What the console needs from the core: the classroom service on one score log, loaded
off the UI thread. Every method here reads or writes the log, so each is called from a
worker, never from the UI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from mot_sim.catalog import Catalog
    from mot_sim.classroom.models import (
        ClassSession,
        ClassSummary,
        Debrief,
        LeaderboardEntry,
        Override,
        RosterEntry,
    )
    from mot_sim.classroom.service import Classroom
    from mot_sim.store import Store


class ConsoleService:
    """One class's console over the classroom service."""

    def __init__(
        self,
        *,
        db_path: Path | None = None,
        scenario_dirs: list[str] | None = None,
        catalog: Catalog | None = None,
        trainer: str = "trainer",
    ) -> None:
        self.db_path = db_path
        self.scenario_dirs = scenario_dirs
        self._catalog = catalog
        self._store: Store | None = None
        self._classroom: Classroom | None = None
        self.trainer = trainer or "trainer"

    def load(self) -> None:
        """Open the log and the catalogue (slow: a worker's)."""
        from mot_sim import locations
        from mot_sim.catalog import load_catalog
        from mot_sim.classroom.service import Classroom
        from mot_sim.store import open_store

        if self._catalog is None:
            self._catalog = load_catalog(self.scenario_dirs)
        self._store = open_store(self.db_path or locations.default_db_path())
        self._classroom = Classroom(self._store, self._catalog)

    @property
    def ready(self) -> bool:
        return self._classroom is not None

    @property
    def classroom(self) -> Classroom:
        if self._classroom is None:
            raise RuntimeError("the score log is not open yet")
        return self._classroom

    def title(self, scenario_id: str | None) -> str:
        """A scenario's title, or its id when the catalogue does not have it."""
        if scenario_id is None:
            return "—"
        found = self._catalog.scenarios.get(scenario_id) if self._catalog else None
        return found.scenario.title if found else scenario_id

    # -- reads ---------------------------------------------------------------------------
    def open_class(self, code: str) -> ClassSession:
        """The class by its code; ``ClassError`` when there is none."""
        return self.classroom.get(code)

    def changed(self, code: str) -> str:
        """The class's change token: cheap, so it can be polled several times a second."""
        return self.classroom.changed(code)

    def roster(self, code: str) -> list[RosterEntry]:
        return self.classroom.roster(code)

    def leaderboard(self, code: str, anonymous: bool) -> list[LeaderboardEntry]:
        return self.classroom.leaderboard(code, anonymous=anonymous)

    def debrief(self, code: str, stage: str) -> Debrief:
        return self.classroom.debrief(code, stage)

    def summary(self, code: str) -> ClassSummary:
        return self.classroom.summary(code)

    # -- the trainer's actions -----------------------------------------------------------
    def reveal(self, code: str, stage: str, revealed: bool) -> None:
        self.classroom.reveal(code, stage, revealed)

    def star(self, code: str, session_id: str, stage: str, starred: bool) -> None:
        self.classroom.star(code, session_id, stage, starred)

    def hide(self, code: str, session_id: str, stage: str, hidden: bool) -> None:
        self.classroom.hide(code, session_id, stage, hidden)

    def override(self, session_id: str, stage: str, score: int, reason: str) -> Override:
        """Audited by the core: who (this trainer), when, the machine's score and the new."""
        return self.classroom.override(session_id, stage, score, reason, self.trainer)

    def end(self, code: str) -> ClassSummary:
        return self.classroom.end(code)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
            self._classroom = None
