"""A self-contained HTML report for a trainee or a cohort (Jinja2, autoescaped).

Charts are inline SVG built from numbers only; every piece of text (names, replies,
scenario titles) reaches the page through autoescaping, never ``|safe``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from statistics import mean
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from mot_sim.stages import DIMENSIONS, STAGE_IDS, STAGE_TITLES
from mot_sim.store.records import SessionRecord

LATEST_TRANSCRIPTS = 3


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None


def _avg(values: list[int | None]) -> int | None:
    vals = [v for v in values if v is not None]
    return round(mean(vals)) if vals else None


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


def _progress(records: list[SessionRecord]) -> dict[str, Any]:
    """Points of the overall-score-over-time chart (x by order, y by score)."""
    done = [
        r.summary
        for r in records
        if r.summary.result is not None and r.summary.status != "in_progress"
    ]
    width, height, pad = 640, 200, 30
    n = len(done)
    points = []
    for i, s in enumerate(done):
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = height - pad - (height - 2 * pad) * (s.result.overall / 100 if s.result else 0)
        points.append(
            {
                "x": round(x, 1),
                "y": round(y, 1),
                "score": s.result.overall if s.result else 0,
                "date": s.started_at[:10],
                "scenario": s.scenario_id,
                "passed": bool(s.result and s.result.passed),
            }
        )
    pass_y = height - pad - (height - 2 * pad) * 0.6
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "points": points,
        "line": " ".join(f"{p['x']},{p['y']}" for p in points),
        "pass_y": round(pass_y, 1),
    }


def build_context(
    subject: str, kind: str, records: list[SessionRecord], titles: dict[str, str]
) -> dict[str, Any]:
    finished = [
        r for r in records if r.summary.result is not None and r.summary.status != "in_progress"
    ]
    results = [r.summary.result for r in finished if r.summary.result]
    bad: Counter[str] = Counter()
    info: dict[str, tuple[str, str]] = {}
    for r in records:
        for t in r.turns:
            for h in t.result.hits:
                if h.polarity == "bad":
                    bad[h.rule] += 1
                    info[h.rule] = (h.reason, h.better or "")
    latest = sorted(records, key=lambda r: r.summary.started_at, reverse=True)[:LATEST_TRANSCRIPTS]
    return {
        "subject": subject,
        "kind": kind,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "trainees": sorted({r.summary.trainee.name for r in records}),
        "count": len(records),
        "finished": len(finished),
        "passed": sum(1 for x in results if x.passed),
        "walked_out": sum(1 for x in results if x.walked_out),
        "average": _avg([x.overall for x in results]),
        "best": max((x.overall for x in results), default=None),
        "dimensions": [
            Bar(d.capitalize(), _avg([x.dimensions[d] for x in results])) for d in DIMENSIONS
        ],
        "stages": [Bar(STAGE_TITLES[s], _avg([x.stages[s] for x in results])) for s in STAGE_IDS],
        "progress": _progress(sorted(records, key=lambda r: r.summary.started_at)),
        "weakest": [
            {"rule": rule, "count": n, "reason": info[rule][0], "better": info[rule][1]}
            for rule, n in bad.most_common(8)
        ],
        "transcripts": [
            {
                "summary": r.summary,
                "title": titles.get(r.summary.scenario_id, r.summary.scenario_id),
                "turns": [
                    {
                        "turn": t,
                        "title": STAGE_TITLES[t.stage],
                        "segments": _segments(t.reply, t.result.hits),
                    }
                    for t in r.turns
                ],
            }
            for r in latest
        ],
        "titles": titles,
    }


def render_report(
    subject: str, kind: str, records: list[SessionRecord], titles: dict[str, str]
) -> str:
    loader = PackageLoader("mot_sim.reports", "templates")
    env = Environment(autoescape=True, loader=loader, undefined=StrictUndefined)
    return env.get_template("report.html.j2").render(build_context(subject, kind, records, titles))
