"""Matcher on labelled replies: typos, inflections, spellings, negation, context, CJK."""

from __future__ import annotations

import pytest

from mot_sim.catalog import Catalog
from mot_sim.matching.analysis import Analysis, Context
from mot_sim.matching.detectors import DETECTORS
from mot_sim.matching.matcher import Matcher
from mot_sim.matching.text import clean_text, tokenize
from mot_sim.models import Rule
from mot_sim.scoring import Scorer


def rule(rid: str, *patterns: object, polarity: str = "good", **kw: object) -> Rule:
    data = {
        "id": rid,
        "polarity": polarity,
        "dimension": "language",
        "weight": 10,
        "patterns": list(patterns),
        "reason": "r",
        **kw,
    }
    if polarity == "bad":
        data.setdefault("better", "b")
    return Rule.model_validate(data)


def fired(rules: list[Rule], text: str, ctx: Context | None = None) -> set[str]:
    hits = Matcher(rules).match(Analysis.of(text, ctx or Context()))
    return {h.rule.id for h in hits if not h.ignored}


PATIENCE = rule("patience", "thank you for your patience")
APOLOGY = rule("apology", "I apologise", "sorry")
POLICY = rule("policy", "company policy", polarity="bad")


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for your patience.",
        "THANK YOU FOR YOUR PATIENCE",
        "thank you for you patience",  # typo
        "thnak you for your patince",  # transposition + missing letter
        "Thank you so much for your patience",  # intensifiers inside the phrase
        "thank  you,  for your patience!",  # punctuation and spacing
    ],
)
def test_phrase_tolerates_typos_and_noise(text: str) -> None:
    assert fired([PATIENCE], text) == {"patience"}


@pytest.mark.parametrize(
    "text",
    ["I apologise.", "I apologize.", "I apologised to her", "I’m sorry", "Im sorry", "i am sorry"],
)
def test_spellings_inflections_contractions(text: str) -> None:
    assert fired([APOLOGY], text) == {"apology"}


@pytest.mark.parametrize(
    "text",
    [
        "Don't worry about it",
        "The police are here",
        "That's a policy of the hotel",
        "A pacience test",
        "sort it",
        "a story",
        "call me",
        "the polish",
    ],
)
def test_fuzzy_does_not_fire_on_unrelated_words(text: str) -> None:
    assert fired([APOLOGY, POLICY, PATIENCE], text) == set()


def test_negation_sets_aside_and_explains() -> None:
    rules = [APOLOGY, POLICY]
    assert fired(rules, "I'm not sorry.") == set()
    assert fired(rules, "It's not about company policy, of course I'll add it.") == set()
    assert fired(rules, "It's company policy, I'm afraid.") == {"policy"}
    hits = Matcher(rules).match(Analysis.of("I'm not sorry", Context()))
    assert [(h.rule.id, h.ignored) for h in hits] == [("apology", "negated by 'not'")]
    # A negator straight after the phrase cancels it too.
    can = rule("can", "of course")
    assert fired([can], "Of course not.") == set()
    # "no" only negates the next word: "no charge on the house" keeps the gift.
    house = rule("house", "on the house")
    assert fired([house], "No charge, it's on the house") == {"house"}
    assert fired([house], "no charge on the house") == {"house"}


def test_unless_context_vetoes_within_the_sentence() -> None:
    dont_know = rule("dont_know", "I do not know", polarity="bad", unless=["find out"])
    assert fired([dont_know], "I don't know.") == {"dont_know"}
    assert fired([dont_know], "I don't know yet, but I'll find out.") == set()
    assert fired([dont_know], "I don't know. Someone may find out.") == {"dont_know"}


def test_longer_hit_of_other_polarity_wins() -> None:
    waiting = rule("waiting", "sorry to keep you waiting", polarity="bad")
    hits = fired([APOLOGY, waiting], "Sorry to keep you waiting.")
    assert hits == {"waiting"}


def test_gap_pattern_and_sentence_boundary() -> None:
    r = rule("gap", "thank you ... patience")
    assert fired([r], "Thank you kindly for your patience") == {"gap"}
    assert fired([r], "Thank you, and I mean this, for all the patience") == set()  # > 4 words
    assert fired([r], "Thank you. Patience is a virtue.") == set()


