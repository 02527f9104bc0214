"""Encounter engine: stages in order, mood, reactions, walk-outs, events, resume."""

from __future__ import annotations

from mot_sim.catalog import Catalog
from mot_sim.engine import Encounter, Ended, Event, Started, TurnScored
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS

GOOD = {
    "set_tone": "Good afternoon Mrs Ellis, lovely to see you again! Of course, I'd be happy to add that.",
    "diagnose": "So if I understand you, you'd like your usual with one extra slice, is that right?",
    "solve": "No problem at all, I'll add an extra slice for you, on the house, ready in two minutes.",
    "summarise": "Just to confirm: your sandwich with an extra slice, same price, ready in two "
    "minutes. Thank you for coming back to us!",
    "follow_up": "We'll look forward to it, Mrs Ellis! Just ask for me on Monday.",
}


def make(
    catalog: Catalog, scorer: Scorer, sid: str = "pickle_request"
) -> tuple[Encounter, list[Event]]:
    events: list[Event] = []
    enc = Encounter(catalog.get(sid).scenario, scorer, "Sam")
    enc.subscribe(events.append)
    return enc, events


def test_full_encounter_passes(catalog: Catalog, scorer: Scorer) -> None:
    enc, events = make(catalog, scorer)
    assert enc.stage_id == "set_tone" and enc.customer_lines()
    for stage in STAGE_IDS:
        assert enc.stage_id == stage
        turn = enc.answer(GOOD[stage])
        assert turn.stage == stage and turn.mood_after >= turn.mood_before
        assert turn.reaction
    assert enc.status == "completed"
    res = enc.result()
    assert res.passed and not res.walked_out and res.overall >= 60
    assert all(v is not None for v in res.stages.values())
    assert isinstance(events[0], Started)
    assert [type(e) for e in events[1:]] == [TurnScored] * 5 + [Ended]


def test_walk_out_ends_early(catalog: Catalog, scorer: Scorer) -> None:
    enc, events = make(catalog, scorer)
    enc.answer(GOOD["set_tone"])
    enc.answer(GOOD["diagnose"])
    turn = enc.answer("I can sell you a side of pickles for 25 cents.")
    assert enc.status == "walked_out" and enc.is_over
    assert "walks out" in turn.reaction
    res = enc.result()
    assert res.walked_out and not res.passed
    assert res.stages["summarise"] is None and res.band == "needs practice"
    assert isinstance(events[-1], Ended)


def test_reactions_are_deterministic_and_templated(catalog: Catalog, scorer: Scorer) -> None:
    a, _ = make(catalog, scorer)
    b, _ = make(catalog, scorer)
    assert a.answer(GOOD["set_tone"]).reaction == b.answer(GOOD["set_tone"]).reaction
    sc = catalog.get("pickle_request").scenario
    assert a.render("Hi {{ trainee }}, I'm {{ customer }}") == f"Hi Sam, I'm {sc.customer.name}"


def test_trainee_markup_in_templates_is_plain_text(catalog: Catalog, scorer: Scorer) -> None:
    enc = Encounter(catalog.get("pickle_request").scenario, scorer, "[b]{{ 7*7 }}\x1b[31m")
    assert enc.render("Hello {{ trainee }}") == "Hello [b]{{ 7*7 }}"


def test_resume_continues_where_it_stopped(catalog: Catalog, scorer: Scorer) -> None:
    enc, _ = make(catalog, scorer)
    enc.answer(GOOD["set_tone"])
    enc.answer(GOOD["diagnose"])
    again = Encounter.resume(enc.scenario, scorer, "Sam", "practice", list(enc.turns))
    assert again.stage_id == "solve" and again.mood == enc.mood
    for stage in STAGE_IDS[2:]:
        again.answer(GOOD[stage])
    assert again.status == "completed"


def test_overtime_costs_mood(catalog: Catalog, scorer: Scorer) -> None:
    enc, _ = make(catalog, scorer)
    enc.time_limit = 15
    slow = enc.answer(GOOD["set_tone"], seconds=30)
    fast, _ = make(catalog, scorer)
    quick = fast.answer(GOOD["set_tone"], seconds=5)
    assert slow.overtime and not quick.overtime
    assert slow.mood_after == quick.mood_after - 10


def test_every_scenario_model_answers_score_well(catalog: Catalog, scorer: Scorer) -> None:
    for sid, loaded in catalog.scenarios.items():
        enc = Encounter(loaded.scenario, scorer, "Sam")
        for stage in STAGE_IDS:
            enc.answer(enc.model_answers(stage)[0])
        res = enc.result()
        assert res.passed and res.overall >= 70, (sid, res)


