"""SQLite backend: the only module with SQL in it.

WAL mode with ``BEGIN IMMEDIATE`` write transactions and a busy timeout lets a classroom
of trainees write to one file at once; every turn is committed (synchronous=FULL) the
moment it is scored. The schema is versioned with ``PRAGMA user_version`` and migrated
step by step; a file of another program, a newer schema or an unwritable disk is refused
with a clear :class:`~mot_sim.errors.StoreError`, and nothing in it is changed.

An existing file is recognised before SQLite opens it for writing: by its header, and
where that is not enough by a read-only look (``mode=ro``, or ``immutable=1`` when no
write is pending), because a read-write open may checkpoint another program's WAL or roll
back its journal on the way. A store opened ``read_only`` (history, show, exports)
never writes: it reads a log in a read-only folder without leaving ``-wal``/``-shm``
files, and reads an older schema through a migrated copy in memory.

Every value read back is checked (:mod:`mot_sim.store.rows`): a damaged row is skipped
and listed in :attr:`SqliteStore.damaged`, never a traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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

APPLICATION_ID = 0x4D4F5453  # "MOTS": marks a file as a mot-sim score log
BUSY_TIMEOUT_MS = 30_000
HEADER = b"SQLite format 3\x00"
# Offsets in the 100-byte database header (https://sqlite.org/fileformat.html).
USER_VERSION_AT, APPLICATION_ID_AT = 60, 68
SIDE_FILES = ("-wal", "-shm", "-journal")  # files SQLite keeps beside a database


def side_files(path: Path) -> list[Path]:
    """The database and the files SQLite keeps beside it (which an export must not
    overwrite)."""
    return [path] + [path.with_name(path.name + suffix) for suffix in SIDE_FILES]


@dataclass(frozen=True)
class Migration:
    """One schema step: SQL, then optionally Python for what SQL cannot do (Unicode)."""

    sql: str
    then: Callable[[sqlite3.Connection], None] | None = None


def _link_same_trainees(db: sqlite3.Connection) -> None:
    """v3: give every trainee its identity key; a name that differs from an earlier one
    only by case, spacing or Unicode form becomes an alias of the first (``same_as``).
    Nothing is deleted and no session is moved: each keeps the name row it was recorded
    under, and reading follows the alias to the first-entered name."""
    first: dict[str, int] = {}
    for tid, name in db.execute("SELECT id, name FROM trainees ORDER BY id").fetchall():
        key = trainee_key(name)
        db.execute(
            "UPDATE trainees SET name_key = ?, same_as = ? WHERE id = ?",
            (key, first.get(key), tid),
        )
        first.setdefault(key, tid)
    # Where the first-entered row lacks an employee id or cohort that an alias has, the
    # person has it: fill the blank from the most recent alias that says (no value is
    # replaced; the alias rows keep theirs).
    for column in ("employee_id", "cohort"):
        db.execute(
            f"UPDATE trainees SET {column} = (SELECT a.{column} FROM trainees a "
            f"WHERE a.same_as = trainees.id AND a.{column} IS NOT NULL ORDER BY a.id DESC "
            f"LIMIT 1) WHERE same_as IS NULL AND {column} IS NULL"
        )


# Each entry moves the schema from version i to i + 1. Never edit a released entry.
MIGRATIONS: list[Migration] = [
    # v1: trainees, sessions and turns
    Migration(
        """
    CREATE TABLE trainees (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        trainee_id INTEGER NOT NULL REFERENCES trainees(id),
        scenario_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('practice', 'exam')),
        started_at TEXT NOT NULL,
        ended_at TEXT,
        status TEXT NOT NULL
            CHECK (status IN ('in_progress', 'completed', 'walked_out', 'abandoned')),
        result_json TEXT
    );
    CREATE TABLE turns (
        session_id TEXT NOT NULL REFERENCES sessions(id),
        idx INTEGER NOT NULL,
        stage TEXT NOT NULL,
        customer_lines_json TEXT NOT NULL,
        reply TEXT NOT NULL,
        result_json TEXT NOT NULL,
        mood_before INTEGER NOT NULL,
        mood_after INTEGER NOT NULL,
        reaction TEXT NOT NULL,
        seconds REAL,
        overtime INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        PRIMARY KEY (session_id, idx)
    );
    """
    ),
    # v2: HR fields on trainees; the overall score kept in a column for fast listing
    Migration(
        """
    ALTER TABLE trainees ADD COLUMN employee_id TEXT;
    ALTER TABLE trainees ADD COLUMN cohort TEXT;
    ALTER TABLE sessions ADD COLUMN overall INTEGER;
    UPDATE sessions SET overall = json_extract(result_json, '$.overall')
        WHERE result_json IS NOT NULL;
    CREATE INDEX sessions_by_trainee ON sessions(trainee_id, started_at);
    CREATE INDEX trainees_by_cohort ON trainees(cohort);
    """
    ),
    # v3: one person per name whatever its case, spacing or Unicode form
    Migration(
        """
    ALTER TABLE trainees ADD COLUMN name_key TEXT;
    ALTER TABLE trainees ADD COLUMN same_as INTEGER REFERENCES trainees(id);
    CREATE UNIQUE INDEX trainees_by_key ON trainees(name_key) WHERE same_as IS NULL;
    """,
        then=_link_same_trainees,
    ),
    # v4: the classroom: classes and who joined, the sessions played in them, the
    # trainers' overrides (an append-only audit beside the machine's score), debrief
    # marks and reveals, and cohorts' assignments
    Migration(
        """
    CREATE TABLE classes (
        code TEXT PRIMARY KEY,
        scenarios_json TEXT NOT NULL,
        mode TEXT NOT NULL CHECK (mode IN ('practice', 'exam')),
        timer INTEGER,
        cohort TEXT,
        password_hash TEXT,
        created_at TEXT NOT NULL,
        closed_at TEXT,
        created_by TEXT
    );
    CREATE TABLE class_members (
        class_code TEXT NOT NULL REFERENCES classes(code),
        name_key TEXT NOT NULL,
        name TEXT NOT NULL,
        joined_at TEXT NOT NULL,
        PRIMARY KEY (class_code, name_key)
    );
    CREATE TABLE class_sessions (
        session_id TEXT PRIMARY KEY REFERENCES sessions(id),
        class_code TEXT NOT NULL REFERENCES classes(code)
    );
    CREATE INDEX class_sessions_by_class ON class_sessions(class_code);
    CREATE TABLE overrides (
        id TEXT PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id),
        stage TEXT NOT NULL,
        machine_score INTEGER NOT NULL,
        new_score INTEGER NOT NULL CHECK (new_score BETWEEN 0 AND 100),
        reason TEXT NOT NULL,
        by_name TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX overrides_by_session ON overrides(session_id, at);
    CREATE TRIGGER overrides_are_not_updated BEFORE UPDATE ON overrides
        BEGIN SELECT RAISE(ABORT, 'overrides are an audit trail: append only'); END;
    CREATE TRIGGER overrides_are_not_deleted BEFORE DELETE ON overrides
        BEGIN SELECT RAISE(ABORT, 'overrides are an audit trail: append only'); END;
    CREATE TABLE debrief_marks (
        class_code TEXT NOT NULL REFERENCES classes(code),
        session_id TEXT NOT NULL REFERENCES sessions(id),
        stage TEXT NOT NULL,
        starred INTEGER NOT NULL DEFAULT 0,
        hidden INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (class_code, session_id, stage)
    );
    CREATE TABLE class_reveals (
        class_code TEXT NOT NULL REFERENCES classes(code),
        stage TEXT NOT NULL,
        revealed INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (class_code, stage)
    );
    CREATE TABLE assignments (
        cohort TEXT NOT NULL,
        scenario_id TEXT NOT NULL,
        due TEXT NOT NULL,
        assigned_at TEXT NOT NULL,
        assigned_by TEXT,
        PRIMARY KEY (cohort, scenario_id)
    );
    """
    ),
]


LATEST = len(MIGRATIONS)


def apply_migration(db: sqlite3.Connection, step: Migration) -> None:
    """Run one schema step inside the caller's transaction (statement by statement: a
    trigger's body holds semicolons of its own)."""
    pending = ""
    for piece in step.sql.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                db.execute(pending)
            pending = ""
    if step.then is not None:
        step.then(db)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# What a class's console shows, as counts and marks: any committed change to the class
