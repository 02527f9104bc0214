"""Shared fixtures. Every test runs with its own data directory, so no test touches a
real user's score log or settings."""

from __future__ import annotations

import ctypes
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mot_sim.catalog import Catalog, load_catalog
from mot_sim.scoring import Scorer

if TYPE_CHECKING:
    from tests.pg import Server

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
def pg_server() -> Iterator[Server]:
    """A real PostgreSQL server for this test process (started on first use)."""
    from tests.pg import Server

    server = Server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: Server) -> Iterator[str]:
    """The URL of a fresh, empty PostgreSQL database for one test."""
    from tests.pg import database

    with database(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def log_at(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's score log lives, once on each backend: a new SQLite file, or a new
    PostgreSQL database on a real server."""
    if request.param == "sqlite":
        return str(tmp_path / "log.db")
    return str(request.getfixturevalue("pg_url"))


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


def without_root_override() -> None:
    """For ``preexec_fn``: a process that runs as root loses the capabilities that let it
    ignore file permissions, so a read-only folder is read-only to it as to anyone (the
    tests run as root in some containers). Linux only; a no-op for other users."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file in ``folder``, by name, with the SHA-256 of its content."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }
