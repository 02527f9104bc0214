"""The core hands the UI typed results: suggestions in parts, set-aside reasons as kinds."""

from __future__ import annotations

import json
from typing import get_args

import pytest

from mot_sim.catalog import Catalog
from mot_sim.scoring import ReplyResult, Scorer, SetAside, Suggestion, set_aside_kind

SET_ASIDE = [
    ("pickle_request", "diagnose", "Thank you for telling me. How many slices would you like in total?", "thank_you", "overridden"),
    ("pickle_request", "solve", "It's not company policy to charge for one slice, so I'll happily add it for you.", "charge_courtesy", "negated"),
    ("lamborghini_repair", "diagnose", "Nice car. What's the top speed?", "question_open", "off_topic"),
    ("lamborghini_repair", "diagnose", "So you want it running and no charge for damage you think the tow caused, fair enough.", "concede_damage", "vetoed"),
    ("lamborghini_repair", "summarise", "You have my word, Mr Zhang, that we truly value your trust and will treat this matter with the utmost importance.", "over_promise", "context_missing"),
    ("complaint_call", "set_tone", "I won't use “calm down” on anyone.", "calm_down", "quoted"),
    ("pickle_request", "solve", "Of course, Mrs Ellis, happy to! One extra slice of pickle going in now, no charge, same price as always. I promise it'll be ready in two minutes, and I'll bring it over to your table myself.", "over_promise", "doubted"),
]  # fmt: skip


@pytest.mark.parametrize(("sid", "stage", "text", "rule", "kind"), SET_ASIDE)
def test_every_set_aside_reason_has_a_kind(
    catalog: Catalog, scorer: Scorer, sid: str, stage: str, text: str, rule: str, kind: str
) -> None:
    r = scorer.score(catalog.get(sid).scenario, stage, text, "Sam")
    found = {h.rule: h for h in r.set_aside}
    assert found[rule].aside == kind and found[rule].ignored
    assert all(h.aside is None for h in r.hits)


def test_the_kinds_cover_the_literal() -> None:
    assert {row[4] for row in SET_ASIDE} == set(get_args(SetAside))
    with pytest.raises(ValueError, match="unknown set-aside reason"):
        set_aside_kind("because I said so")


def test_suggestions_are_structured(catalog: Catalog, scorer: Scorer) -> None:
    scenario = catalog.get("pickle_request").scenario
    r = scorer.score(scenario, "solve", "Calm down, madam, thank you for your patience.", "Sam")
    rephrase = next(s for s in r.suggestions if s.kind == "rephrase")
    assert rephrase.rule == "calm_down" and rephrase.said == "Calm down"
    assert rephrase.example and rephrase.reason and rephrase.goal is None
    goals = {g.id: g for g in scenario.stage("solve").goals}
    tips = [s for s in r.suggestions if s.kind == "goal"]
    assert tips and all(s.goal in goals and s.reason == goals[s.goal].say for s in tips)
    # The JSON keeps the one-line form readers already parse, and adds the parts.
    d = json.loads(json.dumps(r.to_dict()))
    assert d["suggestions"] == [s.text for s in r.suggestions]
    assert all(isinstance(s, str) for s in d["suggestions"])
    assert d["advice"][0]["kind"] == "rephrase" and d["advice"][0]["rule"] == "calm_down"
    assert ReplyResult.from_dict(d) == r


def test_results_logged_by_an_older_version_read_as_types(catalog: Catalog, scorer: Scorer) -> None:
    r = scorer.score(
        catalog.get("pickle_request").scenario, "solve", "It's not company policy, calm down."
    )
    old = r.to_dict()
    del old["advice"]
    for h in old["hits"] + old["set_aside"]:
        del h["aside"]
    back = ReplyResult.from_dict(json.loads(json.dumps(old)))
    assert [h.aside for h in back.set_aside] == [h.aside for h in r.set_aside]
    assert [s.text for s in back.suggestions] == [s.text for s in r.suggestions]
    assert [s.kind for s in back.suggestions] == [s.kind for s in r.suggestions]
    assert Suggestion.from_text("Try: Say sorry.") == Suggestion("goal", "Say sorry.")


def test_explain_json_gives_the_kind_beside_the_reason(catalog: Catalog, scorer: Scorer) -> None:
    from mot_sim.explain import explain

    ex = explain(scorer, catalog.get("complaint_call").scenario, "Nobody will say calm down.")
    hits = ex.to_dict()["hits"]
    aside = next(h for h in hits if h["rule"] == "calm_down")
    assert aside["set_aside"].startswith("negated by") and aside["aside"] == "negated"
