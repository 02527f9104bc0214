"""The rule language and matcher: lemmas, concepts, typos, scoped negation, overrides,
gaps, detector slots, CJK in either script, and located errors for bad patterns."""

from __future__ import annotations

from typing import Any

import pytest

from mot_sim.catalog import Catalog
from mot_sim.lexicon import locale_words
from mot_sim.matching.analysis import Analysis, Context
from mot_sim.matching.detectors import DETECTORS
from mot_sim.matching.matcher import LocaleWords, Matcher
from mot_sim.matching.pattern import PatternError, parse
from mot_sim.matching.text import clean_text, tokenize
from mot_sim.models import LocaleLexicon, Rule
from mot_sim.scoring import Scorer

EXAMPLES = {"hit": ["a", "b", "c"], "miss": ["d", "e"]}


def rule(rid: str, *patterns: str, polarity: str = "good", **kw: Any) -> Rule:
    data = {
        "id": rid,
        "polarity": polarity,
        "dimension": "language",
        "weight": 10,
        "patterns": list(patterns),
        "reason": "r",
        "examples": EXAMPLES,
        **kw,
    }
    if polarity == "bad":
        data.setdefault("better", "b")
    return Rule.model_validate(data)


@pytest.fixture(scope="module")
def en(catalog: Catalog) -> LocaleWords:
    return catalog.library.words["en"]


@pytest.fixture(scope="module")
def zh(catalog: Catalog) -> LocaleWords:
    return catalog.library.words["zh"]


def fired(words: LocaleWords, rules: list[Rule], text: str) -> set[str]:
    hits = Matcher(rules, words).match(Analysis.of(text, Context(), words.clause_breaks))
    return {h.rule.id for h in hits if not h.ignored}


def hits_of(words: LocaleWords, rules: list[Rule], text: str) -> list[tuple[str, str, str]]:
    hits = Matcher(rules, words).match(Analysis.of(text, Context(), words.clause_breaks))
    return [(h.rule.id, h.text, h.ignored) for h in hits]


PATIENCE = rule("patience", "thank you for your patience")
APOLOGY = rule("apology", "(apologise|sorry)")
POLICY = rule("policy", "(company|our) @rules", polarity="bad")


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for your patience.",
        "THANK YOU FOR YOUR PATIENCE",
        "thnak you for your patince",  # transposition and a missing letter
        "Thank you so much for your patience",  # intensifiers between pattern words
        "thank  you,  for your patience!",  # punctuation and spacing
    ],
)
def test_words_tolerate_typos_and_noise(en: LocaleWords, text: str) -> None:
    assert fired(en, [PATIENCE], text) == {"patience"}


@pytest.mark.parametrize(
    "text",
    ["I apologise.", "I apologize.", "I apologised to her", "I’m sorry", "Im sorry", "i am sorry"],
)
def test_spellings_inflections_contractions(en: LocaleWords, text: str) -> None:
    assert fired(en, [APOLOGY], text) == {"apology"}


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("you have read", "great that youve read it"),
        ("they are the same", "theyre the same really"),
        ("she is", "shes on it"),
        ("would have", "i wouldve called"),
    ],
)
def test_contractions_typed_without_an_apostrophe_expand(
    en: LocaleWords, pattern: str, text: str
) -> None:
    assert fired(en, [rule("r", pattern)], text) == {"r"}


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("sorry ~3 keep you wait", "Sorry to have kept you waiting so long."),
        ("tell you to calm down", "Who told you to calm down?"),
        ("go to the counter", "She went to the counter."),
        ("leave it with me", "Leaving it with me is fine."),
    ],
)
def test_irregular_forms_match_their_lemma(en: LocaleWords, pattern: str, text: str) -> None:
    assert fired(en, [rule("r", pattern)], text) == {"r"}


def test_base_forms_stand_for_themselves(en: LocaleWords) -> None:
    # "was" means the past, not any form of "be"; "left" is not "leave".
    assert fired(en, [rule("r", "it =was there")], "it is there") == set()
    assert fired(en, [rule("r", "it was there")], "it is there") == set()
    assert fired(en, [rule("r", "left")], "please leave it") == set()


