"""Scorer: explainable, deterministic, hard to game."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest

from mot_sim.catalog import Catalog
from mot_sim.scoring import ReplyResult, Scorer


def score(
    catalog: Catalog,
    scorer: Scorer,
    text: str,
    stage: str = "solve",
    scenario: str = "pickle_request",
) -> ReplyResult:
    return scorer.score(catalog.get(scenario).scenario, stage, text, "Sam")


def test_every_point_traces_to_a_rule(catalog: Catalog, scorer: Scorer) -> None:
    text = "Of course! I'll add it on the house. Sorry, company policy says 5 cents extra."
    r = score(catalog, scorer, text)
    by_id = catalog.library.by_id
    for h in r.hits:
        assert text[h.span[0] : h.span[1]] == h.text
        assert h.reason
        assert h.points != 0
        if h.polarity == "bad":
            assert h.better and h.points < 0
            assert any(h.better == s.example for s in r.suggestions)
        assert h.rule in by_id or h.rule in {
            x.id for x in catalog.get("pickle_request").scenario.rules
        }


def test_null_dimension_without_evidence(catalog: Catalog, scorer: Scorer) -> None:
    r = score(catalog, scorer, "Of course, I'll add it for you.")
    assert r.dimensions["language"] is not None
    assert r.dimensions["empathy"] is None


def test_gaming_keyword_lists_and_gibberish_score_low(catalog: Catalog, scorer: Scorer) -> None:
    real = score(
        catalog,
        scorer,
        "Of course! I'll add an extra slice for you, no charge, ready in two minutes.",
    )
    for text in [
        "sorry thank you understand patience",
        "sorry of course no charge on the house two minutes",
        "sorry sorry sorry sorry sorry sorry sorry",
        "thank you thank you thank you thank you",
        "xkcd qwrt zzzz plof",
        "!!!! ????",
    ]:
        r = score(catalog, scorer, text)
        assert r.score < 50, (text, r.score)
        assert r.score < real.score - 20
    keywords = score(catalog, scorer, "welcome sorry thanks please happy help")
    assert keywords.is_list and any("not a sentence to a person" in n for n in keywords.notes)
    # Courtesy that does none of the stage's work is capped, and says so.
    polite = score(catalog, scorer, "Thank you so much for your patience, we value you.")
    assert polite.goals_met == [] and polite.score <= 45
    assert any("none of what this stage needs" in n for n in polite.notes)
    assert "Try: Add the slice gladly, and never charge for it." in [
        s.text for s in polite.suggestions
    ]
    stock = score(catalog, scorer, "hello, welcome, sorry, thank you, happy to help")
    assert stock.is_list and stock.score < 45


def test_short_replies_keep_only_part(catalog: Catalog, scorer: Scorer) -> None:
    r = score(catalog, scorer, "Of course!", stage="set_tone")
    assert r.factor == 0.5 and any("Very short" in n for n in r.notes)


def test_bad_phrasing_costs_overall(catalog: Catalog, scorer: Scorer) -> None:
    clean = score(catalog, scorer, "Of course, I'll add it for you.")
    dirty = score(catalog, scorer, "Of course, I'll add it for you, but calm down.")
    assert dirty.score <= clean.score - 15  # half its weight off overall, plus its dimension


def test_deterministic_across_processes(catalog: Catalog, scorer: Scorer) -> None:
    text = "Sorry Mrs Ellis, I'll add it within 2 minutes, no charge. Does that work for you?"
    here = score(catalog, scorer, text).to_dict()
    code = (
        "import json\nfrom mot_sim.catalog import load_catalog\nfrom mot_sim.scoring import Scorer\n"
        "c = load_catalog(); s = Scorer(c.library)\n"
        f"print(json.dumps(s.score(c.get('pickle_request').scenario, 'solve', {text!r}, 'Sam')"
        ".to_dict()))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONHASHSEED": "123", "PATH": ""},
    )
    assert json.loads(out.stdout) == json.loads(json.dumps(here))
    assert score(catalog, scorer, text).to_dict() == here


def test_long_paste_is_truncated_with_notice(catalog: Catalog, scorer: Scorer) -> None:
    r = score(catalog, scorer, "I'm sorry. " * 5000)
    assert any("first 20,000 characters" in n for n in r.notes)
    assert 0 <= r.score <= 100


def test_roundtrip_dict(catalog: Catalog, scorer: Scorer) -> None:
    r = score(catalog, scorer, "Sorry, it's not possible.")
    assert ReplyResult.from_dict(json.loads(json.dumps(r.to_dict()))) == r


def test_chinese_scenario_scores(zh_catalog: Catalog) -> None:
    sc = zh_catalog.get("zh_bill_call").scenario
    s = Scorer(zh_catalog.library)
    good = s.score(sc, "set_tone", "王女士您好，我是小李。非常抱歉，我理解您的心情，我马上帮您查。")
    bad = s.score(sc, "set_tone", "你冷静一点，这是公司规定，不归我管。")
    assert good.score >= 70 and not good.bad_hits
    assert {h.rule for h in bad.bad_hits} == {"zh_calm_down", "zh_policy", "zh_not_my_job"}
    assert bad.score < 20
    # English library rules never fire on a Chinese scenario, and vice versa.
    assert all(h.rule.startswith("zh_") for h in good.hits + bad.hits)


def test_exclamations_are_not_sentences_whatever_goal_they_meet(
    catalog: Catalog, scorer: Scorer
) -> None:
    """A string of one-word cheers meets the welcome goals word by word, but not one clause
    says anything to the customer; a short real greeting is not caught with them."""
    anniversary = catalog.get("anniversary_stay").scenario
    cheers = scorer.score(anniversary, "set_tone", "Hello! Congratulations! Wonderful! Hello!")
    assert cheers.is_list and cheers.score < 45
    assert any("Exclamations" in n for n in cheers.notes)
    real = scorer.score(
        anniversary,
        "set_tone",
        "Congratulations, Mrs Rossi! Twenty-five years, that is wonderful. I'm Sam.",
    )
    assert not real.is_list and real.score > cheers.score + 20


def test_slogans_are_exclamations_even_when_some_meet_a_goal(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Four or more clauses of a few words, half of them stock, none with a subject: the
    ones that are not stock ("No hurry!", "Go at your pace!") meet goals word by word, but
    nothing is said to the customer. A terse reply with the case in it is not caught."""
    plans = catalog.get("phone_plan_choice").scenario
    slogans = scorer.score(
        plans, "set_tone", "Hi again! Good to see you! Glad to help! No hurry! Go at your pace!"
    )
    assert slogans.is_list and slogans.score < 45
    # Capped as a list, it is not praised for doing the stage's job.
    assert not any("Did what this stage needs" in n for n in slogans.notes), slogans.notes
    cake = catalog.get("birthday_cake").scenario
    terse = scorer.score(
        cake, "solve", "right - name fixed, pink icing redone, ready by 1, cupcakes on us. ok?"
    )
    assert not terse.is_list and terse.score > slogans.score + 15


