"""``mot-sim learn``: train the second-opinion model from trainers' labelled replies."""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from mot_sim import catalog, locations
from mot_sim.cli.commands import parse_batch_line
from mot_sim.cli.streams import bounded_lines
from mot_sim.errors import InputError, MotSimError, Problem
from mot_sim.learned import (
    DEFAULT_MAX_FALSE_ALARMS,
    LabelledText,
    LearnedModel,
    course_replies,
    dump,
    rule_examples,
    train,
)
from mot_sim.matching.matcher import Matcher
from mot_sim.models import Rule, Scenario
from mot_sim.scoring import excused_words
from mot_sim.stages import STAGE_IDS
from mot_sim.yamlsrc import iter_yaml_files

MAX_LINE = 20_000  # characters in one labelled row
MAX_ROWS = 200_000


def read_labelled(path: Path) -> list[LabelledText]:
    """Rows with ``id``, ``text``, ``bad`` and ``quality`` (``good``/``poor``), each
    checked; a bad row is named by ``file:line:col``."""
    rows: list[LabelledText] = []
    problems: list[Problem] = []
    try:
        stream = path.open(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise MotSimError(f"cannot read {path}: {exc.strerror or exc}") from None
    with stream:
        for n, (line, cut) in enumerate(bounded_lines(stream, MAX_LINE), start=1):
            if len(problems) >= 20 or n > MAX_ROWS:
                problems.append(Problem(str(path), n, 1, "too many rows or problems; stopped here"))
                break
            if cut:
                problems.append(Problem(str(path), n, 1, f"line longer than {MAX_LINE} characters"))
                continue
            if not line.strip():
                continue
            try:
                d = parse_batch_line(line)  # strict JSON: no NaN, no runaway nesting
            except json.JSONDecodeError as exc:
                problems.append(Problem(str(path), n, exc.colno, f"not valid JSON: {exc.msg}"))
                continue
            except ValueError as exc:
                problems.append(Problem(str(path), n, 1, f"not valid JSON: {exc}"))
                continue
            if not isinstance(d, dict):
                problems.append(Problem(str(path), n, 1, "a row must be a JSON object"))
                continue
            wrong = [
                k
                for k, t in (("id", str), ("text", str), ("bad", bool), ("quality", str))
                if not isinstance(d.get(k), t)
            ]
            if wrong or d["quality"] not in ("good", "poor") or not d["id"]:
                problems.append(
                    Problem(
                        str(path),
                        n,
                        1,
                        "a row needs id (text), text, bad (true/false) and quality (good/poor)",
                    )
                )
                continue
            rows.append(LabelledText(d["id"], d["text"], d["bad"], d["quality"] == "good"))
    if problems:
        raise InputError(problems)
    return rows


def _builtin_scenarios(library: catalog.Library) -> list[Scenario]:
    # Only the built-in ones: a site's own scenario directories must not change the model
    # that ships.
    return [
        catalog.load_scenario(path, library).scenario
        for path in iter_yaml_files(locations.builtin_scenarios_dir())
    ]


def excusing_rules(library: catalog.Library, locale: str) -> list[Rule]:
    """Every rule of the locale, the library's and the built-in scenarios' own: in training
    they only say which words a rule excused (a taboo phrase negated or quoted to reject
    it), whatever scenario a labelled reply came from."""
    rules = [r for r in library.rules if (r.locale or "en") == locale]
    for sc in _builtin_scenarios(library):
        if sc.locale == locale:
            rules += [*sc.rules, *(r for sid in STAGE_IDS for r in sc.stage(sid).rules)]
    return rules


def train_locale(
    library: catalog.Library,
    rows: list[LabelledText],
    locale: str,
    max_false_alarms: float = DEFAULT_MAX_FALSE_ALARMS,
) -> LearnedModel:
    """Train the locale's model as the shipped one is made: the rules read each row as they
    read a reply, and the words they excuse are left out when a held-out row is judged."""
    words = library.words[locale]
    matcher = Matcher(excusing_rules(library, locale), words)
    return train(
        rows,
        locale,
        max_false_alarms=max_false_alarms,
        breaks=words.clause_breaks,
        excuse=lambda a: excused_words(a, matcher.match(a), words),
        negators=words.negators,
        plain_acronyms=frozenset(library.lexicon[locale].plain_acronyms),
    )


def course_rows(library: catalog.Library, locale: str) -> list[LabelledText]:
    """The course's own phrasing that every fold learns: the rule library's examples and
    the built-in scenarios' model answers and no-bad examples."""
    scenarios = _builtin_scenarios(library)
    trainee = library.lexicon[locale].example_context.trainee
    return rule_examples(library.rules, locale) + course_replies(scenarios, locale, trainee)


def cmd_learn(args: argparse.Namespace) -> int:
    rows: list[LabelledText] = []
    for name in args.data:
        rows += read_labelled(Path(name))
    dup = next((i for i, n in Counter(r.id for r in rows).items() if n > 1), None)
    if dup is not None:
        raise MotSimError(f"id {dup!r} is used twice: ids name authors and must be unique")
    if not any(r.bad for r in rows):
        raise MotSimError("no row is marked bad: there is nothing to learn from")
    library = catalog.load_library(learned=False)
    words = library.words.get(args.locale)
    if words is None:
        raise MotSimError(
            f"unknown locale {args.locale!r}; valid: {', '.join(sorted(library.words))}"
        )
    if not args.no_rule_examples:
        rows += course_rows(library, args.locale)
    model = train_locale(
        library,
        rows,
        args.locale,
        DEFAULT_MAX_FALSE_ALARMS if args.max_false_alarms is None else args.max_false_alarms,
    )
    t = model.training
    print(
        f"{t.rows} rows ({t.bad} bad, {t.good} good) from {t.groups} authors, and "
        f"{t.rule_examples} of the course's own (rule examples, model answers); "
        f"{len(model.weights)} weighted lemma runs"
    )
    print(
        f"threshold {model.threshold} (a sentence alone: {model.sentence_threshold or 'off'}): "
        f"held out by author, {t.cv_recall:.1%} of bad replies flagged, "
        f"{t.cv_false_alarms:.1%} of good ones"
    )
    out = Path(args.out)
    if out.name != f"{args.locale}.json":
        raise MotSimError(f"the model file must be named {args.locale}.json, not {out.name}")
    if out.exists() and not args.force:
        raise MotSimError(f"{out} exists; add --force to replace it")
    text = dump(model)
    # Written whole or not at all: a crash never leaves half a model behind.
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # an ordinary data file, not mkstemp's private one
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"wrote {out}")
    return 0
