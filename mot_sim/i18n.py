"""Interface language: the words mot-sim itself says, in English and Chinese.

A scenario is written in its own language; what the program adds around it (stage names,
feedback labels, notes, the result screen, help) follows the scenario's locale, unless the
trainee chose a language (``--lang``, the ``language`` setting, ``MOT_SIM_LANG``). Light on
purpose (no pydantic, no YAML) so the TUI can use it before the core loads.
"""

from __future__ import annotations

import os
from typing import Literal, cast

Lang = Literal["en", "zh"]
LANGS: tuple[Lang, ...] = ("en", "zh")
LANG_ENV = "MOT_SIM_LANG"

_MESSAGES: dict[str, dict[Lang, str]] = {
    # Stages, dimensions, outcomes
    "stage.set_tone": {"en": "Set the tone", "zh": "定基调"},
    "stage.diagnose": {"en": "Diagnose", "zh": "诊断需求"},
    "stage.solve": {"en": "Solve", "zh": "解决问题"},
    "stage.summarise": {"en": "Summarise", "zh": "总结确认"},
    "stage.follow_up": {"en": "Follow up", "zh": "后续跟进"},
    "dimension.empathy": {"en": "empathy", "zh": "同理心"},
    "dimension.language": {"en": "language", "zh": "语言"},
    "dimension.expectations": {"en": "expectations", "zh": "期望管理"},
    "outcome.good": {"en": "good", "zh": "好"},
    "outcome.mixed": {"en": "mixed", "zh": "一般"},
    "outcome.poor": {"en": "poor", "zh": "差"},
    "band.excellent": {"en": "excellent", "zh": "优秀"},
    "band.good": {"en": "good", "zh": "良好"},
    "band.adequate": {"en": "adequate", "zh": "合格"},
    "band.developing": {"en": "developing", "zh": "待提高"},
    "band.needs practice": {"en": "needs practice", "zh": "需要练习"},
    # Notes the scorer adds (docs/scoring.md)
    "note.cut": {
        "en": "Only the first {n:,} characters were scored.",
        "zh": "只评了前 {n:,} 个字符。",
    },
    "note.no_words": {"en": "No words to score.", "zh": "没有可评分的内容。"},
    "note.short": {
        "en": "Very short: a whole sentence lands better than a fragment "
        "(only {share:.0%} of what it earned counts).",
        "zh": "太短了:一句完整的话比零碎的词更有分量(只计所得分数的 {share:.0%})。",
    },
    "note.goals_met": {
        "en": "Did what this stage needs (+{bonus:.0f}): {done}.",
        "zh": "完成了这一阶段的任务(+{bonus:.0f}):{done}。",
    },
    "note.list": {
        "en": "A list of stock phrases: say one thing that helps.",
        "zh": "这是一串客套话:说一句真正有帮助的话。",
    },
    "note.no_goal": {
        "en": "Does none of what this stage needs, however politely put.",
        "zh": "说得再客气,也没有做这一阶段该做的事。",
    },
    "note.missed_required": {
        "en": "Misses the main job of this stage.",
        "zh": "没有完成这一阶段最主要的任务。",
    },
    "note.bad": {
        "en": "One phrase to avoid is what the customer remembers.",
        "zh": "客户记住的,往往就是那一句不该说的话。",
    },
    "note.keywords": {
        "en": "Reads like a string of key words, not a sentence to a person.",
        "zh": "读起来像一串关键词,而不是对人说的话。",
    },
    "note.stock": {
        "en": "A string of stock phrases, not a sentence to a person.",
        "zh": "一串套话,而不是对人说的话。",
    },
    "note.exclaims": {
        "en": "Exclamations, not a sentence that says something to the customer.",
        "zh": "只是几声感叹,没有一句对客户说了实事的话。",
    },
    "note.repeats": {
        "en": "Repeats the same words; say it once and mean it.",
        "zh": "同样的话说了好几遍;说一次,说到做到。",
    },
    # Feedback labels
    "fb.score": {"en": "Score {score}/100", "zh": "得分 {score}/100"},
    "fb.earned": {"en": "Earned", "zh": "加分"},
    "fb.cost": {"en": "Cost", "zh": "扣分"},
    "fb.instead": {"en": "instead: ", "zh": "换个说法:"},
    "fb.better": {"en": "better: ", "zh": "更好的说法:"},
    "fb.model_line": {"en": "model answer", "zh": "参考回答"},
    "fb.not_counted": {"en": "not counted ({why})", "zh": "不计分({why})"},
    "fb.nothing": {
        "en": "Nothing in this reply matched what the stage asks for.",
        "zh": "这句回复里没有这一阶段需要的内容。",
    },
    "fb.note": {"en": "Note: ", "zh": "提示:"},
    "fb.next_time": {"en": "Next time", "zh": "下次可以"},
    "fb.model": {"en": "A model answer", "zh": "参考回答"},
    "fb.try": {"en": "Try: {reason}", "zh": "试试:{reason}"},
    "fb.rephrase": {"en": "Instead of “{said}”: {example}", "zh": "别说“{said}”,可以说:{example}"},
    # Encounter and result
    "enc.stage": {"en": "Stage {n}/{total} · {title}: ", "zh": "第 {n}/{total} 阶段 · {title}:"},
    "mood.label": {"en": "Mood", "zh": "情绪"},
    "enc.you_are": {"en": "You are the ", "zh": "你的角色:"},
    "enc.hint": {"en": "Enter sends · Ctrl+J new line", "zh": "Enter 发送 · Ctrl+J 换行"},
    "enc.scoring": {"en": "Scoring…", "zh": "评分中……"},
    "fb.title": {"en": "Feedback", "zh": "反馈"},
    "fb.exam": {
        "en": "Exam mode: your replies are scored, and you see how at the end.",
        "zh": "考试模式:每句回复都会评分,结束时再看结果。",
    },
    "fb.waiting": {
        "en": "Feedback on each reply appears here.",
        "zh": "每句回复的反馈会显示在这里。",
    },
    "style.dominant": {"en": "dominant", "zh": "支配型"},
    "style.sociable": {"en": "sociable", "zh": "社交型"},
    "style.steady": {"en": "steady", "zh": "稳健型"},
    "style.analytical": {"en": "analytical", "zh": "分析型"},
    "mode.practice": {"en": "practice", "zh": "练习"},
    "mode.exam": {"en": "exam", "zh": "考试"},
    "mood.leaving": {"en": "about to leave", "zh": "快要走了"},
    "mood.upset": {"en": "upset", "zh": "生气"},
    "mood.uneasy": {"en": "uneasy", "zh": "不安"},
    "mood.calm": {"en": "calm", "zh": "平静"},
    "mood.happy": {"en": "happy", "zh": "满意"},
    "res.title": {"en": "Result · {title}", "zh": "结果 · {title}"},
    "res.stages": {"en": "Stages", "zh": "各阶段"},
    "res.dimensions": {"en": "Dimensions", "zh": "各维度"},
    "res.pass": {"en": "PASS", "zh": "通过"},
    "res.fail": {"en": "FAIL", "zh": "未通过"},
    "res.walked_out": {
        "en": "{customer} walked out at {stage}.",
        "zh": "{customer}在“{stage}”阶段离开了。",
    },
    "res.result": {"en": "Result", "zh": "结果"},
    "res.pass_mark": {"en": "pass mark {mark}", "zh": "及格线 {mark}"},
    # The HTML report
    "rep.title": {"en": "mot-sim report · {subject}", "zh": "mot-sim 报告 · {subject}"},
    "rep.kind.trainee": {"en": "Trainee report", "zh": "学员报告"},
    "rep.kind.cohort": {"en": "Cohort report", "zh": "班组报告"},
    "rep.kind.class": {"en": "Class report", "zh": "课堂报告"},
    "rep.sessions": {"en": "{n} session(s)", "zh": "{n} 次练习"},
    "rep.trainees": {"en": "{n} trainee(s)", "zh": "{n} 名学员"},
    "rep.generated": {"en": "generated {when}", "zh": "生成于 {when}"},
    "rep.average": {"en": "average score", "zh": "平均分"},
    "rep.best": {"en": "best score", "zh": "最高分"},
    "rep.passed_finished": {
        "en": "passed / finished (pass mark {mark})",
        "zh": "通过 / 完成(及格线 {mark})",
    },
    "rep.walked": {"en": "customers walked out", "zh": "客户离开"},
    "rep.per_trainee": {"en": "Per trainee", "zh": "每位学员"},
    "rep.per_scenario": {"en": "Per scenario", "zh": "每个场景"},
    "rep.finished_scores": {
        "en": "(scores of finished encounters; pass mark {mark})",
        "zh": "(已完成练习的分数;及格线 {mark})",
    },
    "rep.col.trainee": {"en": "Trainee", "zh": "学员"},
    "rep.col.scenario": {"en": "Scenario", "zh": "场景"},
    "rep.col.attempts": {"en": "Attempts", "zh": "次数"},
    "rep.col.best": {"en": "Best", "zh": "最高"},
    "rep.col.latest": {"en": "Latest", "zh": "最近"},
    "rep.col.passed": {"en": "Passed", "zh": "通过"},
    "rep.col.not_counted": {"en": "Not counted", "zh": "未计入"},
    "rep.yes": {"en": "yes", "zh": "是"},
    "rep.not_yet": {"en": "not yet", "zh": "尚未"},
    "rep.no_finished": {"en": "no finished attempt", "zh": "没有完成的练习"},
    "rep.no_sessions": {"en": "No sessions recorded.", "zh": "没有练习记录。"},
    "rep.dimensions": {"en": "Dimensions", "zh": "各维度"},
    "rep.stages": {"en": "Stages", "zh": "各阶段"},
    "rep.average_finished": {"en": "(average of finished encounters)", "zh": "(已完成练习的平均)"},
    "rep.bars": {"en": "Bars", "zh": "条形图"},
    "rep.from": {"en": "from {low}", "zh": "{low} 分起"},
    "rep.dashed": {
        "en": "the dashed line is the pass mark, {mark}.",
        "zh": "虚线为及格线 {mark}。",
    },
    "rep.bands": {"en": "Bands", "zh": "等级"},
    "rep.progress": {"en": "Progress over time", "zh": "进步趋势"},
    "rep.progress_note": {
        "en": "({lines}finished encounters by attempt)",
        "zh": "({lines}按次数排列的已完成练习)",
    },
    "rep.one_line": {"en": "one line per trainee, ", "zh": "每位学员一条线,"},
    "rep.attempt": {"en": "attempt", "zh": "次数"},
    "rep.pass_mark": {"en": "pass mark {mark}", "zh": "及格线 {mark}"},
    "rep.legend": {
        "en": " — filled: passed, open: not passed.",
        "zh": " —— 实心:通过,空心:未通过。",
    },
    "rep.no_progress": {"en": "No finished encounters yet.", "zh": "还没有完成的练习。"},
    "rep.phrasing": {"en": "Phrasing to work on", "zh": "需要改进的说法"},
    "rep.phrasing_note": {"en": "(bad rules hit most often)", "zh": "(最常出现的不当说法)"},
    "rep.col.times": {"en": "Times", "zh": "次数"},
    "rep.col.habit": {"en": "Habit", "zh": "习惯"},
    "rep.col.why": {"en": "Why it costs", "zh": "为什么扣分"},
    "rep.col.instead": {"en": "Say instead", "zh": "换个说法"},
    "rep.no_bad": {
        "en": "No bad phrasing recorded. Well done.",
        "zh": "没有不当说法的记录,做得好。",
    },
    "rep.replies_no_score": {
        "en": "{n} of {total} replies · no score",
        "zh": "{n}/{total} 句回复 · 无分数",
    },
    "rep.turn_meta": {
        "en": "· score {score} · mood {before} → {after}",
        "zh": "· 得分 {score} · 情绪 {before} → {after}",
    },
    "rep.state.completed": {"en": "completed", "zh": "已完成"},
    "rep.state.walked_out": {"en": "walked out", "zh": "客户离开"},
    "rep.state.unfinished": {"en": "unfinished", "zh": "未完成"},
    "rep.state.abandoned": {"en": "abandoned", "zh": "已放弃"},
    "rep.customer": {"en": "Customer", "zh": "客户"},
    "rep.footer": {
        "en": "mot-sim · scores are deterministic; every point traces to a phrase rule with its reason.",
        "zh": "mot-sim · 评分确定可复现;每一分都能追溯到一条说法规则及其理由。",
    },
    "rep.cap.none": {
        "en": "No finished encounters yet, so no averages",
        "zh": "还没有完成的练习,所以没有平均分",
    },
    "rep.cap.over": {
        "en": "Averages and pass rate over {n} finished encounter(s) ({completed} completed, {walked} walked out)",
        "zh": "平均分和通过率基于 {n} 次完成的练习({completed} 次完成,{walked} 次客户离开)",
    },
    "rep.cap.unfinished": {"en": "{n} unfinished", "zh": "{n} 次未完成"},
    "rep.cap.abandoned": {"en": "{n} abandoned", "zh": "{n} 次放弃"},
    "rep.cap.and": {"en": " and ", "zh": "和"},
    "rep.cap.not_counted": {"en": "; {left} not counted.", "zh": ";{left}未计入。"},
}


