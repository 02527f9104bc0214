"""What the UI needs from the core, in one place: no screen touches the catalogue, the
scorer or the store directly."""

from __future__ import annotations

from dataclasses import dataclass

from mot_sim.catalog import Catalog
from mot_sim.engine import Encounter, Mode
from mot_sim.matching.text import clean_text
from mot_sim.scoring import Scorer
from mot_sim.settings import Settings

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

    def __init__(self, catalog: Catalog, settings: Settings | None = None,
                 timer: int | None = None) -> None:
        self.catalog = catalog
        self.scorer = Scorer(catalog.library.rules, catalog.library.rubric)
        self.settings = settings or Settings.load()
        self.timer = timer

    def cards(self, trainee: str = "") -> list[ScenarioCard]:
        return [
            ScenarioCard(
                ls.scenario.id, ls.scenario.title, ls.scenario.summary, ls.scenario.difficulty,
                ls.scenario.customer.name, ls.scenario.customer.style,
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
        scenario = self.catalog.get(scenario_id).scenario
        return Encounter(scenario, self.scorer, self.clean_name(trainee), mode, self.timer)
