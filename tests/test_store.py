"""The score log: durable turns, migrations, hostile files, many writers at once.

Tests taking ``log_at`` run on both backends: a SQLite file and a database on a real
PostgreSQL server (tests/pg.py). PostgreSQL's own cases are in test_postgres.py.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mot_sim import locations
from mot_sim.catalog import Catalog
from mot_sim.classroom.models import Assignment
from mot_sim.engine import Encounter
from mot_sim.errors import StoreError
from mot_sim.scoring import Scorer
from mot_sim.settings import Settings
from mot_sim.stages import STAGE_IDS
from mot_sim.store import Store, open_store
from mot_sim.store.postgres import LATEST as PG_LATEST
from mot_sim.store.recorder import Recorder
from mot_sim.store.records import Trainee, trainee_key
from mot_sim.store.sqlite import (
    APPLICATION_ID,
    LATEST,
    MIGRATIONS,
    SqliteStore,
    apply_migration,
)
from mot_sim.tui.service import TrainerService
from tests.conftest import snapshot, without_root_override
from tests.pg import Server


def play(
    catalog: Catalog, scorer: Scorer, store: Store, trainee: str = "Sam", stages: int = 5
) -> Recorder:
    enc = Encounter(catalog.get("pickle_request").scenario, scorer, trainee)
    rec = Recorder(store, catalog.fingerprint("pickle_request"))
    enc.subscribe(rec)
    for stage in STAGE_IDS[:stages]:
        enc.answer(enc.model_answers(stage)[0])
    return rec


def sql_on(store: Store, text: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Run SQL straight on a log, as another program (or a hand) would: ``?`` parameters,
    table names as in SQLite (PostgreSQL finds them in the schema mot_sim)."""
    if isinstance(store, SqliteStore):
        return list(store._db.execute(text, args).fetchall())
    import psycopg

    with psycopg.connect(store._url, autocommit=True) as db:  # type: ignore[attr-defined]
        db.execute("SET search_path TO mot_sim")
        cur = db.execute(text.replace("?", "%s"), args)  # type: ignore[arg-type]
        return list(cur.fetchall()) if cur.description else []


def test_round_trip(log_at: str, catalog: Catalog, scorer: Scorer) -> None:
    store = open_store(log_at)
    rec = play(catalog, scorer, store)
    assert rec.session_id
    record = store.session(rec.session_id[:6])
    assert record.summary.status == "completed" and len(record.turns) == 5
    assert record.summary.result and record.summary.result.passed
    assert record.turns[0].result.hits  # the full scoring result is kept
    assert store.best_score("Sam", "pickle_request") == record.summary.result.overall
    if isinstance(store, SqliteStore):
        mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal" and store.integrity_check() == "ok"
    with pytest.raises(StoreError, match="no session"):
        store.session("zzz")
    with pytest.raises(StoreError, match="no session"):
        store.session("%")  # a prefix is text, not a pattern
    play(catalog, scorer, store, trainee="Kim", stages=2)
    assert store.records() == [store.session(s.id) for s in store.sessions()]
    assert [r.summary.trainee.name for r in store.records(trainee="Kim")] == ["Kim"]
    assert [s.status for s in store.sessions(status="in_progress")] == ["in_progress"]
    assert store.sessions(since="2999-01-01") == []
    assert sorted(store.session_ids()) == sorted(s.id for s in store.sessions())
    store.close()
    # Read back by another process's kind of opening: read-only, the same answers.
    reader = open_store(log_at, read_only=True)
    assert reader.records() == [record, *reader.records(trainee="Kim")]
    reader.close()


def old_log(path: Path, version: int) -> sqlite3.Connection:
    """A score log as mot-sim at schema ``version`` left it."""
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:version]:
        apply_migration(db, step)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {version}")
    return db


