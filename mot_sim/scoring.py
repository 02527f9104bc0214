"""From matched rules to an explainable score for one reply.

See docs/scoring.md for the model. In short: per dimension, good hits earn points with
diminishing returns and bad hits cost their full weight; dimensions combine by the stage's
weights, plus a bonus for the stage's goals met; a reply that meets none of its stage's
goals is capped below "good", and one that is not said to a person (a list of stock
phrases, a keyword string, repetition) is capped below "mixed", whatever its words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, fields
from functools import lru_cache
from typing import Any, Literal, NamedTuple

from mot_sim.catalog import Library
from mot_sim.errors import UnknownIdError
from mot_sim.i18n import tr
from mot_sim.learned import Evidence, Opinion, judge
from mot_sim.matching.analysis import Analysis, Context
from mot_sim.matching.lexical import lex
from mot_sim.matching.matcher import (
    CompiledRule,
    Hit,
    LocaleWords,
    Matcher,
    RuleIndex,
    Vocabulary,
)
from mot_sim.matching.text import has_cjk, tokenize
from mot_sim.models import Goal, Rule, Scenario
from mot_sim.stages import DIMENSIONS, MAX_REPLY_CHARS, STAGE_IDS, Dimension, Outcome, Polarity
from mot_sim.structure import analyse_structure

# Why a match was set aside and did not count (``ScoredHit.ignored`` says it in words).
SetAside = Literal[
    "negated", "quoted", "vetoed", "context_missing", "overridden", "off_topic", "doubted"
]
# The matcher states its reasons in words; this is the one place they become a kind.
_SET_ASIDE_PREFIXES: tuple[tuple[str, SetAside], ...] = (
    ("negated by", "negated"),
    ("quoted to reject", "quoted"),
    ("context:", "vetoed"),
    ("its context is missing", "context_missing"),
    ("overridden by", "overridden"),
    ("off topic", "off_topic"),
    ("doubted", "doubted"),
)


def set_aside_kind(reason: str) -> SetAside | None:
    """The kind of a set-aside reason ("" means the hit counted)."""
    if not reason:
        return None
    for prefix, kind in _SET_ASIDE_PREFIXES:
        if reason.startswith(prefix):
            return kind
    raise ValueError(f"unknown set-aside reason {reason!r}")


def excused_words(a: Analysis, hits: list[Hit], words: LocaleWords | None = None) -> frozenset[int]:
    """The words of every clause where a rule read a taboo phrase and excused it (negated,
    or quoted to reject it), and of every clause that says the customer's own words back
    ("you said nothing has changed", "您说一分钱都不出"). The second opinion reads neither
    negation nor whose words they are, so it leaves these alone, both when it judges a
    reply and when it is trained (mot_sim.cli.learn)."""
    clauses: set[int] = set()
    for h in hits:  # each excused hit's own words, found by bisection: linear in the reply
        if set_aside_kind(h.ignored) in ("negated", "quoted"):
            clauses.update(a.wclause[k] for k in a.words_in(h.start, h.end))
    if words is not None and words.reported:
        clauses.update(_reported_clauses(a, words))
    if not clauses:
        return frozenset()
    return frozenset(i for i, k in enumerate(a.wclause) if k in clauses)


def _reported_clauses(a: Analysis, words: LocaleWords) -> set[int]:
    """Clauses led by the customer's words said back: a lead from the lexicon that opens
    its clause, or follows only openers ("so", "刚才"), and is not followed by a word that
    makes it a verdict ("您说得对"). "I thought you said..." is no such lead."""
    found: set[int] = set()
    norms, wclause = a.norms, a.wclause
    opened = True  # only openers so far in this clause
    for k, clause in enumerate(wclause):
        if k and wclause[k - 1] != clause:
            opened = True
        if opened and clause not in found and words.reports_at(norms, wclause, k):
            found.add(clause)
        opened = opened and norms[k] in words.reported_openers
    return found


def _quote_runs(a: Analysis, runs: tuple[Evidence, ...], most: int = 3) -> str:
    """The heaviest runs, quoted from the reply, none overlapping another."""
    taken: list[Evidence] = []
    for e in runs:
        if all(e.end <= o.first or o.end <= e.first for o in taken):
            taken.append(e)
            if len(taken) == most:
                break
    return ", ".join(
        repr(a.text[slice(*a.span(a.words[e.first], a.words[e.end - 1]))]) for e in taken
    )


class ScoredHit(NamedTuple):
    """A rule that fired, with its effect on the reply's dimension score."""

    rule: str
    polarity: Polarity
    dimension: Dimension
    span: tuple[int, int]
    text: str
    points: float
    reason: str
    better: str | None = None
    pattern: str = ""
    fuzzy: bool = False
    ignored: str = ""  # why it was set aside, in words ("" when it counts)
    aside: SetAside | None = None  # the same, as a kind

    def to_dict(self) -> dict[str, Any]:
        d = self._asdict()
        d["span"] = list(self.span)
        return d


