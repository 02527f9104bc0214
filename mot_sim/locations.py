"""The one place that decides where data and configuration live.

Environment variables override the platform defaults; tests isolate themselves that way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit

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


DB_SCHEMES = ("postgresql://", "postgres://")


def is_db_url(location: str) -> bool:
    """Whether a score-log location names a PostgreSQL database rather than a file."""
    return location.strip().lower().startswith(DB_SCHEMES)


def db_password(location: str) -> str | None:
    """The password written into a database URL (in its user part or its query), if any."""
    if not is_db_url(location):
        return None
    try:
        parts = urlsplit(location.strip())
        given = parts.password
    except ValueError:
        return None
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key == "password":
            given = value
    return given or None


def redact(location: str) -> str:
    """A location safe to print or log: a URL's password (in its user part or its query)
    becomes ``***``; a file path is returned as it is."""
    if not is_db_url(location):
        return location
    try:
        parts = urlsplit(location.strip())
        password = parts.password
    except ValueError:
        return "postgresql://(unreadable URL)"
    netloc = parts.netloc
    if password is not None:
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}:***@{hostport}"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, "***" if k == "password" else v) for k, v in pairs], safe="/:,*")
    return (
        f"{parts.scheme}://{netloc}{parts.path}"
        + (f"?{query}" if query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


def db_location(cli_db: str | None = None) -> str:
    """The score log, a file path or a ``postgresql://`` URL: ``--db``, then
    ``MOT_SIM_DB``, then ``db`` in the settings file (``mot-sim config db``), then a file
    in the data directory."""
    if cli_db:
        return cli_db
    env = os.environ.get("MOT_SIM_DB")
    if env:
        return env
    from mot_sim.settings import saved_db

    return saved_db() or str(data_dir() / "mot-sim.sqlite3")


if TYPE_CHECKING:
    _PathBase = Path
else:
    _PathBase = type(Path())


class DatabaseUrl(_PathBase):
    """A PostgreSQL URL carried where a :class:`~pathlib.Path` is expected (callers that
    take the log as a path pass it through to :func:`mot_sim.store.open_store`, which
    reads :attr:`url`). Shown, it is the URL without its password."""

    url: str

    def __str__(self) -> str:
        return redact(self.url)

    def __repr__(self) -> str:
        return f"DatabaseUrl({redact(self.url)!r})"


def database_url(url: str) -> DatabaseUrl:
    """Wrap a URL (``Path`` would fold its ``//``)."""
    wrapped = DatabaseUrl("postgresql")
    wrapped.url = url
    return wrapped


def default_db_path(cli_db: str | None = None) -> Path:
    """The score log as a path (see :func:`db_location`); a PostgreSQL URL comes as a
    :class:`DatabaseUrl`. New code should take :func:`db_location`, which is plain text."""
    location = db_location(cli_db)
    return database_url(location) if is_db_url(location) else Path(location)


def settings_path() -> Path:
    """Small JSON file remembering the trainee's name and last mode."""
    return data_dir() / "settings.json"
