"""The interface language: every message in both languages, chosen by flag, environment,
setting, else the scenario; the CLI and the scorer's notes speak it."""

from __future__ import annotations

from pathlib import Path

import pytest

from mot_sim.cli.main import main
from mot_sim.i18n import LANGS, choose, has, keys, stage_title, tr
from mot_sim.stages import STAGE_IDS

ZH_ANSWERS = (
    "您好，埃利斯太太！我是小李，多加一片没问题。\n"
    "您是想在三明治里多加一片酸黄瓜，对吗？\n"
    "好的，马上给您加，不收费，两分钟就好。\n"
    "确认一下：您的三明治多加一片酸黄瓜，价格不变，两分钟好。谢谢您！\n"
    "下周见！下次来直接找我，我给您加好。\n"
)


def test_every_message_has_every_language() -> None:
    assert len(keys()) >= 50
    for key in keys():
        for lang in LANGS:
            assert has(key, lang), (key, lang)
    assert [stage_title(s, "zh") for s in STAGE_IDS][:2] == ["定基调", "诊断需求"]
    assert tr("fr", "res.pass") == "PASS"  # an unknown language falls back to English


def test_choice_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOT_SIM_LANG", raising=False)
    assert choose(None, "auto", "zh") == "zh" and choose(None, "auto", "en") == "en"
    assert choose(None, "en", "zh") == "en"  # the setting beats the scenario
    monkeypatch.setenv("MOT_SIM_LANG", "zh")
    assert choose(None, "en", "en") == "zh"  # the environment beats the setting
    assert choose("en", "zh", "zh") == "en"  # --lang beats everything


def play(capsys: pytest.CaptureFixture[str], tmp_path: Path, *extra: str) -> str:
    answers = tmp_path / "a.txt"
    answers.write_text(ZH_ANSWERS, encoding="utf-8")
    argv = ["play", "pickle_request_zh", "--answers", str(answers), "--trainee", "小李"]
    assert main([*argv, "--db", str(tmp_path / "log.db"), *extra]) == 0
    return capsys.readouterr().out


def test_a_chinese_scenario_is_played_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = play(capsys, tmp_path)
    assert "── 定基调:" in out and "得分 " in out and "结果: " in out and "通过" in out
    assert "Score " not in out and "Result:" not in out
    out = play(capsys, tmp_path, "--lang", "en")
    assert "── Set the tone:" in out and "Result: " in out and "PASS" in out


def test_the_language_setting_applies_to_english_scenarios(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["config", "language", "zh"]) == 0
    assert main(["score", "--scenario", "pickle_request", "--stage", "set_tone", "Hello"]) == 0
    out = capsys.readouterr().out
    assert "得分 " in out
    assert main(["config", "language", "--unset"]) == 0
    assert main(["config", "language", "fr"]) == 2


def test_scorer_notes_speak_the_scenarios_language(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--scenario", "pickle_request_zh", "--stage", "set_tone", "您好"]) == 0
    out = capsys.readouterr().out
    assert "太短了" in out and "Very short" not in out


def test_a_report_of_chinese_sessions_is_in_chinese(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    play(capsys, tmp_path)
    out = tmp_path / "r.html"
    db = str(tmp_path / "log.db")
    assert main(["report", "--trainee", "小李", "--db", db, "--out", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="zh">' in html and "平均分" in html and "定基调" in html
    assert "average score" not in html and "Progress over time" not in html
    assert main(["report", "--trainee", "小李", "--db", db, "--out", str(out), "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "average score" in html and "Set the tone" in html
