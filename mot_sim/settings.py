"""Small remembered preferences (the trainee's name, last mode) and HR's settings (the
xAPI homepage, the score log's location), kept as JSON in the data directory; environment
variables override.

The file is written readable by its owner only: it may hold a database URL with a
password, and such a URL is refused from a file that others can read."""

from __future__ import annotations

import contextlib
import json
import os
import stat
from dataclasses import asdict, dataclass
from pathlib import Path

from mot_sim import locations
from mot_sim.errors import StoreError
from mot_sim.matching.clean import clean_text

XAPI_HOMEPAGE_ENV = "MOT_SIM_XAPI_HOMEPAGE"
LANGUAGES = ("auto", "en", "zh")


@dataclass
class Settings:
    trainee: str = ""
    mode: str = "practice"
    xapi_homepage: str = ""  # the organisation's system named in xAPI accounts
    db: str = ""  # the score log: a file or a postgresql:// URL (MOT_SIM_DB overrides)
    language: str = "auto"  # interface language: en, zh, or auto (the scenario's own)
    # A machine several trainees use in turn (a classroom, a staff room): the name typed is
    # not kept for the next person, who would otherwise practise under it.
    shared: bool = False

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        path = path or locations.settings_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()  # missing or damaged: start fresh rather than refuse to open
        if not isinstance(data, dict):
            return cls()
        mode = data.get("mode") if data.get("mode") in {"practice", "exam"} else "practice"
        trainee = data.get("trainee") if isinstance(data.get("trainee"), str) else ""
        homepage = data.get("xapi_homepage") if isinstance(data.get("xapi_homepage"), str) else ""
        db = data.get("db") if isinstance(data.get("db"), str) else ""
        language = data.get("language") if data.get("language") in LANGUAGES else "auto"
        shared = data.get("shared") is True
        return cls(
            "" if shared else clean_text(str(trainee))[:80],
            str(mode),
            clean_text(str(homepage)).strip(),
            clean_text(str(db)).strip(),
            str(language),
            shared,
        )

    def save(self, path: Path | None = None) -> bool:
        """Write the file; False if it could not be written."""
        path = path or locations.settings_path()
        # Preferences are a convenience: a read-only home must not stop training.
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            # Owner only, from the first byte: the file may hold a database password.
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            data = asdict(self)
            if self.shared:
                data["trainee"] = ""  # kept for this run only, never for the next person
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(json.dumps(data))
            os.replace(tmp, path)
            return True
        return False


def xapi_homepage(cli: str | None = None, path: Path | None = None) -> str | None:
    """The xAPI account homepage: ``--homepage``, then ``MOT_SIM_XAPI_HOMEPAGE``, then the
    settings file (``mot-sim config xapi-homepage URL``); None when none is set."""
    for value in (cli, os.environ.get(XAPI_HOMEPAGE_ENV), Settings.load(path).xapi_homepage):
        if value and value.strip():
            return value.strip()
    return None


def saved_db(path: Path | None = None) -> str | None:
    """The score log named in the settings file (``mot-sim config db``), if any. A URL
    with a password is refused while the file can be read by anyone but its owner."""
    path = path or locations.settings_path()
    value = Settings.load(path).db
    if not value:
        return None
    if locations.db_password(value) and os.name == "posix":
        try:
            mode = path.stat().st_mode
        except OSError:
            return value
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise StoreError(
                f"the settings file {path} holds a database password but other users can "
                f"read it: make it private (chmod 600 {path}), or keep the password in "
                "~/.pgpass or PGPASSWORD instead"
            )
    return value