# changes one of them, and reading it costs a few index lookups.
_CLASS_TOKEN = (
    "SELECT (SELECT count(*) FROM class_members WHERE class_code = ?),"
    " (SELECT count(*) FROM class_sessions WHERE class_code = ?),"
    " (SELECT count(*) FROM turns u JOIN class_sessions c ON c.session_id = u.session_id"
    "  WHERE c.class_code = ?),"
    " (SELECT group_concat(x) FROM (SELECT s.status AS x FROM sessions s JOIN class_sessions c"
    "  ON c.session_id = s.id WHERE c.class_code = ? ORDER BY s.id)),"
    " (SELECT count(*) FROM overrides o JOIN class_sessions c ON c.session_id = o.session_id"
    "  WHERE c.class_code = ?),"
    " (SELECT group_concat(x) FROM (SELECT session_id || stage || starred || hidden AS x"
    "  FROM debrief_marks WHERE class_code = ? ORDER BY session_id, stage)),"
    " (SELECT group_concat(x) FROM (SELECT stage || revealed AS x FROM class_reveals"
    "  WHERE class_code = ? ORDER BY stage)),"
    " (SELECT closed_at FROM classes WHERE code = ?)"
)


def _in(column: str, values: tuple[str, ...] | None, lead: str) -> tuple[str, tuple[str, ...]]:
    """``lead column IN (?, ...)`` for a filter's values, or nothing when there is none."""
    if values is None:
        return "", ()
    return f"{lead}{column} IN ({', '.join('?' * len(values))})", values


