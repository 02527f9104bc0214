"""Compile phrase rules once; match each reply against them quickly and explainably.

Phrases become sequences of stems over a shared vocabulary. Each distinct reply word is
looked up once (exactly, then typo-tolerantly with rapidfuzz's OSA distance over a
first-letter bucket), so the cost per reply grows with its length, not with the size of
the rule library.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from mot_sim.matching.analysis import Analysis
from mot_sim.matching.detectors import DETECTORS
from mot_sim.matching.text import CLAUSE_BREAK, tokenize
from mot_sim.models import DetectorPattern, Pattern, PhrasePattern, RegexPattern, Rule

GAP = -1  # "..." in a phrase: up to GAP_WORDS words of anything
GAP_WORDS = 4
NEGATORS = frozenset(
    {
        "not",
        "no",
        "never",
        "nothing",
        "without",
        "hardly",
        "neither",
        "nor",
        "不",
        "没",
        "没有",
        "别",
        "未",
        "无",
        "非",
    }
)
NEGATION_WINDOW = 3
_WIDE_NEGATORS = frozenset({"not", "never", "不", "没", "没有", "别", "未"})
# Intensifiers a trainee may add inside a taught phrase ("that sounds *really* frustrating").
FILLERS = frozenset(
    {
        "really",
        "very",
        "so",
        "truly",
        "just",
        "quite",
        "extremely",
        "totally",
        "completely",
        "genuinely",
        "terribly",
        "awfully",
        "much",
        "deeply",
        "incredibly",
        "sincerely",
        "all",
        "personally",
        "definitely",
        "certainly",
        "absolutely",
        "now",
        "also",
        "actually",
        "happily",
        "gladly",
        "gently",
        "right",
    }
)
MAX_FILLERS = 2


def allowed_edits(word: str) -> int:
    """Typos tolerated in a rule word of this length (short words must be exact)."""
    if not word.isascii() or not word.isalpha():
        return 0
    n = len(word)
    return 0 if n <= 3 else 1 if n <= 8 else 2


def _close_enough(rule_word: str, reply_word: str, dist: int) -> bool:
    # Four-letter words tolerate a dropped or added letter ("you" for "your") but not a
    # changed one, or "call" would match "calm".
    if len(rule_word) == 4 and len(reply_word) == len(rule_word):
        return False
    return 0 < dist <= allowed_edits(rule_word) and abs(len(rule_word) - len(reply_word)) <= dist


class Vocabulary:
    """Every stem used by a phrase, with a cached typo-tolerant reverse lookup."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self._buckets: dict[str, list[str]] = {}
        self._cache: dict[str, dict[int, bool]] = {}

    def add(self, stem: str) -> int:
        if stem not in self.ids:
            self.ids[stem] = len(self.ids)
            self.words.append(stem)
            if allowed_edits(stem):
                self._buckets.setdefault(stem[0], []).append(stem)
            self._cache.clear()
        return self.ids[stem]

    def lookup(self, stem: str) -> dict[int, bool]:
        """Vocabulary ids this reply stem matches, each with whether it matched exactly.
        The dict is shared through the cache: callers must not change it."""
        cached = self._cache.get(stem)
        if cached is not None:
            return cached
        found: list[tuple[int, bool]] = []
        exact = self.ids.get(stem)
        if exact is not None:
            found.append((exact, True))
        bucket = self._buckets.get(stem[:1]) if len(stem) >= 3 and stem.isascii() else None
        if bucket:
            for choice, dist, _ in process.extract(
                stem, bucket, scorer=OSA.distance, score_cutoff=2, limit=None
            ):
                if _close_enough(choice, stem, dist):
                    found.append((self.ids[choice], False))
        result = dict(found)
        if len(self._cache) > 200_000:  # bound memory on endless unique input
            self._cache.clear()
        self._cache[stem] = result
        return result


