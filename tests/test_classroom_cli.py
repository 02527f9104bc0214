"""The classroom from the command line, end to end, and the log around it: an older log
migrated, `db copy` carrying every classroom row, a tampered log read as untrusted, and
the least-privilege roles of a PostgreSQL log."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from mot_sim.catalog import Catalog
from mot_sim.classroom.service import Classroom
from mot_sim.cli.main import main
from mot_sim.stages import STAGE_IDS
from mot_sim.store import open_store
from mot_sim.store.postgres import MIGRATIONS as PG_MIGRATIONS
from mot_sim.store.sqlite import APPLICATION_ID, MIGRATIONS, SqliteStore, apply_migration
from mot_sim.store.transfer import ClassroomRows
from tests.pg import Server

SCENARIO = "pickle_request"
POOR = "Calm down, madam. That is our policy, nothing I can do."
ESC = "\x1b"


def mot_sim(*argv: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a trainer types it."""
    exe = shutil.which("mot-sim")
    assert exe, "mot-sim is not on PATH (pip install -e .)"
    return subprocess.run([exe, *argv], capture_output=True, text=True, timeout=120)


def ok(out: subprocess.CompletedProcess[str], code: int = 0) -> str:
    assert out.returncode == code, out.stderr
    assert "Traceback" not in out.stderr
    return out.stdout


