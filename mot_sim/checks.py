"""Run a scenario's own examples like tests (``mot-sim check``)."""

from __future__ import annotations

from dataclasses import dataclass

from mot_sim.models import Example, Scenario
from mot_sim.scoring import ReplyResult, Scorer


@dataclass(frozen=True)
class ExampleOutcome:
    scenario: str
    index: int
    example: Example
    result: ReplyResult
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


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


def run_examples(scenario: Scenario, scorer: Scorer) -> list[ExampleOutcome]:
    out = []
    for i, ex in enumerate(scenario.examples):
        result = scorer.score(scenario, ex.stage, ex.reply, "Sam")
        out.append(ExampleOutcome(scenario.id, i, ex, result, tuple(evaluate(ex, result))))
    return out