def tr(lang: str, key: str, **values: object) -> str:
    """The message ``key`` in ``lang`` (English when either is unknown), filled in."""
    entry = _MESSAGES.get(key)
    if entry is None:
        raise KeyError(f"no message {key!r}")
    text = entry.get(cast(Lang, lang), entry["en"])
    return text.format(**values) if values else text


def stage_title(stage: str, lang: str = "en") -> str:
    return tr(lang, f"stage.{stage}")


def dimension_name(dimension: str, lang: str = "en") -> str:
    return tr(lang, f"dimension.{dimension}")


def outcome_name(outcome: str, lang: str = "en") -> str:
    return tr(lang, f"outcome.{outcome}")


def band_name(band: str, lang: str = "en") -> str:
    """A band's name; bands a trainer added to the rubric keep their own name."""
    key = f"band.{band}"
    return tr(lang, key) if key in _MESSAGES else band


def choose(
    flag: str | None = None, setting: str | None = None, scenario_locale: str | None = None
) -> Lang:
    """The interface language: ``--lang``, then ``MOT_SIM_LANG``, then the ``language``
    setting, else the scenario's own locale, else English ("auto" chooses nothing)."""
    for value in (flag, os.environ.get(LANG_ENV), setting, scenario_locale):
        for lang in LANGS:
            if value == lang:
                return lang
    return "en"


def keys() -> list[str]:
    """Every message key (for tests: each has every language)."""
    return sorted(_MESSAGES)


def has(key: str, lang: str) -> bool:
    return lang in _MESSAGES.get(key, {})