def answers(tmp_path: Path, catalog: Catalog, name: str, poor: bool = False) -> str:
    sc = catalog.get(SCENARIO).scenario
    path = tmp_path / f"{name}.txt"
    lines = [POOR] * 5 if poor else [sc.stage(s).model_answers[0] for s in STAGE_IDS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_class_end_to_end(log_at: str, tmp_path: Path, catalog: Catalog) -> None:
    """class start -> join --answers x2 -> roster -> override -> end -> export/report with
    the override, on both backends, through the installed command."""
    db = ["--db", log_at]
    started = json.loads(
        ok(
            mot_sim(
                "class",
                "start",
                "--scenario",
                SCENARIO,
                "--mode",
                "practice",
                "--cohort",
                "Spring A",
                "--password",
                "pickles",
                "--by",
                "Tess",
                "--json",
                *db,
            )
        )
    )
    code = started["code"]
    assert started["open"] and started["has_password"] and "pickles" not in json.dumps(started)
    out = ok(mot_sim("class", "start", "--scenario", SCENARIO, "--mode", "exam", *db))
    assert len(out.splitlines()[0]) == 6 and "mot-sim join" in out  # the code, first
    ok(
        mot_sim(
            "assign", "--cohort", "Spring A", "--scenario", SCENARIO, "--due", "2030-01-31", *db
        )
    )
    good = answers(tmp_path, catalog, "good")
    out = ok(
        mot_sim(
            "join",
            code.lower(),
            "--trainee",
            "Ann",
            "--password",
            "pickles",
            "--answers",
            good,
            *db,
        )
    )
    assert "recorded in" in out
    poor = answers(tmp_path, catalog, "poor", poor=True)
    out = ok(
        mot_sim(
            "join",
            code,
            "--trainee",
            "Ben",
            "--password",
            "pickles",
            "--answers",
            poor,
            "--json",
            *db,
        )
    )
    ben = json.loads(out)["session"]
    # The gate, from the command line: clear messages, exit 2, nobody added.
    for argv, words in (
        ([code, "--password", "nope"], "needs its password"),
        ([code], "needs its password"),
        (["QQQQQQ", "--password", "pickles"], "no class has the code QQQQQQ"),
        (["hello", "--password", "pickles"], "is not a join code"),
    ):
        out = mot_sim("join", *argv, "--trainee", "Mallory", "--answers", good, *db)
        assert out.returncode == 2 and words in out.stderr and "Traceback" not in out.stderr
    roster = json.loads(ok(mot_sim("class", "roster", code, "--json", *db)))
    assert [(e["trainee"], e["status"]) for e in roster["roster"]] == [
        ("Ann", "completed"),
        ("Ben", "walked_out"),
    ]
    assert "Mallory" not in json.dumps(roster)
    text = ok(mot_sim("class", "roster", code, *db))
    assert "Ann" in text and "walked out" in text
    out = ok(
        mot_sim(
            "override",
            ben[:8],
            "set_tone",
            "--score",
            "55",
            "--reason",
            "Fair start =HYPERLINK()",
            "--by",
            "Tess",
            *db,
        )
    )
    assert "-> 55" in out and "(machine)" in out
    summary = ok(mot_sim("class", "end", code, *db))
    assert f"class {code}" in summary and "ended" in summary
    assert "Ann" in summary and "weakest rules of the room" in summary and "Tess" in summary
    out = mot_sim(
        "join", code, "--trainee", "Late", "--password", "pickles", "--answers", good, *db
    )
    assert out.returncode == 2 and "has ended" in out.stderr
    # Exports of the class carry both scores; other classes' sessions are not in them.
    sessions = list(
        csv.DictReader(io.StringIO(ok(mot_sim("export", "--format", "csv", "--class", code, *db))))
    )
    assert sorted(r["trainee"] for r in sessions) == ["Ann", "Ben"]
    row = next(r for r in sessions if r["trainee"] == "Ben")
    assert row["overridden_replies"] == "1" and row["overall_with_overrides"] != row["overall"]
    turns = list(
        csv.DictReader(
            io.StringIO(ok(mot_sim("export", "--format", "csv", "--turns", "--class", code, *db)))
        )
    )
    (changed,) = [t for t in turns if t["override_score"]]
    assert changed["stage"] == "set_tone" and changed["override_score"] == "55"
    assert changed["score"] != "55" and changed["override_by"] == "Tess"
    assert changed["override_reason"] == "Fair start =HYPERLINK()"
    jsonl = [
        json.loads(x)
        for x in ok(mot_sim("export", "--format", "jsonl", "--class", code, *db)).splitlines()
    ]
    (b,) = [x for x in jsonl if x["trainee"]["name"] == "Ben"]
    assert (
        b["overrides"][0]["new_score"] == 55
        and b["result"]["overall"] != b["overall_with_overrides"]
    )
    statements = json.loads(
        ok(
            mot_sim(
                "export", "--format", "xapi", "--homepage", "https://lms.test", "--class", code, *db
            )
        )
    )
    from ralph.models.xapi.base.statements import BaseXapiStatement

    for st in statements:
        BaseXapiStatement.model_validate(st)
    ext = "urn:mot-sim:extension:override"
    (over,) = [st for st in statements if ext in st.get("result", {}).get("extensions", {})]
    audit = over["result"]["extensions"][ext]
    assert over["result"]["score"]["raw"] == 55 and audit["by"] == "Tess"
    assert audit["machine-score"] == int(changed["score"]) and audit["reason"].startswith("Fair")
    ends = [st for st in statements if st["verb"]["display"]["en-US"] in ("passed", "failed")]
    ben_end = next(st for st in ends if st["actor"]["name"] == "Ben")
    assert "urn:mot-sim:extension:machine-score" in ben_end["result"]["extensions"]
    # The report: the class summary, the assignments' status and the overrides.
    report = tmp_path / "class.html"
    ok(mot_sim("report", "--class", code, "--out", str(report), *db))
    html = report.read_text(encoding="utf-8")
    for part in (
        'id="class-summary"',
        'id="assignments"',
        'id="overrides"',
        "Fair start",
        "Weakest rules of the room",
        "Class report · ",
        "2030-01-31",
        "Ann",
        "Ben",
    ):
        assert part in html, part
    assert "Cohort report" not in html
    # History and status.
    rows = json.loads(ok(mot_sim("history", "--json", *db)))
    b_row = next(r for r in rows if r["session_id"] == ben)
    assert b_row["overridden_replies"] == 1 and b_row["score_with_overrides"] != b_row["score"]
    assert "overridden by a trainer" in ok(mot_sim("history", *db))
    status = json.loads(ok(mot_sim("status", "--cohort", "Spring A", "--json", *db)))
    assert {(s["trainee"], s["status"]) for s in status} == {("Ann", "done"), ("Ben", "done")}
    assert "done" in ok(mot_sim("status", "--cohort", "Spring A", *db))


def test_bad_input_is_refused_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "log.db")]
    assert main(["class", "start", "--scenario", SCENARIO, "--mode", "practice", *db]) == 0
    code = capsys.readouterr().out.splitlines()[0]
    cases: list[tuple[list[str], str]] = [
        (["class", "start", "--scenario", "no_such", "--mode", "exam"], "unknown scenario"),
        (["class", "start", "--scenario", SCENARIO, "--mode", "exam", "--timer", "0"], "--timer"),
        (["class", "roster", "0OIL5S"], "not a join code"),
        (["class", "end", "QQQQQQ"], "no class has the code"),
        (["class"], "class needs a command"),
        # Interactive join checks the gate before any screen opens.
        (["join", "QQQQQQ", "--trainee", "Ann"], "no class has the code"),
        (["join", code, "--trainee", "Ann", "--answers", str(tmp_path / "none.txt")], "none.txt"),
        (
            ["override", "ffff", "set_tone", "--score", "50", "--reason", "x", "--by", "T"],
            "no session",
        ),
        (["assign", "--cohort", "A", "--scenario", SCENARIO, "--due", "31/12/2030"], "--due"),
        (["assign", "--cohort", "A", "--scenario", "no_such", "--due", "2030-12-31"], "no_such"),
        (["export", "--format", "csv", "--class", "QQQQQQ"], "no class has the code"),
        (
            ["report", "--class", code, "--cohort", "A", "--out", str(tmp_path / "r.html")],
            "exactly one",
        ),
    ]
    for argv, words in cases:
        assert main([*argv, *db]) == 2, argv
        err = capsys.readouterr().err
        assert words in err and "Traceback" not in err, (argv, err)
    good = tmp_path / "a.txt"
    good.write_text("Hello there.\n")
    assert (
        main(
            [
                "join",
                code,
                "--trainee",
                "Ann",
                "--answers",
                str(good),
                "--scenario",
                "complaint_call",
                *db,
            ]
        )
        == 2
    )
    assert "not 'complaint_call'" in capsys.readouterr().err


