"""What the UI needs from the core, in one place: no screen touches the catalogue, the
scorer, an encounter's state or the store directly.

The core (pydantic, YAML, rapidfuzz, Jinja) is imported and loaded by :meth:`load`, which
the app runs in a worker thread, so the first screen paints before it is ready.

The score log may be a classroom's shared file whose write lock another trainee holds for
up to the busy timeout (30 s). So nothing here that reads or writes it is meant for the UI
thread: an encounter's events are queued as they happen and written, in order, by
:meth:`flush`, which the app runs in a worker; reads are called from workers too.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mot_sim.errors import MotSimError
from mot_sim.matching.clean import clean_text
from mot_sim.settings import Settings
from mot_sim.stages import Mode

if TYPE_CHECKING:
    from pathlib import Path

    from mot_sim.catalog import Catalog
    from mot_sim.classroom.models import AssignmentProgress, ClassSession
    from mot_sim.classroom.service import Classroom
    from mot_sim.engine import Encounter, Event, Turn
    from mot_sim.errors import Problem
    from mot_sim.scoring import ReplyResult, Scorer
    from mot_sim.store import Store
    from mot_sim.store.recorder import Recorder
    from mot_sim.store.records import SessionRecord, SessionSummary

MAX_NAME = 80
JOIN_BACKOFF_MAX = 30.0  # seconds a refused join waits at most (guessing codes is slowed)


@dataclass(frozen=True)
class ScenarioCard:
    """What the home screen shows of a scenario."""

    id: str
    title: str
    summary: str
    difficulty: str
    customer: str
    style: str
    best: int | None = None


class TrainerService:
    """Scenarios, encounters, the score log and preferences for the TUI."""

    def __init__(
        self,
        settings: Settings,
        *,
        scenario_dirs: list[str] | None = None,
        timer: int | None = None,
        catalog: Catalog | None = None,
        scorer: Scorer | None = None,
        db_path: Path | None = None,
    ) -> None:
        self.settings = settings
        self.db_path = db_path
        self._store: Store | None = None
        self.scenario_dirs = scenario_dirs
        self.timer = timer
        self._catalog = catalog
        self._scorer: Scorer | None = None
        self._given_scorer = scorer  # compiled already (a preloaded parent's), or None
        # Store events waiting to be written, oldest first; flush() drains them in order.
        self._pending: deque[tuple[Recorder, Event]] = deque()
        self._pending_lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self.on_pending: Callable[[], object] = lambda: None  # the app schedules flush()
        self.write_error: MotSimError | None = None  # the write that failed, if one did
        self.failed_joins = 0  # wrong codes or passwords in a row (each waits longer)
        self.sleep: Callable[[float], object] = time.sleep

    # -- loading -------------------------------------------------------------------------
    @property
    def ready(self) -> bool:
        return self._scorer is not None

    def load(self) -> None:
        """Load scenarios and rules and compile the scorer (slow: run it off the UI)."""
        from mot_sim import locations
        from mot_sim.catalog import load_catalog
        from mot_sim.scoring import Scorer
        from mot_sim.store import open_store

        if self._catalog is None:
            self._catalog = load_catalog(self.scenario_dirs)
        self._store = open_store(self.db_path or locations.default_db_path())
        self._scorer = self._given_scorer or Scorer(self._catalog.library)

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            raise RuntimeError("the catalogue is not loaded yet")
        return self._catalog

    @property
    def scorer(self) -> Scorer:
        if self._scorer is None:
            raise RuntimeError("the scorer is not loaded yet")
        return self._scorer

    # -- scenarios -----------------------------------------------------------------------
    def problems(self) -> list[Problem]:
        """Scenario files that could not be loaded, each with its file:line:col."""
        return list(self.catalog.problems) if self.ready else []

    def title(self, scenario_id: str) -> str:
        """A scenario's title, or its id when the catalogue no longer has it."""
        found = self.catalog.scenarios.get(scenario_id) if self.ready else None
        return found.scenario.title if found else scenario_id

    def cards(self, trainee: str = "") -> list[ScenarioCard]:
        """The scenarios; with a trainee, their best results (reads the log: a worker's)."""
        if not self.ready:
            return []
        return [
            ScenarioCard(
                ls.scenario.id,
                ls.scenario.title,
                ls.scenario.summary,
                ls.scenario.difficulty,
                ls.scenario.customer.name,
                ls.scenario.customer.style,
                self.best_score(trainee, ls.scenario.id),
            )
            for ls in self.catalog.scenarios.values()
        ]

    def best_score(self, trainee: str, scenario_id: str) -> int | None:
        """The trainee's best finished result on a scenario, where the log knows it."""
        return self.store.best_score(trainee, scenario_id) if trainee and self._store else None

    @staticmethod
    def clean_name(name: str) -> str:
        return " ".join(clean_text(name).split())[:MAX_NAME]

    def remember(self, trainee: str, mode: Mode) -> None:
        self.settings.trainee = self.clean_name(trainee)
        self.settings.mode = mode
        self.settings.save()

    @property
    def store(self) -> Store:
        if self._store is None:
            raise RuntimeError("the score log is not open yet")
        return self._store

    # -- classes -------------------------------------------------------------------------
    @property
    def classroom(self) -> Classroom:
        from mot_sim.classroom.service import Classroom

        return Classroom(self.store, self.catalog)

    def join_class(self, code: str, trainee: str, password: str | None) -> ClassSession:
        """Join a class by its code (reads and writes the log: a worker's). A wrong code,
        a closed class or a wrong password raise ``ClassError``, which says only that.

        Guessing is slowed down: each refusal for a wrong code or password in a row waits
        longer before it is reported (1, 2, 4... up to JOIN_BACKOFF_MAX seconds), so one
        tab cannot try codes or passwords at machine speed."""
        from mot_sim.classroom.service import ClassError

        try:
            joined = self.classroom.join(code, self.clean_name(trainee), password or None)
        except ClassError as exc:
            if exc.reason in ("code", "password"):
                self.failed_joins += 1
                self.sleep(min(2.0 ** (self.failed_joins - 1), JOIN_BACKOFF_MAX))
            raise
        self.failed_joins = 0
        return joined

    def class_titles(self, session: ClassSession) -> list[tuple[str, str]]:
        """The class's scenarios this catalogue has, as (id, title)."""
        return [
            (sid, self.title(sid)) for sid in session.scenarios if sid in self.catalog.scenarios
        ]

    def assignments(self, trainee: str) -> list[AssignmentProgress]:
        """The trainee's assignments with their status (reads the log: a worker's)."""
        if not trainee or self._store is None:
            return []
        return self.classroom.assignments(trainee=trainee)

    # -- encounters ----------------------------------------------------------------------
    def new_encounter(
        self, scenario_id: str, trainee: str, mode: Mode, joined: ClassSession | None = None
    ) -> Encounter:
        """A new encounter, recorded as it goes; in a class, with the class's mode and
        timer, and recorded into it."""
        from mot_sim.engine import Encounter
        from mot_sim.store.recorder import Recorder

        scenario = self.catalog.get(scenario_id).scenario
        timer = self.timer
        if joined is not None:
            mode, timer = joined.mode, joined.timer
        enc = Encounter(scenario, self.scorer, self.clean_name(trainee), mode, timer)
        recorder = Recorder(
            self.store,
            self.catalog.fingerprint(scenario_id),
            class_code=joined.code if joined else None,
        )
        self._record(enc, recorder)
        return enc

    def resume(self, session_id: str) -> Encounter:
        """Continue a recorded encounter at the stage where it stopped (reads the log)."""
        from mot_sim.engine import Encounter
        from mot_sim.store.recorder import Recorder

        record = self.store.session(session_id)
        s = record.summary
        scenario = self.catalog.get(s.scenario_id).scenario
        enc = Encounter.resume(
            scenario, self.scorer, s.trainee.name, s.mode, record.turns, self.timer
        )
        self._record(enc, Recorder(self.store, s.content_hash, session_id=s.id))
        return enc

    def start(self, encounter: Encounter) -> None:
        """The encounter is on screen: its session is recorded (queued)."""
        encounter.start()

    def score(self, encounter: Encounter, text: str) -> ReplyResult:
        """Score a reply for the current stage (CPU-bound: run it in a worker)."""
        return encounter.preview(text)

    def answer(
        self, encounter: Encounter, text: str, seconds: float, result: ReplyResult
    ) -> Turn | None:
        """Apply a scored reply on the UI thread; the turn's write is queued. None when
        the encounter ended meanwhile (left while the reply was being scored)."""
        if encounter.is_over:
            return None
        return encounter.answer(text, seconds, result)

    def abandon(self, encounter: Encounter) -> None:
        """Give the encounter up for good (it stays in the history as abandoned)."""
        encounter.abandon()

    def abandon_session(self, session_id: str) -> None:
        """Abandon a recorded, unfinished session (reads the log: a worker's)."""
        self.resume(session_id).abandon()

    # -- the score log -------------------------------------------------------------------
    def _record(self, encounter: Encounter, recorder: Recorder) -> None:
        def queue(event: Event) -> None:
            with self._pending_lock:
                self._pending.append((recorder, event))
            self.on_pending()

        encounter.subscribe(queue)

    @property
    def writes_pending(self) -> int:
        with self._pending_lock:
            return len(self._pending)

    def flush(self) -> None:
        """Write the queued events in order. Blocks while another program holds the log's
        write lock, so run it in a worker; a StoreError leaves the failed event queued."""
        with self._flush_lock:
            while True:
                with self._pending_lock:
                    if not self._pending:
                        return
                    recorder, event = self._pending[0]
                try:
                    recorder(event)
                except MotSimError as exc:
                    self.write_error = exc
                    raise
                with self._pending_lock:
                    self._pending.popleft()

    def unfinished(self, trainee: str) -> list[SessionSummary]:
        """The trainee's encounters left in progress (a quit or a killed terminal)."""
        if not trainee or self._store is None:
            return []
        found = self.store.sessions(trainee=trainee, status="in_progress")
        return [s for s in found if s.scenario_id in self.catalog.scenarios][::-1]

    def history(self, trainee: str) -> list[SessionSummary]:
        """The trainee's sessions, newest first."""
        return self.store.sessions(trainee=trainee)[::-1] if trainee and self._store else []

    def session(self, session_id: str) -> SessionRecord:
        """One session with its turns, for its transcript."""
        return self.store.session(session_id)

    def model_answer(self, scenario_id: str, stage: str, trainee: str) -> str | None:
        """The stage's first model answer, where the catalogue still has the scenario."""
        from mot_sim import templating

        found = self.catalog.scenarios.get(scenario_id) if self.ready else None
        if found is None:
            return None
        sc = found.scenario
        return templating.render(sc.stage(stage).model_answers[0], trainee, sc.customer.name)

    def can_resume(self, summary: SessionSummary) -> bool:
        """An unfinished session whose scenario is still in the catalogue."""
        return summary.status == "in_progress" and summary.scenario_id in self.catalog.scenarios

    def close(self) -> None:
        """Write what is still queued, then close the log (at exit). After a failed
        write the app has already said why; waiting on the log again would only delay."""
        if self._store is None:
            return
        try:
            if self.write_error is None:
                self.flush()
        finally:
            self._store.close()
            self._store = None
