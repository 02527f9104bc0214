"""What the UI needs from the core, in one place: no screen touches the catalogue, the
scorer or the store directly.

The core (pydantic, YAML, rapidfuzz, Jinja) is imported and loaded by :meth:`load`, which
the app runs in a worker thread, so the first screen paints before it is ready.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from mot_sim.matching.text import clean_text
from mot_sim.settings import Settings
from mot_sim.stages import Mode

if TYPE_CHECKING:
    from pathlib import Path

    from mot_sim.catalog import Catalog
    from mot_sim.engine import Encounter
    from mot_sim.scoring import Scorer
    from mot_sim.store import Store
    from mot_sim.store.records import SessionSummary

MAX_NAME = 80


@dataclass(frozen=True)
class ScenarioCard:
    """What the home screen shows of a scenario."""

    id: str
    title: str
    summary: str
    difficulty: str
    customer: str
    style: str
    best: int | None = None


class TrainerService:
    """Scenarios, encounters and preferences for the TUI."""

    def __init__(
        self,
        settings: Settings,
        *,
        scenario_dirs: list[str] | None = None,
        timer: int | None = None,
        catalog: Catalog | None = None,
        db_path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.db_path = db_path
        self._store: Store | None = None
        self.scenario_dirs = scenario_dirs
        self.timer = timer
        self._catalog = catalog
        self._scorer: Scorer | None = None

    # -- loading -------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._scorer is not None

    def load(self) -> None:
        """Load scenarios and rules and compile the scorer (slow: run it off the UI)."""
        from mot_sim import locations
        from mot_sim.catalog import load_catalog
        from mot_sim.scoring import Scorer
        from mot_sim.store import open_store

        if self._catalog is None:
            self._catalog = load_catalog(self.scenario_dirs)
        self._store = open_store(self.db_path or locations.default_db_path())
        self._scorer = Scorer(self._catalog.library)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            raise RuntimeError("the catalogue is not loaded yet")
        return self._catalog

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            raise RuntimeError("the scorer is not loaded yet")
        return self._scorer

    # -- scenarios -----------------------------------------------------------------------
    def cards(self, trainee: str = "") -> list[ScenarioCard]:
        if not self.ready:
            return []
        return [
            ScenarioCard(
                ls.scenario.id,
                ls.scenario.title,
                ls.scenario.summary,
                ls.scenario.difficulty,
                ls.scenario.customer.name,
                ls.scenario.customer.style,
                self.best_score(trainee, ls.scenario.id),
            )
            for ls in self.catalog.scenarios.values()
        ]

    def best_score(self, trainee: str, scenario_id: str) -> int | None:
        """The trainee's best finished result on a scenario, where the log knows it."""
        return self.store.best_score(trainee, scenario_id) if trainee and self._store else None

    @staticmethod
    def clean_name(name: str) -> str:
        return " ".join(clean_text(name).split())[:MAX_NAME]

    def remember(self, trainee: str, mode: Mode) -> None:
        self.settings.trainee = self.clean_name(trainee)
        self.settings.mode = mode
        self.settings.save()

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the score log is not open yet")
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def new_encounter(self, scenario_id: str, trainee: str, mode: Mode) -> Encounter:
        from mot_sim.engine import Encounter
        from mot_sim.store.recorder import Recorder

        scenario = self.catalog.get(scenario_id).scenario
        enc = Encounter(scenario, self.scorer, self.clean_name(trainee), mode, self.timer)
        enc.subscribe(Recorder(self.store, self.catalog.fingerprint(scenario_id)))
        return enc

    # -- the score log -------------------------------------------------------------------
    def unfinished(self, trainee: str) -> list[SessionSummary]:
        """The trainee's encounters left in progress (a quit or a killed terminal)."""
        if not trainee or self._store is None:
            return []
        found = self.store.sessions(trainee=trainee, status="in_progress")
        return [s for s in found if s.scenario_id in self.catalog.scenarios][::-1]

    def resume(self, session_id: str) -> Encounter:
        """Continue a recorded encounter at the stage where it stopped."""
        from mot_sim.engine import Encounter
        from mot_sim.store.recorder import Recorder

        record = self.store.session(session_id)
        s = record.summary
        scenario = self.catalog.get(s.scenario_id).scenario
        enc = Encounter.resume(
            scenario, self.scorer, s.trainee.name, s.mode, record.turns, self.timer
        )
        enc.subscribe(Recorder(self.store, s.content_hash, session_id=s.id))
        return enc

    def abandon(self, session_id: str) -> None:
        self.resume(session_id).abandon()

    def history(self, trainee: str) -> list[SessionSummary]:
        """The trainee's sessions, newest first."""
        return self.store.sessions(trainee=trainee)[::-1] if trainee and self._store else []