SuggestionKind = Literal["goal", "rephrase"]


@dataclass(frozen=True)
class Suggestion:
    """What to do next time, in parts a UI lays out as it likes: a goal of the stage the
    reply missed, or a phrase to avoid with what to say instead."""

    kind: SuggestionKind
    reason: str  # goal: what the stage needs done; rephrase: why the phrase costs points
    goal: str | None = None  # goal: the missed goal's id
    rule: str | None = None  # rephrase: the rule that fired
    said: str | None = None  # rephrase: the words to replace
    example: str | None = None  # rephrase: what to say instead

    @property
    def text(self) -> str:
        """The suggestion as one line in English (the JSON ``suggestions`` form)."""
        return self.line("en")

    def line(self, lang: str) -> str:
        """The suggestion as one line in an interface language."""
        if self.kind == "rephrase":
            return tr(lang, "fb.rephrase", said=self.said, example=self.example)
        return tr(lang, "fb.try", reason=self.reason)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Suggestion:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

    @classmethod
    def from_text(cls, text: str) -> Suggestion:
        """Read a suggestion stored as a line by an older version of the score log."""
        if text.startswith("Instead of “") and "”: " in text:
            said, example = text.removeprefix("Instead of “").split("”: ", 1)
            return cls("rephrase", "", said=said, example=example)
        return cls("goal", text.removeprefix("Try: "))


@dataclass(frozen=True)
class ReplyResult:
    """Everything about one scored reply."""

    score: int
    dimensions: dict[str, int | None]
    outcome: Outcome
    hits: list[ScoredHit]
    set_aside: list[ScoredHit] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    factor: float = 1.0
    goals_met: list[str] = field(default_factory=list)
    goals_missed: list[str] = field(default_factory=list)
    is_list: bool = False

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
            "suggestions": [s.text for s in self.suggestions],
            "notes": list(self.notes),
            "factor": self.factor,
            "goals_met": list(self.goals_met),
            "goals_missed": list(self.goals_missed),
            "is_list": self.is_list,
            # Added after "suggestions" (kept as lines for existing readers): their parts.
            "advice": [s.to_dict() for s in self.suggestions],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ReplyResult:
        def hit(h: dict[str, Any]) -> ScoredHit:
            known = ScoredHit._fields
            given = {k: v for k, v in h.items() if k in known and k not in {"span", "aside"}}
            aside = h["aside"] if "aside" in h else set_aside_kind(str(h.get("ignored", "")))
            return ScoredHit(**given, span=tuple(h["span"]), aside=aside)

        advice = d.get("advice")
        suggestions = (
            [Suggestion.from_dict(s) for s in advice]
            if isinstance(advice, list)
            else [Suggestion.from_text(str(s)) for s in d.get("suggestions", [])]
        )

        return cls(
            score=int(d["score"]),
            dimensions=dict(d["dimensions"]),
            outcome=d["outcome"],
            hits=[hit(h) for h in d["hits"]],
            set_aside=[hit(h) for h in d.get("set_aside", [])],
            suggestions=suggestions,
            notes=list(d.get("notes", [])),
            factor=float(d.get("factor", 1.0)),
            goals_met=[str(g) for g in d.get("goals_met", [])],
            goals_missed=[str(g) for g in d.get("goals_missed", [])],
            is_list=bool(d.get("is_list", False)),
        )


@dataclass(frozen=True)
class _Compiled:
    scenario: Scenario
    matcher: Matcher
    per_stage: dict[str, list[CompiledRule]]
    indexes: dict[str, RuleIndex]
    words: LocaleWords
    courtesy: frozenset[str]
    function_words: frozenset[str]
    predicate: frozenset[str]
    stock_openers: frozenset[str]  # predicate markers that are no subject in a stock phrase
    topics: dict[str, frozenset[str]]
    back_references: frozenset[str]  # "that", "it": a question about the sentence before
    plain_acronyms: frozenset[str]  # "OK", "PIN": abbreviations that are no jargon
    learned: dict[str, Rule] = field(default_factory=dict)  # stage ("" for any) -> rule


@lru_cache(maxsize=1024)
def _context(customer: str, trainee: str, locale: str, plain: frozenset[str]) -> Context:
    return Context(customer, trainee, locale, plain)


