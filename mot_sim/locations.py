"""The one place that decides where data and configuration live.

Environment variables override the platform defaults; tests isolate themselves that way.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "mot-sim"
_PKG = Path(__file__).resolve().parent


def _builtin(name: str) -> Path:
    # An installed wheel carries the data inside the package; a source checkout (or an
    # editable install) keeps it at the repo root where trainers edit it.
    packaged = _PKG / "_data" / name
    return packaged if packaged.is_dir() else _PKG.parent / name


def builtin_scenarios_dir() -> Path:
    """Directory of the scenarios shipped with mot-sim."""
    return _builtin("scenarios")


def scoring_dir() -> Path:
    """Directory of the rubric and the shared phrase-rule library."""
    override = os.environ.get("MOT_SIM_SCORING")
    return Path(override) if override else _builtin("scoring")


def extra_scenario_dirs(cli_dirs: list[str] | None = None) -> list[Path]:
    """Extra scenario directories: ``--scenarios`` first, then ``MOT_SIM_SCENARIOS``."""
    dirs = [Path(d) for d in (cli_dirs or [])]
    env = os.environ.get("MOT_SIM_SCENARIOS", "")
    dirs += [Path(p) for p in env.split(os.pathsep) if p]
    return dirs


def data_dir() -> Path:
    """Per-user data directory (the score log and remembered settings)."""
    override = os.environ.get("MOT_SIM_DATA")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path(cli_db: str | None = None) -> Path:
    """The score-log database: ``--db``, then ``MOT_SIM_DB``, then the data directory."""
    if cli_db:
        return Path(cli_db)
    env = os.environ.get("MOT_SIM_DB")
    return Path(env) if env else data_dir() / "mot-sim.sqlite3"


def settings_path() -> Path:
    """Small JSON file remembering the trainee's name and last mode."""
    return data_dir() / "settings.json"
