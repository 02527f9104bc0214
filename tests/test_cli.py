"""The command-line contract that other tools depend on."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from mot_sim.cli.commands import MOMENT_HEADINGS
from mot_sim.cli.main import main
from mot_sim.models import MOMENTS
from mot_sim.yamlsrc import load_file
from tests.conftest import DATA, ROOT

ORIGINAL_IDS = {"pickle_request", "lamborghini_repair", "complaint_call"}
NEW_EN_IDS = {
    "phone_plan_choice",
    "anniversary_stay",
    "missed_callback",
    "birthday_cake",
    "eye_test_no_sale",
    "post_office_queue",
    "car_lease_terms",
}

ZH_IDS = {f"{sid}_zh" for sid in ORIGINAL_IDS}
ALL_IDS = ", ".join(sorted(ORIGINAL_IDS | NEW_EN_IDS | ZH_IDS))  # as an unknown id lists them


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    return code, out.out, out.err


def test_list_json_and_extra_dirs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = run(capsys, "list", "--json")
    ids = {s["id"] for s in json.loads(out)}
    assert code == 0 and ids == ORIGINAL_IDS | NEW_EN_IDS | ZH_IDS
    code, out, _ = run(capsys, "list", "--scenarios", str(DATA / "zh"))
    assert "zh_bill_call" in out
    monkeypatch.setenv("MOT_SIM_SCENARIOS", f"/nonexistent:{DATA / 'zh'}")
    code, out, err = run(capsys, "list")
    assert "zh_bill_call" in out and "pickle_request" in out
    # A directory set for a whole site may not exist yet: a warning, and exit 1.
    assert code == 1 and "/nonexistent:1:1: no such scenario directory" in err


def test_list_groups_by_moment_and_locale(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    moments = {s["id"]: s["moment"] for s in json.loads(out)}
    assert code == 0 and set(moments.values()) == set(MOMENTS)  # the course's ten, all covered
    code, out, _ = run(capsys, "list", "--scenarios", str(DATA / "zh"))
    lines = out.splitlines()
    headings = [x for x in lines if x and not x.startswith(" ")]
    # One heading per moment and locale, in the course's order; no moment comes last.
    shipped_zh = {m for sid, m in moments.items() if sid.endswith("_zh")}
    expected = []
    for m in MOMENTS:
        expected.append(f"{MOMENT_HEADINGS[m]} [en]")
        if m in shipped_zh:
            expected.append(f"{MOMENT_HEADINGS[m]} [zh]")
    assert headings == [*expected, "Other encounters [zh]"]
    for sid, moment in moments.items():
        row = next(i for i, x in enumerate(lines) if x.split()[:1] == [sid])
        heading = next(x for x in reversed(lines[:row]) if x and not x.startswith(" "))
        locale = "zh" if sid.endswith("_zh") else "en"
        assert heading == f"{MOMENT_HEADINGS[moment]} [{locale}]", sid
    assert lines[-1].split()[:2] == ["zh_bill_call", "medium"]


def test_schema_accepts_every_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    _code, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in [*(ROOT / "scenarios").glob("*.yaml"), *(DATA / "zh").glob("*.yaml")]:
        errors = list(validator.iter_errors(load_file(path).data))
        assert not errors, (path, errors[:1])
    assert list(validator.iter_errors({"id": "x"}))


def test_score_human_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "score",
        "--scenario",
        "pickle_request",
        "--stage",
        "solve",
        "Calm down, it's company policy.",
    )
    assert code == 0
    assert "Score " in out and "calm_down" in out and "better:" in out
    code, out, _ = run(
        capsys,
        "score",
        "--scenario",
        "pickle_request",
        "--stage",
        "solve",
        "--json",
        "Of course, on the house!",
    )
    data = json.loads(out)
    assert set(data["dimensions"]) == {"empathy", "language", "expectations"}
    assert 0 <= data["score"] <= 100


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["score", "--scenario", "nope", "--stage", "solve", "x"], f"valid: {ALL_IDS}"),
        (["score", "--scenario", "pickle_request", "--stage", "x", "x"], "valid: set_tone"),
        (["play", "nope", "--answers", "-"], f"valid: {ALL_IDS}"),
        (["score", "--scenario", "pickle_request"], "needs --scenario"),
    ],
)
def test_unknown_ids_exit_2_with_valid_list(
    capsys: pytest.CaptureFixture[str], argv: list[str], needle: str
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and needle in err
    assert len([line for line in err.splitlines() if needle in line]) == 1


def test_batch_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        {"id": "a", "scenario": "pickle_request", "stage": "solve", "text": "Of course!"},
        {"id": "b", "scenario": "nope", "stage": "solve", "text": "x"},
        "not json",
        {"id": 7, "scenario": "complaint_call", "stage": "set_tone", "text": "Calm down."},
        {"scenario": "complaint_call", "stage": "diagnose"},
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    code, out, _ = run(capsys, "score", "--batch", str(src))
    recs = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and len(recs) == 5
    assert recs[0]["id"] == "a" and set(recs[0]) == {
        "id",
        "scenario",
        "stage",
        "score",
        "dimensions",
        "hits",
        "suggestions",
    }
    assert recs[1] == {"id": "b", "error": recs[1]["error"]} and "line 2" in recs[1]["error"]
    assert "error" in recs[2] and recs[2]["id"] is None
    hit = recs[3]["hits"][0]
    assert set(hit) == {"rule", "polarity", "dimension", "span", "text"}
    assert hit["rule"] == "calm_down" and hit["span"] == [0, 9] and hit["text"] == "Calm down"
    assert "'text' must be a string" in recs[4]["error"]


def test_batch_from_stdin_all_good(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    item = {"id": 1, "scenario": "pickle_request", "stage": "solve", "text": "Sure"}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(item) + "\n\n"))
    code, out, _ = run(capsys, "score", "--batch", "-")
    assert code == 0 and json.loads(out)["id"] == 1


def test_play_headless_text_and_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "set_tone: Hello Ms Li, thank you for calling. That sounds frustrating, let me look into it.\n"
        "diagnose: Could you tell me how you used your phone this month?\n"
        "solve: Let me explain, 130 yuan is roaming. I can refund half, or add a travel pack.\n"
        "summarise: Just to confirm, 65 yuan back within 3 working days. Does that sound right?\n"
        "follow_up: I'll call you on Thursday at 10 am, and here is my direct extension.\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "play", "complaint_call", "--answers", str(answers), "--trainee", "Sam", "--json"
    )
    data = json.loads(out)
    assert code == 0 and data["status"] == "completed" and len(data["turns"]) == 5
    assert data["result"]["passed"] is True

    lines = tmp_path / "a.txt"
    lines.write_text("Whatever.\nCalm down, you're wrong.\nIt's your problem.\n")
    code, out, _ = run(capsys, "play", "complaint_call", "--answers", str(lines))
    assert code == 0 and "walked out" in out and "FAIL" in out

    bad = tmp_path / "b.yaml"
    bad.write_text("greeting: hello\n")
    code, _, err = run(capsys, "play", "complaint_call", "--answers", str(bad))
    assert code == 2 and "unknown stage 'greeting'" in err and "valid: set_tone" in err


def test_play_says_when_answers_run_out_and_keeps_the_session_to_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "log.db")
    first = tmp_path / "first.txt"
    first.write_text(
        "Hello Ms Li, thank you for calling. That sounds frustrating, let me look into it.\n"
        "Could you tell me how you used your phone this month?\n",
        encoding="utf-8",
    )
    code, out, _ = run(
        capsys, "play", "complaint_call", "--answers", str(first), "--trainee", "Sam", "--db", db
    )
    assert code == 1
    assert "Answers ran out at stage 3 of 5 (Solve): 2 replies given, no result." in out
    assert "FAIL" not in out and "Result:" not in out
    (session,) = json.loads(run(capsys, "history", "--json", "--db", db)[1])
    assert session["status"] == "unfinished" and session["replies"] == 2
    assert session["score"] is None and session["passed"] is None
    assert f"--resume {session['session_id'][:8]}" in out
    _, out, _ = run(capsys, "history", "--db", db)
    assert "unfinished (2 of 5 replies)" in out and "1 unfinished not counted" in out

    # Nothing more to say: it stays unfinished, and says so in JSON too.
    empty = tmp_path / "none.txt"
    empty.write_text("\n", encoding="utf-8")
    code, out, _ = run(
        capsys, "play", "complaint_call", "--answers", str(empty), "--json", "--db", db
    )
    data = json.loads(out)
    assert code == 1 and data["status"] == "unfinished" and data["result"] is None
    assert data["answers_ran_out_at"] == "set_tone" and data["turns"] == []

    rest = tmp_path / "rest.txt"
    rest.write_text(
        "Let me explain, 130 yuan is roaming. I can refund half, or add a travel pack.\n"
        "Just to confirm, 65 yuan back within 3 working days. Does that sound right?\n"
        "I'll call you on Thursday at 10 am, and here is my direct extension.\n",
        encoding="utf-8",
    )
    prefix = session["session_id"][:8]
    code, out, _ = run(
        capsys, "play", "complaint_call", "--resume", prefix, "--answers", str(rest), "--db", db
    )
    assert code == 0 and "resuming at stage 3 of 5" in out and "Result:" in out
    done = json.loads(run(capsys, "history", "--json", "--trainee", "sam", "--db", db)[1])
    assert [(s["session_id"], s["status"], s["replies"]) for s in done] == [
        (session["session_id"], "completed", 5)
    ]
    code, _, err = run(
        capsys, "play", "complaint_call", "--resume", prefix, "--answers", str(rest), "--db", db
    )
    assert code == 2 and "is completed: only an unfinished one resumes" in err
    code, _, err = run(capsys, "play", "pickle_request", "--resume", prefix, "--db", db)
    assert code == 2 and "--resume needs --answers" in err
    partial = tmp_path / "partial.yaml"
    partial.write_text("set_tone: Hello Ms Li, thank you for calling.\n", encoding="utf-8")
    code, out, _ = run(capsys, "play", "complaint_call", "--answers", str(partial), "--db", db)
    assert code == 1 and "No answer for diagnose in " in out
    assert "stopped at stage 2 of 5 (Diagnose): 1 reply given, no result." in out


def test_check_reports_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check")
    assert code == 0 and out.splitlines()[-1].endswith(" passed, 0 failed")
    text = (ROOT / "scenarios" / "pickle_request.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "p.yaml"
    broken.write_text(
        text.replace(
            "expect: {max_score: 30, hits: [dismiss_customer]}",
            "expect: {min_score: 90, hits: [dismiss_customer]}",
        )
    )
    code, out, _ = run(capsys, "check", str(broken))
    assert code == 1
    # Where the example is, its score, and the rules that fired: enough to fix it at once.
    changed = broken.read_text().index("expect: {min_score: 90")
    reply_line = broken.read_text()[:changed].count("\n")  # the reply sits just above
    fail = next(line for line in out.splitlines() if line.startswith("FAIL "))
    assert fail.startswith(f"FAIL {broken}:{reply_line}: pickle_request #"), fail
    assert "< 90" in fail
    fired = out.splitlines()[out.splitlines().index(fail) + 1]
    assert fired.strip().startswith("rules that fired:") and "dismiss_customer -" in fired
    assert out.splitlines()[-1].endswith(" passed, 1 failed")


def test_check_runs_every_rules_own_examples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A trainer breaks a rule: its own examples catch it, like a failing unit test.
    scoring = tmp_path / "scoring"
    shutil.copytree(ROOT / "scoring", scoring)
    avoid = scoring / "rules" / "avoid.yaml"
    text = avoid.read_text(encoding="utf-8")
    avoid.write_text(text.replace('- "(calm|settle|cool|simmer|chill) down"', '- "chill down"'))
    monkeypatch.setenv("MOT_SIM_SCORING", str(scoring))
    code, out, _ = run(capsys, "check")
    assert code == 1
    line = text[: text.index('- "Sir, please settle down and we can talk."')].count("\n") + 1
    assert (
        f"FAIL {avoid}:{line}: rule calm_down (library): 'Sir, please settle down and we can talk.'"
        in out
    ), out
    assert "rule examples: " in out and out.splitlines()[-1].endswith(" failed")


def test_python_dash_m_works() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mot_sim", "list"], capture_output=True, text=True, check=True
    )
    assert "pickle_request" in out.stdout


def test_console_script_installed() -> None:
    assert shutil.which("mot-sim"), "the test command installs the package first"
    out = subprocess.run(["mot-sim", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("mot-sim ")


def test_published_schema_file_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    # Scenario files point editors at the schema beside them; it must match the code.
    _, out, _ = run(capsys, "schema")
    assert json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text()) == json.loads(out)
    for path in (ROOT / "scenarios").glob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=scenario.schema.json", path


def test_new_scaffolds_a_valid_scenario_and_never_overwrites(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "new", "kettle_return", "--dir", str(tmp_path))
    assert code == 0
    path = tmp_path / "kettle_return.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=scenario.schema.json")
    assert "id: kettle_return\n" in text
    # Every top-level and customer field is explained by a comment just above it.
    lines = text.splitlines()
    for key in ("id:", "title:", "locale:", "difficulty:", "role:", "setting:", "  style:"):
        at = next(i for i, line in enumerate(lines) if line.startswith(key))
        assert lines[at - 1].lstrip().startswith("#"), key
    schema = tmp_path / "scenario.schema.json"
    _, expected, _ = run(capsys, "schema")
    assert json.loads(schema.read_text()) == json.loads(expected)
    # It is valid and its own examples pass, so a trainer can change one thing at a time.
    assert run(capsys, "validate", str(path))[0] == 0
    code, out, _ = run(capsys, "check", str(path))
    assert code == 0 and out.splitlines()[-1].endswith(" 0 failed")
    # A second `new` with the same id refuses and leaves the file alone.
    path.write_text(text + "# my edits\n", encoding="utf-8")
    code, _, err = run(capsys, "new", "kettle_return", "--dir", str(tmp_path))
    assert code == 2 and "already exists" in err
    assert path.read_text(encoding="utf-8").endswith("# my edits\n")
    code, _, err = run(capsys, "new", "Kettle-Return", "--dir", str(tmp_path))
    assert code == 2 and "not a valid id" in err


def test_schema_write_puts_it_beside_the_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "schema", "--write", str(tmp_path))
    assert code == 0 and str(tmp_path / "scenario.schema.json") in out
    _, printed, _ = run(capsys, "schema")
    assert json.loads((tmp_path / "scenario.schema.json").read_text()) == json.loads(printed)


def test_rules_lists_ids_dimension_weight_and_reason(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "--json")
    rows = json.loads(out)
    ids = {r["id"] for r in rows}
    assert code == 0 and {"calm_down", "greeting", "zh_calm_down"} <= ids
    calm = next(r for r in rows if r["id"] == "calm_down")
    assert calm["polarity"] == "bad" and calm["dimension"] == "empathy" and calm["reason"]
    code, out, _ = run(capsys, "rules", "--scenario", "pickle_request")
    assert code == 0 and "charge_courtesy" in out and "zh_calm_down" not in out
    assert any(line.startswith("calm_down ") and " -25 " in line for line in out.splitlines())


def test_explain_shows_why_rules_fire_and_why_matches_were_set_aside(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = "Nobody here will tell you to calm down, but sorry to have kept you waiting."
    code, out, _ = run(capsys, "explain", text)
    assert code == 0
    assert "clauses: Nobody here will tell you to calm down | but sorry" in out
    assert "sorry_waiting (bad, language) fires" in out
    assert "apologise (good, empathy) set aside: overridden by sorry_waiting" in out
    assert "calm_down (bad, empathy) set aside: negated by 'nobody'" in out
    code, out, _ = run(capsys, "explain", "--rule", "calm_down", text)
    assert "pattern (calm|settle|cool|simmer|chill) down: “calm down”" in out
    code, out, _ = run(
        capsys,
        "explain",
        "--json",
        "--scenario",
        "pickle_request",
        "--stage",
        "solve",
        "Sure, a single slice is five cents.",
    )
    data = json.loads(out)
    assert code == 0 and data["result"]["score"] < 45
    assert {h["rule"] for h in data["hits"] if h["counted"]} >= {"charge_courtesy"}
    code, _, err = run(capsys, "explain", "--rule", "no_such_rule", text)
    assert code == 2 and "unknown rule 'no_such_rule'" in err
    code, _, err = run(capsys, "explain", "--stage", "solve", text)
    assert code == 2 and "--stage needs --scenario" in err


def test_validate_checks_the_lexicon(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lexicon = tmp_path / "lexicon.yaml"
    lexicon.write_text(
        "version: 1\nlocales:\n  en:\n    concepts:\n      a: ['x @b']\n      b: ['y @a']\n"
        "      c: ['(unclosed']\n    negators: [not]\n    transparent: []\n",
        encoding="utf-8",
    )
    code, _, err = run(capsys, "validate", str(lexicon))
    assert code == 2
    assert "lexicon.yaml:7:" in err and "never closed" in err


def test_show_renders_model_answers_for_the_trainee(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A model answer that names the trainee reads with their name, not '{{ trainee }}'."""
    assert run(capsys, "new", "kettle_return", "--dir", str(tmp_path))[0] == 0
    answers = tmp_path / "a.txt"
    answers.write_text("Hello, I'm Zed, happy to help.\nWhat happened?\n", encoding="utf-8")
    db = str(tmp_path / "log.db")
    argv = ["--scenarios", str(tmp_path), "--db", db]
    run(capsys, "play", "kettle_return", "--answers", str(answers), "--trainee", "Zed", *argv)
    code, out, _ = run(capsys, "history", "--json", *argv)
    (row,) = json.loads(out)
    code, out, _ = run(capsys, "show", row["session_id"][:8], *argv)
    assert code == 0 and "model answer: Good morning, I'm Zed." in out
    assert "{{" not in out