def _round(x: float) -> int:
    # Half-up rounding, identical on every platform (round() is banker's rounding).
    return math.floor(x + 0.5)


class Scorer:
    """Scores replies for the stages of scenarios against the rule library and rubric."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.rubric = library.rubric
        self._compiled: dict[str, _Compiled] = {}
        # One vocabulary and one set of compiled library rules per locale, shared by every
        # scenario's matcher (13 scenarios used to compile the library 13 times).
        self._vocab: dict[str, Vocabulary] = {}
        self._rules: dict[int, CompiledRule] = {}

    def _for(self, scenario: Scenario) -> _Compiled:
        cached = self._compiled.get(scenario.id)
        if cached is not None and cached.scenario is scenario:
            return cached
        own = {
            sid: [*scenario.stage(sid).rules, *(r for r in scenario.rules if r.applies_to(sid))]
            for sid in STAGE_IDS
        }
        own_ids = {sid: {r.id for r in rules} for sid, rules in own.items()}
        all_own = set().union(*own_ids.values())
        locale = scenario.locale
        lib = [r for r in self.library.rules if (r.locale or "en") == locale]
        lexicon = self.library.lexicon[locale]
        words = self.library.words[locale]
        mine = {r.id: r for rules in own.values() for r in rules}
        vocab = self._vocab.setdefault(locale, Vocabulary())
        matcher = Matcher([*lib, *mine.values()], words, vocab, self._rules)
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
        indexes = {sid: matcher.index(rules) for sid, rules in per_stage.items()}
        function_words = frozenset(lexicon.function_words)
        topics: dict[str, frozenset[str]] = {
            sid: _topic(scenario, sid, function_words) | frozenset(lexicon.topic_words)
            for sid in STAGE_IDS
        }
        compiled = _Compiled(
            scenario,
            matcher,
            per_stage,
            indexes,
            words,
            frozenset(lexicon.courtesy),
            function_words,
            frozenset(lexicon.predicate_markers),
            frozenset(lexicon.stock_openers),
            topics,
            frozenset(lexicon.back_references),
            frozenset(lexicon.plain_acronyms),
        )
        if scenario.locale in self.library.models:
            for key, rules in (("", matcher.rules), *per_stage.items()):
                found = next((cr.rule for cr in rules if cr.rule.learned), None)
                if found is not None:
                    compiled.learned[key] = found
        self._compiled[scenario.id] = compiled
        return compiled

    def stage_rules(self, scenario: Scenario, stage: str) -> list[Rule]:
        return [cr.rule for cr in self._for(scenario).per_stage[stage]]

    def matches(
        self, scenario: Scenario, text: str, trainee: str = "", stage: str | None = None
    ) -> list[Hit]:
        """Every rule of the scenario that fires on ``text`` (counted first, then the ones
        set aside with the reason), in one stage or, without ``stage``, in any."""
        compiled = self._for(scenario)
        index = compiled.indexes[stage] if stage else compiled.matcher.all
        a = self.analyse(scenario, text, trainee)
        topic = self._off_topic(a, compiled, stage) if stage else None
        found, opinion = self._doubt(compiled, a, compiled.matcher.match(a, index, topic))
        return self._second_opinion(compiled, a, found, stage or "", opinion)

    def trace(self, scenario: Scenario, rule_id: str, a: Analysis) -> dict[str, list[str]]:
        """What each pattern of a rule matches, before negation and vetoes."""
        matcher = self._for(scenario).matcher
        if rule_id not in matcher.by_id:
            raise UnknownIdError("rule", rule_id, sorted(matcher.by_id))
        return matcher.trace(rule_id, a)

    def analyse(self, scenario: Scenario, text: str, trainee: str = "") -> Analysis:
        """The reply as the matcher sees it (tokens, clauses), for explanations."""
        compiled = self._for(scenario)
        ctx = _context(scenario.customer.name, trainee, scenario.locale, compiled.plain_acronyms)
        return Analysis.of(text, ctx, compiled.words.clause_breaks)

    def score(self, scenario: Scenario, stage: str, text: str, trainee: str = "") -> ReplyResult:
        """Score one reply. Deterministic: same input, same result, everywhere."""
        notes: list[str] = []
        lang = scenario.locale  # notes speak the scenario's language
        if len(text) > MAX_REPLY_CHARS:
            text = text[:MAX_REPLY_CHARS]
            notes.append(tr(lang, "note.cut", n=MAX_REPLY_CHARS))
        compiled = self._for(scenario)
        analysis = self.analyse(scenario, text, trainee)
        raw = compiled.matcher.match(
            analysis, compiled.indexes[stage], self._off_topic(analysis, compiled, stage)
        )
        raw, opinion = self._doubt(compiled, analysis, raw)
        raw = self._second_opinion(compiled, analysis, raw, stage, opinion)
        counted = [h for h in raw if not h.ignored]
        rb = self.rubric
        shape = analyse_structure(
            analysis,
            counted,
            rb.structure,
            compiled.function_words,
            compiled.courtesy,
            compiled.predicate,
            compiled.stock_openers,
        )
        factor = 1.0
        if shape.words == 0:
            factor = 0.0
            notes.append(tr(lang, "note.no_words"))
        elif shape.words < rb.structure.min_words:
            factor = rb.structure.short_factor
            notes.append(tr(lang, "note.short", share=factor))
        chosen = scenario.stage(stage).weights or self.rubric.stage_weights[stage]  # type: ignore[index]
        weights: dict[str, float] = {str(k): v for k, v in chosen.items()}
        dims, scored = self._dimensions(counted)
        fired = {h.rule.id for h in counted}
        goals = scenario.stage(stage).goals
        met = [g for g in goals if fired.intersection(g.rules)]
        missed = [g for g in goals if g not in met]
        bad = [h for h in counted if h.rule.polarity == "bad"]
        # Doing the job does not buy back a phrase to avoid: no goal bonus beside one.
        goal_share = 0.0 if bad else len(met) / len(goals)
        score = self._combine(dims, weights, counted, factor, goal_share)
        substantive = {h.rule.id for h in counted if not h.rule.courtesy}
        list_note = shape.list_kind(
            rb.structure, any(substantive.intersection(g.rules) for g in met)
        )
        is_list = list_note is not None
        # A list is capped whatever goals its words brush: it is not praised for them.
        if met and not bad and not is_list:
            bonus = self.rubric.goal_bonus * len(met) / len(goals)
            done = "; ".join(g.say.rstrip(".。") for g in met)
            notes.append(tr(lang, "note.goals_met", bonus=bonus, done=done))
        score = self._cap(score, notes, list_note, met, missed, bad, lang)
        set_aside = [_scored(h, 0.0) for h in raw if h.ignored]
        return ReplyResult(
            score=score,
            dimensions={d: (None if v is None else _round(v)) for d, v in dims.items()},
            outcome=self.rubric.outcome_for(score),
            hits=sorted(scored, key=lambda h: (h.span[0], h.rule)),
            set_aside=set_aside,
            suggestions=self._suggest(scored, missed),
            notes=notes,
            factor=factor,
            goals_met=[g.id for g in met],
            goals_missed=[g.id for g in missed],
            is_list=is_list,
        )

    def _cap(
        self,
        score: int,
        notes: list[str],
        list_note: str | None,
        met: list[Goal],
        missed: list[Goal],
        bad: list[Hit],
        lang: str = "en",
    ) -> int:
        """Apply the lowest cap the reply earns (docs/scoring.md), noting why."""
        rb = self.rubric
        caps: list[tuple[float, str]] = []  # (cap, message key)
        if list_note is not None:
            caps.append((rb.structure.list_cap, list_note))
        if not met:
            caps.append((rb.no_goal_cap, "note.no_goal"))
        elif any(g.required for g in missed):
            caps.append((rb.missed_required_cap, "note.missed_required"))
        if bad:
            caps.append((rb.bad_cap, "note.bad"))
        cap, key = min(caps, default=(100.0, ""))
        if score > cap:
            notes.append(tr(lang, key))
            return _round(cap)
        return score

    def _second_opinion(
        self,
        c: _Compiled,
        a: Analysis,
        hits: list[Hit],
        stage: str,
        opinion: Opinion | None = None,
    ) -> list[Hit]:
        """Add the learned rule's hit when the model finds the reply reads like phrasing
        trainers marked to avoid and no rule has flagged it (docs/scoring.md)."""
        rule = c.learned.get(stage)
        if rule is None or any(h.rule.polarity == "bad" and not h.ignored for h in hits):
            return hits
        if opinion is None:  # not already judged while doubting (the same words skipped)
            locale = c.scenario.locale
            excused = excused_words(a, hits, self.library.words[locale])
            opinion = judge(self.library.models[locale], a, excused)
        if not opinion.flagged or not opinion.evidence:
            return hits

        def span(e: Evidence) -> tuple[int, int]:
            return a.span(a.words[e.first], a.words[e.end - 1])

        start, end = span(opinion.evidence[0])
        heaviest = ", ".join(repr(a.text[slice(*span(e))]) for e in opinion.evidence[:3])
        hit = Hit(rule, start, end, a.text[start:end], f"learned: {heaviest}")
        counted = sorted(
            [*(h for h in hits if not h.ignored), hit], key=lambda h: (h.start, h.rule.id)
        )
        return counted + [h for h in hits if h.ignored]

    def _doubt(
        self, c: _Compiled, a: Analysis, hits: list[Hit]
    ) -> tuple[list[Hit], Opinion | None]:
        """Set aside the hits of doubtable rules (a promise, a mention of policy, advice)
        when the second opinion reads the whole reply, and the hit's own sentence, as
        replies trainers marked good (rubric ``doubt_reply``, ``doubt_sentence``). Phrases
        wrong wherever they stand ("calm down") are never doubted."""
        rb = self.rubric
        model = self.library.models.get(c.scenario.locale)
        if rb.doubt_reply is None or model is None:
            return hits, None
        if not any(h.rule.doubtable and not h.ignored for h in hits):
            return hits, None
        opinion = judge(model, a, excused_words(a, hits, self.library.words[c.scenario.locale]))
        if opinion.log_odds > rb.doubt_reply:
            return hits, opinion
        sums = dict(opinion.sentences)
        runs = _quote_runs(a, opinion.counter)
        why = f"doubted: the reply reads like replies trainers marked good ({runs})"
        out: list[Hit] = []
        for h in hits:
            if h.rule.doubtable and not h.ignored:
                k = a.wsentence[a.words_in(h.start, h.end).start]  # a hit starts on a word
                if sums.get(k, model.prior) <= rb.doubt_sentence:
                    h = h._replace(ignored=why)
            out.append(h)
        counted = [h for h in out if not h.ignored]
        return counted + [h for h in out if h.ignored], opinion

    @staticmethod
    def _off_topic(a: Analysis, c: _Compiled, stage: str) -> Callable[[Hit], str]:
        """Why an on-topic-only hit (a question) is set aside, if it is: its words share
        nothing with the stage, and it does not point back (lexicon ``back_references``)
        at a sentence that does. "What's the weather like?" asks something, but diagnoses
        nothing; in "A pension has to stretch. Is it mostly reading, or driving too?" the
        "it" is the case the sentence before named."""
        topic = c.topics[stage]

        def about(ks: Iterable[int]) -> bool:
            return any(
                has_cjk(w) or not lex(w).lemmas.isdisjoint(topic)
                for w in (a.norms[k] for k in ks)
                if w not in c.function_words
            )

        def check(h: Hit) -> str:
            if not h.rule.on_topic:
                return ""
            span = a.words_in(h.start, h.end)
            if about(span):
                return ""
            if not c.back_references.isdisjoint(a.norms[k] for k in span):
                k = span.start - 1  # back over the start of its sentence and the one before
                while k >= 0 and a.wsentence[k] >= a.wsentence[span.start] - 1:
                    k -= 1
                if about(range(k + 1, span.start)):
                    return ""
            return "off topic: nothing in it about this customer's case"

        return check

    def _combine(
        self,
        dims: dict[str, float | None],
        weights: dict[str, float],
        hits: list[Hit],
        factor: float,
        goal_share: float,
    ) -> int:
        """Overall score: dimensions weighted by the stage plus the goal bonus, the short-
        reply factor above the empty floor, minus the spill-over of bad phrasing."""
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
        raw += rb.goal_bonus * goal_share
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

    @staticmethod
    def _suggest(scored: list[ScoredHit], missed: list[Goal]) -> list[Suggestion]:
        out = [
            Suggestion("rephrase", h.reason, rule=h.rule, said=h.text, example=h.better)
            for h in scored
            if h.polarity == "bad"
        ]
        first = sorted(missed, key=lambda g: not g.required)
        out += [Suggestion("goal", g.say, goal=g.id) for g in first[:2]]
        return out


def _topic(scenario: Scenario, stage: str, function_words: frozenset[str]) -> frozenset[str]:
    """Lemmas of the content words of a stage: the customer's lines, purpose, goals and
    model answers."""
    st = scenario.stage(stage)
    texts = [*st.customer, st.purpose, *st.model_answers, *(g.say for g in st.goals)]
    out: set[str] = set()
    for text in [*texts, scenario.setting]:
        for t in tokenize(text):
            if t.kind != "word" or len(t.norm) < 3 or t.norm in function_words:
                continue
            # The case's facts are on topic; its names and places alone are not.
            if text is scenario.setting and text[t.start : t.start + 1].isupper():
                continue
            out |= lex(t.norm).lemmas
    return frozenset(out)


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
        aside=set_aside_kind(h.ignored),
    )