@pytest.mark.parametrize(
    "text",
    [
        "Don't worry about it",  # a dictionary word is never a typo of another
        "The police are here",
        "That's a pacience test",
        "sort it",
        "call me",
        "the polish",
    ],
)
def test_typo_tolerance_never_takes_one_real_word_for_another(en: LocaleWords, text: str) -> None:
    assert fired(en, [APOLOGY, POLICY, PATIENCE], text) == set()


def test_concepts_cover_every_wording(en: LocaleWords) -> None:
    brush = rule("brush", "@pass_on ~4 to (my|our|the)? @superior", polarity="bad")
    for text in [
        "I'll pass your comments to my manager.",
        "I will report your opinion to my supervisor.",
        "We forwarded it on to the team leader.",
        "I'm going to mention this to head office.",
    ]:
        assert fired(en, [brush], text) == {"brush"}, text
    assert fired(en, [brush], "I'll pass the salt to my neighbour.") == set()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please lower your voice, shouting won't change our policy.", {"policy"}),
        ("It's company policy, I'm afraid.", {"policy"}),
        ("It's not about company policy, of course I'll add it.", set()),
        ("There is no company policy against it.", set()),
        ("I won't hide behind our rules.", set()),
    ],
)
def test_negation_counts_only_where_it_governs(
    en: LocaleWords, text: str, expected: set[str]
) -> None:
    assert fired(en, [POLICY], text) == expected


def test_negation_reaches_through_verbs_that_pass_an_action_on(en: LocaleWords) -> None:
    calm = rule("calm", "calm down", polarity="bad")
    assert fired(en, [calm], "Calm down, madam.") == {"calm"}
    assert fired(en, [calm], "Nobody here will tell you to calm down.") == set()
    assert fired(en, [calm], "I'm not going to ask you to calm down.") == set()
    know = rule("know", "you know the", polarity="bad")
    assert fired(en, [know], "I won't assume you know the jargon.") == set()
    vague = rule("vague", "someone will get back", polarity="bad")
    assert fired(en, [vague], "I won't give you a vague someone will get back to you.") == set()
    assert hits_of(en, [calm], "I'm not going to tell you to calm down") == [
        ("calm", "calm down", "negated by 'not'")
    ]
    # A negator the pattern itself skips over negates it too.
    can = rule("can", "(i|we) can ~2 add")
    assert fired(en, [can], "We can add it.") == {"can"}
    assert fired(en, [can], "We can't add it.") == set()
    # ...unless the pattern says "not" itself.
    cant = rule("cant", "we (can not|do not) @refuse", polarity="bad")
    assert fired(en, [cant], "We can't add that.") == {"cant"}
    # "no" governs its own noun: "no charge" leaves "on the house" alone.
    house = rule("house", "on the house")
    assert fired(en, [house], "No charge, it's on the house") == {"house"}
    assert fired(en, [house], "no charge on the house") == {"house"}


def test_a_phrase_quoted_to_reject_it_is_not_said(en: LocaleWords) -> None:
    calm = rule("calm", "calm down", polarity="bad")
    assert fired(en, [calm], "I won't just say 'calm down' and leave it there.") == set()
    # "use" stands between the negator and the phrase: the quotation marks decide.
    text = "I won't use “calm down” on anyone."
    assert hits_of(en, [calm], text) == [("calm", "calm down", "quoted to reject it")]
    # Quoted without a negator before it, it is still said; apostrophes are not quotes.
    assert fired(en, [calm], "He said 'calm down' to me.") == {"calm"}
    # A negator just after the quotation rejects it too: "'...' isn't good enough".
    text = "Honestly, 'calm down' isn't something I'd ever say to you."
    assert hits_of(en, [calm], text) == [("calm", "calm down", "quoted to reject it")]
    # ...but not one further on, about something else.
    text = "She told him 'calm down' and then the man left, so I never got to help."
    assert fired(en, [calm], text) == {"calm"}
    assert fired(en, [calm], "It's fine, don't worry, just calm down.") == {"calm"}
    # A match that starts on the word introducing the quotation is mostly quoted: mentioned.
    by_now = rule("by_now", "(hear|heard) ~5 by now", polarity="bad", negatable=False)
    text = "You won't hear 'you should know that by now' from anyone here."
    assert hits_of(en, [by_now], text) == [
        ("by_now", "hear 'you should know that by now", "quoted to reject it")
    ]
    assert fired(en, [by_now], "You must have heard that by now.") == {"by_now"}


