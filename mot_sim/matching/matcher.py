"""Compile rule patterns once; match each reply against them in time linear in its length.

A pattern (see :mod:`mot_sim.matching.pattern`) compiles to a tiny program over the
reply's words: consume a word whose lemmas include one of a set, skip a word inside the
clause, consume a detector's range, or branch. Programs run by backtracking with a memo of
failed (instruction, position) pairs, so no pattern costs more than its size times the
reply's length, whatever a trainer writes (no regex can backtrack catastrophically here).

Each distinct reply word is looked up once: its dictionary lemmas, then, only for words
the dictionary does not know, a typo-tolerant look-up (rapidfuzz OSA distance) among the
forms the rules use. A dictionary word is never taken for a typo of another ("worry" is
not "sorry", "calm" is not "call").
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from mot_sim.matching.analysis import Analysis
from mot_sim.matching.detectors import DETECTORS, find
from mot_sim.matching.lexical import inflections, lex
from mot_sim.matching.pattern import (
    Concept,
    Detector,
    End,
    Gap,
    Group,
    Node,
    Seq,
    Start,
    Word,
    detectors_used,
    parse,
)
from mot_sim.matching.text import has_cjk
from mot_sim.models import Rule
from mot_sim.stages import DetectorName

# Instructions of a compiled pattern.
_W, _ANY, _DET, _ALT, _JMP, _MATCH, _EOC = range(7)
MAX_FILLERS = 3  # intensifiers in a row that may sit between two words of a pattern
QUOTE_AFTER = 3  # words after a quotation in which a negator still rejects it
QUOTE_AFTER_CJK = 10  # the same, in CJK characters ("‘…’这种话我不会再说")
Instr = tuple[int, object, object]


def allowed_edits(word: str) -> int:
    """Typos tolerated in a rule word of this length (short words must be exact)."""
    if not word.isascii() or not word.isalpha():
        return 0
    n = len(word)
    return 0 if n <= 3 else 1 if n <= 8 else 2


def _close_enough(form: str, word: str, dist: int) -> bool:
    # Four-letter words tolerate a dropped or added letter but not a changed one.
    if len(form) == 4 and len(word) == len(form):
        return False
    return 0 < dist <= allowed_edits(form) and abs(len(form) - len(word)) <= dist


def detector_name(name: str) -> DetectorName:
    """A detector's name as the typed name of a built-in one (patterns are validated
    against them, so anything else here is a bug)."""
    for known in DETECTORS:
        if known == name:
            return known
    raise ValueError(f"unknown detector <{name}>")


class WordIds(NamedTuple):
    ids: frozenset[int]  # every vocabulary entry this reply word matches
    fuzzy: bool  # matched only as a typo


_NONE = WordIds(frozenset(), False)


class Vocabulary:
    """Every lemma the rules use, and the inflected forms that typos are measured against."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self._forms: dict[str, dict[str, set[int]]] = {}  # first letter -> form -> ids
        self._cache: dict[str, WordIds] = {}

    def add(self, key: str) -> int:
        found = self.ids.get(key)
        if found is not None:
            return found
        vid = self.ids[key] = len(self.ids)
        self.words.append(key)
        if not key.startswith("=") and allowed_edits(key):
            for form in inflections(key):
                self._forms.setdefault(form[0], {}).setdefault(form, set()).add(vid)
        self._cache.clear()
        return vid

    def word(self, w: Word) -> frozenset[int]:
        """Vocabulary ids a rule word stands for."""
        if w.exact:
            return frozenset({self.add("=" + w.norm)})
        return frozenset(self.add(k) for k in lex(w.norm).base)

    def lookup(self, norm: str) -> WordIds:
        """What a reply word matches (cached; the result is shared, do not change it)."""
        cached = self._cache.get(norm)
        if cached is not None:
            return cached
        info = lex(norm)
        ids = {self.ids[k] for k in info.lemmas if k in self.ids}
        exact = self.ids.get("=" + norm)
        if exact is not None:
            ids.add(exact)
        fuzzy = False
        if not ids and not info.known and len(norm) >= 4 and norm.isascii():
            bucket = self._forms.get(norm[0])
            if bucket:
                for form, dist, _ in process.extract(
                    norm, list(bucket), scorer=OSA.distance, score_cutoff=2, limit=None
                ):
                    if _close_enough(form, norm, dist):
                        ids |= bucket[form]
                fuzzy = bool(ids)
        result = WordIds(frozenset(ids), fuzzy) if ids else _NONE
        if len(self._cache) > 200_000:  # bound memory on endless unique input
            self._cache.clear()
        self._cache[norm] = result
        return result


