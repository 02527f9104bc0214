"""What the score log holds, as the app's own types (no rows escape the store)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mot_sim.engine import FinalResult, Turn
from mot_sim.stages import Mode


@dataclass(frozen=True)
class Trainee:
    name: str
    employee_id: str | None = None
    cohort: str | None = None


@dataclass(frozen=True)
class SessionSummary:
    """One session without its turns: enough for lists, history and CSV rows."""

    id: str
    trainee: Trainee
    scenario_id: str
    content_hash: str
    mode: Mode
    started_at: str  # ISO 8601, UTC
    ended_at: str | None
    status: str  # in_progress, completed, walked_out, abandoned
    result: FinalResult | None
    turn_count: int = 0


@dataclass(frozen=True)
class SessionRecord:
    """A session with all its turns."""

    summary: SessionSummary
    turns: list[Turn] = field(default_factory=list)
