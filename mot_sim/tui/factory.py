"""``make_app``: the one way the CLI and the tests build the trainer."""

from __future__ import annotations

from mot_sim.catalog import load_catalog
from mot_sim.engine import Mode
from mot_sim.settings import Settings
from mot_sim.tui.app import MotSimApp, StartRequest
from mot_sim.tui.service import TrainerService


def make_app(
    *,
    scenario_dirs: list[str] | None = None,
    scenario: str | None = None,
    trainee: str = "",
    mode: Mode = "practice",
    timer: int | None = None,
    cursor_blink: bool = True,
) -> MotSimApp:
    """Build the app over the catalogue (and, when given, open straight into a scenario)."""
    catalog = load_catalog(scenario_dirs)
    settings = Settings.load()
    service = TrainerService(catalog, settings, timer=timer)
    trainee = trainee or settings.trainee
    if scenario is not None:
        catalog.get(scenario)  # unknown ids fail here, before the terminal is taken over
    start = StartRequest(scenario, trainee, mode) if scenario else None
    return MotSimApp(service, start=start, cursor_blink=cursor_blink)
