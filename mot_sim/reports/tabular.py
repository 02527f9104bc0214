"""CSV and JSON Lines exports, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from mot_sim.stages import DIMENSIONS, STAGE_IDS
from mot_sim.store.records import SessionRecord, SessionSummary

# OWASP CSV injection: a cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would treat as a formula gets a leading apostrophe; numbers
    stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


SESSION_COLUMNS = [
    "session_id",
    "trainee",
    "employee_id",
    "cohort",
    "scenario",
    "content_hash",
    "mode",
    "status",
    "started_at",
    "ended_at",
    "overall",
    "band",
    "passed",
    "walked_out",
    *DIMENSIONS,
    *STAGE_IDS,
    "replies",
]
TURN_COLUMNS = [
    "session_id",
    "trainee",
    "employee_id",
    "cohort",
    "scenario",
    "mode",
    "turn",
    "stage",
    "customer_line",
    "reply",
    "score",
    "outcome",
    *DIMENSIONS,
    "mood_before",
    "mood_after",
    "seconds",
    "good_rules",
    "bad_rules",
]


def session_row(s: SessionSummary) -> list[Any]:
    r = s.result
    return [
        s.id,
        s.trainee.name,
        s.trainee.employee_id or "",
        s.trainee.cohort or "",
        s.scenario_id,
        s.content_hash,
        s.mode,
        s.status,
        s.started_at,
        s.ended_at or "",
        "" if r is None else r.overall,
        "" if r is None else r.band,
        "" if r is None else int(r.passed),
        "" if r is None else int(r.walked_out),
        *[("" if r is None or r.dimensions[d] is None else r.dimensions[d]) for d in DIMENSIONS],
        *[("" if r is None or r.stages[k] is None else r.stages[k]) for k in STAGE_IDS],
        s.turn_count,
    ]


def turn_rows(rec: SessionRecord) -> Iterable[list[Any]]:
    s = rec.summary
    for t in rec.turns:
        res = t.result
        yield [
            s.id,
            s.trainee.name,
            s.trainee.employee_id or "",
            s.trainee.cohort or "",
            s.scenario_id,
            s.mode,
            t.index + 1,
            t.stage,
            " ".join(t.customer_lines),
            t.reply,
            res.score,
            res.outcome,
            *[("" if res.dimensions[d] is None else res.dimensions[d]) for d in DIMENSIONS],
            t.mood_before,
            t.mood_after,
            "" if t.seconds is None else round(t.seconds, 1),
            " ".join(h.rule for h in res.hits if h.polarity == "good"),
            " ".join(h.rule for h in res.hits if h.polarity == "bad"),
        ]


def to_csv(header: list[str], rows: Iterable[list[Any]]) -> str:
    """RFC 4180 CSV (CRLF line ends, quotes where needed), every text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def session_json(rec: SessionRecord) -> dict[str, Any]:
    s = rec.summary
    return {
        "session_id": s.id,
        "trainee": {
            "name": s.trainee.name,
            "employee_id": s.trainee.employee_id,
            "cohort": s.trainee.cohort,
        },
        "scenario": s.scenario_id,
        "content_hash": s.content_hash,
        "mode": s.mode,
        "status": s.status,
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "result": None if s.result is None else s.result.to_dict(),
        "turns": [t.to_dict() for t in rec.turns],
    }


def to_jsonl(records: Iterable[SessionRecord]) -> str:
    return "".join(json.dumps(session_json(r), ensure_ascii=False) + "\n" for r in records)
