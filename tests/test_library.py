"""The shipped scenario library as a whole: every encounter can be won with its own model
answers, none can be won with stock brush-offs, and together they cover the course."""

from __future__ import annotations

from collections import Counter

import pytest

from mot_sim.catalog import Catalog
from mot_sim.engine import Encounter
from mot_sim.models import MOMENTS, Scenario
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS
from tests.conftest import ROOT

SHIPPED = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))

# What a trainee who has not taken the course reaches for: each is a phrase the course
# teaches staff to avoid, or does nothing for the customer at all.
POOR_REPLIES = [
    "Calm down.",
    "That's our policy.",
    "Not my job.",
    "Whatever.",
    "You should have read the terms.",
    "I don't know, someone will get back to you at some point.",
]
# The same habits as Chinese staff say them, for the Chinese encounters.
POOR_REPLIES_ZH = [
    "您先冷静一下。",
    "这是公司规定。",
    "这不归我管。",
    "随便你。",
    "您自己应该先看清楚条款。",
    "我不知道,回头会有人联系您的。",
]


def play(scenario: Scenario, scorer: Scorer, replies: list[str]) -> Encounter:
    """Answer each stage in turn with the next reply, until the encounter ends."""
    enc = Encounter(scenario, scorer, "Sam")
    for reply in replies:
        if enc.is_over:
            break
        enc.answer(reply)
    return enc


def test_the_shipped_set_is_the_ten_encounters() -> None:
    assert set(SHIPPED) >= {
        "pickle_request",
        "lamborghini_repair",
        "complaint_call",
        "phone_plan_choice",
        "anniversary_stay",
        "missed_callback",
        "birthday_cake",
        "eye_test_no_sale",
        "post_office_queue",
        "car_lease_terms",
    }


@pytest.mark.parametrize("sid", SHIPPED)
def test_model_answers_win_the_encounter(sid: str, catalog: Catalog, scorer: Scorer) -> None:
    scenario = catalog.get(sid).scenario
    # Every model answer, not only the first, is a reply the trainee could copy: it does the
    # stage's main job, scores "good" and holds nothing the course rejects.
    probe = Encounter(scenario, scorer, "Sam")
    for stage in STAGE_IDS:
        required = {g.id for g in scenario.stage(stage).goals if g.required}
        for answer in probe.model_answers(stage):
            result = scorer.score(scenario, stage, answer, "Sam")
            assert result.outcome == "good", (sid, stage, result.score, answer)
            assert not result.bad_hits, (sid, stage, [h.rule for h in result.bad_hits])
            assert required <= set(result.goals_met), (sid, stage, result.goals_missed)
            assert "{{" not in answer
    enc = play(scenario, scorer, [probe.model_answers(s)[0] for s in STAGE_IDS])
    res = enc.result()
    assert enc.status == "completed" and res.passed and not res.walked_out, (sid, res)
    assert res.overall >= 70, (sid, res)
    # The customer warms up as the trainee does the job.
    assert all(t.mood_after >= t.mood_before for t in enc.turns), sid
    assert enc.mood > scenario.customer.mood_start


@pytest.mark.parametrize("sid", SHIPPED)
def test_stock_brush_offs_never_pass(sid: str, catalog: Catalog, scorer: Scorer) -> None:
    scenario = catalog.get(sid).scenario
    poor = POOR_REPLIES_ZH if scenario.locale == "zh" else POOR_REPLIES
    # A different stock phrase at each stage, then each phrase at every stage.
    runs = [poor[i : i + len(STAGE_IDS)] for i in range(2)]
    runs += [[reply] * len(STAGE_IDS) for reply in poor]
    for replies in runs:
        enc = play(scenario, scorer, replies)
        res = enc.result()
        assert not res.passed and (res.walked_out or res.overall < res.pass_mark), (sid, replies)
        assert enc.status in ("completed", "walked_out")
        assert all(t.result.outcome != "good" for t in enc.turns), (sid, replies)


@pytest.mark.parametrize("sid", SHIPPED)
def test_each_stage_has_a_main_job_and_its_own_tests(sid: str, catalog: Catalog) -> None:
    scenario = catalog.get(sid).scenario
    examples = Counter(ex.stage for ex in scenario.examples)
    for stage in STAGE_IDS:
        assert any(g.required for g in scenario.stage(stage).goals), (sid, stage)
        assert examples[stage] >= 4, (sid, stage, examples[stage])
        mine = [ex.expect for ex in scenario.examples if ex.stage == stage]
        # At least one reply the author expects to do well, and one to do badly.
        assert any(e.no_bad and (e.min_score or e.outcome == "good") for e in mine), (sid, stage)
        assert any(e.max_score is not None and e.max_score < 60 for e in mine), (sid, stage)


# The course's difficult customers, each met in one encounter whose stage goals ask for
# the response the course teaches, and whose customer is hurt most by the opposite.
DIFFICULT = {
    "emotional": (
        "anniversary_stay",
        {"celebrate_occasion", "acknowledge_feeling"},
        "fully_booked",
    ),
    "stubborn": ("eye_test_no_sale", {"leave_goodwill", "question_open"}, "pressure_sale"),
    "unreasonable": ("missed_callback", {"recap", "goodwill_gesture"}, "call_unreasonable"),
    "well_prepared": ("car_lease_terms", {"credit_preparation", "survey_first"}, "promise_install"),
    "aggressive": ("post_office_queue", {"take_aside", "get_help"}, "shame_in_public"),
}


def test_the_english_library_covers_the_course(catalog: Catalog) -> None:
    english = [catalog.get(sid).scenario for sid in SHIPPED]
    english = [sc for sc in english if sc.locale == "en"]
    # The course's ten moments, its four personality styles, and three levels of difficulty.
    assert {sc.moment for sc in english} == set(MOMENTS)
    assert {sc.customer.style for sc in english} == {"dominant", "sociable", "steady", "analytical"}
    assert {sc.difficulty for sc in english} == {"easy", "medium", "hard"}
    for kind, (sid, responses, trap) in DIFFICULT.items():
        sc = catalog.get(sid).scenario
        goals = {rule for stage in STAGE_IDS for g in sc.stage(stage).goals for rule in g.rules}
        assert responses <= goals, (kind, sid, responses - goals)
        assert sc.customer.sensitive_to.get(trap, 0) < 0, (kind, sid, trap)