@dataclass(frozen=True)
class CompiledPattern:
    source: str
    kind: str  # phrase, regex or detector
    elements: tuple[int, ...] = ()
    regex: re.Pattern[str] | None = None
    detector: str = ""
    required: frozenset[int] = frozenset()  # every word the phrase needs
    max_fuzzy: int = 1  # how many of its words may be typos
    anchor: int = -1  # the word used to look the phrase up

    @classmethod
    def phrase(cls, source: str, elements: tuple[int, ...], vocab: Vocabulary) -> CompiledPattern:
        words = [e for e in elements if e != GAP]
        anchor = max(words, key=lambda e: len(vocab.words[e]))
        return cls(
            source,
            "phrase",
            elements=elements,
            required=frozenset(words),
            max_fuzzy=max(1, len(words) // 2),
            anchor=anchor,
        )


@dataclass(frozen=True)
class RuleIndex:
    """A set of rules ready to match: phrases by their anchor word, other patterns listed."""

    other: tuple[tuple[CompiledRule, CompiledPattern], ...]
    by_anchor: dict[int, list[tuple[CompiledRule, CompiledPattern]]]


@dataclass(frozen=True)
class _WordMatches:
    per_word: list[dict[int, bool]]  # for each reply word: vocabulary id -> exact?
    where: dict[int, list[int]]  # vocabulary id -> word positions that match it


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    patterns: tuple[CompiledPattern, ...]
    unless: tuple[CompiledPattern, ...]


class Hit(NamedTuple):
    """One rule that fired: where, on which words, and whether it counts."""

    rule: Rule
    start: int
    end: int
    text: str
    pattern: str
    fuzzy: bool = False
    ignored: str = ""  # why a match was set aside (negated, context), empty if it counts
    kind: str = "phrase"


def _compile(pattern: Pattern, vocab: Vocabulary) -> CompiledPattern:
    if isinstance(pattern, str):
        pattern = PhrasePattern(phrase=pattern)
    if isinstance(pattern, RegexPattern):
        return CompiledPattern(pattern.regex, "regex", regex=re.compile(pattern.regex))
    if isinstance(pattern, DetectorPattern):
        return CompiledPattern(f"<{pattern.detector}>", "detector", detector=pattern.detector)
    elements: list[int] = []
    for chunk in re.split(r"(\.\.\.|…)", pattern.phrase):
        if chunk in {"...", "…"}:
            elements.append(GAP)
            continue
        elements += [vocab.add(t.stem) for t in tokenize(chunk) if t.kind != "punct"]
    while elements and elements[0] == GAP:
        elements.pop(0)
    while elements and elements[-1] == GAP:
        elements.pop()
    return CompiledPattern.phrase(pattern.phrase, tuple(elements), vocab)


class Matcher:
    """All rules of a library, compiled against one vocabulary."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.vocab = Vocabulary()
        self.rules: list[CompiledRule] = []
        for rule in rules:
            pats = tuple(
                p
                for p in (_compile(x, self.vocab) for x in rule.patterns)
                if p.kind != "phrase" or p.elements
            )
            unless = tuple(_compile(x, self.vocab) for x in rule.unless)
            self.rules.append(CompiledRule(rule, pats, unless))
        self.all = self.index(self.rules)

    @staticmethod
    def index(rules: Iterable[CompiledRule]) -> RuleIndex:
        """Prepare a subset of rules (one stage's) for matching many replies."""
        other: list[tuple[CompiledRule, CompiledPattern]] = []
        by_anchor: dict[int, list[tuple[CompiledRule, CompiledPattern]]] = {}
        for cr in rules:
            for p in cr.patterns:
                if p.kind == "phrase":
                    by_anchor.setdefault(p.anchor, []).append((cr, p))
                else:
                    other.append((cr, p))
        return RuleIndex(tuple(other), by_anchor)

    # -- per reply -------------------------------------------------------------------
    def _word_matches(self, a: Analysis) -> _WordMatches:
        lookup = self.vocab.lookup
        tokens = a.tokens
        per_word = [lookup(tokens[i].stem) for i in a.words]
        where: dict[int, list[int]] = {}
        for pos, found in enumerate(per_word):
            for vid in found:
                where.setdefault(vid, []).append(pos)
        return _WordMatches(per_word, where)

    def _phrase_ranges(
        self, a: Analysis, p: CompiledPattern, m: _WordMatches
    ) -> list[tuple[int, int, bool]]:
        # Most phrases need a word the reply does not have: one subset test rules them out.
        if not p.required <= m.where.keys():
            return []
        els = p.elements
        wm = m.per_word
        out: list[tuple[int, int, bool]] = []
        first = els[0]
        for start in m.where[first]:
            exact0 = wm[start][first]
            sentence = a.sentence_of[a.words[start]]
            end = self._extend(
                a, els, 1, start + 1, sentence, 0 if exact0 else 1, p.max_fuzzy, wm, 0
            )
            if end is not None:
                out.append((a.words[start], a.words[end[0] - 1], end[1] > 0))
        return out

    def _extend(
        self,
        a: Analysis,
        els: Sequence[int],
        k: int,
        j: int,
        sentence: int,
        fuzzy: int,
        max_fuzzy: int,
        wm: list[dict[int, bool]],
        fillers: int,
    ) -> tuple[int, int] | None:
        if fuzzy > max_fuzzy:
            return None
        if k == len(els):
            return j, fuzzy
        el = els[k]
        if el == GAP:
            for skip in range(GAP_WORDS + 1):
                if j + skip > len(a.words):
                    break
                if skip and a.sentence_of[a.words[j + skip - 1]] != sentence:
                    break
                found = self._extend(
                    a, els, k + 1, j + skip, sentence, fuzzy, max_fuzzy, wm, fillers
                )
                if found is not None:
                    return found
            return None
        if j >= len(a.words) or a.sentence_of[a.words[j]] != sentence:
            return None
        exact = wm[j].get(el)
        if exact is None:
            if fillers < MAX_FILLERS and a.tokens[a.words[j]].norm in FILLERS:
                return self._extend(a, els, k, j + 1, sentence, fuzzy, max_fuzzy, wm, fillers + 1)
            return None
        return self._extend(
            a, els, k + 1, j + 1, sentence, fuzzy + (not exact), max_fuzzy, wm, fillers
        )

    def _ranges(
        self, a: Analysis, p: CompiledPattern, wm: _WordMatches
    ) -> list[tuple[int, int, bool]]:
        if p.kind == "phrase":
            return self._phrase_ranges(a, p, wm)
        if p.kind == "regex" and p.regex is not None:
            out = []
            for m in p.regex.finditer(a.joined):
                rng = a.tokens_of_joined(m.start(), m.end())
                if rng:
                    out.append((rng[0], rng[1], False))
            return out
        found = a.detected.get(p.detector)
        if found is None:  # several rules may use one detector: run it once per reply
            found = a.detected[p.detector] = [
                (f, last, False) for f, last in DETECTORS[p.detector](a)
            ]
        return found

    @staticmethod
    def _negated(a: Analysis, first: int, last: int) -> str:
        # "of course not", "I can not": a negator straight after the match cancels it too.
        after = last + 1
        if after < len(a.tokens) and a.tokens[after].norm in {"not", "never"}:
            return a.tokens[after].norm
        seen = 0
        i = first - 1
        while i >= 0 and seen < NEGATION_WINDOW:
            tok = a.tokens[i]
            if tok.kind == "punct" and tok.norm in CLAUSE_BREAK:
                break
            if tok.norm == "but":
                break
            # "no"/"without" negate the next word ("no charge on the house" still gives
            # the house); "not"/"never" reach a little further ("not about company policy").
            if tok.norm in NEGATORS and (seen == 0 or tok.norm in _WIDE_NEGATORS):
                # "not only ..." and "no doubt" do not negate what follows.
                nxt = a.tokens[i + 1].norm if i + 1 < len(a.tokens) else ""
                if nxt not in {"only", "just", "doubt", "problem"}:
                    return tok.norm
            if tok.kind != "punct":
                seen += 1
            i -= 1
        return ""

    def match(self, a: Analysis, index: RuleIndex | None = None) -> list[Hit]:
        """Hits for ``a``: at most one counting hit per rule, plus set-aside matches."""
        wm = self._word_matches(a)
        index = index or self.all
        candidates = list(index.other)
        by_anchor = index.by_anchor
        present = wm.where.keys()
        for vid in present:
            found_here = by_anchor.get(vid)
            if found_here:
                # Most phrases need a word the reply lacks: one subset test rules them out.
                candidates += [c for c in found_here if c[1].required <= present]
        found: list[Hit] = []
        ignored: list[Hit] = []
        for cr, p in candidates:
            ranges = self._phrase_ranges(a, p, wm) if p.kind == "phrase" else self._ranges(a, p, wm)
            for first, last, fuzzy in ranges:
                start, end = a.span(first, last)
                hit = Hit(cr.rule, start, end, a.text[start:end], p.source, fuzzy, "", p.kind)
                why = self._negated(a, first, last) if cr.rule.negatable else ""
                if why:
                    ignored.append(_set_aside(hit, f"negated by '{why}'"))
                    continue
                ctx = self._context_veto(a, cr, first, wm)
                if ctx:
                    ignored.append(_set_aside(hit, f"context: '{ctx}'"))
                    continue
                found.append(hit)
        best: dict[str, Hit] = {}
        for hit in _most_specific(found):
            held = best.get(hit.rule.id)
            if held is None or (hit.start, -hit.end) < (held.start, -held.end):
                best[hit.rule.id] = hit
        counted = sorted(best.values(), key=lambda h: (h.start, h.rule.id))
        aside: dict[str, Hit] = {}
        for h in ignored:
            if h.rule.id not in best:
                aside.setdefault(h.rule.id, h)
        return counted + list(aside.values())

    def _context_veto(self, a: Analysis, cr: CompiledRule, first: int, wm: _WordMatches) -> str:
        if not cr.unless:
            return ""
        sentence = a.sentence_of[first]
        for p in cr.unless:
            for f, last, _ in self._ranges(a, p, wm):
                if a.sentence_of[f] == sentence:
                    s, e = a.span(f, last)
                    return a.text[s:e]
        return ""


def _set_aside(hit: Hit, why: str) -> Hit:
    return hit._replace(ignored=why)


def _most_specific(hits: list[Hit]) -> list[Hit]:
    """Where a hit lies inside a longer phrase hit of the other polarity or the same
    dimension, the longer one wins: "sorry to keep you waiting" is a bad habit, not an
    apology. A phrase may serve two dimensions ("which would you prefer" both offers a
    choice and invites participation), so across dimensions both count. Detector hits
    (whole questions, say) swallow nothing."""
    keep = []
    for h in hits:
        swallowed = any(
            o.rule.id != h.rule.id
            and o.kind != "detector"
            and (o.rule.polarity != h.rule.polarity or o.rule.dimension == h.rule.dimension)
            and o.start <= h.start
            and h.end <= o.end
            and (o.end - o.start) > (h.end - h.start)
            for o in hits
        )
        if not swallowed:
            keep.append(h)
    return keep
