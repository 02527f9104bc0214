"""What the score log holds, as the app's own types (no rows escape the store)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from mot_sim.engine import FinalResult, Status, Turn
from mot_sim.matching.clean import clean_text
from mot_sim.stages import Mode

# What HR sees: a session still "in progress" in the log is, at export time, unfinished
# (left to resume later, or a closed terminal); nobody can tell it is being played now.
State = Literal["completed", "walked_out", "unfinished", "abandoned"]
STATES: tuple[State, ...] = ("completed", "walked_out", "unfinished", "abandoned")
# Encounters that reached an end the trainee is judged on: all five stages answered, or
# the customer walked out. Only these have a score, and only these count in averages.
FINISHED: tuple[Status, ...] = ("completed", "walked_out")
_STATE: dict[Status, State] = {
    "in_progress": "unfinished",
    "completed": "completed",
    "walked_out": "walked_out",
    "abandoned": "abandoned",
}


# The 8-bit forms of CSI and of the string controls (DCS, SOS, OSC, PM, APC) with their
# parameters: clean_text drops the control character, this drops the whole sequence.
_C1_SEQUENCE = re.compile(
    r"\x9b[0-?]*[ -/]*[@-~]|[\x90\x98\x9d-\x9f][^\x07\x9c\x1b]*(?:\x07|\x9c|\x1b\\)?"
)


def clean_display(text: str) -> str:
    """Text safe to show: no terminal control sequence, 7-bit or 8-bit (newlines and tabs
    kept)."""
    return clean_text(_C1_SEQUENCE.sub("", text))


def clean_identity(value: str) -> str:
    """An identity field (name, employee id, cohort) as kept and shown: no control
    characters or terminal escapes, whitespace collapsed to single spaces."""
    return " ".join(clean_display(value).split())


def trainee_key(name: str) -> str:
    """The identity of a trainee's name: "alex park", "Alex  Park" and "ＡＬＥＸ PARK" are
    one person (Unicode NFKC, case folded, whitespace collapsed, control characters
    dropped)."""
    folded = unicodedata.normalize("NFKC", clean_display(name)).casefold()
    # Case folding can undo NFKC (e.g. "ß" -> "ss" is fine, but some folds decompose).
    return " ".join(unicodedata.normalize("NFKC", folded).split())


def cohort_spellings(known: Iterable[str | None], cohort: str) -> tuple[str, ...]:
    """Every recorded spelling of ``cohort``, first recorded first, or the cleaned input
    if it is new. A cohort is keyed like a name: "Spring A", "spring  a" and "SPRING A"
    typed by different trainers are one cohort, shown as first recorded."""
    key = trainee_key(cohort)
    out: list[str] = []
    for spelling in known:
        if spelling is not None and spelling not in out and trainee_key(spelling) == key:
            out.append(spelling)
    return tuple(out) or (clean_identity(cohort),)


def display_name(name: str) -> str:
    """A name as shown: as typed, with surrounding and repeated whitespace and control
    characters removed."""
    return clean_identity(name)


@dataclass(frozen=True)
class Trainee:
    name: str
    employee_id: str | None = None
    cohort: str | None = None


@dataclass(frozen=True)
class SessionSummary:
    """One session without its turns: enough for lists, history and CSV rows.

    ``result`` is set only for a finished encounter (completed, or the customer walked
    out). An unfinished or abandoned one has none: it is not a failed attempt, and its
    partial scores stay in its turns.
    """

    id: str
    trainee: Trainee
    scenario_id: str
    content_hash: str
    mode: Mode
    started_at: str  # ISO 8601, UTC
    ended_at: str | None
    status: Status  # as the engine left it: in_progress, completed, walked_out, abandoned
    result: FinalResult | None
    turn_count: int = 0

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def state(self) -> State:
        """The status as reports and exports name it."""
        return _STATE[self.status]


@dataclass(frozen=True)
class SessionRecord:
    """A session with all its turns."""

    summary: SessionSummary
    turns: list[Turn] = field(default_factory=list)
