"""The classroom service: what the CLI, the trainer console and the trainee's join use.

Between the UI and the store (no screen touches SQL). Every operation reads or writes
the score log, the one meeting point of the room's processes; nothing is kept in memory
between calls, so a console in one process sees what a trainee in another just did.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime
from statistics import mean
from typing import TYPE_CHECKING

from mot_sim.classroom import codes, passwords, scores
from mot_sim.classroom.models import (
    Assignment,
    AssignmentProgress,
    AssignmentStatus,
    ClassSession,
    ClassSummary,
    Debrief,
    DebriefReply,
    LeaderboardEntry,
    Override,
    RosterEntry,
    RosterStatus,
    StageSummary,
    StoredClass,
    TraineeSummary,
    WeakRule,
)
from mot_sim.errors import MotSimError
from mot_sim.stages import STAGE_IDS, Mode, StageId
from mot_sim.store.records import (
    SessionRecord,
    SessionSummary,
    Trainee,
    clean_display,
    clean_identity,
    trainee_key,
)

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog
    from mot_sim.models import Rubric
    from mot_sim.store.base import Store

MAX_TIMER_S = 24 * 3600
MAX_REASON_CHARS = 2_000
CODE_ATTEMPTS = 20
WEAKEST = 8
_ROSTER: dict[str, RosterStatus] = {
    "in_progress": "playing",
    "completed": "completed",
    "walked_out": "walked_out",
    "abandoned": "abandoned",
}


class ClassError(MotSimError):
    """A join or class command refused: wrong code, closed class, wrong password. The
    message says which, and names nothing of any other class."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason  # "code", "closed", "password", "input"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _stage(stage: str) -> StageId:
    for s in STAGE_IDS:
        if s == stage:
            return s
    raise ClassError(f"unknown stage {stage!r}; stages: {', '.join(STAGE_IDS)}", "input")


def _shuffled(code: str, items: Sequence[str]) -> list[str]:
    """A fixed order of ``items`` for the class that follows neither names nor joining
    order (so "Reply 3" or "Trainee 3" cannot be traced back by the room)."""
    return sorted(items, key=lambda x: hashlib.sha256(f"{code}\0{x}".encode()).hexdigest())


def _stage_summary(stage: StageId, given: list[int], scenario: str | None = None) -> StageSummary:
    return StageSummary(
        stage=stage,
        replies=len(given),
        average=round(mean(given)) if given else None,
        lowest=min(given, default=None),
        highest=max(given, default=None),
        scenario_id=scenario,
    )


