"""Shared fixtures. Every test runs with its own data directory, so no test touches a
real user's score log or settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mot_sim.catalog import Catalog, load_catalog
from mot_sim.scoring import Scorer

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("MOT_SIM_DATA", str(home))
    monkeypatch.setenv("MOT_SIM_DB", str(home / "test.sqlite3"))
    monkeypatch.delenv("MOT_SIM_SCENARIOS", raising=False)
    monkeypatch.delenv("MOT_SIM_SCORING", raising=False)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(strict=True)


@pytest.fixture(scope="session")
def scorer(catalog: Catalog) -> Scorer:
    return Scorer(catalog.library)


@pytest.fixture(scope="session")
def zh_catalog() -> Iterator[Catalog]:
    mp = pytest.MonkeyPatch()
    mp.setenv("MOT_SIM_SCENARIOS", str(DATA / "zh"))
    yield load_catalog(strict=True)
    mp.undo()
