"""``mot-sim db copy``: SQLite to PostgreSQL and back, idempotent, resumable, verified;
and the proof that every reading command says the same on both backends."""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mot_sim.catalog import Catalog
from mot_sim.cli.main import main
from mot_sim.engine import Encounter
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS
from mot_sim.store import open_store
from mot_sim.store.recorder import Recorder
from mot_sim.store.records import Trainee
from mot_sim.store.sqlite import SqliteStore
from tests.pg import Server, dbname
from tests.test_store import old_log


def copy(capsys: pytest.CaptureFixture[str], source: str, target: str) -> tuple[int, str]:
    code = main(["db", "copy", "--from", source, "--to", target])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out


def answers_file(tmp_path: Path, catalog: Catalog, stages: slice, name: str = "a.txt") -> str:
    sc = catalog.get("pickle_request").scenario
    path = tmp_path / name
    path.write_text("\n".join(sc.stage(s).model_answers[0] for s in STAGE_IDS[stages]) + "\n")
    return str(path)


def classroom_log(tmp_path: Path, catalog: Catalog, scorer: Scorer) -> Path:
    """A SQLite log with what a classroom leaves: a name typed two ways (an alias row
    from an older log), HR details, finished, unfinished and abandoned sessions, a
    trainee with no session yet."""
    path = tmp_path / "class.db"
    db = old_log(path, 2)
    db.executescript(
        """
        INSERT INTO trainees (id, name, created_at, employee_id, cohort) VALUES
            (1, 'Alex Park', '2025-01-01T08:00:00+00:00', NULL, 'A'),
            (2, 'alex park', '2025-01-02T08:00:00+00:00', 'E1', NULL);
        INSERT INTO sessions (id, trainee_id, scenario_id, content_hash, mode, started_at,
            status) VALUES
            ('old-1', 2, 'pickle_request', 'h', 'exam', '2025-01-02T10:00:00+00:00',
             'in_progress');
        """
    )
    db.commit()
    db.close()
    store = SqliteStore(path)
    for who, stages, end in (
        ("Alex Park", 5, None),
        ("Kim Lee", 2, None),
        ("Kim Lee", 2, "abandon"),
        ("ＡＬＥＸ  park", 5, None),
    ):
        enc = Encounter(catalog.get("pickle_request").scenario, scorer, who, "exam")
        enc.subscribe(Recorder(store, catalog.fingerprint("pickle_request")))
        enc.start()
        for stage in STAGE_IDS[:stages]:
            enc.answer(enc.model_answers(stage)[0])
        if end:
            enc.abandon()
    store.upsert_trainee(Trainee("Kim Lee", "E2", "A"))
    store.upsert_trainee(Trainee("Sam New", "E3", "A"))  # registered, no session yet
    store.close()
    return path


def readings(capsys: pytest.CaptureFixture[str], log: str, tmp_path: Path) -> dict[str, str]:
    """What every reading command prints for a log."""
    out: dict[str, str] = {}
    argvs = [
        ["history"],
        ["history", "--json"],
        ["history", "--summary", "--json", "--cohort", "A"],
        ["history", "--trainee", "alex park"],
        ["export", "--format", "csv"],
        ["export", "--format", "csv", "--turns"],
        ["export", "--format", "csv", "--excel", "--since", "2025-06-01"],
        ["export", "--format", "jsonl", "--cohort", "A"],
        ["export", "--format", "xapi", "--homepage", "https://lms.example.org"],
    ]
    for argv in argvs:
        assert main([*argv, "--db", log]) == 0
        out[" ".join(argv)] = capsys.readouterr().out
    ids = [line.split()[2] for line in out["history"].splitlines()[1:] if line[:2] == "20"]
    for sid in ids:
        assert main(["show", sid, "--db", log]) == 0
        out[f"show {sid}"] = capsys.readouterr().out
    report = tmp_path / "report.html"
    assert main(["report", "--cohort", "A", "--out", str(report), "--db", log]) == 0
    capsys.readouterr()
    out["report"] = re.sub(r"generated [0-9: -]+UTC", "", report.read_text(encoding="utf-8"))
    return out