def test_chinese_rule_and_reply_need_no_spaces() -> None:
    zh = rule("zh_policy", "公司规定", polarity="bad")
    sorry = rule("zh_sorry", "对不起")
    assert fired([zh, sorry], "对不起，这是公司规定。") == {"zh_policy", "zh_sorry"}
    assert fired([zh], "这不是公司规定，我马上帮您加。") == set()  # negated
    toks = tokenize("您好abc")
    assert [t.norm for t in toks] == ["您", "好", "abc"]


def test_spans_index_the_original_text() -> None:
    text = "Well — I’m SO sorry, truly."
    hits = Matcher([rule("apology", "I am sorry")]).match(Analysis.of(text, Context()))
    assert hits and text[hits[0].start : hits[0].end] == hits[0].text == "I’m SO sorry"


@pytest.mark.parametrize(
    ("detector", "text", "expected"),
    [
        ("time_concrete", "I'll call you by Friday noon.", "by Friday noon"),
        ("time_concrete", "It takes within 3 working days", "within 3 working days"),
        ("time_concrete", "ready in two minutes", "in two minutes"),
        ("time_concrete", "我明天下午3点之前回电", "明天下午"),
        ("time_vague", "We'll fix it at some point.", "at some point"),
        ("time_vague", "It will be done eventually", "eventually"),
        ("question_open", "What happened to the car?", "What happened to the car?"),
        ("question_open", "Could you tell me more", "Could you tell me more"),
        ("question_closed", "Is that right?", "Is that right?"),
        ("restate", "So if I understand you, the bill doubled.", "So if I understand"),
        ("customer_name", "Thanks, Mrs Ellis.", "Mrs Ellis"),
        ("self_intro", "Hello, my name is Sam.", "my name is Sam"),
        ("self_intro", "Sam speaking, how can I help?", "Sam speaking"),
    ],
)
def test_detectors_find(detector: str, text: str, expected: str) -> None:
    a = Analysis.of(text, Context("Mrs Ellis", "Sam"))
    found = [text[slice(*a.span(*r))] for r in DETECTORS[detector](a)]
    assert expected in found


@pytest.mark.parametrize(
    ("detector", "text"),
    [
        ("time_concrete", "We'll get to it at some point."),
        ("time_vague", "I'll ship it as soon as your cheque arrives."),
        ("question_open", "When it is ready we will call."),
        ("question_closed", "What would you prefer?"),
        ("self_intro", "I am sorry about that."),
        ("customer_name", "Thanks, madam."),
        ("restate", "So, anyway."),
    ],
)
def test_detectors_do_not_overfire(detector: str, text: str) -> None:
    a = Analysis.of(text, Context("Mrs Ellis", "Sam"))
    assert DETECTORS[detector](a) == []


def test_clean_text_strips_control_sequences() -> None:
    raw = "a\x1b[31mred\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07\x00\u202eb\r\nc"
    assert clean_text(raw) == "ared linkb\nc"


def test_library_rules_fire_where_the_brief_says(catalog: Catalog, scorer: Scorer) -> None:
    sc = catalog.get("complaint_call").scenario
    cases = {
        "Calm down, madam.": "calm_down",
        "That's not my department.": "not_my_job",
        "Sorry to keep you waiting.": "sorry_waiting",
        "I'm new here, sorry.": "new_here",
        "Thank you for your business.": "business_thanks",
        "You're wrong, that's not how it works.": "you_are_wrong",
        "We'll ship once your cheque has cleared.": "distrust",
        "I'll pass your opinion to my manager.": "brush_off",
        "You must bring your ID first.": "demand",
        "Yes, you're right, but the bill stands.": "yes_but",
        "Sorry I didn't call back, I was too busy.": "busy_excuse",
    }
    for text, rid in cases.items():
        hits = {h.rule for h in scorer.score(sc, "set_tone", text).hits}
        assert rid in hits, (text, hits)


def test_every_detector_named_in_the_schema_exists() -> None:
    from mot_sim.models import DETECTOR_NAMES

    assert set(DETECTOR_NAMES) == set(DETECTORS)
