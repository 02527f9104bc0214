"""The score log: who practised what, every turn, every result.

Callers use :class:`Store` and the records in :mod:`mot_sim.store.records`. Two backends
implement it, each the only module with its SQL: :mod:`mot_sim.store.sqlite` (a file, the
embedded default) and :mod:`mot_sim.store.postgres` (an organisation's server, with the
``postgres`` extra). :func:`open_store` picks one from the location.
"""

from __future__ import annotations

import os
from pathlib import Path

from mot_sim.errors import StoreError
from mot_sim.locations import DatabaseUrl, is_db_url, redact
from mot_sim.store.base import Store

POSTGRES_EXTRA = "pip install 'mot-sim[postgres]'"


def location_of(target: str | os.PathLike[str]) -> str:
    """The text of a location: a file path or a database URL."""
    return target.url if isinstance(target, DatabaseUrl) else os.fspath(target)


def open_store(target: str | os.PathLike[str], read_only: bool = False) -> Store:
    """Open (creating or migrating) the score log at ``target``, a file path or a
    ``postgresql://`` URL; ``read_only``: only read it, creating, migrating and leaving
    behind nothing (history, show, exports)."""
    location = location_of(target)
    if is_db_url(location):
        try:
            from mot_sim.store.postgres import PostgresStore
        except ImportError as exc:
            if exc.name is not None and not exc.name.startswith("psycopg"):
                raise
            detail = "" if exc.name else f" ({exc})"  # e.g. psycopg without its libpq
            raise StoreError(
                f"score log {redact(location)}: PostgreSQL support is not installed{detail}; "
                f"install it with: {POSTGRES_EXTRA}"
            ) from None
        return PostgresStore(location, read_only=read_only)
    from mot_sim.store.sqlite import SqliteStore

    return SqliteStore(Path(location), read_only=read_only)


__all__ = ["Store", "location_of", "open_store"]
