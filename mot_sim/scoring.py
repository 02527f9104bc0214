"""From matched rules to an explainable score for one reply.

See docs/scoring.md for the model. In short: per dimension, good hits earn points with
diminishing returns and bad hits cost their full weight; dimensions combine by the stage's
weights; a reply that is not a sentence to a person (too short, a keyword list, repeated
words) keeps only a fraction of what it earned.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from mot_sim.matching.analysis import Analysis, Context
from mot_sim.matching.matcher import CompiledRule, Hit, Matcher, RuleIndex
from mot_sim.matching.text import has_cjk
from mot_sim.models import PhrasePattern, Rubric, Rule, Scenario
from mot_sim.stages import DIMENSIONS, MAX_REPLY_CHARS, STAGE_IDS, Outcome

_FUNCTION_EN = frozenset(
    "i me my we us our you your it its this that these those there here he she they them "
    "the a an to of for in on at by with from about as and or but so if then than because "
    "is are was were be been am do does did have has had will would can could shall should "
    "may might must let please not no what how when where why which who all any some just "
    "sure very really".split()
)
_FUNCTION_ZH = frozenset("我你您他她它们的了是在有会能要把给和就也都很这那吗呢吧请让对")


class ScoredHit(NamedTuple):
    """A rule that fired, with its effect on the reply's dimension score."""

    rule: str
    polarity: str
    dimension: str
    span: tuple[int, int]
    text: str
    points: float
    reason: str
    better: str | None = None
    pattern: str = ""
    fuzzy: bool = False
    ignored: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = self._asdict()
        d["span"] = list(self.span)
        return d