class Classroom:
    """Classes on one score log, for the scenarios of one catalogue."""

    def __init__(
        self, store: Store, catalog: Catalog | None = None, rubric: Rubric | None = None
    ) -> None:
        self.store = store
        self.catalog = catalog
        self._rubric = rubric  # without a catalogue: recompute overall scores with this

    @property
    def rubric(self) -> Rubric | None:
        """The rubric overall scores are recomputed with when a reply is overridden."""
        if self._rubric is not None:
            return self._rubric
        return self.catalog.library.rubric if self.catalog is not None else None

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
        chosen = list(dict.fromkeys(scenarios))
        if not chosen:
            raise ClassError("a class needs at least one --scenario", "input")
        if self.catalog is not None:
            for sid in chosen:
                self.catalog.get(sid)  # an unknown id names the valid ones
        if mode not in ("practice", "exam"):
            raise ClassError(f"unknown mode {mode!r}: practice or exam", "input")
        if timer is not None and not 1 <= timer <= MAX_TIMER_S:
            raise ClassError(f"--timer: seconds from 1 to {MAX_TIMER_S}", "input")
        if password is not None and not 1 <= len(password) <= passwords.MAX_PASSWORD_CHARS:
            raise ClassError(
                f"the class password must be 1 to {passwords.MAX_PASSWORD_CHARS} characters",
                "input",
            )
        cohort = clean_identity(cohort) or None if cohort is not None else None
        made = passwords.make_hash(password) if password is not None else None
        for _ in range(CODE_ATTEMPTS):
            cls = ClassSession(
                code=codes.new_code(),
                scenarios=tuple(chosen),
                mode=mode,
                timer=timer,
                cohort=cohort,
                has_password=made is not None,
                created_at=now(),
                created_by=clean_identity(created_by) or None if created_by else None,
            )
            if self.store.create_class(cls, made):
                return cls
        raise MotSimError("no free join code was found; try again")  # pragma: no cover

    def _stored(self, code: str) -> StoredClass:
        found = codes.normalise(code)
        if found is None:
            raise ClassError(
                f"{clean_display(code)[:40]!r} is not a join code: codes have {codes.LENGTH} "
                "letters and digits, never 0, 1, 2, 5, 8, B, I, L, O, S or Z (check it with "
                "your trainer)",
                "code",
            )
        stored = self.store.get_class(found)
        if stored is None:
            raise ClassError(f"no class has the code {found}: check it with your trainer", "code")
        return stored

    def get(self, code: str) -> ClassSession:
        """A class by its code (as typed); :class:`ClassError` if there is none."""
        return self._stored(code).session

    def join(
        self, code: str, trainee: str, password: str | None = None, scenario: str | None = None
    ) -> ClassSession:
        """Put ``trainee`` in the class; :class:`ClassError` for a wrong code, a closed
        class, a wrong password or a ``scenario`` the class does not play (all checked
        before anything is recorded)."""
        name = clean_identity(trainee)
        if not trainee_key(name):
            raise ClassError("your name is empty: type the name your trainer knows", "input")
        stored = self._stored(code)
        cls = stored.session
        if not cls.open:
            raise ClassError(
                f"class {cls.code} has ended: ask your trainer for the new code", "closed"
            )
        if stored.password_hash is not None and (
            password is None or not passwords.verify(password, stored.password_hash)
        ):
            raise ClassError(f"class {cls.code} needs its password, and that is not it", "password")
        if scenario is not None and scenario not in cls.scenarios:
            raise ClassError(
                f"class {cls.code} plays {', '.join(cls.scenarios)}, not {scenario!r}", "input"
            )
        self.store.add_member(cls.code, name)
        if cls.cohort is not None:
            who = self.store.find_trainee(name)
            if who is None or who.cohort is None:  # a trainee's cohort is never replaced
                self.store.upsert_trainee(Trainee(name, cohort=cls.cohort))
        return cls

    def end(self, code: str) -> ClassSummary:
        """Close the class (no more joins) and summarise it."""
        cls = self.get(code)
        self.store.close_class(cls.code, now())
        return self.summary(cls.code)

    # -- reading a class ---------------------------------------------------------------
    def _records(self, code: str) -> tuple[ClassSession, list[SessionRecord], scores.Latest]:
        cls = self.get(code)
        records = self.store.records(class_code=cls.code)
        found = scores.latest(self.store.overrides([r.summary.id for r in records]))
        return cls, records, found

    def _overall(self, rec: SessionRecord, found: scores.Latest) -> int | None:
        s = rec.summary
        if not s.finished or s.result is None:
            return None
        return scores.overall(s.result, s.id, found, self.rubric)

    def _so_far(self, rec: SessionRecord, found: scores.Latest) -> int | None:
        given = [
            scores.reply_score(t.result.score, rec.summary.id, t.stage, found) for t in rec.turns
        ]
        return round(mean(given)) if given else None

    # -- the room ----------------------------------------------------------------------
    def roster(self, code: str) -> list[RosterEntry]:
        """Who joined, in order, and where each one is."""
        cls, records, found = self._records(code)
        members = self.store.members(cls.code)
        latest: dict[str, SessionRecord] = {}
        for rec in records:  # oldest first: the last one per trainee stays
            latest[trainee_key(rec.summary.trainee.name)] = rec
        people = [(trainee_key(m.trainee), m.trainee, m.joined_at) for m in members]
        known = {k for k, _, _ in people}
        for key, rec in latest.items():  # played in the class without a joining row
            if key not in known:
                people.append((key, rec.summary.trainee.name, rec.summary.started_at))
        return [self._entry(name, joined, latest.get(key), found) for key, name, joined in people]

    def _entry(
        self, name: str, joined: str, rec: SessionRecord | None, found: scores.Latest
    ) -> RosterEntry:
        if rec is None:
            return RosterEntry(name, None, None, None, 0, None, None, "joined", joined)
        s = rec.summary
        stage: StageId | None
        if s.status == "in_progress" and len(rec.turns) < len(STAGE_IDS):
            stage = STAGE_IDS[len(rec.turns)]
        else:
            stage = _stage(rec.turns[-1].stage) if rec.turns else None
        mood = rec.turns[-1].mood_after if rec.turns else self._mood_start(s.scenario_id)
        times = [joined, s.started_at, *(t.at for t in rec.turns if t.at)]
        if s.ended_at:
            times.append(s.ended_at)
        score = self._overall(rec, found) if s.finished else self._so_far(rec, found)
        return RosterEntry(
            trainee=name,
            session_id=s.id,
            scenario_id=s.scenario_id,
            stage=stage,
            replies=len(rec.turns),
            score=score,
            mood=mood,
            status=_ROSTER[s.status],
            last_at=max(times),
        )

    def _mood_start(self, scenario_id: str) -> int | None:
        if self.catalog is None or scenario_id not in self.catalog.scenarios:
            return None
        return self.catalog.scenarios[scenario_id].scenario.customer.mood_start

    def leaderboard(self, code: str, anonymous: bool = False) -> list[LeaderboardEntry]:
        """Trainees by score (finished encounters first), named or as "Trainee N"."""
        cls, records, found = self._records(code)
        best: dict[str, tuple[bool, int, str]] = {}
        for rec in records:
            key = trainee_key(rec.summary.trainee.name)
            score = self._overall(rec, found)
            entry = (True, score) if score is not None else (False, self._so_far(rec, found))
            if entry[1] is None:
                continue
            mine = (entry[0], entry[1], rec.summary.trainee.name)
            if key not in best or mine[:2] > best[key][:2]:
                best[key] = mine
        numbers = {k: n for n, k in enumerate(_shuffled(cls.code, list(best)), 1)}
        ordered = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        out: list[LeaderboardEntry] = []
        for i, (key, (finished, score, name)) in enumerate(ordered):
            same = out and (out[-1].score, out[-1].finished) == (score, finished)
            rank = out[-1].rank if same else i + 1
            shown = f"Trainee {numbers[key]}" if anonymous else name
            out.append(LeaderboardEntry(rank, shown, score, finished))
        return out

    def changed(self, code: str | None = None) -> str:
        """A cheap token that changes whenever the class's data (or, without a code,
        the classroom's part of the log) changes: poll it, re-read when it moves."""
        if code is None:
            return self.store.change_token(None)
        found = codes.normalise(code)
        if found is None:
            raise ClassError(f"{clean_display(code)[:40]!r} is not a join code", "code")
        return self.store.change_token(found)

    # -- debrief -----------------------------------------------------------------------
    def debrief(self, code: str, stage: str, scenario_id: str | None = None) -> Debrief:
        """The room's replies at ``stage``, anonymised, with scores, hits, marks and the
        model answer."""
        at = _stage(stage)
        cls, records, found = self._records(code)
        marks = {(m.session_id, m.stage): m for m in self.store.marks(cls.code)}
        turns = {
            r.summary.id: t
            for r in records
            if scenario_id is None or r.summary.scenario_id == scenario_id
            for t in r.turns
            if t.stage == at
        }
        scenario_of = {r.summary.id: r.summary.scenario_id for r in records}
        # Numbered in the class's fixed order, then grouped by scenario (in the order the
        # class set them), so the room reads the replies to one customer together.
        numbered = {sid: n for n, sid in enumerate(_shuffled(cls.code, list(turns)), 1)}
        rank = {sid: i for i, sid in enumerate(cls.scenarios)}
        replies = []
        for sid in sorted(
            numbered, key=lambda x: (rank.get(scenario_of[x], len(rank)), scenario_of[x])
        ):
            n = numbered[sid]
            t = turns[sid]
            mark = marks.get((sid, at))
            bad = tuple(h.rule for h in t.result.hits if h.polarity == "bad")
            good = tuple(h.rule for h in t.result.hits if h.polarity == "good")
            replies.append(
                DebriefReply(
                    label=f"Reply {n}",
                    session_id=sid,
                    scenario_id=scenario_of[sid],
                    stage=at,
                    text=clean_display(t.reply),
                    score=scores.reply_score(t.result.score, sid, at, found),
                    machine_score=t.result.score,
                    overridden=(sid, at) in found,
                    hits=bad + good,
                    good_hits=good,
                    bad_hits=bad,
                    starred=bool(mark and mark.starred),
                    hidden=bool(mark and mark.hidden),
                )
            )
        wanted = cls.scenarios if scenario_id is None else (scenario_id,)
        return Debrief(
            stage=at,
            revealed=at in self.store.revealed(cls.code),
            replies=tuple(replies),
            model_answers=self._models(wanted, at),
        )

    def _models(self, scenario_ids: Sequence[str], stage: StageId) -> dict[str, str]:
        from mot_sim import templating

        out: dict[str, str] = {}
        for sid in scenario_ids:
            if self.catalog is None or sid not in self.catalog.scenarios:
                continue
            scenario = self.catalog.scenarios[sid].scenario
            answers = scenario.stage(stage).model_answers
            if answers:
                out[sid] = templating.render(answers[0], "", scenario.customer.name)
        return out

    def _in_class(self, code: str, session_id: str) -> str:
        """The class's code, if ``session_id`` was played in it (else a refusal that
        says nothing of where it was played)."""
        cls = self.get(code)
        if session_id not in {s.id for s in self.store.sessions(class_code=cls.code)}:
            raise ClassError(f"class {cls.code} has no session {session_id[:8]!r}", "input")
        return cls.code

    def star(self, code: str, session_id: str, stage: str, starred: bool = True) -> None:
        """Mark a reply as the room's best at its stage (one per stage), or unmark it."""
        at = _stage(stage)
        self.store.set_mark(self._in_class(code, session_id), session_id, at, starred=starred)

    def hide(self, code: str, session_id: str, stage: str, hidden: bool = True) -> None:
        """Hide a reply from the projector, or show it again."""
        at = _stage(stage)
        self.store.set_mark(self._in_class(code, session_id), session_id, at, hidden=hidden)

    def reveal(self, code: str, stage: str, revealed: bool = True) -> None:
        """Show (or hide again) a stage's replies on the projector."""
        at = _stage(stage)
        self.store.set_revealed(self.get(code).code, at, revealed)

    # -- overrides ---------------------------------------------------------------------
    def override(self, session_id: str, stage: str, score: int, reason: str, by: str) -> Override:
        """Record a trainer's score for a reply, beside the machine's (which is kept)."""
        at = _stage(stage)
        if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
            raise ClassError("--score: a whole number from 0 to 100", "input")
        why = clean_display(reason).strip()
        if not why:
            raise ClassError("--reason: say why the score changes (it is audited)", "input")
        if len(why) > MAX_REASON_CHARS:
            raise ClassError(f"--reason: at most {MAX_REASON_CHARS:,} characters", "input")
        who = clean_identity(by)
        if not who:
            raise ClassError("--by: the trainer's name (it is audited)", "input")
        rec = self.store.session(session_id)
        turn = next((t for t in rec.turns if t.stage == at), None)
        if turn is None:
            raise ClassError(
                f"session {rec.summary.id[:8]} has no reply at {at} to override", "input"
            )
        made = Override(
            id=str(uuid.uuid4()),
            session_id=rec.summary.id,
            stage=at,
            machine_score=turn.result.score,
            new_score=score,
            reason=why,
            by=who,
            at=now(),
        )
        self.store.add_override(made)
        return made

    def overrides(self, session_id: str | None = None) -> list[Override]:
        """The audit trail, oldest first (of one session, or all)."""
        if session_id is None:
            return self.store.overrides()
        return self.store.overrides([self.store.session(session_id).summary.id])

    # -- the end -----------------------------------------------------------------------
    def summary(self, code: str) -> ClassSummary:
        """Per trainee, per stage, and the room's weakest rules (overrides applied)."""
        cls, records, found = self._records(code)
        by_trainee: dict[str, list[SessionRecord]] = {}
        for rec in records:
            by_trainee.setdefault(trainee_key(rec.summary.trainee.name), []).append(rec)
        members = [m.trainee for m in self.store.members(cls.code)]
        order = list(dict.fromkeys([trainee_key(m) for m in members] + list(by_trainee)))
        names = {trainee_key(m): m for m in members}
        trainees = tuple(
            self._trainee_summary(names.get(k, ""), by_trainee.get(k, []), found) for k in order
        )
        stage_scores: dict[str, list[int]] = {s: [] for s in STAGE_IDS}
        per_scenario: dict[str, dict[str, list[int]]] = {
            sc: {s: [] for s in STAGE_IDS} for sc in cls.scenarios
        }
        bad: Counter[str] = Counter()
        who: dict[str, set[str]] = {}
        why: dict[str, tuple[str, str]] = {}
        for rec in records:
            mine = per_scenario.setdefault(rec.summary.scenario_id, {s: [] for s in STAGE_IDS})
            for t in rec.turns:
                given = scores.reply_score(t.result.score, rec.summary.id, t.stage, found)
                stage_scores[t.stage].append(given)
                mine[t.stage].append(given)
                for h in t.result.hits:
                    if h.polarity == "bad":
                        bad[h.rule] += 1
                        who.setdefault(h.rule, set()).add(trainee_key(rec.summary.trainee.name))
                        why[h.rule] = (clean_display(h.reason), clean_display(h.better or ""))
        finished = sum(1 for r in records if r.summary.finished)
        return ClassSummary(
            session=self.get(cls.code),
            trainees=trainees,
            stages=tuple(_stage_summary(s, stage_scores[s]) for s in STAGE_IDS),
            scenario_stages=tuple(
                _stage_summary(s, v[s], scenario)
                for scenario, v in per_scenario.items()
                for s in STAGE_IDS
            )
            if sum(1 for v in per_scenario.values() if any(v.values())) > 1
            else (),
            weakest=tuple(
                WeakRule(rule, n, len(who[rule]), *why[rule])
                for rule, n in bad.most_common(WEAKEST)
            ),
            overrides=tuple(self.store.overrides([r.summary.id for r in records])),
            finished=finished,
            unfinished=len(records) - finished,
        )

    def _trainee_summary(
        self, name: str, recs: list[SessionRecord], found: scores.Latest
    ) -> TraineeSummary:
        done = [(r, self._overall(r, found)) for r in recs]
        finished = [(r, o) for r, o in done if o is not None]
        per_stage: dict[str, list[int]] = {s: [] for s in STAGE_IDS}
        for r in recs:
            for t in r.turns:
                per_stage[t.stage].append(
                    scores.reply_score(t.result.score, r.summary.id, t.stage, found)
                )
        return TraineeSummary(
            trainee=name or (recs[-1].summary.trainee.name if recs else ""),
            sessions=len(recs),
            finished=len(finished),
            best=max((o for _, o in finished if o is not None), default=None),
            latest=finished[-1][1] if finished else None,
            passed=any(
                r.summary.result is not None
                and o is not None
                and scores.passed(r.summary.result, o, self.rubric)
                for r, o in finished
            ),
            stages={s: round(mean(v)) if v else None for s, v in per_stage.items()},
        )

    # -- assignments -------------------------------------------------------------------
    def assign(
        self, cohort: str, scenario_id: str, due: str, assigned_by: str | None = None
    ) -> Assignment:
        """Set (or move the due date of) a scenario for a cohort."""
        group = clean_identity(cohort)
        if not group:
            raise ClassError("--cohort: the cohort's name is empty", "input")
        if self.catalog is not None:
            self.catalog.get(scenario_id)
        try:
            when = date.fromisoformat(due.strip()).isoformat()
        except ValueError:
            raise ClassError(
                f"--due {clean_display(due)[:40]!r}: expected a date like 2026-12-01", "input"
            ) from None
        made = Assignment(
            cohort=group,
            scenario_id=scenario_id,
            due=when,
            assigned_at=now(),
            assigned_by=clean_identity(assigned_by) or None if assigned_by else None,
        )
        self.store.put_assignment(made)
        return made

    def assigned(self, cohort: str) -> list[Assignment]:
        """The cohort's assignments themselves, whoever is in it yet."""
        return self.store.assignments(cohort)

    def assignments(
        self, cohort: str | None = None, trainee: str | None = None, today: str | None = None
    ) -> list[AssignmentProgress]:
        """Each assignment with each trainee's status (of a cohort, or of one trainee in
        their cohort): not started, in progress, overdue or done."""
        day = today or datetime.now(UTC).date().isoformat()
        people: list[Trainee]
        if trainee is not None:
            who = self.store.find_trainee(trainee)
            if who is None or (cohort is None and who.cohort is None):
                return []
            cohort = cohort or who.cohort
            people = [who]
        else:
            people = []
        out: list[AssignmentProgress] = []
        for a in self.store.assignments(cohort):
            group = people or self.store.trainees(a.cohort)
            for person in group:
                sessions = [
                    s
                    for s in self.store.sessions(trainee=person.name)
                    if s.scenario_id == a.scenario_id
                ]
                out.append(self._progress(a, person.name, sessions, day))
        return out

    @staticmethod
    def _progress(
        a: Assignment, name: str, found: Sequence[SessionSummary], day: str
    ) -> AssignmentProgress:
        done = [s for s in found if s.finished and s.result is not None]
        status: AssignmentStatus
        if done:
            status = "done"
        elif day > a.due:
            status = "overdue"
        elif found:
            status = "in_progress"
        else:
            status = "not_started"
        return AssignmentProgress(
            assignment=a,
            trainee=name,
            status=status,
            best=max((s.result.overall for s in done if s.result), default=None),
            session_ids=tuple(s.id for s in found),
        )