@dataclass(frozen=True)
class Program:
    """One compiled pattern."""

    source: str
    code: tuple[Instr, ...]
    needs: tuple[frozenset[int], ...]  # each set must meet the reply's words, or no match
    first: frozenset[int] | None  # ids that can start a match; None: any position
    negative: bool = False  # a detector's range is its own: negators inside it do not count
    first_detector: DetectorName | None = None  # the pattern starts with it: start there
    # Negators the pattern itself says ("no charge", "we can not"): inside a match they
    # are its own; any other negator inside it ("garage *aren't* covered") cancels it.
    own_negators: frozenset[str] = frozenset()
    clause_start: bool = False  # ``^``: a match must begin a clause


class _Compiler:
    def __init__(
        self,
        vocab: Vocabulary,
        concepts: dict[str, tuple[Seq, ...]],
        common: frozenset[str] = frozenset(),
    ) -> None:
        self.vocab = vocab
        self.concepts = concepts
        self.common = common
        self.code: list[list[object]] = []

    def emit(self, op: int, a: object = None, b: object = None) -> int:
        self.code.append([op, a, b])
        return len(self.code) - 1

    def options(self, node: Node) -> tuple[Seq, ...] | None:
        if isinstance(node, Group):
            return node.options
        if isinstance(node, Concept):
            return self.concepts[node.name]
        return None

    def seq(self, nodes: Seq) -> None:
        for node in nodes:
            self.node(node)

    def node(self, node: Node) -> None:
        if isinstance(node, Start):  # not an instruction: the program's starts are filtered
            return
        if isinstance(node, End):
            self.emit(_EOC)
            return
        if isinstance(node, Word):
            self.emit(_W, self.vocab.word(node))
        elif isinstance(node, Detector):
            self.emit(_DET, detector_name(node.name))
        elif isinstance(node, Gap):
            # Up to N skipped words, fewest first: ALT(exit, skip) N times.
            exits: list[int] = []
            for _ in range(node.max):
                alt = self.emit(_ALT, None, None)
                exits.append(alt)
                self.emit(_ANY, node.across)
            end = len(self.code)
            for alt in exits:
                self.code[alt][1] = {}
                self.code[alt][2] = (end, alt + 1)
        else:
            opts = self.options(node)
            assert opts is not None
            optional = isinstance(node, Group) and node.optional
            alt = self.emit(_ALT, None, None)
            table: dict[int, list[int]] = {}
            others: list[int] = []
            jumps: list[int] = []
            for opt in opts:
                start = len(self.code)
                self.seq(opt)
                jumps.append(self.emit(_JMP, None))
                first = self.code[start]
                if first[0] == _W:
                    for vid in first[1]:  # type: ignore[attr-defined]
                        table.setdefault(vid, []).append(start)
                else:
                    others.append(start)
            end = len(self.code)
            for j in jumps:
                self.code[j][1] = end
            if optional:
                others.append(end)  # skipping comes last: take the words when they are there
            self.code[alt][1] = {k: tuple(v) for k, v in table.items()}
            self.code[alt][2] = tuple(others)

    def need(self, node: Node) -> frozenset[int] | None:
        """Ids of which the reply must contain one for ``node`` to match (None: no need)."""
        if isinstance(node, Word):
            return self.vocab.word(node)
        if isinstance(node, Gap | Detector | Start | End) or (
            isinstance(node, Group) and node.optional
        ):
            return None
        opts = self.options(node)
        assert opts is not None
        out: set[int] = set()
        for opt in opts:
            needs = [n for n in (self.need(x) for x in opt) if n is not None]
            if not needs:
                return None
            out |= min(needs, key=lambda n: self.cost(n))  # its rarest word is needed too
        return frozenset(out)

    def cost(self, need: AbstractSet[int]) -> tuple[int, int]:
        """How often a need is met by chance: common words ("i", "the") cost most."""
        words = self.vocab.words
        # Function words cost most; among the rest, short words are the common ones
        # (Zipf's law of abbreviation), so "promise" keys a program better than "me".
        return sum(
            100 if words[v] in self.common else 10 - min(len(words[v]), 9) for v in need
        ), min(need)

    def first(self, nodes: Seq) -> frozenset[int] | None:
        out: set[int] = set()
        for node in nodes:
            if isinstance(node, Start):
                continue
            if isinstance(node, End):
                return None
            if isinstance(node, Word):
                return frozenset(out | self.vocab.word(node))
            if isinstance(node, Detector | Gap):
                return None
            opts = self.options(node)
            assert opts is not None
            for opt in opts:
                f = self.first(opt)
                if f is None:
                    return None
                out |= f
            if not (isinstance(node, Group) and node.optional):
                return frozenset(out)
        return None


