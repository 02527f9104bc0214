"""A self-contained HTML report for a trainee or a cohort (Jinja2, autoescaped).

Charts are inline SVG built from numbers only; every piece of text (names, replies,
scenario titles) reaches the page through autoescaping, never ``|safe``, and is cleaned
of control characters on the way (a shared log may hold terminal escapes). The pass mark,
the colours of score bars and the band names come from the rubric the scores were made
with, never from numbers written here. Averages and pass rates count finished encounters
only, and the report says how many it left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from statistics import mean
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from mot_sim.classroom import scores
from mot_sim.classroom.models import AssignmentProgress, ClassSummary, Override
from mot_sim.i18n import band_name, dimension_name, outcome_name, stage_title, tr
from mot_sim.matching.text import clean_text
from mot_sim.models import Rubric
from mot_sim.reports.summary import tally, trainee_table
from mot_sim.stages import DIMENSIONS, STAGE_IDS
from mot_sim.store.records import SessionRecord, SessionSummary, trainee_key

LATEST_TRANSCRIPTS = 3
# Line colours for trainees (colour-blind-safe first: Okabe-Ito, then Tableau); after
# these, the colours repeat with a dash pattern so every line stays distinct.
PALETTE = (
    "#0072b2",
    "#d55e00",
    "#009e73",
    "#cc79a7",
    "#e69f00",
    "#56b4e9",
    "#000000",
    "#8c564b",
    "#7f7f7f",
    "#bcbd22",
)
DASHES = ("", "6 3", "2 3", "8 3 2 3")
OUTCOME_COLOURS = {"good": "#12805c", "mixed": "#dc6803", "poor": "#c01048"}

# Geometry of the progress chart. The right gutter holds the pass-mark label, outside
# the plot, so no point or line can run over it.
CHART_W, CHART_H = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 36, 96, 16, 34
INSET, SPREAD = 16, 12  # points keep clear of the axes; same-score trainees drawn apart


# The classroom's words in the report, by language (English stands in for a missing one).
CLASSROOM_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "class": "Class",
        "ended": "ended",
        "open": "still open",
        "sessions": "Sessions",
        "finished": "Finished",
        "room": "The room (average per stage)",
        "weakest": "Weakest rules of the room",
        "trainees": "Trainees",
        "assignments": "Assignments",
        "due": "Due",
        "status": "Status",
        "not_started": "not started",
        "in_progress": "in progress",
        "overdue": "overdue",
        "done": "done",
        "overrides": "Trainers' overrides",
        "overrides_note": "(the machine's score is kept beside each; the latest override counts)",
        "applied": "Scores count the trainers' overrides listed below.",
        "session": "Session",
        "stage": "Stage",
        "machine": "Machine",
        "trainer": "Trainer",
        "by": "By",
        "when": "When (UTC)",
        "reason": "Reason",
    },
    "zh": {
        "class": "课堂",
        "ended": "已结束",
        "open": "进行中",
        "sessions": "练习次数",
        "finished": "已完成",
        "room": "全班(各阶段平均)",
        "weakest": "全班最常见的问题",
        "trainees": "学员数",
        "assignments": "作业",
        "due": "截止日期",
        "status": "状态",
        "not_started": "未开始",
        "in_progress": "进行中",
        "overdue": "已逾期",
        "done": "已完成",
        "overrides": "培训师改分",
        "overrides_note": "(保留机器评分;以最近一次改分为准)",
        "applied": "分数已计入下文所列的培训师改分。",
        "session": "练习",
        "stage": "阶段",
        "machine": "机器评分",
        "trainer": "培训师评分",
        "by": "改分人",
        "when": "时间(UTC)",
        "reason": "理由",
    },
}


@dataclass(frozen=True)
class ClassroomPart:
    """What a report shows of the classroom: overrides, a class summary, assignments."""

    overrides: list[Override] = field(default_factory=list)
    class_summary: ClassSummary | None = None
    assignments: list[AssignmentProgress] = field(default_factory=list)
    rubric: Rubric | None = None


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    colour: str = OUTCOME_COLOURS["poor"]


def _avg(values: list[int | None]) -> int | None:
    vals = [v for v in values if v is not None]
    return round(mean(vals)) if vals else None


def _bar(rubric: Rubric, label: str, value: int | None) -> Bar:
    # Dimension and stage averages are reply scores: coloured by the rubric's outcomes.
    return Bar(label, value, OUTCOME_COLOURS[rubric.outcome_for(value or 0)])


def _outcome_legend(rubric: Rubric) -> list[tuple[str, str, int]]:
    """(outcome, colour, lowest whole score) as the rubric itself decides outcomes."""
    lowest: dict[str, int] = {}
    for score in range(100, -1, -1):
        lowest[rubric.outcome_for(score)] = score
    ordered = sorted(lowest.items(), key=lambda item: -item[1])
    return [(name, OUTCOME_COLOURS[name], low) for name, low in ordered]


def _segments(text: str, hits: list[Any]) -> list[tuple[str, str]]:
    """Split a reply into (text, css class) pieces: plain, good or bad words."""
    marks = sorted((h.span[0], h.span[1], h.polarity) for h in hits)
    out: list[tuple[str, str]] = []
    pos = 0
    for start, end, polarity in marks:
        if start < pos or end > len(text):
            continue  # overlapping hits: the first one shown wins
        if start > pos:
            out.append((text[pos:start], ""))
        out.append((text[start:end], polarity))
        pos = end
    if pos < len(text):
        out.append((text[pos:], ""))
    return out


def _y(score: float) -> float:
    return round(CHART_H - BOTTOM - (CHART_H - TOP - BOTTOM) * score / 100, 1)


def _progress(
    sessions: list[SessionSummary], rubric: Rubric, titles: dict[str, str]
) -> dict[str, Any]:
    """One line per trainee: finished encounters by attempt number (x), score (y)."""
    people: dict[str, list[SessionSummary]] = {}
    for s in sorted(sessions, key=lambda x: x.started_at):
        if s.finished and s.result is not None:
            people.setdefault(trainee_key(s.trainee.name), []).append(s)
    most = max((len(v) for v in people.values()), default=0)
    inner = LEFT + INSET, CHART_W - RIGHT - INSET
    # Trainees with the same scores would hide each other's lines: each is nudged
    # sideways a little (at most SPREAD px across the cohort).
    nudge = SPREAD / (len(people) - 1) if len(people) > 1 else 0.0

    def x(i: int, n: int | None = None) -> float:
        share = i / (most - 1) if most > 1 else 0.5
        offset = n * nudge - SPREAD / 2 if n is not None and len(people) > 1 else 0.0
        return round(inner[0] + (inner[1] - inner[0]) * share + offset, 1)

    lines = []
    for n, (_key, done) in enumerate(sorted(people.items())):
        colour, dash = PALETTE[n % len(PALETTE)], DASHES[n // len(PALETTE) % len(DASHES)]
        points = [
            {
                "x": x(i, n),
                "y": _y(s.result.overall),
                "score": s.result.overall,
                "passed": s.result.passed,
                "label": f"{s.trainee.name} · attempt {i + 1} · {s.started_at[:10]} · "
                f"{titles.get(s.scenario_id, s.scenario_id)} · {s.result.overall} "
                f"({s.result.band})",
            }
            for i, s in enumerate(done)
            if s.result is not None
        ]
        lines.append(
            {
                "name": done[0].trainee.name,
                "colour": colour,
                "dash": dash,
                "points": points,
                "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            }
        )
    return {
        "width": CHART_W,
        "height": CHART_H,
        "left": LEFT,
        "right": CHART_W - RIGHT,
        "top": TOP,
        "bottom": CHART_H - BOTTOM,
        "lines": lines,
        "label_scores": len(lines) == 1,  # one trainee: room to print each score
        "pass_mark": round(rubric.pass_mark),
        "pass_y": _y(rubric.pass_mark),
        "ticks": [{"value": v, "y": _y(v)} for v in (0, 50, 100)],
        "xticks": [{"n": i + 1, "x": x(i)} for i in range(most)] if most <= 20 else [],
    }


def build_context(
    subject: str,
    kind: str,
    records: list[SessionRecord],
    titles: dict[str, str],
    rubric: Rubric,
    lang: str = "en",
    classroom: ClassroomPart | None = None,
) -> dict[str, Any]:
    part = classroom or ClassroomPart()
    found = scores.latest(part.overrides)
    # One score per encounter everywhere it is counted: the trainers' overrides applied
    # (the transcripts below show the machine's beside each override).
    summaries = [scores.applied(r.summary, found, rubric) for r in records]
    counted = {s.id: s for s in summaries}
    counts = tally(summaries)
    results = [s.result for s in summaries if s.finished and s.result is not None]
    bad: Counter[str] = Counter()
    info: dict[str, tuple[str, str]] = {}
    for r in records:
        for t in r.turns:
            for h in t.result.hits:
                if h.polarity == "bad":
                    bad[h.rule] += 1
                    info[h.rule] = (h.reason, h.better or "")
    # Newest first; of sessions begun the same second, the one recorded later.
    by_time = sorted(records, key=lambda r: r.summary.started_at)
    latest = by_time[::-1][:LATEST_TRANSCRIPTS]
    return {
        "subject": subject,
        "kind": kind,
        "group": kind != "trainee",  # a cohort or a class: one row per trainee
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "trainees": sorted({trainee_key(s.trainee.name) for s in summaries}),
        "count": len(records),
        "tally": counts,
        "pass_mark": round(rubric.pass_mark),
        "stage_count": len(STAGE_IDS),
        "bands": sorted(rubric.bands, key=lambda b: -b.min),
        "outcomes": _outcome_legend(rubric),
        "dimensions": [
            _bar(
                rubric,
                dimension_name(d, lang).capitalize(),
                _avg([x.dimensions[d] for x in results]),
            )
            for d in DIMENSIONS
        ],
        "stages": [
            _bar(rubric, stage_title(s, lang), _avg([x.stages[s] for x in results]))
            for s in STAGE_IDS
        ],
        "progress": _progress(summaries, rubric, titles),
        "table": trainee_table(summaries),
        "weakest": [
            {"rule": rule, "count": n, "reason": info[rule][0], "better": info[rule][1]}
            for rule, n in bad.most_common(8)
        ],
        "transcripts": [
            {
                "summary": counted[r.summary.id],
                "title": titles.get(r.summary.scenario_id, r.summary.scenario_id),
                "turns": [
                    {
                        "turn": t,
                        "title": stage_title(t.stage, lang),
                        "segments": _segments(t.reply, t.result.hits),
                        "override": found.get((r.summary.id, t.stage)),
                    }
                    for t in r.turns
                ],
            }
            for r in latest
        ],
        "titles": titles,
        "classroom": {
            "summary": part.class_summary,
            "assignments": part.assignments,
            "overrides": part.overrides,
            "names": {r.summary.id: r.summary.trainee.name for r in records},
        },
        "cw": lambda key: CLASSROOM_WORDS.get(lang, CLASSROOM_WORDS["en"]).get(
            key, CLASSROOM_WORDS["en"][key]
        ),
        "stage_name": lambda stage: stage_title(stage, lang),
        "lang": lang,
        "caption": counts.caption_in(lang)
        + (" " + CLASSROOM_WORDS.get(lang, CLASSROOM_WORDS["en"])["applied"] if found else ""),
        "t": lambda key, **values: tr(lang, f"rep.{key}", **values),
        "outcome_name": lambda name: outcome_name(name, lang),
        "band_name": lambda name: band_name(name, lang),
    }


def _printable(value: Any) -> Any:
    """Every value the template prints, without control characters (then autoescaped)."""
    if isinstance(value, Markup):
        return Markup(clean_text(str(value)))
    return clean_text(value) if isinstance(value, str) else value


def render_report(
    subject: str,
    kind: str,
    records: list[SessionRecord],
    titles: dict[str, str],
    rubric: Rubric,
    lang: str = "en",
    classroom: ClassroomPart | None = None,
) -> str:
    """The report as one self-contained HTML page, its own words in ``lang`` (with the
    classroom's part: overrides, the class summary, assignments, when given)."""
    loader = PackageLoader("mot_sim.reports", "templates")
    # autoescape: trainee text is escaped wherever the template prints it.
    env = Environment(autoescape=True, loader=loader, undefined=StrictUndefined)
    env.finalize = _printable
    context = build_context(subject, kind, records, titles, rubric, lang, classroom)
    return env.get_template("report.html.j2").render(context)