@dataclass(frozen=True)
class ReplyResult:
    """Everything about one scored reply."""

    score: int
    dimensions: dict[str, int | None]
    outcome: Outcome
    hits: list[ScoredHit]
    set_aside: list[ScoredHit] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    factor: float = 1.0

    @property
    def bad_hits(self) -> list[ScoredHit]:
        return [h for h in self.hits if h.polarity == "bad"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "dimensions": dict(self.dimensions),
            "outcome": self.outcome,
            "hits": [h.to_dict() for h in self.hits],
            "set_aside": [h.to_dict() for h in self.set_aside],
            "suggestions": list(self.suggestions),
            "notes": list(self.notes),
            "factor": self.factor,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReplyResult:
        def hit(h: dict[str, Any]) -> ScoredHit:
            return ScoredHit(**{**h, "span": tuple(h["span"])})

        return cls(
            score=int(d["score"]),
            dimensions=dict(d["dimensions"]),
            outcome=d["outcome"],
            hits=[hit(h) for h in d["hits"]],
            set_aside=[hit(h) for h in d.get("set_aside", [])],
            suggestions=list(d.get("suggestions", [])),
            notes=list(d.get("notes", [])),
            factor=float(d.get("factor", 1.0)),
        )


@dataclass(frozen=True)
class _Compiled:
    scenario: Scenario
    matcher: Matcher
    per_stage: dict[str, list[CompiledRule]]
    indexes: dict[str, RuleIndex]
    goals: dict[str, list[Rule]]


@lru_cache(maxsize=1024)
def _context(customer: str, trainee: str, locale: str) -> Context:
    return Context(customer, trainee, locale)


def _round(x: float) -> int:
    # Half-up rounding, identical on every platform (round() is banker's rounding).
    return math.floor(x + 0.5)


class Scorer:
    """Scores replies for the stages of scenarios against the rule library and rubric."""

    def __init__(self, rules: list[Rule], rubric: Rubric) -> None:
        self.library = rules
        self.rubric = rubric
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, scenario: Scenario) -> _Compiled:
        cached = self._compiled.get(scenario.id)
        if cached is not None and cached.scenario is scenario:
            return cached
        own = {sid: [r for r in scenario.stage(sid).rules] for sid in STAGE_IDS}
        own_ids = {sid: {r.id for r in rules} for sid, rules in own.items()}
        all_own = set().union(*own_ids.values())
        lib = [r for r in self.library if r.locale in (None, scenario.locale)]
        matcher = Matcher([*lib, *(r for rules in own.values() for r in rules)])
        per_stage: dict[str, list[CompiledRule]] = {}
        for sid in STAGE_IDS:
            excluded = set(scenario.stage(sid).exclude_rules)
            # A scenario's own rules belong to the stage that declares them.
            per_stage[sid] = [
                cr
                for cr in matcher.rules
                if cr.rule.id not in excluded
                and (
                    cr.rule.id in own_ids[sid] if cr.rule.id in all_own else cr.rule.applies_to(sid)
                )
            ]
        indexes = {sid: Matcher.index(rules) for sid, rules in per_stage.items()}
        # What to suggest when a reply misses it: the stage's own goals, heaviest first.
        goals = {
            sid: sorted(
                (cr.rule for cr in rules if cr.rule.polarity == "good" and cr.rule.stages != "all"),
                key=lambda r: (-r.weight, r.id),
            )
            for sid, rules in per_stage.items()
        }
        compiled = _Compiled(scenario, matcher, per_stage, indexes, goals)
        self._compiled[scenario.id] = compiled
        return compiled

    def stage_rules(self, scenario: Scenario, stage: str) -> list[Rule]:
        return [cr.rule for cr in self._for(scenario).per_stage[stage]]

    def score(self, scenario: Scenario, stage: str, text: str, trainee: str = "") -> ReplyResult:
        """Score one reply. Deterministic: same input, same result, everywhere."""
        notes: list[str] = []
        if len(text) > MAX_REPLY_CHARS:
            text = text[:MAX_REPLY_CHARS]
            notes.append(f"Only the first {MAX_REPLY_CHARS:,} characters were scored.")
        compiled = self._for(scenario)
        ctx = _context(scenario.customer.name, trainee, scenario.locale)
        analysis = Analysis.of(text, ctx)
        raw = compiled.matcher.match(analysis, compiled.indexes[stage])
        counted = [h for h in raw if not h.ignored]
        factor, structure_notes = self._structure(analysis, counted)
        notes += structure_notes
        chosen = scenario.stage(stage).weights or self.rubric.stage_weights[stage]  # type: ignore[index]
        weights: dict[str, float] = {str(k): v for k, v in chosen.items()}
        dims, scored = self._dimensions(counted)
        score = self._combine(dims, weights, counted, factor)
        set_aside = [_scored(h, 0.0) for h in raw if h.ignored]
        suggestions = self._suggest(scored, compiled.goals[stage])
        return ReplyResult(
            score=score,
            dimensions={d: (None if v is None else _round(v)) for d, v in dims.items()},
            outcome=self.rubric.outcome_for(score),
            hits=sorted(scored, key=lambda h: (h.span[0], h.rule)),
            set_aside=set_aside,
            suggestions=suggestions,
            notes=notes,
            factor=factor,
        )

    def _combine(
        self,
        dims: dict[str, float | None],
        weights: dict[str, float],
        hits: list[Hit],
        factor: float,
    ) -> int:
        """Overall score: dimensions weighted by the stage, minus the spill-over of bad
        phrasing, with the structure factor applied above the empty floor."""
        rb = self.rubric
        any_good = any(h.rule.polarity == "good" for h in hits)
        silent = rb.silent if any_good else rb.empty
        total_w = sum(weights.get(d, 0.0) for d in DIMENSIONS) or 1.0
        raw = (
            sum(
                weights.get(d, 0.0) * (v if (v := dims[d]) is not None else silent)
                for d in DIMENSIONS
            )
            / total_w
        )
        if raw > rb.empty:
            raw = rb.empty + (raw - rb.empty) * factor
        raw -= rb.bad_spill * sum(h.rule.weight for h in hits if h.rule.polarity == "bad")
        return max(0, min(100, _round(raw)))

    def _dimensions(self, hits: list[Hit]) -> tuple[dict[str, float | None], list[ScoredHit]]:
        rb = self.rubric
        dims: dict[str, float | None] = {}
        scored: list[ScoredHit] = []
        for d in DIMENSIONS:
            good = sorted(
                (h for h in hits if h.rule.dimension == d and h.rule.polarity == "good"),
                key=lambda h: (-h.rule.weight, h.rule.id),
            )
            bad = [h for h in hits if h.rule.dimension == d and h.rule.polarity == "bad"]
            if not good and not bad:
                dims[d] = None
                continue
            earned = 0.0
            value = rb.neutral
            for h in good:
                before = rb.gain * (1 - math.exp(-earned / rb.scale))
                earned += h.rule.weight
                after = rb.gain * (1 - math.exp(-earned / rb.scale))
                pts = after - before
                value += pts
                scored.append(_scored(h, round(pts, 1)))
            for h in bad:
                value -= h.rule.weight
                scored.append(_scored(h, -float(h.rule.weight)))
            dims[d] = max(0.0, min(100.0, value))
        return dims, scored

    def _structure(self, a: Analysis, hits: list[Hit]) -> tuple[float, list[str]]:
        """Discount for replies that are not a sentence to a person."""
        st = self.rubric.structure
        words = [a.tokens[i].norm for i in a.words]
        cjk = has_cjk(a.text)
        n = len(words) / 2 if cjk else len(words)
        if n == 0:
            return 0.0, ["No words to score."]
        factor = 1.0
        notes: list[str] = []
        if n < st.min_words:
            factor *= st.short_factor
            notes.append(
                f"Very short: a whole sentence lands better than a fragment "
                f"(only {st.short_factor:.0%} of what it earned counts)."
            )
        if n >= st.min_words_for_structure:
            function_words = _FUNCTION_ZH if cjk else _FUNCTION_EN
            punct = sum(1 for t in a.tokens if t.kind == "punct")
            good = [h for h in hits if h.rule.polarity == "good"]
            # Question detectors span whole sentences; everything else counts as stock.
            stock = [h for h in good if not h.pattern.startswith("<question")]
            spans = [(h.start, h.end) for h in stock]
            fn_all = fn_free = 0
            for i, w in zip(a.words, words, strict=True):
                if w in function_words:
                    fn_all += 1
                    at = a.tokens[i].start
                    if not any(s <= at < e for s, e in spans):
                        fn_free += 1
            glue_all = (fn_all + punct) / len(words)
            glue_free = (fn_free + punct) / len(words)
            # A sentence to a person has glue (little words, punctuation) of its own; a
            # keyword list has none, and a string of stock phrases has none outside them.
            if glue_all < st.min_function_ratio or (
                len({h.rule.id for h in stock}) >= st.stuffing_rules
                and glue_free < st.min_free_glue
            ):
                factor *= st.stuffing_factor
                notes.append(
                    "Reads like a list of key words, not something said to a person "
                    f"(only {st.stuffing_factor:.0%} of what it earned counts)."
                )
            elif len(set(words)) / len(words) < st.max_repeat_ratio and len(words) >= 6:
                factor *= st.stuffing_factor
                notes.append(
                    "Repeats the same words; say it once and mean it "
                    f"(only {st.stuffing_factor:.0%} of what it earned counts)."
                )
        return factor, notes

    @staticmethod
    def _suggest(scored: list[ScoredHit], goals: list[Rule]) -> list[str]:
        out = [f"Instead of “{h.text}”: {h.better}" for h in scored if h.polarity == "bad"]
        hit_ids = {h.rule for h in scored}
        for rule in [r for r in goals if r.id not in hit_ids][:2]:
            example = next((p for p in rule.patterns if isinstance(p, str)), None)
            if example is None:
                example = next(
                    (p.phrase for p in rule.patterns if isinstance(p, PhrasePattern)), None
                )
            tip = rule.reason + (f" (e.g. “{example.replace('...', '…')}”)" if example else "")
            out.append(f"Try: {tip}")
        return out


def _scored(h: Hit, points: float) -> ScoredHit:
    r = h.rule
    return ScoredHit(
        rule=r.id,
        polarity=r.polarity,
        dimension=r.dimension,
        span=(h.start, h.end),
        text=h.text,
        points=points,
        reason=r.reason,
        better=r.better,
        pattern=h.pattern,
        fuzzy=h.fuzzy,
        ignored=h.ignored,
    )
