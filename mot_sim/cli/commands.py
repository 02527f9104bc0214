"""Catalogue and scoring commands: list, validate, check, schema, score."""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from mot_sim import catalog
from mot_sim.cli.format import interface_lang, reply_feedback
from mot_sim.cli.streams import bounded_lines, for_terminal, is_terminal, stdin_text
from mot_sim.errors import InputError, MotSimError, Problem, UnknownIdError, UsageError
from mot_sim.matching.text import clean_text
from mot_sim.models import MOMENTS, Rubric, RuleFile, scenario_json_schema
from mot_sim.scoring import Scorer
from mot_sim.stages import MAX_REPLY_CHARS, STAGE_IDS
from mot_sim.yamlsrc import iter_yaml_files, load_file, open_regular


def scenario_dirs(args: argparse.Namespace) -> list[str]:
    dirs: list[str] = []
    for d in getattr(args, "scenarios", None) or []:
        dirs += [p for p in d.split(":") if p]
    return dirs


def _out(args: argparse.Namespace) -> IO[str]:
    return sys.stdout


# Headings of `mot-sim list`: each of the course's ten moments with the response it teaches.
MOMENT_HEADINGS: dict[str, str] = {
    "appears_or_calls": "Customer appears or calls: be quick and prepared",
    "angry_or_accusing": "Angry or accusing: listen and understand",
    "special_request": "Special request: do everything you can",
    "undecided": "Undecided: give a clear recommendation",
    "has_opinion": "Has an opinion: notice it, acknowledge it",
    "wants_to_buy": "Wants to buy: reinforce the choice, close",
    "has_bought": "Has bought: give more than promised",
    "refuses": "Refuses: stay courteous, leave goodwill",
    "complains": "Complains: fast, useful handling",
    "disappointed": "Disappointed: a small compensation",
}


