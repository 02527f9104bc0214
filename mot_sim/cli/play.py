"""``mot-sim play``: an encounter headless from a file of answers, or in the TUI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from mot_sim import catalog, locations
from mot_sim.cli.commands import scenario_dirs
from mot_sim.cli.format import final_summary, reply_feedback
from mot_sim.engine import Encounter
from mot_sim.errors import InputError, Problem, UnknownIdError
from mot_sim.matching.text import clean_text
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS, Mode
from mot_sim.store import open_store
from mot_sim.store.recorder import Recorder
from mot_sim.store.records import Trainee
from mot_sim.yamlsrc import MAX_BYTES, load_file


def _stdin_lines() -> Iterator[str]:
    # Read as the lines arrive, so answers can be fed one by one (and each is recorded
    # before the next is read).
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def read_answers(path: str) -> Iterator[str] | dict[str, str]:
    """One reply per line, or a YAML mapping of stage id to reply."""
    p = Path(path)
    if p.suffix in {".yaml", ".yml"}:
        doc = load_file(p)
        if not isinstance(doc.data, dict):
            raise InputError([doc.problem((), "expected a mapping of stage id to reply")])
        answers: dict[str, str] = {}
        for key, value in doc.data.items():
            if key not in STAGE_IDS:
                raise UnknownIdError("stage", str(key), list(STAGE_IDS))
            if not isinstance(value, str):
                raise InputError([doc.problem((key,), "the reply must be text")])
            answers[key] = value
        return answers
    if path == "-":
        return _stdin_lines()
    try:
        if p.stat().st_size > MAX_BYTES:
            raise InputError([Problem(path, 1, 1, "file is larger than 1 MiB")])
        text = p.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise InputError([Problem(path, 1, 1, f"cannot read: {exc.strerror}")]) from None
    return iter([line for line in text.splitlines() if line.strip()])


def run_headless(args: argparse.Namespace, enc: Encounter, recorder: Recorder | None) -> int:
    answers = read_answers(args.answers)
    name = enc.scenario.customer.name
    emit_text = not args.json
    if emit_text:
        print(f"{enc.scenario.title}: you are the {enc.scenario.role}.")
        print(clean_text(enc.scenario.setting).strip())
    enc.start()
    while not enc.is_over:
        stage = enc.stage_id
        reply = answers.get(stage) if isinstance(answers, dict) else next(answers, None)
        if emit_text:
            print(f"\n── {enc.stage_title}: {enc.purpose}")
            for line in enc.customer_lines():
                print(f"{name}: {clean_text(line)}")
        if reply is None:
            if emit_text:
                print(f"(no answer for {stage}; the session stays open to resume)")
            break
        turn = enc.answer(reply)
        if emit_text:
            print(f"{enc.trainee or 'You'}: {turn.reply}")
            if enc.mode == "practice":
                print("\n".join(reply_feedback(turn.result, indent="    ")))
            print(f"{name}: {clean_text(turn.reaction)}")
    result = enc.result()
    if args.json:
        print(
            json.dumps(
                {
                    "session": recorder.session_id if recorder else None,
                    "scenario": enc.scenario.id,
                    "trainee": enc.trainee,
                    "mode": enc.mode,
                    "status": enc.status,
                    "turns": [t.to_dict() for t in enc.turns],
                    "result": result.to_dict(),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print()
        if enc.status == "walked_out":
            print(f"{name} walked out.")
        print("\n".join(final_summary(result)))
        if recorder and recorder.session_id:
            print(f"session {recorder.session_id} recorded in {recorder.store.path}")
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    cat = catalog.load_catalog(scenario_dirs(args))
    loaded = cat.get(args.scenario)
    scorer = Scorer(cat.library)
    mode: Mode = args.mode
    enc = Encounter(loaded.scenario, scorer, args.trainee or "", mode, args.timer)
    if args.answers:
        store = open_store(locations.default_db_path(getattr(args, "db", None)))
        trainee = enc.trainee or "anonymous"
        if args.employee_id is not None or args.cohort is not None:
            store.upsert_trainee(Trainee(trainee, args.employee_id, args.cohort))
        recorder = Recorder(store, cat.fingerprint(loaded.scenario.id))
        enc.subscribe(recorder)
        try:
            return run_headless(args, enc, recorder)
        finally:
            store.close()
    from mot_sim.cli.tui import run_tui

    return run_tui(
        args,
        catalog=cat,
        scenario=loaded.scenario.id,
        trainee=args.trainee or "",
        mode=mode,
        timer=args.timer,
    )
