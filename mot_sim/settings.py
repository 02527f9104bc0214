"""Small remembered preferences (the trainee's name, last mode), kept as JSON."""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from mot_sim import locations
from mot_sim.matching.text import clean_text


@dataclass
class Settings:
    trainee: str = ""
    mode: str = "practice"

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
        return cls(clean_text(str(trainee))[:80], str(mode))

    def save(self, path: Path | None = None) -> None:
        path = path or locations.settings_path()
        # Preferences are a convenience: a read-only home must not stop training.
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(asdict(self)), encoding="utf-8")
            os.replace(tmp, path)
