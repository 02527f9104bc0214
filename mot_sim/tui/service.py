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
    from mot_sim.catalog import Catalog
    from mot_sim.engine import Encounter
    from mot_sim.scoring import Scorer

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
    ) -> None:
        self.settings = settings
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
        from mot_sim.catalog import load_catalog
        from mot_sim.scoring import Scorer

        if self._catalog is None:
            self._catalog = load_catalog(self.scenario_dirs)
        self._scorer = Scorer(self._catalog.library.rules, self._catalog.library.rubric)

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
        """The trainee's best completed result on a scenario, where the log knows it."""
        return None

    @staticmethod
    def clean_name(name: str) -> str:
        return " ".join(clean_text(name).split())[:MAX_NAME]

    def remember(self, trainee: str, mode: Mode) -> None:
        self.settings.trainee = self.clean_name(trainee)
        self.settings.mode = mode
        self.settings.save()

    def new_encounter(self, scenario_id: str, trainee: str, mode: Mode) -> Encounter:
        from mot_sim.engine import Encounter

        scenario = self.catalog.get(scenario_id).scenario
        return Encounter(scenario, self.scorer, self.clean_name(trainee), mode, self.timer)
