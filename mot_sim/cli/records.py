"""Score-log commands: trainee, history, show, export, report, config.

The log is shared and may have been edited by anyone: history, show, export and report
open it read-only, print everything through :mod:`mot_sim.cli.streams` (no control
sequence reaches a terminal), name each damaged record on stderr (exit 1) and show the
rest. Exports and reports are written whole or not at all, never over the log itself.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mot_sim import locations, settings
from mot_sim.classroom import scores
from mot_sim.cli.format import final_summary, interface_lang, transcript
from mot_sim.cli.streams import for_terminal, say, write_data
from mot_sim.errors import MotSimError
from mot_sim.matching.text import clean_text
from mot_sim.stages import STAGE_IDS
from mot_sim.store import Store, open_store
from mot_sim.store.records import SessionRecord, SessionSummary, Trainee

if TYPE_CHECKING:
    from mot_sim.classroom.models import Override
    from mot_sim.models import Rubric
    from mot_sim.reports.html import ClassroomPart


def _log_location(args: argparse.Namespace) -> str:
    """The score log: a file path or a ``postgresql://`` URL."""
    return locations.db_location(getattr(args, "db", None))


def _store(args: argparse.Namespace, read_only: bool = False) -> Store:
    return open_store(_log_location(args), read_only=read_only)


def _damage(store: Store) -> int:
    """Name each session the reads skipped as damaged (on stderr); 1 if any, else 0."""
    for sid, why in store.damaged.items():
        print(for_terminal(f"session {sid}: damaged record ({why})"), file=sys.stderr)
    return 1 if store.damaged else 0


def _titles(args: argparse.Namespace) -> dict[str, str]:
    """Scenario titles for display; ids stand in for scenarios no longer installed."""
    return _library(args)[0]


def _library(args: argparse.Namespace) -> tuple[dict[str, str], Rubric | None]:
    """Scenario titles and the rubric (pass mark, bands), as far as they load."""
    from mot_sim.catalog import load_catalog
    from mot_sim.cli.commands import scenario_dirs

    try:
        cat = load_catalog(scenario_dirs(args))
    except MotSimError:
        return {}, None
    return {sid: ls.scenario.title for sid, ls in cat.scenarios.items()}, cat.library.rubric


def _locales(args: argparse.Namespace) -> dict[str, str]:
    """Each scenario's locale, as far as the catalogue loads."""
    from mot_sim.catalog import load_catalog
    from mot_sim.cli.commands import scenario_dirs

    try:
        cat = load_catalog(scenario_dirs(args))
    except MotSimError:
        return {}
    return {sid: ls.scenario.locale for sid, ls in cat.scenarios.items()}


def _rubric_alone() -> Rubric:
    """The rubric file by itself, for when the rule library does not load."""
    from mot_sim.catalog import validate_model
    from mot_sim.models import Rubric
    from mot_sim.yamlsrc import load_file

    return validate_model(Rubric, load_file(locations.scoring_dir() / "rubric.yaml"))