def test_a_quotation_named_as_what_went_wrong_is_rejected(en: LocaleWords) -> None:
    """A quotation named as the fault ("'Calm down' is exactly what went wrong") is
    rejected as surely as by a negator; "wrong" in another clause, about something else,
    does not reject it."""
    calm = rule("calm", "calm down", polarity="bad")
    text = "I know, and 'calm down' is exactly what went wrong last time."
    assert hits_of(en, [calm], text) == [("calm", "calm down", "quoted to reject it")]
    text = "Honestly, the problem was 'calm down' from the first minute."
    assert hits_of(en, [calm], text) == [("calm", "calm down", "quoted to reject it")]
    text = "She told him 'calm down' and then the man left, and the order went wrong."
    assert fired(en, [calm], text) == {"calm"}


def test_the_customer_s_words_quoted_back_are_mentioned_not_said(
    en: LocaleWords, zh: LocaleWords
) -> None:
    """Quotation marks after "you said", or followed by "I hear you", hold the customer's
    own words said back: "'your tow truck did that', I hear you" concedes nothing. The
    same quotation with nobody's name on it, or a quotation the trainee says, still is."""
    concede = rule("concede", "(your|our) truck did that", polarity="bad")
    text = "Mr Zhang, 'your truck did that', I hear you, and I'll check the photos today."
    assert hits_of(en, [concede], text) == [
        ("concede", "your truck did that", "quoted to reject it")
    ]
    text = "You said 'your truck did that', so let's look at the tow photos together."
    assert hits_of(en, [concede], text) == [
        ("concede", "your truck did that", "quoted to reject it")
    ]
    assert fired(en, [concede], "Honestly, 'our truck did that', and we'll pay.") == {"concede"}
    assert fired(en, [concede], "Your truck did that, I hear you say.") == {"concede"}
    pay = rule("pay", "您 必须 先 付", polarity="bad")
    assert fired(zh, [pay], "您说“您必须先付”，我听到了，我先查清楚。") == set()
    assert fired(zh, [pay], "我们的规定是“您必须先付”，然后再修。") == {"pay"}


def test_negation_does_not_reach_into_a_subordinate_clause(en: LocaleWords) -> None:
    blame = rule("blame", "if you =had not (use|check)", polarity="bad")
    # The "wouldn't" belongs to the bill; the "if" clause still blames the customer.
    text = "The bill wouldn't show that if you hadn't used it."
    assert fired(en, [blame], text) == {"blame"}
    calm = rule("calm", "calm down", polarity="bad")
    assert fired(en, [calm], "It won't help when you calm down later.") == {"calm"}
    assert fired(en, [calm], "I won't tell you to calm down.") == set()


def test_an_if_after_asking_opens_its_object_which_the_negation_reaches(
    en: LocaleWords,
) -> None:
    sure = rule("sure", "(are you|you are) sure ~6 (wrote|ordered)", polarity="bad")
    assert fired(en, [sure], "Are you sure what you ordered?") == {"sure"}
    # "if"/"whether" after "ask" is what is asked, not a condition of its own.
    assert fired(en, [sure], "I won't ask if you're sure what you wrote.") == set()
    assert fired(en, [sure], "Nobody will ask whether you are sure what you ordered.") == set()
    text = "I'm not going to sit there asking whether you're sure what you ordered."
    assert fired(en, [sure], text) == set()
    # A condition after another verb is still its own clause.
    text = "I don't mind if you're sure what you ordered."
    assert fired(en, [sure], text) == {"sure"}


def test_a_not_a_questions_negate_nothing(zh: LocaleWords) -> None:
    """ "要不要我帮您加" asks; "我不帮您加" refuses. 是不是 stays a negator: "二是不是您弄坏的"
    also reads "二是 / 不是您弄坏的"."""
    offer = rule("offer", "我 ~2 帮您 加")
    assert fired(zh, [offer], "要不要我马上帮您加一片？") == {"offer"}
    assert fired(zh, [offer], "能不能我来帮您加？") == {"offer"}
    assert hits_of(zh, [offer], "我不帮您加。")[0][2] == "negated by '不'"
    blame = rule("blame", "您 弄坏", polarity="bad")
    assert fired(zh, [blame], "二是不是您弄坏的就不该您出钱。") == set()