def test_one_broken_file_is_skipped_named_and_fails_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "scenarios" / "pickle_request.yaml").read_text(encoding="utf-8")
    (tmp_path / "probe_x.yaml").write_text(text.replace("difficulty: easy", "difficulty: !!int x"))
    two = text.replace("id: pickle_request", "id: pickle_two").replace(
        "title: One more slice of pickle", 'title: "Two\\nlines red"'
    )
    (tmp_path / "two.yaml").write_text(two)
    code, out, err = run(capsys, "list", "--scenarios", str(tmp_path))
    assert code == 1  # a script notices the scenario that went missing
    assert "pickle_two" in out and "complaint_call" in out
    line = next(x for x in out.splitlines() if x.split()[:1] == ["pickle_two"])
    assert line.endswith("Two lines red")
    assert f"warning: skipped {tmp_path / 'probe_x.yaml'}:8:13: explicit tags" in err
    # Asking for the broken scenario says which file is broken and where.
    code, _, err = run(
        capsys,
        "score",
        "--scenarios",
        str(tmp_path),
        "--scenario",
        "probe_x",
        "--stage",
        "set_tone",
        "Hello",
    )
    assert code == 2 and f"{tmp_path / 'probe_x.yaml'}:8:13: explicit tags" in err
    code, _, err = run(capsys, "play", "nope", "--scenarios", str(tmp_path), "--answers", "-")
    assert code == 2 and "unknown scenario 'nope'" in err and "probe_x.yaml:8:13" in err


