"""Exports for HR: CSV (formula injection), JSON Lines, xAPI, and the HTML report."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import re
import resource
import sqlite3
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from mot_sim.catalog import Catalog
from mot_sim.cli.main import main
from mot_sim.engine import Encounter
from mot_sim.reports.tabular import neutralise, short_ids
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS
from mot_sim.store.recorder import Recorder
from mot_sim.store.records import Trainee
from mot_sim.store.sqlite import SqliteStore
from tests.conftest import snapshot

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
            set(s["result"]["extensions"])
            <= {f"urn:mot-sim:extension:{d}" for d in ("empathy", "language", "expectations")}
            for s in answered
            if "extensions" in s["result"]
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
    sessions = out.split("\n\n")[0].splitlines()
    assert code == 0 and len(sessions) == 4 and "walked out" in out
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


HOSTILE_WORDS = ["Whatever.", "Calm down, you're wrong.", "It's your problem."]


@pytest.fixture
def mixed_log(tmp_path: Path, catalog: Catalog, scorer: Scorer) -> Path:
    """A cohort with every status: finished (passed, walked out), unfinished, abandoned."""
    path = tmp_path / "mixed.db"
    store = SqliteStore(path)
    store.upsert_trainee(Trainee("Kim Lee", "E7", "A1"))
    store.upsert_trainee(Trainee("José Müller", "E8", "A1"))
    store.upsert_trainee(Trainee("Dee", "E9", "A1"))

    def encounter(who: str, replies: list[str] | None, stages: int, abandon: bool) -> None:
        enc = Encounter(catalog.get("complaint_call").scenario, scorer, who)
        enc.subscribe(Recorder(store, catalog.fingerprint("complaint_call")))
        enc.start()
        for i, stage in enumerate(STAGE_IDS[:stages]):
            if not enc.is_over:
                enc.answer(replies[i] if replies else enc.model_answers(stage)[0])
        if abandon:
            enc.abandon()

    encounter("Kim Lee", None, 5, False)  # completed, passed
    encounter("kim  LEE", None, 5, False)  # the same trainee, typed differently
    encounter("José Müller", HOSTILE_WORDS, 3, False)  # the customer walks out
    encounter("José Müller", None, 2, False)  # unfinished
    encounter("Dee", None, 0, True)  # abandoned with no reply
    encounter("Dee", None, 1, True)  # abandoned after one reply
    store.close()
    return path


def test_unfinished_and_abandoned_are_no_failed_attempts(
    mixed_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", str(mixed_log))
    code = main(["export", "--format", "csv", *db])
    out, err = capsys.readouterr()
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["status"] for r in rows] == [
        "completed",
        "completed",
        "walked_out",
        "unfinished",
        "abandoned",
        "abandoned",
    ]
    for r in rows[3:]:
        assert r["overall"] == r["band"] == r["passed"] == r["walked_out"] == "", r
        assert all(r[d] == "" for d in ("empathy", "language", "expectations", *STAGE_IDS))
    assert [r["replies"] for r in rows[3:]] == ["2", "0", "1"]
    assert rows[2]["passed"] == "0" and rows[2]["overall"] != ""
    assert "6 sessions: 3 finished with a score; 1 unfinished and 2 abandoned without one" in err

    _, out = run(capsys, "export", "--format", "jsonl", *db)
    recs = [json.loads(line) for line in out.splitlines()]
    assert [(r["status"], r["result"] is None) for r in recs[3:]] == [
        ("unfinished", True),
        ("abandoned", True),
        ("abandoned", True),
    ]
    assert len(recs[5]["turns"]) == 1  # the abandoned attempt's reply is still exported

    _, out = run(capsys, "export", "--format", "xapi", "--homepage", "https://lms.test", *db)
    by_session: dict[str, list[str]] = {}
    for st in json.loads(out):
        by_session.setdefault(st["context"]["registration"], []).append(st["verb"]["id"])
    ends = [verbs[-1].rsplit("/", 1)[-1] for verbs in by_session.values()]
    assert ends == ["passed", "passed", "failed", "answered", "abandoned", "abandoned"]
    for verbs in list(by_session.values())[3:]:
        assert not any(v.endswith(("/failed", "/passed", "/completed")) for v in verbs)
    assert list(by_session.values())[4][-1] == "https://w3id.org/xapi/adl/verbs/abandoned"

    report = tmp_path / "r.html"
    assert main(["report", "--cohort", "A1", "--out", str(report), *db]) == 0
    html = report.read_text(encoding="utf-8")
    finished = [int(r["overall"]) for r in rows[:3]]
    average = re.search(r'<div class="v">(\d+)</div><div class="k">average score', html)
    assert average and int(average.group(1)) == round(sum(finished) / 3)
    assert (
        "Averages and pass rate over 3 finished encounters (2 completed, 1 walked out); "
        "1 unfinished and 2 abandoned not counted." in html
    )
    assert "unfinished · 2 of 5 replies · no score" in html
    _, out = run(capsys, "history", "--cohort", "A1", *db)
    assert "1 unfinished and 2 abandoned not counted" in out


def test_history_summary_per_trainee_and_cohort_filter(
    mixed_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ("--db", str(mixed_log))
    _, out = run(capsys, "history", "--cohort", "A1", "--summary", "--json", *db)
    doc = json.loads(out)
    rows = {r["trainee"]: r for r in doc["trainees"]}
    assert set(rows) == {"Kim Lee", "José Müller", "Dee"}
    kim, jose, dee = rows["Kim Lee"], rows["José Müller"], rows["Dee"]
    assert kim["attempts"] == 2 and kim["passed"] and kim["best"] >= kim["latest"] >= 60
    assert kim["employee_id"] == "E7" and kim["cohort"] == "A1"
    assert jose["attempts"] == 1 and not jose["passed"] and jose["unfinished"] == 1
    assert jose["best"] == jose["latest"] and jose["not_counted"] == "1 unfinished"
    assert dee["attempts"] == 0 and dee["best"] is None and dee["abandoned"] == 2
    assert (doc["finished"], doc["unfinished"], doc["abandoned"]) == (3, 1, 2)
    _, out = run(capsys, "history", "--cohort", "A1", "--summary", *db)
    lines = out.splitlines()
    assert lines[0].split() == [
        "trainee", "scenario", "attempts", "best", "latest", "passed", "not", "counted"
    ]  # fmt: skip
    kim_line = next(x for x in lines if x.startswith("Kim Lee"))
    assert kim_line.split()[2:4] == ["complaint_call", "2"] and "yes" in kim_line
    assert any(x.startswith("Dee") and "2 abandoned" in x for x in lines)
    _, out = run(capsys, "history", "--cohort", "nobody", *db)
    assert out.strip() == "no sessions recorded for nobody"
    _, out = run(capsys, "history", "--trainee", "KIM LEE", "--json", *db)
    assert [r["trainee"] for r in json.loads(out)] == ["Kim Lee", "Kim Lee"]
    _, out = run(capsys, "trainee", "  kim   lee ", "--cohort", "B2", *db)
    assert out.strip() == "recorded trainee 'Kim Lee' (employee id E7, cohort B2)"


def test_xapi_needs_a_homepage_from_flag_environment_or_settings(
    mixed_log: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ("--db", str(mixed_log))
    monkeypatch.delenv("MOT_SIM_XAPI_HOMEPAGE", raising=False)
    code = main(["export", "--format", "xapi", *db])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    for hint in ("--homepage URL", "MOT_SIM_XAPI_HOMEPAGE=URL", "mot-sim config xapi-homepage"):
        assert hint in err

    def homepages(*argv: str) -> set[str]:
        code, out = run(capsys, "export", "--format", "xapi", *argv, *db)
        assert code == 0
        return {st["actor"]["account"]["homePage"] for st in json.loads(out)}

    _, out = run(capsys, "config", "xapi-homepage", "https://lms.saved.test")
    assert homepages() == {"https://lms.saved.test"}
    monkeypatch.setenv("MOT_SIM_XAPI_HOMEPAGE", "https://lms.env.test")
    assert homepages() == {"https://lms.env.test"}
    assert homepages("--homepage", "https://lms.flag.test") == {"https://lms.flag.test"}
    _, out = run(capsys, "config")
    assert "https://lms.env.test (from MOT_SIM_XAPI_HOMEPAGE)" in out
    monkeypatch.delenv("MOT_SIM_XAPI_HOMEPAGE")
    assert main(["config", "xapi-homepage", "--unset"]) == 0
    assert main(["export", "--format", "xapi", *db]) == 2
    for bad in ("lms.example.org", "ftp://x.test", "https:// spaced.test"):
        assert main(["export", "--format", "xapi", "--homepage", bad, *db]) == 2
        assert main(["config", "xapi-homepage", bad]) == 2
    assert "not a web address" in capsys.readouterr().err


def test_xapi_statements_pass_an_independent_validator_and_time_each_answer(
    mixed_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pydantic import ValidationError
    from ralph.models.xapi.base.statements import BaseXapiStatement

    # Move every session's start an hour back: each answer keeps its own time.
    db = sqlite3.connect(mixed_log)
    db.execute("UPDATE sessions SET started_at = '2026-11-23T13:00:00+00:00'")
    turn_times = dict(
        db.execute("SELECT session_id || '/' || idx, created_at FROM turns").fetchall()
    )
    db.commit()
    db.close()
    _, out = run(
        capsys,
        "export",
        "--format",
        "xapi",
        "--homepage",
        "https://lms.test",
        "--db",
        str(mixed_log),
    )
    statements = json.loads(out)
    for st in statements:
        BaseXapiStatement.model_validate(st)  # raises on anything the spec forbids
    answered = [st for st in statements if st["verb"]["display"]["en-US"] == "answered"]
    assert len(answered) == len(turn_times) >= 5 + 5 + 1 + 2 + 1
    for st in answered:
        assert st["timestamp"] != "2026-11-23T13:00:00+00:00"
        assert st["timestamp"] in turn_times.values()
    # The validator is a real one: what the old export sent for an abandoned encounter
    # passes, a score out of range or an account without a homepage does not.
    broken = dict(answered[0], result={"score": {"scaled": 1.5}})
    with pytest.raises(ValidationError):
        BaseXapiStatement.model_validate(broken)
    nobody = dict(answered[0], actor={"objectType": "Agent", "account": {"name": "x"}})
    with pytest.raises(ValidationError):
        BaseXapiStatement.model_validate(nobody)


def test_csv_for_excel(mixed_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_file = tmp_path / "excel.csv"
    db = ("--db", str(mixed_log))
    assert main(["export", "--format", "csv", "--excel", "--out", str(out_file), *db]) == 0
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "José Müller".encode() in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert "started (UTC)" in rows[0] and "started_at" not in rows[0]
    for r in rows:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r["started (UTC)"])
        assert r["ended (UTC)"] == "" or re.fullmatch(
            r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r["ended (UTC)"]
        )
        assert len(r["session_id"]) == 8
    capsys.readouterr()
    assert main(["show", rows[0]["session_id"], *db]) == 0  # the id show accepts
    assert "Result:" in capsys.readouterr().out
    # Plain CSV keeps ISO times and full ids for tools; --excel needs CSV.
    _, plain = run(capsys, "export", "--format", "csv", *db)
    first = next(csv.DictReader(io.StringIO(plain)))
    assert first["session_id"].startswith(rows[0]["session_id"]) and len(first["session_id"]) == 36
    assert first["started_at"].endswith("+00:00") and not plain.startswith("\ufeff")
    assert main(["export", "--format", "jsonl", "--excel", *db]) == 2
    # Per-turn rows for Excel too, each with its own time, formulas still neutralised.
    assert (
        main(["export", "--format", "csv", "--turns", "--excel", "--out", str(out_file), *db]) == 0
    )
    turns = list(csv.DictReader(io.StringIO(out_file.read_bytes().decode("utf-8-sig"))))
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", t["answered (UTC)"]) for t in turns)
    store = SqliteStore(mixed_log)
    store.upsert_trainee(Trainee("Dee", cohort=EVIL_COHORT))
    store.close()
    assert main(["export", "--format", "csv", "--excel", "--out", str(out_file), *db]) == 0
    text = out_file.read_bytes().decode("utf-8-sig")
    assert "'" + EVIL_COHORT.replace('"', '""') in text


def test_short_ids_stay_unique() -> None:
    ids = ["abcdef0123", "abcdef0199", "abcdef1", "zz"]
    short = short_ids(ids)
    assert short == {
        "abcdef0123": "abcdef012",
        "abcdef0199": "abcdef019",
        "abcdef1": "abcdef1",
        "zz": "zz",
    }
    assert short_ids(["0123456789ab", "fedcba987654"]) == {
        "0123456789ab": "01234567",
        "fedcba987654": "fedcba98",
    }


def _svg_progress(html: str) -> str:
    start = html.index('aria-label="Scores by attempt"')
    return html[start : html.index("</svg>", start)]


def test_cohort_report_has_a_table_and_a_line_per_trainee(mixed_log: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--cohort", "A1", "--out", str(out), "--db", str(mixed_log)]) == 0
    html = out.read_text(encoding="utf-8")
    table = html[html.index('<table class="per-trainee">') :]
    table = table[: table.index("</table>")]
    rows = [re.sub(r"<[^>]+>|\s+", " ", r).split() for r in table.split("<tr>")[2:]]
    assert [r[:2] for r in rows] == [["Dee", "E9"], ["José", "Müller"], ["Kim", "Lee"]]
    assert " ".join(rows[0]).endswith("no finished attempt 2 abandoned")
    kim = rows[2]
    assert kim[kim.index("sense") + 1] == "2" and "yes" in kim  # two spellings, one trainee

    chart = _svg_progress(html)
    groups = chart.split('<g class="trainee-line">')[1:]
    assert len(groups) == 2  # Dee has no finished encounter; Kim's two attempts are one line
    for group in groups:
        names = {t.split(" · ")[0] for t in re.findall(r"<title>([^<]+)</title>", group)}
        assert len(names) == 1, names  # a line never joins two people
        assert group.count("<polyline") <= 1
    kim_line = next(g for g in groups if "Kim Lee" in g)
    assert kim_line.count("<circle") == 2 and "<polyline" in kim_line
    # The pass-mark label sits right of every point: it cannot cover the data.
    label_x = float(re.search(r'class="pass-label" x="([\d.]+)"', chart).group(1))  # type: ignore[union-attr]
    xs = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', chart)]
    assert xs and max(xs) + 5 < label_x
    right = float(re.search(r'class="pass-line" x1="[\d.]+" x2="([\d.]+)"', chart).group(1))  # type: ignore[union-attr]
    assert max(xs) + 5 <= right < label_x


def test_report_thresholds_come_from_the_rubric(
    mixed_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from tests.conftest import ROOT

    scoring = tmp_path / "scoring"
    shutil.copytree(ROOT / "scoring", scoring)
    rubric = (scoring / "rubric.yaml").read_text(encoding="utf-8")
    assert "pass_mark: 60\n" in rubric and "  good: 60\n" in rubric
    rubric = rubric.replace("pass_mark: 60\n", "pass_mark: 72\n").replace(
        "  good: 60\n", "  good: 99\n"
    )
    rubric = rubric.replace("name: adequate", "name: fair enough")
    (scoring / "rubric.yaml").write_text(rubric, encoding="utf-8")
    monkeypatch.setenv("MOT_SIM_SCORING", str(scoring))
    out = tmp_path / "r.html"
    assert main(["report", "--cohort", "A1", "--out", str(out), "--db", str(mixed_log)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "pass mark 72" in html and "pass mark 60" not in html
    assert "good (from 99)" in html and "fair enough 60+" in html
    assert 'x1="336"' in html  # the bars' pass line: 120 + 3 * 72
    chart = _svg_progress(html)
    pass_y = float(re.search(r'class="pass-label" x="[\d.]+" y="([\d.]+)"', chart).group(1))  # type: ignore[union-attr]
    bottom, top = 260 - 34, 16
    assert pass_y - 4 == pytest.approx(bottom - (bottom - top) * 0.72, abs=0.1)
    # Bars are coloured by the rubric's reply outcomes: good from 99 now, mixed from 45.
    bars = re.findall(
        r'<rect x="120" y="\d+" width="(\d+)" height="24" rx="5" fill="(#\w+)"/>', html
    )
    bars = [(w, c) for w, c in bars if c != "#eef1f6"]  # not the grey tracks
    assert len(bars) == 8
    colours = {"good": "#12805c", "mixed": "#dc6803", "poor": "#c01048"}
    for width, colour in bars:
        value = int(width) // 3
        expected = "good" if value >= 99 else "mixed" if value >= 45 else "poor"
        assert colour == colours[expected], (value, colour)
    assert any(int(w) // 3 in range(60, 99) for w, _ in bars)  # green under the old rubric


def test_xapi_homepage_must_be_a_web_address(
    mixed_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A homepage becomes a link in the learning record store: only http(s) is taken."""
    db = ("--db", str(mixed_log))
    for bad in ("javascript:alert(1)", "JavaScript:alert(1)//https://x", "data:text/html,x"):
        assert main(["export", "--format", "xapi", "--homepage", bad, *db]) == 2
        assert main(["config", "xapi-homepage", bad]) == 2
        out, err = capsys.readouterr()
        assert out == "" and "not a web address" in err


