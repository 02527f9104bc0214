"""``make_console``: the one way the CLI, ``serve --trainer`` and the tests build the
trainer's console."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mot_sim import locations
from mot_sim.tui.console.app import POLL_SECONDS, ConsoleApp
from mot_sim.tui.console.service import ConsoleService

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog


def _account() -> str:
    import getpass

    try:
        return getpass.getuser() or "trainer"
    except (KeyError, OSError):  # no user name for this uid (a container, say)
        return "trainer"


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
    """The console of class ``code`` (asked for on its first screen when not given).
    ``trainer`` goes on every override in the audit trail; without it, this machine's
    account name (never the trainee name the trainer app remembers: on a shared machine
    that is the last trainee's)."""
    service = ConsoleService(
        db_path=locations.default_db_path(db),
        scenario_dirs=scenario_dirs,
        catalog=catalog,
        trainer=trainer or _account(),
    )
    return ConsoleApp(service, code=code, cursor_blink=cursor_blink, poll_seconds=poll_seconds)
