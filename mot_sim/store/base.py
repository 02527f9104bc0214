"""The store interface every backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol

from mot_sim.engine import FinalResult, Turn
from mot_sim.stages import Mode
from mot_sim.store.records import SessionRecord, SessionSummary, Trainee
from mot_sim.store.transfer import Held, ImportTx, SessionRow, TraineeRow, TurnRow


class Store(Protocol):
    """Durable record of trainees, sessions and turns."""

    path: str
    # Sessions the reads so far skipped because their records are damaged: id -> why.
    damaged: dict[str, str]

    def upsert_trainee(self, trainee: Trainee) -> Trainee:
        """Create the trainee, or update the employee id and cohort given (not None); the
        trainee as recorded (the name as first entered, however it was typed now)."""

    def start_session(
        self, session_id: str, trainee: str, scenario_id: str, content_hash: str, mode: Mode
    ) -> None:
        """Record that an encounter began."""

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
    ) -> list[SessionSummary]:
        """Sessions, oldest first, filtered by what is given; damaged ones are left out
        and noted in ``damaged``."""

    def records(
        self, trainee: str | None = None, cohort: str | None = None, since: str | None = None
    ) -> list[SessionRecord]:
        """Sessions with their turns, oldest first, filtered by what is given."""

    def session(self, session_id: str) -> SessionRecord:
        """One session with its turns; ``session_id`` may be a unique prefix. A damaged
        record raises :class:`~mot_sim.errors.StoreError` saying so."""

    def session_ids(self) -> list[str]:
        """Every session id in the log (to shorten ids without making them ambiguous)."""

    def best_score(self, trainee: str, scenario_id: str) -> int | None:
        """The trainee's best finished score on a scenario."""

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
