"""`mot-sim validate`: every kind of bad scenario is one PATH:LINE:COL line, exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mot_sim.cli.main import main
from tests.conftest import ROOT

PICKLE = (ROOT / "scenarios" / "pickle_request.yaml").read_text(encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, [line for line in (out.out + out.err).splitlines() if line.strip()]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_builtin_files_are_valid(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, "validate")
    assert code == 0, lines
    code, lines = run(capsys, "validate", str(ROOT / "scoring"))
    assert code == 0, lines


CASES = [
    (
        "escape sequence",
        ("title: One more slice of pickle", 'title: "One more \\e]0;pwned\\x07slice"'),
        'title: "One more',
        "control characters and escape sequences are not allowed",
    ),
    (
        "unknown key",
        ("difficulty: easy", "difficulty: easy\nflavour: sour"),
        "flavour",
        "unknown key 'flavour'",
    ),
    (
        "wrong type",
        ("mood_start: 60", "mood_start: lots"),
        "mood_start: lots",
        "customer.mood_start",
    ),
    (
        "unknown rule id",
        ("charge_courtesy: -40", "no_such_rule: -40"),
        "no_such_rule",
        "unknown rule id 'no_such_rule'",
    ),
    (
        "bad example rule",
        ("hits: [new_here, i_dont_know]", "hits: [new_here, nope_rule]"),
        "hits: [new_here, nope_rule]",
        "unknown rule id 'nope_rule'",
    ),
    (
        "template error",
        ("\"Thanks! I'll probably", "\"{{ nobody }} Thanks! I'll probably"),
        "{{ nobody }}",
        "template: 'nobody' is undefined",
    ),
]


@pytest.mark.parametrize(("name", "edit", "anchor", "message"), CASES)
def test_bad_scenarios_are_located(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    edit: tuple[str, str],
    anchor: str,
    message: str,
) -> None:
    text = PICKLE.replace(*edit, 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = run(capsys, "validate", str(path))
    assert code == 2
    assert any(message in line for line in lines), lines
    hit = next(line for line in lines if message in line)
    m = re.match(rf"{re.escape(str(path))}:(\d+):(\d+): ", hit)
    assert m, hit
    assert int(m.group(1)) == line_of(text, anchor)


def test_missing_stage_and_syntax_and_alias(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = PICKLE.index("  follow_up:\n")
    end = PICKLE.index("\nexamples:")
    no_stage = tmp_path / "nostage.yaml"
    no_stage.write_text(PICKLE[:start] + PICKLE[end:], encoding="utf-8")
    syntax = tmp_path / "syntax.yaml"
    syntax.write_text("id: x\ntitle: [unclosed\n", encoding="utf-8")
    alias = tmp_path / "alias.yaml"
    alias.write_text(
        PICKLE.replace("mood_start: 60", "mood_start: &m 60\n  extra: *m"), encoding="utf-8"
    )
    big = tmp_path / "big.yaml"
    big.write_text("# " + "x" * (1024 * 1024 + 10), encoding="utf-8")
    code, lines = run(capsys, "validate", str(no_stage), str(syntax), str(alias), str(big))
    assert code == 2
    text = "\n".join(lines)
    assert re.search(
        rf"{re.escape(str(no_stage))}:\d+:\d+: missing required key "
        r"'stages.follow_up'",
        text,
    )
    assert re.search(rf"{re.escape(str(syntax))}:3:1: YAML syntax", text)
    assert re.search(rf"{re.escape(str(alias))}:\d+:\d+: YAML syntax: anchors", text)
    assert f"{big}:1:1: file is" in text


def test_bad_patterns_and_rules_in_a_rule_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    examples = "    examples: {hit: [a, b, c], miss: [d, e]}\n"
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n"
        "  - id: broken\n    polarity: good\n    dimension: language\n    weight: 5\n"
        "    patterns:\n      - '(unclosed'\n    reason: r\n" + examples + ""
        "  - id: no_better\n    polarity: bad\n    dimension: language\n    weight: 5\n"
        "    patterns: [x]\n    reason: r\n" + examples + ""
        "  - id: no_tests\n    polarity: good\n    dimension: language\n    weight: 5\n"
        "    patterns: ['@nowhere x']\n    reason: r\n"
        "    examples: {hit: [a], miss: [d, e]}\n",
        encoding="utf-8",
    )
    code, lines = run(capsys, "validate", str(rules))
    assert code == 2
    assert any(":7:" in line and "never closed" in line for line in lines), lines
    assert any(":10:" in line and "needs 'better'" in line for line in lines), lines
    assert any(":23:" in line and "at least 3" in line for line in lines), lines


def test_unknown_concept_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n"
        "  - id: ok_syntax\n    polarity: good\n    dimension: language\n    weight: 5\n"
        "    patterns: ['thanks @nowhere']\n    reason: r\n"
        "    examples: {hit: [a, b, c], miss: [d, e]}\n",
        encoding="utf-8",
    )
    code, lines = run(capsys, "validate", str(rules))
    assert code == 2
    assert any(":6:" in line and "unknown concept @nowhere" in line for line in lines), lines


def test_validate_reports_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.yaml").write_text("id: [\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("- just a list\n", encoding="utf-8")
    code, lines = run(capsys, "validate", str(tmp_path))
    assert code == 2
    assert {Path(line.split(":")[0]).name for line in lines} == {"a.yaml", "b.yaml"}


def test_every_problem_in_one_run_in_file_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A schema problem no longer hides rule-id and template problems until it is fixed."""
    text = (
        PICKLE.replace("mood_start:", "mood_startt:", 1)
        .replace("rules: [greeting, time_greeting,", "rules: [greting, time_greeting,", 1)
        .replace('customer:\n      - "', 'customer:\n      - "{{ nobody }} ', 1)
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = run(capsys, "validate", str(path))
    assert code == 2
    expected = [
        (line_of(text, "mood_startt"), "unknown key 'mood_startt' (did you mean 'mood_start'?)"),
        (line_of(text, "greting"), "unknown rule id 'greting' (did you mean 'greeting'?)"),
        (line_of(text, "{{ nobody }}"), "'nobody' is undefined"),
    ]
    for line, message in expected:
        assert any(f"bad.yaml:{line}:" in x and message in x for x in lines), (line, lines)
    numbers = [int(x.split(":")[1]) for x in lines]
    assert numbers == sorted(numbers)


def test_unknown_key_in_a_nested_model_suggests_its_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = PICKLE.replace("weight: 8", "wieght: 8", 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = run(capsys, "validate", str(path))
    assert code == 2
    assert any("unknown key 'wieght' (did you mean 'weight'?)" in x for x in lines), lines


HOSTILE_TEMPLATES = [
    "{{ 1/0 }}",
    "{{ 10**5000 }}",
    "{% include 'x' %}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{% for a in range(100000) %}{% for b in range(100000) %}x{% endfor %}{% endfor %}",
    "{{ 'a' * 10**9 }}",
    "{{ trainee * 100000000 }}",
    "{% if trainee != 'Sam' %}{{ nobody }}{% endif %}",
    "{{ trainee.__class__ }}",
    "{{ trainee | attr('upper') }}",
    "{# a comment #}",
    "Hello {{ trainee",
]


@pytest.mark.parametrize("template", HOSTILE_TEMPLATES)
@pytest.mark.parametrize("where", ["customer", "model_answers"])
def test_templates_are_names_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, where: str
) -> None:
    """Lines cannot compute, loop, include or depend on the trainee: refused with a place."""
    anchor = {"customer": 'customer:\n      - "', "model_answers": 'model_answers:\n      - "'}
    text = PICKLE.replace(anchor[where], anchor[where] + template.replace('"', "'") + " ", 1)
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    code, lines = run(capsys, "validate", str(path))
    assert code == 2, lines
    line = line_of(text, template.replace('"', "'"))
    assert any(x.startswith(f"{path}:{line}:") and "template:" in x for x in lines), lines


def test_plain_names_and_filters_render(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mot_sim import templating

    line = "Hi {{trainee}}, I'm {{ customer_first | upper }} ({{ customer }})."
    assert templating.check(line) is None
    assert templating.render(line, "Alex", "Ms Li Na") == "Hi Alex, I'm NA (Ms Li Na)."
    # A name is put in as text, never evaluated, and bounded.
    assert templating.render("{{ trainee }}", "{{ customer }}", "C") == "{{ customer }}"
    long = templating.render("{{ trainee }}" * 500, "x" * 10_000, "C")
    assert len(long) <= templating.MAX_RENDERED


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("      - after: {hit: question_open}", "      - after: {hit: question_opn}"),
            "unknown rule id 'question_opn' (did you mean 'question_open'?)",
        ),
        (
            ("      - after: {missed: ask}", "      - after: {missed: asks}"),
            "no goal 'asks' in stage diagnose (did you mean 'ask'?)",
        ),
        (
            ("{{ said.time_concrete }}", "{{ said.customer_name }}"),
            "quotes a rule this reaction's `when: {hit: ...}` does not name",
        ),
        (
            ("        - when: {hit: time_concrete, outcome: good}", "        - when: {}"),
            "a condition needs at least one of hit, goal, missed, outcome",
        ),
    ],
)
def test_reactions_and_branches_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: tuple[str, str], message: str
) -> None:
    text = (ROOT / "scenarios" / "complaint_call.yaml").read_text(encoding="utf-8")
    assert edit[0] in text
    path = tmp_path / "c.yaml"
    path.write_text(text.replace(*edit, 1), encoding="utf-8")
    code, lines = run(capsys, "validate", str(path))
    assert code == 2
    hit = next((x for x in lines if message in x), None)
    assert hit is not None, lines
    assert hit.startswith(f"{path}:{line_of(text.replace(*edit, 1), edit[1].strip())}:"), hit
