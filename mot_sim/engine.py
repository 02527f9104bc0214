"""The encounter: stages in order, a customer whose mood moves with each reply.

No UI and no storage here; both follow along through the events an encounter emits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from mot_sim import templating
from mot_sim.matching.text import clean_text
from mot_sim.models import Branch, Condition, Scenario
from mot_sim.scoring import ReplyResult, Scorer
from mot_sim.stages import (
    DIMENSIONS,
    LEAVING_MARGIN,
    MAX_REPLY_CHARS,
    STAGE_IDS,
    STAGE_TITLES,
    Mode,
)

Status = Literal["in_progress", "completed", "walked_out", "abandoned"]
OVERTIME_MOOD = -10


@dataclass(frozen=True)
class Turn:
    """One answered stage."""

    index: int
    stage: str
    customer_lines: tuple[str, ...]
    reply: str
    result: ReplyResult
    mood_before: int
    mood_after: int
    reaction: str
    seconds: float | None = None
    overtime: bool = False
    at: str | None = None  # when the reply was scored, ISO 8601 UTC (xAPI, exports)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "stage": self.stage,
            "customer_lines": list(self.customer_lines),
            "reply": self.reply,
            "result": self.result.to_dict(),
            "mood_before": self.mood_before,
            "mood_after": self.mood_after,
            "reaction": self.reaction,
            "seconds": self.seconds,
            "overtime": self.overtime,
            "at": self.at,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Turn:
        return cls(
            index=int(d["index"]),
            stage=str(d["stage"]),
            customer_lines=tuple(d["customer_lines"]),
            reply=str(d["reply"]),
            result=ReplyResult.from_dict(d["result"]),
            mood_before=int(d["mood_before"]),
            mood_after=int(d["mood_after"]),
            reaction=str(d["reaction"]),
            seconds=d.get("seconds"),
            overtime=bool(d.get("overtime", False)),
            at=d.get("at"),
        )


@dataclass(frozen=True)
class FinalResult:
    """How the encounter went, overall and per stage and dimension."""

    overall: int
    band: str
    passed: bool
    walked_out: bool
    status: Status
    stages: dict[str, int | None]
    dimensions: dict[str, int | None]
    pass_mark: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": self.overall,
            "band": self.band,
            "passed": self.passed,
            "walked_out": self.walked_out,
            "status": self.status,
            "stages": dict(self.stages),
            "dimensions": dict(self.dimensions),
            "pass_mark": self.pass_mark,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FinalResult:
        return cls(
            overall=int(d["overall"]),
            band=str(d["band"]),
            passed=bool(d["passed"]),
            walked_out=bool(d["walked_out"]),
            status=d["status"],
            stages=dict(d["stages"]),
            dimensions=dict(d["dimensions"]),
            pass_mark=float(d["pass_mark"]),
        )


# -- events -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Started:
    encounter: Encounter


@dataclass(frozen=True)
class TurnScored:
    encounter: Encounter
    turn: Turn


@dataclass(frozen=True)
class Ended:
    encounter: Encounter
    result: FinalResult


Event = Started | TurnScored | Ended
Listener = Callable[[Event], None]


def holds(cond: Condition, result: ReplyResult) -> bool:
    """Did the reply do what the condition asks (every key given)?"""
    return (
        (cond.hit is None or any(h.rule == cond.hit for h in result.hits))
        and (cond.goal is None or cond.goal in result.goals_met)
        and (cond.missed is None or cond.missed in result.goals_missed)
        and (cond.outcome is None or cond.outcome == result.outcome)
    )


def said(result: ReplyResult) -> dict[str, str]:
    """What each rule matched in the reply (its first hit), for reactions that quote it."""
    out: dict[str, str] = {}
    for h in result.hits:
        out.setdefault(h.rule, h.text)
    return out


def _pick(options: list[str], key: str) -> str:
    # Deterministic variety: the same reply always draws the same reaction.
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


@dataclass
class Encounter:
    """A trainee facing one customer, stage by stage."""

    scenario: Scenario
    scorer: Scorer
    trainee: str = ""
    mode: Mode = "practice"
    time_limit: int | None = None
    listeners: list[Listener] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    mood: int = 0
    status: Status = "in_progress"
    _started: bool = False

    def __post_init__(self) -> None:
        self.trainee = clean_text(self.trainee).strip()
        if self.time_limit is None:
            self.time_limit = self.scenario.time_limit
        if not self.turns:
            self.mood = self.scenario.customer.mood_start

    @classmethod
    def resume(
        cls,
        scenario: Scenario,
        scorer: Scorer,
        trainee: str,
        mode: Mode,
        turns: list[Turn],
        time_limit: int | None = None,
    ) -> Encounter:
        """Continue an encounter from its recorded turns (after a crash or a quit)."""
        enc = cls(scenario, scorer, trainee, mode, time_limit, turns=list(turns))
        enc.mood = turns[-1].mood_after if turns else scenario.customer.mood_start
        enc._started = True
        if len(turns) >= len(STAGE_IDS):
            enc.status = "completed"
        return enc

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def _emit(self, event: Event) -> None:
        for listener in list(self.listeners):
            listener(event)

    def start(self) -> None:
        """Announce the encounter (a store creates its session record here)."""
        if not self._started:
            self._started = True
            self._emit(Started(self))

    # -- where we are ----------------------------------------------------------------
    @property
    def is_over(self) -> bool:
        return self.status != "in_progress"

    @property
    def stage_index(self) -> int:
        return len(self.turns)

    @property
    def stage_id(self) -> str:
        return STAGE_IDS[min(self.stage_index, len(STAGE_IDS) - 1)]

    @property
    def stage_title(self) -> str:
        return STAGE_TITLES[self.stage_id]

    @property
    def purpose(self) -> str:
        return self.scenario.stage(self.stage_id).purpose

    def render(self, line: str) -> str:
        return templating.render(line, self.trainee, self.scenario.customer.name)

    def _branch(self, stage_id: str, previous: ReplyResult | None) -> Branch | None:
        """The opening of ``stage_id`` that the previous reply calls for, if any."""
        if previous is None:
            return None
        return next(
            (b for b in self.scenario.stage(stage_id).branches if holds(b.after, previous)), None
        )

    def customer_lines(self) -> list[str]:
        """What the customer says to open the current stage: it may depend on what the
        previous reply did (an open question draws out what a closed one would not)."""
        stage = self.scenario.stage(self.stage_id)
        branch = self._branch(self.stage_id, self.turns[-1].result if self.turns else None)
        return [self.render(x) for x in (branch.customer if branch else stage.customer)]

    def model_answers(self, stage: str | None = None) -> list[str]:
        return [self.render(x) for x in self.scenario.stage(stage or self.stage_id).model_answers]

    # -- playing ---------------------------------------------------------------------
    def preview(self, text: str) -> ReplyResult:
        """Score a reply for the current stage without answering it."""
        return self.scorer.score(self.scenario, self.stage_id, clean_text(text), self.trainee)

    def answer(
        self, text: str, seconds: float | None = None, result: ReplyResult | None = None
    ) -> Turn:
        """Answer the current stage: score, move the mood, react, and advance or end."""
        if self.is_over:
            raise RuntimeError("the encounter is over")
        self.start()
        text = clean_text(text)
        stage = self.stage_id
        lines = tuple(self.customer_lines())
        # The scorer reads the first MAX_REPLY_CHARS and notes the cut; the turn keeps the
        # same characters, the one limit every way in (TUI, play, store) applies.
        result = result or self.scorer.score(self.scenario, stage, text, self.trainee)
        text = text[:MAX_REPLY_CHARS]
        customer = self.scenario.customer
        delta = getattr(customer.mood_change, result.outcome)
        delta += sum(customer.sensitive_to.get(h.rule, 0) for h in result.hits)
        # The next stage may open harder (or easier) because of what this reply did.
        nxt = STAGE_IDS[len(self.turns) + 1] if len(self.turns) + 1 < len(STAGE_IDS) else None
        branch = self._branch(nxt, result) if nxt else None
        if branch:
            delta += branch.mood
        overtime = bool(self.time_limit and seconds is not None and seconds > self.time_limit)
        if overtime:
            delta += OVERTIME_MOOD
        before = self.mood
        self.mood = max(0, min(100, before + delta))
        walked = self.mood < customer.walk_out_below
        if walked:
            # The way out matches what drove the customer out: charged, blamed, brushed off.
            cause = next((r for r in customer.walk_out_when if holds(r.when, result)), None)
            line = _pick(cause.say, f"{stage}\0{text}") if cause else customer.walk_out_line
            reaction = templating.render(
                line, self.trainee, customer.name, said(result) if cause else None
            )
        else:
            reactions = self.scenario.stage(stage).reactions
            # A reaction to what was said comes first: "Friday at noon, then."
            answered = next((r for r in reactions.when if holds(r.when, result)), None)
            outcome = result.outcome
            if outcome == "good" and before < customer.walk_out_below + LEAVING_MARGIN:
                outcome = "mixed"  # a customer about to leave does not answer cheerfully
            options = answered.say if answered else getattr(reactions, outcome)
            reaction = templating.render(
                _pick(options, f"{stage}\0{text}"),
                self.trainee,
                customer.name,
                said(result) if answered else None,
            )
        turn = Turn(
            len(self.turns),
            stage,
            lines,
            text,
            result,
            before,
            self.mood,
            reaction,
            seconds,
            overtime,
            datetime.now(UTC).isoformat(timespec="seconds"),
        )
        self.turns.append(turn)
        self._emit(TurnScored(self, turn))
        if walked:
            self._finish("walked_out")
        elif len(self.turns) == len(STAGE_IDS):
            self._finish("completed")
        return turn

    def abandon(self) -> None:
        if not self.is_over:
            self._finish("abandoned")

    def _finish(self, status: Status) -> None:
        self.status = status
        self._emit(Ended(self, self.result()))

    # -- results ---------------------------------------------------------------------
    def result(self) -> FinalResult:
        rubric = self.scorer.rubric
        by_stage: dict[str, int | None] = {s: None for s in STAGE_IDS}
        for t in self.turns:
            by_stage[t.stage] = t.result.score
        # A stage never reached (the customer left) earns nothing.
        total = sum(rubric.stage_importance[s] * (by_stage[s] or 0) for s in STAGE_IDS)
        overall = int(total / sum(rubric.stage_importance.values()) + 0.5)
        dims: dict[str, int | None] = {}
        for d in DIMENSIONS:
            vals = [
                t.result.dimensions[d] for t in self.turns if t.result.dimensions[d] is not None
            ]
            dims[d] = int(sum(v for v in vals if v is not None) / len(vals) + 0.5) if vals else None
        walked = self.status == "walked_out"
        return FinalResult(
            overall=overall,
            band=rubric.band_for(overall).name,
            passed=overall >= rubric.pass_mark and self.status == "completed",
            walked_out=walked,
            status=self.status,
            stages=by_stage,
            dimensions=dims,
            pass_mark=rubric.pass_mark,
        )
