"""The classroom service: what the CLI, the trainer console and the trainee's join use.

Between the UI and the store (no screen touches SQL). Every operation reads or writes
the score log, the one meeting point of the room's processes; nothing is kept in memory
between calls, so a console in one process sees what a trainee in another just did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from mot_sim.classroom.models import (
    Assignment,
    AssignmentProgress,
    ClassSession,
    ClassSummary,
    Debrief,
    LeaderboardEntry,
    Override,
    RosterEntry,
)
from mot_sim.errors import MotSimError
from mot_sim.stages import Mode

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog
    from mot_sim.store.base import Store


class ClassError(MotSimError):
    """A join or class command refused: wrong code, closed class, wrong password. The
    message says which, and names nothing of any other class."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # "code", "closed", "password", "scenario", "input"


class Classroom:
    """Classes on one score log, for the scenarios of one catalogue."""

    def __init__(self, store: Store, catalog: Catalog | None = None) -> None:
        self.store = store
        self.catalog = catalog

    # -- the session -------------------------------------------------------------------
    def start(
        self,
        scenarios: Sequence[str],
        mode: Mode,
        timer: int | None = None,
        cohort: str | None = None,
        password: str | None = None,
        created_by: str | None = None,
    ) -> ClassSession:
        """Open a class with a fresh join code."""
        raise NotImplementedError

    def get(self, code: str) -> ClassSession:
        """A class by its code (as typed); :class:`ClassError` if there is none."""
        raise NotImplementedError

    def join(self, code: str, trainee: str, password: str | None = None) -> ClassSession:
        """Put ``trainee`` in the class; :class:`ClassError` for a wrong code, a closed
        class or a wrong password."""
        raise NotImplementedError

    def end(self, code: str) -> ClassSummary:
        """Close the class (no more joins) and summarise it."""
        raise NotImplementedError

    # -- the room ----------------------------------------------------------------------
    def roster(self, code: str) -> list[RosterEntry]:
        """Who joined, in order, and where each one is."""
        raise NotImplementedError

    def leaderboard(self, code: str, anonymous: bool = False) -> list[LeaderboardEntry]:
        """Trainees by score (finished ones first), named or as "Trainee N"."""
        raise NotImplementedError

    def changed(self, code: str | None = None) -> str:
        """A cheap token that changes whenever the class's data (or, without a code,
        anything in the log the classroom shows) changes: poll it, re-read when it moves."""
        raise NotImplementedError

    # -- debrief -----------------------------------------------------------------------
    def debrief(self, code: str, stage: str, scenario_id: str | None = None) -> Debrief:
        """The room's replies at ``stage``, anonymised, with scores, hits, marks and the
        model answer."""
        raise NotImplementedError

    def star(self, code: str, session_id: str, stage: str, starred: bool = True) -> None:
        """Mark a reply as the room's best at its stage (one per stage), or unmark it."""
        raise NotImplementedError

    def hide(self, code: str, session_id: str, stage: str, hidden: bool = True) -> None:
        """Hide a reply from the projector, or show it again."""
        raise NotImplementedError

    def reveal(self, code: str, stage: str, revealed: bool = True) -> None:
        """Show (or hide again) a stage's replies on the projector."""
        raise NotImplementedError

    # -- overrides ---------------------------------------------------------------------
    def override(self, session_id: str, stage: str, score: int, reason: str, by: str) -> Override:
        """Record a trainer's score for a reply, beside the machine's (which is kept)."""
        raise NotImplementedError

    def overrides(self, session_id: str | None = None) -> list[Override]:
        """The audit trail, oldest first (of one session, or all)."""
        raise NotImplementedError

    # -- the end -----------------------------------------------------------------------
    def summary(self, code: str) -> ClassSummary:
        """Per trainee, per stage, and the room's weakest rules (overrides applied)."""
        raise NotImplementedError

    # -- assignments -------------------------------------------------------------------
    def assign(
        self, cohort: str, scenario_id: str, due: str, assigned_by: str | None = None
    ) -> Assignment:
        """Set (or move the due date of) a scenario for a cohort."""
        raise NotImplementedError

    def assignments(
        self, cohort: str | None = None, trainee: str | None = None, today: str | None = None
    ) -> list[AssignmentProgress]:
        """Each assignment with each trainee's status (of a cohort, or of one trainee in
        their cohort): not started, in progress, overdue or done."""
        raise NotImplementedError
