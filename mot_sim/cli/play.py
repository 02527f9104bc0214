"""``mot-sim play``: an encounter headless from a file of answers, or in the TUI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from mot_sim import catalog, locations
from mot_sim.cli.commands import scenario_dirs
from mot_sim.cli.format import final_summary, interface_lang, reply_feedback
from mot_sim.cli.streams import bounded_lines, stdin_text
from mot_sim.engine import Encounter
from mot_sim.errors import InputError, MotSimError, UnknownIdError
from mot_sim.i18n import stage_title
from mot_sim.matching.text import clean_text
from mot_sim.scoring import Scorer
from mot_sim.stages import MAX_REPLY_CHARS, STAGE_IDS, STAGE_TITLES, Mode
from mot_sim.store import Store, open_store
from mot_sim.store.recorder import Recorder
from mot_sim.store.records import Trainee, trainee_key
from mot_sim.yamlsrc import load_file, read_bounded

# A line of answers is kept up to this many characters (the rest is read and dropped): a
# reply longer than MAX_REPLY_CHARS is still seen as one, scored and kept to the limit.
MAX_ANSWER_LINE_CHARS = 2 * MAX_REPLY_CHARS

Answers = Iterator[tuple[str, bool]] | dict[str, str]  # (reply, longer than was kept)


def _stdin_lines() -> Iterator[tuple[str, bool]]:
    # Read as the lines arrive, so answers can be fed one by one (and each is recorded
    # before the next is read). Closed standard input is refused here, before anything
    # is recorded.
    stream = stdin_text("--answers")

    def lines() -> Iterator[tuple[str, bool]]:
        for line, too_long in bounded_lines(stream, MAX_ANSWER_LINE_CHARS):
            if line.strip():
                yield line, too_long

    return lines()


def read_answers(path: str) -> Answers:
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
    # Bounded by what is read, not by what the size claims (/dev/zero says 0).
    text = read_bounded(p).decode("utf-8", errors="replace")
    return iter([(line, False) for line in text.splitlines() if line.strip()])


def run_headless(
    args: argparse.Namespace, enc: Encounter, recorder: Recorder | None, answers: Answers
) -> int:
    """Play from a file of answers. Exit 0 when the encounter ended (passed or not), 1 when
    the answers ran out first: the session is then kept unfinished, to resume."""
    name = enc.scenario.customer.name
    emit_text = not args.json
    if emit_text:
        print(f"{enc.scenario.title}: you are the {enc.scenario.role}.")
        print(clean_text(enc.scenario.setting).strip())
        if enc.turns:
            print(f"(resuming at stage {len(enc.turns) + 1} of {len(STAGE_IDS)})")
    enc.start()
    lang = interface_lang(args, enc.scenario.locale)  # read the setting once, not per reply
    ran_out: str | None = None
    while not enc.is_over:
        stage = enc.stage_id
        if isinstance(answers, dict):
            reply, too_long = answers.get(stage), False
        else:
            reply, too_long = next(answers, (None, False))
        if emit_text:
            title = stage_title(enc.stage_id, lang)
            print(f"\n── {title}: {enc.purpose}")
            for line in enc.customer_lines():
                print(f"{name}: {clean_text(line)}")
        if reply is None:
            ran_out = stage
            break
        turn = enc.answer(reply)
        if emit_text:
            print(f"{enc.trainee or 'You'}: {turn.reply}")
            if too_long or len(clean_text(reply)) > MAX_REPLY_CHARS:
                print(
                    f"    (your reply was cut to its first {MAX_REPLY_CHARS:,} characters: "
                    "only those were scored and kept)"
                )
            if enc.mode == "practice":
                print("\n".join(reply_feedback(turn.result, indent="    ", lang=lang)))
            print(f"{name}: {clean_text(turn.reaction)}")
    session = recorder.session_id if recorder else None
    if args.json:
        print(
            json.dumps(
                {
                    "session": session,
                    "scenario": enc.scenario.id,
                    "trainee": enc.trainee,
                    "mode": enc.mode,
                    "status": "unfinished" if ran_out else enc.status,
                    "answers_ran_out_at": ran_out,
                    "turns": [t.to_dict() for t in enc.turns],
                    "result": None if ran_out else enc.result().to_dict(),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 1 if ran_out else 0
    print()
    if ran_out:
        given = len(enc.turns)
        where = f"stage {given + 1} of {len(STAGE_IDS)} ({STAGE_TITLES[ran_out]})"
        head = (
            f"No answer for {ran_out} in {args.answers}: stopped at {where}"
            if isinstance(answers, dict)
            else f"Answers ran out at {where}"
        )
        print(f"{head}: {given} {'reply' if given == 1 else 'replies'} given, no result.")
        if recorder and session:
            print(
                f"The session is kept unfinished in {recorder.store.path}. Resume it with\n"
                f"  mot-sim play {enc.scenario.id} --resume {session[:8]} --answers MORE_ANSWERS\n"
                "or from the trainer's home screen."
            )
        return 1
    if enc.status == "walked_out":
        print(f"{name} walked out.")
    print("\n".join(final_summary(enc.result(), lang)))
    if recorder and session:
        print(f"session {session} recorded in {recorder.store.path}")
    return 0


def _resumed(
    args: argparse.Namespace, cat: catalog.Catalog, store: Store
) -> tuple[Encounter, Recorder]:
    """The unfinished session ``--resume`` names, ready for its next answer."""
    record = store.session(args.resume)
    s = record.summary
    if s.status != "in_progress":
        raise MotSimError(
            f"session {s.id[:8]} is {s.state.replace('_', ' ')}: only an unfinished one resumes"
        )
    if s.scenario_id != args.scenario:
        raise MotSimError(
            f"session {s.id[:8]} is an encounter of {s.scenario_id}, not {args.scenario}"
        )
    if args.trainee and trainee_key(args.trainee) != trainee_key(s.trainee.name):
        raise MotSimError(f"session {s.id[:8]} belongs to another trainee")
    loaded = cat.get(s.scenario_id)
    if cat.fingerprint(s.scenario_id) != s.content_hash:
        print(
            "note: the scenario or its rules changed since this session began; the rest is "
            "scored with the current version",
            file=sys.stderr,
        )
    enc = Encounter.resume(
        loaded.scenario, Scorer(cat.library), s.trainee.name, s.mode, record.turns, args.timer
    )
    recorder = Recorder(store, s.content_hash, session_id=s.id)
    enc.subscribe(recorder)
    return enc, recorder


def cmd_play(args: argparse.Namespace) -> int:
    cat = catalog.load_catalog(scenario_dirs(args))
    loaded = cat.get(args.scenario)
    if args.resume and not args.answers:
        raise MotSimError(
            "--resume needs --answers FILE (the trainer resumes from its home screen)"
        )
    mode: Mode = args.mode
    if args.answers:
        answers = read_answers(args.answers)  # unreadable answers: refused before recording
        store = open_store(locations.db_location(getattr(args, "db", None)))
        try:
            if args.resume:
                enc, recorder = _resumed(args, cat, store)
            else:
                enc = Encounter(
                    loaded.scenario, Scorer(cat.library), args.trainee or "", mode, args.timer
                )
                recorder = Recorder(store, cat.fingerprint(loaded.scenario.id))
                enc.subscribe(recorder)
            trainee = enc.trainee or "anonymous"
            if args.employee_id is not None or args.cohort is not None:
                store.upsert_trainee(Trainee(trainee, args.employee_id, args.cohort))
            return run_headless(args, enc, recorder, answers)
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
