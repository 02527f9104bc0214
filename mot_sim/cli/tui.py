"""Launching the Textual trainer from the command line."""

from __future__ import annotations

import argparse

from mot_sim.engine import Mode


def run_tui(args: argparse.Namespace, start: tuple[str, str, Mode, int | None] | None = None) -> int:
    from mot_sim.cli.commands import scenario_dirs
    from mot_sim.tui.factory import make_app

    if start:
        scenario, trainee, mode, timer = start
        app = make_app(scenario_dirs=scenario_dirs(args), scenario=scenario, trainee=trainee,
                       mode=mode, timer=timer)
    else:
        app = make_app(scenario_dirs=scenario_dirs(args))
    app.run()
    return 0
