"""Property tests: any input, only our own errors; any reply, a valid result."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mot_sim.catalog import Catalog, validate_model
from mot_sim.errors import InputError
from mot_sim.matching.analysis import Analysis, Context
from mot_sim.matching.text import clean_text
from mot_sim.models import Scenario
from mot_sim.scoring import Scorer
from mot_sim.stages import DIMENSIONS, STAGE_IDS
from mot_sim.yamlsrc import load_text
from tests.hostile import Outcome, exercise, hostile_scenarios

yamlish = st.text(alphabet=string.printable + "&*!|>-:[]{}#'\"\u00e9\u4e2d\x00\x1b", max_size=300)


@settings(max_examples=300, deadline=None)
@given(yamlish)
def test_loader_raises_only_our_error(text: str) -> None:
    try:
        doc = load_text(text, "x.yaml")
    except InputError as exc:
        assert exc.problems and all(p.line >= 1 and p.col >= 1 for p in exc.problems)
        return
    try:
        validate_model(Scenario, doc)
    except InputError as exc:
        assert exc.problems


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["id", "title", "stages", "customer", "examples", "zzz"]),
        json_values,
        max_size=5,
    )
)
def test_validator_on_arbitrary_structures(data: dict[str, object]) -> None:
    import yaml

    try:
        doc = load_text(yaml.safe_dump(data), "x.yaml")
        validate_model(Scenario, doc)
    except InputError as exc:
        assert exc.problems


replies = st.text(
    alphabet=st.characters(codec="utf-8", categories=None, exclude_categories=("Cs",)),
    max_size=400,
) | st.sampled_from(
    [
        "😀😡 sorry!!! 🙏",
        "مرحبا، أنا آسف جدا",
        "\u202eevil\u202c text",
        "\x1b[31mred\x1b[0m",
        "对不起，公司规定",
        "[bold]sorry[/bold] [@click=app.quit]x[/]",
        "\x00\x01\x02",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    replies,
    st.sampled_from(STAGE_IDS),
    st.sampled_from(["pickle_request", "complaint_call", "lamborghini_repair"]),
)
def test_scorer_returns_valid_result(
    catalog: Catalog, scorer: Scorer, text: str, stage: str, sid: str
) -> None:
    r = scorer.score(catalog.get(sid).scenario, stage, text)
    assert 0 <= r.score <= 100 and r.outcome in {"good", "mixed", "poor"}
    assert set(r.dimensions) == set(DIMENSIONS)
    assert all(v is None or 0 <= v <= 100 for v in r.dimensions.values())
    for h in r.hits:
        assert 0 <= h.span[0] < h.span[1] <= len(text) and text[h.span[0] : h.span[1]] == h.text


def test_scorer_on_a_100kb_paste(catalog: Catalog, scorer: Scorer) -> None:
    text = ("I'm so sorry 😀 مرحبا 对不起 \x1b[2J " * 4000)[:100_000]
    r = scorer.score(catalog.get("pickle_request").scenario, "solve", text)
    assert 0 <= r.score <= 100 and r.notes


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_clean_text_leaves_no_control_characters(text: str) -> None:
    out = clean_text(text)
    assert "\x1b" not in out
    assert all(c in "\n\t" or ord(c) >= 0x20 for c in out)
    Analysis.of(out, Context())


pattern_text = st.lists(
    st.sampled_from(
        [*"ab ()|?~.@<>=_12!中", "sorry", " keep", " you", "@rules", "<money>", "...", "~3"]
    ),
    max_size=16,
).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pattern=pattern_text, reply=st.text(max_size=200))
def test_any_pattern_parses_or_says_where_and_matches_any_reply(
    catalog: Catalog, pattern: str, reply: str
) -> None:
    from mot_sim.lexicon import unknown_concepts
    from mot_sim.matching.matcher import Matcher
    from mot_sim.matching.pattern import PatternError, parse
    from mot_sim.models import DETECTOR_NAMES, Rule

    words = catalog.library.words["en"]
    try:
        parse(pattern, frozenset(DETECTOR_NAMES))
    except PatternError as exc:
        assert 1 <= exc.column <= max(1, len(pattern))
        return
    if unknown_concepts(pattern, words.concepts.keys()):
        return
    rule = Rule.model_validate(
        {
            "id": "p",
            "polarity": "good",
            "dimension": "language",
            "weight": 5,
            "patterns": [pattern],
            "reason": "r",
            "examples": {"hit": ["a", "b", "c"], "miss": ["d", "e"]},
        }
    )
    a = Analysis.of(reply, Context("Mrs Ellis", "Sam"), words.clause_breaks)
    for hit in Matcher([rule], words).match(a):
        assert 0 <= hit.start < hit.end <= len(reply)
        assert reply[hit.start : hit.end] == hit.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=hostile_scenarios())
def test_hostile_scenario_files_are_refused_or_work(
    catalog: Catalog, tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    """Tags, huge and non-finite numbers, empty phrases, computing templates, broken
    patterns, control characters: our own located error, or a scenario that plays."""
    out = Outcome()
    exercise(text, catalog.library, Scorer(catalog.library), tmp_path_factory.mktemp("h"), out)
    assert out.foreign == []