def _words(nodes: Seq, concepts: dict[str, tuple[Seq, ...]], depth: int = 0) -> set[str]:
    out: set[str] = set()
    for n in nodes:
        if isinstance(n, Word):
            out.add(n.norm)
        elif isinstance(n, Group | Concept) and depth < 8:
            opts = n.options if isinstance(n, Group) else concepts.get(n.name, ())
            for o in opts:
                out |= _words(o, concepts, depth + 1)
    return out


def compile_pattern(source: str, vocab: Vocabulary, words: LocaleWords) -> Program:
    """Compile a pattern (already validated) against a vocabulary and a locale's concepts."""
    nodes = parse(source)
    concepts = words.concepts
    c = _Compiler(vocab, concepts, words.common)
    c.seq(nodes)
    c.emit(_MATCH)
    needs = tuple(sorted((n for n in (c.need(x) for x in nodes) if n is not None), key=c.cost))
    code = tuple((int(op), a, b) for op, a, b in c.code)  # type: ignore[call-overload]
    # Negators inside a detector's range ("not sure how long") are the detector's own.
    negative = bool(detectors_used(nodes))
    own = frozenset(_words(nodes, concepts) & words.negators)
    at_start = isinstance(nodes[0], Start)
    head = nodes[1] if at_start else nodes[0]
    lead = detector_name(head.name) if isinstance(head, Detector) else None
    return Program(source, code, needs, c.first(nodes), negative, lead, own, at_start)


@dataclass(frozen=True)
class LocaleWords:
    """A locale's parsed concepts and the word classes the engine itself needs."""

    concepts: dict[str, tuple[Seq, ...]] = field(default_factory=dict)
    negators: frozenset[str] = frozenset()
    transparent: frozenset[str] = frozenset()
    clause_breaks: frozenset[str] = frozenset()
    fillers: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()  # "or": a negation covers both sides
    joiners: frozenset[str] = frozenset()  # "and": the same, inside one clause only
    scope_modals: frozenset[str] = frozenset()  # 不*会*: negates the rest of the clause
    subjects: frozenset[str] = frozenset()  # after a coordinator: a clause of its own
    complementisers: frozenset[str] = frozenset()  # "won't ask *if*": the object goes on
    negation_exceptions: frozenset[str] = frozenset()  # "no *doubt*": negates nothing
    subordinators: frozenset[str] = frozenset()  # "if", "because": a negator before stops
    quote_rejecters: frozenset[str] = frozenset()  # "'...' is what went *wrong*"
    # "you said ...": the customer's words back; each lead filed under its first word.
    reported: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    reported_not: frozenset[str] = frozenset()  # "您说*得*对": a verdict, not their words
    reported_openers: frozenset[str] = frozenset()  # "*so* you said", "*刚才*您说"
    quote_owners: frozenset[str] = frozenset()  # "'...', I *hear* you": the customer's words
    common: frozenset[str] = frozenset()  # function words: poor keys to index programs by

    def reports_at(self, norms: Sequence[str], unit: Sequence[int], j: int) -> bool:
        """Does a reported-speech lead start at word ``j``, inside one unit (clause) and
        not made a verdict by the word after it in that unit ("您说*得*对")?"""
        n = len(norms)
        for lead in self.reported.get(norms[j], ()):
            end = j + len(lead)
            if (
                end <= n
                and unit[end - 1] == unit[j]
                and tuple(norms[j:end]) == lead
                and not (end < n and unit[end] == unit[j] and norms[end] in self.reported_not)
            ):
                return True
        return False


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    patterns: tuple[Program, ...]
    unless: tuple[Program, ...]
    requires: tuple[Program, ...] = ()
    unless_reply: tuple[Program, ...] = ()


@dataclass(frozen=True)
class RuleIndex:
    """A set of rules ready to match. Each distinct need (a set of words of which a reply
    must have one) is a bit; a program wakes up only when all its bits are met, found by
    the words of its rarest need, so a reply costs an OR per word and an AND per woken
    program, not a set test."""

    other: tuple[tuple[int, CompiledRule, Program], ...]  # programs with no need: always run
    mask_of: dict[int, int]  # vocabulary id -> the bits of the needs it meets
    wake: dict[int, tuple[tuple[int, CompiledRule, Program, int], ...]]  # id -> programs


