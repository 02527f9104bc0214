"""The score log: durable turns, migrations, hostile files, many writers at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mot_sim.catalog import Catalog
from mot_sim.engine import Encounter
from mot_sim.errors import StoreError
from mot_sim.scoring import Scorer
from mot_sim.settings import Settings
from mot_sim.stages import STAGE_IDS
from mot_sim.store import open_store
from mot_sim.store.recorder import Recorder
from mot_sim.store.sqlite import APPLICATION_ID, LATEST, MIGRATIONS, SqliteStore
from mot_sim.tui.service import TrainerService


def play(
    catalog: Catalog, scorer: Scorer, store: SqliteStore, trainee: str = "Sam", stages: int = 5
) -> Recorder:
    enc = Encounter(catalog.get("pickle_request").scenario, scorer, trainee)
    rec = Recorder(store, catalog.fingerprint("pickle_request"))
    enc.subscribe(rec)
    for stage in STAGE_IDS[:stages]:
        enc.answer(enc.model_answers(stage)[0])
    return rec


def test_round_trip(tmp_path: Path, catalog: Catalog, scorer: Scorer) -> None:
    store = SqliteStore(tmp_path / "log.db")
    rec = play(catalog, scorer, store)
    assert rec.session_id
    record = store.session(rec.session_id[:6])
    assert record.summary.status == "completed" and len(record.turns) == 5
    assert record.summary.result and record.summary.result.passed
    assert record.turns[0].result.hits  # the full scoring result is kept
    assert store.best_score("Sam", "pickle_request") == record.summary.result.overall
    mode = store._db.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal" and store.integrity_check() == "ok"
    with pytest.raises(StoreError, match="no session"):
        store.session("zzz")
    play(catalog, scorer, store, trainee="Kim", stages=2)
    assert store.records() == [store.session(s.id) for s in store.sessions()]
    assert [r.summary.trainee.name for r in store.records(trainee="Kim")] == ["Kim"]


def test_migrates_from_empty_and_from_each_earlier_version(tmp_path: Path) -> None:
    fresh = SqliteStore(tmp_path / "new.db")
    assert fresh.schema_version == LATEST
    for version in range(1, LATEST):
        path = tmp_path / f"v{version}.db"
        db = sqlite3.connect(path)
        for script in MIGRATIONS[:version]:
            db.executescript(script)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {version}")
        db.execute("INSERT INTO trainees (name, created_at) VALUES ('Old', '2025-01-01')")
        db.execute(
            "INSERT INTO sessions (id, trainee_id, scenario_id, content_hash, mode, started_at,"
            " status, result_json) VALUES ('s1', 1, 'pickle_request', 'h', 'exam', "
            "'2025-01-01T10:00:00+00:00', 'completed', ?)",
            (
                '{"overall": 71, "band": "good", "passed": true, "walked_out": false, '
                '"status": "completed", "stages": {}, "dimensions": {}, "pass_mark": 60}',
            ),
        )
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


def test_killed_mid_encounter_loses_nothing(tmp_path: Path, catalog: Catalog) -> None:
    db = tmp_path / "crash.db"
    env = {**os.environ, "MOT_SIM_DB": str(db)}
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
        if db.exists():
            store = SqliteStore(db)
            found = store.sessions(trainee="Crash")
            store.close()
            if found and found[0].turn_count == 2:
                break
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    service = TrainerService(Settings(), catalog=catalog, db_path=db)
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
from mot_sim.store import open_store
from mot_sim.store.recorder import Recorder
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