def test_sqlite_to_postgres_and_back_reads_the_same_and_twice_adds_nothing(
    tmp_path: Path,
    pg_url: str,
    catalog: Catalog,
    scorer: Scorer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = str(classroom_log(tmp_path, catalog, scorer))
    code, out = copy(capsys, source, pg_url)
    assert code == 0, out
    assert "trainees: 4 added" in out  # Alex Park, its alias, Kim Lee, Sam New
    assert "sessions: 5 added (14 replies)" in out
    assert "verified: the target holds all 5 sessions and 14 replies" in out
    code, out = copy(capsys, source, pg_url)
    assert code == 0
    assert "trainees: 0 added" in out and "sessions: 0 added (0 replies)" in out
    assert "5 already there" in out
    back = str(tmp_path / "back.db")
    code, out = copy(capsys, pg_url, back)
    assert code == 0 and "sessions: 5 added (14 replies)" in out
    first, second, third = (readings(capsys, log, tmp_path) for log in (source, pg_url, back))
    assert first == second == third
    assert "Alex Park" in first["history --trainee alex park"]
    assert '"employee_id": "E1"' in first["export --format jsonl --cohort A"]
    # The alias row travelled too: the name as typed then is kept, nothing merged away.
    names = sorted(t.name for t in open_store(pg_url, read_only=True).dump_trainees())
    assert names == ["Alex Park", "Kim Lee", "Sam New", "alex park"]


def test_a_session_that_went_on_is_continued_and_logs_merge_by_person(
    tmp_path: Path,
    pg_url: str,
    catalog: Catalog,
    capsys: pytest.CaptureFixture[str],
) -> None:
    room_a, room_b = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    first = answers_file(tmp_path, catalog, slice(0, 2), "first.txt")
    rest = answers_file(tmp_path, catalog, slice(2, 5), "rest.txt")
    assert main(["play", "pickle_request", "--answers", first, "--trainee", "Jo Smith",
                 "--db", room_a]) == 1  # fmt: skip
    sid = re.search(r"--resume (\S+)", capsys.readouterr().out).group(1)  # type: ignore[union-attr]
    assert main(["trainee", "JO SMITH", "--cohort", "North", "--db", room_b]) == 0
    assert main(["play", "pickle_request", "--answers", rest, "--trainee", "jo  smith",
                 "--db", room_b]) == 1  # fmt: skip
    capsys.readouterr()
    assert copy(capsys, room_a, pg_url)[0] == 0
    # The trainee finishes the session in room A; room B's log joins the same person.
    assert main(["play", "pickle_request", "--resume", sid, "--answers", rest,
                 "--db", room_a]) == 0  # fmt: skip
    capsys.readouterr()
    code, out = copy(capsys, room_a, pg_url)
    assert code == 0 and "1 continued (+3 replies)" in out, out
    code, out = copy(capsys, room_b, pg_url)
    assert code == 0 and "trainees: 1 added" in out, out  # "JO SMITH", an alias of Jo Smith
    store = open_store(pg_url, read_only=True)
    sessions = store.sessions(trainee="jo smith")
    assert [s.status for s in sessions] == ["completed", "in_progress"]
    assert {s.trainee for s in sessions} == {Trainee("Jo Smith", None, "North")}
    assert len(store.session(sid).turns) == 5


def test_damaged_and_conflicting_sessions_are_named_and_left_behind(
    tmp_path: Path,
    pg_url: str,
    catalog: Catalog,
    scorer: Scorer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = classroom_log(tmp_path, catalog, scorer)
    db = sqlite3.connect(source)
    (damaged,) = db.execute("SELECT id FROM sessions WHERE status = 'completed' LIMIT 1").fetchone()
    db.execute(
        "UPDATE turns SET result_json = '{oops' WHERE session_id = ? AND idx = 3", (damaged,)
    )
    db.commit()
    db.close()
    target = open_store(pg_url)  # a session already there under the same id, another person's
    target.start_session("old-1", "Somebody Else", "pickle_request", "h", "exam")
    target.close()
    code, out = copy(capsys, str(source), pg_url)
    assert code == 1
    assert f"session {damaged}: damaged record (a reply's result is not valid JSON)" in out
    assert "session old-1: the target holds a different session under this id" in out
    assert "verified: the target holds all 3 sessions and 9 replies copied" in out
    held = open_store(pg_url, read_only=True).holdings()
    assert damaged not in held and held["old-1"].trainee_key == "somebody else"


def big_log(path: Path, catalog: Catalog, scorer: Scorer, sessions: int) -> None:
    """A log of ``sessions`` completed encounters (one played, the rest its copies)."""
    store = SqliteStore(path)
    enc = Encounter(catalog.get("pickle_request").scenario, scorer, "Template")
    rec = Recorder(store, "h")
    enc.subscribe(rec)
    for stage in STAGE_IDS:
        enc.answer(enc.model_answers(stage)[0])
    assert rec.session_id
    (row,) = store.dump_sessions()
    turns = store.dump_turns([row.id])
    with store.importing() as tx:
        for n in range(sessions - 1):
            sid = f"s{n:06d}"
            tid = tx.insert_trainee(f"Trainee {n % 97}", f"trainee {n % 97}", None, None,
                                    f"C{n % 5}", row.started_at) if n < 97 else n % 97 + 2  # fmt: skip
            tx.insert_sessions([(dataclasses.replace(row, id=sid), tid)])
            tx.insert_turns([dataclasses.replace(t, session_id=sid) for t in turns])
    store.close()


def test_a_copy_killed_midway_leaves_whole_sessions_and_resumes(
    tmp_path: Path, pg_url: str, pg_server: Server, catalog: Catalog, scorer: Scorer
) -> None:
    source = tmp_path / "big.db"
    big_log(source, catalog, scorer, 3000)
    argv = [sys.executable, "-m", "mot_sim", "db", "copy", "--from", str(source), "--to", pg_url]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stderr
    first = proc.stderr.readline()  # "copied 500 of 3,000 sessions"
    assert first.startswith("copied 500 of 3,000"), first + proc.stderr.read()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # kill it inside its next batch's transaction
        open_transactions = pg_server.admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
            " AND application_name = 'mot-sim' AND xact_start IS NOT NULL",
            (dbname(pg_url),),
        ).fetchone()
        if open_transactions and open_transactions[0]:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = open_store(pg_url, read_only=True)
    held = store.holdings()
    assert 500 <= len(held) < 3000 and len(held) % 500 == 0  # whole batches only
    assert all(h.turns == 5 and h.status == "completed" for h in held.values())
    assert not store.damaged and all(len(r.turns) == 5 for r in store.records())
    store.close()
    again = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert f"{len(held):,} already there" in again.stdout
    assert "verified: the target holds all 3,000 sessions and 15,000 replies" in again.stdout
    once_more = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert "sessions: 0 added (0 replies); 0 continued (+0 replies); 3,000 already there" in (
        once_more.stdout
    )


def test_copy_refuses_the_same_log_and_reports_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "x.db"
    assert main(["trainee", "Sam", "--db", str(log)]) == 0
    assert main(["db", "copy", "--from", str(log), "--to", str(tmp_path / "." / "x.db")]) == 2
    assert "the same log" in capsys.readouterr().err
    assert main(["db", "status", "--db", str(log)]) == 0
    out = capsys.readouterr().out
    assert (
        "(SQLite)" in out
        and "sessions   0" in out
        and "schema     v4" in out
        and "classes    0" in out
    )
    assert main(["db", "migrate", "--db", str(log), "--grant-reader", "hr"]) == 2
    assert main(["db", "migrate", "--db", str(log)]) == 0
