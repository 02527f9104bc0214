"""Run examples like tests (``mot-sim check``): each scenario's sample replies with the
result the author expects, and each rule's own ``examples: {hit, miss}``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mot_sim.catalog import Library
from mot_sim.errors import InputError
from mot_sim.models import Example, Rule, Scenario
from mot_sim.scoring import ReplyResult, Scorer
from mot_sim.stages import STAGE_IDS
from mot_sim.yamlsrc import Located, load_file


@lru_cache(maxsize=64)
def _doc(path: Path) -> Located | None:
    try:
        return load_file(path)
    except InputError:
        return None


def _at(path: Path | None, loc: tuple[Any, ...]) -> str:
    """``PATH:LINE`` of ``loc`` in a file, so a failing example can be found at once."""
    if path is None:
        return ""
    doc = _doc(path)
    if doc is None:
        return str(path)
    return f"{path}:{doc.where(loc)[0]}"


@dataclass(frozen=True)
class ExampleOutcome:
    scenario: str
    index: int
    example: Example
    result: ReplyResult
    failures: tuple[str, ...]
    at: str = ""  # PATH:LINE of the example

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(frozen=True)
class RuleExampleOutcome:
    """One of a rule's own examples: should it fire, and did it?"""

    rule: str
    where: str  # "library" or the scenario id whose own rule it is
    text: str
    should_fire: bool
    fired: bool
    why: str  # set-aside reason, or the rules that overrode it
    at: str = ""  # PATH:LINE of the example

    @property
    def passed(self) -> bool:
        return self.should_fire == self.fired


def evaluate(example: Example, result: ReplyResult) -> list[str]:
    """What the result got wrong against the example's expectations (empty = pass)."""
    e = example.expect
    fails: list[str] = []
    hit = {h.rule for h in result.hits}
    bad = {h.rule for h in result.bad_hits}
    if e.min_score is not None and result.score < e.min_score:
        fails.append(f"score {result.score} < {e.min_score:g}")
    if e.max_score is not None and result.score > e.max_score:
        fails.append(f"score {result.score} > {e.max_score:g}")
    if e.outcome is not None and result.outcome != e.outcome:
        fails.append(f"outcome {result.outcome}, expected {e.outcome}")
    fails += [f"rule {r} did not fire" for r in e.hits if r not in hit]
    fails += [f"rule {r} fired" for r in e.not_hits if r in hit]
    if e.no_bad and bad:
        fails.append(f"bad rules fired: {', '.join(sorted(bad))}")
    if e.any_bad and not bad:
        fails.append("no bad rule fired")
    return fails


def run_examples(
    scenario: Scenario, scorer: Scorer, path: Path | None = None
) -> list[ExampleOutcome]:
    out = []
    for i, ex in enumerate(scenario.examples):
        result = scorer.score(scenario, ex.stage, ex.reply, "Sam")
        failures = tuple(evaluate(ex, result))
        at = _at(path, ("examples", i, "reply")) if failures else ""
        out.append(ExampleOutcome(scenario.id, i, ex, result, failures, at))
    return out


def probe_scenario(library: Library, locale: str) -> Scenario:
    """A bare scenario of one locale, so library rules can be tried outside any scenario."""
    ctx = library.lexicon[locale].example_context
    stage = {
        "purpose": "probe",
        "goals": [{"id": "probe", "say": "probe", "rules": [library.rules[0].id]}],
        "customer": ["probe"],
        "reactions": {"good": ["ok"], "mixed": ["ok"], "poor": ["ok"]},
        "model_answers": ["probe"],
    }
    return Scenario.model_validate(
        {
            "id": f"rule_examples_{locale}",
            "title": "rule examples",
            "summary": "rule examples",
            "locale": locale,
            "difficulty": "easy",
            "role": "probe",
            "setting": "probe",
            "customer": {
                "name": ctx.customer,
                "style": "steady",
                "mood_start": 50,
                "walk_out_below": 10,
                "walk_out_line": "probe",
            },
            "stages": {sid: stage for sid in STAGE_IDS},
        }
    )


def _try(
    scorer: Scorer,
    scenario: Scenario,
    rule: Rule,
    where: str,
    trainee: str,
    source: tuple[Path, tuple[Any, ...]] | None = None,
) -> list[RuleExampleOutcome]:
    out: list[RuleExampleOutcome] = []
    for should, kind, texts in (
        (True, "hit", rule.examples.hit),
        (False, "miss", rule.examples.miss),
    ):
        for k, text in enumerate(texts):
            hits = [h for h in scorer.matches(scenario, text, trainee) if h.rule.id == rule.id]
            fired = any(not h.ignored for h in hits)
            why = next((h.ignored for h in hits if h.ignored), "")
            at = ""
            if fired != should and source is not None:
                at = _at(source[0], (*source[1], "examples", kind, k))
            out.append(RuleExampleOutcome(rule.id, where, text, should, fired, why, at))
    return out


def run_rule_examples(
    scorer: Scorer,
    library: Library,
    scenarios: list[Scenario],
    paths: Mapping[str, Path] | None = None,
) -> list[RuleExampleOutcome]:
    """Every rule's own examples: library rules against the whole library of their locale,
    a scenario's own rules inside that scenario (with its customer's name)."""
    out: list[RuleExampleOutcome] = []
    for locale in sorted(library.lexicon):
        rules = [r for r in library.rules if (r.locale or "en") == locale]
        if not rules:
            continue
        probe = probe_scenario(library, locale)
        trainee = library.lexicon[locale].example_context.trainee
        for rule in rules:
            found = library.sources.get(rule.id)
            source = (found[0], ("rules", found[1])) if found else None
            out += _try(scorer, probe, rule, "library", trainee, source)
    for sc in scenarios:
        path = (paths or {}).get(sc.id)
        own: list[tuple[tuple[Any, ...], Rule]] = [
            (("rules", i), r) for i, r in enumerate(sc.rules)
        ]
        own += [
            (("stages", sid, "rules", i), r)
            for sid in STAGE_IDS
            for i, r in enumerate(sc.stage(sid).rules)
        ]
        for loc, rule in own:
            out += _try(scorer, sc, rule, sc.id, "Sam", (path, loc) if path else None)
    return out