def test_a_dash_ends_a_clause(en: LocaleWords) -> None:
    """ "You didn't get one - I'm sorry": the apology is not under "didn't"; a hyphen inside
    a word or a number range is no dash."""
    sorry = rule("sorry", "(i am|i'm) sorry")
    assert fired(en, [sorry], "You didn't get one - I'm sorry.") == {"sorry"}
    assert fired(en, [sorry], "You didn't get one — I'm sorry.") == {"sorry"}
    assert fired(en, [sorry], "I'm not sorry.") == set()
    a = Analysis.of("in 2-3 days, by e-mail", Context())
    assert a.norms == ["in", "2", "3", "days", "by", "e", "mail"]


def test_ticks_bullets_and_a_spaced_slash_or_bar_end_a_clause() -> None:
    """Items ticked off or slashed together are clauses of their own; a slash inside a word
    or a number ("and/or", "24/7") joins as before."""
    for text in ("Roses ✓ Ribbon ✓ Thanks", "Roses / Ribbon / Thanks", "Roses | Ribbon • Thanks"):
        a = Analysis.of(text, Context())
        assert a.norms == ["roses", "ribbon", "thanks"], text
        assert len(set(a.wclause)) == 3, text
    a = Analysis.of("cash and/or card, open 24/7", Context())
    assert a.wclause[0] == a.wclause[3]  # "cash and/or card" is one clause


def test_two_word_negators(en: LocaleWords) -> None:
    calm = rule("calm", "calm down", polarity="bad")
    text = "Rather than telling you to calm down, I'll say it would annoy me too."
    assert hits_of(en, [calm], text) == [("calm", "calm down", "negated by 'rather than'")]
    assert fired(en, [calm], "Instead of asking you to calm down, I'll fix it.") == set()
    happy = rule("happy", "happy to help")
    assert fired(en, [happy], "I'm more than happy to help.") == {"happy"}


def test_a_match_over_quotations_side_by_side_is_quoted(en: LocaleWords, zh: LocaleWords) -> None:
    """Two stock lines quoted one after the other, both rejected: the match runs over both
    quotations, and each of its words is quoted."""
    wait = rule("wait", "wait ~~8 (news|update)", polarity="bad")
    assert fired(en, [wait], "Just wait, we'll give you news.") == {"wait"}
    text = "I won't call 'just wait', 'we'll give you news' an answer."
    assert hits_of(en, [wait], text)[0][2] == "quoted to reject it"
    # A word of the match outside the quotations: it is said, not quoted.
    assert fired(en, [wait], "I won't call 'just wait', so we'll give you news.") == {"wait"}
    later = rule("later", "等 ~8 有 消息", polarity="bad", negatable=False)
    text = "这次绝不会再是“先等等”“有消息再说”。"
    assert hits_of(zh, [later], text)[0][2] == "quoted to reject it"


def test_quoted_rejection_holds_for_rules_that_ignore_negation(en: LocaleWords) -> None:
    vague = rule("vague", "<time_vague>", polarity="bad", negatable=False)
    assert fired(en, [vague], "We'll sort it at some point.") == {"vague"}
    text = "I won't fob you off with 'we'll sort it at some point'."
    assert hits_of(en, [vague], text) == [("vague", "at some point", "quoted to reject it")]


def test_programs_wake_only_on_their_rarest_word(en: LocaleWords) -> None:
    promise = rule("promise", "(i promise|you have my word|trust me)")
    m = Matcher([promise], en)
    index = m.index(m.rules)
    woken_by = {m.vocab.words[v] for v in index.wake}
    # Function words ("i", "you", "me") would wake it on nearly every reply.
    assert woken_by == {"promise", "word", "trust"}
    assert fired(en, [promise], "You have my word on that.") == {"promise"}
    assert fired(en, [promise], "I think you may be right, trust me.") == {"promise"}


def test_unless_context_vetoes_within_the_sentence(en: LocaleWords) -> None:
    dont_know = rule("dont_know", "(i|we) do not know", polarity="bad", unless=["find out"])
    assert fired(en, [dont_know], "I don't know.") == {"dont_know"}
    assert fired(en, [dont_know], "I don't know yet, but I'll find out.") == set()
    assert fired(en, [dont_know], "I don't know. Someone may find out.") == {"dont_know"}


