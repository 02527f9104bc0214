"""The learned second opinion: trained reproducibly, speaking only where rules are silent,
explained by its words, and loaded like any other untrusted file."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from mot_sim import learned
from mot_sim.catalog import Catalog, load_library
from mot_sim.cli.learn import course_rows, read_labelled, train_locale
from mot_sim.cli.main import main
from mot_sim.engine import Encounter
from mot_sim.errors import InputError
from mot_sim.learned import (
    LabelledText,
    dump,
    features,
    judge,
    load_model,
    train,
)
from mot_sim.matching.analysis import Analysis, Context
from mot_sim.models import Rule
from mot_sim.scoring import Scorer, excused_words
from mot_sim.stages import STAGE_IDS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
LEARNED = {"en": "sounds_like_avoided", "zh": "zh_sounds_like_avoided"}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


@pytest.mark.parametrize(("locale", "data"), [("en", "replies.jsonl"), ("zh", "zh_replies.jsonl")])
def test_the_shipped_models_are_what_the_labelled_data_makes(
    catalog: Catalog, locale: str, data: str
) -> None:
    # Training is deterministic: the data and the course's own phrasing (rule examples,
    # model answers) make these exact bytes. After changing either, run: mot-sim learn
    # tests/data/DATA --locale L --out scoring/learned/L.json --force
    rows = read_labelled(DATA / data) + course_rows(catalog.library, locale)
    model = train_locale(catalog.library, rows, locale)
    shipped = ROOT / "scoring" / "learned" / f"{locale}.json"
    # Compared outside the assert: a diff of two large JSON texts would take minutes.
    same = dump(model) == shipped.read_text(encoding="utf-8")
    assert same, f"{shipped.name} is stale; retrain it with the command above"
    t = model.training
    assert t.cv_false_alarms <= t.max_false_alarms or model.threshold == 0.99
    assert t.cv_recall > 0.5  # held out by author, it still finds most bad phrasing


def test_it_speaks_only_where_no_rule_has_and_quotes_its_words(
    catalog: Catalog, scorer: Scorer
) -> None:
    sc = catalog.get("pickle_request").scenario
    unnamed = "Goodness, the whole kitchen will have to stop for this one."
    result = scorer.score(sc, "solve", unnamed)
    learned = [h for h in result.hits if h.rule == "sounds_like_avoided"]
    assert len(learned) == 1 and [h.rule for h in result.bad_hits] == ["sounds_like_avoided"]
    hit = learned[0]
    assert unnamed[slice(*hit.span)] == hit.text and hit.text
    assert hit.pattern.startswith("learned: ") and repr(hit.text) in hit.pattern
    assert hit.better and hit.points < 0 and result.score < 45
    # A rule already names the problem: the model keeps quiet, nothing counts twice.
    named = "Calm down, the whole kitchen will have to stop for this one."
    bad = {h.rule for h in scorer.score(sc, "solve", named).bad_hits}
    assert "calm_down" in bad and "sounds_like_avoided" not in bad


def test_a_clause_a_rule_excused_is_not_held_against_the_reply(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The model reads no negation, so a taboo phrase a rule found negated or quoted to
    # reject it stays excused; the zh reply scored 42 (learned hit on "又不") before. The
    # shipped model has since learnt this wording from data, so the test gives it a model
    # that would flag the phrase alone, whatever later training does.
    zh = catalog.get("pickle_request_zh").scenario
    text = "这又不是什么公司规定，不收您钱，我当然给您加上。"
    shipped = catalog.library.models["zh"]
    # Planted on the runs as the model reads them: after "不" they are marked negated.
    weights = {k: 30.0 if "司 规" in k.replace("¬", "") else w for k, w in shipped.weights.items()}
    weights.update({"¬司 ¬规": 60.0, "司 规": 60.0})
    monkeypatch.setitem(
        catalog.library.models, "zh", shipped.model_copy(update={"weights": weights})
    )
    scorer = Scorer(catalog.library)
    a = scorer.analyse(zh, text)
    assert judge(catalog.library.models["zh"], a).flagged  # alone it would flag it
    result = scorer.score(zh, "solve", text)
    assert not result.bad_hits and result.score >= 55
    assert {h.rule for h in result.set_aside} >= {"zh_policy", "charge_courtesy"}


@pytest.mark.parametrize(
    ("locale", "text", "said_back"),
    [
        ("en", "So you said the pickle is never enough, and I'll add one now.", True),
        ("en", "Right, you told me nobody rang you back; that's on us.", True),
        ("en", "I hear you: you're saying the bill jumped, so let's look together.", True),
        ("en", "The pickle is never enough, and I'll add one now.", False),
        ("en", "I'll add one now, and I said the pickle is never enough.", False),
        ("en", "I thought you said the pickle is never enough, and I'll add one.", False),
        ("zh", "您说一分钱都不想多出，我明白，我先查清楚。", True),
        ("zh", "刚才您说什么都没变，我们一起对一下账单。", True),
        ("zh", "您说得对，我马上处理。", False),
        ("zh", "您说了算，我照做。", False),
        ("zh", "一分钱都不想多出，我明白，我先查清楚。", False),
    ],
)
def test_the_customer_s_words_said_back_are_not_the_trainee_s(
    catalog: Catalog, scorer: Scorer, locale: str, text: str, said_back: bool
) -> None:
    # "您说一分钱都不出，..." was flagged for the customer's own words; a lead from the
    # lexicon (reported_speech) near a clause's start excuses that clause alone, and a
    # verdict ("您说得对") is no such lead.
    sid = "pickle_request" if locale == "en" else "complaint_call_zh"
    a = scorer.analyse(catalog.get(sid).scenario, text)
    excused = excused_words(a, [], catalog.library.words[locale])
    first = a.wclause[0]
    assert bool(excused) is said_back
    if said_back:
        clauses = {a.wclause[k] for k in excused}
        assert len(clauses) == 1  # the lead's clause only: what follows is still read
        assert max(excused) < len(a.wclause) - 1
    else:
        assert first not in {a.wclause[k] for k in excused}


def test_no_model_answer_of_any_stage_is_flagged(catalog: Catalog, scorer: Scorer) -> None:
    checked = 0
    for loaded in catalog.scenarios.values():
        enc = Encounter(loaded.scenario, scorer, "Sam")
        for stage in STAGE_IDS:
            for text in enc.model_answers(stage):
                rules = {h.rule for h in scorer.score(loaded.scenario, stage, text, "Sam").hits}
                assert not rules & set(LEARNED.values()), (loaded.scenario.id, stage, text)
                checked += 1
    assert checked >= 60


def test_model_files_are_untrusted_input(tmp_path: Path) -> None:
    good = (ROOT / "scoring" / "learned" / "en.json").read_text(encoding="utf-8")
    cases = {
        "broken.json": (good[:200], "not valid JSON"),
        "nan.json": (good.replace('"prior": ', '"prior": NaN, "x": ', 1), "NaN"),
        "schema.json": (good.replace('"format": 1', '"format": 2', 1), "format"),
        "deep.json": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    }
    for name, (text, message) in cases.items():
        d = tmp_path / name.removesuffix(".json")
        d.mkdir()
        (d / "en.json").write_text(text, encoding="utf-8")
        with pytest.raises(InputError) as info:
            load_model(d / "en.json")
        problem = info.value.problems[0]
        assert problem.path.endswith("en.json") and problem.line >= 1 and problem.col >= 1
        assert message in problem.message, problem
    (tmp_path / "fr.json").write_text(good, encoding="utf-8")
    with pytest.raises(InputError, match=r"model for locale 'en' in a file named 'fr\.json'"):
        load_model(tmp_path / "fr.json")


def test_a_learned_rule_without_its_model_is_a_located_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    scoring = tmp_path / "scoring"
    shutil.copytree(ROOT / "scoring", scoring)
    (scoring / "learned" / "zh.json").unlink()
    monkeypatch.setenv("MOT_SIM_SCORING", str(scoring))
    with pytest.raises(
        InputError, match=r"learned\.yaml:\d+:\d+: no learned model for locale 'zh'"
    ):
        load_library(scoring)
    (scoring / "learned" / "en.json").write_text("{", encoding="utf-8")
    code, _, err = run(capsys, "validate")
    assert code == 2 and "en.json:1:2: not valid JSON" in err


def test_learned_rules_are_checked_like_other_rules() -> None:
    base = {
        "id": "x",
        "polarity": "bad",
        "dimension": "language",
        "weight": 10,
        "reason": "r",
        "better": "b",
        "examples": {"hit": ["a", "b", "c"], "miss": ["d", "e"]},
    }
    Rule.model_validate({**base, "learned": True})
    for extra, message in (
        ({"learned": True, "patterns": ["policy"]}, "no patterns"),
        ({"learned": True, "polarity": "good", "better": None}, "polarity bad"),
        ({}, "at least one pattern"),
    ):
        with pytest.raises(ValueError, match=message):
            Rule.model_validate({**base, **extra})


def _rows(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_learn_writes_a_model_and_never_overwrites_unasked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = ["that is our policy, sorry", "not my job to fix it", "calm down and wait"]
    good = [
        "I will fix it today",
        "sorry, I will sort it now",
        "thank you, I will call you at five",
    ]
    rows = [
        {"id": f"{author}{k}", "text": t, "bad": b, "quality": "poor" if b else "good"}
        for author in ("a", "b", "c")
        for k, (t, b) in enumerate([*((t, True) for t in bad), *((t, False) for t in good)])
    ]
    data = _rows(tmp_path / "rows.jsonl", rows)
    out = tmp_path / "en.json"
    code, text, _ = run(capsys, "learn", str(data), "--out", str(out), "--no-rule-examples")
    assert code == 0 and "18 rows (9 bad, 9 good) from 3 authors" in text
    model = load_model(out)
    assert model.training.rows == 18 and model.training.rule_examples == 0
    assert out.stat().st_mode & 0o777 == 0o644
    before = out.read_bytes()
    code, _, err = run(capsys, "learn", str(data), "--out", str(out))
    assert code == 2 and "exists; add --force" in err and out.read_bytes() == before
    code, _, err = run(capsys, "learn", str(data), "--out", str(tmp_path / "model.json"))
    assert code == 2 and "must be named en.json" in err
    # Same data, same bytes: training is deterministic.
    again = tmp_path / "again" / "en.json"
    again.parent.mkdir()
    run(capsys, "learn", str(data), "--out", str(again), "--no-rule-examples")
    assert again.read_bytes() == before


def test_learn_names_each_bad_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "rows.jsonl"
    data.write_text(
        '{"id": "a1", "text": "fine", "bad": false, "quality": "good"}\n'
        '{"id": "a2", "text": "x", "bad": "yes", "quality": "poor"}\n'
        '{"id": "a3", "text": \n'
        "[1, 2]\n"
        '{"id": "a5", "text": "x", "bad": true, "quality": "poor", "w": NaN}\n'
        + "[" * 9000
        + "]" * 9000
        + "\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "learn", str(data), "--out", str(tmp_path / "en.json"))
    assert code == 2
    assert f"{data}:2:1: a row needs id" in err
    assert f"{data}:3:" in err and "not valid JSON" in err
    assert f"{data}:4:1: a row must be a JSON object" in err
    assert f"{data}:5:1: not valid JSON: NaN is not a JSON number" in err
    assert f"{data}:6:1: not valid JSON: nested too deeply" in err
    dup = _rows(
        tmp_path / "dup.jsonl",
        [{"id": "a1", "text": t, "bad": True, "quality": "poor"} for t in ("x", "y")],
    )
    code, _, err = run(capsys, "learn", str(dup), "--out", str(tmp_path / "en.json"))
    assert code == 2 and "'a1' is used twice" in err


def _authors_abc(c_says: str) -> list[LabelledText]:
    """Authors a and b, each with two bad replies about the rule and one good; author c with
    two good replies, the first in the others' bad words."""
    return [
        LabelledText(f"{a}{k}", text, bad, not bad)
        for a in ("a", "b")
        for k, (text, bad) in enumerate(
            [("that is the rule here", True), ("rule says no", True), ("I will help", False)]
        )
    ] + [LabelledText(f"c{k}", t, False, True) for k, t in enumerate([c_says, "a rule"])]