def test_migrates_from_empty_and_from_each_earlier_version(tmp_path: Path) -> None:
    fresh = SqliteStore(tmp_path / "new.db")
    assert fresh.schema_version == LATEST
    for version in range(1, LATEST):
        path = tmp_path / f"v{version}.db"
        db = old_log(path, version)
        db.execute("INSERT INTO trainees (name, created_at) VALUES ('Old', '2025-01-01')")
        if version >= 3:  # from v3 on, mot-sim writes a name's identity key with it
            db.execute("UPDATE trainees SET name_key = 'old'")
        db.execute(
            "INSERT INTO sessions (id, trainee_id, scenario_id, content_hash, mode, started_at,"
            " status, result_json) VALUES ('s1', 1, 'pickle_request', 'h', 'exam', "
            "'2025-01-01T10:00:00+00:00', 'completed', ?)",
            (
                '{"overall": 71, "band": "good", "passed": true, "walked_out": false, '
                '"status": "completed", "stages": {}, "dimensions": {}, "pass_mark": 60}',
            ),
        )
        if version >= 2:  # from v2 on, mot-sim writes the overall column with the result
            db.execute("UPDATE sessions SET overall = 71")
        db.commit()
        db.close()
        store = SqliteStore(path)
        assert store.schema_version == LATEST
        (s,) = store.sessions(trainee="Old")
        assert s.result and s.result.overall == 71 and s.trainee.cohort is None
        assert store.best_score("Old", "pickle_request") == 71  # the new column was filled