def test_requires_before_also_looks_in_the_previous_sentence(en: LocaleWords) -> None:
    here = rule("here", "(i promise|you have my word)", polarity="bad", requires=["free"])
    before = here.model_copy(update={"id": "before", "requires_before": True})
    both = [here, before]
    assert fired(en, both, "It's all free, I promise.") == {"here", "before"}
    assert fired(en, both, "It's all free. You have my word.") == {"before"}
    # Only the sentence just before: context two sentences back, or after, does not count.
    assert fired(en, both, "It's all free. It's Friday. You have my word.") == set()
    assert fired(en, both, "You have my word. It's all free.") == set()
    assert fired(en, both, "It's Friday. You have my word.") == set()


def test_anchors_tie_a_match_to_the_start_and_end_of_a_clause(en: LocaleWords) -> None:
    starts = rule("starts", "^ (plus|lite) plan?")
    whole = rule("whole", "^ (plus|lite) plan? $")
    ends = rule("ends", "plus plan? $")
    both = [starts, whole, ends]
    assert fired(en, both, "Plus. Your busiest month was 17 GB.") == {"starts", "whole", "ends"}
    assert fired(en, both, "Going by your bills, Plus plan.") == {"starts", "whole", "ends"}
    assert fired(en, both, "Honestly? Lite.") == {"starts", "whole"}
    assert fired(en, both, "Plus has 40 GB.") == {"starts"}  # the clause goes on
    assert fired(en, both, "I'd take Plus.") == {"ends"}  # the clause began before it
    assert fired(en, both, "I'd look at Plus first.") == set()
    money = rule("money", "^ <money>")
    assert fired(en, [money], "£18 a month, all in.") == {"money"}
    assert fired(en, [money], "It costs £18 a month.") == set()


def test_a_double_tilde_gap_crosses_clauses_but_not_sentences(en: LocaleWords) -> None:
    inside = rule("inside", "you are right ~8 but", polarity="bad")
    across = rule("across", "you are right ~~8 but", polarity="bad")
    both = [inside, across]
    assert fired(en, both, "You're right that it's late but we're on it.") == {"inside", "across"}
    assert fired(en, both, "You're right, it's a big day, but it's full.") == {"across"}
    assert fired(en, both, "You're right. But it's full.") == set()  # another sentence
    assert fired(en, both, "You're right, it is a very big and special day for you, but") == set()


def test_unless_reply_vetoes_from_any_sentence(en: LocaleWords) -> None:
    quote = rule(
        "quote", "your slip says", polarity="bad", unless=["wrong"], unless_reply=["on us"]
    )
    assert fired(en, [quote], "Your slip says Lily.") == {"quote"}
    assert fired(en, [quote], "Your slip says Lily. That one is on us.") == set()
    assert fired(en, [quote], "That's on us. Your slip says Lily.") == set()
    # Sentence-scoped context stays in its sentence...
    assert fired(en, [quote], "Your slip says Lily. We got it wrong.") == {"quote"}
    # ...and a negated context excuses nothing, wherever it is.
    assert fired(en, [quote], "Your slip says Lily. That is not on us.") == {"quote"}


def test_a_negator_the_pattern_does_not_say_cancels_it_from_inside(en: LocaleWords) -> None:
    covered = rule("covered", "(cable|garage) ~4 (free|no charge|covered)", polarity="bad")
    assert fired(en, [covered], "The cable to the garage is covered.") == {"covered"}
    # "no" is the pattern's own word; "aren't" is not, and it governs the match.
    assert fired(en, [covered], "The cable is no charge.") == {"covered"}
    assert fired(en, [covered], "The 15 metres to your garage aren't covered.") == set()


def test_a_negated_context_does_not_veto(en: LocaleWords) -> None:
    charge = rule("charge", "pay for", polarity="bad", unless=["free"])
    assert fired(en, [charge], "It's free, you don't pay for it.") == set()
    assert fired(en, [charge], "It's free, so nobody will pay for that.") == set()
    # "not free" is the opposite of the context that excuses the charge.
    assert fired(en, [charge], "It's not free, you pay for the side.") == {"charge"}