def big_log(path: Path, catalog: Catalog, scorer: Scorer, sessions: int = 12) -> Path:
    store = SqliteStore(path)
    for i in range(sessions):
        enc = Encounter(catalog.get("complaint_call").scenario, scorer, f"Trainee {i}")
        enc.subscribe(Recorder(store, catalog.fingerprint("complaint_call")))
        for stage in STAGE_IDS:
            enc.answer(enc.model_answers(stage)[0])
    store.close()
    return path


def test_export_onto_a_full_disk_keeps_the_previous_export(
    tmp_path: Path, catalog: Catalog, scorer: Scorer, capsys: pytest.CaptureFixture[str]
) -> None:
    """F15: the export is written beside its target and renamed over it only when whole.
    A file-size limit (RLIMIT_FSIZE) makes the write fail as a full disk would."""
    log = big_log(tmp_path / "log.db", catalog, scorer)
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "class.jsonl"
    assert main(["export", "--format", "csv", "--out", str(target), "--db", str(log)]) == 0
    previous = target.read_bytes()
    target.chmod(0o640)
    limit = 64 * 1024  # room for SQLite's 32 KiB shared memory, not for the export
    assert main(["export", "--format", "jsonl", "--db", str(log)]) == 0
    assert len(capsys.readouterr().out.encode()) > 2 * limit

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    argv = ["export", "--format", "jsonl", "--out", str(target), "--db", str(log)]
    full = subprocess.run(
        [sys.executable, "-m", "mot_sim", *argv],
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
    )
    assert full.returncode == 2 and "Traceback" not in full.stderr, full.stderr
    assert f"cannot write {target}" in full.stderr and "left as it was" in full.stderr
    assert target.read_bytes() == previous
    assert [p.name for p in folder.iterdir()] == ["class.jsonl"]  # no temporary file left
    # And when it fits, the new export replaces the old one whole, keeping its mode.
    assert main(["export", "--format", "jsonl", "--out", str(target), "--db", str(log)]) == 0
    assert len(target.read_text().splitlines()) == 12
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "target", ["the log", "-wal", "-shm", "-journal", "symlink", "other spelling", "hard link"]
)
def test_export_and_report_refuse_to_write_over_the_score_log(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    """F16: --out naming the log itself, or a file SQLite keeps beside it, is refused."""
    out = {
        "the log": log,
        "-wal": log.with_name(log.name + "-wal"),
        "-shm": log.with_name(log.name + "-shm"),
        "-journal": log.with_name(log.name + "-journal"),
        "symlink": tmp_path / "looks-harmless.csv",
        "other spelling": tmp_path / ".." / tmp_path.name / "." / log.name,
        "hard link": tmp_path / "hard.csv",
    }[target]
    if target == "symlink":
        out.symlink_to(log.with_name(log.name + "-wal"))
    if target == "hard link":
        os.link(log, out)
    before = snapshot(tmp_path)
    for argv in (
        ["export", "--format", "csv"],
        ["export", "--format", "jsonl", "--turns"],
        ["export", "--format", "xapi", "--homepage", "https://lms.test"],
        ["report", "--cohort", "A1"],
    ):
        assert main([*argv, "--out", str(out), "--db", str(log)]) == 2
        err = capsys.readouterr().err
        assert "is the score log" in err and "nothing was written" in err, err
    assert snapshot(tmp_path) == before
    store = SqliteStore(log)
    assert len(store.sessions()) == 3 and store.integrity_check() == "ok"


def on_terminal(argv: list[str], db: Path) -> tuple[int, bytes, str]:
    """Run mot-sim with its standard output on a pseudo-terminal, as a person would."""
    master, slave = pty.openpty()
    env = {**os.environ, "MOT_SIM_DB": str(db)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mot_sim", *argv],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the program closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert proc.stderr
    err = proc.stderr.read().decode()
    return proc.wait(), b"".join(chunks), err


CONTROLS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]")


def test_identity_fields_are_cleaned_on_the_way_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F17: escapes typed into --cohort, --employee-id or a name are never stored."""
    db = str(tmp_path / "log.db")
    argv = ["trainee", "Eve\x1b]0;pwned\x07", "--employee-id", "E1\x1b[2J", "--db", db]
    assert main([*argv, "--cohort", "A\x07 1\x9b5m"]) == 0
    answers = tmp_path / "a.txt"
    answers.write_text("Hello there.\n", encoding="utf-8")
    hostile = ["--trainee", "Mal\x1b[31mory", "--employee-id", "X\x0d2"]
    hostile += ["--cohort", "\x1b]8;;http://evil.test\x07B\x1b]8;;\x07"]
    code = main(["play", "pickle_request", "--answers", str(answers), *hostile, "--db", db])
    assert code == 1
    out = capsys.readouterr().out
    assert not CONTROLS.search(out)
    stored = (
        sqlite3.connect(db).execute("SELECT name, employee_id, cohort FROM trainees").fetchall()
    )
    assert sorted(stored) == [("Eve", "E1", "A 1"), ("Malory", "X 2", "B")]


def test_exports_to_a_terminal_print_no_control_sequences(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F17: whatever the log holds, nothing printed to a terminal carries ESC, BEL or C1
    controls; an export to a file keeps the replies as recorded, identity fields clean."""
    evil = "\x1b]0;pwned\x07\x1b[2J\x9b31m\x07"
    db = sqlite3.connect(log)
    db.execute("UPDATE turns SET reply = reply || ?", (evil,))
    db.execute("UPDATE trainees SET cohort = ? WHERE name = 'Kim'", ("A1" + evil,))
    db.commit()
    db.close()
    session = json.loads(run(capsys, "history", "--json", "--db", str(log))[1])[0]["session_id"]
    for argv in (
        ["export", "--format", "csv"],
        ["export", "--format", "csv", "--turns"],
        ["export", "--format", "csv", "--turns", "--excel"],
        ["export", "--format", "jsonl"],
        ["export", "--format", "xapi", "--homepage", "https://lms.test"],
        ["export", "--format", "jsonl", "--out", "/dev/stdout"],
        ["history"],
        ["history", "--json"],
        ["show", session[:8]],
    ):
        code, out, err = on_terminal(argv, log)
        assert code == 0 and "Traceback" not in err, (argv, err)
        assert out and not CONTROLS.search(out.decode().replace("\r", "")), argv
    target = tmp_path / "all.jsonl"
    assert main(["export", "--format", "jsonl", "--out", str(target), "--db", str(log)]) == 0
    records = [json.loads(line) for line in target.read_text().splitlines()]
    assert all(t["reply"].endswith(evil) for r in records for t in r["turns"])
    assert {r["trainee"]["cohort"] for r in records} == {"A1", EVIL_COHORT}


def test_a_tampered_log_is_shown_clean_and_damaged_rows_are_reported(
    log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """F18: every value read from a shared log is untrusted: escapes in the band, a rule's
    reason or a start time print inert, and a row that is not what mot-sim wrote is named
    (`session X: damaged record`) while the rest is shown."""
    db = sqlite3.connect(log)
    first, second, third = (r[0] for r in db.execute("SELECT id FROM sessions ORDER BY rowid"))
    evil = "\x1b]0;pwned\x07\x1b[2J"
    db.execute(
        "UPDATE sessions SET result_json = json_set(result_json, '$.band', ?) WHERE id = ?",
        ("good" + evil, first),
    )
    db.execute(
        "UPDATE turns SET result_json = json_set(result_json, '$.hits[0].reason', ?) "
        "WHERE session_id = ?",
        ("because" + evil, first),
    )
    db.execute("UPDATE sessions SET result_json = 'not json' WHERE id = ?", (second,))
    db.execute("UPDATE sessions SET started_at = ? WHERE id = ?", ("2026-01-01" + evil, third))
    db.commit()
    db.close()
    args = ("--db", str(log))

    def check(argv: list[str], code: int, data: bool = False) -> tuple[str, str]:
        got = main([*argv, *args])
        out, err = capsys.readouterr()
        assert got == code, (argv, err)
        assert "Traceback" not in err and not CONTROLS.search(err), argv
        assert data or not CONTROLS.search(out), argv  # data to a pipe is kept as recorded
        return out, err

    out, err = check(["history"], 1)
    assert first[:8] in out and second[:8] not in out and third[:8] not in out
    assert f"session {second}: damaged record" in err and f"session {third}: damaged" in err
    out, _ = check(["history", "--json"], 1)
    assert [s["session_id"] for s in json.loads(out)] == [first]
    out, _ = check(["show", first[:8]], 0)
    assert "good]0;pwned" not in out and "because" in out and "Result:" in out
    _, err = check(["show", second[:8]], 2)
    assert f"session {second}: damaged record" in err
    for fmt in ("csv", "jsonl", "xapi"):
        out, err = check(["export", "--format", fmt, "--homepage", "https://lms.test"], 1, True)
        assert first in out and second not in out and f"session {third}: damaged" in err
    report = tmp_path / "r.html"
    _, err = check(["report", "--trainee", EVIL_NAME, "--out", str(report)], 1)
    assert f"session {second}: damaged record" in err
    html = report.read_text()
    assert not CONTROLS.search(html) and "pwned" not in html
    assert "over 1 finished encounter (1 completed" in html  # the sound session, alone
