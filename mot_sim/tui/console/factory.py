"""``make_console``: the one way the CLI, ``serve --trainer`` and the tests build the
trainer's console."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mot_sim import locations
from mot_sim.tui.console.app import POLL_SECONDS, ConsoleApp
from mot_sim.tui.console.service import ConsoleService

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog


def make_console(
    *,
    code: str | None = None,
    catalog: Catalog | None = None,
    scenario_dirs: list[str] | None = None,
    db: str | None = None,
    trainer: str | None = None,
    cursor_blink: bool = True,
    poll_seconds: float = POLL_SECONDS,
) -> ConsoleApp:
    """The console of class ``code`` (asked for on its first screen when not given)."""
    from mot_sim.settings import Settings

    service = ConsoleService(
        db_path=locations.default_db_path(db),
        scenario_dirs=scenario_dirs,
        catalog=catalog,
        trainer=trainer or Settings.load().trainee or "trainer",
    )
    return ConsoleApp(service, code=code, cursor_blink=cursor_blink, poll_seconds=poll_seconds)
