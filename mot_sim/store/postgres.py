"""PostgreSQL backend: the only module with PostgreSQL's SQL in it (``mot-sim[postgres]``).

One organisation-wide log that many processes write at once. The log lives in its own
schema, ``mot_sim``, marked by a one-row ``schema_version`` table and migrated step by
step under an advisory lock (DDL is transactional: a step is whole or not at all). A
database that holds another program's tables, a schema ``mot_sim`` that is not ours, or a
newer schema is refused by looking at the catalogue only: nothing in it is changed.

Every value goes to the server as a parameter (role names in grants as quoted
identifiers), every turn is committed before :meth:`PostgresStore.add_turn` returns, and
a store opened ``read_only`` runs in read-only transactions and never migrates. The URL
is shown and put in errors without its password (:func:`mot_sim.locations.redact`);
credentials may come from libpq's own sources (``PGPASSWORD``, ``~/.pgpass``,
``PGSERVICE``). Rows read back are checked as on SQLite (:mod:`mot_sim.store.rows`).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal, TypeVar
from urllib.parse import unquote

import psycopg
from psycopg import errors as pg_errors
from psycopg import sql
from psycopg.rows import dict_row
from psycopg.types.string import TextLoader

from mot_sim.classroom.models import (
    Assignment,
    ClassSession,
    DebriefMark,
    Member,
    Override,
    StoredClass,
)
from mot_sim.engine import FinalResult, Turn
from mot_sim.errors import StoreError
from mot_sim.locations import db_password, redact
from mot_sim.stages import MAX_REPLY_CHARS, Mode
from mot_sim.store import class_rows, rows
from mot_sim.store.records import (
    SessionRecord,
    SessionSummary,
    Trainee,
    clean_identity,
    cohort_spellings,
    display_name,
    trainee_key,
)
from mot_sim.store.transfer import (
    CLASSROOM_TABLES,
    AssignmentRow,
    ClassroomRows,
    ClassRow,
    ClassSessionRow,
    Held,
    MarkRow,
    MemberRow,
    OverrideRow,
    RevealRow,
    SessionRow,
    TraineeRow,
    TurnRow,
    token_of,
)

SCHEMA = "mot_sim"
APPLICATION = "mot-sim"
LOCK_KEY = 0x4D4F5453  # "MOTS": the advisory lock taken while migrating
CONNECT_TIMEOUT_S = 10
CONNECT_ATTEMPTS = 6  # over about 3 s for transient refusals (too many clients, starting up)
_TRANSIENT = ("53300", "57P03")  # too_many_connections, cannot_connect_now
_TRANSIENT_WORDS = (
    "too many clients",
    "too many connections",
    "starting up",
    "remaining connection slots",
)


def _transient(exc: psycopg.Error) -> bool:
    """A refusal that goes away by itself: retry rather than fail."""
    text = str(exc).lower()
    return exc.sqlstate in _TRANSIENT or any(w in text for w in _TRANSIENT_WORDS)


# Each entry moves the schema from version i to i + 1. Never edit a released entry.
MIGRATIONS: list[str] = [
    # v1: the log (as SQLite's v3: trainees by identity key, HR fields, overall score)
    """
    CREATE SCHEMA IF NOT EXISTS mot_sim;
    COMMENT ON SCHEMA mot_sim IS 'mot-sim score log';
    CREATE TABLE mot_sim.schema_version (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        application text NOT NULL CHECK (application = 'mot-sim'),
        version integer NOT NULL,
        migrated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE mot_sim.trainees (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL UNIQUE,
        name_key text NOT NULL,
        same_as bigint REFERENCES mot_sim.trainees (id),
        employee_id text,
        cohort text,
        created_at timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX trainees_by_key ON mot_sim.trainees (name_key) WHERE same_as IS NULL;
    CREATE TABLE mot_sim.sessions (
        id text PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        trainee_id bigint NOT NULL REFERENCES mot_sim.trainees (id),
        scenario_id text NOT NULL,
        content_hash text NOT NULL,
        mode text NOT NULL CHECK (mode IN ('practice', 'exam')),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        status text NOT NULL
            CHECK (status IN ('in_progress', 'completed', 'walked_out', 'abandoned')),
        result_json json,
        overall integer CHECK (overall BETWEEN 0 AND 100)
    );
    CREATE TABLE mot_sim.turns (
        session_id text NOT NULL REFERENCES mot_sim.sessions (id),
        idx integer NOT NULL CHECK (idx >= 0),
        stage text NOT NULL,
        customer_lines_json json NOT NULL,
        reply text NOT NULL,
        result_json json NOT NULL,
        mood_before integer NOT NULL,
        mood_after integer NOT NULL,
        reaction text NOT NULL,
        seconds double precision,
        overtime boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (session_id, idx)
    );
    """,
    # v2: what history, exports and reports look up (bench/bench_store.py)
    """
    CREATE INDEX sessions_by_trainee ON mot_sim.sessions (trainee_id, started_at);
    CREATE INDEX sessions_by_start ON mot_sim.sessions (started_at, seq);
    CREATE INDEX trainees_by_cohort ON mot_sim.trainees (cohort);
    CREATE INDEX trainees_by_alias ON mot_sim.trainees (same_as) WHERE same_as IS NOT NULL;
    """,
    # v3: the classroom (as SQLite's v4): classes and who joined, the sessions played in
    # them, the trainers' overrides (an append-only audit: no role may change or delete
    # one), debrief marks and reveals, cohorts' assignments
    """
    CREATE TABLE mot_sim.classes (
        code text PRIMARY KEY,
        scenarios_json json NOT NULL,
        mode text NOT NULL CHECK (mode IN ('practice', 'exam')),
        timer integer,
        cohort text,
        password_hash text,
        created_at timestamptz NOT NULL,
        closed_at timestamptz,
        created_by text
    );
    CREATE TABLE mot_sim.class_members (
        class_code text NOT NULL REFERENCES mot_sim.classes (code),
        name_key text NOT NULL,
        name text NOT NULL,
        joined_at timestamptz NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (class_code, name_key)
    );
    CREATE TABLE mot_sim.class_sessions (
        session_id text PRIMARY KEY REFERENCES mot_sim.sessions (id),
        class_code text NOT NULL REFERENCES mot_sim.classes (code)
    );
    CREATE INDEX class_sessions_by_class ON mot_sim.class_sessions (class_code);
    CREATE TABLE mot_sim.overrides (
        id text PRIMARY KEY,
        session_id text NOT NULL REFERENCES mot_sim.sessions (id),
        stage text NOT NULL,
        machine_score integer NOT NULL,
        new_score integer NOT NULL CHECK (new_score BETWEEN 0 AND 100),
        reason text NOT NULL,
        by_name text NOT NULL,
        at timestamptz NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX overrides_by_session ON mot_sim.overrides (session_id, at);
    CREATE FUNCTION mot_sim.append_only() RETURNS trigger LANGUAGE plpgsql AS
        'BEGIN RAISE EXCEPTION ''overrides are an audit trail: append only''; END';
    CREATE TRIGGER overrides_are_append_only BEFORE UPDATE OR DELETE ON mot_sim.overrides
        FOR EACH ROW EXECUTE FUNCTION mot_sim.append_only();
    CREATE TABLE mot_sim.debrief_marks (
        class_code text NOT NULL REFERENCES mot_sim.classes (code),
        session_id text NOT NULL REFERENCES mot_sim.sessions (id),
        stage text NOT NULL,
        starred boolean NOT NULL DEFAULT false,
        hidden boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (class_code, session_id, stage)
    );
    CREATE TABLE mot_sim.class_reveals (
        class_code text NOT NULL REFERENCES mot_sim.classes (code),
        stage text NOT NULL,
        revealed boolean NOT NULL,
        updated_at timestamptz NOT NULL,
        PRIMARY KEY (class_code, stage)
    );
    CREATE TABLE mot_sim.assignments (
        cohort text NOT NULL,
        scenario_id text NOT NULL,
        due date NOT NULL,
        assigned_at timestamptz NOT NULL,
        assigned_by text,
        PRIMARY KEY (cohort, scenario_id)
    );
    """,
]
LATEST = len(MIGRATIONS)
READS_FROM = 1  # the oldest schema the reads below understand (raise it when they change)

CLASSROOM_SINCE = 3  # the schema version that has the classroom's tables
TABLES = ("schema_version", "trainees", "sessions", "turns", *CLASSROOM_TABLES)
_CLASSROOM = ", ".join(f"mot_sim.{t}" for t in CLASSROOM_TABLES)
# What each kind of role may do once the schema is migrated, and nothing more: the
# writer records (a turn, once written, cannot be changed or deleted), the reader reads.
GRANTS: dict[str, list[str]] = {
    "writer": [
        "GRANT USAGE ON SCHEMA mot_sim TO {role}",
        "GRANT SELECT ON mot_sim.schema_version TO {role}",
        "GRANT SELECT, INSERT ON mot_sim.trainees, mot_sim.sessions, mot_sim.turns TO {role}",
        "GRANT UPDATE (employee_id, cohort) ON mot_sim.trainees TO {role}",
        "GRANT UPDATE (status, ended_at, result_json, overall) ON mot_sim.sessions TO {role}",
        # The classroom: an override, once written, cannot be changed or deleted either.
        f"GRANT SELECT, INSERT ON {_CLASSROOM} TO {{role}}",
        "GRANT UPDATE (closed_at) ON mot_sim.classes TO {role}",
        "GRANT UPDATE (starred, hidden, updated_at) ON mot_sim.debrief_marks TO {role}",
        "GRANT UPDATE (revealed, updated_at) ON mot_sim.class_reveals TO {role}",
        "GRANT UPDATE (due, assigned_at, assigned_by) ON mot_sim.assignments TO {role}",
    ],
    "reader": [
        "GRANT USAGE ON SCHEMA mot_sim TO {role}",
        "GRANT SELECT ON mot_sim.schema_version, mot_sim.trainees, mot_sim.sessions, "
        "mot_sim.turns TO {role}",
        f"GRANT SELECT ON {_CLASSROOM} TO {{role}}",
    ],
}
Kind = Literal["writer", "reader"]
T = TypeVar("T")


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# What a class's console shows, as counts and marks: any committed change to the class
# changes one of them (read in one snapshot, a few index lookups).
_CLASS_TOKEN = (
    "SELECT (SELECT count(*) FROM mot_sim.class_members WHERE class_code = %s) AS members,"
    " (SELECT count(*) FROM mot_sim.class_sessions WHERE class_code = %s) AS sessions,"
    " (SELECT count(*) FROM mot_sim.turns u JOIN mot_sim.class_sessions c"
    "  ON c.session_id = u.session_id WHERE c.class_code = %s) AS turns,"
    " (SELECT string_agg(s.status, ',' ORDER BY s.id) FROM mot_sim.sessions s"
    "  JOIN mot_sim.class_sessions c ON c.session_id = s.id WHERE c.class_code = %s) AS ends,"
    " (SELECT count(*) FROM mot_sim.overrides o JOIN mot_sim.class_sessions c"
    "  ON c.session_id = o.session_id WHERE c.class_code = %s) AS overrides,"
    " (SELECT string_agg(session_id || stage || starred::text || hidden::text, ','"
    "  ORDER BY session_id, stage) FROM mot_sim.debrief_marks WHERE class_code = %s) AS marks,"
    " (SELECT string_agg(stage || revealed::text, ',' ORDER BY stage)"
    "  FROM mot_sim.class_reveals WHERE class_code = %s) AS reveals,"
    " (SELECT closed_at FROM mot_sim.classes WHERE code = %s) AS closed"
)
# The classroom's part of the whole log (home screens: assignments and their progress).
_LOG_TOKEN = (
    "SELECT (SELECT max(seq) FROM mot_sim.sessions) AS sessions,"
    " (SELECT count(ended_at) FROM mot_sim.sessions) AS ended,"
    " (SELECT max(seq) FROM mot_sim.overrides) AS overrides,"
    " (SELECT max(seq) FROM mot_sim.class_members) AS members,"
    " (SELECT count(*) || '/' || count(closed_at) FROM mot_sim.classes) AS classes,"
    " (SELECT count(*) || '/' || coalesce(max(assigned_at)::text, '')"
    "  FROM mot_sim.assignments) AS assignments"
)


def _iso(value: Any) -> Any:
    """Times as the log's text: ISO 8601 in UTC, as SQLite keeps them."""
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: _iso(v) for k, v in row.items()}


class PostgresStore:
    """A score log in a PostgreSQL database, for many writers at once."""

    def __init__(self, url: str, read_only: bool = False) -> None:
        self._url = url
        self.path = redact(url)
        self.read_only = read_only
        self._lock = threading.RLock()  # re-entrant: a snapshot's reads take it again
        # Sessions the reads so far skipped because their rows are damaged: id -> why.
        self.damaged: dict[str, str] = {}
        self._secrets = [s for s in self._password_forms() if s]
        self._db = self._connect()
        self._classroom = False
        try:
            version = self._inspect()
            if read_only:
                if version is not None and version < READS_FROM:
                    raise StoreError(
                        f"score log {self.path}: schema v{version} is too old to read; "
                        "upgrade it with `mot-sim db migrate` (as the owner role)"
                    )
                self._absent = version is None
                # An older log read as it is: it has no classes yet.
                self._classroom = version is not None and version >= CLASSROOM_SINCE
            else:
                self._absent = False
                self._classroom = True
                if version is None or version < LATEST:
                    self._migrate(version or 0)
        except BaseException:
            self._db.close()
            raise

    # -- connecting and recognising ------------------------------------------------------
    def _password_forms(self) -> list[str]:
        given = db_password(self._url)
        return [] if given is None else sorted({given, unquote(given)}, key=len, reverse=True)

    def _scrub(self, text: str) -> str:
        """A server or driver message with the URL's password (if it slipped in) masked."""
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text.replace(self._url, self.path)

    def _explain(self, exc: psycopg.Error) -> StoreError:
        detail = self._scrub(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
        if isinstance(exc, pg_errors.InsufficientPrivilege):
            why = f"this role may not do that ({detail}); see docs/deploy.md for its grants"
        elif isinstance(exc, pg_errors.ReadOnlySqlTransaction):
            why = "the database is read-only here"
        elif isinstance(exc, pg_errors.DiskFull):
            why = "the server's disk is full"
        elif isinstance(exc, pg_errors.UndefinedTable | pg_errors.InvalidSchemaName):
            why = f"the log's tables are missing ({detail}); was it dropped?"
        elif isinstance(exc, psycopg.OperationalError):
            why = f"cannot reach the database or the connection was lost: {detail}"
        else:
            why = detail or type(exc).__name__
        return StoreError(f"score log {self.path}: {why}")

    def _connect(self) -> psycopg.Connection[Any]:
        try:
            options = psycopg.conninfo.conninfo_to_dict(self._url)
        except psycopg.Error:
            raise StoreError(f"score log {self.path}: not a valid PostgreSQL URL") from None
        extra: dict[str, Any] = {"application_name": "mot-sim"}
        if "connect_timeout" not in options:
            extra["connect_timeout"] = CONNECT_TIMEOUT_S
        for attempt in range(CONNECT_ATTEMPTS):
            try:
                db = psycopg.connect(self._url, autocommit=True, **extra)
                break
            except psycopg.Error as exc:
                # A server at its connection limit, or starting up, refuses for a moment;
                # a classroom of writers opening at once must not fail on that.
                if _transient(exc) and attempt + 1 < CONNECT_ATTEMPTS:
                    time.sleep(0.1 * 2**attempt)
                    continue
                raise self._explain(exc) from None
        # Read json columns as their text, as SQLite gives it (checked in rows.py).
        db.adapters.register_loader("json", TextLoader)
        try:
            db.execute("SET TIME ZONE 'UTC'")
            # Each turn is durable when add_turn returns, whatever the server's default.
            if db.execute("SHOW synchronous_commit").fetchone() == ("off",):
                db.execute("SET synchronous_commit TO local")
            if self.read_only:
                db.execute("SET default_transaction_read_only TO on")
        except psycopg.Error as exc:
            db.close()
            raise self._explain(exc) from None
        return db

    def _foreign(self, why: str) -> StoreError:
        return StoreError(
            f"score log {self.path}: this database belongs to another program ({why}); "
            "nothing was changed. Give mot-sim a database of its own (docs/deploy.md)"
        )

    def _inspect(self) -> int | None:
        """The log's schema version, or None for a database with nothing in it yet.
        Anything else is refused having only read the catalogue."""
        db = self._db
        try:
            ours = [
                r[0]
                for r in db.execute(
                    "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                    " ON n.oid = c.relnamespace WHERE n.nspname = %s",
                    (SCHEMA,),
                ).fetchall()
            ]
            if "schema_version" in ours:
                found = db.execute(
                    "SELECT application, version FROM mot_sim.schema_version"
                ).fetchall()
                if len(found) != 1 or found[0][0] != APPLICATION:
                    raise self._foreign("its schema mot_sim is not a mot-sim log")
                version = int(found[0][1])
                if version > LATEST:
                    raise StoreError(
                        f"score log {self.path}: written by a newer mot-sim (schema "
                        f"v{version}; this version reads up to v{LATEST}); please upgrade "
                        "mot-sim"
                    )
                return version
            if ours:
                raise self._foreign("it has a schema mot_sim that is not a mot-sim log")
            row = db.execute(
                "SELECT count(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                " ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')"
                " AND n.nspname NOT IN ('pg_catalog', 'information_schema', %s)"
                " AND n.nspname NOT LIKE 'pg\\_%%'"
                " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d"
                " WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid"
                " AND d.deptype = 'e')",
                # Not our own schema: another mot-sim may have created it since the look
                # above (each statement here sees its own moment), and that is no stranger.
                (SCHEMA,),
            ).fetchone()
        except psycopg.Error as exc:
            raise self._explain(exc) from None
        tables = int(row[0]) if row else 0
        if tables:
            raise self._foreign(f"it holds {tables} tables or views and no mot-sim log")
        return None

    def _migrate(self, seen: int) -> None:
        """Bring the schema to :data:`LATEST`, one process at a time (the others wait on
        the lock, then find the work done)."""
        try:
            with self._db.transaction():
                self._db.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                version = self._inspect() or 0  # another process may have migrated
                for step in MIGRATIONS[version:]:
                    # Statements end a line; a function body keeps its own semicolons.
                    for statement in re.split(r";[ \t]*\n", step):
                        if statement.strip():
                            self._db.execute(statement.encode())
                if version < LATEST:
                    self._db.execute(
                        "INSERT INTO mot_sim.schema_version (application, version) "
                        "VALUES (%s, %s) ON CONFLICT (only_row) DO UPDATE "
                        "SET version = excluded.version, migrated_at = now()",
                        (APPLICATION, LATEST),
                    )
        except pg_errors.InsufficientPrivilege:
            raise StoreError(
                f"score log {self.path}: the log is at schema v{seen} and this mot-sim "
                f"needs v{LATEST}, but this role may not create or change tables: run "
                "`mot-sim db migrate` as the owner role (docs/deploy.md)"
            ) from None
        except psycopg.Error as exc:
            raise self._explain(exc) from None

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._inspect() or 0

    def grant(self, role: str, kind: Kind) -> None:
        """Give ``role`` what a writer or a reader needs on the migrated log, no more."""
        try:
            with self._lock, self._db.transaction():
                for statement in GRANTS[kind]:
                    self._db.execute(sql.SQL(statement).format(role=sql.Identifier(role)))
        except psycopg.Error as exc:
            raise self._explain(exc) from None

    # -- transactions --------------------------------------------------------------------
    def _ensure_connected(self) -> None:
        """A new connection if the last one is known to be gone."""
        if self._db.closed or self._db.broken:
            self._db.close()
            self._db = self._connect()

    def _transact(self, work: Callable[[psycopg.Connection[Any], bool], T], write: bool) -> T:
        """Run ``work`` in one transaction (committed, and flushed to disk, when it
        returns). If the server dropped the connection (a restart, a failover), once more
        on a new one: ``work`` is told it is a retry, so a write may find its first try
        already committed and accept it."""
        if write and self.read_only:
            raise StoreError(f"score log {self.path}: opened for reading only")
        with self._lock:
            for retry in (False, True):
                try:
                    self._ensure_connected()
                    with self._db.transaction():
                        if not write:
                            self._db.execute(
                                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"
                            )
                        return work(self._db, retry)
                except psycopg.OperationalError as exc:
                    if retry or not self._db.broken:
                        raise self._explain(exc) from None
                except psycopg.Error as exc:
                    raise self._explain(exc) from None
        raise AssertionError("unreachable")

    @contextmanager
    def _write(self) -> Iterator[psycopg.Connection[Any]]:
        """One write transaction for a caller's block (copying: rerunnable as a whole)."""
        if self.read_only:
            raise StoreError(f"score log {self.path}: opened for reading only")
        with self._lock:
            try:
                self._ensure_connected()
                with self._db.transaction():
                    yield self._db
            except psycopg.Error as exc:
                raise self._explain(exc) from None

    @staticmethod
    def _query(
        db: psycopg.Connection[Any], query: str, args: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        with db.cursor(row_factory=dict_row) as cur:
            cur.execute(query, args)
            return [_plain(r) for r in cur.fetchall()]

    def _read(self, query: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of one query, as dictionaries with times as ISO text."""
        if self._absent:
            return []
        return self._transact(lambda db, _: self._query(db, query, args), write=False)

    # -- writing -------------------------------------------------------------------------
    @staticmethod
    def _trainee_id(db: psycopg.Connection[Any], name: str) -> int:
        """The person's row, found by identity key; created (as typed) the first time."""
        key = trainee_key(name)
        if not key:
            raise StoreError("the trainee's name is empty")
        find = "SELECT id FROM mot_sim.trainees WHERE name_key = %s AND same_as IS NULL"
        found = db.execute(find, (key,)).fetchone()
        if found is None:
            # Another writer may create the same person at the same moment: theirs wins.
            found = (
                db.execute(
                    "INSERT INTO mot_sim.trainees (name, name_key, created_at) VALUES (%s, %s, %s)"
                    " ON CONFLICT DO NOTHING RETURNING id",
                    (display_name(name), key, now()),
                ).fetchone()
                or db.execute(find, (key,)).fetchone()
            )
        if found is None:
            raise StoreError(f"the trainee's name {display_name(name)!r} is taken by an alias")
        return int(found[0])

    def upsert_trainee(self, trainee: Trainee) -> Trainee:
        def work(db: psycopg.Connection[Any], _: bool) -> tuple[Any, ...] | None:
            tid = self._trainee_id(db, trainee.name)
            if trainee.employee_id is not None:
                db.execute(
                    "UPDATE mot_sim.trainees SET employee_id = %s WHERE id = %s",
                    (clean_identity(trainee.employee_id), tid),
                )
            if trainee.cohort is not None:
                db.execute(
                    "UPDATE mot_sim.trainees SET cohort = %s WHERE id = %s",
                    (self._cohort(db, trainee.cohort), tid),
                )
            return db.execute(
                "SELECT name, employee_id, cohort FROM mot_sim.trainees WHERE id = %s", (tid,)
            ).fetchone()

        row = self._transact(work, write=True)
        try:
            if row is None:
                raise rows.DamagedRecord("it vanished while it was written")
            return rows.trainee(row[0], row[1], row[2])
        except rows.DamagedRecord as exc:
            raise StoreError(f"score log {self.path}: trainee record damaged ({exc})") from None

    def _spellings(self, db: psycopg.Connection[Any], cohort: str) -> tuple[str, ...]:
        """The recorded spellings of a cohort, however it is typed now (see
        :func:`cohort_spellings`): trainees' first, then classes', then assignments'."""
        queries = [
            "SELECT cohort FROM mot_sim.trainees WHERE cohort IS NOT NULL"
            " GROUP BY cohort ORDER BY min(id)"
        ]
        if self._classroom:
            queries += [
                "SELECT cohort FROM mot_sim.classes WHERE cohort IS NOT NULL"
                " GROUP BY cohort ORDER BY min(created_at)",
                "SELECT cohort FROM mot_sim.assignments GROUP BY cohort ORDER BY min(assigned_at)",
            ]
        known: list[str | None] = []
        for query in queries:
            known += [r[0] if isinstance(r[0], str) else None for r in db.execute(query)]
        return cohort_spellings(known, cohort)

    def _cohort(self, db: psycopg.Connection[Any], cohort: str) -> str:
        """A cohort as it is recorded: as first recorded if it already exists (cleaned
        again: the log itself is untrusted, and a new row must not copy what was edited in)."""
        return clean_identity(self._spellings(db, cohort)[0])

    def _cohorts(self, cohort: str | None) -> tuple[str, ...] | None:
        """Every spelling to read a cohort by (None: no filter)."""
        if cohort is None:
            return None
        if self._absent:
            return (cohort,)
        return self._transact(lambda db, _: self._spellings(db, cohort), write=False)

    def find_trainee(self, name: str) -> Trainee | None:
        found = self._read(
            "SELECT name, employee_id, cohort FROM mot_sim.trainees WHERE name_key = %s"
            " AND same_as IS NULL",
            (trainee_key(name),),
        )
        got = rows.trainees(found)
        return got[0] if got else None

    def trainees(self, cohort: str | None = None) -> list[Trainee]:
        cohorts = self._cohorts(cohort)
        where, args = ("", ()) if cohorts is None else (" AND cohort = ANY(%s)", (list(cohorts),))
        return rows.trainees(
            self._read(
                "SELECT name, employee_id, cohort FROM mot_sim.trainees WHERE same_as IS NULL"
                + where
                + " ORDER BY id",
                args,
            )
        )

    def start_session(
        self,
        session_id: str,
        trainee: str,
        scenario_id: str,
        content_hash: str,
        mode: Mode,
        class_code: str | None = None,
    ) -> None:
        def work(db: psycopg.Connection[Any], retry: bool) -> None:
            tid = self._trainee_id(db, trainee)
            db.execute(
                "INSERT INTO mot_sim.sessions (id, trainee_id, scenario_id, content_hash, mode,"
                " started_at, status) VALUES (%s, %s, %s, %s, %s, %s, 'in_progress')"
                + (" ON CONFLICT (id) DO NOTHING" if retry else ""),
                (session_id, tid, scenario_id, content_hash, mode, now()),
            )
            if class_code is not None:
                db.execute(
                    "INSERT INTO mot_sim.class_sessions (session_id, class_code) VALUES (%s, %s)"
                    + (" ON CONFLICT (session_id) DO NOTHING" if retry else ""),
                    (session_id, class_code),
                )

        self._transact(work, write=True)

    def add_turn(self, session_id: str, turn: Turn) -> None:
        values = (
            session_id,
            turn.index,
            turn.stage,
            json.dumps(list(turn.customer_lines)),
            turn.reply[:MAX_REPLY_CHARS],
            json.dumps(turn.result.to_dict()),
            turn.mood_before,
            turn.mood_after,
            turn.reaction,
            turn.seconds,
            bool(turn.overtime),
            turn.at or now(),
        )

        def work(db: psycopg.Connection[Any], retry: bool) -> None:
            db.execute(
                "INSERT INTO mot_sim.turns (session_id, idx, stage, customer_lines_json, reply,"
                " result_json, mood_before, mood_after, reaction, seconds, overtime,"
                " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                + (" ON CONFLICT (session_id, idx) DO NOTHING" if retry else ""),
                values,
            )

        self._transact(work, write=True)

    def finish_session(self, session_id: str, status: str, result: FinalResult) -> None:
        values = (status, now(), json.dumps(result.to_dict()), result.overall, session_id)
        self._transact(
            lambda db, _: db.execute(
                "UPDATE mot_sim.sessions SET status = %s, ended_at = %s, result_json = %s,"
                " overall = %s WHERE id = %s",
                values,
            ),
            write=True,
        )

    # -- reading -------------------------------------------------------------------------
    # A session's trainee is the person behind the name row it was recorded under (t).
    _PERSON = (
        " FROM mot_sim.sessions s JOIN mot_sim.trainees n ON n.id = s.trainee_id"
        " JOIN mot_sim.trainees t ON t.id = coalesce(n.same_as, n.id)"
    )
    _SUMMARY = (
        "SELECT s.id, t.name, t.employee_id, t.cohort, s.scenario_id, s.content_hash, s.mode,"
        " s.started_at, s.ended_at, s.status, s.result_json,"
        " (SELECT count(*) FROM mot_sim.turns u WHERE u.session_id = s.id) AS turn_count" + _PERSON
    )

    def _where(
        self,
        trainee: str | None,
        cohort: str | None,
        since: str | None,
        status: str | None,
        class_code: str | None = None,
    ) -> tuple[str, tuple[object, ...]]:
        where: list[str] = []
        args: list[object] = []
        if class_code is not None and not self._classroom:
            return " WHERE false", ()  # a log from before classes: none played in one
        cohorts = self._cohorts(cohort)
        for clause, value in (
            ("t.name_key = %s", None if trainee is None else trainee_key(trainee)),
            ("t.cohort = ANY(%s)", None if cohorts is None else list(cohorts)),
            ("s.started_at >= %s", since),
            ("s.status = %s", status),
            (
                "s.id IN (SELECT session_id FROM mot_sim.class_sessions WHERE class_code = %s)",
                class_code,
            ),
        ):
            if value is not None:
                where.append(clause)
                args.append(value)
        return (" WHERE " + " AND ".join(where) if where else ""), tuple(args)

    def _summaries(self, found: list[dict[str, Any]]) -> list[SessionSummary]:
        out = []
        for r in found:
            try:
                out.append(rows.summary(r))
            except rows.DamagedRecord as exc:
                self.damaged[str(r["id"])] = str(exc)
        return out

    def sessions(
        self,
        trainee: str | None = None,
        cohort: str | None = None,
        since: str | None = None,
        status: str | None = None,
        class_code: str | None = None,
    ) -> list[SessionSummary]:
        where, args = self._where(trainee, cohort, since, status, class_code)
        found = self._read(self._SUMMARY + where + " ORDER BY s.started_at, s.seq", args)
        return self._summaries(found)

    def records(
        self,
        trainee: str | None = None,
        cohort: str | None = None,
        since: str | None = None,
        class_code: str | None = None,
    ) -> list[SessionRecord]:
        # Two reads of one snapshot (sessions, then every turn of them).
        where, args = self._where(trainee, cohort, since, None, class_code)

        def work(db: psycopg.Connection[Any], _: bool) -> tuple[list[Any], list[Any]]:
            return (
                self._query(db, self._SUMMARY + where + " ORDER BY s.started_at, s.seq", args),
                self._query(
                    db,
                    "SELECT u.* FROM mot_sim.turns u JOIN mot_sim.sessions s"
                    " ON s.id = u.session_id JOIN mot_sim.trainees n ON n.id = s.trainee_id"
                    " JOIN mot_sim.trainees t ON t.id = coalesce(n.same_as, n.id)"
                    + where
                    + " ORDER BY u.session_id, u.idx",
                    args,
                ),
            )

        found, turn_rows = ([], []) if self._absent else self._transact(work, write=False)
        summaries = self._summaries(found)
        turns: dict[str, list[Turn]] = {s.id: [] for s in summaries}
        for r in turn_rows:
            sid = str(r["session_id"])
            if sid not in turns or sid in self.damaged:
                continue
            try:
                turns[sid].append(rows.turn(r))
            except rows.DamagedRecord as exc:
                self.damaged[sid] = str(exc)
        return [SessionRecord(s, turns[s.id]) for s in summaries if s.id not in self.damaged]

    def session(self, session_id: str) -> SessionRecord:
        def work(db: psycopg.Connection[Any], _: bool) -> tuple[list[Any], list[Any]]:
            found = self._query(
                db,
                self._SUMMARY + " WHERE starts_with(s.id, %s) ORDER BY s.id LIMIT 2",
                (session_id,),
            )
            if len(found) != 1:
                return found, []
            return found, self._query(
                db,
                "SELECT * FROM mot_sim.turns WHERE session_id = %s ORDER BY idx",
                (found[0]["id"],),
            )

        found, turn_rows = ([], []) if self._absent else self._transact(work, write=False)
        if not found:
            raise StoreError(f"no session {session_id!r} in {self.path}")
        if len(found) > 1:
            raise StoreError(f"session id {session_id!r} is ambiguous: give more characters")
        sid = str(found[0]["id"])
        try:
            summary = rows.summary(found[0])
            turns = [rows.turn(r) for r in turn_rows]
        except rows.DamagedRecord as exc:
            self.damaged[sid] = str(exc)
            raise StoreError(f"session {sid}: damaged record ({exc})") from None
        return SessionRecord(summary, turns)

    def session_ids(self) -> list[str]:
        return [str(r["id"]) for r in self._read("SELECT id FROM mot_sim.sessions")]

    def best_score(self, trainee: str, scenario_id: str) -> int | None:
        found = self._read(
            "SELECT max(s.overall) AS best" + self._PERSON + " WHERE t.name_key = %s AND"
            " s.scenario_id = %s AND s.status IN ('completed', 'walked_out')",
            (trainee_key(trainee), scenario_id),
        )
        value = found[0]["best"] if found else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    # -- the classroom -------------------------------------------------------------------
    def _class_read(self, query: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows of a classroom table; none on a log from before classes (read as is)."""
        return self._read(query, args) if self._classroom else []

    def _write_one(self, query: str, args: Sequence[Any]) -> int:
        """One statement in its own write transaction; the rows it touched."""

        def work(db: psycopg.Connection[Any], _: bool) -> int:
            return db.execute(query, args).rowcount

        return self._transact(work, write=True)

    def create_class(self, cls: ClassSession, password_hash: str | None) -> bool:
        def work(db: psycopg.Connection[Any], _: bool) -> int:
            return db.execute(
                "INSERT INTO mot_sim.classes (code, scenarios_json, mode, timer, cohort,"
                " password_hash, created_at, closed_at, created_by)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (code) DO NOTHING",
                class_rows.class_values(
                    cls, None if cls.cohort is None else self._cohort(db, cls.cohort), password_hash
                ),
            ).rowcount

        return self._transact(work, write=True) == 1

    def get_class(self, code: str) -> StoredClass | None:
        found = self._class_read("SELECT * FROM mot_sim.classes WHERE code = %s", (code,))
        if not found:
            return None
        try:
            return class_rows.stored_class(found[0])
        except rows.DamagedRecord as exc:
            raise StoreError(f"class {code}: damaged record ({exc})") from None

    def close_class(self, code: str, at: str) -> None:
        self._write_one(
            "UPDATE mot_sim.classes SET closed_at = %s WHERE code = %s AND closed_at IS NULL",
            (at, code),
        )

    def add_member(self, code: str, trainee: str) -> None:
        key = trainee_key(trainee)
        if not key:
            raise StoreError("the trainee's name is empty")
        self._write_one(
            "INSERT INTO mot_sim.class_members (class_code, name_key, name, joined_at)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
            (code, key, display_name(trainee), now()),
        )

    def members(self, code: str) -> list[Member]:
        out = []
        for r in self._class_read(
            "SELECT coalesce(t.name, m.name) AS name, m.joined_at FROM mot_sim.class_members m"
            " LEFT JOIN mot_sim.trainees t ON t.name_key = m.name_key AND t.same_as IS NULL"
            " WHERE m.class_code = %s ORDER BY m.joined_at, m.seq",
            (code,),
        ):
            try:
                out.append(class_rows.member(r))
            except rows.DamagedRecord:
                continue  # a row nobody wrote: not a member
        return out

    def add_override(self, override: Override) -> None:
        self._write_one(
            "INSERT INTO mot_sim.overrides (id, session_id, stage, machine_score, new_score,"
            " reason, by_name, at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (
                override.id,
                override.session_id,
                override.stage,
                override.machine_score,
                override.new_score,
                override.reason,
                clean_identity(override.by),
                override.at,
            ),
        )

    def overrides(self, session_ids: Sequence[str] | None = None) -> list[Override]:
        if session_ids is None:
            found = self._class_read("SELECT * FROM mot_sim.overrides ORDER BY at, seq")
        else:
            found = self._class_read(
                "SELECT * FROM mot_sim.overrides WHERE session_id = ANY(%s) ORDER BY at, seq",
                (list(session_ids),),
            )
        out = []
        for r in found:
            try:
                out.append(class_rows.override(r))
            except rows.DamagedRecord as exc:
                self.damaged[str(r["session_id"])[:64]] = f"a trainer override: {exc}"
        return out

    def set_mark(
        self,
        code: str,
        session_id: str,
        stage: str,
        starred: bool | None = None,
        hidden: bool | None = None,
    ) -> None:
        def work(db: psycopg.Connection[Any], _: bool) -> None:
            if starred:  # one best reply per stage
                db.execute(
                    "UPDATE mot_sim.debrief_marks SET starred = false, updated_at = %s"
                    " WHERE class_code = %s AND stage = %s AND starred",
                    (now(), code, stage),
                )
            db.execute(
                "INSERT INTO mot_sim.debrief_marks (class_code, session_id, stage, starred,"
                " hidden, updated_at) VALUES (%s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (class_code, session_id, stage) DO UPDATE"
                " SET starred = coalesce(%s, debrief_marks.starred),"
                " hidden = coalesce(%s, debrief_marks.hidden), updated_at = excluded.updated_at",
                (
                    code,
                    session_id,
                    stage,
                    bool(starred),
                    bool(hidden),
                    now(),
                    starred,
                    hidden,
                ),
            )

        self._transact(work, write=True)

    def marks(self, code: str) -> list[DebriefMark]:
        out = []
        for r in self._class_read(
            "SELECT * FROM mot_sim.debrief_marks WHERE class_code = %s ORDER BY session_id, stage",
            (code,),
        ):
            try:
                out.append(class_rows.mark(r))
            except rows.DamagedRecord:
                continue
        return out

    def set_revealed(self, code: str, stage: str, revealed: bool) -> None:
        self._write_one(
            "INSERT INTO mot_sim.class_reveals (class_code, stage, revealed, updated_at)"
            " VALUES (%s, %s, %s, %s) ON CONFLICT (class_code, stage) DO UPDATE"
            " SET revealed = excluded.revealed, updated_at = excluded.updated_at",
            (code, stage, revealed, now()),
        )

    def revealed(self, code: str) -> set[str]:
        out: set[str] = set()
        for r in self._class_read(
            "SELECT * FROM mot_sim.class_reveals WHERE class_code = %s", (code,)
        ):
            try:
                stage, shown = class_rows.revealed(r)
            except rows.DamagedRecord:
                continue
            if shown:
                out.add(stage)
        return out

    def put_assignment(self, assignment: Assignment) -> None:
        def work(db: psycopg.Connection[Any], _: bool) -> None:
            db.execute(
                "INSERT INTO mot_sim.assignments (cohort, scenario_id, due, assigned_at,"
                " assigned_by) VALUES (%s, %s, %s, %s, %s) ON CONFLICT (cohort, scenario_id)"
                " DO UPDATE SET due = excluded.due, assigned_at = excluded.assigned_at,"
                " assigned_by = excluded.assigned_by",
                class_rows.assignment_values(assignment, self._cohort(db, assignment.cohort)),
            )

        self._transact(work, write=True)

    def assignments(self, cohort: str | None = None) -> list[Assignment]:
        cohorts = self._cohorts(cohort)
        where, args = ("", ()) if cohorts is None else (" WHERE cohort = ANY(%s)", (list(cohorts),))
        out = []
        for r in self._class_read(
            "SELECT cohort, scenario_id, due::text AS due, assigned_at, assigned_by"
            " FROM mot_sim.assignments" + where + " ORDER BY due, cohort, scenario_id",
            args,
        ):
            try:
                out.append(class_rows.assignment(r))
            except rows.DamagedRecord:
                continue
        return out

    def change_token(self, code: str | None = None) -> str:
        if not self._classroom:
            found = self._read("SELECT max(seq) AS a, count(ended_at) AS b FROM mot_sim.sessions")
            return token_of(tuple(found[0].values()) if found else ())
        query, args = (_LOG_TOKEN, ()) if code is None else (_CLASS_TOKEN, (code,) * 8)
        found = self._read(query, args)
        return token_of(tuple(found[0].values()) if found else ())

    def dump_classroom(self) -> ClassroomRows:
        def read(table: str, order: str, columns: str = "*") -> list[dict[str, Any]]:
            return self._class_read(f"SELECT {columns} FROM mot_sim.{table} ORDER BY {order}")

        def without_seq(r: dict[str, Any]) -> dict[str, Any]:
            return {k: v for k, v in r.items() if k != "seq"}

        return ClassroomRows(
            classes=[ClassRow(**r) for r in read("classes", "created_at, code")],
            members=[MemberRow(**without_seq(r)) for r in read("class_members", "seq")],
            class_sessions=[ClassSessionRow(**r) for r in read("class_sessions", "session_id")],
            overrides=[OverrideRow(**without_seq(r)) for r in read("overrides", "seq")],
            marks=[MarkRow(**r) for r in read("debrief_marks", "class_code, session_id, stage")],
            reveals=[RevealRow(**r) for r in read("class_reveals", "class_code, stage")],
            assignments=[
                AssignmentRow(**r)
                for r in read(
                    "assignments",
                    "cohort, scenario_id",
                    "cohort, scenario_id, due::text AS due, assigned_at, assigned_by",
                )
            ],
        )

    def classroom_counts(self) -> dict[str, int]:
        if not self._classroom:
            return {t: 0 for t in CLASSROOM_TABLES}
        found = self._read(
            "SELECT "
            + ", ".join(f"(SELECT count(*) FROM mot_sim.{t}) AS {t}" for t in CLASSROOM_TABLES)
        )
        return {t: int(found[0][t]) for t in CLASSROOM_TABLES}

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- copying (mot_sim.store.transfer) ------------------------------------------------
    def dump_trainees(self) -> list[TraineeRow]:
        return [
            TraineeRow(
                r["id"], r["name"], r["same_as"], r["employee_id"], r["cohort"], r["created_at"]
            )
            for r in self._read(
                "SELECT id, name, same_as, employee_id, cohort, created_at"
                " FROM mot_sim.trainees ORDER BY id"
            )
        ]

    def dump_sessions(self) -> list[SessionRow]:
        return [
            SessionRow(**r)
            for r in self._read(
                "SELECT s.id, s.trainee_id, s.scenario_id, s.content_hash, s.mode, s.started_at,"
                " s.ended_at, s.status, s.result_json, s.overall, (SELECT count(*) FROM"
                " mot_sim.turns u WHERE u.session_id = s.id) AS turn_count"
                " FROM mot_sim.sessions s ORDER BY s.started_at, s.seq"
            )
        ]

    def dump_turns(self, session_ids: Sequence[str]) -> list[TurnRow]:
        return [
            TurnRow(**r)
            for r in self._read(
                "SELECT session_id, idx, stage, customer_lines_json, reply, result_json,"
                " mood_before, mood_after, reaction, seconds, overtime, created_at"
                " FROM mot_sim.turns WHERE session_id = ANY(%s) ORDER BY session_id, idx",
                (list(session_ids),),
            )
        ]

    def holdings(self) -> dict[str, Held]:
        return {
            r["id"]: Held(r["name_key"], r["scenario_id"], r["status"], r["turns"])
            for r in self._read(
                "SELECT s.id, t.name_key, s.scenario_id, s.status, (SELECT count(*) FROM"
                " mot_sim.turns u WHERE u.session_id = s.id) AS turns" + self._PERSON
            )
        }

    @contextmanager
    def importing(self) -> Iterator[_Import]:
        with self._write() as db:
            yield _Import(db)


class _Import:
    """:class:`mot_sim.store.transfer.ImportTx` in PostgreSQL's SQL."""

    def __init__(self, db: psycopg.Connection[Any]) -> None:
        self.db = db

    def trainee_by_name(self, name: str) -> tuple[int, int] | None:
        row = self.db.execute(
            "SELECT id, coalesce(same_as, id) FROM mot_sim.trainees WHERE name = %s", (name,)
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def person_by_key(self, key: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM mot_sim.trainees WHERE name_key = %s AND same_as IS NULL", (key,)
        ).fetchone()
        return None if row is None else int(row[0])

    def insert_trainee(
        self,
        name: str,
        key: str,
        same_as: int | None,
        employee_id: str | None,
        cohort: str | None,
        created_at: str,
    ) -> int:
        row = self.db.execute(
            "INSERT INTO mot_sim.trainees (name, name_key, same_as, employee_id, cohort,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s) RETURNING id",
            (name, key, same_as, employee_id, cohort, created_at),
        ).fetchone()
        assert row is not None
        return int(row[0])

    def fill_blanks(self, person: int, employee_id: str | None, cohort: str | None) -> None:
        if employee_id is not None or cohort is not None:
            self.db.execute(
                "UPDATE mot_sim.trainees SET employee_id = coalesce(employee_id, %s),"
                " cohort = coalesce(cohort, %s) WHERE id = %s"
                " AND (employee_id IS NULL AND %s::text IS NOT NULL"
                " OR cohort IS NULL AND %s::text IS NOT NULL)",
                (employee_id, cohort, person, employee_id, cohort),
            )

    def insert_sessions(self, sessions: Sequence[tuple[SessionRow, int]]) -> None:
        with self.db.cursor() as cur:
            cur.executemany(
                "INSERT INTO mot_sim.sessions (id, trainee_id, scenario_id, content_hash, mode,"
                " started_at, ended_at, status, result_json, overall)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING",
                [
                    (
                        s.id,
                        tid,
                        s.scenario_id,
                        s.content_hash,
                        s.mode,
                        s.started_at,
                        s.ended_at,
                        s.status,
                        s.result_json,
                        s.overall,
                    )
                    for s, tid in sessions
                ],
            )

    def insert_turns(self, turns: Sequence[TurnRow]) -> None:
        with self.db.cursor() as cur:
            cur.executemany(
                "INSERT INTO mot_sim.turns (session_id, idx, stage, customer_lines_json, reply,"
                " result_json, mood_before, mood_after, reaction, seconds, overtime,"
                " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (session_id, idx) DO NOTHING",
                [
                    (
                        t.session_id,
                        t.idx,
                        t.stage,
                        t.customer_lines_json,
                        t.reply,
                        t.result_json,
                        t.mood_before,
                        t.mood_after,
                        t.reaction,
                        t.seconds,
                        bool(t.overtime),
                        t.created_at,
                    )
                    for t in turns
                ],
            )

    def end_session(self, session: SessionRow) -> None:
        self.db.execute(
            "UPDATE mot_sim.sessions SET status = %s, ended_at = %s, result_json = %s,"
            " overall = %s WHERE id = %s AND status = 'in_progress'",
            (session.status, session.ended_at, session.result_json, session.overall, session.id),
        )

    def insert_classroom(self, rows: ClassroomRows) -> None:
        with self.db.cursor() as cur:
            cur.executemany(
                "INSERT INTO mot_sim.classes (code, scenarios_json, mode, timer, cohort,"
                " password_hash, created_at, closed_at, created_by)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (code) DO UPDATE"
                " SET closed_at = excluded.closed_at WHERE classes.closed_at IS NULL",
                [
                    (
                        c.code,
                        c.scenarios_json,
                        c.mode,
                        c.timer,
                        c.cohort,
                        c.password_hash,
                        c.created_at,
                        c.closed_at,
                        c.created_by,
                    )
                    for c in rows.classes
                ],
            )
            cur.executemany(
                "INSERT INTO mot_sim.class_members (class_code, name_key, name, joined_at)"
                " SELECT %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM mot_sim.classes"
                " WHERE code = %s) ON CONFLICT DO NOTHING",
                [
                    (m.class_code, m.name_key, m.name, m.joined_at, m.class_code)
                    for m in rows.members
                ],
            )
            cur.executemany(
                "INSERT INTO mot_sim.class_sessions (session_id, class_code) SELECT %s, %s"
                " WHERE EXISTS (SELECT 1 FROM mot_sim.sessions WHERE id = %s)"
                " AND EXISTS (SELECT 1 FROM mot_sim.classes WHERE code = %s)"
                " ON CONFLICT DO NOTHING",
                [
                    (c.session_id, c.class_code, c.session_id, c.class_code)
                    for c in rows.class_sessions
                ],
            )
            cur.executemany(
                "INSERT INTO mot_sim.overrides (id, session_id, stage, machine_score, new_score,"
                " reason, by_name, at) SELECT %s, %s, %s, %s, %s, %s, %s, %s"
                " WHERE EXISTS (SELECT 1 FROM mot_sim.sessions WHERE id = %s)"
                " ON CONFLICT DO NOTHING",
                [
                    (
                        o.id,
                        o.session_id,
                        o.stage,
                        o.machine_score,
                        o.new_score,
                        o.reason,
                        o.by_name,
                        o.at,
                        o.session_id,
                    )
                    for o in rows.overrides
                ],
            )
            cur.executemany(
                "INSERT INTO mot_sim.debrief_marks (class_code, session_id, stage, starred,"
                " hidden, updated_at) SELECT %s, %s, %s, %s, %s, %s WHERE EXISTS (SELECT 1"
                " FROM mot_sim.sessions WHERE id = %s) AND EXISTS (SELECT 1 FROM"
                " mot_sim.classes WHERE code = %s) ON CONFLICT DO NOTHING",
                [
                    (
                        m.class_code,
                        m.session_id,
                        m.stage,
                        bool(m.starred),
                        bool(m.hidden),
                        m.updated_at,
                        m.session_id,
                        m.class_code,
                    )
                    for m in rows.marks
                ],
            )
            cur.executemany(
                "INSERT INTO mot_sim.class_reveals (class_code, stage, revealed, updated_at)"
                " SELECT %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM mot_sim.classes"
                " WHERE code = %s) ON CONFLICT DO NOTHING",
                [
                    (r.class_code, r.stage, bool(r.revealed), r.updated_at, r.class_code)
                    for r in rows.reveals
                ],
            )
            cur.executemany(
                "INSERT INTO mot_sim.assignments (cohort, scenario_id, due, assigned_at,"
                " assigned_by) VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                [
                    (a.cohort, a.scenario_id, a.due, a.assigned_at, a.assigned_by)
                    for a in rows.assignments
                ],
            )