class Hit(NamedTuple):
    """One rule that fired: where, on which words, and whether it counts."""

    rule: Rule
    start: int
    end: int
    text: str
    pattern: str
    fuzzy: bool = False
    ignored: str = ""  # why a match was set aside (negated, context, overridden)


class _Reply:
    """Per-reply state shared by every program run on it."""

    __slots__ = (
        "a",
        "clause",
        "det",
        "filler",
        "fuzzy",
        "ids",
        "n",
        "sent",
        "where",
        "word_at",
    )

    def __init__(self, a: Analysis, vocab: Vocabulary, fillers: frozenset[str]) -> None:
        self.a = a
        looked = [vocab.lookup(w) for w in a.norms]
        self.ids = [x.ids for x in looked]
        self.fuzzy = [x.fuzzy for x in looked]
        self.n = len(looked)
        self.filler = [w in fillers for w in a.norms]
        self.sent = a.wsentence
        self.clause = a.wclause
        # sentence -> vocabulary id -> the positions of its words there
        self.where: dict[int, dict[int, list[int]]] = {}
        sent = self.sent
        for pos, x in enumerate(looked):
            if x.ids:
                here = self.where.get(sent[pos])
                if here is None:
                    here = self.where[sent[pos]] = {}
                for vid in x.ids:
                    found = here.get(vid)
                    if found is None:
                        here[vid] = [pos]
                    else:
                        found.append(pos)
        self.det: dict[DetectorName, dict[int, list[int]]] = {}
        self.word_at: dict[int, int] | None = None

    def detector(self, name: DetectorName) -> dict[int, list[int]]:
        """Word ranges a detector found, as start -> ends (inclusive), computed once."""
        found = self.det.get(name)
        if found is None:
            a = self.a
            word_at = self.word_at
            if word_at is None:
                word_at = self.word_at = {t: w for w, t in enumerate(a.words)}
            found = {}
            for first, last in find(a, name):
                ws = [word_at[t] for t in range(first, last + 1) if t in word_at]
                if ws:
                    found.setdefault(ws[0], []).append(ws[-1])
            self.det[name] = found
        return found


def _run(p: Program, r: _Reply, within: AbstractSet[int] | None = None) -> list[tuple[int, int]]:
    """Every non-overlapping match of ``p`` as word ranges [start, end); with ``within``,
    only those starting in these sentences (no match crosses a sentence)."""
    code, ids, sent, clause, n, filler = p.code, r.ids, r.sent, r.clause, r.n, r.filler
    if len(code) == 2 and code[0][0] == _DET and not p.clause_start:
        # A pattern that is one detector (most detector patterns): its ranges, as the
        # program below would take them (first range per start, no overlaps).
        det = r.detector(code[0][1])  # type: ignore[arg-type]
        ranges: list[tuple[int, int]] = []
        for start in sorted(det):
            if (not ranges or start >= ranges[-1][1]) and (within is None or sent[start] in within):
                ranges.append((start, det[start][0] + 1))
        return ranges
    failed: set[int] = set()
    width = n + 1
    s = 0

    def run(pc: int, j: int) -> int | None:
        key = pc * width + j
        if j > s and key in failed:
            return None
        op, a, b = code[pc]
        # A run of plain words is deterministic: walk it without recursion. Up to
        # MAX_FILLERS intensifiers may sit between two of its words ("fix *absolutely*
        # everything").
        skipped = 0
        while op == _W:
            if j < n and (j == s or sent[j] == sent[j - 1]) and not a.isdisjoint(ids[j]):  # type: ignore[attr-defined]
                pc += 1
                j += 1
                skipped = 0
            elif s < j < n and filler[j] and sent[j] == sent[j - 1] and skipped < MAX_FILLERS:
                j += 1
                skipped += 1
            else:
                if key > s:
                    failed.add(key)
                return None
            op, a, b = code[pc]
        out: int | None = None
        if op == _ALT:
            tried: Sequence[int] = ()
            if j < n and a:
                hits = [t for vid in ids[j] if (t := a.get(vid))]  # type: ignore[attr-defined]
                if hits:
                    tried = sorted({pc_ for h in hits for pc_ in h}) if len(hits) > 1 else hits[0]
            for target in (*tried, *b):  # type: ignore[misc]
                out = run(target, j)
                if out is not None:
                    break
            if out is None and a and s < j < n and filler[j] and sent[j] == sent[j - 1]:
                out = run(pc, j + 1)
        elif op == _ANY:  # a gap's word: in the same clause, or (~~N) the same sentence
            if s < j < n and (sent[j] == sent[j - 1] if a else clause[j] == clause[j - 1]):
                out = run(pc + 1, j + 1)
        elif op == _JMP:
            out = run(a, j)  # type: ignore[arg-type]
        elif op == _DET:
            if j < n and (j == s or sent[j] == sent[j - 1]):
                for last in r.detector(a).get(j, ()):  # type: ignore[arg-type]
                    out = run(pc + 1, last + 1)
                    if out is not None:
                        break
        elif op == _EOC:  # "$": the clause ends here (or the reply does)
            if j == n or clause[j] != clause[j - 1]:
                out = run(pc + 1, j)
        else:  # _MATCH
            out = j
        if out is None and key % width > s:
            failed.add(key)
        return out

    if p.first_detector:
        starts: Iterable[int] = sorted(r.detector(p.first_detector))
    elif p.first is None:
        starts = range(n)
    else:
        pos: set[int] = set()
        first = p.first
        for sentence in r.where if within is None else within:
            here = r.where.get(sentence)
            if not here:
                continue
            if len(first) < len(here):
                for vid in first:
                    found = here.get(vid)
                    if found:
                        pos.update(found)
            else:
                for vid, found in here.items():
                    if vid in first:
                        pos.update(found)
        starts = sorted(pos)
    if within is not None and (p.first_detector or p.first is None):
        starts = [k for k in starts if sent[k] in within]
    if p.clause_start:
        starts = [k for k in starts if k == 0 or clause[k] != clause[k - 1]]
    out: list[tuple[int, int]] = []
    resume = 0
    for s in starts:
        if s < resume:
            continue
        end = run(0, s)
        if end is not None and end > s:
            out.append((s, end))
            resume = end
    return out