def test_negation_carries_over_a_comma_to_a_bare_coordinated_verb(en: LocaleWords) -> None:
    pay = rule("pay", "pay for", polarity="bad")
    assert fired(en, [pay], "You won't need to ask, or pay, for that.") == set()
    # With a subject of its own, the second clause is not under the first one's negation.
    assert fired(en, [pay], "We can't split it, or you pay for both.") == {"pay"}
    assert fired(en, [pay], "Ask first, or pay for it later.") == {"pay"}
    # ...with or without a comma before it.
    assert fired(en, [pay], "We can't split it or you pay for both.") == {"pay"}


def test_and_joins_two_verbs_under_one_negation_inside_a_clause(en: LocaleWords) -> None:
    paid = rule("paid", "(that's|it's) what you paid for", polarity="bad")
    text = "I'm not going to point at the booking and say that's what you paid for."
    assert hits_of(en, [paid], text) == [("paid", "that's what you paid for", "negated by 'not'")]
    assert fired(en, [paid], "I looked at the booking and that's what you paid for.") == {"paid"}
    pay = rule("pay", "pay for", polarity="bad")
    # Not across a comma, and not past a subject of its own.
    assert fired(en, [pay], "We don't split bills, and pay for it at the till.") == {"pay"}
    assert fired(en, [pay], "I won't charge it and you pay for the rest.") == {"pay"}


def test_overrides_are_explicit_and_explained(en: LocaleWords) -> None:
    waiting = rule("waiting", "sorry ~3 keep you wait", polarity="bad", overrides=["apology"])
    assert hits_of(en, [APOLOGY, waiting], "Sorry to keep you waiting.") == [
        ("waiting", "Sorry to keep you waiting", ""),
        ("apology", "Sorry", "overridden by waiting"),
    ]
    # Only the overlapping hit is overridden: a second apology still counts.
    assert fired(en, [APOLOGY, waiting], "Sorry to keep you waiting. I apologise.") == {
        "waiting",
        "apology",
    }
    # Without an override both count: nothing is implicit.
    plain = rule("plain", "sorry ~3 keep you wait", polarity="bad")
    assert fired(en, [APOLOGY, plain], "Sorry to keep you waiting.") == {"plain", "apology"}


def test_gaps_stay_inside_the_clause(en: LocaleWords) -> None:
    r = rule("gap", "thank you ... patience")
    assert fired(en, [r], "Thank you kindly for your patience") == {"gap"}
    assert fired(en, [r], "Thank you, and I mean this, for all the patience") == set()
    assert fired(en, [r], "Thank you. Patience is a virtue.") == set()
    assert fired(en, [rule("g2", "thank you ~1 patience")], "thank you for your patience") == set()


def test_optional_words_and_alternatives(en: LocaleWords) -> None:
    r = rule("r", "(our|the) (tow)? truck (did|caused) (it|that)?")
    assert fired(en, [r], "The tow truck did it") == {"r"}
    assert fired(en, [r], "Our truck caused that") == {"r"}
    assert fired(en, [r], "The truck arrived") == set()


def test_detector_slots(en: LocaleWords) -> None:
    r = rule("charge", "(cost|be|charge) ~2 <money>")
    assert fired(en, [r], "Extra pickles are 25 cents.") == {"charge"}
    assert fired(en, [r], "It costs $5 more.") == {"charge"}
    assert fired(en, [r], "It is free.") == set()


def test_chinese_in_either_script(zh: LocaleWords) -> None:
    policy = rule("zh_policy", "公司 @rules", polarity="bad")
    sorry = rule("zh_sorry", "(对不起|抱歉)")
    assert fired(zh, [policy, sorry], "对不起，这是公司规定。") == {"zh_policy", "zh_sorry"}
    assert fired(zh, [policy, sorry], "對不起，這是公司規定。") == {"zh_policy", "zh_sorry"}
    assert fired(zh, [policy], "这不是公司规定，我马上帮您加。") == set()
    toks = tokenize("您好abc")
    assert [t.norm for t in toks] == ["您", "好", "abc"]
    trad = "這是公司規定"
    hits = Matcher([policy], zh).match(Analysis.of(trad, Context()))
    assert hits[0].text == "公司規定"  # spans index the text as typed


def test_spans_index_the_original_text(en: LocaleWords) -> None:
    text = "Well — I’m SO sorry, truly."
    hits = Matcher([rule("apology", "i am sorry")], en).match(Analysis.of(text, Context()))
    assert hits and text[hits[0].start : hits[0].end] == hits[0].text == "I’m SO sorry"


