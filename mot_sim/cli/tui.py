"""Launching the Textual trainer from the command line."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from mot_sim.stages import Mode

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog
    from mot_sim.tui.app import JoinRequest


def run_tui(
    args: argparse.Namespace,
    *,
    catalog: Catalog | None = None,
    scenario: str | None = None,
    trainee: str = "",
    mode: Mode = "practice",
    timer: int | None = None,
    join: JoinRequest | None = None,
) -> int:
    """Run the trainer; its exit status is the command's."""
    from mot_sim.cli.commands import scenario_dirs
    from mot_sim.i18n import LANG_ENV
    from mot_sim.tui.factory import make_app

    if getattr(args, "lang", None) in ("en", "zh"):
        os.environ[LANG_ENV] = args.lang  # --lang for this run, above the saved setting

    app = make_app(
        catalog=catalog,
        scenario_dirs=scenario_dirs(args),
        scenario=scenario,
        trainee=trainee,
        mode=mode,
        timer=timer,
        db=getattr(args, "db", None),
        join=join,
    )
    app.run()  # on a fatal error the app prints its message after restoring the terminal
    if app.unsaved:  # the last writes to the score log failed at exit
        print(f"mot-sim: {app.unsaved}", file=sys.stderr)
        return 2
    return app.return_code or 0