def _a_not_a(norms: list[str], j: int) -> bool:
    """Is the negator at ``j`` the middle of a Chinese A-not-A question ("要不要", "有没有",
    "可不可以")? It asks; it negates nothing. Not "是不是", which also reads "…是 / 不是…"
    ("二是不是您弄坏的就不该您出钱")."""
    return 0 < j < len(norms) - 1 and norms[j - 1] == norms[j + 1] != "是" and has_cjk(norms[j])


def _pair(norms: list[str], j: int) -> str:
    """The two words ending at ``j``: negators may be two words ("rather than", "instead
    of": "rather than telling you to calm down" does not tell you to)."""
    return f"{norms[j - 1]} {norms[j]}" if j > 0 else ""


class Matcher:
    """All rules of one locale, compiled against one vocabulary."""

    def __init__(
        self,
        rules: Iterable[Rule],
        words: LocaleWords,
        vocab: Vocabulary | None = None,
        compiled: dict[int, CompiledRule] | None = None,
    ) -> None:
        """``vocab`` and ``compiled`` may be shared by the matchers of one locale: then the
        library's rules are compiled once for every scenario, not once per scenario."""
        self.vocab = vocab if vocab is not None else Vocabulary()
        self.words = words

        def compile_(src: str) -> Program:
            return compile_pattern(src, self.vocab, words)

        def compile_rule(rule: Rule) -> CompiledRule:
            done = compiled.get(id(rule)) if compiled is not None else None
            if done is not None and done.rule is rule:
                return done
            done = CompiledRule(
                rule,
                tuple(compile_(src) for src in rule.patterns),
                tuple(compile_(src) for src in rule.unless),
                tuple(compile_(src) for src in rule.requires),
                tuple(compile_(src) for src in rule.unless_reply),
            )
            if compiled is not None:
                compiled[id(rule)] = done
            return done

        self.rules: list[CompiledRule] = [compile_rule(rule) for rule in rules]
        self.by_id = {cr.rule.id: cr for cr in self.rules}
        self.all = self.index(self.rules)

    def index(self, rules: Iterable[CompiledRule]) -> RuleIndex:
        """Prepare a subset of rules (one stage's) for matching many replies."""
        other: list[tuple[int, CompiledRule, Program]] = []
        bit: dict[frozenset[int], int] = {}
        wake: dict[int, list[tuple[int, CompiledRule, Program, int]]] = {}
        order = 0  # programs run in rule order, whatever woke them
        for cr in rules:
            for p in cr.patterns:
                order += 1
                if not p.needs:
                    other.append((order, cr, p))
                    continue
                mask = 0
                for need in p.needs:
                    mask |= 1 << bit.setdefault(need, len(bit))
                # needs are sorted rarest first: fewest replies wake the program up.
                for vid in p.needs[0]:
                    wake.setdefault(vid, []).append((order, cr, p, mask))
        mask_of: dict[int, int] = {}
        for need, b in bit.items():
            for vid in need:
                mask_of[vid] = mask_of.get(vid, 0) | 1 << b
        return RuleIndex(tuple(other), mask_of, {k: tuple(v) for k, v in wake.items()})

    def prepare(self, a: Analysis) -> _Reply:
        return _Reply(a, self.vocab, self.words.fillers)

    def _negated(
        self,
        r: _Reply,
        start: int,
        end: int,
        negative: bool,
        own: frozenset[str] = frozenset(),
        modal_scope: bool = True,
    ) -> str:
        """The negator that governs the words from ``start`` in their clause, if any.

        Walking back through the clause, only auxiliaries, pronouns and verbs that pass an
        action on ("tell you to", "going to", "say") may stand between a negator and the
        match: "nobody here will tell you to calm down" is negated, "shouting won't change
        our policy" is not (a verb of its own stands between)."""
        norms = r.a.norms
        clause = r.clause
        w = self.words
        if not negative:  # "we can not add": a negator the pattern skipped over
            for k in range(start + 1, end):
                if (
                    norms[k] in w.negators
                    and norms[k] not in own
                    # "not only", 不小心: the same exceptions as a negator before the match
                    and (norms[k + 1] if k + 1 < len(norms) else "") not in w.negation_exceptions
                    and not _a_not_a(norms, k)
                ):
                    return norms[k]
        if norms[start] in w.subordinators and not self._complement(r, start):
            return ""  # "... *if* you hadn't": its own clause
        j = start - 1
        while j >= 0 and clause[j] == clause[start]:
            norm = norms[j]
            if self._complement(r, j):  # "won't ask *if* you're sure": ask's object
                j -= 1
                continue
            if norm in w.subordinators:
                return ""
            pair = _pair(norms, j)
            if norm in w.negators and _a_not_a(norms, j):  # "要不要我帮您加": a question
                j -= 2
                continue
            if norm in w.negators or pair in w.negators:
                nxt = norms[j + 1] if j + 1 < len(norms) else ""
                return "" if nxt in w.negation_exceptions else norm if norm in w.negators else pair
            if norm in w.coordinators or norm in w.joiners:
                # "won't hide behind paperwork *or* tell you ...": the negation covers both,
                # and "you won't need to ask, *or* pay, ...": across the comma too when the
                # coordinator joins a bare verb to the clause before ("and" never does).
                # Not when a subject follows: "I can't refund it, or *I* could offer a
                # credit" says two things.
                if j + 1 < len(norms) and norms[j + 1] in w.subjects:
                    return ""
                same = clause[start] if j + 1 < start or norm in w.joiners else None
                sentence = r.a.wsentence
                k = j - 1
                while (
                    k >= 0
                    and (clause[k] == same if same is not None else sentence[k] == sentence[j])
                    and j - k <= 8
                ):
                    if norms[k] in w.negators:
                        return norms[k]
                    k -= 1
                return ""
            # "no *sneaky 5-cent* charge": adjectives, adverbs and numbers pass the negation on.
            if not self._transparent(norm) and not lex(norm).modifier:
                return self._modal_scope(r, j, start) if modal_scope and w.scope_modals else ""
            j -= 1
        return ""

    def _complement(self, r: _Reply, j: int) -> bool:
        """Does the word at ``j`` open the object of the word before it, which passes a
        negation on ("not going to ask *if* you're sure", "won't ask *whether*...")?"""
        w = self.words
        norms = r.a.norms
        if norms[j] not in w.complementisers or j == 0 or r.clause[j - 1] != r.clause[j]:
            return False
        return self._transparent(norms[j - 1])

    def _transparent(self, norm: str) -> bool:
        """Does the word pass a negation on (an auxiliary, a pronoun, "tell", "ask")?"""
        w = self.words
        return norm in w.transparent or not lex(norm).lemmas.isdisjoint(w.transparent)

    def _modal_scope(self, r: _Reply, j: int, start: int) -> str:
        """A negated modal earlier in the clause ("不会", "不能", "不用"): in Chinese it
        negates the whole verb phrase after it, adjuncts and all ("我才不会为了一片酸黄瓜
        跟您收五毛钱"), so the walk back may pass words no negation passes otherwise."""
        norms = r.a.norms
        clause = r.clause
        w = self.words
        while j > 0 and clause[j - 1] == clause[start]:
            j -= 1
            norm = norms[j]
            if norm in w.subordinators:
                return ""
            if (
                norm in w.negators
                and j + 1 < start
                and norms[j + 1] in w.scope_modals
                and not _a_not_a(norms, j)
            ):
                return norm
        return ""

    def _rejected_quote(self, r: _Reply, s: int, e: int) -> bool:
        """Is the match inside quotation marks that a negator rejects, earlier in its
        sentence or within the few words just after the quotation? "I won't just say 'the
        system shows you used it'" and "'we'll call eventually' isn't good enough" mention
        the phrase; they do not say it. A match may run over quotations side by side
        ("不会再是“等等看”“有消息再说”"); most of its words must be quoted, the last one
        among them."""
        quotes = r.a.quotes
        if not quotes:
            return False
        a = r.a

        def quoted(w: int) -> bool:
            at = a.wstart[w]
            return any(qs <= at < qe for qs, qe in quotes)

        # Mostly quoted, ending inside the quotation: the words that introduce it may start
        # the match ("也不会有人叫您“去找别的部门”", "won't *hear* 'you should know by now'").
        if 2 * sum(quoted(w) for w in range(s, e)) < e - s or not quoted(e - 1):
            return False
        negators = self.words.negators
        rejecters = self.words.quote_rejecters  # "'...' is exactly what went wrong"

        def negates(j: int) -> bool:
            norms = a.norms
            return (norms[j] in negators and not _a_not_a(norms, j)) or _pair(norms, j) in negators

        owners = self.words.quote_owners  # "'...', I *hear* you": the customer's words

        j = s - 1
        while j >= 0 and r.sent[j] == r.sent[s] and quoted(j):  # the quotation's own words
            j -= 1
        while j >= 0 and r.sent[j] == r.sent[s]:
            # "you said '...'", "您说“...”" (not "您说得对"): the customer's words back.
            if negates(j) or self.words.reports_at(a.norms, a.wclause, j):
                return True
            j -= 1
        k = e
        while k < r.n and quoted(k):
            k += 1
        after = QUOTE_AFTER_CJK if k < r.n and has_cjk(a.norms[k]) else QUOTE_AFTER
        for j in range(k, min(k + after, r.n)):
            if r.sent[j] != r.sent[s]:
                break
            if negates(j) or a.norms[j] in owners:
                return True
        # Named as the fault anywhere in its clause: "the problem was '...'", "'...' is
        # exactly what went wrong".
        clause = a.wclause
        if rejecters:
            first, last = clause[s], clause[e - 1]
            j = s - 1
            while j >= 0 and clause[j] == first:
                if a.norms[j] in rejecters:
                    return True
                j -= 1
            while k < r.n and clause[k] == last:
                if a.norms[k] in rejecters:
                    return True
                k += 1
        return False

    def _span(self, r: _Reply, s: int, e: int) -> tuple[int, int]:
        a = r.a
        return a.tokens[a.words[s]].start, a.tokens[a.words[e - 1]].end

    def match(
        self,
        a: Analysis,
        index: RuleIndex | None = None,
        aside_if: Callable[[Hit], str] | None = None,
    ) -> list[Hit]:
        """Counting hits for ``a`` (at most one per rule, the first), then set-aside ones.
        ``aside_if`` gives the reason to set a hit aside, if any, before each rule's first
        hit is chosen: a question about the weather must not hide a later one about the
        case."""
        index = index or self.all
        r = self.prepare(a)
        # No match crosses a sentence, so a program wakes up only in a sentence that has a
        # word of each of its needs: in a long reply, needs met only across sentences cost
        # nothing (this keeps the cost linear in the reply's length).
        mask_of = index.mask_of
        wake = index.wake
        woken: dict[int, tuple[CompiledRule, Program, set[int] | None]] = {
            o: (cr, p, None) for o, cr, p in index.other
        }
        for sentence, seen in r.where.items():
            mask = 0
            for vid in seen:
                mask |= mask_of.get(vid, 0)
            for vid in seen:
                for o, cr, p, need in wake.get(vid, ()):
                    if need & mask == need:
                        entry = woken.get(o)
                        if entry is None:
                            woken[o] = (cr, p, {sentence})
                        elif entry[2] is not None:
                            entry[2].add(sentence)
        counted: dict[str, list[tuple[int, int, Hit]]] = {}
        aside: dict[str, Hit] = {}
        vetoes: dict[tuple[str, int], str] = {}
        for o in sorted(woken):
            cr, p, within = woken[o]
            for s, e in _run(p, r, within):
                start, end = self._span(r, s, e)
                fuzzy = any(r.fuzzy[s:e])
                hit = Hit(cr.rule, start, end, a.text[start:end], p.source, fuzzy)
                why = (
                    self._negated(r, s, e, p.negative, p.own_negators) if cr.rule.negatable else ""
                )
                if why:
                    aside.setdefault(cr.rule.id, hit._replace(ignored=f"negated by '{why}'"))
                    continue
                if self._rejected_quote(r, s, e):
                    aside.setdefault(cr.rule.id, hit._replace(ignored="quoted to reject it"))
                    continue
                veto = self._veto(r, cr.rule.id, cr.unless, s, vetoes) or self._veto(
                    r, "*" + cr.rule.id, cr.unless_reply, s, vetoes, anywhere=True
                )
                if veto:
                    aside.setdefault(cr.rule.id, hit._replace(ignored=f"context: '{veto}'"))
                    continue
                if cr.requires and not self._veto(
                    r, "+" + cr.rule.id, cr.requires, s, vetoes, before=cr.rule.requires_before
                ):
                    aside.setdefault(cr.rule.id, hit._replace(ignored="its context is missing"))
                    continue
                if aside_if is not None and (why := aside_if(hit)):
                    aside.setdefault(cr.rule.id, hit._replace(ignored=why))
                    continue
                counted.setdefault(cr.rule.id, []).append((s, e, hit))
        best = self._resolve(counted, aside)
        out = sorted(best.values(), key=lambda h: (h.start, h.rule.id))
        return out + [h for rid, h in sorted(aside.items()) if rid not in best]

    def _resolve(
        self, counted: dict[str, list[tuple[int, int, Hit]]], aside: dict[str, Hit]
    ) -> dict[str, Hit]:
        """Apply ``overrides`` (a hit inside or overlapping an overriding rule's hit is set
        aside), then keep each rule's first hit."""
        spans: dict[str, tuple[list[int], list[int]]] = {}
        for rid, found in counted.items():
            ordered = sorted((s, e) for s, e, _ in found)
            reach: list[int] = []  # the furthest end among hits starting so far
            for _, e in ordered:
                reach.append(max(e, reach[-1]) if reach else e)
            spans[rid] = ([s for s, _ in ordered], reach)
        beaten: dict[str, str] = {}  # rule id -> the rule that overrides it
        best: dict[str, Hit] = {}
        for rid in counted:
            for other in self.by_id[rid].rule.overrides:
                if other in counted:
                    beaten.setdefault(other, rid)
        for rid, found in counted.items():
            for s, e, hit in sorted(found, key=lambda x: (x[0], -x[1])):
                winner = beaten.get(rid)
                if winner is not None:
                    starts, ends = spans[winner]
                    k = bisect_right(starts, e - 1) - 1
                    # Overlap with any of the winner's hits starting before our end.
                    if k >= 0 and ends[k] > s:
                        aside.setdefault(rid, hit._replace(ignored=f"overridden by {winner}"))
                        continue
                best[rid] = hit
                break
        return best

    def trace(self, rule_id: str, a: Analysis) -> dict[str, list[str]]:
        """What each pattern of one rule matches in ``a``, before negation and vetoes."""
        r = self.prepare(a)
        out: dict[str, list[str]] = {}
        for p in self.by_id[rule_id].patterns:
            found = []
            for s, e in _run(p, r):
                start, end = self._span(r, s, e)
                found.append(a.text[start:end])
            out[p.source] = found
        return out

    def _veto(
        self,
        r: _Reply,
        key: str,
        programs: tuple[Program, ...],
        s: int,
        vetoes: dict[tuple[str, int], str],
        anywhere: bool = False,
        before: bool = False,
    ) -> str:
        """The text of a match of ``programs`` in the hit's sentence (or, ``anywhere``, in
        the reply; ``before``, there or in the sentence before it: "All of it repaired free.
        You have my guarantee on that." promises in two sentences), if any: for ``unless``,
        ``unless_reply`` and ``requires``; each rule's patterns run once per sentence asked
        about (once per reply for ``anywhere``), so a long reply does not run every context
        over all of itself. A negated context does
        not count: "that's *not free*, you pay for the side" is still charging for a
        courtesy."""
        if not programs:
            return ""
        at = -1 if anywhere else r.sent[s]
        found = vetoes.get((key, at))
        if found is None:
            found = ""
            within = None if anywhere else {at, at - 1} if before else {at}
            for p in programs:
                for f, e in _run(p, r, within):
                    # A context's own words decide: "不会再有…那一套" rejects a stock line,
                    # and the negated modal before it is part of saying so.
                    if not self._negated(r, f, e, p.negative, p.own_negators, modal_scope=False):
                        start, end = self._span(r, f, e)
                        found = r.a.text[start:end]
                        break
                if found:
                    break
            vetoes[(key, at)] = found
        return found