@pytest.mark.parametrize(
    ("pattern", "column", "message"),
    [
        ("!!!", 1, "no word"),
        ("🙂", 1, "no word"),
        ("(a|b", 1, "never closed"),
        ("a)", 2, "without '('"),
        ("a|b", 2, "outside a group"),
        ("~3 a", 1, "cannot start or end with a gap"),
        ("a ~9 b", 3, "gap is 1 to 8"),
        ("a? b?", 1, "not optional"),
        ("a <nope>", 3, "unknown detector"),
        ("(a|)", 1, "empty alternative"),
        ("a ~2 ~2 b", 6, "two gaps"),
        ("a ^ b", 3, "must be the first slot"),
        ("(^ a|b)", 2, "must be the first slot"),
        ("^ ~2 a", 1, "cannot start or end with a gap"),
        ("a $ b", 3, "must be the last slot"),
        ("(a $|b)", 4, "must be the last slot"),
        ("a ~2 $", 1, "cannot start or end with a gap"),
    ],
)
def test_pattern_errors_say_where(pattern: str, column: int, message: str) -> None:
    with pytest.raises(PatternError) as err:
        parse(pattern, frozenset({"money"}))
    assert err.value.column == column and message in err.value.message


def test_lexicon_reports_unknown_concepts_and_cycles() -> None:
    lx = LocaleLexicon(
        concepts={"a": ["x @b"], "b": ["y @a"], "c": ["@missing"]},
        negators=["not"],
        transparent=[],
    )
    _, problems = locale_words("en", lx)
    messages = [m for _, m in problems]
    assert "unknown concept @missing" in messages
    assert any(m.startswith("concept cycle: @a -> @b -> @a") for m in messages)


def test_enumeration_reads_chinese_ordinals() -> None:
    """Steps numbered in Chinese ("第一，…；第二，…", "一、…；二、…") are an enumeration;
    "一" inside a word ("一个", "一片") is not a step."""
    for text in ("第一，今天递交申请；第二，周五前给您答复。", "一、今天递交；二、周四回电。"):
        assert DETECTORS["enumeration"](Analysis.of(text, Context(locale="zh"))), text
    for text in ("一个三明治，多加一片酸黄瓜。", "我一会儿再打给您，二十分钟以内。"):
        assert not DETECTORS["enumeration"](Analysis.of(text, Context(locale="zh"))), text


