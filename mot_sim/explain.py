"""Why rules fire on a text (``mot-sim explain``): clauses, every hit and every match set
aside with its reason, and, for one rule, each of its patterns in turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mot_sim.matching.lexical import lex
from mot_sim.matching.matcher import Hit
from mot_sim.matching.text import tokenize
from mot_sim.models import Scenario
from mot_sim.scoring import ReplyResult, Scorer, set_aside_kind


@dataclass(frozen=True)
class PatternTrace:
    """One pattern of a rule and what it matched in the text ("" when nothing)."""

    pattern: str
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    text: str
    clauses: list[str]
    hits: list[Hit]  # counted first, then those set aside (``ignored`` says why)
    unknown_words: list[str]  # words the dictionary does not know: typos are matched by sound
    result: ReplyResult | None = None  # with a stage: the score and its parts
    patterns: list[PatternTrace] = field(default_factory=list)  # with a rule: each pattern

    def to_dict(self) -> dict[str, Any]:
        """The explanation as JSON (``explain --json``, a published contract)."""
        return {
            "text": self.text,
            "clauses": self.clauses,
            "unknown_words": self.unknown_words,
            "hits": [
                {
                    "rule": h.rule.id,
                    "polarity": h.rule.polarity,
                    "dimension": h.rule.dimension,
                    "text": h.text,
                    "span": [h.start, h.end],
                    "pattern": h.pattern,
                    "counted": not h.ignored,
                    "set_aside": h.ignored or None,
                    "aside": set_aside_kind(h.ignored),  # the reason's kind
                }
                for h in self.hits
            ],
            "patterns": [{"pattern": t.pattern, "matched": list(t.matched)} for t in self.patterns],
            "result": self.result.to_dict() if self.result is not None else None,
        }


def explain(
    scorer: Scorer,
    scenario: Scenario,
    text: str,
    stage: str | None = None,
    rule: str | None = None,
    trainee: str = "Sam",
) -> Explanation:
    """Everything the scorer sees in ``text`` for ``scenario`` (and ``stage``, if given)."""
    a = scorer.analyse(scenario, text, trainee)
    clauses: dict[int, list[int]] = {}
    for k, cl in enumerate(a.wclause):
        clauses.setdefault(cl, []).append(k)
    spans = []
    for members in clauses.values():
        first, last = a.words[members[0]], a.words[members[-1]]
        spans.append(text[a.tokens[first].start : a.tokens[last].end])
    hits = scorer.matches(scenario, text, trainee, stage)
    if rule is not None:
        hits = [h for h in hits if h.rule.id == rule]
    names = {t.norm for t in tokenize(f"{scenario.customer.name} {trainee}")}
    unknown = sorted(
        {w for w in a.norms if w.isascii() and w.isalpha() and not lex(w).known} - names
    )
    result = scorer.score(scenario, stage, text, trainee) if stage else None
    traces: list[PatternTrace] = []
    if rule is not None:
        traces = [
            PatternTrace(p, tuple(found)) for p, found in scorer.trace(scenario, rule, a).items()
        ]
    return Explanation(text, spans, hits, unknown, result, traces)