def cmd_list(args: argparse.Namespace) -> int:
    cat = catalog.load_catalog(scenario_dirs(args))
    rows = [
        {
            "id": s.scenario.id,
            "title": s.scenario.title,
            "summary": s.scenario.summary,
            "difficulty": s.scenario.difficulty,
            "locale": s.scenario.locale,
            "moment": s.scenario.moment,
            "customer": s.scenario.customer.name,
            "style": s.scenario.customer.style,
            "path": str(s.path),
        }
        for s in cat.scenarios.values()
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        # Grouped as the course teaches them: by moment in the course's order (scenarios
        # without one last), then by locale, so a trainer sees which moments are covered.
        order = {m: i for i, m in enumerate(MOMENTS)}
        found = sorted(
            (s.scenario for s in cat.scenarios.values()),
            key=lambda sc: (order.get(sc.moment or "", len(order)), sc.locale),
        )
        width = max((len(sc.id) for sc in found), default=2)
        group: tuple[str | None, str] | None = None
        for sc in found:
            if (sc.moment, sc.locale) != group:
                if group is not None:
                    print()
                group = (sc.moment, sc.locale)
                heading = MOMENT_HEADINGS.get(sc.moment or "", "Other encounters")
                print(f"{heading} [{sc.locale}]")
            title = " ".join(clean_text(sc.title).split())  # one line per scenario
            print(f"  {sc.id:<{width}}  {sc.difficulty:<6}  {sc.customer.style:<10}  {title}")
    for p in cat.problems:
        print(f"warning: skipped {p}", file=sys.stderr)
    # Scripts must notice a scenario that silently went missing.
    return 1 if cat.problems else 0


def _expand(paths: list[str]) -> Iterator[Path]:
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from iter_yaml_files(p)
            if (p / "rules").is_dir():
                yield from iter_yaml_files(p / "rules")
        else:
            yield p


def _validate_one(path: Path, library: catalog.Library | None) -> list[Problem]:
    try:
        doc = load_file(path)
        data = doc.data if isinstance(doc.data, dict) else {}
        if "locales" in data and "stages" not in data:
            catalog.load_lexicon(path)
        elif "rules" in data and "stages" not in data:
            rf = catalog.validate_model(RuleFile, doc)
            if library is not None:
                known = set(library.by_id) | {r.id for r in rf.rules}
                return [
                    p
                    for i, rule in enumerate(rf.rules)
                    for p in catalog.rule_problems(
                        doc, ("rules", i), rule, known, library.concepts(rule.locale or rf.locale)
                    )
                ]
        elif "stage_weights" in data:
            catalog.validate_model(Rubric, doc)
        elif library is None:
            return []  # the library's own problems are reported; scenarios wait for it
        else:
            catalog.load_scenario(path, library)
    except InputError as exc:
        return exc.problems
    return []


def cmd_validate(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    library: catalog.Library | None = None
    try:
        library = catalog.load_library()
    except InputError as exc:
        problems += exc.problems
    files = list(_expand(args.paths)) if args.paths else catalog.scenario_paths(scenario_dirs(args))
    for path in files:
        problems += _validate_one(path, library)
    # A file both named and part of the rule library would be reported twice.
    for p in dict.fromkeys(str(p) for p in problems):
        print(p, file=sys.stderr)
    if not problems:
        print(f"{len(files)} file(s) valid")
    return 2 if problems else 0


def cmd_check(args: argparse.Namespace) -> int:
    from mot_sim.checks import run_examples, run_rule_examples

    library = catalog.load_library()
    scorer = Scorer(library)
    if args.paths:
        loaded, problems = [], []
        for path in _expand(args.paths):
            try:
                loaded.append(catalog.load_scenario(path, library))
            except InputError as exc:
                problems += exc.problems
        if problems:
            raise InputError(problems)
    else:
        loaded = list(catalog.load_catalog(scenario_dirs(args), strict=True).scenarios.values())
    passed = failed = 0
    paths = {ls.scenario.id: ls.path for ls in loaded}
    rule_outcomes = run_rule_examples(scorer, library, [ls.scenario for ls in loaded], paths)
    for ro in rule_outcomes:
        if ro.passed:
            passed += 1
            if args.verbose:
                print(f"PASS rule {ro.rule}: {ro.text!r}")
            continue
        failed += 1
        want = "should fire" if ro.should_fire else "should not fire"
        got = f" ({ro.why})" if ro.why else ""
        at = f"{ro.at}: " if ro.at else ""
        print(
            f"FAIL {at}rule {ro.rule} ({ro.where}): {ro.text!r} {want}, but it did not{got}"
            if ro.should_fire
            else f"FAIL {at}rule {ro.rule} ({ro.where}): {ro.text!r} {want}"
        )
    print(f"rule examples: {sum(r.passed for r in rule_outcomes)} of {len(rule_outcomes)} pass")
    for ls in loaded:
        for o in run_examples(ls.scenario, scorer, ls.path):
            reply = o.example.reply if len(o.example.reply) <= 60 else o.example.reply[:57] + "..."
            head = f"{ls.scenario.id} #{o.index + 1} {o.example.stage}: {reply!r} score {o.result.score}"
            if o.passed:
                passed += 1
                print(f"PASS {head}")
            else:
                failed += 1
                at = f"{o.at}: " if o.at else ""
                print(f"FAIL {at}{head}: {'; '.join(o.failures)}")
                fired = ", ".join(f"{h.rule} {h.points:+.0f}" for h in o.result.hits) or "none"
                print(f"     rules that fired: {fired}")
                for h in o.result.set_aside:
                    print(f"     set aside: {h.rule} ({h.ignored})")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_explain(args: argparse.Namespace) -> int:
    from mot_sim.checks import probe_scenario
    from mot_sim.explain import explain

    cat = catalog.load_catalog(scenario_dirs(args))
    scorer = Scorer(cat.library)
    if args.stage:
        _check_stage(args.stage)
    if args.scenario:
        scenario = cat.get(args.scenario).scenario
    else:
        if args.stage:
            raise UsageError("--stage needs --scenario: stages and goals belong to a scenario")
        if args.locale not in cat.library.lexicon:
            raise UnknownIdError("locale", args.locale, sorted(cat.library.lexicon))
        scenario = probe_scenario(cat.library, args.locale)
    ex = explain(scorer, scenario, args.text, args.stage, args.rule, args.trainee)
    if args.json:
        print(json.dumps(ex.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print("clauses: " + " | ".join(clean_text(c) for c in ex.clauses))
    if ex.unknown_words:
        print("not in the dictionary (matched as typos): " + ", ".join(ex.unknown_words))
    if not ex.hits:
        print("no rule fires" + (f" ({args.rule})" if args.rule else ""))
    for h in ex.hits:
        state = f"set aside: {h.ignored}" if h.ignored else "fires"
        print(f"  {h.rule.id} ({h.rule.polarity}, {h.rule.dimension}) {state}")
        print(f"      on “{clean_text(h.text)}” by pattern {h.pattern}")
    for t in ex.patterns:
        found = ", ".join(f"“{clean_text(m)}”" for m in t.matched) or "no match"
        print(f"  pattern {t.pattern}: {found}")
    if ex.result is not None:
        print("\n".join(reply_feedback(ex.result)))
        if ex.result.goals_met:
            print("  goals met: " + ", ".join(ex.result.goals_met))
    return 0


SCHEMA_FILE = "scenario.schema.json"


def _schema_text() -> str:
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def cmd_schema(args: argparse.Namespace) -> int:
    if args.write is None:
        sys.stdout.write(_schema_text())
        return 0
    # Beside the scenarios, so their "$schema=scenario.schema.json" comment keeps working
    # wherever the files are copied.
    target = Path(args.write) / SCHEMA_FILE
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such directory")
    target.write_text(_schema_text(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """Scaffold a scenario with every field explained; refuses to overwrite anything."""
    from importlib.resources import files

    from mot_sim.models import RULE_ID_RE

    if not re.fullmatch(RULE_ID_RE, args.id):
        raise UsageError(
            f"{args.id!r} is not a valid id: lower case letters, digits and underscores, "
            "starting with a letter"
        )
    directory = Path(args.dir)
    if not directory.is_dir():
        raise UsageError(f"{directory}: no such directory")
    target = directory / f"{args.id}.yaml"
    if target.exists():
        raise UsageError(f"{target} already exists; choose another id or move it first")
    text = (files("mot_sim") / "scaffold" / "scenario.yaml").read_text(encoding="utf-8")
    with open(target, "x", encoding="utf-8") as fh:  # "x": never overwrite
        fh.write(text.replace("__ID__", args.id))
    print(f"wrote {target}")
    schema = directory / SCHEMA_FILE
    if not schema.exists():
        schema.write_text(_schema_text(), encoding="utf-8")
        print(f"wrote {schema} (editor autocompletion)")
    print(f"next: edit it, then  mot-sim validate {target}  and  mot-sim check {target}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    """The rules a scenario can use: library rules, plus a scenario's own with --scenario."""
    if args.scenario:
        cat = catalog.load_catalog(scenario_dirs(args))
        sc = cat.get(args.scenario).scenario
        library = cat.library
        own = [*sc.rules, *(r for sid in STAGE_IDS for r in sc.stage(sid).rules)]
        rules = [r for r in library.rules if (r.locale or "en") == sc.locale] + own
    else:
        library = catalog.load_library()
        rules = [r for r in library.rules if args.locale in (None, r.locale or "en")]
    if args.json:
        rows = [
            {
                "id": r.id,
                "polarity": r.polarity,
                "dimension": r.dimension,
                "weight": r.weight,
                "stages": r.stages if r.stages == "all" else list(r.stages),
                "locale": r.locale or "en",
                "reason": r.reason,
            }
            for r in rules
        ]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    width = max((len(r.id) for r in rules), default=2)
    print(f"{'id':<{width}}  pol   dimension     weight  stages")
    for r in rules:
        stages = r.stages if r.stages == "all" else ",".join(r.stages)
        sign = "-" if r.polarity == "bad" else "+"
        print(f"{r.id:<{width}}  {r.polarity:<4}  {r.dimension:<12}  {sign}{r.weight:<5}  {stages}")
        print(f"{'':<{width}}  {r.reason}")
    return 0


def _check_stage(stage: str) -> None:
    if stage not in STAGE_IDS:
        raise UnknownIdError("stage", stage, list(STAGE_IDS))


# A batch line holds one reply (scored on its first MAX_REPLY_CHARS characters) and a few
# short fields; a line longer than this is refused, read past without being kept.
MAX_BATCH_LINE_CHARS = 8 * 1024 * 1024


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large a number")
    return value


def _lone_surrogate(value: Any) -> str | None:
    """The first lone surrogate in a parsed JSON value (not text: it cannot be written as
    UTF-8), escaped for a message; None when there is none."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        return str(exc.object[exc.start : exc.end].encode("unicode_escape").decode())
    except RecursionError:
        raise ValueError("nested too deeply") from None
    return None


def parse_batch_line(line: str) -> Any:
    """One batch line as strict JSON (I-JSON, RFC 7493): no NaN or Infinity, no number too
    large for a double, and no nesting deeper than the parser's recursion allows."""
    try:
        return json.loads(line, parse_constant=_refuse_constant, parse_float=_finite)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _batch_id(item: Any) -> Any:
    """The id to echo in a record: the item's, unless it cannot be written as JSON text."""
    rid = item.get("id") if isinstance(item, dict) else None
    try:
        return None if _lone_surrogate(rid) else rid
    except ValueError:
        return None


def batch_record(scorer: Scorer, cat: catalog.Catalog, item: Any) -> dict[str, Any]:
    """Score one batch item; the output shape is a published contract."""
    if not isinstance(item, dict):
        raise ValueError("each line must be a JSON object")
    bad = _lone_surrogate(item)
    if bad:
        raise ValueError(f"contains a lone surrogate ({bad}), which is not text")
    for key in ("scenario", "stage", "text"):
        if not isinstance(item.get(key), str):
            raise ValueError(f"'{key}' must be a string")
    _check_stage(item["stage"])
    scenario = cat.get(item["scenario"]).scenario
    r = scorer.score(scenario, item["stage"], item["text"], str(item.get("trainee", "")))
    rec: dict[str, Any] = {
        "id": item.get("id"),
        "scenario": scenario.id,
        "stage": item["stage"],
        "score": r.score,
        "dimensions": r.dimensions,
        "hits": [
            {
                "rule": h.rule,
                "polarity": h.polarity,
                "dimension": h.dimension,
                "span": list(h.span),
                "text": h.text,
            }
            for h in r.hits
        ],
        "suggestions": [s.text for s in r.suggestions],
    }
    if len(item["text"]) > MAX_REPLY_CHARS:  # said, as everywhere a reply is cut
        rec["truncated_to"] = MAX_REPLY_CHARS
    return rec


def _json_line(rec: dict[str, Any]) -> str:
    """One output line, valid JSON whatever the record holds (or an error record)."""
    try:
        return json.dumps(rec, ensure_ascii=False, allow_nan=False)
    except (ValueError, RecursionError) as exc:
        return json.dumps({"id": None, "error": f"cannot write the result as JSON: {exc}"})


def _batch(args: argparse.Namespace, scorer: Scorer, cat: catalog.Catalog) -> int:
    """Score JSON Lines; every input line yields one output line, in order, and a bad line
    is an error record, never the end of the batch."""
    failed = False
    if args.batch == "-":
        stream = stdin_text("--batch")
    else:
        # A regular file only: a FIFO or /dev/zero behind a name would never end.
        fd = open_regular(Path(args.batch))
        stream = open(fd, encoding="utf-8", errors="replace")  # noqa: SIM115
    out = sys.stdout
    clean = is_terminal(out)
    with stream:
        lines = bounded_lines(stream, MAX_BATCH_LINE_CHARS)
        for n, (line, too_long) in enumerate(lines, start=1):
            if not line.strip() and not too_long:
                continue
            item: Any = None
            try:
                if too_long:
                    raise ValueError(f"longer than {MAX_BATCH_LINE_CHARS:,} characters")
                item = parse_batch_line(line)
                rec = batch_record(scorer, cat, item)
            except (ValueError, MotSimError) as exc:
                failed = True
                rec = {"id": _batch_id(item), "error": f"line {n}: {exc}"}
            text = _json_line(rec)
            out.write((for_terminal(text) if clean else text) + "\n")
            out.flush()
    return 1 if failed else 0


def cmd_score(args: argparse.Namespace) -> int:
    cat = catalog.load_catalog(scenario_dirs(args))
    scorer = Scorer(cat.library)
    if args.batch:
        return _batch(args, scorer, cat)
    if not args.scenario or not args.stage or args.text is None:
        raise UsageError("score needs --scenario, --stage and TEXT (or --batch FILE)")
    _check_stage(args.stage)
    scenario = cat.get(args.scenario).scenario
    result = scorer.score(scenario, args.stage, args.text, args.trainee or "")
    if args.json:
        print(
            json.dumps(
                {"scenario": scenario.id, "stage": args.stage, **result.to_dict()},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print("\n".join(reply_feedback(result, lang=interface_lang(args, scenario.locale))))
    return 0
