"""Exports for HR: CSV (formula injection), JSON Lines, xAPI, and the HTML report."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from pathlib import Path

import pytest

from mot_sim.catalog import Catalog
from mot_sim.cli.main import main
from mot_sim.engine import Encounter
from mot_sim.reports.tabular import neutralise
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS
from mot_sim.store.recorder import Recorder
from mot_sim.store.records import Trainee
from mot_sim.store.sqlite import SqliteStore

EVIL_NAME = '<script>alert("x")</script> O\'Neil "javascript:alert(1)"'
EVIL_COHORT = '=HYPERLINK("http://evil","click")'


@pytest.fixture
def log(tmp_path: Path, catalog: Catalog, scorer: Scorer) -> Path:
    path = tmp_path / "log.db"
    store = SqliteStore(path)
    store.upsert_trainee(Trainee(EVIL_NAME, "-42", EVIL_COHORT))
    store.upsert_trainee(Trainee("Kim", "E7", "A1"))
    for who, replies in [
        (EVIL_NAME, None),
        (
            EVIL_NAME,
            [
                "+SUM(A1:A9) <img src=x onerror=alert(1)>",
                "\tCalm down.",
                "@cmd",
                "-2+3, you're wrong",
                "=1+1",
            ],
        ),
        ("Kim", None),
    ]:
        enc = Encounter(catalog.get("complaint_call").scenario, scorer, who)
        enc.subscribe(Recorder(store, catalog.fingerprint("complaint_call")))
        for i, stage in enumerate(STAGE_IDS):
            if enc.is_over:
                break
            enc.answer(replies[i] if replies else enc.model_answers(stage)[0])
    store.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("safe", "safe"),
        (-1, -1),
        (3.5, 3.5),
        ("", ""),
    ],
)
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def test_csv_sessions_and_turns_are_safe(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "export", "--format", "csv", "--db", str(log))
    assert code == 0 and "\r\n" in out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 3
    evil = [r for r in rows if r["trainee"] == EVIL_NAME]
    assert evil and all(r["cohort"] == "'" + EVIL_COHORT for r in evil)
    assert evil[0]["employee_id"] == "'-42"
    assert re.fullmatch(r"\d+", rows[0]["overall"])  # numbers stay numbers (no quote, no ')
    assert f",{rows[0]['overall']}," in out
    code, out = run(capsys, "export", "--format", "csv", "--turns", "--db", str(log))
    turns = list(csv.reader(io.StringIO(out)))[1:]
    cells = [c for row in turns for c in row]
    for c in cells:
        assert not c.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), c
    assert "'+SUM(A1:A9) <img src=x onerror=alert(1)>" in cells
    assert "'\tCalm down." in cells


def test_filters_and_jsonl(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "export", "--format", "jsonl", "--trainee", "Kim", "--db", str(log))
    (rec,) = [json.loads(line) for line in out.splitlines()]
    assert rec["trainee"] == {"name": "Kim", "employee_id": "E7", "cohort": "A1"}
    assert len(rec["turns"]) == 5 and rec["result"]["passed"] is True
    _, out = run(capsys, "export", "--format", "jsonl", "--cohort", "A1", "--db", str(log))
    assert len(out.splitlines()) == 1
    _, out = run(capsys, "export", "--format", "jsonl", "--since", "2999-01-01", "--db", str(log))
    assert out == ""
    code = main(["export", "--format", "csv", "--since", "yesterday", "--db", str(log)])
    assert code == 2


IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$")


def test_xapi_statements_follow_the_spec(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "x.json"
    code, _ = run(
        capsys,
        "export",
        "--format",
        "xapi",
        "--homepage",
        "https://lms.acme.test",
        "--out",
        str(out_file),
        "--db",
        str(log),
    )
    statements = json.loads(out_file.read_text())
    assert code == 0 and statements
    by_reg: dict[str, list[dict]] = {}
    for st in statements:
        uuid.UUID(st["id"])
        assert st["version"] == "1.0.3"
        actor = st["actor"]
        assert actor["objectType"] == "Agent"
        assert actor["account"]["homePage"] == "https://lms.acme.test" and actor["account"]["name"]
        assert IRI.match(st["verb"]["id"]) and st["verb"]["display"]["en-US"]
        assert IRI.match(st["object"]["id"])
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$", st["timestamp"])
        reg = st["context"]["registration"]
        uuid.UUID(reg)
        by_reg.setdefault(reg, []).append(st)
        for key in st.get("result", {}).get("extensions", {}):
            assert IRI.match(key)
        score = st.get("result", {}).get("score")
        if score:
            assert -1 <= score["scaled"] <= 1 and score["min"] <= score["raw"] <= score["max"]
    assert len(by_reg) == 3
    for sts in by_reg.values():
        verbs = [s["verb"]["display"]["en-US"] for s in sts]
        assert verbs[0] == "attempted"
        assert verbs[-1] in {"passed", "failed"} and "completed" in verbs
        answered = [s for s in sts if s["verb"]["display"]["en-US"] == "answered"]
        assert answered and all(isinstance(s["result"]["response"], str) for s in answered)
        assert all(
            "urn:mot-sim:extension:empathy" in s["result"]["extensions"]
            or "urn:mot-sim:extension:language" in s["result"]["extensions"]
            or "urn:mot-sim:extension:expectations" in s["result"]["extensions"]
            for s in answered
            if s["result"]["extensions"]
        )
        done = sts[-1]
        assert done["result"]["score"]["scaled"] == done["result"]["score"]["raw"] / 100
    assert len({s["id"] for s in statements}) == len(statements)


def test_html_report_is_inert_and_complete(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    code, _ = run(capsys, "report", "--trainee", EVIL_NAME, "--out", str(out), "--db", str(log))
    html = out.read_text()
    assert code == 0
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "javascript:" not in html.replace("&#34;javascript:alert(1)&#34;", "")
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html
    for section in ("Dimensions", "Stages", "Progress over time", "Phrasing to work on"):
        assert section in html
    assert html.count("<svg") >= 3 and "calm down" in html
    code, _ = run(capsys, "report", "--cohort", EVIL_COHORT, "--out", str(out), "--db", str(log))
    assert code == 0 and "2 sessions" in out.read_text()
    assert main(["report", "--out", str(out), "--db", str(log)]) == 2


def test_history_and_show(log: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "history", "--trainee", "Kim", "--json", "--db", str(log))
    (row,) = json.loads(out)
    assert row["status"] == "completed" and row["score"] >= 60 and row["band"]
    code, out = run(capsys, "history", "--db", str(log))
    assert code == 0 and len(out.splitlines()) == 4 and "walked out" in out
    code, out = run(capsys, "show", row["session_id"][:8], "--db", str(log))
    assert code == 0 and "Result:" in out and "model answer:" in out and "Ms Li:" in out
    assert main(["show", "nope", "--db", str(log)]) == 2


def test_terminal_output_has_no_escape_sequences(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "t.db")
    assert main(["trainee", "Eve\x1b]0;pwned\x07\x1b[2J", "--cohort", "X", "--db", db]) == 0
    capsys.readouterr()
    store = SqliteStore(Path(db))
    assert [s for s in store.sessions()] == []
    store.start_session("s-1", "Mal\x1b[31mory", "pickle_request", "h", "practice")
    store.close()
    for argv in (["history", "--db", db], ["show", "s-1", "--db", db]):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "Malory" in out
