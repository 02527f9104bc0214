"""``make_app``: the one way the CLI and the tests build the trainer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mot_sim import locations
from mot_sim.settings import Settings
from mot_sim.stages import Mode
from mot_sim.tui.app import JoinRequest, MotSimApp, StartRequest
from mot_sim.tui.service import TrainerService

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog
    from mot_sim.scoring import Scorer


def make_app(
    *,
    catalog: Catalog | None = None,
    scorer: Scorer | None = None,
    scenario_dirs: list[str] | None = None,
    scenario: str | None = None,
    trainee: str = "",
    mode: Mode = "practice",
    timer: int | None = None,
    db: str | None = None,
    cursor_blink: bool = True,
    gate: bool = False,
    join: JoinRequest | None = None,
) -> MotSimApp:
    """Build the app; the catalogue and score log load in the background unless given
    (``scorer``: compiled for ``catalog``'s library, as ``mot-sim serve``'s preload does).
    ``gate``: a browser tab, whose only way in is a class's join code; ``join``: open
    straight into a class (``mot-sim join CODE --trainee NAME``)."""
    settings = Settings.load()
    service = TrainerService(
        settings,
        scenario_dirs=scenario_dirs,
        timer=timer,
        catalog=catalog,
        scorer=scorer,
        db_path=locations.default_db_path(db),
    )
    if gate:
        # Every tab shares this data directory: no tab may see the name another saved.
        settings = Settings(language=settings.language)
        service.settings = settings
    trainee = trainee or settings.trainee
    start = StartRequest(scenario, trainee, mode) if scenario and not gate else None
    return MotSimApp(service, start=start, cursor_blink=cursor_blink, gate=gate, join=join)
