"""The score log: who practised what, every turn, every result.

Callers use :class:`Store` and the records in :mod:`mot_sim.store.records`; all SQL lives
in :mod:`mot_sim.store.sqlite`, so another backend (PostgreSQL) can be added beside it.
"""

from __future__ import annotations

from pathlib import Path

from mot_sim.store.base import Store


def open_store(path: Path, read_only: bool = False) -> Store:
    """Open (creating or migrating) the score log at ``path``; ``read_only``: only read
    it, creating, migrating and leaving behind nothing (history, show, exports)."""
    from mot_sim.store.sqlite import SqliteStore

    return SqliteStore(path, read_only=read_only)


__all__ = ["Store", "open_store"]
