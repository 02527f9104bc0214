"""CSV and JSON Lines exports, safe to open in a spreadsheet.

Only a finished encounter (completed, or the customer walked out) has a score: an
unfinished or abandoned session has its status and reply count, and empty score cells,
never a 0 that a spreadsheet would average as a failure.

``--excel`` CSV is for a double-click: a UTF-8 byte-order mark (so "José Müller" is not
read as Windows-1252), dates as "2026-11-23 14:05:00" in UTC (said in the header), which
Excel reads as dates, and the short session ids ``mot-sim show`` accepts.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mot_sim.classroom import scores
from mot_sim.classroom.models import Override
from mot_sim.stages import DIMENSIONS, STAGE_IDS
from mot_sim.store.records import SessionRecord, SessionSummary

if TYPE_CHECKING:
    from mot_sim.models import Rubric

# OWASP CSV injection: a cell starting with one of these is run as a formula by spreadsheets.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would treat as a formula gets a leading apostrophe; numbers
    stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


BOM = "\ufeff"
SHORT_ID = 8  # as long as a session id prefix that `mot-sim show` takes
_DATE_COLUMNS = {
    "started_at": "started (UTC)",
    "ended_at": "ended (UTC)",
    "answered_at": "answered (UTC)",
}


def short_ids(ids: Iterable[str], length: int = SHORT_ID) -> dict[str, str]:
    """The shortest prefix of each id, at least ``length`` long, that no other id shares."""
    ordered = sorted(set(ids))
    out: dict[str, str] = {}
    for i, sid in enumerate(ordered):
        need = length
        for other in ordered[max(0, i - 1) : i] + ordered[i + 1 : i + 2]:
            common = next(
                (k for k, (a, b) in enumerate(zip(sid, other, strict=False)) if a != b),
                min(len(sid), len(other)),
            )
            need = max(need, common + 1)
        out[sid] = sid[:need]
    return out


def excel_time(iso: str | None) -> str:
    """An ISO 8601 time as Excel reads a date and time: UTC, a space, no zone."""
    if not iso:
        return ""
    when = datetime.fromisoformat(iso)
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class CsvStyle:
    """Plain CSV for tools (ISO times, full ids), or CSV for Excel."""

    excel: bool = False
    ids: Mapping[str, str] = field(default_factory=dict)  # full id -> short id (Excel)

    def session_id(self, sid: str) -> str:
        return self.ids.get(sid, sid[:SHORT_ID]) if self.excel else sid

    def time(self, iso: str | None) -> str:
        return excel_time(iso) if self.excel else (iso or "")

    def header(self, columns: list[str]) -> list[str]:
        return [_DATE_COLUMNS.get(c, c) for c in columns] if self.excel else columns


PLAIN = CsvStyle()

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
    # A trainer's overrides: "overall" stays the machine's score, this one applies them.
    "overall_with_overrides",
    "overridden_replies",
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
    "answered_at",
    # "score" stays the machine's; the trainer's override (the latest) beside it.
    "override_score",
    "override_reason",
    "override_by",
    "override_at",
]


def session_row(
    s: SessionSummary,
    style: CsvStyle = PLAIN,
    overrides: scores.Latest | None = None,
    rubric: Rubric | None = None,
) -> list[Any]:
    r = s.result if s.finished else None
    found = overrides or {}
    mine = sum(1 for sid, _ in found if sid == s.id)
    return [
        style.session_id(s.id),
        s.trainee.name,
        s.trainee.employee_id or "",
        s.trainee.cohort or "",
        s.scenario_id,
        s.content_hash,
        s.mode,
        s.state,
        style.time(s.started_at),
        style.time(s.ended_at),
        "" if r is None else r.overall,
        "" if r is None else r.band,
        "" if r is None else int(r.passed),
        "" if r is None else int(r.walked_out),
        *[("" if r is None or r.dimensions[d] is None else r.dimensions[d]) for d in DIMENSIONS],
        *[("" if r is None or r.stages[k] is None else r.stages[k]) for k in STAGE_IDS],
        s.turn_count,
        "" if r is None else scores.overall(r, s.id, found, rubric),
        mine,
    ]


def turn_rows(
    rec: SessionRecord, style: CsvStyle = PLAIN, overrides: scores.Latest | None = None
) -> Iterable[list[Any]]:
    s = rec.summary
    for t in rec.turns:
        res = t.result
        o = (overrides or {}).get((s.id, t.stage))
        yield [
            style.session_id(s.id),
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
            style.time(t.at),
            "" if o is None else o.new_score,
            "" if o is None else o.reason,
            "" if o is None else o.by,
            "" if o is None else style.time(o.at),
        ]


def to_csv(header: list[str], rows: Iterable[list[Any]], style: CsvStyle = PLAIN) -> str:
    """RFC 4180 CSV (CRLF line ends, quotes where needed), every text cell neutralised."""
    out = io.StringIO()
    if style.excel:
        out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(style.header(header))
    for row in rows:
        writer.writerow([neutralise(v) for v in row])
    return out.getvalue()


def session_json(
    rec: SessionRecord,
    overrides: Sequence[Override] = (),
    rubric: Rubric | None = None,
) -> dict[str, Any]:
    s = rec.summary
    mine = [o for o in overrides if o.session_id == s.id]
    finished = s.result is not None and s.finished
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
        "status": s.state,
        "started_at": s.started_at,
        "ended_at": s.ended_at,
        "replies": s.turn_count,
        "result": None if s.result is None or not s.finished else s.result.to_dict(),
        "overall_with_overrides": (
            scores.overall(s.result, s.id, scores.latest(mine), rubric)
            if finished and s.result is not None
            else None
        ),
        "overrides": [asdict(o) for o in mine],  # the whole audit trail, oldest first
        "turns": [t.to_dict() for t in rec.turns],
    }


def to_jsonl(
    records: Iterable[SessionRecord],
    overrides: Sequence[Override] = (),
    rubric: Rubric | None = None,
) -> str:
    return "".join(
        json.dumps(session_json(r, overrides, rubric), ensure_ascii=False) + "\n" for r in records
    )