def _explain(path: Path, exc: sqlite3.Error) -> StoreError:
    msg = str(exc).lower()
    if "readonly" in msg or "read-only" in msg:
        why = "the file or its folder is read-only"
    elif "disk is full" in msg or "disk i/o" in msg:
        why = "the disk is full or failing"
    elif "not a database" in msg or "malformed" in msg or "file is encrypted" in msg:
        why = "the file is not a mot-sim score log or is damaged"
    elif "unable to open" in msg:
        why = "the file cannot be opened (missing folder or no permission)"
    elif "locked" in msg or "busy" in msg:
        why = "another program kept the database locked too long"
    else:
        why = str(exc)
    return StoreError(f"score log {path}: {why}")


def _identity(db: sqlite3.Connection) -> tuple[int, int, int]:
    """The file's mark, schema version and number of schema objects, read in one statement:
    one snapshot. Read one by one, a log another mot-sim finished creating in between
    showed version 0 beside its new tables, and was refused as another program's."""
    app_id, version, tables = db.execute(
        "SELECT (SELECT application_id FROM pragma_application_id),"
        " (SELECT user_version FROM pragma_user_version),"
        " (SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    return int(app_id), int(version), int(tables)


def _uri(path: Path, query: str) -> str:
    return f"{path.absolute().as_uri()}?{query}"


def _nonempty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


class SqliteStore:
    """A score log in one SQLite file, safe for several writers at once."""

    def _wal(self) -> str:
        """Switch the log to WAL. SQLite answers "locked" at once, without its busy
        handler, when several processes creating one log switch at the same moment: try
        again for up to the busy timeout instead of failing the second of them."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return str(self._db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def __init__(self, path: Path, read_only: bool = False) -> None:
        self.path = str(path)
        self._path = Path(path)
        self._lock = threading.Lock()
        self.read_only = read_only
        # Sessions the reads so far skipped because their rows are damaged: id -> why.
        self.damaged: dict[str, str] = {}
        known = self._recognise()
        if not read_only:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"score log {path}: cannot create folder: {exc.strerror}"
                ) from None
        try:
            if read_only:
                self._db = self._open_reader(known)
                return
            self._db = self._connect(self.path)
            self._migrate()
            mode = self._wal()
            if str(mode).lower() != "wal":  # e.g. a network file system without shared memory
                raise StoreError(f"score log {path}: WAL journal mode is unavailable here")
            self._db.execute("PRAGMA synchronous = FULL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except BaseException as exc:
            db = getattr(self, "_db", None)
            if db is not None:
                db.close()
            if isinstance(exc, sqlite3.Error):
                raise _explain(self._path, exc) from None
            raise

    @staticmethod
    def _connect(target: str, uri: bool = False) -> sqlite3.Connection:
        db = sqlite3.connect(
            target,
            timeout=BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
            check_same_thread=False,
            uri=uri,
        )
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return db

    # -- recognising a file before opening it ---------------------------------------------
    def _foreign(self, why: str = "") -> StoreError:
        return StoreError(
            f"score log {self.path}: this database belongs to another program{why}; "
            "nothing was changed"
        )

    def _recognise(self) -> bool:
        """Whether the file is a mot-sim log already (False: none yet, or an empty
        database to start one in). Anything else is refused without a read-write open."""
        try:
            info = os.stat(self._path)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise StoreError(f"score log {self.path}: cannot read: {exc.strerror}") from None
        if not stat.S_ISREG(info.st_mode):
            raise StoreError(f"score log {self.path}: not a regular file; nothing was changed")
        if info.st_size == 0:
            return False
        try:
            with self._path.open("rb") as f:
                head = f.read(100)
        except OSError as exc:
            raise StoreError(f"score log {self.path}: cannot read: {exc.strerror}") from None
        if not head.startswith(HEADER):
            raise StoreError(
                f"score log {self.path}: this file is not a mot-sim score log "
                "(not an SQLite database); nothing was changed"
            )
        if len(head) < 100:
            raise StoreError(
                f"score log {self.path}: the file is not a mot-sim score log or is damaged"
            )
        app_id = int.from_bytes(head[APPLICATION_ID_AT : APPLICATION_ID_AT + 4], "big")
        if app_id == APPLICATION_ID:
            return True
        if app_id != 0:
            raise self._foreign()
        return self._look_inside()

    def _look_inside(self) -> bool:
        """An SQLite file without mot-sim's mark: another program's, an empty database, or
        a log another mot-sim is creating right now. Looked at read-only: ``mode=ro`` when
        writes are pending (it reads them, and waits for a mot-sim that is creating the
        log), else ``immutable=1`` (nothing else can be there, and nothing is created)."""
        wal, shm, journal = (self._path.with_name(self._path.name + x) for x in SIDE_FILES)
        pending = _nonempty(wal) or _nonempty(journal)
        if _nonempty(wal) and not shm.exists():
            # Reading this WAL would mean creating its -shm: another program's leftovers.
            raise self._foreign(" (it has unsaved changes in its -wal file)")
        try:
            probe = self._connect(_uri(self._path, "mode=ro" if pending else "immutable=1"), True)
            try:
                app_id, version, tables = _identity(probe)
            finally:
                probe.close()
        except sqlite3.Error as exc:
            msg = str(exc).lower()
            if "not a database" in msg or "malformed" in msg:
                raise _explain(self._path, exc) from None
            raise self._foreign(" (it has unsaved changes)") from None
        if app_id == APPLICATION_ID:
            return True
        if app_id or version or tables:
            raise self._foreign()
        return False

    def _open_reader(self, exists: bool) -> sqlite3.Connection:
        """A connection that never writes. Where mot-sim may write (folder and file
        writable), an ordinary one with ``query_only``: SQLite then removes its -wal and
        -shm when done. Elsewhere ``mode=ro`` if writes are pending in a -wal (read
        through its -shm), else ``immutable=1``: nothing can be pending, and no writer
        can start where nobody may write."""
        if not exists:
            db = self._connect(":memory:")  # no log yet: an empty one, and no file made
            self._db = db
            self._migrate()
            return db
        folder = self._path.parent
        wal = self._path.with_name(self._path.name + "-wal")
        if os.access(folder, os.W_OK) and os.access(self._path, os.W_OK):
            db = self._connect(self.path)
        elif wal.exists():
            db = self._connect(_uri(self._path, "mode=ro"), True)
        else:
            db = self._connect(_uri(self._path, "immutable=1"), True)
        db.execute("PRAGMA query_only = ON")
        self._db = db
        self._check_version()
        if self.schema_version < LATEST:  # an older log: read a migrated copy in memory
            copy = self._connect(":memory:")
            db.backup(copy)
            db.close()
            self._db = copy
            self._migrate()
        return self._db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken with the write lock up front (no deadlock upgrade)."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                raise _explain(self._path, exc) from None

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cur = self._db.execute(sql, args)
                cur.row_factory = sqlite3.Row
                return list(cur.fetchall())
            except sqlite3.Error as exc:
                raise _explain(self._path, exc) from None

    def _check_version(self) -> int:
        """The schema version, if this is a log this mot-sim can read."""
        app_id, version, tables = _identity(self._db)
        if (
            app_id not in (0, APPLICATION_ID)
            or (version == 0 and tables)
            or (version and app_id != APPLICATION_ID)
        ):
            raise self._foreign()
        if version > LATEST:
            raise StoreError(
                f"score log {self.path}: written by a newer mot-sim (schema v{version};"
                f" this version reads up to v{LATEST}); please upgrade mot-sim"
            )
        return version

    def _migrate(self) -> None:
        db = self._db
        version = self._check_version()
        while version < LATEST:
            db.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while we waited for the lock.
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version < LATEST:
                    apply_migration(db, MIGRATIONS[version])
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {version + 1}")
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            version = db.execute("PRAGMA user_version").fetchone()[0]

    @property
    def schema_version(self) -> int:
        return int(self._read("PRAGMA user_version")[0][0])

    # -- writing -------------------------------------------------------------------------
    def upsert_trainee(self, trainee: Trainee) -> Trainee:
        # Identity fields are kept clean of control characters, whoever calls.
        with self._write() as db:
            tid = self._trainee_id(db, trainee.name)
            if trainee.employee_id is not None:
                db.execute(
                    "UPDATE trainees SET employee_id = ? WHERE id = ?",
                    (clean_identity(trainee.employee_id), tid),
                )
            if trainee.cohort is not None:
                db.execute(
                    "UPDATE trainees SET cohort = ? WHERE id = ?",
                    (self._cohort(db, trainee.cohort), tid),
                )
            row = db.execute(
                "SELECT name, employee_id, cohort FROM trainees WHERE id = ?", (tid,)
            ).fetchone()
        try:
            return rows.trainee(row[0], row[1], row[2])
        except rows.DamagedRecord as exc:
            raise StoreError(f"score log {self.path}: trainee record damaged ({exc})") from None

    @staticmethod
    def _trainee_id(db: sqlite3.Connection, name: str) -> int:
        """The person's row, found by identity key; created (as typed) the first time."""
        key = trainee_key(name)
        if not key:
            raise StoreError("the trainee's name is empty")
        found = db.execute(
            "SELECT id FROM trainees WHERE name_key = ? AND same_as IS NULL", (key,)
        ).fetchone()
        if found:
            return int(found[0])
        cur = db.execute(
            "INSERT INTO trainees (name, name_key, created_at) VALUES (?, ?, ?)",
            (display_name(name), key, now()),
        )
        return int(cur.lastrowid or 0)

    @staticmethod
    def _spellings(db: sqlite3.Connection, cohort: str) -> tuple[str, ...]:
        """The recorded spellings of a cohort, however it is typed now (see
        :func:`cohort_spellings`): trainees' first, then classes', then assignments'."""
        known: list[str | None] = []
        for query in (
            "SELECT cohort FROM trainees WHERE cohort IS NOT NULL GROUP BY cohort ORDER BY min(id)",
            "SELECT cohort FROM classes WHERE cohort IS NOT NULL"
            " GROUP BY cohort ORDER BY min(created_at)",
            "SELECT cohort FROM assignments GROUP BY cohort ORDER BY min(assigned_at)",
        ):
            try:
                found = db.execute(query).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):  # a log from before classes, read as it is
                    continue
                raise
            known += [r[0] if isinstance(r[0], str) else None for r in found]
        return cohort_spellings(known, cohort)

    def _cohort(self, db: sqlite3.Connection, cohort: str) -> str:
        """A cohort as it is recorded: as first recorded if it already exists (cleaned
        again: the log itself is untrusted, and a new row must not copy what was edited in)."""
        return clean_identity(self._spellings(db, cohort)[0])

    def _cohorts(self, cohort: str | None) -> tuple[str, ...] | None:
        """Every spelling to read a cohort by (None: no filter)."""
        if cohort is None:
            return None
        with self._lock:
            try:
                return self._spellings(self._db, cohort)
            except sqlite3.Error as exc:
                raise _explain(self._path, exc) from None

    def find_trainee(self, name: str) -> Trainee | None:
        found = self._read(
            "SELECT name, employee_id, cohort FROM trainees WHERE name_key = ? AND same_as IS NULL",
            (trainee_key(name),),
        )
        got = rows.trainees(found)
        return got[0] if got else None

    def trainees(self, cohort: str | None = None) -> list[Trainee]:
        where, args = _in("cohort", self._cohorts(cohort), " AND ")
        return rows.trainees(
            self._read(
                "SELECT name, employee_id, cohort FROM trainees WHERE same_as IS NULL"
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
        with self._write() as db:
            tid = self._trainee_id(db, trainee)
            db.execute(
                "INSERT INTO sessions (id, trainee_id, scenario_id, content_hash, mode, "
                "started_at, status) VALUES (?, ?, ?, ?, ?, ?, 'in_progress')",
                (session_id, tid, scenario_id, content_hash, mode, now()),
            )
            if class_code is not None:
                db.execute(
                    "INSERT INTO class_sessions (session_id, class_code) VALUES (?, ?)",
                    (session_id, class_code),
                )

    def add_turn(self, session_id: str, turn: Turn) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO turns (session_id, idx, stage, customer_lines_json, reply, "
                "result_json, mood_before, mood_after, reaction, seconds, overtime, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
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
                    int(turn.overtime),
                    turn.at or now(),
                ),
            )

    def finish_session(self, session_id: str, status: str, result: FinalResult) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET status = ?, ended_at = ?, result_json = ?, overall = ? "
                "WHERE id = ?",
                (status, now(), json.dumps(result.to_dict()), result.overall, session_id),
            )

    # -- reading -------------------------------------------------------------------------
    # A session's trainee is the person behind the name row it was recorded under (t):
    # the first-entered form of the name, with the person's employee id and cohort.
    _PERSON = (
        " FROM sessions s JOIN trainees n ON n.id = s.trainee_id"
        " JOIN trainees t ON t.id = coalesce(n.same_as, n.id)"
    )
    _SUMMARY = (
        "SELECT s.id, t.name, t.employee_id, t.cohort, s.scenario_id, s.content_hash, s.mode, "
        "s.started_at, s.ended_at, s.status, s.result_json, "
        "(SELECT count(*) FROM turns u WHERE u.session_id = s.id) AS turn_count" + _PERSON
    )

    def _where(
        self,
        trainee: str | None,
        cohort: str | None,
        since: str | None,
        status: str | None,
        class_code: str | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        where: list[str] = []
        args: list[str] = []
        cohort_sql, cohort_args = _in("t.cohort", self._cohorts(cohort), "")
        if cohort_sql:
            where.append(cohort_sql)
            args.extend(cohort_args)
        for clause, value in (
            ("t.name_key = ?", None if trainee is None else trainee_key(trainee)),
            ("s.started_at >= ?", since),
            ("s.status = ?", status),
            ("s.id IN (SELECT session_id FROM class_sessions WHERE class_code = ?)", class_code),
        ):
            if value is not None:
                where.append(clause)
                args.append(value)
        return (" WHERE " + " AND ".join(where) if where else ""), tuple(args)

    def _summaries(self, found: list[sqlite3.Row]) -> list[SessionSummary]:
        """Summaries of the sound rows; a damaged one is noted in :attr:`damaged`."""
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
        found = self._read(self._SUMMARY + where + " ORDER BY s.started_at, s.rowid", args)
        return self._summaries(found)

    def records(
        self,
        trainee: str | None = None,
        cohort: str | None = None,
        since: str | None = None,
        class_code: str | None = None,
    ) -> list[SessionRecord]:
        # Two reads in all (sessions, then every turn of them), not one per session.
        summaries = self.sessions(trainee, cohort, since, class_code=class_code)
        where, args = self._where(trainee, cohort, since, None, class_code)
        turns: dict[str, list[Turn]] = {s.id: [] for s in summaries}
        for r in self._read(
            "SELECT u.* FROM turns u JOIN sessions s ON s.id = u.session_id "
            "JOIN trainees n ON n.id = s.trainee_id JOIN trainees t ON t.id = "
            "coalesce(n.same_as, n.id)" + where + " ORDER BY u.session_id, u.idx",
            args,
        ):
            sid = str(r["session_id"])
            if sid not in turns or sid in self.damaged:
                continue
            try:
                turns[sid].append(rows.turn(r))
            except rows.DamagedRecord as exc:
                self.damaged[sid] = str(exc)
        return [SessionRecord(s, turns[s.id]) for s in summaries if s.id not in self.damaged]

    def session(self, session_id: str) -> SessionRecord:
        found = self._read(
            self._SUMMARY + " WHERE s.id LIKE ? ESCAPE '\\' ORDER BY s.id",
            (session_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        )
        if not found:
            raise StoreError(f"no session {session_id!r} in {self.path}")
        if len(found) > 1:
            raise StoreError(f"session id {session_id!r} is ambiguous: give more characters")
        sid = str(found[0]["id"])
        try:
            summary = rows.summary(found[0])
            turns = [
                rows.turn(r)
                for r in self._read(
                    "SELECT * FROM turns WHERE session_id = ? ORDER BY idx", (summary.id,)
                )
            ]
        except rows.DamagedRecord as exc:
            self.damaged[sid] = str(exc)
            raise StoreError(f"session {sid}: damaged record ({exc})") from None
        return SessionRecord(summary, turns)

    def session_ids(self) -> list[str]:
        return [str(r[0]) for r in self._read("SELECT id FROM sessions")]

    def best_score(self, trainee: str, scenario_id: str) -> int | None:
        found = self._read(
            "SELECT max(s.overall)" + self._PERSON + " WHERE t.name_key = ? AND "
            "s.scenario_id = ? AND s.status IN ('completed', 'walked_out')",
            (trainee_key(trainee), scenario_id),
        )
        value = found[0][0] if found else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def integrity_check(self) -> str:
        return str(self._read("PRAGMA integrity_check")[0][0])

    # -- the classroom -------------------------------------------------------------------
    def create_class(self, cls: ClassSession, password_hash: str | None) -> bool:
        with self._write() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO classes (code, scenarios_json, mode, timer, cohort,"
                " password_hash, created_at, closed_at, created_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                class_rows.class_values(
                    cls, None if cls.cohort is None else self._cohort(db, cls.cohort), password_hash
                ),
            )
            return cur.rowcount == 1

    def get_class(self, code: str) -> StoredClass | None:
        found = self._read("SELECT * FROM classes WHERE code = ?", (code,))
        if not found:
            return None
        try:
            return class_rows.stored_class(found[0])
        except rows.DamagedRecord as exc:
            raise StoreError(f"class {code}: damaged record ({exc})") from None

    def close_class(self, code: str, at: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE classes SET closed_at = ? WHERE code = ? AND closed_at IS NULL", (at, code)
            )

    def add_member(self, code: str, trainee: str) -> None:
        key = trainee_key(trainee)
        if not key:
            raise StoreError("the trainee's name is empty")
        with self._write() as db:
            db.execute(
                "INSERT OR IGNORE INTO class_members (class_code, name_key, name, joined_at)"
                " VALUES (?, ?, ?, ?)",
                (code, key, display_name(trainee), now()),
            )

    def members(self, code: str) -> list[Member]:
        # The person's name as first entered, wherever they joined from.
        out = []
        for r in self._read(
            "SELECT coalesce(t.name, m.name) AS name, m.joined_at FROM class_members m"
            " LEFT JOIN trainees t ON t.name_key = m.name_key AND t.same_as IS NULL"
            " WHERE m.class_code = ? ORDER BY m.joined_at, m.rowid",
            (code,),
        ):
            try:
                out.append(class_rows.member(r))
            except rows.DamagedRecord:
                continue  # a row nobody wrote: not a member
        return out

    def add_override(self, override: Override) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO overrides (id, session_id, stage, machine_score, new_score, reason,"
                " by_name, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
            found = self._read("SELECT * FROM overrides ORDER BY at, rowid")
        else:
            ids = list(session_ids)
            found = []
            for start in range(0, len(ids), 500):  # SQLite's limit on parameters
                part = ids[start : start + 500]
                found += self._read(
                    f"SELECT * FROM overrides WHERE session_id IN ({', '.join('?' * len(part))})"
                    " ORDER BY at, rowid",
                    tuple(part),
                )
            found.sort(key=lambda r: str(r["at"]))
        return self._overrides(found)

    def _overrides(self, found: Sequence[rows.Row]) -> list[Override]:
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
        with self._write() as db:
            if starred:  # one best reply per stage
                db.execute(
                    "UPDATE debrief_marks SET starred = 0, updated_at = ? WHERE class_code = ?"
                    " AND stage = ? AND starred = 1",
                    (now(), code, stage),
                )
            db.execute(
                "INSERT INTO debrief_marks (class_code, session_id, stage, starred, hidden,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (class_code, session_id,"
                " stage) DO UPDATE SET starred = coalesce(?, starred),"
                " hidden = coalesce(?, hidden), updated_at = excluded.updated_at",
                (
                    code,
                    session_id,
                    stage,
                    int(bool(starred)),
                    int(bool(hidden)),
                    now(),
                    None if starred is None else int(starred),
                    None if hidden is None else int(hidden),
                ),
            )

    def marks(self, code: str) -> list[DebriefMark]:
        out = []
        for r in self._read(
            "SELECT * FROM debrief_marks WHERE class_code = ? ORDER BY session_id, stage", (code,)
        ):
            try:
                out.append(class_rows.mark(r))
            except rows.DamagedRecord:
                continue  # an edited mark shows nothing
        return out

    def set_revealed(self, code: str, stage: str, revealed: bool) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO class_reveals (class_code, stage, revealed, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (class_code, stage) DO UPDATE"
                " SET revealed = excluded.revealed, updated_at = excluded.updated_at",
                (code, stage, int(revealed), now()),
            )

    def revealed(self, code: str) -> set[str]:
        out: set[str] = set()
        for r in self._read("SELECT * FROM class_reveals WHERE class_code = ?", (code,)):
            try:
                stage, shown = class_rows.revealed(r)
            except rows.DamagedRecord:
                continue  # an edited reveal reveals nothing
            if shown:
                out.add(stage)
        return out

    def put_assignment(self, assignment: Assignment) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO assignments (cohort, scenario_id, due, assigned_at, assigned_by)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (cohort, scenario_id) DO UPDATE"
                " SET due = excluded.due, assigned_at = excluded.assigned_at,"
                " assigned_by = excluded.assigned_by",
                class_rows.assignment_values(assignment, self._cohort(db, assignment.cohort)),
            )

    def assignments(self, cohort: str | None = None) -> list[Assignment]:
        where, args = _in("cohort", self._cohorts(cohort), " WHERE ")
        out = []
        for r in self._read(
            "SELECT * FROM assignments" + where + " ORDER BY due, cohort, scenario_id", args
        ):
            try:
                out.append(class_rows.assignment(r))
            except rows.DamagedRecord:
                continue  # an edited assignment is no assignment
        return out

    def change_token(self, code: str | None = None) -> str:
        if code is None:
            # data_version moves when another connection commits; total_changes counts
            # this connection's own writes. Two integers, no table read.
            with self._lock:
                try:
                    version = self._db.execute("PRAGMA data_version").fetchone()[0]
                except sqlite3.Error as exc:
                    raise _explain(self._path, exc) from None
                return f"{version}:{self._db.total_changes}"
        found = self._read(_CLASS_TOKEN, (code,) * 8)
        return token_of(tuple(found[0]))

    def dump_classroom(self) -> ClassroomRows:
        def flags(r: sqlite3.Row, *names: str) -> dict[str, Any]:
            return {**dict(r), **{n: bool(r[n]) for n in names}}

        return ClassroomRows(
            classes=[
                ClassRow(**dict(r)) for r in self._read("SELECT * FROM classes ORDER BY rowid")
            ],
            members=[
                MemberRow(**dict(r))
                for r in self._read("SELECT * FROM class_members ORDER BY rowid")
            ],
            class_sessions=[
                ClassSessionRow(**dict(r))
                for r in self._read("SELECT * FROM class_sessions ORDER BY rowid")
            ],
            overrides=[
                OverrideRow(**dict(r)) for r in self._read("SELECT * FROM overrides ORDER BY rowid")
            ],
            marks=[
                MarkRow(**flags(r, "starred", "hidden"))
                for r in self._read("SELECT * FROM debrief_marks ORDER BY rowid")
            ],
            reveals=[
                RevealRow(**flags(r, "revealed"))
                for r in self._read("SELECT * FROM class_reveals ORDER BY rowid")
            ],
            assignments=[
                AssignmentRow(**dict(r))
                for r in self._read("SELECT * FROM assignments ORDER BY rowid")
            ],
        )

    def classroom_counts(self) -> dict[str, int]:
        return {
            table: int(self._read(f"SELECT count(*) FROM {table}")[0][0])
            for table in CLASSROOM_TABLES
        }

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- copying (mot_sim.store.transfer) ------------------------------------------------
    def dump_trainees(self) -> list[TraineeRow]:
        return [
            TraineeRow(**dict(r))
            for r in self._read(
                "SELECT id, name, same_as, employee_id, cohort, created_at FROM trainees"
                " ORDER BY id"
            )
        ]

    def dump_sessions(self) -> list[SessionRow]:
        return [
            SessionRow(**dict(r))
            for r in self._read(
                "SELECT s.id, s.trainee_id, s.scenario_id, s.content_hash, s.mode, s.started_at,"
                " s.ended_at, s.status, s.result_json, s.overall, (SELECT count(*) FROM turns u"
                " WHERE u.session_id = s.id) AS turn_count FROM sessions s"
                " ORDER BY s.started_at, s.rowid"
            )
        ]

    def dump_turns(self, session_ids: Sequence[str]) -> list[TurnRow]:
        out: list[TurnRow] = []
        ids = list(session_ids)
        for start in range(0, len(ids), 500):  # SQLite's limit on parameters
            part = ids[start : start + 500]
            out += [
                TurnRow(**{**dict(r), "overtime": bool(r["overtime"])})
                for r in self._read(
                    "SELECT session_id, idx, stage, customer_lines_json, reply, result_json,"
                    " mood_before, mood_after, reaction, seconds, overtime, created_at FROM turns"
                    f" WHERE session_id IN ({', '.join('?' * len(part))})"
                    " ORDER BY session_id, idx",
                    tuple(part),
                )
            ]
        return out

    def holdings(self) -> dict[str, Held]:
        return {
            str(r[0]): Held(str(r[1]), str(r[2]), str(r[3]), int(r[4]))
            for r in self._read(
                "SELECT s.id, t.name_key, s.scenario_id, s.status, (SELECT count(*) FROM turns u"
                " WHERE u.session_id = s.id)" + self._PERSON
            )
        }

    @contextmanager
    def importing(self) -> Iterator[_Import]:
        with self._write() as db:
            yield _Import(db)


class _Import:
    """:class:`mot_sim.store.transfer.ImportTx` in SQLite's SQL."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def trainee_by_name(self, name: str) -> tuple[int, int] | None:
        row = self.db.execute(
            "SELECT id, coalesce(same_as, id) FROM trainees WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def person_by_key(self, key: str) -> int | None:
        row = self.db.execute(
            "SELECT id FROM trainees WHERE name_key = ? AND same_as IS NULL", (key,)
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
        cur = self.db.execute(
            "INSERT INTO trainees (name, name_key, same_as, employee_id, cohort, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (name, key, same_as, employee_id, cohort, created_at),
        )
        return int(cur.lastrowid or 0)

    def fill_blanks(self, person: int, employee_id: str | None, cohort: str | None) -> None:
        self.db.execute(
            "UPDATE trainees SET employee_id = coalesce(employee_id, ?),"
            " cohort = coalesce(cohort, ?) WHERE id = ?",
            (employee_id, cohort, person),
        )

    def insert_sessions(self, sessions: Sequence[tuple[SessionRow, int]]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO sessions (id, trainee_id, scenario_id, content_hash, mode,"
            " started_at, ended_at, status, result_json, overall)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        self.db.executemany(
            "INSERT OR IGNORE INTO turns (session_id, idx, stage, customer_lines_json, reply,"
            " result_json, mood_before, mood_after, reaction, seconds, overtime, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    int(t.overtime),
                    t.created_at,
                )
                for t in turns
            ],
        )

    def end_session(self, session: SessionRow) -> None:
        self.db.execute(
            "UPDATE sessions SET status = ?, ended_at = ?, result_json = ?, overall = ?"
            " WHERE id = ? AND status = 'in_progress'",
            (session.status, session.ended_at, session.result_json, session.overall, session.id),
        )

    def insert_classroom(self, rows: ClassroomRows) -> None:
        db = self.db
        db.executemany(
            "INSERT OR IGNORE INTO classes (code, scenarios_json, mode, timer, cohort,"
            " password_hash, created_at, closed_at, created_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        db.executemany(
            "UPDATE classes SET closed_at = ? WHERE code = ? AND closed_at IS NULL",
            [(c.closed_at, c.code) for c in rows.classes if c.closed_at is not None],
        )
        db.executemany(
            "INSERT OR IGNORE INTO class_members (class_code, name_key, name, joined_at)"
            " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM classes WHERE code = ?)",
            [(m.class_code, m.name_key, m.name, m.joined_at, m.class_code) for m in rows.members],
        )
        db.executemany(
            "INSERT OR IGNORE INTO class_sessions (session_id, class_code) SELECT ?, ?"
            " WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)"
            " AND EXISTS (SELECT 1 FROM classes WHERE code = ?)",
            [(c.session_id, c.class_code, c.session_id, c.class_code) for c in rows.class_sessions],
        )
        db.executemany(
            "INSERT OR IGNORE INTO overrides (id, session_id, stage, machine_score, new_score,"
            " reason, by_name, at) SELECT ?, ?, ?, ?, ?, ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM sessions WHERE id = ?)",
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
        db.executemany(
            "INSERT OR IGNORE INTO debrief_marks (class_code, session_id, stage, starred, hidden,"
            " updated_at) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM sessions"
            " WHERE id = ?) AND EXISTS (SELECT 1 FROM classes WHERE code = ?)",
            [
                (
                    m.class_code,
                    m.session_id,
                    m.stage,
                    int(m.starred),
                    int(m.hidden),
                    m.updated_at,
                    m.session_id,
                    m.class_code,
                )
                for m in rows.marks
            ],
        )
        db.executemany(
            "INSERT OR IGNORE INTO class_reveals (class_code, stage, revealed, updated_at)"
            " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM classes WHERE code = ?)",
            [
                (r.class_code, r.stage, int(r.revealed), r.updated_at, r.class_code)
                for r in rows.reveals
            ],
        )
        db.executemany(
            "INSERT OR IGNORE INTO assignments (cohort, scenario_id, due, assigned_at,"
            " assigned_by) VALUES (?, ?, ?, ?, ?)",
            [
                (a.cohort, a.scenario_id, a.due, a.assigned_at, a.assigned_by)
                for a in rows.assignments
            ],
        )
