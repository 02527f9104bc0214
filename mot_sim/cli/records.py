"""Score-log commands: trainee, history, show, export, report."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from mot_sim import locations
from mot_sim.cli.format import final_summary, transcript
from mot_sim.errors import MotSimError
from mot_sim.matching.text import clean_text
from mot_sim.stages import STAGE_IDS
from mot_sim.store import Store, open_store
from mot_sim.store.records import SessionRecord, Trainee

Add = Callable[[str, Callable[[argparse.Namespace], int], str], argparse.ArgumentParser]


def _store(args: argparse.Namespace) -> Store:
    return open_store(locations.default_db_path(getattr(args, "db", None)))


def _titles(args: argparse.Namespace) -> dict[str, str]:
    """Scenario titles for display; ids stand in for scenarios no longer installed."""
    from mot_sim.catalog import load_catalog
    from mot_sim.cli.commands import scenario_dirs

    try:
        cat = load_catalog(scenario_dirs(args))
    except MotSimError:
        return {}
    return {sid: ls.scenario.title for sid, ls in cat.scenarios.items()}


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise MotSimError(f"--since {value!r}: expected a date like 2026-11-01") from None


def _write(text: str, out: str | None) -> None:
    if not out or out == "-":
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise MotSimError(f"cannot write {out}: {exc.strerror}") from None
    print(f"wrote {out}", file=sys.stderr)


def cmd_trainee(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        name = " ".join(clean_text(args.name).split())
        if not name:
            raise MotSimError("the trainee's name is empty")
        store.upsert_trainee(Trainee(name, args.employee_id, args.cohort))
    finally:
        store.close()
    print(f"recorded trainee {name!r}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        sessions = store.sessions(trainee=args.trainee)
    finally:
        store.close()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "session_id": s.id,
                        "trainee": s.trainee.name,
                        "cohort": s.trainee.cohort,
                        "scenario": s.scenario_id,
                        "mode": s.mode,
                        "started_at": s.started_at,
                        "ended_at": s.ended_at,
                        "status": s.status,
                        "score": s.result.overall if s.result else None,
                        "band": s.result.band if s.result else None,
                        "passed": s.result.passed if s.result else None,
                    }
                    for s in sessions
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not sessions:
        print("no sessions recorded" + (f" for {clean_text(args.trainee)}" if args.trainee else ""))
        return 0
    print(
        f"{'date (UTC)':<17} {'session':<8} {'trainee':<16} {'scenario':<20} {'mode':<8} "
        f"{'score':>5}  {'band':<15} status"
    )
    for s in sessions:
        r = s.result
        print(
            f"{s.started_at.replace('T', ' ')[:16]:<17} {s.id[:8]:<8} {clean_text(s.trainee.name)[:16]:<16} "
            f"{clean_text(s.scenario_id)[:20]:<20} {s.mode:<8} {'' if r is None else r.overall:>5}  "
            f"{'' if r is None else r.band:<15} {s.status.replace('_', ' ')}"
        )
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        rec = store.session(args.session)
    finally:
        store.close()
    s = rec.summary
    models: dict[str, str] = {}
    try:
        from mot_sim.catalog import load_catalog
        from mot_sim.cli.commands import scenario_dirs

        scenario = load_catalog(scenario_dirs(args)).get(s.scenario_id).scenario
        models = {k: scenario.stage(k).model_answers[0] for k in STAGE_IDS}
        customer = scenario.customer.name
    except MotSimError:
        customer = "Customer"
    print(
        f"session {clean_text(s.id)}  {clean_text(s.trainee.name)}  {clean_text(s.scenario_id)}  "
        f"{s.mode}  "
        f"started {s.started_at}  {s.status.replace('_', ' ')}"
    )
    print("\n".join(transcript(rec.turns, customer, s.trainee.name, models)))
    if s.result:
        print("\n".join(final_summary(s.result)))
    return 0


def _records(args: argparse.Namespace, store: Store) -> list[SessionRecord]:
    return store.records(args.trainee, args.cohort, _since(getattr(args, "since", None)))


def cmd_export(args: argparse.Namespace) -> int:
    from mot_sim.reports import tabular, xapi

    store = _store(args)
    try:
        if args.format == "csv" and not args.turns:
            rows = [
                tabular.session_row(s)
                for s in store.sessions(
                    trainee=args.trainee, cohort=args.cohort, since=_since(args.since)
                )
            ]
            _write(tabular.to_csv(tabular.SESSION_COLUMNS, rows), args.out)
            return 0
        records = _records(args, store)
    finally:
        store.close()
    if args.format == "csv":
        rows = [row for rec in records for row in tabular.turn_rows(rec)]
        _write(tabular.to_csv(tabular.TURN_COLUMNS, rows), args.out)
    elif args.format == "jsonl":
        _write(tabular.to_jsonl(records), args.out)
    else:
        titles = _titles(args)
        statements = [st for rec in records for st in xapi.statements(rec, titles, args.homepage)]
        _write(json.dumps(statements, ensure_ascii=False, indent=2) + "\n", args.out)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from mot_sim.reports.html import render_report

    if bool(args.trainee) == bool(args.cohort):
        raise MotSimError("report needs exactly one of --trainee NAME or --cohort NAME")
    store = _store(args)
    try:
        records = _records(args, store)
    finally:
        store.close()
    subject, kind = (args.trainee, "trainee") if args.trainee else (args.cohort, "cohort")
    _write(render_report(subject, kind, records, _titles(args)), args.out)
    return 0


def register(add: Add) -> None:
    p = add("trainee", cmd_trainee, "record a trainee's employee id and cohort")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--employee-id", metavar="ID")
    p.add_argument("--cohort", metavar="NAME")

    p = add("history", cmd_history, "sessions recorded: date, scenario, mode, score, status")
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("show", cmd_show, "one session's annotated transcript")
    p.add_argument("session", metavar="SESSION_ID", help="the id, or a unique prefix of it")

    p = add("export", cmd_export, "export sessions for HR: CSV, JSON Lines or xAPI")
    p.add_argument("--format", choices=["csv", "jsonl", "xapi"], required=True)
    p.add_argument("--out", metavar="FILE", help="default: standard output")
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--cohort", metavar="NAME")
    p.add_argument("--since", metavar="DATE", help="sessions started on or after (YYYY-MM-DD)")
    p.add_argument("--turns", action="store_true", help="CSV: one row per turn")
    p.add_argument(
        "--homepage",
        metavar="URL",
        default="https://hr.invalid",
        help="xAPI: your organisation's system, for the actor's account",
    )

    p = add("report", cmd_report, "a self-contained HTML report for a trainee or a cohort")
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--cohort", metavar="NAME")
    p.add_argument("--out", metavar="FILE.html", required=True)
