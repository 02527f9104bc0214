"""Small remembered preferences (the trainee's name, last mode) and HR's settings (the
xAPI homepage), kept as JSON in the data directory; environment variables override."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from mot_sim import locations
from mot_sim.matching.text import clean_text

XAPI_HOMEPAGE_ENV = "MOT_SIM_XAPI_HOMEPAGE"
LANGUAGES = ("auto", "en", "zh")


@dataclass
class Settings:
    trainee: str = ""
    mode: str = "practice"
    xapi_homepage: str = ""  # the organisation's system named in xAPI accounts
    language: str = "auto"  # interface language: en, zh, or auto (the scenario's own)

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
        language = data.get("language") if data.get("language") in LANGUAGES else "auto"
        return cls(
            clean_text(str(trainee))[:80],
            str(mode),
            clean_text(str(homepage)).strip(),
            str(language),
        )

    def save(self, path: Path | None = None) -> bool:
        """Write the file; False if it could not be written."""
        path = path or locations.settings_path()
        # Preferences are a convenience: a read-only home must not stop training.
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(self)), encoding="utf-8")
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
