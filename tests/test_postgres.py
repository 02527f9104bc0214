"""The PostgreSQL backend's own cases, on a real server (tests/pg.py): migrations, other
programs' databases, credentials and passwords, least-privilege roles, many writers at
once and writers killed mid-transaction. What both backends share is in test_store.py."""

from __future__ import annotations

import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from mot_sim import locations
from mot_sim.catalog import Catalog
from mot_sim.engine import Encounter
from mot_sim.errors import StoreError
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS
from mot_sim.store import open_store
from mot_sim.store.postgres import LATEST, MIGRATIONS, PostgresStore
from mot_sim.store.recorder import Recorder
from mot_sim.store.records import Trainee
from tests.conftest import ROOT
from tests.pg import Server, dbname


def mot_sim(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mot_sim", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def catalogue(url: str) -> list[tuple[Any, ...]]:
    """Every relation in the database with its row count: what 'untouched' means."""
    with psycopg.connect(url, autocommit=True) as db:
        found = db.execute(
            "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n"
            " ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog',"
            " 'information_schema', 'pg_toast') ORDER BY 1, 2"
        ).fetchall()
        out = []
        for schema, name, kind in found:
            count = None
            if kind == "r":
                query = sql.SQL("SELECT count(*) FROM {}.{}").format(
                    sql.Identifier(schema), sql.Identifier(name)
                )
                count = db.execute(query).fetchone()
            out.append((schema, name, kind, count))
        return out


def run_sql(url: str, *statements: str) -> None:
    with psycopg.connect(url, autocommit=True) as db:
        for statement in statements:
            db.execute(statement.encode())


def at_version(url: str, version: int) -> None:
    """A log as mot-sim at schema ``version`` left it."""
    with psycopg.connect(url) as db:
        for step in MIGRATIONS[:version]:
            for statement in step.split(";"):
                if statement.strip():
                    db.execute(statement.encode())
        db.execute(
            "INSERT INTO mot_sim.schema_version (application, version) VALUES ('mot-sim', %s)",
            (version,),
        )


def test_migrates_an_empty_database_and_each_earlier_version(
    pg_url: str, pg_server: Server
) -> None:
    fresh = open_store(pg_url)
    assert isinstance(fresh, PostgresStore) and fresh.schema_version == LATEST
    fresh.close()
    for version in range(1, LATEST):
        name = pg_server.create_database()
        url = pg_server.url(name)
        at_version(url, version)
        run_sql(
            url,
            "INSERT INTO mot_sim.trainees (name, name_key, created_at)"
            " VALUES ('Old', 'old', '2025-01-01')",
            "INSERT INTO mot_sim.sessions (id, trainee_id, scenario_id, content_hash, mode,"
            " started_at, status) VALUES ('s1', 1, 'pickle_request', 'h', 'exam',"
            " '2025-01-01T10:00:00+00:00', 'in_progress')",
        )
        reader = open_store(url, read_only=True)  # reading upgrades nothing
        assert [s.id for s in reader.sessions(trainee="OLD")] == ["s1"]
        assert reader.schema_version == version
        reader.close()
        store = open_store(url)
        assert store.schema_version == LATEST
        (s,) = store.sessions(trainee="old")
        assert s.started_at == "2025-01-01T10:00:00+00:00"
        store.close()
        pg_server.drop_database(name)


@pytest.mark.parametrize("kind", ["another program", "its own mot_sim schema", "newer"])
def test_another_programs_database_is_refused_untouched(pg_url: str, kind: str) -> None:
    if kind == "another program":
        run_sql(pg_url, "CREATE TABLE invoices (id int)", "INSERT INTO invoices VALUES (1)")
    elif kind == "its own mot_sim schema":
        run_sql(pg_url, "CREATE SCHEMA mot_sim", "CREATE TABLE mot_sim.trainees (x int)")
    else:
        open_store(pg_url).close()
        run_sql(pg_url, f"UPDATE mot_sim.schema_version SET version = {LATEST + 5}")
    before = catalogue(pg_url)
    expected = "newer mot-sim" if kind == "newer" else "another program"
    for read_only in (False, True):
        with pytest.raises(StoreError, match=expected) as exc:
            open_store(pg_url, read_only=read_only)
        assert "postgresql://" in str(exc.value)
    for argv in (["history"], ["trainee", "Sam"], ["db", "migrate"]):
        out = mot_sim(*argv, env={"MOT_SIM_DB": pg_url})
        assert out.returncode == 2 and expected in out.stderr, out.stderr
        assert "Traceback" not in out.stderr
    assert catalogue(pg_url) == before


def test_reading_creates_and_changes_nothing(pg_url: str) -> None:
    reader = open_store(pg_url, read_only=True)
    assert reader.sessions() == [] and reader.records() == []
    with pytest.raises(StoreError, match="no session"):
        reader.session("abc")
    with pytest.raises(StoreError, match="reading only"):
        reader.start_session("s", "Sam", "pickle_request", "h", "exam")
    reader.close()
    out = mot_sim("history", "--json", env={"MOT_SIM_DB": pg_url})
    assert out.returncode == 0 and out.stdout.strip() == "[]"
    assert catalogue(pg_url) == []  # no schema, no table: nothing was created


def test_hostile_values_are_stored_as_text(pg_url: str) -> None:
    store = open_store(pg_url)
    name = "Robert'); DROP TABLE mot_sim.turns; --"
    cohort = "x' OR '1'='1"
    store.upsert_trainee(Trainee(name, "E1%s", cohort))
    store.start_session("a'b%s", name, "pickle_request", "h", "exam")
    assert [s.trainee for s in store.sessions(cohort=cohort)] == [Trainee(name, "E1%s", cohort)]
    assert store.sessions(cohort="x") == []
    assert store.session("a'b").summary.id == "a'b%s"
    store.close()
    assert ("mot_sim", "turns", "r", (0,)) in catalogue(pg_url)


def test_a_dropped_connection_is_made_again(
    pg_url: str, pg_server: Server, catalog: Catalog, scorer: Scorer
) -> None:
    """A server restart or failover in the middle of an encounter costs the trainer
    nothing: the next read or write reconnects and goes on."""
    store = open_store(pg_url)
    assert isinstance(store, PostgresStore)
    enc = Encounter(catalog.get("pickle_request").scenario, scorer, "Sam")
    rec = Recorder(store, "h")
    enc.subscribe(rec)

    def drop() -> None:
        pg_server.admin.execute("SELECT pg_terminate_backend(%s)", (store._db.info.backend_pid,))

    for n, stage in enumerate(STAGE_IDS):
        drop()
        enc.answer(enc.model_answers(stage)[0])  # a write on a dead connection
        drop()
        assert store.session(rec.session_id or "").summary.turn_count == n + 1  # a read
    drop()
    assert [len(r.turns) for r in store.records()] == [5]
    assert store.sessions()[0].status == "completed"
    store.close()


def test_without_the_extra_the_message_says_how_to_install_it(pg_url: str) -> None:
    code = (
        "import sys; sys.modules['psycopg'] = None\n"
        "from mot_sim.cli.main import main\n"
        "sys.exit(main(['history', '--db', sys.argv[1]]))\n"
    )
    secret_url = pg_url.replace("postgres@", "postgres:hunter2@")
    out = subprocess.run(
        [sys.executable, "-c", code, secret_url], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "pip install 'mot-sim[postgres]'" in out.stderr
    assert "hunter2" not in out.stderr and "postgres:***@" in out.stderr


# -- credentials and passwords ------------------------------------------------------------
@pytest.mark.parametrize(
    ("location", "shown", "password"),
    [
        ("postgresql://app:s3cr%40t@db.example.org:5432/mot?sslmode=require",
         "postgresql://app:***@db.example.org:5432/mot?sslmode=require", "s3cr%40t"),
        ("postgres://app@db/mot", "postgres://app@db/mot", None),
        ("postgresql:///mot?host=/run/pg&password=abc",
         "postgresql:///mot?host=/run/pg&password=***", "abc"),
        ("postgresql://:pw@/mot", "postgresql://:***@/mot", "pw"),
        ("postgresql://a:b:c@[::1]:5/d", "postgresql://a:***@[::1]:5/d", "b:c"),
        ("/srv/log.db", "/srv/log.db", None),
        ("postgresql://app:pw@[bad/mot", "postgresql://(unreadable URL)", None),
    ],
)  # fmt: skip
def test_locations_are_shown_without_their_password(
    location: str, shown: str, password: str | None
) -> None:
    assert locations.redact(location) == shown
    assert locations.db_password(location) == password
    assert locations.is_db_url(location) == location.startswith("postgres")
    if locations.is_db_url(location):
        wrapped = locations.default_db_path(location)  # a Path for older callers
        assert str(wrapped) == shown and wrapped.url == location  # type: ignore[attr-defined]


def test_every_test_the_deploy_guide_names_exists() -> None:
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(test_[a-z0-9_]+)\b", text))
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("*.py"))
    assert named and sorted(n for n in named if f"def {n}(" not in source) == []


def test_passwords_come_from_the_environment_pgpass_or_a_private_settings_file(
    pg_url: str, pg_server: Server, tmp_path: Path
) -> None:
    password = "s3cret-Pa55"
    role = f"trainer_{os.getpid()}"
    pg_server.create_role(role, password)
    name = dbname(pg_url)
    pg_server.admin.execute(
        sql.SQL("GRANT ALL ON DATABASE {} TO {}").format(sql.Identifier(name), sql.Identifier(role))
    )
    pg_server.admin.execute(
        sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name), sql.Identifier(role))
    )
    bare = pg_server.url(name, user=role)
    home = tmp_path / "home"
    home.mkdir()
    base = {"HOME": str(home), "MOT_SIM_DATA": str(home / "data")}
    # No password anywhere: refused by the server, said plainly.
    out = mot_sim("trainee", "Sam", env={**base, "MOT_SIM_DB": bare})
    assert out.returncode == 2 and "password" in out.stderr and "Traceback" not in out.stderr
    # The environment.
    out = mot_sim("trainee", "Sam", env={**base, "MOT_SIM_DB": bare, "PGPASSWORD": password})
    assert out.returncode == 0, out.stderr
    # ~/.pgpass (private, as libpq requires).
    pgpass = home / ".pgpass"
    pgpass.write_text(f"*:*:*:{role}:{password}\n")
    pgpass.chmod(0o600)
    out = mot_sim("trainee", "Kim", env={**base, "MOT_SIM_DB": bare})
    assert out.returncode == 0, out.stderr
    pgpass.unlink()
    # The settings file, written private; refused once others can read it.
    with_password = pg_server.url(name, user=role, password=password)
    env = {**base, "MOT_SIM_DB": ""}
    out = mot_sim("config", "db", with_password, env=env)
    assert out.returncode == 0 and password not in out.stdout + out.stderr
    settings = home / "data" / "settings.json"
    assert settings.stat().st_mode & 0o777 == 0o600
    out = mot_sim("config", env=env)
    assert password not in out.stdout and f"{role}:***@" in out.stdout
    out = mot_sim("trainee", "Lee", env=env)
    assert out.returncode == 0, out.stderr
    settings.chmod(0o644)
    out = mot_sim("trainee", "Lee", env=env)
    assert out.returncode == 2 and "chmod 600" in out.stderr
    assert password not in out.stderr
    history = mot_sim("history", "--json", env={**base, "MOT_SIM_DB": with_password})
    assert history.returncode == 0 and history.stdout.strip() == "[]"  # trainees, no sessions
    names = {t.name for t in open_store(with_password, read_only=True).dump_trainees()}
    assert names == {"Sam", "Kim", "Lee"}


