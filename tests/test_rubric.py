"""scoring/rubric.yaml is the one place for the rubric's values: the model has no defaults
of its own, the docs quote the file, and every number has a finite, sensible range."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mot_sim.catalog import validate_model
from mot_sim.errors import InputError
from mot_sim.models import Rubric
from mot_sim.yamlsrc import load_file, load_text
from tests.conftest import ROOT

RUBRIC = ROOT / "scoring" / "rubric.yaml"


def rubric_values() -> dict[str, float]:
    data = load_file(RUBRIC).data
    flat: dict[str, float] = {}
    for key, value in data.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            flat[key] = value
        elif key == "structure":
            flat.update({k: v for k, v in value.items() if isinstance(v, int | float)})
    return flat


def test_the_model_has_no_defaults_of_its_own() -> None:
    # A value missing from the file is an error, not a silent second default.
    text = RUBRIC.read_text(encoding="utf-8").replace("silent: 45", "")
    with pytest.raises(InputError) as exc:
        validate_model(Rubric, load_text(text, "rubric.yaml"))
    assert "missing required key 'silent'" in str(exc.value)


def test_docs_quote_the_rubric_file() -> None:
    values = rubric_values()
    docs = (ROOT / "docs" / "scoring.md").read_text(encoding="utf-8")
    quoted = [(k, float(v)) for k, v in re.findall(r"`(\w+)` \((\d+(?:\.\d+)?)\)", docs)]
    quoted += [(k, float(v)) for v, k in re.findall(r"(\d+(?:\.\d+)?) \(`(\w+)`\)", docs)]
    checked = [(k, v) for k, v in quoted if k in values]
    assert len(checked) >= 8, quoted
    for key, value in checked:
        assert values[key] == value, (
            f"docs/scoring.md says {key} is {value}, the file {values[key]}"
        )


@pytest.mark.parametrize("bad", [".nan", ".inf", "-.inf", "1e308", "-1"])
@pytest.mark.parametrize("key", ["scale: 22", "silent: 45", "  solve: 1.5", "pass_mark: 60"])
def test_every_number_is_finite_and_in_range(tmp_path: Path, key: str, bad: str) -> None:
    name = key.split(":")[0]
    text = RUBRIC.read_text(encoding="utf-8").replace(key, f"{name}: {bad}", 1)
    with pytest.raises(InputError):
        validate_model(Rubric, load_text(text, "rubric.yaml"))
