"""Classroom commands: ``class start|roster|end``, ``join``, ``override``, ``assign``,
``status``. Thin over :class:`mot_sim.classroom.service.Classroom`: parse, call, print.

Everything printed from the log goes through :mod:`mot_sim.cli.streams` (no control
sequence reaches a terminal); refusals are :class:`~mot_sim.errors.MotSimError` (exit 2,
a clear message, no traceback).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from mot_sim import locations
from mot_sim.cli.streams import say, write_data
from mot_sim.errors import MotSimError

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog
    from mot_sim.classroom.models import ClassSummary, RosterEntry, StageSummary
    from mot_sim.classroom.service import Classroom


def _catalog(args: argparse.Namespace, required: bool = True) -> Catalog | None:
    from mot_sim.catalog import load_catalog
    from mot_sim.cli.commands import scenario_dirs

    try:
        return load_catalog(scenario_dirs(args))
    except MotSimError:
        if required:
            raise
        return None  # reading a class: its data shows without the scenarios' details


@contextmanager
def _classroom(
    args: argparse.Namespace, read_only: bool = False, catalog: bool = True
) -> Iterator[Classroom]:
    from mot_sim.classroom.service import Classroom
    from mot_sim.store import open_store

    cat = _catalog(args, required=not read_only) if catalog else None
    store = open_store(locations.db_location(getattr(args, "db", None)), read_only=read_only)
    try:
        yield Classroom(store, cat)
    finally:
        store.close()


def _json(doc: Any) -> None:
    write_data(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")


def _dash(value: object) -> str:
    return "—" if value is None else str(value)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# -- class start | roster | end ----------------------------------------------------------
def cmd_class_start(args: argparse.Namespace) -> int:
    """Open a class and print its join code."""
    with _classroom(args) as room:
        cls = room.start(
            args.scenario,
            args.mode,
            timer=args.timer,
            cohort=args.cohort,
            password=args.password,
            created_by=args.by,
        )
    if args.json:
        _json(asdict(cls) | {"open": cls.open})
        return 0
    print(cls.code)
    say(
        f"class {cls.code}: {', '.join(cls.scenarios)}, {cls.mode}"
        + (f", {cls.timer} s a reply" if cls.timer else "")
        + (f", cohort {cls.cohort}" if cls.cohort else "")
        + (", password set" if cls.has_password else ""),
        f"trainees join with: mot-sim join {cls.code} --trainee NAME"
        + (" --password PASSWORD" if cls.has_password else ""),
        f"watch the room with: mot-sim class console {cls.code}",
    )
    return 0


def _roster_lines(entries: list[RosterEntry]) -> list[str]:
    lines = [
        f"{'trainee':<20} {'status':<10} {'scenario':<20} {'stage':<10} {'replies':>7} "
        f"{'score':>5} {'mood':>4}  last (UTC)"
    ]
    for e in entries:
        lines.append(
            f"{_cut(e.trainee, 20):<20} {e.status.replace('_', ' '):<10} "
            f"{_cut(e.scenario_id or '—', 20):<20} {e.stage or '—':<10} {e.replies:>7} "
            f"{_dash(e.score):>5} {_dash(e.mood):>4}  {e.last_at.replace('T', ' ')[:19]}"
        )
    return lines


def cmd_class_roster(args: argparse.Namespace) -> int:
    """Who joined and where each one is."""
    with _classroom(args, read_only=True) as room:
        cls = room.get(args.code)
        entries = room.roster(cls.code)
    if args.json:
        _json({"class": cls.code, "open": cls.open, "roster": [asdict(e) for e in entries]})
        return 0
    state = "open" if cls.open else f"ended {cls.closed_at}"
    if not entries:
        say(f"class {cls.code} ({state}): nobody has joined yet")
        return 0
    say(f"class {cls.code} ({state}): {len(entries)} joined", *_roster_lines(entries))
    return 0


def _stage_line(st: StageSummary) -> str:
    return (
        f"{st.stage:<12} {st.replies:>7} {_dash(st.average):>7} {_dash(st.lowest):>6} "
        f"{_dash(st.highest):>7}"
    )


def summary_lines(s: ClassSummary) -> list[str]:
    """A class summary for people: per trainee, per stage, the room's weakest rules."""
    cls = s.session
    lines = [
        f"class {cls.code}: {', '.join(cls.scenarios)}, {cls.mode}"
        + (f", cohort {cls.cohort}" if cls.cohort else "")
        + (f", ended {cls.closed_at}" if cls.closed_at else ", still open"),
        f"{s.finished} finished encounters, {s.unfinished} not finished"
        " (scores count finished encounters; trainers' overrides applied)",
        "",
        f"{'trainee':<20} {'sessions':>8} {'finished':>8} {'best':>5} {'latest':>6}  passed",
    ]
    for t in s.trainees:
        lines.append(
            f"{_cut(t.trainee, 20):<20} {t.sessions:>8} {t.finished:>8} {_dash(t.best):>5} "
            f"{_dash(t.latest):>6}  {'yes' if t.passed else 'not yet' if t.finished else '—'}"
        )
    head = f"{'stage':<12} {'replies':>7} {'average':>7} {'lowest':>6} {'highest':>7}"
    lines += ["", head + ("   (all scenarios)" if s.scenario_stages else "")]
    lines += [_stage_line(st) for st in s.stages]
    shown: str | None = None
    for st in s.scenario_stages:  # a class of several scenarios: each on its own too
        if st.scenario_id != shown:
            shown = st.scenario_id
            lines += ["", f"{head}   ({st.scenario_id})"]
        lines.append(_stage_line(st))
    lines += ["", "weakest rules of the room:" if s.weakest else "no rule broken by the room"]
    for w in s.weakest:
        lines.append(f"  {w.rule}: {w.count}x by {w.trainees} trainee(s). {w.reason}")
        if w.better:
            lines.append(f"      better: {w.better}")
    if s.overrides:
        lines += ["", "trainers' overrides:"]
        for o in s.overrides:
            lines.append(
                f"  {o.session_id[:8]} {o.stage}: {o.machine_score} -> {o.new_score} by {o.by} "
                f"at {o.at}: {o.reason}"
            )
    return lines


