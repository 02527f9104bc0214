"""Score-log administration: ``mot-sim db copy``, ``db migrate`` and ``db status``.

Locations are file paths or ``postgresql://`` URLs; they are printed without their
password. ``copy`` reads its source read-only (it may be a classroom's log in a
read-only folder) and writes whole sessions only, batch by batch.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from mot_sim import locations
from mot_sim.cli.streams import for_terminal, say
from mot_sim.errors import MotSimError
from mot_sim.store import open_store

if TYPE_CHECKING:
    from mot_sim.store.postgres import Kind


def _same_log(a: str, b: str) -> bool:
    """Whether two locations name the same log (so a copy would read what it writes)."""
    if locations.is_db_url(a) != locations.is_db_url(b):
        return False
    if locations.is_db_url(a):
        from psycopg.conninfo import conninfo_to_dict

        def key(url: str) -> tuple[str, ...]:
            info = conninfo_to_dict(url)
            return tuple(str(info.get(k, "")) for k in ("host", "port", "dbname", "user"))

        try:
            return key(a) == key(b)
        except Exception:  # an invalid URL: opening it says why
            return False
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def cmd_copy(args: argparse.Namespace) -> int:
    """Copy one log into another; print what was copied and the verified counts."""
    from mot_sim.store.transfer import copy_log, describe

    source, target = args.source, args.target
    shown = (locations.redact(source), locations.redact(target))
    if _same_log(source, target):
        raise MotSimError(f"--from and --to are the same log ({shown[0]}); nothing was copied")
    src = open_store(source, read_only=True)
    try:
        dst = open_store(target)
        try:
            report = copy_log(
                src,
                dst,
                progress=lambda line: print(for_terminal(line), file=sys.stderr, flush=True),
            )
        finally:
            dst.close()
    finally:
        src.close()
    say(*describe(report, *shown))
    return 0 if report.ok else 1


def cmd_migrate(args: argparse.Namespace) -> int:
    """Create or upgrade the log's schema; on PostgreSQL, grant roles what they need."""
    location = locations.db_location(getattr(args, "db", None))
    grants: list[tuple[str, Kind]] = [(r, "writer") for r in args.grant_writer or []]
    grants += [(r, "reader") for r in args.grant_reader or []]
    if grants and not locations.is_db_url(location):
        raise MotSimError("--grant-writer and --grant-reader are for a PostgreSQL log")
    store = open_store(location)
    try:
        say(f"score log {store.path}: schema v{store.schema_version}, up to date")
        for role, kind in grants:
            from mot_sim.store.postgres import PostgresStore

            if isinstance(store, PostgresStore):
                store.grant(role, kind)
                say(f"granted {kind} rights to role {role}")
    finally:
        store.close()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Where the log is, its schema version and what it holds (read-only)."""
    store = open_store(locations.db_location(getattr(args, "db", None)), read_only=True)
    try:
        held = store.holdings()
        version = store.schema_version
        counts = store.classroom_counts()
    finally:
        store.close()
    kind = "PostgreSQL" if locations.is_db_url(store.path) else "SQLite"
    say(
        f"score log  {store.path} ({kind})",
        f"schema     v{version}" if version else "schema     (no log here yet)",
        f"sessions   {len(held):,}",
        f"replies    {sum(h.turns for h in held.values()):,}",
        f"classes    {counts['classes']:,} ({counts['class_members']:,} joined, "
        f"{counts['class_sessions']:,} sessions played in them)",
        f"overrides  {counts['overrides']:,}",
        f"assignments {counts['assignments']:,}",
    )
    return 0