def test_a_password_never_appears_in_messages_or_output(
    pg_url: str, pg_server: Server, tmp_path: Path
) -> None:
    password = "Wr0ng/pa:ss@word"
    role = f"clerk_{os.getpid()}"
    pg_server.create_role(role, "the-right-one")
    name = dbname(pg_url)
    wrong = pg_server.url(name, user=role, password=password)
    for argv in (["history"], ["trainee", "Sam"], ["db", "status"]):
        out = mot_sim(*argv, "--db", wrong)
        assert out.returncode == 2 and "Traceback" not in out.stderr
        assert "password authentication failed" in out.stderr
        for form in (password, "Wr0ng", "pa:ss"):
            assert form not in out.stderr + out.stdout
        assert f"{role}:***@" in out.stderr
        assert "can be seen by other users" in out.stderr  # a password in --db
    # A password in the query is masked the same way, and the copy's both ends too.
    in_query = pg_url + "&password=" + "hunter2"
    out = mot_sim("db", "copy", "--from", str(tmp_path / "none.db"), "--to", in_query)
    assert "hunter2" not in out.stderr + out.stdout and "password=***" in out.stdout
    answers = tmp_path / "a.txt"
    answers.write_text("Good afternoon Mrs Ellis!\n")
    out = mot_sim("play", "pickle_request", "--answers", str(answers), "--db", in_query)
    assert out.returncode == 1 and "hunter2" not in out.stdout + out.stderr
    assert "password=***" in out.stdout  # "kept unfinished in postgresql://...password=***"