def cmd_class_end(args: argparse.Namespace) -> int:
    """Close the class and print its summary."""
    with _classroom(args) as room:
        summary = room.end(args.code)
    if getattr(args, "json", False):
        _json(asdict(summary))
        return 0
    say(*summary_lines(summary))
    return 0


# -- join --------------------------------------------------------------------------------
def cmd_join(args: argparse.Namespace) -> int:
    """Join a class; with --answers, play its encounter headless into the class."""
    from mot_sim.cli.play import read_answers, run_headless
    from mot_sim.engine import Encounter
    from mot_sim.scoring import Scorer
    from mot_sim.store.recorder import Recorder

    if not args.answers:
        # Interactive: the gate is checked here first (a wrong code or password is refused
        # with exit status 2 before any screen opens), then the trainer opens in the class.
        from mot_sim.cli.tui import run_tui
        from mot_sim.tui.app import JoinRequest

        with _classroom(args, catalog=False) as room:
            cls = room.join(args.code, args.trainee, args.password, args.scenario)
        request = JoinRequest(cls.code, args.trainee, args.password or "")
        return run_tui(args, trainee=args.trainee, join=request)
    answers = read_answers(args.answers)  # unreadable answers: refused before joining
    with _classroom(args) as room:
        cls = room.join(args.code, args.trainee, args.password, args.scenario)
        cat = room.catalog
        assert cat is not None
        scenario_id = _pick_scenario(room, cls.code, cls.scenarios, args)
        loaded = cat.get(scenario_id)
        enc = Encounter(loaded.scenario, Scorer(cat.library), args.trainee, cls.mode, cls.timer)
        recorder = Recorder(room.store, cat.fingerprint(scenario_id), class_code=cls.code)
        enc.subscribe(recorder)
        return run_headless(args, enc, recorder, answers)


def _pick_scenario(
    room: Classroom, code: str, scenarios: tuple[str, ...], args: argparse.Namespace
) -> str:
    """--scenario if it is one of the class's, else the first the trainee has not
    finished in this class."""
    if args.scenario is not None:
        if args.scenario not in scenarios:
            raise MotSimError(f"class {code} plays {', '.join(scenarios)}, not {args.scenario!r}")
        return str(args.scenario)
    from mot_sim.store.records import trainee_key

    mine = [
        s
        for s in room.store.sessions(class_code=code)
        if trainee_key(s.trainee.name) == trainee_key(args.trainee) and s.finished
    ]
    done = {s.scenario_id for s in mine}
    return next((s for s in scenarios if s not in done), scenarios[0])


# -- override ----------------------------------------------------------------------------
def cmd_override(args: argparse.Namespace) -> int:
    """Record a trainer's score for a reply (the machine's is kept)."""
    with _classroom(args, catalog=False) as room:
        made = room.override(args.session, args.stage, args.score, args.reason, args.by)
    say(
        f"session {made.session_id[:8]} {made.stage}: {made.machine_score} (machine) -> "
        f"{made.new_score} by {made.by} at {made.at}",
        f"reason: {made.reason}",
    )
    return 0


# -- assignments -------------------------------------------------------------------------
def cmd_assign(args: argparse.Namespace) -> int:
    """Set a scenario for a cohort with a due date."""
    with _classroom(args) as room:
        made = room.assign(args.cohort, args.scenario, args.due, args.by)
    say(f"assigned {made.scenario_id} to {made.cohort}, due {made.due}")
    return 0


STATUS_WORDS = {
    "not_started": "not started",
    "in_progress": "in progress",
    "overdue": "overdue",
    "done": "done",
}


def cmd_status(args: argparse.Namespace) -> int:
    """Each trainee of a cohort on each assignment: not started, in progress, overdue,
    done."""
    with _classroom(args, read_only=True, catalog=False) as room:
        rows = room.assignments(cohort=args.cohort)
        given = room.assigned(args.cohort) if not rows else []
    if args.json:
        _json(
            [
                {
                    "cohort": p.assignment.cohort,
                    "scenario": p.assignment.scenario_id,
                    "due": p.assignment.due,
                    "trainee": p.trainee,
                    "status": p.status,
                    "best": p.best,
                    "sessions": list(p.session_ids),
                }
                for p in rows
            ]
        )
        return 0
    if not rows and not given:
        say(f"no assignments for cohort {args.cohort!r} (assign one with `mot-sim assign`)")
        return 0
    if not rows:
        say(
            *(f"{a.scenario_id} due {a.due}" for a in given),
            f"nobody is in cohort {args.cohort!r} yet: trainees join it by playing with "
            "--cohort NAME or by joining a class started with --cohort NAME",
        )
        return 0
    lines = [f"{'trainee':<20} {'scenario':<22} {'due':<10}  {'status':<11} best"]
    for p in rows:
        lines.append(
            f"{_cut(p.trainee, 20):<20} {_cut(p.assignment.scenario_id, 22):<22} "
            f"{p.assignment.due:<10}  {STATUS_WORDS[p.status]:<11} {_dash(p.best)}"
        )
    say(*lines)
    return 0
