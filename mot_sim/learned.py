"""A second opinion learned from trainers' labels: does a reply read like the replies
they marked as phrasing to avoid?

Rules catch the wordings someone wrote down; trainees keep finding new ones. This model
reads a reply as runs of one to three lemmas inside a clause and weighs each run by how
much more often it occurs in replies marked bad than in the others (naive Bayes
log-count ratios). ``mot-sim learn`` trains it from labelled JSON Lines and picks its
threshold by cross-validation across authors, so the false-alarm rate it promises was
measured on replies the fold never saw.

It is deterministic (a sum of stored weights, in a fixed order), offline and explainable:
every verdict names the words that weigh most. It does not understand negation, so it
only ever speaks when no rule has flagged the reply, and then as a rule of its own that
a trainer can read, test and switch off.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from mot_sim.errors import InputError, Problem
from mot_sim.matching.analysis import Analysis, Context
from mot_sim.matching.lexical import lex
from mot_sim.models import Locale, Rule, Scenario, _Strict
from mot_sim.stages import STAGE_IDS
from mot_sim.templating import render

MAX_N = 3  # longest run of lemmas used as a feature
MAX_MODEL_BYTES = 16 * 1024 * 1024  # a model file is untrusted input too
DEFAULT_MAX_FALSE_ALARMS = 0.005  # share of good replies the cross-validated model may flag
_GROUP = re.compile(r"[A-Za-z]+")
COURSE_WEIGHT = 3  # how many trainees' replies one of the course's own examples weighs


class Training(_Strict):
    """How a model was made, so that anyone can make it again and check the figures."""

    rows: int = Field(ge=1, description="Labelled replies held out in turn (rule examples aside).")
    bad: int = Field(ge=1)
    good: int = Field(ge=0)
    rule_examples: int = Field(
        ge=0,
        description="The course's own phrasing, always learnt: the rule library's examples, "
        "the scenarios' model answers and their examples that must draw no bad rule.",
    )
    groups: int = Field(ge=1, description="Authors (id prefixes) cross-validation held out.")
    data_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    alpha: float = Field(gt=0, le=10)
    min_df: int = Field(ge=1, le=100)
    max_false_alarms: float = Field(ge=0, le=1)
    cv_recall: float = Field(ge=0, le=1, description="Bad replies flagged, held out.")
    cv_false_alarms: float = Field(ge=0, le=1, description="Good replies flagged, held out.")


class LearnedModel(_Strict):
    """Weights of lemma runs, a prior and the threshold above which the model speaks."""

    format: Literal[1] = 1
    locale: Locale
    threshold: float = Field(gt=0, lt=1)
    sentence_threshold: float | None = Field(
        default=None,
        gt=0,
        lt=1,
        description="A sentence alone above this is flagged too: one bad phrase in a long, "
        "otherwise good reply is outweighed in the whole.",
    )
    prior: float = Field(ge=-20, le=20)
    weights: dict[str, float] = Field(max_length=500_000)
    negators: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="Words after which the rest of a clause is read as negated: its runs "
        "are other runs ('¬need ¬to ¬understand'), learnt apart from the plain ones.",
    )
    training: Training


@dataclass(frozen=True)
class Evidence:
    """One lemma run that weighed towards "phrasing to avoid" (weight above 0) or away from
    it (below 0), and where it is."""

    feature: str
    weight: float
    first: int  # word index in the analysis
    end: int  # word index after the run


@dataclass(frozen=True)
class Opinion:
    probability: float  # the whole reply
    flagged: bool
    evidence: tuple[Evidence, ...]  # heaviest first; the flagged sentence's, if one was
    sentence: float = 0.0  # the most suspect sentence alone
    log_odds: float = 0.0  # the whole reply's sum, unbounded (probability is clamped)
    sentences: tuple[tuple[int, float], ...] = ()  # each weighed sentence's own sum
    counter: tuple[Evidence, ...] = ()  # the runs that weighed most towards good, heaviest first


@dataclass(frozen=True)
class LabelledText:
    """One training row: an id (its letters name the author), the text and its labels."""

    id: str
    text: str
    bad: bool
    good: bool
    always: bool = False  # in every fold's training, never held out (the course's own)
    recommended: bool = False  # phrasing the course teaches: no sentence threshold may flag it


def rule_examples(rules: Iterable[Rule], locale: str) -> list[LabelledText]:
    """The rule library's own examples as labelled rows: what a good rule fires on is good
    phrasing, what a bad rule fires on is phrasing to avoid, and a bad rule's near misses
    are not. They teach the model the course's own wording, so every fold learns from them
    and none is held out."""
    rows: list[LabelledText] = []
    for r in rules:
        if (r.locale or "en") != locale or r.learned:
            continue
        bad = r.polarity == "bad"
        for k, text in enumerate(r.examples.hit):
            rows.append(
                LabelledText(
                    f"rule:{r.id}:hit:{k}", text, bad, not bad, always=True, recommended=not bad
                )
            )
        if bad:
            for k, text in enumerate(r.examples.miss):
                rows.append(LabelledText(f"rule:{r.id}:miss:{k}", text, False, True, always=True))
    return rows


def course_replies(scenarios: Iterable[Scenario], locale: str, trainee: str) -> list[LabelledText]:
    """The scenarios' model answers and the example replies that must draw no bad rule, as
    phrasing the course teaches: learnt as good in every fold, and never to be flagged by
    a sentence judged alone."""
    taught: list[tuple[str, str]] = []  # (id, text)
    for sc in sorted(scenarios, key=lambda sc: sc.id):
        if sc.locale != locale:
            continue
        for sid in STAGE_IDS:
            for k, text in enumerate(sc.stage(sid).model_answers):
                taught.append(
                    (f"course:{sc.id}:{sid}:{k}", render(text, trainee, sc.customer.name))
                )
        for k, ex in enumerate(sc.examples):
            if ex.expect.no_bad:
                taught.append((f"course:{sc.id}:example:{k}", ex.reply))
    return [
        LabelledText(rid, text, False, True, always=True, recommended=True) for rid, text in taught
    ]


_TERMS: dict[str, str] = {}  # word -> its term, the same in every reply


def _term(a: Analysis, i: int) -> str:
    tok = a.tokens[a.words[i]]
    if tok.kind == "num":
        return "<num>"  # "25 cents" and "40 pounds" weigh alike
    found = _TERMS.get(tok.norm)
    if found is None:
        lemmas = lex(tok.norm).lemmas
        found = min(lemmas) if lemmas else tok.norm
        if len(_TERMS) > 200_000:  # bound memory on endless unique input
            _TERMS.clear()
        _TERMS[tok.norm] = found
    return found


NEGATED = "\u00ac"  # marks a term after a negator in its clause: "¬understand"


def _terms(a: Analysis, negators: frozenset[str]) -> list[str]:
    """Each word's term; after one of ``negators``, the rest of its clause is marked
    negated, so "you don't need to understand" does not weigh as "you need to understand"
    (a bad reply's words) and "we can't do that" still weighs as what it is."""
    terms = [_term(a, i) for i in range(len(a.words))]
    if not negators:
        return terms
    clause = a.wclause
    norms = a.norms
    here = -1
    negated = False
    for i, t in enumerate(terms):
        if clause[i] != here:
            here, negated = clause[i], False
        if negated:
            terms[i] = NEGATED + t
        elif norms[i] in negators:
            negated = True
    return terms


def features(
    a: Analysis, skip: frozenset[int] = frozenset(), negators: frozenset[str] = frozenset()
) -> dict[str, tuple[int, int]]:
    """Every run of one to ``MAX_N`` lemmas inside a clause, with its first place; runs
    touching a word in ``skip`` are left out. Clauses, not sentences: "您，也" spans a
    comma and means nothing. Words after one of ``negators`` in their clause are marked."""
    terms = _terms(a, negators)
    sent = a.wclause
    out: dict[str, tuple[int, int]] = {}
    n = len(terms)
    for i in range(n):
        for k in range(1, MAX_N + 1):
            j = i + k
            if j > n or sent[j - 1] != sent[i] or j - 1 in skip:
                break
            if i not in skip:
                out.setdefault(" ".join(terms[i:j]), (i, j))
    return out


_Z_LIMIT = 30.0  # log-odds beyond this read as certain
# The lowest whole-reply threshold: the model never flags a reply it reads as more likely
# good than bad. Held out, a lower cut found a little more in English (93.5% against
# 91.8% at 0.5%), but the replies it added were short ones, whose few runs leave the sum
# near the prior: "let's just pick the plan that fits them" was flagged at log-odds -3.
_LEANS_BAD = 0.0


def _sigmoid(z: float) -> float:
    z = _clamp(z)
    return 1.0 / (1.0 + math.exp(-z))


COUNTER_RUNS = 8  # runs towards good an opinion keeps, to quote when it doubts a rule
_ABSENT = float("nan")  # not in the table: a sentinel no weight is
_TABLES: dict[int, tuple[LearnedModel, dict[str, float | None]]] = {}


def _table(model: LearnedModel) -> dict[str, float | None]:
    """Every weighted run with its weight, and each shorter beginning of one ("a", "a b"
    for "a b c") with its weight or None: a run not in it weighs nothing, and nor does any
    longer run it begins."""
    found = _TABLES.get(id(model))
    if found is None or found[0] is not model:
        out: dict[str, float | None] = {}
        for feat in model.weights:
            parts = feat.split(" ")
            for k in range(1, len(parts)):
                out.setdefault(" ".join(parts[:k]), None)
        out.update(model.weights)
        found = _TABLES[id(model)] = (model, out)
    return found[1]


def judge(model: LearnedModel, a: Analysis, skip: frozenset[int] = frozenset()) -> Opinion:
    """The model's verdict on one analysed reply (same input, same verdict, everywhere):
    the whole reply, and each sentence on its own, so that one bad phrase in a long good
    reply is not outweighed by the good words around it.

    ``skip``: words the rules have already read and excused (a taboo phrase negated or
    quoted to reject it); the model, blind to negation, must not count them again.

    It reads the runs ``features`` gives, in the same order (so the same sums), but stops
    extending a run as soon as no weighted run begins with it."""
    evidence: list[Evidence] = []
    against: list[tuple[float, int, int, str]] = []
    sentence_of = a.wsentence
    clause = a.wclause
    table = _table(model)
    n = len(a.words)
    terms = _terms(a, frozenset(model.negators))  # a dozen words: no cache needed
    prior = z = model.prior
    by_sentence: dict[int, float] = {}
    seen: set[str] = set()
    here = -1  # the sentence being summed, in ``total`` (sentences come in order)
    total = prior
    weighed = False  # a sentence where no run weighs has no sum
    for i in range(n):
        if i in skip:
            continue
        if sentence_of[i] != here:
            if weighed:
                by_sentence[here] = total
            here = sentence_of[i]
            total = prior
            weighed = False
        key = terms[i]
        ci = clause[i]
        for j in range(i + 1, min(i + MAX_N, n) + 1):
            if j > i + 1:
                if clause[j - 1] != ci or j - 1 in skip:
                    break
                key = f"{key} {terms[j - 1]}"
            w = table.get(key, _ABSENT)
            if w is _ABSENT:
                break
            if key in seen:
                continue
            seen.add(key)
            if w is None:
                continue
            z += w
            total += w
            weighed = True
            if w > 0:
                evidence.append(Evidence(key, w, i, j))
            else:  # only the few heaviest are quoted: keep cheap tuples, not objects
                against.append((w, i, j, key))
    if weighed:
        by_sentence[here] = total
    evidence += (Evidence(k, w, i, j) for w, i, j, k in heapq.nsmallest(COUNTER_RUNS, against))
    return verdict(model, z, by_sentence, evidence, sentence_of)


def verdict(
    model: LearnedModel,
    z: float,
    by_sentence: dict[int, float],
    evidence: list[Evidence],
    sentence_of: list[int],
) -> Opinion:
    """The opinion from the summed log-odds: the whole reply, else its most suspect
    sentence alone; the evidence quoted is the flagged sentence's when that decided.
    ``evidence`` holds every weighed run: those above 0 speak for "to avoid", the others
    (``counter``) for good."""
    p = _sigmoid(z)
    worst = max(by_sentence, key=lambda k: (by_sentence[k], -k), default=None)
    ps = _sigmoid(by_sentence[worst]) if worst is not None else 0.0
    flagged = p >= model.threshold
    against = sorted((e for e in evidence if e.weight < 0), key=lambda e: (e.weight, e.first))
    del against[COUNTER_RUNS:]
    evidence = [e for e in evidence if e.weight > 0]
    if not flagged and model.sentence_threshold is not None and ps >= model.sentence_threshold:
        flagged = True
        evidence = [e for e in evidence if sentence_of[e.first] == worst]
    evidence.sort(key=lambda e: (-e.weight, e.first))
    sums = tuple(sorted(by_sentence.items()))
    return Opinion(p, flagged, tuple(evidence), ps, z, sums, tuple(against))


def _tally(
    prior: float,
    weights: dict[str, float],
    feats: dict[str, tuple[int, int]],
    sentence_of: list[int],
) -> tuple[float, dict[int, float]]:
    """Log-odds of the whole reply and of each sentence alone, summed in text order (a fixed
    order: same sums everywhere), as training reads a reply."""
    z = prior
    by: dict[int, float] = {}
    for feat, (first, _) in feats.items():
        w = weights.get(feat)
        if w is None:
            continue
        z += w
        k = sentence_of[first]
        by[k] = by.get(k, prior) + w
    return z, by


_NO_SENTENCE = -math.inf  # the sum of a reply no run weighs in


def _sentence_scores(
    prior: float, weights: dict[str, float], feats: dict[str, tuple[int, int]], sentence: list[int]
) -> tuple[float, float]:
    """The whole reply's log-odds and its most suspect sentence's, as ``judge`` sums them
    (clamped as its probabilities are, so a threshold between two sums splits them alike)."""
    z, by = _tally(prior, weights, feats, sentence)
    return _clamp(z), max((_clamp(v) for v in by.values()), default=_NO_SENTENCE)


def _clamp(z: float) -> float:
    return max(-_Z_LIMIT, min(_Z_LIMIT, z))


def _between(below: float, scores: Sequence[float]) -> float:
    """A threshold just above ``below``: halfway to the next higher of ``scores`` (sorted),
    so a reply that sums a hair differently on another machine falls on the same side."""
    k = bisect_right(scores, below)
    return below + 1.0 if k == len(scores) else (below + scores[k]) / 2


def _choose(
    held: Sequence[tuple[float, float]],
    good: Sequence[int],
    bad: Sequence[int],
    budget: float,
    course_max: float,
) -> tuple[float, float | None]:
    """The pair of log-odds thresholds (whole reply, sentence alone or None) that flags most
    of ``bad`` while flagging at most ``budget`` of ``good``; a sentence threshold must sit
    above every sentence of what the course teaches (``course_max``). Candidates are the
    held-out scores themselves, not a fixed grid: naive Bayes sums are far from calibrated
    probabilities, so the right cut can lie anywhere."""
    allowed = int(budget * len(good))
    everything = sorted({v for pair in held for v in pair if v != _NO_SENTENCE})
    sentence_top = sorted({held[i][1] for i in good if held[i][1] != _NO_SENTENCE}, reverse=True)
    candidates: list[float | None] = [None]
    for v in sentence_top[: allowed + 1]:
        cut = _between(max(v, course_max), everything)
        if cut not in candidates:
            candidates.append(cut)
    if course_max != _NO_SENTENCE and not sentence_top:
        candidates.append(_between(course_max, everything))
    best: tuple[int, int] = (-1, 0)
    chosen: tuple[float, float | None] = (_Z_LIMIT, None)
    for ts in candidates:
        caught = set() if ts is None else {i for i in (*good, *bad) if held[i][1] >= ts}
        alarms = sum(i in caught for i in good)
        if alarms > allowed:
            continue
        found = sum(i in caught for i in bad)
        # Lower the whole-reply threshold one distinct score at a time, as far as the
        # budget allows, keeping the cut that flags most bad replies (fewest good on a tie).
        rest = sorted(
            ((held[i][0], i in good) for i in (*good, *bad) if i not in caught), reverse=True
        )
        t, score = _Z_LIMIT, (found, -alarms)
        k = 0
        while k < len(rest):
            level = rest[k][0]
            if level < _LEANS_BAD:
                break
            while k < len(rest) and rest[k][0] == level:
                if rest[k][1]:
                    alarms += 1
                else:
                    found += 1
                k += 1
            if alarms > allowed:
                break
            if (found, -alarms) > score:
                score = (found, -alarms)
                below = (level + rest[k][0]) / 2 if k < len(rest) else level - 1.0
                t = min(_Z_LIMIT, max(_LEANS_BAD, below))
        if score > best:  # on a tie, the first: no sentence threshold, then the strictest
            best, chosen = score, (t, ts)
    return chosen


def _fit(
    data: Sequence[tuple[frozenset[str], bool]], alpha: float, min_df: int
) -> tuple[float, dict[str, float]]:
    df: Counter[str] = Counter()
    pos: Counter[str] = Counter()
    for feats, bad in data:
        df.update(feats)
        if bad:
            pos.update(feats)
    npos = sum(1 for _, bad in data if bad)
    nneg = len(data) - npos
    weights: dict[str, float] = {}
    for f in sorted(df):
        if df[f] < min_df:
            continue
        p, q = pos[f], df[f] - pos[f]
        w = round(
            math.log((p + alpha) / (npos + 2 * alpha)) - math.log((q + alpha) / (nneg + 2 * alpha)),
            4,
        )
        if w:
            weights[f] = w
    prior = round(math.log(max(npos, 1) / max(nneg, 1)), 4)
    return prior, weights


def data_digest(rows: Sequence[LabelledText]) -> str:
    h = hashlib.sha256()
    for r in sorted(rows, key=lambda r: r.id):
        h.update(json.dumps([r.id, r.text, r.bad, r.good], ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()


def train(
    rows: Sequence[LabelledText],
    locale: str,
    *,
    alpha: float = 1.0,
    min_df: int = 2,
    max_false_alarms: float = DEFAULT_MAX_FALSE_ALARMS,
    breaks: frozenset[str] = frozenset(),
    excuse: Callable[[Analysis], frozenset[int]] | None = None,
    negators: frozenset[str] = frozenset(),
    plain_acronyms: frozenset[str] = frozenset(),
) -> LearnedModel:
    """Fit on ``rows``; the thresholds (for the whole reply, and for a sentence alone) are
    the pair that flags most bad replies while the false-alarm rate on good replies, each
    scored by a model that never saw its author (the letters of its id), stays within
    ``max_false_alarms``. ``excuse`` gives the words the rules excuse in a reply;
    ``negators`` (single words) mark the rest of their clause negated; ``plain_acronyms``
    are read as the scorer reads them, so ``excuse`` sees what the shipped rules see."""
    if not any(r.bad for r in rows):
        raise ValueError("no row is marked bad: nothing to learn from")
    ctx = Context(locale=locale, plain_acronyms=plain_acronyms)
    analyses = [Analysis.of(r.text, ctx, breaks) for r in rows]
    negators = frozenset(w for w in negators if " " not in w)
    feats = [frozenset(features(a, negators=negators)) for a in analyses]
    # Judged as the shipped model judges a reply: without the words the rules excuse (a
    # taboo phrase negated or quoted to reject it), so the held-out false alarms it is
    # chosen on are the ones it would raise.
    placed = [features(a, excuse(a) if excuse else frozenset(), negators) for a in analyses]
    groups = [
        "" if r.always else m.group(0).lower() if (m := _GROUP.match(r.id)) else r.id for r in rows
    ]
    held: list[tuple[float, float]] = [(0.0, 0.0)] * len(rows)
    names = sorted(set(groups) - {""})

    def learnt(keep: str | None) -> list[tuple[frozenset[str], bool]]:
        # The course's own phrasing counts COURSE_WEIGHT times: a few trainees' bad replies
        # that share a word with it ("店长") must not outvote what the course teaches.
        return [
            (f, r.bad)
            for f, r, gg in zip(feats, rows, groups, strict=True)
            if gg != keep
            for _ in range(COURSE_WEIGHT if r.always else 1)
        ]

    for g in names:
        fold = learnt(g)
        if len(names) == 1 or not any(bad for _, bad in fold):
            fold = learnt(None)
        prior, weights = _fit(fold, alpha, min_df)
        for i, gg in enumerate(groups):
            if gg == g:
                held[i] = _sentence_scores(prior, weights, placed[i], analyses[i].wsentence)
    good = [i for i, r in enumerate(rows) if r.good and not r.always]
    bad = [i for i, r in enumerate(rows) if r.bad and not r.always]
    if not bad:
        raise ValueError("no row outside the rule examples is marked bad: nothing to measure")
    prior, weights = _fit(learnt(None), alpha, min_df)
    # What the course teaches to say (good rules' examples) is mostly one sentence long:
    # judging sentences alone must flag none of it with the model that ships. (Bad rules'
    # near misses may quote a taboo phrase to reject it, which the model cannot read.)
    course = [
        _sentence_scores(prior, weights, placed[i], analyses[i].wsentence)[1]
        for i, r in enumerate(rows)
        if r.recommended
    ]
    t, ts = _choose(held, good, bad, max_false_alarms, max(course, default=_NO_SENTENCE))

    def flags(i: int) -> bool:
        whole, sentence = held[i]
        return whole >= t or (ts is not None and sentence >= ts)

    return LearnedModel(
        locale=locale,
        threshold=_sigmoid(t),
        sentence_threshold=None if ts is None else _sigmoid(ts),
        prior=prior,
        weights=weights,
        negators=sorted(negators),
        training=Training(
            rows=sum(not r.always for r in rows),
            rule_examples=sum(r.always for r in rows),
            bad=len(bad),
            good=len(good),
            groups=len(names),
            data_sha256=data_digest(rows),
            alpha=alpha,
            min_df=min_df,
            max_false_alarms=max_false_alarms,
            cv_recall=round(sum(map(flags, bad)) / len(bad), 4),
            cv_false_alarms=round(sum(map(flags, good)) / len(good), 4) if good else 0.0,
        ),
    )


def dump(model: LearnedModel) -> str:
    """The model as stable JSON: same model, same bytes (weights in sorted order)."""
    d = model.model_dump()
    d["weights"] = dict(sorted(model.weights.items()))
    return json.dumps(d, ensure_ascii=False, indent=0, sort_keys=True) + "\n"


def load_model(path: Path) -> LearnedModel:
    """Read a model file, refusing anything malformed with ``file:line:col``."""
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_MODEL_BYTES:
            raise InputError(
                [
                    Problem(
                        where,
                        1,
                        1,
                        f"model file is {size} bytes, over the limit of {MAX_MODEL_BYTES}",
                    )
                ]
            )
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(where, 1, 1, f"not UTF-8 text ({exc.reason})")]) from None
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InputError(
            [Problem(where, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}")]
        ) from None
    except ValueError as exc:
        raise InputError([Problem(where, 1, 1, str(exc))]) from None
    except RecursionError:
        raise InputError([Problem(where, 1, 1, "not valid JSON: nested too deeply")]) from None
    try:
        model = LearnedModel.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(x) for x in first["loc"][:3])
        raise InputError([Problem(where, 1, 1, f"{at}: {first['msg']}")]) from None
    if model.locale != path.stem:
        raise InputError(
            [
                Problem(
                    where, 1, 1, f"model for locale {model.locale!r} in a file named {path.name!r}"
                )
            ]
        )
    return model


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a model may hold")