def test_a_missing_scenario_directory_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "list", "--scenarios", "/nonexistent/scenarios")
    assert code == 2 and "/nonexistent/scenarios:1:1: no such scenario directory" in err


def test_validate_prints_problems_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    code, out, err = run(capsys, "validate", str(bad))
    assert code == 2 and out == "" and f"{bad}:1:1:" in err
    code, out, err = run(capsys, "validate")
    assert code == 0 and "valid" in out and err == ""


def strict_json(line: str) -> object:
    """Parse as a strict consumer would: NaN and Infinity are not JSON."""

    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(line, parse_constant=refuse)


def test_batch_survives_hostile_lines_and_always_writes_valid_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F13: each bad line gets its own error record, the good lines after it are scored."""
    good = json.dumps({"id": "ok", "scenario": "pickle_request", "stage": "solve", "text": "Sure"})
    lines = [
        "[" * 100_000,  # RecursionError in the parser
        good,
        '{"id": "s", "scenario": "pickle_request", "stage": "solve", "text": "a\\ud800b"}',
        '{"id": NaN, "scenario": "pickle_request", "stage": "solve", "text": "x"}',
        '{"id": 1e999, "scenario": "pickle_request", "stage": "solve", "text": "x"}',
        '{"id": "\\udfff", "scenario": "pickle_request", "stage": "solve", "text": "x"}',
        '{"id": ' + "9" * 5000 + "}",
        good,
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "score", "--batch", str(src))
    recs = [strict_json(line) for line in out.splitlines()]
    assert code == 1 and len(recs) == len(lines) and err == ""
    assert [r.get("id") for r in recs] == [None, "ok", "s", None, None, None, None, "ok"]  # type: ignore[union-attr]
    errors = {n: r["error"] for n, r in enumerate(recs, 1) if "error" in r}  # type: ignore[index, operator]
    assert sorted(errors) == [1, 3, 4, 5, 6, 7]
    assert all(set(recs[n - 1]) == {"id", "error"} for n in errors)  # type: ignore[arg-type]
    assert "line 1: nested too deeply" in errors[1]
    assert "line 3:" in errors[3] and "lone surrogate" in errors[3]
    assert "NaN" in errors[4] and "1e999" in errors[5] and "lone surrogate" in errors[6]
    assert "score" in recs[1] and recs[1] == recs[7]  # type: ignore[operator]


def test_batch_and_answers_from_a_closed_stdin_say_so(tmp_path: Path) -> None:
    """F13: `<&-` closes standard input; Python then has no sys.stdin at all."""
    env = {**os.environ, "MOT_SIM_DB": str(tmp_path / "log.db")}
    for argv in (["score", "--batch", "-"], ["play", "pickle_request", "--answers", "-"]):
        out = subprocess.run(
            ["sh", "-c", 'exec "$0" -m mot_sim "$@" <&-', sys.executable, *argv],
            capture_output=True,
            text=True,
            env=env,
        )
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert "standard input is closed" in out.stderr and out.stdout == ""
    assert not (tmp_path / "log.db").exists()  # refused before the score log was touched


def test_batch_from_stdin_that_is_not_utf8_gives_error_records(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    good = {"id": 2, "scenario": "pickle_request", "stage": "solve", "text": "Sure"}
    raw = b'{"id": 1, "text": "\xff\xfe"}\n' + json.dumps(good).encode() + b"\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8"))
    code, out, _ = run(capsys, "score", "--batch", "-")
    first, second = (strict_json(x) for x in out.splitlines())
    assert code == 1 and "error" in first and second["id"] == 2  # type: ignore[index, operator]


def test_one_reply_limit_in_play_batch_engine_and_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 5.6 MB reply is cut to MAX_REPLY_CHARS wherever it enters, as the TUI cuts it,
    and the output says so."""
    import io

    from mot_sim.stages import MAX_REPLY_CHARS
    from mot_sim.store import open_store

    huge = "I understand, let me help. " * 210_000  # 5.7 million characters
    db = tmp_path / "log.db"
    answers = (huge + "\nWhat happened?\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(answers), encoding="utf-8"))
    code, out, _ = run(capsys, "play", "pickle_request", "--answers", "-", "--db", str(db))
    assert code == 1 and len(out) < 3 * MAX_REPLY_CHARS
    assert out.count(f"cut to its first {MAX_REPLY_CHARS:,} characters") == 1
    store = open_store(db)
    (record,) = store.records()
    store.close()
    assert [len(t.reply) for t in record.turns] == [MAX_REPLY_CHARS, len("What happened?")]
    assert record.turns[0].reply == huge[:MAX_REPLY_CHARS]
    assert any(f"{MAX_REPLY_CHARS:,}" in n for n in record.turns[0].result.notes)

    src = tmp_path / "in.jsonl"
    item = {"id": 1, "scenario": "pickle_request", "stage": "solve", "text": huge[:60_000]}
    src.write_text(json.dumps(item) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, "score", "--batch", str(src))
    assert code == 0 and json.loads(out)["truncated_to"] == MAX_REPLY_CHARS


def test_answers_and_batch_files_must_be_regular_and_are_read_bounded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A symlink to /dev/zero (size 0, never ends) or a FIFO (blocks forever) behind a
    file name is refused before anything is read or recorded."""
    import os

    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    db = tmp_path / "log.db"
    for path in (zero, fifo):
        code, _, err = run(
            capsys, "play", "pickle_request", "--answers", str(path), "--db", str(db)
        )
        assert code == 2 and f"{path}:1:1: not a regular file" in err
        code, _, err = run(capsys, "score", "--batch", str(path))
        assert code == 2 and f"{path}:1:1: not a regular file" in err
    big = tmp_path / "big.txt"
    big.write_text("Hello there.\n" * 100_000)  # 1.3 MB of answers
    code, _, err = run(capsys, "play", "pickle_request", "--answers", str(big), "--db", str(db))
    assert code == 2 and "larger than the limit" in err
    code, out, _ = run(capsys, "history", "--json", "--db", str(db))
    assert code == 0 and json.loads(out) == []  # nothing refused was recorded
