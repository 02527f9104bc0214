"""Plain-text rendering of results for the terminal (no markup, no colour codes)."""

from __future__ import annotations

from mot_sim.engine import FinalResult, Turn
from mot_sim.matching.text import clean_text
from mot_sim.scoring import ReplyResult
from mot_sim.stages import DIMENSIONS, STAGE_TITLES


def _dim(v: int | None) -> str:
    return "—" if v is None else str(v)


def reply_feedback(r: ReplyResult, indent: str = "") -> list[str]:
    """Human-readable feedback: score, what earned and cost points, and what to try."""
    dims = "  ".join(f"{d} {_dim(r.dimensions[d])}" for d in DIMENSIONS)
    lines = [f"{indent}Score {r.score}/100 ({r.outcome})   {dims}"]
    for h in r.hits:
        sign = f"+{h.points:g}" if h.points >= 0 else f"{h.points:g}"
        lines.append(
            f"{indent}  {sign:>6}  {h.dimension:<12} “{clean_text(h.text)}”  [{h.rule}] {h.reason}"
        )
        if h.better:
            lines.append(f"{indent}          better: {h.better}")
    for h in r.set_aside:
        lines.append(
            f"{indent}       0  {h.dimension:<12} “{clean_text(h.text)}”  [{h.rule}] "
            f"not counted: {h.ignored}"
        )
    for note in r.notes:
        lines.append(f"{indent}  note: {note}")
    for s in r.suggestions:
        lines.append(f"{indent}  • {s.text}")
    return lines


def final_summary(res: FinalResult) -> list[str]:
    verdict = "PASS" if res.passed else "FAIL"
    lines = [
        f"Result: {res.overall}/100  {res.band}  {verdict}"
        + ("  (the customer walked out)" if res.walked_out else "")
    ]
    lines.append(
        "  stages:     " + "  ".join(f"{STAGE_TITLES[s]} {_dim(v)}" for s, v in res.stages.items())
    )
    lines.append("  dimensions: " + "  ".join(f"{d} {_dim(v)}" for d, v in res.dimensions.items()))
    return lines


def transcript(
    turns: list[Turn], customer: str, trainee: str, model_answers: dict[str, str] | None = None
) -> list[str]:
    out: list[str] = []
    for t in turns:
        out.append(f"── {STAGE_TITLES[t.stage]} ──")
        out += [f"{customer}: {clean_text(x)}" for x in t.customer_lines]
        out.append(f"{clean_text(trainee) or 'You'}: {clean_text(t.reply)}")
        out += reply_feedback(t.result, indent="    ")
        if model_answers and t.stage in model_answers:
            out.append(f"    model answer: {model_answers[t.stage]}")
        out.append(
            f"{customer}: {clean_text(t.reaction)}   (mood {t.mood_before} → {t.mood_after})"
        )
    return out
