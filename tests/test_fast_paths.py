"""The scorer's shortcuts give exactly what the plain computation they replace gives.

Each shortcut skips work that cannot change the answer (regex branches that cannot start
on a character, lemma runs no weighted run begins with); these tests hold them to the
slow way on random replies made of the words those paths care about."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mot_sim.catalog import Catalog
from mot_sim.learned import Evidence, LearnedModel, Opinion, _sigmoid, _tally, features, judge
from mot_sim.matching import detectors as det
from mot_sim.matching.analysis import Analysis, Context

ROOT = Path(__file__).resolve().parent.parent
_WORDS = sorted(
    {
        w
        for line in (ROOT / "tests/data/replies.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()[:3000]
        for w in json.loads(line)["text"].split()
    }
)
_ZH = [
    json.loads(line)["text"]
    for line in (ROOT / "tests/data/zh_replies.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()[:400]
]
# Words and phrases the detectors are written around, and characters that stress them.
_EXTRA = [
    *"0 1 2 4 5 6 7 8 9 99 9am 8.30 by at in within about around before until from on this".split(),
    *"next some time when we will see soon ish 3 10 25 1:30 4pm £5 $3.50 ٣ ５ minutes".split(),
    *"hours days week friday tomorrow tonight o'clock half past quarter cents pounds".split(),
    *"yuan 元 块 三点 明天 下午 周五 尽快 回头 以后再说 so if i understand let me confirm".split(),
    *"just to recap you your".split(),
    *(f"{d} {unit}" for d in "0123456789" for unit in ("minutes", "days", "pounds", "cents")),
    *(f"{d}元" for d in "0123456789"),
    *(f"{d}点" for d in "0123456789"),
]

replies = st.one_of(
    st.lists(st.sampled_from(_WORDS + _EXTRA), max_size=40).map(" ".join),
    st.lists(st.sampled_from(_ZH + _EXTRA), max_size=3).map("".join),
    st.text(max_size=120),
)
_PATTERN_LISTS = {
    "concrete": det._CONCRETE,
    "vague": det._VAGUE,
    "restate": det._RESTATE,
    "money": det._MONEY,
}


def _plain_ranges(a: Analysis, rx: re.Pattern[str]) -> list[tuple[int, int]]:
    """One alternation of every pattern, tried at every token start."""
    out: list[tuple[int, int]] = []
    resume = 0
    for pos in a.jstart:
        if pos < resume:
            continue
        m = rx.match(a.joined, pos)
        if m and m.end() > pos:
            rng = a.tokens_of_joined(pos, m.end())
            if rng:
                out.append(rng)
            resume = m.end()
    return out


_PLAIN = {k: re.compile("|".join(f"(?:{p})" for p in v)) for k, v in _PATTERN_LISTS.items()}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=replies)
def test_detector_alternations_match_as_one_plain_alternation(text: str) -> None:
    a = Analysis.of(text, Context())
    for name, patterns in _PATTERN_LISTS.items():
        fast = det._regex_ranges(a, det._Alternation(patterns))
        assert fast == _plain_ranges(a, _PLAIN[name]), (name, text)


def test_first_characters_are_read_from_the_pattern() -> None:
    assert det._first_chars(r"\bat some (?:point|stage)\b") == frozenset("a")
    assert det._first_chars(r"(?:我|我们|咱们|这边)(?:会)?尽快") == frozenset("我咱这")
    assert det._first_chars(r"\b(?:on |this )?(?:monday|friday)") == frozenset("otmf")
    # \d is any Unicode digit: ASCII ones, and a mark that any non-ASCII character may be.
    assert det._first_chars(r"\d+ min") == frozenset("0123456789") | {det._WIDE}
    assert det._first_chars(r"(?:a)?") is None  # may match nothing: try it anywhere
    assert det._first_chars(r".x") is None  # any character
    assert det._first_chars(r"(?i:at) x") is None and det._first_chars(r"(?i)at") is None
    alt = det._Alternation([r"\d+ min", r"soon"])
    assert alt.at("s") is not None and alt.at("x") is None
    assert alt.at("٣") is not None  # an Arabic-Indic digit is still a digit


def _plain_judge(model: LearnedModel, a: Analysis, skip: frozenset[int]) -> Opinion:
    """``judge`` written as training reads a reply: every run, then the weighted ones."""
    evidence: list[Evidence] = []
    z, by = _tally(model.prior, model.weights, features(a, skip), a.wsentence, evidence)
    worst = max(by, key=lambda k: (by[k], -k), default=None)
    ps = _sigmoid(by[worst]) if worst is not None else 0.0
    flagged = _sigmoid(z) >= model.threshold
    if not flagged and model.sentence_threshold is not None and ps >= model.sentence_threshold:
        flagged = True
        evidence = [e for e in evidence if a.wsentence[e.first] == worst]
    evidence.sort(key=lambda e: (-e.weight, e.first))
    return Opinion(_sigmoid(z), flagged, tuple(evidence), ps)


@pytest.mark.parametrize("locale", ["en", "zh"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=replies, data=st.data())
def test_judge_sums_the_runs_training_reads(
    catalog: Catalog, locale: str, text: str, data: st.DataObject
) -> None:
    model = catalog.library.models[locale]
    a = Analysis.of(text, Context(locale=locale))
    n = len(a.words)
    skip = (
        frozenset(data.draw(st.sets(st.integers(0, max(n - 1, 0)), max_size=4)))
        if n
        else frozenset()
    )
    fast, plain = judge(model, a, skip), _plain_judge(model, a, skip)
    assert fast == plain
    assert not math.isnan(fast.probability)
