"""The store interface every backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from mot_sim.classroom.models import (
    Assignment,
    ClassSession,
    DebriefMark,
    Member,
    Override,
    StoredClass,
)
from mot_sim.engine import FinalResult, Turn
from mot_sim.stages import Mode
from mot_sim.store.records import SessionRecord, SessionSummary, Trainee
from mot_sim.store.transfer import ClassroomRows, Held, ImportTx, SessionRow, TraineeRow, TurnRow


class Store(Protocol):
    """Durable record of trainees, sessions and turns."""

    path: str
    # Sessions the reads so far skipped because their records are damaged: id -> why.
    damaged: dict[str, str]

    def upsert_trainee(self, trainee: Trainee) -> Trainee:
        """Create the trainee, or update the employee id and cohort given (not None); the
        trainee as recorded (the name as first entered, however it was typed now)."""

    def find_trainee(self, name: str) -> Trainee | None:
        """The person with this name (however typed), or None."""

    def trainees(self, cohort: str | None = None) -> list[Trainee]:
        """Every person (of a cohort), in the order they were first recorded."""

    def start_session(
        self,
        session_id: str,
        trainee: str,
        scenario_id: str,
        content_hash: str,
        mode: Mode,
        class_code: str | None = None,
    ) -> None:
        """Record that an encounter began (in a class, if ``class_code``: one write)."""

    def add_turn(self, session_id: str, turn: Turn) -> None:
        """Record one scored turn; durable when this returns."""

    def finish_session(self, session_id: str, status: str, result: FinalResult) -> None:
        """Record how the encounter ended."""

    def sessions(
        self,
        trainee: str | None = None,
        cohort: str | None = None,
        since: str | None = None,
        status: str | None = None,
        class_code: str | None = None,
    ) -> list[SessionSummary]:
        """Sessions, oldest first, filtered by what is given; damaged ones are left out
        and noted in ``damaged``."""

    def records(
        self,
        trainee: str | None = None,
        cohort: str | None = None,
        since: str | None = None,
        class_code: str | None = None,
    ) -> list[SessionRecord]:
        """Sessions with their turns, oldest first, filtered by what is given."""

    def session(self, session_id: str) -> SessionRecord:
        """One session with its turns; ``session_id`` may be a unique prefix. A damaged
        record raises :class:`~mot_sim.errors.StoreError` saying so."""

    def session_ids(self) -> list[str]:
        """Every session id in the log (to shorten ids without making them ambiguous)."""

    def best_score(self, trainee: str, scenario_id: str) -> int | None:
        """The trainee's best finished score on a scenario."""

    # -- the classroom (mot_sim.classroom) -----------------------------------------------
    def create_class(self, cls: ClassSession, password_hash: str | None) -> bool:
        """Record a new class; False if its code is taken (draw another)."""

    def get_class(self, code: str) -> StoredClass | None:
        """The class with this (normalised) code, or None. A damaged row raises
        :class:`~mot_sim.errors.StoreError`."""

    def close_class(self, code: str, at: str) -> None:
        """Record that the class closed (the first close counts)."""

    def add_member(self, code: str, trainee: str) -> None:
        """Record that ``trainee`` joined the class (again: nothing changes)."""

    def members(self, code: str) -> list[Member]:
        """Who joined, in the order they joined (damaged rows skipped)."""

    def add_override(self, override: Override) -> None:
        """Append an override to the audit trail (nothing is ever updated)."""

    def overrides(self, session_ids: Sequence[str] | None = None) -> list[Override]:
        """Overrides, oldest first, of these sessions or all; damaged rows are skipped and
        noted in ``damaged`` under their session."""

    def set_mark(
        self,
        code: str,
        session_id: str,
        stage: str,
        starred: bool | None = None,
        hidden: bool | None = None,
    ) -> None:
        """Star or unstar, hide or show one reply; starring clears the stage's other star."""

    def marks(self, code: str) -> list[DebriefMark]:
        """Every reply the trainer marked in the class."""

    def set_revealed(self, code: str, stage: str, revealed: bool) -> None:
        """Reveal (or hide again) a stage's replies on the projector."""

    def revealed(self, code: str) -> set[str]:
        """The stages revealed in the class."""

    def put_assignment(self, assignment: Assignment) -> None:
        """Set a cohort's assignment (one per cohort and scenario: a new due date replaces
        the old)."""

    def assignments(self, cohort: str | None = None) -> list[Assignment]:
        """Assignments of a cohort, or all, by due date."""

    def change_token(self, code: str | None = None) -> str:
        """Cheap; changes whenever a class's data (or, without a code, the classroom's
        part of the log) changes."""

    def dump_classroom(self) -> ClassroomRows:
        """Every classroom row as stored (for ``db copy``)."""

    def classroom_counts(self) -> dict[str, int]:
        """How many rows each classroom table holds (``db status``)."""

    @property
    def schema_version(self) -> int:
        """The log's schema version (0: no log there yet)."""

    # -- copying between logs (mot_sim.store.transfer) -----------------------------------
    def dump_trainees(self) -> list[TraineeRow]:
        """Every name row as stored."""

    def dump_sessions(self) -> list[SessionRow]:
        """Every session row as stored, oldest first."""

    def dump_turns(self, session_ids: Sequence[str]) -> list[TurnRow]:
        """The turn rows of these sessions, as stored."""

    def holdings(self) -> dict[str, Held]:
        """What the log holds of each session (id -> trainee, scenario, status, turns)."""

    def importing(self) -> AbstractContextManager[ImportTx]:
        """One write transaction for copied rows: whole, or not at all."""

    def close(self) -> None:
        """Release the database."""