@pytest.mark.parametrize("kind", ["text", "foreign", "newer", "corrupt"])
def test_hostile_files_are_refused_untouched(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "x.db"
    if kind == "text":
        path.write_text("name,score\nSam,90\n")
    elif kind == "foreign":
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE invoices (id INTEGER)")
        db.commit()
        db.close()
    elif kind == "newer":
        SqliteStore(path).close()
        db = sqlite3.connect(path)
        db.execute(f"PRAGMA user_version = {LATEST + 5}")
        db.commit()
        db.close()
    else:
        SqliteStore(path).close()
        data = bytearray(path.read_bytes())
        data[100:4096] = b"\xff" * (4096 - 100)
        path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(StoreError) as exc:
        store = SqliteStore(path)
        store.sessions()
    assert str(path) in str(exc.value)
    expected = {
        "text": "not a mot-sim score log",
        "foreign": "another program",
        "newer": "newer mot-sim",
        "corrupt": "damaged",
    }[kind]
    assert expected in str(exc.value)
    assert path.read_bytes() == before


def test_read_only_file_gives_clear_message(tmp_path: Path) -> None:
    # Works as root too: SQLite honours a read-only open.
    path = tmp_path / "log.db"
    SqliteStore(path).close()
    store = SqliteStore(path)
    store._db.close()
    store._db = sqlite3.connect(
        f"file:{path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
    )
    with pytest.raises(StoreError, match="read-only"):
        store.start_session("a", "Sam", "pickle_request", "h", "practice")


def test_cli_reports_store_errors_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "x.db"
    bad.write_text("not a database at all")
    out = subprocess.run(
        [sys.executable, "-m", "mot_sim", "history", "--db", str(bad)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "not a mot-sim score log" in out.stderr
    assert bad.read_text() == "not a database at all"


def test_killed_mid_encounter_loses_nothing(
    log_at: str, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOT_SIM_DB", log_at)
    env = {**os.environ}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mot_sim",
            "play",
            "pickle_request",
            "--answers",
            "-",
            "--trainee",
            "Crash",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert proc.stdin
    proc.stdin.write("Good afternoon Mrs Ellis, welcome back! Of course.\n")
    proc.stdin.write("So one extra slice in your usual, is that right?\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if locations.is_db_url(log_at) or Path(log_at).exists():
            store = open_store(log_at, read_only=True)
            found = store.sessions(trainee="Crash")
            store.close()
            if found and found[0].turn_count == 2:
                break
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # The trainer finds it where the command line put it (a URL travels as a Path too).
    service = TrainerService(Settings(), catalog=catalog, db_path=locations.default_db_path())
    service.load()
    (waiting,) = service.unfinished("Crash")
    assert waiting.status == "in_progress" and waiting.turn_count == 2
    enc = service.resume(waiting.id)
    assert enc.stage_id == "solve" and [t.stage for t in enc.turns] == ["set_tone", "diagnose"]
    for stage in STAGE_IDS[2:]:
        enc.answer(enc.model_answers(stage)[0])
    service.flush()  # the TUI's writer: queued events go to the log in order
    record = service.store.session(waiting.id)
    assert record.summary.status == "completed" and len(record.turns) == 5
    service.close()


WRITER = """
import sys
from mot_sim.catalog import load_catalog
from mot_sim.engine import Encounter
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS
from mot_sim import locations
from mot_sim.store import Store, open_store
from mot_sim.store.recorder import Recorder
from mot_sim.store.records import Trainee, trainee_key
cat = load_catalog(); scorer = Scorer(cat.library)
store = open_store(sys.argv[1]); who = sys.argv[2]
sc = cat.get("complaint_call").scenario
answers = [sc.stage(s).model_answers[0] for s in STAGE_IDS]
for i in range(50):
    enc = Encounter(sc, scorer, who)
    enc.subscribe(Recorder(store, "h"))
    for a in answers:
        enc.answer(a)
store.close()
"""


def test_eight_writers_at_once(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    open_store(db).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), f"trainee{i}"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(8)
    ]
    errors = [p.communicate(timeout=600)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    assert not any("locked" in e for e in errors)
    store = SqliteStore(db)
    sessions = store.sessions()
    assert len(sessions) == 400
    assert all(s.status == "completed" and s.turn_count == 5 for s in sessions)
    assert store._db.execute("SELECT count(*) FROM turns").fetchone()[0] == 2000
    assert store.integrity_check() == "ok"


def test_full_disk_gives_clear_message(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "log.db")
    real = store._db

    class FullDisk:
        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith("INSERT"):
                raise sqlite3.OperationalError("database or disk is full")
            return real.execute(sql, *args)

    store._db = FullDisk()  # type: ignore[assignment]
    with pytest.raises(StoreError, match="disk is full"):
        store.start_session("a", "Sam", "pickle_request", "h", "practice")
    store._db = real
    assert store.sessions() == []  # the failed transaction was rolled back


def test_one_trainee_whatever_the_case_spacing_or_unicode_form(
    log_at: str, catalog: Catalog, scorer: Scorer
) -> None:
    store = open_store(log_at)
    store.upsert_trainee(Trainee("Alex Park", "E9", "Spring A"))
    for typed in ("alex park", "Alex  Park", " ALEX\u00a0park ", "\uff21lex Park"):
        play(catalog, scorer, store, trainee=typed, stages=5)
    found = store.sessions(trainee="aLeX    pArK")
    assert len(found) == 4
    assert {s.trainee for s in found} == {Trainee("Alex Park", "E9", "Spring A")}
    assert len(store.sessions(cohort="Spring A")) == 4
    assert store.best_score("ALEX PARK", "pickle_request") == found[0].result.overall  # type: ignore[union-attr]
    assert len(store.dump_trainees()) == 1
    assert trainee_key("Ａｌｅｘ  PARK") == trainee_key("alex park") == "alex park"
    assert trainee_key("Straße") == trainee_key("STRASSE")
    # What the trainee's record says is what was last given, whoever gave it.
    assert store.upsert_trainee(Trainee("alex park", cohort="Autumn")) == Trainee(
        "Alex Park", "E9", "Autumn"
    )
    with pytest.raises(StoreError, match="empty"):
        store.upsert_trainee(Trainee(" \x1b[2J "))


def test_one_cohort_whatever_the_case_or_spacing_trainers_type(
    log_at: str, catalog: Catalog, scorer: Scorer
) -> None:
    """Trainers type a cohort as they like: "Spring A" and "spring  a" are one cohort,
    kept and shown as first recorded, so its reports and assignments are not split."""
    store = open_store(log_at)
    store.upsert_trainee(Trainee("Kim", cohort="Spring A"))
    store.upsert_trainee(Trainee("Lee", cohort="spring  a"))
    store.upsert_trainee(Trainee("Max", cohort="Spring B"))
    assert [t.cohort for t in store.trainees()] == ["Spring A", "Spring A", "Spring B"]
    assert [t.name for t in store.trainees("SPRING A")] == ["Kim", "Lee"]
    play(catalog, scorer, store, trainee="Lee", stages=2)
    play(catalog, scorer, store, trainee="Max", stages=2)
    assert [s.trainee.name for s in store.sessions(cohort="spring a")] == ["Lee"]
    assert [r.summary.trainee.name for r in store.records(cohort="Spring  A")] == ["Lee"]
    store.put_assignment(
        Assignment("SPRING a", "pickle_request", "2026-12-01", "2026-11-01T00:00:00+00:00")
    )
    store.put_assignment(
        Assignment("spring A", "pickle_request", "2026-12-08", "2026-11-02T00:00:00+00:00")
    )
    assert store.assignments("Spring A") == [
        Assignment("Spring A", "pickle_request", "2026-12-08", "2026-11-02T00:00:00+00:00")
    ]
    assert store.assignments("spring b") == []
    # A new cohort is kept as first typed (cleaned), and found however it is typed later.
    store.upsert_trainee(Trainee("Noor", cohort="  Autumn\tC "))
    assert [t.name for t in store.trainees("autumn c")] == ["Noor"]
    assert store.find_trainee("noor") == Trainee("Noor", cohort="Autumn C")


def test_a_cohort_edited_into_the_log_is_cleaned_before_it_is_copied(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "log.db")
    store.upsert_trainee(Trainee("Kim", cohort="Spring A"))
    store._db.execute("UPDATE trainees SET cohort = 'Spring\x1b[2J A'")  # edited by hand
    store._db.commit()
    assert store.upsert_trainee(Trainee("Lee", cohort="spring a")).cohort == "Spring A"
    stored = store._db.execute("SELECT cohort FROM trainees WHERE name = 'Lee'").fetchone()[0]
    assert stored == "Spring A"  # as kept, not only as shown
    assert [t.name for t in store.trainees("SPRING A")] == ["Kim", "Lee"]  # both spellings


def test_v2_log_with_duplicate_names_is_merged_without_losing_anything(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v2.db"
    db = old_log(path, 2)
    db.executescript(
        """
        INSERT INTO trainees (id, name, created_at, employee_id, cohort) VALUES
            (1, 'Alex Park', '2025-01-01', NULL, NULL),
            (2, 'alex park', '2025-01-02', 'E1', 'Spring A'),
            (3, 'Alex  Park', '2025-01-03', NULL, 'Autumn B'),
            (4, 'Kim', '2025-01-03', 'E2', 'Spring A');
        INSERT INTO sessions (id, trainee_id, scenario_id, content_hash, mode, started_at,
            status, overall) VALUES
            ('s1', 1, 'pickle_request', 'h', 'exam', '2025-01-01T10:00:00+00:00', 'in_progress', NULL),
            ('s2', 2, 'pickle_request', 'h', 'exam', '2025-01-02T10:00:00+00:00', 'in_progress', NULL),
            ('s3', 3, 'pickle_request', 'h', 'exam', '2025-01-03T10:00:00+00:00', 'in_progress', NULL),
            ('s4', 4, 'pickle_request', 'h', 'exam', '2025-01-04T10:00:00+00:00', 'in_progress', NULL);
        """
    )
    db.commit()
    before_trainees = db.execute(
        "SELECT id, name, created_at, employee_id, cohort FROM trainees ORDER BY id"
    ).fetchall()
    before_sessions = db.execute("SELECT * FROM sessions ORDER BY id").fetchall()
    db.close()

    store = SqliteStore(path)
    assert store.schema_version == LATEST
    alex = store.sessions(trainee="ALEX PARK")
    assert [s.id for s in alex] == ["s1", "s2", "s3"]
    # The first-entered name is shown; the blanks of that row are filled from its aliases.
    assert {s.trainee for s in alex} == {Trainee("Alex Park", "E1", "Autumn B")}
    assert [s.id for s in store.sessions(cohort="Autumn B")] == ["s1", "s2", "s3"]
    assert [s.id for s in store.sessions(cohort="Spring A")] == ["s4"]
    # Nothing deleted, no value replaced: only blanks of the first row were filled.
    after_trainees = store._db.execute(
        "SELECT id, name, created_at, employee_id, cohort FROM trainees ORDER BY id"
    ).fetchall()
    assert len(after_trainees) == len(before_trainees)
    for old, new in zip(before_trainees, after_trainees, strict=True):
        assert all(o is None or o == n for o, n in zip(old, new, strict=True)), (old, new)
    after_sessions = store._db.execute("SELECT * FROM sessions ORDER BY id").fetchall()
    assert after_sessions == before_sessions
    # A new session under another spelling joins the same person; no new name row.
    store.start_session("s5", "  alex   PARK", "pickle_request", "h", "practice")
    assert [s.id for s in store.sessions(trainee="Alex Park")] == ["s1", "s2", "s3", "s5"]
    assert store._db.execute("SELECT count(*) FROM trainees").fetchone()[0] == 4
    store.upsert_trainee(Trainee("ALEX PARK", cohort="Winter C"))
    assert store.sessions(trainee="alex park")[0].trainee.cohort == "Winter C"
    assert store.integrity_check() == "ok"


def test_abandoned_and_unfinished_sessions_have_no_result(
    log_at: str, catalog: Catalog, scorer: Scorer
) -> None:
    store = open_store(log_at)
    play(catalog, scorer, store, trainee="Sam", stages=5)
    play(catalog, scorer, store, trainee="Sam", stages=2)  # left to resume later
    for stages in (0, 2):
        enc = Encounter(catalog.get("pickle_request").scenario, scorer, "Sam")
        enc.subscribe(Recorder(store, "h"))
        enc.start()
        for stage in STAGE_IDS[:stages]:
            enc.answer(enc.model_answers(stage)[0])
        enc.abandon()
    done, unfinished, abandoned_early, abandoned_late = store.sessions(trainee="Sam")
    assert done.finished and done.state == "completed" and done.result is not None
    assert unfinished.state == "unfinished" and unfinished.result is None
    assert not unfinished.finished and unfinished.turn_count == 2
    for s in (abandoned_early, abandoned_late):
        assert s.state == "abandoned" and s.result is None and not s.finished
        assert s.ended_at is not None
    assert abandoned_late.turn_count == 2
    # What the engine worked out for the abandoned attempt is still in the log.
    (kept,) = [s.result_json for s in store.dump_sessions() if s.id == abandoned_late.id]
    assert kept and '"status": "abandoned"' in kept
    assert store.best_score("Sam", "pickle_request") == done.result.overall


def test_each_turn_keeps_its_own_time(log_at: str, catalog: Catalog, scorer: Scorer) -> None:
    store = open_store(log_at)
    enc = Encounter(catalog.get("pickle_request").scenario, scorer, "Sam")
    rec = Recorder(store, "h")
    enc.subscribe(rec)
    enc.answer(enc.model_answers("set_tone")[0])
    assert rec.session_id
    sql_on(
        store,
        "UPDATE sessions SET started_at = '2026-01-01T09:00:00+00:00' WHERE id = ?",
        (rec.session_id,),
    )
    enc.answer(enc.model_answers("diagnose")[0])
    (first, second) = store.session(rec.session_id).turns
    assert first.at == enc.turns[0].at and second.at == enc.turns[1].at
    assert first.at and first.at.startswith("20") and first.at != "2026-01-01T09:00:00+00:00"
    assert store.session(rec.session_id).summary.started_at == "2026-01-01T09:00:00+00:00"


def test_the_store_keeps_a_reply_up_to_the_one_limit(
    log_at: str, catalog: Catalog, scorer: Scorer
) -> None:
    """Whoever writes through the store API, a reply is kept to MAX_REPLY_CHARS."""
    import dataclasses

    from mot_sim.stages import MAX_REPLY_CHARS

    store = open_store(log_at)
    enc = Encounter(catalog.get("pickle_request").scenario, scorer, "Sam")
    turn = enc.answer("Hello there.")
    store.start_session("s1", "Sam", "pickle_request", "h", "practice")
    store.add_turn("s1", dataclasses.replace(turn, reply="x" * (MAX_REPLY_CHARS * 3)))
    assert len(store.session("s1").turns[0].reply) == MAX_REPLY_CHARS


def foreign_with_unsaved_writes(path: Path, mode: str) -> sqlite3.Connection:
    """Another program's database whose last writes are not yet in the main file: in its
    -wal (WAL mode) or behind a -journal (rollback mode, mid-transaction). The writer's
    connection is returned still open, as a running program would hold it."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA journal_mode = {mode}")
    db.execute("PRAGMA wal_autocheckpoint = 0")
    db.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, payload TEXT)")
    db.execute("BEGIN")
    db.executemany("INSERT INTO invoices (payload) VALUES (?)", [("x" * 500,)] * 200)
    db.execute("COMMIT")
    if mode == "delete":  # rollback mode: changes written, the journal still hot
        db.execute("PRAGMA cache_size = 1")
        db.execute("BEGIN")
        db.execute("UPDATE invoices SET payload = 'changed'")
    return db


@pytest.mark.parametrize(
    "case", ["wal, writer still open", "wal, writer gone (copied -wal)", "hot journal, copied"]
)
def test_foreign_database_with_unsaved_writes_is_left_byte_for_byte(
    tmp_path: Path, case: str
) -> None:
    """F14: recognising a file must not checkpoint, recover or roll back anything in it."""
    source = tmp_path / "src"
    source.mkdir()
    writer = foreign_with_unsaved_writes(
        source / "other.db", "delete" if "journal" in case else "wal"
    )
    if "still open" in case:
        folder = source
    else:  # what a crashed program leaves behind, copied while it held the file
        folder = tmp_path / "copy"
        folder.mkdir()
        for f in source.iterdir():
            if not f.name.endswith("-shm"):
                (folder / f.name).write_bytes(f.read_bytes())
        writer.close()
    path = folder / "other.db"
    assert (folder / "other.db-wal").exists() or (folder / "other.db-journal").exists()
    watched = [n for n in snapshot(folder) if not n.endswith("-shm")]  # -shm: shared memory
    before = {n: h for n, h in snapshot(folder).items() if n in watched}
    files_before = set(snapshot(folder))
    for read_only in (False, True):
        with pytest.raises(StoreError, match="another program") as exc:
            open_store(path, read_only=read_only)
        assert "nothing was changed" in str(exc.value)
    env = {**os.environ, "MOT_SIM_DB": str(path)}
    for argv in (["history"], ["trainee", "Sam"]):
        out = subprocess.run(
            [sys.executable, "-m", "mot_sim", *argv], capture_output=True, text=True, env=env
        )
        assert out.returncode == 2 and "another program" in out.stderr, out.stderr
    gc.collect()
    assert {n: h for n, h in snapshot(folder).items() if n in watched} == before
    assert set(snapshot(folder)) == files_before  # no -shm or -wal left behind either
    if "still open" in case:
        writer.close()


def test_a_new_log_created_by_many_processes_at_once(log_at: str) -> None:
    """Recognising a log before opening it must not refuse a log another mot-sim is
    creating at that very moment (SQLite: the file; PostgreSQL: the schema)."""
    code = "import sys; from mot_sim.store import open_store; open_store(sys.argv[1]).close()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code, log_at], stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    failed = [e for p, e in zip(procs, errors, strict=True) if p.returncode]
    assert not failed, "\n---\n".join(e[-2000:] for e in failed)
    assert open_store(log_at).schema_version == (
        LATEST if not locations.is_db_url(log_at) else PG_LATEST
    )


@pytest.mark.parametrize("locked", ["folder", "file", "folder, writer active"])
def test_a_log_nobody_may_write_is_read_without_leaving_a_trace(
    tmp_path: Path, catalog: Catalog, scorer: Scorer, locked: str
) -> None:
    """History, show, exports and reports read a log in a read-only folder (or a read-only
    log) read-only: they work, and leave no -wal or -shm behind."""
    folder = tmp_path / "shared"
    folder.mkdir()
    log = folder / "class.db"
    store = SqliteStore(log)
    rec = play(catalog, scorer, store, trainee="Kim")
    store.upsert_trainee(Trainee("Kim", "E7", "A1"))
    store.close()
    writer = None
    if "writer" in locked:  # a trainee mid-encounter: an unflushed session in the -wal
        writer = SqliteStore(log)
        writer._db.execute("PRAGMA wal_autocheckpoint = 0")
        writer.start_session("pending-1", "Lee", "pickle_request", "h", "exam")
    before = snapshot(folder)
    log.chmod(0o444)
    if "folder" in locked:
        folder.chmod(0o555)
    env = {**os.environ, "MOT_SIM_DB": str(log)}
    assert rec.session_id
    try:
        for argv in (
            ["history"],
            ["history", "--json"],
            ["show", rec.session_id[:8]],
            ["export", "--format", "csv"],
            ["export", "--format", "jsonl"],
            ["report", "--cohort", "A1", "--out", str(tmp_path / "a1.html")],
        ):
            out = subprocess.run(
                [sys.executable, "-m", "mot_sim", *argv],
                capture_output=True,
                text=True,
                env=env,
                preexec_fn=without_root_override,
            )
            assert out.returncode == 0 and "Traceback" not in out.stderr, (argv, out.stderr)
            if argv == ["history", "--json"]:
                ids = {s["session_id"] for s in json.loads(out.stdout)}
                assert ids == {rec.session_id} | ({"pending-1"} if writer else set())
        after = snapshot(folder)
        if writer:  # shared memory: every reader's marks move in it, as they should
            assert set(after) == set(before)
            after.pop("class.db-shm")
            before.pop("class.db-shm")
        assert after == before
    finally:
        folder.chmod(0o755)
        log.chmod(0o644)
        if writer:
            writer.close()


def test_reading_an_older_log_changes_nothing_in_it(tmp_path: Path) -> None:
    """History and exports read a log of an older schema through a migrated copy in
    memory: the file keeps its version until a command that records something opens it."""
    path = tmp_path / "v2.db"
    db = old_log(path, 2)
    db.execute("INSERT INTO trainees (name, created_at) VALUES ('Old', '2025-01-01')")
    db.execute(
        "INSERT INTO sessions (id, trainee_id, scenario_id, content_hash, mode, started_at,"
        " status) VALUES ('s1', 1, 'pickle_request', 'h', 'exam', '2025-01-01T10:00:00+00:00',"
        " 'in_progress')"
    )
    db.commit()
    db.close()
    before = snapshot(tmp_path)
    reader = open_store(path, read_only=True)
    assert [s.id for s in reader.sessions(trainee="old")] == ["s1"]
    reader.close()
    assert snapshot(tmp_path) == before
    missing = tmp_path / "none" / "log.db"
    assert open_store(missing, read_only=True).sessions() == []
    assert not missing.parent.exists()  # reading creates no log (and no folder)


def test_a_server_at_its_connection_limit_is_waited_for(pg_server: Server, pg_url: str) -> None:
    """A server refusing for a moment (too many clients) is retried, not a failure: a
    classroom's writers may all open the log in the same second."""
    import threading

    import psycopg

    name = pg_url.split("/")[3].split("?")[0]
    role = f"limited_{name}"
    pg_server.create_role(role)  # limits apply to ordinary roles, not the superuser
    pg_server.admin.execute(f'ALTER DATABASE "{name}" OWNER TO "{role}"')
    pg_server.admin.execute(f'ALTER DATABASE "{name}" CONNECTION LIMIT 1')
    url = pg_server.url(name, user=role)
    holder = psycopg.connect(url)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url).close()  # the limit is real: a second client is refused
    release = threading.Timer(0.4, holder.close)
    release.start()
    try:
        store = open_store(url)  # refused while the holder is connected, then let in
        store.close()
    finally:
        release.join()
        pg_server.admin.execute(f'ALTER DATABASE "{name}" CONNECTION LIMIT -1')