def _since(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise MotSimError(f"--since {value!r}: expected a date like 2026-11-01") from None


def _class_code(args: argparse.Namespace, store: Store) -> str | None:
    """The class ``--class`` names, checked (a wrong code is refused, exit 2)."""
    typed = getattr(args, "class_code", None)
    if typed is None:
        return None
    from mot_sim.classroom.service import Classroom

    return Classroom(store).get(typed).code


def _overrides(store: Store, sessions: list[SessionSummary]) -> list[Override]:
    """The audit trail of these sessions' overrides, oldest first."""
    return store.overrides([s.id for s in sessions]) if sessions else []


def _check_out(args: argparse.Namespace) -> None:
    """Refuse, before anything is read, an --out that would overwrite the score log."""
    from mot_sim.reports.files import refuse_log

    log = _log_location(args)
    if args.out and args.out != "-" and not locations.is_db_url(log):
        refuse_log(args.out, Path(log))


def _write(text: str, out: str | None, note: str = "") -> None:
    if not out or out == "-":
        write_data(text)
    else:
        from mot_sim.reports.files import write_atomically

        write_atomically(out, text)
        print(for_terminal(f"wrote {out}"), file=sys.stderr)
    if note:
        print(note, file=sys.stderr)


def _export_note(sessions: list[SessionSummary]) -> str:
    """Says which exported sessions carry a score, so nobody averages the others as 0."""
    from mot_sim.reports.summary import tally

    t = tally(sessions)
    count = f"{len(sessions)} session" + ("" if len(sessions) == 1 else "s")
    note = f"{count}: {t.finished} finished with a score"
    left = [f"{n} {what}" for n, what in ((t.unfinished, "unfinished"), (t.abandoned, "abandoned"))]
    left = [x for x in left if not x.startswith("0 ")]
    if left:
        note += f"; {' and '.join(left)} without one"
    return note + " (only finished encounters count in averages and pass rates)"


def cmd_trainee(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        name = " ".join(clean_text(args.name).split())
        if not name:
            raise MotSimError("the trainee's name is empty")
        who = store.upsert_trainee(Trainee(name, args.employee_id, args.cohort))
    finally:
        store.close()
    details = [f"employee id {who.employee_id}"] if who.employee_id else []
    details += [f"cohort {who.cohort}"] if who.cohort else []
    print(
        f"recorded trainee {clean_text(who.name)!r}"
        + (f" ({clean_text(', '.join(details))})" if details else "")
    )
    return 0


def _with_overrides(
    s: SessionSummary, found: scores.Latest, rubric: Rubric | None
) -> tuple[int | None, int]:
    """The session's overall with its trainers' overrides applied, and how many of its
    replies were overridden."""
    count = sum(1 for sid, _ in found if sid == s.id)
    if not s.finished or s.result is None:
        return None, count
    return scores.overall(s.result, s.id, found, rubric), count


def _history_row(
    s: SessionSummary, found: scores.Latest | None = None, rubric: Rubric | None = None
) -> dict[str, Any]:
    r = s.result if s.finished else None
    overall, count = _with_overrides(s, found or {}, rubric)
    return {
        "session_id": s.id,
        "trainee": s.trainee.name,
        "cohort": s.trainee.cohort,
        "scenario": s.scenario_id,
        "mode": s.mode,
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "status": s.state,
        "replies": s.turn_count,
        "score": r.overall if r else None,
        "band": r.band if r else None,
        "passed": r.passed if r else None,
        "score_with_overrides": overall,  # "score" stays the machine's
        "overridden_replies": count,
    }


def _dash(value: int | None) -> str:
    return "—" if value is None else str(value)


def _summary_lines(sessions: list[SessionSummary]) -> list[str]:
    """The per-trainee table of ``history``: attempts, best, latest, passed."""
    from mot_sim.reports.summary import tally, trainee_table

    def cut(text: str | None, width: int) -> str:
        text = clean_text(text or "")
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = [
        f"{'trainee':<20} {'scenario':<20} {'attempts':>8} {'best':>5} {'latest':>6}  "
        f"{'passed':<7} not counted"
    ]
    for row in trainee_table(sessions):
        lines.append(
            f"{cut(row.trainee, 20):<20} {cut(row.scenario_id, 20):<20} {row.attempts:>8} "
            f"{'—' if row.best is None else row.best:>5} "
            f"{'—' if row.latest is None else row.latest:>6}  "
            f"{('yes' if row.passed else 'not yet') if row.attempts else '—':<7} "
            f"{row.not_counted}".rstrip()
        )
    lines.append(tally(sessions).caption)
    return lines


def cmd_history(args: argparse.Namespace) -> int:
    from mot_sim.reports.summary import tally, trainee_table

    store = _store(args, read_only=True)
    try:
        sessions = store.sessions(trainee=args.trainee, cohort=args.cohort)
        found = scores.latest(_overrides(store, sessions))
    finally:
        store.close()
    damaged = _damage(store)
    rubric = _library(args)[1] if found else None
    if args.json:
        if args.summary:
            t = tally(sessions)
            doc: Any = {
                "trainees": [
                    {**vars(row), "not_counted": row.not_counted} for row in trainee_table(sessions)
                ],
                "finished": t.finished,
                "unfinished": t.unfinished,
                "abandoned": t.abandoned,
                "average": t.average,
                "passed": t.passed,
                "caption": t.caption,
            }
        else:
            doc = [_history_row(s, found, rubric) for s in sessions]
        write_data(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        return damaged
    if not sessions:
        who = [clean_text(x) for x in (args.trainee, args.cohort) if x]
        say("no sessions recorded" + (f" for {' in '.join(who)}" if who else ""))
        return damaged
    lines: list[str] = []
    if not args.summary:
        lines.append(
            f"{'date (UTC)':<17} {'session':<8} {'trainee':<16} {'scenario':<20} {'mode':<8} "
            f"{'score':>5}  {'band':<15} status"
        )
        for s in sessions:
            r = s.result if s.finished else None
            state = s.state.replace("_", " ")
            if not s.finished:
                state += f" ({s.turn_count} of {len(STAGE_IDS)} replies)"
            overall, count = _with_overrides(s, found, rubric)
            if count:
                state += f"; overridden by a trainer: {_dash(overall)}"
            lines.append(
                f"{s.started_at.replace('T', ' ')[:16]:<17} {clean_text(s.id)[:8]:<8} "
                f"{clean_text(s.trainee.name)[:16]:<16} {clean_text(s.scenario_id)[:20]:<20} "
                f"{s.mode:<8} {'—' if r is None else r.overall:>5}  "
                f"{'' if r is None else clean_text(r.band):<15} {state}"
            )
        lines.append("")
    say(*lines, *_summary_lines(sessions))
    return damaged


def cmd_show(args: argparse.Namespace) -> int:
    store = _store(args, read_only=True)
    try:
        rec = store.session(args.session)
    finally:
        store.close()
    s = rec.summary
    models: dict[str, str] = {}
    locale: str | None = None
    try:
        from mot_sim.catalog import load_catalog
        from mot_sim.cli.commands import scenario_dirs

        scenario = load_catalog(scenario_dirs(args)).get(s.scenario_id).scenario
        from mot_sim import templating

        customer = scenario.customer.name
        locale = scenario.locale
        models = {
            k: templating.render(scenario.stage(k).model_answers[0], s.trainee.name, customer)
            for k in STAGE_IDS
        }
    except MotSimError:
        customer = "Customer"
    lang = interface_lang(args, locale)
    lines = [
        f"session {s.id}  {s.trainee.name}  {s.scenario_id}  {s.mode}  "
        f"started {s.started_at}  {s.state.replace('_', ' ')}",
        *transcript(rec.turns, customer, s.trainee.name, models, lang),
    ]
    if s.finished and s.result:
        lines += final_summary(s.result, lang)
    else:
        lines.append(
            f"{s.state.capitalize()} after {len(rec.turns)} of {len(STAGE_IDS)} replies: "
            "no result (it does not count as an attempt)."
        )
    say(*lines)  # every value from the log is cleaned on the way to the terminal
    return 0


def _records(args: argparse.Namespace, store: Store) -> list[SessionRecord]:
    return store.records(
        args.trainee,
        args.cohort,
        _since(getattr(args, "since", None)),
        class_code=_class_code(args, store),
    )


def cmd_export(args: argparse.Namespace) -> int:
    from mot_sim.reports import tabular, xapi

    if args.excel and args.format != "csv":
        raise MotSimError("--excel is for --format csv")
    homepage = ""
    if args.format == "xapi":
        given = settings.xapi_homepage(args.homepage)
        if given is None:
            raise MotSimError(
                "xAPI export needs your organisation's homepage for the trainees' accounts "
                "(account.homePage): pass --homepage URL, set "
                f"{settings.XAPI_HOMEPAGE_ENV}=URL, or save it once with "
                "`mot-sim config xapi-homepage URL`"
            )
        homepage = xapi.check_homepage(given)
    since = _since(args.since)
    _check_out(args)
    store = _store(args, read_only=True)
    try:
        style = tabular.PLAIN
        if args.excel:
            style = tabular.CsvStyle(excel=True, ids=tabular.short_ids(store.session_ids()))
        code = _class_code(args, store)
        if args.format == "csv" and not args.turns:
            sessions = store.sessions(
                trainee=args.trainee, cohort=args.cohort, since=since, class_code=code
            )
            found = scores.latest(_overrides(store, sessions))
            rubric = _library(args)[1] if found else None
            rows = [tabular.session_row(s, style, found, rubric) for s in sessions]
            text = tabular.to_csv(tabular.SESSION_COLUMNS, rows, style)
            _write(text, args.out, _export_note(sessions))
            return _damage(store)
        records = _records(args, store)
        trail = _overrides(store, [r.summary for r in records])
    finally:
        store.close()
    note = _export_note([r.summary for r in records])
    found = scores.latest(trail)
    if args.format == "csv":
        rows = [row for rec in records for row in tabular.turn_rows(rec, style, found)]
        _write(tabular.to_csv(tabular.TURN_COLUMNS, rows, style), args.out, note)
    elif args.format == "jsonl":
        rubric = _library(args)[1] if trail else None
        _write(tabular.to_jsonl(records, trail, rubric), args.out, note)
    else:
        titles, rubric = _library(args)
        statements = [
            st for rec in records for st in xapi.statements(rec, titles, homepage, found, rubric)
        ]
        _write(json.dumps(statements, ensure_ascii=False, indent=2) + "\n", args.out, note)
    return _damage(store)


def cmd_report(args: argparse.Namespace) -> int:
    from mot_sim.reports.html import render_report

    chosen = [x for x in (args.trainee, args.cohort, args.class_code) if x]
    if len(chosen) != 1:
        raise MotSimError(
            "report needs exactly one of --trainee NAME, --cohort NAME or --class CODE"
        )
    _check_out(args)
    titles, rubric = _library(args)
    store = _store(args, read_only=True)
    try:
        records = _records(args, store)
        extra = _classroom_part(args, store, records, rubric)
    finally:
        store.close()
    subject, kind = (args.trainee, "trainee") if args.trainee else (args.cohort, "cohort")
    if extra.class_summary is not None:
        subject, kind = f"class {extra.class_summary.session.code}", "class"
    if kind == "trainee" and records:
        subject = records[0].summary.trainee.name  # as first entered, whatever was typed
    # The report speaks the sessions' language when they share one (or the one chosen).
    known = _locales(args)
    locales = {known.get(r.summary.scenario_id) for r in records}
    shared = locales.pop() if len(locales) == 1 else None
    lang = interface_lang(args, shared)
    html = render_report(
        subject, kind, records, titles, rubric or _rubric_alone(), lang, classroom=extra
    )
    _write(html, args.out)
    return _damage(store)


def _classroom_part(
    args: argparse.Namespace,
    store: Store,
    records: list[SessionRecord],
    rubric: Rubric | None,
) -> ClassroomPart:
    """What the report shows of the classroom: the overrides of its sessions, the class
    summary (``--class``) and the cohort's assignments."""
    from mot_sim.classroom.service import Classroom
    from mot_sim.reports.html import ClassroomPart

    room = Classroom(store, rubric=rubric)
    summary = room.summary(args.class_code) if args.class_code else None
    cohort = args.cohort or (summary.session.cohort if summary else None)
    if args.trainee:
        progress = room.assignments(trainee=args.trainee)
    elif cohort:
        progress = room.assignments(cohort=cohort)
    else:
        progress = []
    trail = _overrides(store, [r.summary for r in records])
    return ClassroomPart(
        overrides=trail, class_summary=summary, assignments=progress, rubric=rubric
    )


CONFIG_KEYS = {
    "xapi-homepage": "xapi_homepage",
    "db": "db",
    "language": "language",
    "shared-machine": "shared",
}
_ON = {"on": True, "yes": True, "true": True, "off": False, "no": False, "false": False}


def cmd_config(args: argparse.Namespace) -> int:
    """Show the settings, or set or clear one. A database password is never shown."""
    path = locations.settings_path()
    current = settings.Settings.load(path)
    if args.key is None:
        env = os.environ.get(settings.XAPI_HOMEPAGE_ENV)
        shown = env or current.xapi_homepage or "(not set)"
        source = f" (from {settings.XAPI_HOMEPAGE_ENV})" if env else ""
        print(f"xapi-homepage  {clean_text(shown)}{source}")
        db_env = os.environ.get("MOT_SIM_DB")
        db = db_env or current.db
        db_source = " (from MOT_SIM_DB)" if db_env else ""
        print(
            f"db             {clean_text(locations.redact(db)) if db else '(not set)'}{db_source}"
        )
        print(f"language       {current.language}")
        print(f"shared-machine {'on' if current.shared else 'off'}")
        print(f"settings file  {path}")
        return 0
    if args.key not in CONFIG_KEYS:
        from mot_sim.errors import UsageError

        raise UsageError(
            f"unknown setting {args.key!r}; settings: {', '.join(sorted(CONFIG_KEYS))}"
        )
    field = CONFIG_KEYS[args.key]
    if args.unset:
        setattr(current, field, {"language": "auto", "shared": False}.get(field, ""))
    elif args.value is None:
        value = getattr(current, field)
        if isinstance(value, bool):
            print("on" if value else "off")
            return 0
        print(clean_text(locations.redact(value)) or "(not set)")
        return 0
    elif field == "shared":
        if args.value.lower() not in _ON:
            from mot_sim.errors import UsageError

            raise UsageError("shared-machine: on or off")
        current.shared = _ON[args.value.lower()]
        if current.shared:
            current.trainee = ""  # the name the last person left behind goes now
    elif field == "language":
        if args.value not in settings.LANGUAGES:
            from mot_sim.errors import UsageError

            raise UsageError(f"language: one of {', '.join(settings.LANGUAGES)}")
        current.language = args.value
    elif field == "db":
        value = args.value.strip()
        if not value or value != clean_text(value):
            raise MotSimError("db: expected a file path or a postgresql:// URL")
        setattr(current, field, value)
    else:
        from mot_sim.reports.xapi import check_homepage

        setattr(current, field, check_homepage(args.value))
    if not current.save(path):
        raise MotSimError(f"cannot write the settings file {path}")
    print(f"{args.key} {'cleared' if args.unset else 'set'} in {path}")
    return 0