BILL_TONE = "Good morning Ms Li, I'm Sam, I'm so sorry, what a shock that bill must be."


def test_the_next_stage_opens_with_what_the_reply_drew_out(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Asked an open question, the bill customer mentions her trip; asked nothing, she
    insists nothing changed, and is harder to bring round."""
    asked, _ = make(catalog, scorer, "complaint_call")
    asked.answer(BILL_TONE)
    asked.answer("What was different about how you used your phone this month?")
    assert "Hong Kong" in asked.customer_lines()[0]
    told, _ = make(catalog, scorer, "complaint_call")
    told.answer(BILL_TONE)
    plain = told.mood
    turn = told.answer("Okay. One moment please.")
    assert "nothing changed" in told.customer_lines()[0]
    assert "Hong Kong" not in told.customer_lines()[0]
    # The harder opening costs mood on top of the reply's own outcome.
    delta = getattr(told.scenario.customer.mood_change, turn.result.outcome)
    assert turn.mood_after == max(0, plain + delta - 8)
    # A resumed encounter opens the stage the same way.
    again = Encounter.resume(told.scenario, scorer, "Sam", "practice", list(told.turns))
    assert again.customer_lines() == told.customer_lines()


def test_a_reaction_quotes_what_the_trainee_promised(catalog: Catalog, scorer: Scorer) -> None:
    enc, _ = make(catalog, scorer, "complaint_call")
    replies = [
        BILL_TONE,
        "What was different about how you used your phone this month?",
        "130 yuan is roaming from Hong Kong; I can refund half or add a travel pack, "
        "which would you prefer?",
        "So to recap: half the roaming refunded by Friday. Does that make sense?",
    ]
    for reply in replies:
        enc.answer(reply)
    turn = enc.answer("I will call you next Tuesday before 5 pm, and here is my direct line.")
    assert turn.result.outcome == "good"
    assert "next Tuesday before 5 pm. I'll hold you to that." in turn.reaction
    # Without a concrete time, the usual reaction: no quote of something never said.
    other, _ = make(catalog, scorer, "complaint_call")
    for reply in replies:
        other.answer(reply)
    turn = other.answer("I'll be in touch soon, here is my direct line.")
    assert "hold you to that" not in turn.reaction and "{{" not in turn.reaction


def test_a_reply_is_kept_and_scored_up_to_the_one_limit(catalog: Catalog, scorer: Scorer) -> None:
    from mot_sim.stages import MAX_REPLY_CHARS

    enc, events = make(catalog, scorer)
    turn = enc.answer("Good afternoon! " * 5_000)
    assert len(turn.reply) == MAX_REPLY_CHARS
    assert any(f"first {MAX_REPLY_CHARS:,} characters" in n for n in turn.result.notes)
    scored = [e for e in events if isinstance(e, TurnScored)]
    assert scored[0].turn.reply == turn.reply


def test_the_walk_out_line_matches_its_cause(catalog: Catalog, scorer: Scorer) -> None:
    """Blamed, she says so on the way out; brushed off, she remembers last year's promise."""
    said: dict[str, str] = {}
    for cause, reply in (
        ("blame", "The bill wouldn't say that if you hadn't used it. You must have used it."),
        ("brush", "I'll pass your comments to my manager, someone may call you."),
    ):
        enc, _ = make(catalog, scorer, "complaint_call")
        while not enc.is_over:
            turn = enc.answer(reply)
        assert enc.status == "walked_out"
        said[cause] = turn.reaction
    assert "my fault" in said["blame"] and "nobody ever called" in said["brush"]


def test_a_customer_about_to_leave_does_not_answer_cheerfully(
    catalog: Catalog, scorer: Scorer
) -> None:
    """Heard a moment from walking out, even a good reply draws no cheerful answer."""
    scenario = catalog.get("complaint_call").scenario
    good = scenario.stage("set_tone").model_answers[0]
    assert scorer.score(scenario, "set_tone", good, "Sam").outcome == "good"
    reactions = scenario.stage("set_tone").reactions
    calm = Encounter(scenario, scorer, "Sam")
    assert calm.answer(good).reaction in reactions.good
    leaving = Encounter(scenario, scorer, "Sam")
    leaving.mood = scenario.customer.walk_out_below + 1
    turn = leaving.answer(good)
    assert turn.mood_after > turn.mood_before  # it still helps
    assert turn.reaction in reactions.mixed