def test_threshold_falls_between_held_out_scores() -> None:
    # Held out, author c's "the rule is fine" sums 3.98 and the others' bad "rule says no"
    # 4.40: naive Bayes sums are not calibrated probabilities, so the cut is searched among
    # the held-out sums themselves (a fixed grid of 0.95 and 0.99 had no cut between them)
    # and sits halfway, where a hair's difference in a sum cannot move a reply across it.
    model = train(_authors_abc("the rule is fine"), "en", max_false_alarms=0.0, min_df=1)
    assert model.training.cv_recall == 1.0 and model.training.cv_false_alarms == 0.0
    cut = math.log(model.threshold / (1 - model.threshold))
    assert 3.9764 < cut < 4.3991
    assert abs(cut - (3.9764 + 4.3991) / 2) < 1e-9


def test_threshold_is_chosen_on_held_out_authors() -> None:
    # Author "c" writes good replies in words the others use only in bad ones: held out,
    # they look bad, so a low threshold would raise false alarms and is not chosen.
    rows = _authors_abc("the rule here is fine")
    model = train(rows, "en", max_false_alarms=0.0, min_df=1)
    assert model.training.groups == 3
    # Held out, "the rule here is fine" sums higher than every bad reply: with no budget
    # for false alarms, no threshold may flag anything.
    assert model.training.cv_false_alarms == 0.0 and model.training.cv_recall == 0.0
    # With no budget for false alarms, recall is bought back: a looser threshold, the
    # held-out false alarms it costs recorded in the file.
    loose = train(rows, "en", max_false_alarms=1.0, min_df=1)
    assert loose.threshold < model.threshold and loose.training.cv_recall == 1.0
    assert loose.training.cv_false_alarms == 0.25
    # Judged as the shipped model judges: words the rules excuse (here, author c's clauses
    # that name the rule only to reject it) are not held against a held-out reply.
    rejecting = rows[:6] + [
        LabelledText(f"c{k}", t, False, True)
        for k, t in enumerate(["no rule here", "not the rule here"])
    ]
    blind = train(rejecting, "en", max_false_alarms=0.0, min_df=1)

    def rejected(a: Analysis) -> frozenset[int]:  # a clause that opens with "no" or "not"
        opened = {a.wclause[i] for i, w in enumerate(a.norms) if w in ("no", "not")}
        first = {k for k in opened if a.norms[a.wclause.index(k)] in ("no", "not")}
        return frozenset(i for i, k in enumerate(a.wclause) if k in first)

    excusing = train(rejecting, "en", max_false_alarms=0.0, min_df=1, excuse=rejected)
    assert excusing.training.cv_recall > blind.training.cv_recall
    assert excusing.training.cv_false_alarms == 0.0
    assert excusing.weights == blind.weights  # the fit itself reads every word


