"""Scores with trainers' overrides applied, beside the machine's (which never change).

An override replaces a reply's score where a score is shown or counted; the latest
override of a reply is the one that counts, the earlier ones stay in the audit trail.
An encounter's overall score is recomputed from its stage scores as the engine does
(the rubric's stage importance), so an override moves it the way a better reply would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from mot_sim.classroom.models import Override
from mot_sim.stages import STAGE_IDS

if TYPE_CHECKING:
    from mot_sim.engine import FinalResult
    from mot_sim.models import Rubric

Latest = dict[tuple[str, str], Override]  # (session id, stage) -> the override that counts


def latest(overrides: Iterable[Override]) -> Latest:
    """The override that counts for each reply: the latest (ties: the later in the trail)."""
    out: Latest = {}
    for o in overrides:
        key = (o.session_id, o.stage)
        if key not in out or o.at >= out[key].at:
            out[key] = o
    return out


def reply_score(machine: int, session_id: str, stage: str, found: Latest) -> int:
    """A reply's score as it counts: the trainer's, if overridden, else the machine's."""
    o = found.get((session_id, stage))
    return machine if o is None else o.new_score


def overall(result: FinalResult, session_id: str, found: Latest, rubric: Rubric | None) -> int:
    """The encounter's overall score with its overrides applied (the machine's without
    any, or without the rubric to recompute it)."""
    changed: Mapping[str, int] = {
        stage: o.new_score for (sid, stage), o in found.items() if sid == session_id
    }
    if not changed or rubric is None:
        return result.overall
    stages = {s: changed.get(s, result.stages.get(s)) for s in STAGE_IDS}
    weight = sum(rubric.stage_importance.values())
    total = sum(rubric.stage_importance[s] * (stages[s] or 0) for s in STAGE_IDS)
    return int(total / weight + 0.5) if weight else result.overall


def passed(result: FinalResult, score: int, rubric: Rubric | None) -> bool:
    """Whether the encounter passes at ``score`` (only a completed one can)."""
    if rubric is None:
        return result.passed
    return score >= rubric.pass_mark and result.status == "completed"