# -- an older log --------------------------------------------------------------------------
def _v3_log_with_a_session(path: Path, catalog: Catalog, tmp_path: Path) -> str:
    """A log as mot-sim at schema v3 (before classes) left it, with one finished session.
    Its id."""
    donor = tmp_path / "donor.db"
    assert (
        main(
            [
                "play",
                SCENARIO,
                "--trainee",
                "Old Timer",
                "--answers",
                answers(tmp_path, catalog, "old"),
                "--db",
                str(donor),
            ]
        )
        == 0
    )
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:3]:
        apply_migration(db, step)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 3")
    db.execute("ATTACH DATABASE ? AS donor", (str(donor),))
    for table in ("trainees", "sessions", "turns"):
        columns = [r[1] for r in db.execute(f"PRAGMA main.table_info({table})")]
        cols = ", ".join(columns)
        db.execute(f"INSERT INTO main.{table} ({cols}) SELECT {cols} FROM donor.{table}")
    db.commit()
    db.execute("DETACH DATABASE donor")
    (sid,) = db.execute("SELECT id FROM sessions").fetchone()
    db.close()
    return str(sid)


def test_an_older_log_is_migrated_and_read_without_change(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "old.db"
    sid = _v3_log_with_a_session(log, catalog, tmp_path)
    before = hashlib.sha256(log.read_bytes()).hexdigest()
    # Reading (history, export, status, roster) upgrades nothing: the file is unchanged.
    for argv in (
        ["history"],
        ["export", "--format", "csv"],
        ["db", "status"],
        ["status", "--cohort", "A"],
    ):
        assert main([*argv, "--db", str(log)]) == 0, argv
    assert "classes    0" in capsys.readouterr().out
    assert main(["class", "roster", "K7P3QX", "--db", str(log)]) == 2
    assert "no class has the code" in capsys.readouterr().err
    assert hashlib.sha256(log.read_bytes()).hexdigest() == before
    # Writing migrates it: the session is whole, the classroom works on it.
    store = SqliteStore(log)
    try:
        assert store.schema_version == len(MIGRATIONS) == 4
        rec = store.session(sid)
        assert rec.summary.trainee.name == "Old Timer" and len(rec.turns) == 5
        room = Classroom(store, catalog)
        cls = room.start([SCENARIO], "practice")
        room.join(cls.code, "Old Timer")
        assert [e.status for e in room.roster(cls.code)] == ["joined"]
        made = room.override(sid, "solve", 40, "old session, new audit", "Tess")
        assert store.overrides([sid]) == [made]
    finally:
        store.close()


def test_an_older_postgres_log_is_read_as_is_then_migrated(pg_server: Server) -> None:
    name = pg_server.create_database()
    url = pg_server.url(name)
    try:
        with psycopg.connect(url) as db:
            for step in PG_MIGRATIONS[:2]:
                for statement in step.split(";"):
                    if statement.strip():
                        db.execute(statement.encode())
            db.execute(
                "INSERT INTO mot_sim.schema_version (application, version) VALUES ('mot-sim', 2)"
            )
            db.execute(
                "INSERT INTO mot_sim.trainees (name, name_key, created_at) VALUES ('Old', 'old', now())"
            )
            db.execute(
                "INSERT INTO mot_sim.sessions (id, trainee_id, scenario_id, content_hash, mode,"
                " started_at, status) VALUES ('s1', 1, 'pickle_request', 'h', 'exam', now(),"
                " 'in_progress')"
            )
        reader = open_store(url, read_only=True)
        assert reader.schema_version == 2
        assert reader.get_class("K7P3QX") is None and reader.overrides() == []
        assert reader.sessions(class_code="K7P3QX") == []
        assert [s.id for s in reader.sessions()] == ["s1"]
        assert set(reader.classroom_counts().values()) == {0}
        reader.change_token("K7P3QX")
        reader.close()
        store = open_store(url)
        assert store.schema_version == len(PG_MIGRATIONS) == 3
        room = Classroom(store)
        cls = room.start([SCENARIO], "exam")
        assert room.get(cls.code) == cls and [s.id for s in store.sessions()] == ["s1"]
        store.close()
    finally:
        pg_server.drop_database(name)


# -- db copy -------------------------------------------------------------------------------
def _busy_class(log: str, catalog: Catalog, tmp_path: Path) -> str:
    """A class with everything in it: joins, sessions, an override, marks, a reveal, an
    assignment, a closed class beside it. The open class's code."""
    db = ["--db", log]
    assert (
        main(
            [
                "class",
                "start",
                "--scenario",
                SCENARIO,
                "--mode",
                "practice",
                "--password",
                "pw",
                "--cohort",
                "C",
                *db,
            ]
        )
        == 0
    )
    store = open_store(log)
    try:
        (code,) = [c.code for c in store.dump_classroom().classes]
        assert (
            main(
                [
                    "join",
                    code,
                    "--trainee",
                    "Ann",
                    "--password",
                    "pw",
                    "--answers",
                    answers(tmp_path, catalog, "a"),
                    *db,
                ]
            )
            == 0
        )
        assert (
            main(
                [
                    "join",
                    code,
                    "--trainee",
                    "Ben",
                    "--password",
                    "pw",
                    "--answers",
                    answers(tmp_path, catalog, "b", poor=True),
                    *db,
                ]
            )
            == 0
        )
        room = Classroom(store, catalog)
        room.join(code, "Dee", "pw")
        sid = store.sessions(class_code=code)[0].id
        room.override(sid, "solve", 12, "copied too", "Tess")
        room.star(code, sid, "solve")
        room.hide(code, sid, "diagnose")
        room.reveal(code, "solve")
        room.assign("C", SCENARIO, "2031-03-04", "Tess")
        closed = room.start([SCENARIO], "exam")
        room.end(closed.code)
    finally:
        store.close()
    return code


def _classroom(log: str) -> ClassroomRows:
    store = open_store(log, read_only=True)
    try:
        return store.dump_classroom()
    finally:
        store.close()


def _comparable(rows: ClassroomRows) -> dict[str, list[tuple[str, ...]]]:
    """Rows as text, in a fixed order (times as PostgreSQL or SQLite print them)."""

    def norm(value: object) -> str:
        text = str(value)
        return text.replace("T", " ")[:19] if text[:4].isdigit() and "-" in text[:8] else text

    return {
        name: sorted(tuple(norm(v) for v in vars(r).values()) for r in getattr(rows, name))
        for name in vars(rows)
    }


def test_db_copy_carries_every_classroom_row_both_ways(
    tmp_path: Path, pg_url: str, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    source = str(tmp_path / "room.db")
    code = _busy_class(source, catalog, tmp_path)
    capsys.readouterr()
    assert main(["db", "copy", "--from", source, "--to", pg_url]) == 0
    out = capsys.readouterr().out
    assert "verified" in out and "2 of 2 classes" in out and "1 of 1 overrides" in out
    assert _comparable(_classroom(pg_url)) == _comparable(_classroom(source))
    assert main(["db", "copy", "--from", source, "--to", pg_url]) == 0  # again: nothing new
    assert "verified" in capsys.readouterr().out
    assert _comparable(_classroom(pg_url)) == _comparable(_classroom(source))
    back = str(tmp_path / "back.db")
    assert main(["db", "copy", "--from", pg_url, "--to", back]) == 0
    assert _comparable(_classroom(back)) == _comparable(_classroom(source))
    # The copies are classes that work: same roster, same summary, same gate.
    rosters = []
    for log in (source, pg_url, back):
        store = open_store(log)
        try:
            room = Classroom(store, catalog)
            rosters.append((room.roster(code), room.summary(code).trainees))
            with pytest.raises(Exception, match="password"):
                room.join(code, "Mallory", "wrong")
            room.join(code, "Eve", "pw")
        finally:
            store.close()
    assert rosters[0] == rosters[1] == rosters[2]
    assert main(["db", "status", "--db", pg_url]) == 0
    assert "overrides  1" in capsys.readouterr().out


# -- a tampered log ------------------------------------------------------------------------
def test_a_tampered_classroom_is_read_as_untrusted(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    log = str(tmp_path / "room.db")
    code = _busy_class(log, catalog, tmp_path)
    db = sqlite3.connect(log)
    evil = f"{ESC}]0;pwned\x07{ESC}[2J"
    sid = db.execute("SELECT session_id FROM overrides").fetchone()[0]
    # The trail refuses to be rewritten, even by hand (a trigger).
    with pytest.raises(sqlite3.DatabaseError, match="append only"):
        db.execute("UPDATE overrides SET new_score = 100")
    with pytest.raises(sqlite3.DatabaseError, match="append only"):
        db.execute("DELETE FROM overrides")
    db.execute("DROP TRIGGER overrides_are_not_updated")  # someone with the file does it
    db.execute("UPDATE overrides SET reason = ?, by_name = ?", ("why" + evil, "Tess" + evil))
    db.execute(
        "INSERT INTO overrides VALUES ('x1', ?, 'solve', 500, 10, 'r', 'b', '2026-01-01')", (sid,)
    )
    db.execute("UPDATE class_members SET name = ? WHERE name = 'Dee'", ("Dee" + evil,))
    db.execute("UPDATE class_members SET name_key = 'dee-edited' WHERE name LIKE 'Dee%'")
    db.execute("UPDATE debrief_marks SET starred = 7")
    db.execute("INSERT INTO assignments VALUES ('C', 'x', 'soon', '2026-01-01', NULL)")
    db.commit()
    capsys.readouterr()
    # Every value is cleaned; the impossible override is named, the rest shown.
    assert main(["export", "--format", "csv", "--turns", "--class", code, "--db", log]) == 1
    out = capsys.readouterr()
    assert ESC not in out.out and "\x07" not in out.out and "whyTess" not in out.out
    assert f"session {sid}: damaged record (a trainer override" in out.err
    assert main(["class", "roster", code, "--db", log]) == 0
    out = capsys.readouterr()
    assert ESC not in out.out and "Dee" in out.out
    assert main(["class", "end", code, "--db", log]) == 0
    out = capsys.readouterr().out
    assert ESC not in out and "500" not in out and "why" in out
    assert main(["status", "--cohort", "C", "--db", log]) == 0
    assert "soon" not in capsys.readouterr().out
    store = open_store(log, read_only=True)
    assert store.marks(code) == [m for m in store.marks(code) if not m.starred]
    store.close()
    # A damaged class row is named, never a traceback; an edited password lets nobody in.
    db.execute(
        "UPDATE classes SET password_hash = 'pbkdf2_sha256$1$00$00', closed_at = NULL WHERE code = ?",
        (code,),
    )
    db.commit()
    assert (
        main(
            [
                "join",
                code,
                "--trainee",
                "Zed",
                "--password",
                "pw",
                "--answers",
                answers(tmp_path, catalog, "z"),
                "--db",
                log,
            ]
        )
        == 2
    )
    assert "needs its password" in capsys.readouterr().err
    db.execute("UPDATE classes SET scenarios_json = 'not json', closed_at = NULL")
    db.commit()
    db.close()
    assert main(["class", "roster", code, "--db", log]) == 2
    err = capsys.readouterr().err
    assert f"class {code}: damaged record" in err and "Traceback" not in err


# -- PostgreSQL roles ----------------------------------------------------------------------
def test_least_privilege_roles_run_a_class(
    pg_server: Server, catalog: Catalog, tmp_path: Path
) -> None:
    tag = uuid.uuid4().hex[:8]
    owner, app, hr = (f"{r}_{tag}" for r in ("own", "app", "hr"))
    for role in (owner, app, hr):
        pg_server.create_role(role)
    name = pg_server.create_database(owner=owner)
    try:
        url = {r: pg_server.url(name, user=r) for r in (owner, app, hr)}
        ok(
            mot_sim(
                "db", "migrate", "--db", url[owner], "--grant-writer", app, "--grant-reader", hr
            )
        )
        code = ok(
            mot_sim(
                "class",
                "start",
                "--scenario",
                SCENARIO,
                "--mode",
                "practice",
                "--cohort",
                "C",
                "--db",
                url[app],
            )
        ).splitlines()[0]
        out = ok(
            mot_sim(
                "join",
                code,
                "--trainee",
                "Ann",
                "--answers",
                answers(tmp_path, catalog, "a"),
                "--json",
                "--db",
                url[app],
            )
        )
        sid = json.loads(out)["session"]
        ok(
            mot_sim(
                "override",
                sid,
                "solve",
                "--score",
                "30",
                "--reason",
                "r",
                "--by",
                "T",
                "--db",
                url[app],
            )
        )
        ok(
            mot_sim(
                "assign",
                "--cohort",
                "C",
                "--scenario",
                SCENARIO,
                "--due",
                "2031-01-01",
                "--db",
                url[app],
            )
        )
        store = open_store(url[app])
        room = Classroom(store, catalog)
        room.star(code, sid, "solve")
        room.star(code, sid, "solve", starred=False)
        room.reveal(code, "solve")
        room.reveal(code, "solve", revealed=False)
        store.close()
        ok(mot_sim("class", "end", code, "--db", url[app]))
        # The reader reads the class; nobody rewrites the audit, the owner included.
        assert "Ann" in ok(mot_sim("class", "roster", code, "--db", url[hr]))
        ok(mot_sim("export", "--format", "csv", "--class", code, "--db", url[hr]))
        ok(mot_sim("status", "--cohort", "C", "--db", url[hr]))
        out = mot_sim("class", "start", "--scenario", SCENARIO, "--mode", "exam", "--db", url[hr])
        assert out.returncode == 2 and "may not" in out.stderr
        for who, statement in (
            (app, "UPDATE mot_sim.overrides SET new_score = 100"),
            (app, "DELETE FROM mot_sim.overrides"),
            (app, "DELETE FROM mot_sim.classes"),
            (app, "UPDATE mot_sim.classes SET password_hash = NULL"),
            (
                hr,
                "INSERT INTO mot_sim.overrides (id, session_id, stage, machine_score,"
                " new_score, reason, by_name, at) VALUES ('x', 'y', 'solve', 1, 1, 'r', 'b',"
                " now())",
            ),
            (hr, "UPDATE mot_sim.classes SET closed_at = NULL"),
        ):
            with (
                pytest.raises(psycopg.errors.InsufficientPrivilege),
                psycopg.connect(url[who], autocommit=True) as db,
            ):
                db.execute(statement.encode())
        for statement in (
            "UPDATE mot_sim.overrides SET new_score = 100",
            "DELETE FROM mot_sim.overrides",
        ):
            with (
                pytest.raises(psycopg.errors.RaiseException, match="append only"),
                psycopg.connect(url[owner], autocommit=True) as db,
            ):
                db.execute(statement.encode())
    finally:
        pg_server.drop_database(name)
        for role in (owner, app, hr):
            pg_server.admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_no_command_module_imports_the_service_before_it_runs() -> None:
    # `mot-sim --help` stays fast: the classroom commands are imported only when run.
    out = subprocess.run(
        [shutil.which("mot-sim") or "mot-sim", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},
        timeout=60,
    )
    assert out.returncode == 0 and "class" in out.stdout and "override" in out.stdout
    assert "mot_sim.classroom" not in out.stderr and "mot_sim.cli.class_cmds" not in out.stderr


def _read_everything(room: Classroom, code: str) -> list[object]:
    """What the console and the CLI read of a class; our own refusals count as read."""
    from mot_sim.errors import MotSimError

    reads: list[Callable[[], object]] = [
        lambda: room.roster(code),
        lambda: room.leaderboard(code, anonymous=True),
        lambda: room.leaderboard(code),
        lambda: room.debrief(code, "solve"),
        lambda: room.summary(code),
        lambda: room.assignments("C"),
        lambda: room.changed(code),
    ]
    seen: list[object] = []
    for read in reads:
        try:
            seen.append(read())
        except MotSimError as exc:
            seen.append(str(exc))
    return seen


HOSTILE_VALUES: list[object] = [
    None,
    f"{ESC}[2J{ESC}]0;owned\x07",
    2**63 - 1,
    "9" * 400,
    -1,
    b"\x00\xff",
    "[" * 5000,
    1.5,
]


def test_every_classroom_value_may_be_hostile(
    tmp_path: Path, catalog: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each value of each classroom table, replaced by what a hand edit could leave:
    reading the class (roster, leaderboard, debrief, summary, assignments, exports) gives
    our own errors or clean data, never a traceback or an escape sequence."""
    base = tmp_path / "base.db"
    code = _busy_class(str(base), catalog, tmp_path)
    capsys.readouterr()
    with sqlite3.connect(base) as db:
        db.execute("DROP TRIGGER overrides_are_not_updated")
        columns = {
            t: [r[1] for r in db.execute(f"PRAGMA table_info({t})")]
            for t in ("classes", "class_members", "class_sessions", "overrides",
                      "debrief_marks", "class_reveals", "assignments")
        }  # fmt: skip
    db.close()
    cases = 0
    for table, names in columns.items():
        for column in names:
            for value in HOSTILE_VALUES:
                log = tmp_path / "case.db"
                shutil.copy(base, log)
                with sqlite3.connect(log) as db:
                    try:
                        db.execute(f"UPDATE {table} SET {column} = ?", (value,))
                    except sqlite3.IntegrityError:
                        continue  # the schema itself refuses it (NOT NULL, CHECK)
                db.close()
                cases += 1
                store = open_store(log, read_only=True)
                try:
                    seen = _read_everything(Classroom(store, catalog), code)
                    store.dump_classroom()  # raw rows for a copy: read, checked by the copy
                finally:
                    store.close()
                assert "\\x1b" not in repr(seen), (table, column, value)
                if value != HOSTILE_VALUES[1]:
                    continue  # the commands print: their cases are the escapes
                for argv in (
                    ["class", "roster", code],
                    ["class", "end", code],
                    ["export", "--format", "csv", "--turns", "--class", code],
                    ["status", "--cohort", "C"],
                ):
                    assert main([*argv, "--db", str(log)]) in (0, 1, 2), (table, column, argv)
                    out = capsys.readouterr()
                    assert ESC not in out.out and ESC not in out.err, (table, column, argv)
                    assert "Traceback" not in out.err
    assert cases > 100


def test_status_of_a_cohort_nobody_is_in_yet_lists_its_assignments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--db", str(tmp_path / "log.db")]
    assert main(["status", "--cohort", "Autumn", *db]) == 0
    assert "no assignments for cohort 'Autumn'" in capsys.readouterr().out
    argv = ["assign", "--cohort", "Autumn", "--scenario", SCENARIO, "--due", "2030-12-01"]
    assert main([*argv, *db]) == 0
    capsys.readouterr()
    assert main(["status", "--cohort", "Autumn", *db]) == 0
    out = capsys.readouterr().out
    assert f"{SCENARIO} due 2030-12-01" in out
    assert "nobody is in cohort 'Autumn' yet" in out