def test_five_short_exclamations_two_of_them_stock_are_slogans(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Five or more clauses of a few words, none with a subject, two of them stock, and no
    question put to the customer: slogans, even when the others name the case's offer
    ("Free refits!"). The same facts with a question to her, typed tersely, are a reply."""
    eyes = catalog.get("eye_test_no_sale").scenario
    slogans = scorer.score(
        eyes, "follow_up", "Cheers! All the best! Free refits! Come back whenever! Bye now!"
    )
    assert slogans.is_list and slogans.score < 45, slogans
    cake = catalog.get("birthday_cake").scenario
    terse = scorer.score(
        cake,
        "summarise",
        "so - icing redone in pink, Lily spelt right, ready at 1, cupcakes on the house. "
        "that all ok for you?",
    )
    assert not terse.is_list and terse.score >= 60, terse


def test_an_imperative_or_a_greeting_is_no_subject(catalog: Catalog, scorer: Scorer) -> None:
    """Stock phrases opened by "Have a good evening" or "Hey there" carry an auxiliary or
    "there" but no subject, so they are still slogans. "I can do that" has one."""
    bill = catalog.get("complaint_call").scenario
    slogans = scorer.score(
        bill, "set_tone", "Hey there! Thanks for holding! Sorry for the wait! Have a good evening!"
    )
    assert slogans.is_list and slogans.score < 45
    said = scorer.score(
        bill,
        "set_tone",
        "Hey there! Thanks for holding. I'm sorry about the bill; let's find out what happened.",
    )
    assert not said.is_list and said.score > slogans.score + 20
    # The case's nouns dotted about with a farewell are not a recap ("Have fun" is stock).
    stay = catalog.get("anniversary_stay").scenario
    nouns = scorer.score(stay, "summarise", "Garden. Champagne. Upgrade. Friday. Have fun!")
    assert nouns.is_list and nouns.score < 45


def test_a_clause_with_a_verb_of_its_own_is_not_stock_phrases(
    catalog: Catalog, scorer: Scorer
) -> None:
    """A clause with no subject and four rules on it read as a string of stock phrases; a
    verb of its own ("adds", "brings") says something, while "thanks" does not."""
    said = score(
        catalog,
        scorer,
        "Gladly the kitchen adds one extra pickle at no charge and brings the slice over in "
        "two minutes Mrs Ellis.",
    )
    assert not said.is_list and said.score >= 80
    stock = score(
        catalog, scorer, "thanks, sorry, of course, happy to help, no charge, two minutes"
    )
    assert stock.is_list and stock.score < 45


def test_the_same_stock_phrase_three_times_is_repetition(catalog: Catalog, scorer: Scorer) -> None:
    """ "Sorry, sorry, so sorry. Let me check. Sorry." says one thing four times: its words
    vary enough to pass the word-repetition check, its clauses do not. Two apologies with
    something said in between are not repetition."""
    cake = catalog.get("birthday_cake").scenario
    again = scorer.score(cake, "set_tone", "Sorry, sorry, so sorry. Let me check. Sorry.")
    assert again.is_list and again.score < 45
    once = scorer.score(
        cake, "set_tone", "Sorry. I'm so sorry, Mrs Ellis, that's our mistake and I'll fix it now."
    )
    assert not once.is_list and once.score >= 80


def test_two_clauses_each_said_twice_are_repetition(catalog: Catalog, scorer: Scorer) -> None:
    """ "No need to fret, no need to fret, all good, all good": neither clause is a stock
    phrase alone, but saying two of them twice over says nothing more. One clause said
    again, to check, is not repetition."""
    plans = catalog.get("phone_plan_choice").scenario
    again = scorer.score(
        plans, "summarise", "No need to fret, no need to fret, all good, all good, not a bother."
    )
    assert again.is_list and again.score < 45
    checked = scorer.score(
        plans,
        "summarise",
        "All clear so far? Plus at £18 a month from today, 40 GB, and you can move plan "
        "next month for free. All clear so far?",
    )
    assert not checked.is_list and checked.score >= 60


def test_exclamations_of_stock_phrases_are_a_list_whatever_goal_they_brush(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Every clause a stock phrase and none with a subject: exclamations, even when one
    of them ("welcome back") meets a goal. One clause that says something is enough."""
    plans = catalog.get("phone_plan_choice").scenario
    cheers = scorer.score(plans, "set_tone", "Good to see you! Welcome back! So glad! Thanks!")
    assert cheers.is_list and cheers.score < 45
    real = scorer.score(
        plans,
        "set_tone",
        "Welcome back, Mr Haddad! I'm Priya, and we can take all the time you need.",
    )
    assert not real.is_list and real.score >= 70


def test_the_cases_nouns_dotted_between_stock_phrases_are_keywords(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Nouns of the case between stock phrases say nothing to the customer, whatever goal
    their words meet; the same facts said in a terse order, or with one clause that says
    something, are a reply."""
    post = catalog.get("post_office_queue").scenario
    dotted = scorer.score(
        post, "summarise", "Done. £9. Label. Tracking. 1 pm. Thanks, sorry, have a good day."
    )
    assert dotted.is_list and dotted.score <= 35
    assert "key words" in " ".join(dotted.notes)
    terse = scorer.score(
        post, "summarise", "That's it: special delivery, £8.95, in Manchester by 1 pm tomorrow."
    )
    assert not terse.is_list
    said = scorer.score(
        post,
        "summarise",
        "Done. £8.95. Tracking. I'll text you the number now. Thanks, sorry, have a good day.",
    )
    assert not said.is_list


def assert_a_reply(result: ReplyResult, at_least: int) -> None:
    """Said to a person, not a list, and scored at least ``at_least``."""
    assert not result.is_list and result.score >= at_least, result


def test_ticks_slashes_and_bars_cut_a_list_into_clauses(catalog: Catalog, scorer: Scorer) -> None:
    """Items ticked off or slashed together are a list, however few full stops it has;
    a slash inside a word ("and/or", "24/7") is not a break."""
    cake = catalog.get("birthday_cake").scenario
    for text in (
        "Name fixed ✓ Roses ✓ Apologies ✓ Thanks ✓",
        "Ribbon / roses / cupcakes / sorry / thanks / bye",
        "Re-pipe | pink roses | sorry | thank you",
    ):
        got = scorer.score(cake, "summarise", text)
        assert got.is_list and got.score <= 35, text
    said = (
        "So: Lily spelt right, pink roses and a ribbon, and six cupcakes on us, ready by 1.10 "
        "and/or sooner. Nothing more to pay. Have I got that right?"
    )
    assert_a_reply(scorer.score(cake, "summarise", said), at_least=70)


def test_items_slashed_or_bulleted_with_no_subject_are_a_list(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Three or more items joined by typed list marks (a spaced slash, a bar, bullets), in
    a reply where no clause has a subject, are a list even when few items are stock
    phrases: nobody speaks in slashes. A slash inside a sentence that has a subject lists
    options ("by phone / email / chat"), and a slash between two labels is no list."""
    eyes = catalog.get("eye_test_no_sale").scenario
    for text in (
        "Sure thing / no rush / have a browse / cheers / what else?",
        "All good • zero pressure • glasses optional • see you",
    ):
        got = scorer.score(eyes, "diagnose", text)
        assert got.is_list and got.score < 45, (text, got)
    options = (
        "You can ring us / email us / drop in, Mr Osei, and I'll check the fit for free "
        "whenever suits you."
    )
    assert_a_reply(scorer.score(eyes, "follow_up", options), at_least=55)
    labels = (
        "right eye goes in the R / OD box, left in the L / OS box, and i wrote the PD on "
        "the back for u"
    )
    assert not scorer.score(eyes, "summarise", labels).is_list


def test_short_items_set_off_by_dashes_are_a_list_whatever_their_subjects(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Four or more items of a few words each, set off by spaced dashes, are a list even
    when one of them has a subject ("we value you" scored 79 in a set of stock phrases);
    a dash that sets off an aside in sentences that say something is no list."""
    cake = catalog.get("birthday_cake").scenario
    dashed = "Apologies - all our fault - we really value you - enjoy the party - thanks!"
    got = scorer.score(cake, "set_tone", dashed)
    assert got.is_list and got.score < 45, got
    aside = (
        "I'm so sorry, Mrs Ellis - that's our mistake - and I'll pipe Lily's name again "
        "now - it takes ten minutes - so it's right for the party."
    )
    assert not scorer.score(cake, "set_tone", aside).is_list


def test_words_said_over_and_over_back_to_back_are_repetition(
    catalog: Catalog, scorer: Scorer
) -> None:
    """A reply that is mostly one word or phrase said again and again, back to back
    ("ok ok ok, thanks thanks"), says a word or two: repetition, in any language. Doubling
    a word for warmth inside a reply that says something is not."""
    pickle = catalog.get("pickle_request_zh").scenario
    again = scorer.score(pickle, "summarise", "行行行行，多谢多谢。")
    assert again.is_list and again.score < 45, again
    warm = scorer.score(
        pickle,
        "summarise",
        "好的好的，一个鸡肉三明治多加一片酸黄瓜，不另外收费，两分钟就好，对吗？",
    )
    assert not warm.is_list, warm
    cake = catalog.get("birthday_cake").scenario
    en = scorer.score(cake, "summarise", "Right right right, okay okay, cheers cheers.")
    assert en.is_list and en.score < 45, en


def test_clauses_of_one_or_two_words_around_stock_phrases_say_nothing(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Three or more clauses, each a stock phrase or a word or two, are fragments, in any
    language; a terse reply with one clause that says something is not."""
    car = catalog.get("lamborghini_repair").scenario
    bits = scorer.score(car, "set_tone", "Apologies, sir. Right. Heard. Will look.")
    assert bits.is_list and bits.score <= 35
    pickle = catalog.get("pickle_request").scenario
    assert_a_reply(scorer.score(pickle, "solve", "Course I can. Done, and no charge."), at_least=55)


def test_three_stock_clauses_of_two_kinds_are_a_list_even_when_one_meets_a_goal(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Farewells strung together ("see you soon" meets a follow-up goal) are a list; the
    same courtesy around a clause that does the stage's job is a reply."""
    eyes = catalog.get("eye_test_no_sale").scenario
    farewells = scorer.score(
        eyes, "follow_up", "Thanks so much - mind how you go - see you soon - enjoy your evening!"
    )
    assert farewells.is_list and farewells.score <= 35
    said = (
        "Thanks so much, Mr Osei. Your prescription is in the envelope, and if the online "
        "pair feels wrong, pop back and I'll check them free. See you soon!"
    )
    assert_a_reply(scorer.score(eyes, "follow_up", said), at_least=60)


GOOD_AROUND = (
    "Of course, Mrs Ellis, happy to! One extra slice of pickle going in now, no charge, same "
    "price as always. {} it'll be ready in two minutes, and I'll bring it over to your table "
    "myself."
)


def test_a_doubtable_hit_in_a_reply_that_reads_good_is_doubted_not_counted(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Whether "I promise" over-promises depends on the rest of the reply: in one that the
    second opinion reads as good, sentence and all, it is set aside, with the runs that
    read good quoted. Alone, it counts. A phrase wrong wherever it stands never is."""
    pickle = catalog.get("pickle_request").scenario
    around = scorer.score(pickle, "solve", GOOD_AROUND.format("I promise"))
    doubted = {h.rule: h for h in around.set_aside}["over_promise"]
    assert doubted.aside == "doubted" and "'price as always'" in doubted.ignored
    assert not around.bad_hits and around.score >= 80
    alone = scorer.score(pickle, "solve", "I promise it'll be ready in two minutes.")
    assert [h.rule for h in alone.bad_hits] == ["over_promise"]
    calm = scorer.score(pickle, "solve", GOOD_AROUND.format("Calm down,"))
    assert [h.rule for h in calm.bad_hits] == ["calm_down"] and calm.score < 60


def test_yes_but_and_a_brush_off_are_read_in_context(catalog: Catalog, scorer: Scorer) -> None:
    """ "Yes, but" that turns away from a bad habit, and "call in and we'll adjust them",
    are set aside in a reply that reads good; the same words said to stall still count."""
    hotel = catalog.get("anniversary_stay").scenario
    turned = scorer.score(
        hotel,
        "diagnose",
        "Twenty-five years, congratulations! I see a double on the booking, yes, but I'm not "
        "going to leave it there. You'd love the sea and a surprise for Paolo, is that right? "
        "What does he love most?",
    )
    assert not turned.bad_hits and "yes_but" in {h.rule for h in turned.set_aside}
    stall = scorer.score(hotel, "diagnose", "Yes, but the booking says a double room.")
    assert "yes_but" in {h.rule for h in stall.bad_hits}
    eyes = catalog.get("eye_test_no_sale").scenario
    visit = scorer.score(
        eyes,
        "follow_up",
        "A pleasure, Mr Osei. When the new pair comes, call in and we'll fit them for you, "
        "free, wherever they came from. We'd be glad to see you for your next check-up.",
    )
    assert not visit.bad_hits and "brush_off" in {h.rule for h in visit.set_aside}
    passed = scorer.score(eyes, "follow_up", "I'll pass your comments on to my manager.")
    assert "brush_off" in {h.rule for h in passed.bad_hits}


def test_doubting_can_be_switched_off_in_the_rubric(catalog: Catalog) -> None:
    rubric = catalog.library.rubric.model_copy(update={"doubt_reply": None})
    library = replace(catalog.library, rubric=rubric)
    r = Scorer(library).score(
        catalog.get("pickle_request").scenario, "solve", GOOD_AROUND.format("I promise")
    )
    assert [h.rule for h in r.bad_hits] == ["over_promise"]


def test_a_question_off_the_case_does_not_hide_one_on_it(catalog: Catalog, scorer: Scorer) -> None:
    """Each rule counts its first hit; a first question about nothing in the case must not
    stand in for a later one that diagnoses."""
    scenario = catalog.get("lamborghini_repair").scenario
    r = scorer.score(
        scenario, "diagnose", "Lovely weather? Did anyone sign for the car when the truck took it?"
    )
    hit = next(h for h in r.hits if h.rule == "question_closed")
    assert hit.text.startswith("Did anyone sign")
    assert "ask" in r.goals_met


def test_a_question_about_what_the_sentence_before_named(catalog: Catalog, scorer: Scorer) -> None:
    """ "Is that close to your own estimate?" names nothing of the case itself, but the sentence
    before it does, so it checks her figures; after small talk it checks nothing."""
    lease = catalog.get("car_lease_terms").scenario
    fits = scorer.score(
        lease,
        "diagnose",
        "Your commute and the Leeds trips come to about 6,600 miles. "
        "Is that close to your own estimate?",
    )
    assert "question_closed" in {h.rule for h in fits.hits}
    chat = scorer.score(lease, "diagnose", "What a grey morning. Is it raining out there still?")
    assert "question_closed" not in {h.rule for h in chat.hits}
    assert "question_closed" in {h.rule for h in chat.set_aside}


def test_a_unit_typed_onto_a_number_is_one_word(catalog: Catalog, scorer: Scorer) -> None:
    """ "4K" is one word as written, though two tokens: slogans of two words each stay
    slogans. "We'll be in touch" is a stock phrase, not a clause that says something."""
    plans = catalog.get("phone_plan_choice").scenario
    slogans = scorer.score(plans, "solve", "Lovely! Huge savings! Super 4K! Gold plan!")
    assert slogans.is_list and slogans.score < 45
    car = catalog.get("lamborghini_repair").scenario
    dotted = scorer.score(
        car, "summarise", "Tyres. Brakes. Report. Many thanks. We'll be in touch."
    )
    assert dotted.is_list and dotted.score < 45


def test_a_question_put_to_the_customer_says_something(catalog: Catalog, scorer: Scorer) -> None:
    """Her order read back as a question is said to her, though it has no verb: with a
    greeting and a clipped "Course." it is a terse yes, not key words dotted about."""
    asked = score(
        catalog,
        scorer,
        "Morning, Mrs Ellis! Chicken sandwich, the usual, and one more slice of pickle? "
        "Course. Lovely to see you.",
        stage="set_tone",
    )
    assert not asked.is_list and asked.score >= 60
    told = score(
        catalog,
        scorer,
        "Morning, Mrs Ellis! Chicken sandwich. The usual. Pickle. Thanks. Lovely to see you.",
        stage="set_tone",
    )
    assert told.is_list and told.score < 45


def test_thanks_for_waiting_is_a_stock_phrase_between_nouns(
    catalog: Catalog, scorer: Scorer
) -> None:
    # "Thank you for waiting" is a thanks formula like "thank you": dotted between the
    # case's nouns it says nothing more than they do. Said inside a real recap it still
    # earns its points.
    dotted = score(
        catalog,
        scorer,
        "Ticket raised. Travel bundle. Thank you for waiting. Anything further? Take care!",
        stage="summarise",
        scenario="complaint_call",
    )
    assert dotted.is_list and dotted.score < 45
    recap = score(
        catalog,
        scorer,
        "Thank you for waiting, Ms Li. So, to recap: I've refunded 65 yuan, which shows on "
        "next month's bill, and the travel bundle starts today. Is that all clear?",
        stage="summarise",
        scenario="complaint_call",
    )
    assert not recap.is_list and recap.score >= 70
    assert "thank_patience" in {h.rule for h in recap.hits}


# Rules whose examples are full (40 hits) still get their newer wordings tested here,
# each beside a near miss the same rule must leave alone.
QUIET_DODGES = [
    (
        "phone_plan_choice",
        "diagnose",
        "Streaming on the train is a habit worth changing.",
        "blame_by_hint",
    ),
    (
        "post_office_queue",
        "follow_up",
        "Remember that everyone in the queue had a day too.",
        "blame_by_hint",
    ),
    (
        "complaint_call",
        "solve",
        "Ideally you'd want to buy the travel pack before leaving.",
        "blame_by_hint",
    ),
    (
        "birthday_cake",
        "set_tone",
        "Our decorator struggled a bit with your handwriting.",
        "blame_by_hint",
    ),
    (
        "missed_callback",
        "solve",
        "It's released, which I'm sure you'll appreciate took care.",
        "talking_down",
    ),
    (
        "anniversary_stay",
        "set_tone",
        "Rooms come straight off the booking system, I'm afraid.",
        "policy_shield",
    ),
    (
        "complaint_call",
        "solve",
        "Wouldn't we all like a free month? I'd like a bonus myself. The roaming pack is £5.",
        "sarcastic_aside",
    ),
    (
        "anniversary_stay",
        "solve",
        "A free upgrade, madam? And I would love a holiday. Room 12 is ready.",
        "sarcastic_aside",
    ),
]
NEAR_MISSES = [
    ("missed_callback", "solve", "I'm here to protect you, and it's released now."),
    (
        "phone_plan_choice",
        "diagnose",
        "Your habits are yours; let's just pick the plan that fits them.",
    ),
    ("post_office_queue", "follow_up", "Everyone has days like that, and thank you for saying so."),
    ("birthday_cake", "set_tone", "We misread a perfectly clear slip, and I'm so sorry."),
    ("anniversary_stay", "solve", "I'd love a chance to put this right: room 12 faces the sea."),
]


@pytest.mark.parametrize(("scenario", "stage", "text", "rule"), QUIET_DODGES)
def test_newer_quiet_dodges_are_caught(
    catalog: Catalog, scorer: Scorer, scenario: str, stage: str, text: str, rule: str
) -> None:
    r = score(catalog, scorer, text, stage=stage, scenario=scenario)
    assert rule in {h.rule for h in r.bad_hits}, [h.rule for h in r.bad_hits]


@pytest.mark.parametrize(("scenario", "stage", "text"), NEAR_MISSES)
def test_their_near_misses_are_left_alone(
    catalog: Catalog, scorer: Scorer, scenario: str, stage: str, text: str
) -> None:
    r = score(catalog, scorer, text, stage=stage, scenario=scenario)
    assert not r.bad_hits, [(h.rule, h.text) for h in r.bad_hits]
