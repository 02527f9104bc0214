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
from mot_sim.learned import (
    Evidence,
    LearnedModel,
    Opinion,
    _tally,
    features,
    judge,
    verdict,
)
from mot_sim.matching import detectors as det
from mot_sim.matching.analysis import Analysis, Context

ROOT = Path(__file__).resolve().parent.parent
_SAMPLE_EN = [
    json.loads(line)["text"]
    for line in (ROOT / "tests/data/replies.jsonl").read_text(encoding="utf-8").splitlines()[:3000]
]
_WORDS = sorted({w for text in _SAMPLE_EN for w in text.split()})
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
    *"just to recap you your 我会尽快 我们尽快 我确认一下 今天下午三点前".split(),
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


class _Plain:
    """Every pattern in one alternation, tried at every token start: the slow way."""

    def __init__(self, patterns: list[str]) -> None:
        self.rx = re.compile("|".join(f"(?:{p})" for p in patterns))

    def at(self, char: str) -> re.Pattern[str]:
        return self.rx


_PLAIN = {k: _Plain(v) for k, v in _PATTERN_LISTS.items()}
_FAST = {k: det._Alternation(v) for k, v in _PATTERN_LISTS.items()}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=replies)
def test_detector_alternations_match_as_one_plain_alternation(text: str) -> None:
    a = Analysis.of(text, Context())
    for name in _PATTERN_LISTS:
        fast = det._regex_ranges(a, _FAST[name])
        assert fast == det._regex_ranges(a, _PLAIN[name]), (name, text)  # type: ignore[arg-type]


def test_detector_alternations_agree_on_labelled_replies_and_every_digit() -> None:
    """The same comparison, deterministic: labelled replies and each phrase above alone."""
    texts = [*_SAMPLE_EN, *_ZH, *_EXTRA]
    for text in texts:
        a = Analysis.of(text, Context())
        for name in _PATTERN_LISTS:
            fast = det._regex_ranges(a, _FAST[name])
            assert fast == det._regex_ranges(a, _PLAIN[name]), (name, text)  # type: ignore[arg-type]


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
    feats = features(a, skip, frozenset(model.negators))
    z, by = _tally(model.prior, model.weights, feats, a.wsentence)
    evidence = [
        Evidence(f, w, first, end)
        for f, (first, end) in feats.items()
        if (w := model.weights.get(f)) is not None
    ]
    return verdict(model, z, by, evidence, a.wsentence)


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


@settings(max_examples=200, deadline=None)
@given(text=replies, data=st.data())
def test_a_spans_words_are_found_by_bisection_as_by_a_scan(text: str, data: st.DataObject) -> None:
    """``Analysis.words_in`` (bisection over word starts) is the plain scan it replaced."""
    a = Analysis.of(text, Context(locale="en"))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text) + 1))
    scan = [k for k, t in enumerate(a.words) if start <= a.tokens[t].start < end]
    assert list(a.words_in(start, end)) == scan