def test_the_course_s_own_phrasing_outweighs_a_few_bad_replies_that_share_a_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two trainees pass the customer to "the manager"; the course introduces "the manager"
    # as good phrasing. Counted once, the course example is outvoted; counted as
    # COURSE_WEIGHT replies, the word leans far less towards "bad".
    rows = [
        LabelledText("a1", "ask the manager", True, False),
        LabelledText("b1", "the manager decides", True, False),
        LabelledText("a2", "I will help you now", False, True),
        LabelledText("b2", "happy to help", False, True),
        LabelledText("x", "I am the manager, I will help", False, True, always=True),
    ]
    weighted = train(rows, "en", max_false_alarms=1.0, min_df=1).weights["manager"]
    monkeypatch.setattr(learned, "COURSE_WEIGHT", 1)
    once = train(rows, "en", max_false_alarms=1.0, min_df=1).weights["manager"]
    assert learned.COURSE_WEIGHT == 1 and weighted < once / 2


def test_one_bad_sentence_in_a_long_good_reply_is_judged_on_its_own(
    catalog: Catalog,
) -> None:
    # The good words of the rest outweigh "the rule" in the whole reply; the sentence
    # alone is judged too, and the evidence quoted is that sentence's.
    shipped = catalog.library.models["en"]
    weights = {"rule": 6.0, "help": -2.0, "today": -2.0, "gladly": -2.0, "fix": -2.0}
    model = shipped.model_copy(
        update={"weights": weights, "prior": 0.0, "threshold": 0.9, "sentence_threshold": 0.99}
    )
    text = "I will help you today and fix it gladly. That is the rule."
    a = Analysis.of(text, Context(locale="en"))
    opinion = judge(model, a)
    assert opinion.probability < 0.9 and opinion.sentence >= 0.99
    assert opinion.flagged and [e.feature for e in opinion.evidence] == ["rule"]
    assert not judge(model.model_copy(update={"sentence_threshold": None}), a).flagged


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_no_sentence_of_what_the_course_teaches_is_flagged(catalog: Catalog, locale: str) -> None:
    # Judging sentences alone is the aggressive half of the model: training refuses any
    # sentence threshold that flags the course's own phrasing (good rules' examples, model
    # answers, examples that must draw no bad rule) with the model that ships.
    model = catalog.library.models[locale]
    taught = [r for r in course_rows(catalog.library, locale) if r.recommended]
    assert len(taught) > 100
    if model.sentence_threshold is None:  # training found no safe one: no sentence alone
        pytest.skip(f"the {locale} model judges no sentence alone")
    for r in taught:
        a = Analysis.of(r.text, Context(locale=locale))
        assert judge(model, a).sentence < model.sentence_threshold, r


def test_runs_after_a_negator_are_other_runs() -> None:
    """After a negator the rest of the clause is marked: "don't need to understand" is not
    the "need to understand" of a lecture; the next clause is read plainly again."""
    a = Analysis.of("You don't need to understand it, you need to sign.", Context(locale="en"))
    marked = features(a, negators=frozenset({"not"}))
    assert "¬need ¬to ¬understand" in marked and "need to understand" not in marked
    assert "need to sign" in marked  # a clause of its own
    assert "need to understand" in features(a)  # no negators: as before
    zh = Analysis.of("不用请示经理", Context(locale="zh"))
    assert "¬用 ¬请 ¬示" in features(zh, negators=frozenset({"不"}))