# -- least privilege ------------------------------------------------------------------------
def guide_sql() -> list[str]:
    """The ```sql blocks of docs/deploy.md, in order."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", text, re.S)


def test_least_privilege_roles_as_the_deploy_guide_sets_them_up(
    pg_server: Server, catalog: Catalog, tmp_path: Path
) -> None:
    cluster, in_database = guide_sql()
    pg_server.admin.execute("DROP DATABASE IF EXISTS mot_sim WITH (FORCE)")
    for role in ("mot_sim_owner", "mot_sim_app", "mot_sim_hr"):
        pg_server.admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
    for statement in cluster.split(";"):
        if statement.strip():
            pg_server.admin.execute(statement.encode())
    try:
        run_sql(pg_server.url("mot_sim"), in_database)
        owner, app, hr = (
            pg_server.url("mot_sim", user=r) for r in ("mot_sim_owner", "mot_sim_app", "mot_sim_hr")
        )
        # Before migration the writer may not create the log, and says what to do.
        out = mot_sim("trainee", "Sam", "--db", app)
        assert out.returncode == 2 and "mot-sim db migrate" in out.stderr, out.stderr
        out = mot_sim(
            "db", "migrate", "--db", owner, "--grant-writer", "mot_sim_app",
            "--grant-reader", "mot_sim_hr",
        )  # fmt: skip
        assert out.returncode == 0, out.stderr
        assert f"schema v{LATEST}" in out.stdout
        # The writer records, resumes and finishes sessions...
        answers = tmp_path / "answers.txt"
        sc = catalog.get("pickle_request").scenario
        answers.write_text("\n".join(sc.stage(s).model_answers[0] for s in STAGE_IDS[:2]))
        out = mot_sim("play", "pickle_request", "--answers", str(answers), "--trainee", "Sam",
                      "--cohort", "A", "--db", app)  # fmt: skip
        assert out.returncode == 1 and "Resume it with" in out.stdout, out.stderr
        sid = re.search(r"--resume (\S+)", out.stdout).group(1)  # type: ignore[union-attr]
        answers.write_text("\n".join(sc.stage(s).model_answers[0] for s in STAGE_IDS[2:]))
        out = mot_sim("play", "pickle_request", "--resume", sid, "--answers", str(answers),
                      "--db", app)  # fmt: skip
        assert out.returncode == 0, out.stderr
        # ...and copies a classroom's log in (only inserts and the granted updates)...
        room = tmp_path / "room.db"
        answers.write_text("\n".join(sc.stage(s).model_answers[0] for s in STAGE_IDS[:1]))
        out = mot_sim("play", "pickle_request", "--answers", str(answers), "--trainee",
                      "SAM", "--employee-id", "E9", "--db", str(room))  # fmt: skip
        out = mot_sim("db", "copy", "--from", str(room), "--to", app)
        assert out.returncode == 0 and "verified" in out.stdout, out.stderr
        # ...the reader reads everything...
        out = mot_sim("export", "--format", "csv", "--turns", "--db", hr)
        assert out.returncode == 0 and out.stdout.count("\n") == 7, out.stderr
        assert out.stdout.count(",E9,") == 6  # the copy filled in Sam's employee id
        out = mot_sim("report", "--cohort", "A", "--out", str(tmp_path / "a.html"), "--db", hr)
        assert out.returncode == 0, out.stderr
        # ...and neither may change the schema or rewrite what was recorded.
        forbidden = {
            app: [
                "CREATE TABLE mot_sim.extra (i int)",
                "CREATE TABLE public.extra (i int)",
                "DROP TABLE mot_sim.turns",
                "ALTER TABLE mot_sim.turns ADD COLUMN x int",
                "TRUNCATE mot_sim.turns",
                "DELETE FROM mot_sim.turns",
                "DELETE FROM mot_sim.sessions",
                "UPDATE mot_sim.turns SET reply = 'rewritten'",
                "UPDATE mot_sim.sessions SET trainee_id = trainee_id",
                "UPDATE mot_sim.schema_version SET version = 99",
            ],
            hr: [
                "INSERT INTO mot_sim.trainees (name, name_key, created_at)"
                " VALUES ('x', 'x', now())",
                "UPDATE mot_sim.trainees SET cohort = 'B'",
                "CREATE TABLE mot_sim.extra (i int)",
            ],
        }
        for url, statements in forbidden.items():
            for statement in statements:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    run_sql(url, statement)
        out = mot_sim("trainee", "Kim", "--db", hr)
        assert out.returncode == 2 and "may not" in out.stderr
        # An older log: the writer is told to have the owner migrate it.
        run_sql(owner, "UPDATE mot_sim.schema_version SET version = 1")
        out = mot_sim("trainee", "Kim", "--db", app)
        assert out.returncode == 2 and "run `mot-sim db migrate` as the owner" in out.stderr
        out = mot_sim("history", "--db", hr)  # reading an older log needs no upgrade
        assert out.returncode == 0 and "Sam" in out.stdout
    finally:
        pg_server.admin.execute("DROP DATABASE IF EXISTS mot_sim WITH (FORCE)")


# -- many writers, and writers killed -----------------------------------------------------
def _writer(
    url: str, who: str, encounters: int, out: int, catalog: Catalog, scorer: Scorer
) -> None:
    """A forked writer: plays encounters, and reports each reply once add_turn returned."""
    store = open_store(url)
    scenario = catalog.get("complaint_call").scenario
    answers = [scenario.stage(s).model_answers[0] for s in STAGE_IDS]
    for _ in range(encounters):
        enc = Encounter(scenario, scorer, who)
        rec = Recorder(store, "h")
        enc.subscribe(rec)
        for i, answer in enumerate(answers):
            enc.answer(answer)  # the recorder wrote the turn before this returns
            os.write(out, f"{rec.session_id} {i}\n".encode())
    store.close()


def fork_writers(
    url: str, count: int, encounters: int, catalog: Catalog, scorer: Scorer
) -> list[tuple[int, int]]:
    """``count`` writer processes started at once; (pid, read end of its report pipe)."""
    # Warm up in the parent (imports, caches), so children only play and write.
    _writer(url, "warm-up", 1, os.open(os.devnull, os.O_WRONLY), catalog, scorer)
    procs = []
    for n in range(count):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            code = 1
            try:
                os.close(r)
                _writer(url, f"writer {n}", encounters, w, catalog, scorer)
                code = 0
            except BaseException as exc:
                os.write(2, f"writer {n}: {exc!r}\n".encode())
            finally:
                os._exit(code)
        os.close(w)
        procs.append((pid, r))
    return procs


def read_reports(procs: list[tuple[int, int]], until: float) -> dict[int, list[str]]:
    """Every line each writer reported, until all pipes close or ``until``."""
    lines: dict[int, bytes] = {r: b"" for _, r in procs}
    open_ends = set(lines)
    while open_ends and time.monotonic() < until:
        ready, _, _ = select.select(list(open_ends), [], [], 0.2)
        for r in ready:
            chunk = os.read(r, 65536)
            if chunk:
                lines[r] += chunk
            else:
                open_ends.discard(r)
    return {r: data.decode().splitlines() for r, data in lines.items()}


def test_sixty_four_writers_at_once_lose_nothing(
    pg_url: str, catalog: Catalog, scorer: Scorer
) -> None:
    procs = fork_writers(pg_url, 64, 2, catalog, scorer)
    reports = read_reports(procs, time.monotonic() + 300)
    codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid, _ in procs]
    for _, r in procs:
        os.close(r)
    assert codes == [0] * 64  # 0 errors
    store = open_store(pg_url, read_only=True)
    sessions = [s for s in store.sessions() if s.trainee.name != "warm-up"]
    assert len(sessions) == 128 and not store.damaged
    assert all(s.status == "completed" and s.turn_count == 5 for s in sessions)
    reported = {tuple(line.split()) for lines in reports.values() for line in lines}
    assert len(reported) == 640  # 0 lost turns: every reported turn is there...
    kept = {(r.summary.id, str(t.index)) for r in store.records() for t in r.turns}
    assert reported <= kept
    assert {s.trainee.name for s in sessions} == {f"writer {n}" for n in range(64)}


def test_writers_killed_mid_transaction_lose_no_answered_reply(
    pg_url: str, catalog: Catalog, scorer: Scorer
) -> None:
    procs = fork_writers(pg_url, 24, 50, catalog, scorer)
    rng = random.Random(7)
    deadline = {pid: time.monotonic() + rng.uniform(0.5, 4.0) for pid, _ in procs}
    reports: dict[int, list[str]] = {}
    alive = dict(procs)
    buffers = {r: b"" for _, r in procs}
    while alive:
        ready, _, _ = select.select(list(alive.values()), [], [], 0.05)
        for r in ready:
            buffers[r] += os.read(r, 65536)
        for pid in [p for p in alive if time.monotonic() >= deadline[p]]:
            os.kill(pid, signal.SIGKILL)  # wherever it is: often inside a transaction
            os.waitpid(pid, 0)
            r = alive.pop(pid)
            while chunk := os.read(r, 65536):  # what it reported before it died
                buffers[r] += chunk
            os.close(r)
    for r, data in buffers.items():
        reports[r] = data.decode().splitlines()
    answered = {tuple(line.split()) for lines in reports.values() for line in lines}
    assert len(answered) > 24  # the writers got going before they were killed
    store = open_store(pg_url, read_only=True)
    records = store.records()
    assert not store.damaged  # no half-written row or session is visible
    kept = {(r.summary.id, str(t.index)) for r in records for t in r.turns}
    assert answered <= kept  # 0 answered replies lost
    for r in records:  # each session is whole as far as it went: replies 0..n-1
        assert [t.index for t in r.turns] == list(range(len(r.turns)))
        assert r.summary.status in ("in_progress", "completed")
        assert r.summary.status == "in_progress" or len(r.turns) == 5
    # The killed writers left no lock behind: a new writer records at once.
    writer = open_store(pg_url)
    writer.start_session("after", "Sam", "pickle_request", "h", "exam")
    writer.close()