@pytest.mark.parametrize(
    ("detector", "text", "expected"),
    [
        ("time_concrete", "I'll call you by Friday noon.", "by Friday noon"),
        ("time_concrete", "It takes within 3 working days", "within 3 working days"),
        ("time_concrete", "ready in two minutes", "in two minutes"),
        ("time_concrete", "我明天下午3点之前回电", "明天下午3点之前"),
        ("time_concrete", "三个工作日内到账", "三个工作日内"),
        # A day of the month, with its ordinal: "on the 1st" is a date to hold someone to.
        ("time_concrete", "I'll text you on the 1st with your usage.", "on the 1st"),
        ("time_concrete", "It starts from the 21st.", "from the 21st"),
        ("time_concrete", "I'll ring on the first of next month.", "on the first of next month"),
        # A bare hour after "ready by" is a clock time, typed tersely.
        ("time_concrete", "Name redone, ready by 2, roses free.", "ready by 2"),
        ("time_concrete", "It'll be back at 4 with the new tyre.", "back at 4"),
        # A bare hour as the limit of a spoken time: "ring before four", "here till 6".
        (
            "time_concrete",
            "Any trouble, ring the shop before four and we'll fix it.",
            "shop before four",
        ),
        ("time_concrete", "I'm on the counter till 6, ask for me.", "counter till 6"),
        ("time_vague", "We'll fix it at some point.", "at some point"),
        ("time_vague", "It will be done eventually", "eventually"),
        ("money", "That's 130 yuan of roaming", "130 yuan"),
        ("money", "Only $5 extra", "$5"),
        ("question_open", "What happened to the car?", "What happened to the car?"),
        ("question_open", "Could you tell me more", "Could you tell me more"),
        # An adverb before the question word still asks an open question.
        ("question_open", "Roughly how much do you spend?", "Roughly how much do you spend?"),
        ("question_closed", "Is that right?", "Is that right?"),
        ("restate", "So if I understand you, the bill doubled.", "So if I understand"),
        # Naming what the customer needs restates it, without a lead-in.
        (
            "restate",
            "What you need is a car that starts, and no bill for the tow.",
            "What you need is",
        ),
        (
            "restate",
            "What you're asking for is a plan under twenty pounds.",
            "What you're asking for is",
        ),
        ("customer_name", "Thanks, Mrs Ellis.", "Mrs Ellis"),
        ("self_intro", "Hello, my name is Sam.", "my name is Sam"),
        ("self_intro", "Sam speaking, how can I help?", "Sam speaking"),
        # A name typed as one (capitalised, not a dictionary word), other than the login's.
        ("self_intro", "Hi, you're through to Oksana.", "you're through to Oksana"),
        ("self_intro", "Morning! Tomasz here.", "Tomasz here"),
        # Typed all in lower case, a name the dictionary does not know still counts.
        ("self_intro", "morning, im kasia. how can i help", "im kasia"),
        ("time_vague", "It shouldn't take too long.", "shouldn't take too long"),
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
        ("time_vague", "Your order will be out shortly."),
        ("question_open", "When it is ready we will call."),
        ("question_open", "Just so you know, when it is ready we will call."),
        ("question_closed", "What would you prefer?"),
        ("self_intro", "I am sorry about that."),
        ("self_intro", "This is Terrible news."),
        ("self_intro", "Sorry here is the bill."),
        ("self_intro", "sorry im late with this"),
        ("self_intro", "im gutted for you, honestly."),
        ("customer_name", "Thanks, madam."),
        ("restate", "So, anyway."),
        ("restate", "What you need to do is restart the phone."),
        ("restate", "What you want is up to you."),
        ("money", "Two minutes."),
        ("time_concrete", "The table is ready for 2 people."),
        ("time_concrete", "The cake is done by 3 of our bakers."),
        ("time_concrete", "It sold out before three customers had even asked."),
        ("time_concrete", "We'll wait until 2 engineers have seen it."),
        ("time_concrete", "Breakfast runs seven till ten and the pool is open until 8."),
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


def test_chinese_quotation_marks_reject_what_they_quote(zh: LocaleWords) -> None:
    """Chinese writes no spaces before its quotation marks: 我不会说“这是规定”。"""
    policy = rule("policy", "(公司|这是) 规定", polarity="bad")
    assert fired(zh, [policy], "这是规定，没办法。") == {"policy"}
    for text in ("我不会跟您说“这是规定”。", "我不想光说「这是规定」。"):
        assert hits_of(zh, [policy], text)[0][2] in {"quoted to reject it", "negated by '不'"}
        assert fired(zh, [policy], text) == set()
    # A quotation opened after a full-width comma, rejected by a negator a few characters
    # after it: Chinese puts the verb last ("‘…’这种话我不会再说").
    text = "您说得对，‘这是规定’这种话我不会再说。"
    assert hits_of(zh, [policy], text)[0][2] == "quoted to reject it"
    assert fired(zh, [policy], "您说得对，‘这是规定’，您得理解。") == {"policy"}


@pytest.mark.parametrize(
    ("text", "vague"),
    [("我们会尽快处理。", True), ("您最着急的是尽快开上车，对吗？", False)],
)
def test_as_soon_as_possible_is_vague_only_as_a_promise(text: str, vague: bool) -> None:
    a = Analysis.of(text, Context())
    assert bool(DETECTORS["time_vague"](a)) is vague


def test_acronyms_are_abbreviations_the_customer_may_not_know() -> None:
    """Capitals that are no word and not plain to every customer; shouting is not jargon."""
    plain = frozenset({"PIN", "SIM", "OK"})

    def found(text: str) -> list[str]:
        a = Analysis.of(text, Context(plain_acronyms=plain))
        return [a.tokens[first].norm for first, _ in DETECTORS["acronym"](a)]

    assert found("We'll check your ARPU against the FUP, OK?") == ["arpu", "fup"]
    assert found("我先看一下DOU和ECU。") == ["dou", "ecu"]
    assert found("我先拉CDR话单和TAP记录。") == ["cdr"]  # "TAP" is a word, and no shouting
    assert found("Your PIN and SIM are in the pack, I'm SO sorry.") == []
    assert found("THANK YOU FOR WAITING, THE DNO SAYS NOTHING YET") == []
    assert found("The V12 and 5G are fine.") == []
