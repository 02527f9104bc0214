"""What HR counts: finished encounters only, and per trainee per scenario.

An unfinished encounter (left to resume) or an abandoned one is no attempt at the
scenario's standard: it has no score, it is not a failure, and it is left out of
averages and pass rates. Every summary says how many were left out, so nobody mistakes
an average over four encounters for one over seven.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import mean

from mot_sim.store.records import SessionSummary, trainee_key


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class Tally:
    """Counts by status, and the figures over finished encounters."""

    completed: int = 0
    walked_out: int = 0
    unfinished: int = 0
    abandoned: int = 0
    passed: int = 0
    average: int | None = None
    best: int | None = None

    @property
    def finished(self) -> int:
        return self.completed + self.walked_out

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.finished if self.finished else None

    def caption_in(self, lang: str) -> str:
        """The caption in an interface language (the English one is :attr:`caption`)."""
        if lang == "en":
            return self.caption
        from mot_sim.i18n import tr

        if not self.finished:
            head = tr(lang, "rep.cap.none")
        else:
            head = tr(
                lang,
                "rep.cap.over",
                n=self.finished,
                completed=self.completed,
                walked=self.walked_out,
            )
        left = [
            tr(lang, key, n=n)
            for n, key in (
                (self.unfinished, "rep.cap.unfinished"),
                (self.abandoned, "rep.cap.abandoned"),
            )
            if n
        ]
        if not left:
            return head + "。"
        return head + tr(lang, "rep.cap.not_counted", left=tr(lang, "rep.cap.and").join(left))

    @property
    def caption(self) -> str:
        """One sentence saying what the averages are over, and what they leave out."""
        if not self.finished:
            head = "No finished encounters yet, so no averages"
        else:
            head = (
                f"Averages and pass rate over {_plural(self.finished, 'finished encounter')} "
                f"({self.completed} completed, {self.walked_out} walked out)"
            )
        left = [
            text
            for n, text in (
                (self.unfinished, f"{self.unfinished} unfinished"),
                (self.abandoned, f"{self.abandoned} abandoned"),
            )
            if n
        ]
        if not left:
            return head + "."
        return f"{head}; {' and '.join(left)} not counted."


def tally(sessions: Iterable[SessionSummary]) -> Tally:
    counts = {"completed": 0, "walked_out": 0, "unfinished": 0, "abandoned": 0}
    scores: list[int] = []
    passed = 0
    for s in sessions:
        counts[s.state] += 1
        if s.finished and s.result is not None:
            scores.append(s.result.overall)
            passed += s.result.passed
    return Tally(
        **counts,
        passed=passed,
        average=round(mean(scores)) if scores else None,
        best=max(scores, default=None),
    )


@dataclass(frozen=True)
class TraineeRow:
    """One trainee on one scenario: how often, how well, how recently."""

    trainee: str
    employee_id: str | None
    cohort: str | None
    scenario_id: str
    attempts: int  # finished encounters
    unfinished: int
    abandoned: int
    best: int | None
    latest: int | None
    latest_band: str | None
    latest_at: str  # when the latest session of any status began
    passed: bool  # any finished attempt passed

    @property
    def not_counted(self) -> str:
        parts = [f"{self.unfinished} unfinished"] if self.unfinished else []
        parts += [f"{self.abandoned} abandoned"] if self.abandoned else []
        return ", ".join(parts)


def trainee_table(sessions: Iterable[SessionSummary]) -> list[TraineeRow]:
    """A row per trainee and scenario, by trainee then scenario."""
    groups: dict[tuple[str, str], list[SessionSummary]] = {}
    for s in sorted(sessions, key=lambda x: x.started_at):
        groups.setdefault((trainee_key(s.trainee.name), s.scenario_id), []).append(s)
    rows: list[TraineeRow] = []
    for (_key, scenario), group in sorted(groups.items()):
        done = [s.result for s in group if s.finished and s.result is not None]
        who = group[-1].trainee
        rows.append(
            TraineeRow(
                trainee=who.name,
                employee_id=who.employee_id,
                cohort=who.cohort,
                scenario_id=scenario,
                attempts=len(done),
                unfinished=sum(1 for s in group if s.state == "unfinished"),
                abandoned=sum(1 for s in group if s.state == "abandoned"),
                best=max((r.overall for r in done), default=None),
                latest=done[-1].overall if done else None,
                latest_band=done[-1].band if done else None,
                latest_at=group[-1].started_at,
                passed=any(r.passed for r in done),
            )
        )
    return rows
