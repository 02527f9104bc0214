"""Plain text plus scoring results, turned into styled Content (never markup)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content

from mot_sim.i18n import dimension_name, outcome_name, tr
from mot_sim.matching.text import clean_text
from mot_sim.stages import DIMENSIONS

if TYPE_CHECKING:
    from mot_sim.scoring import ReplyResult, ScoredHit

GOOD_STYLE = "bold $success underline"
BAD_STYLE = "bold $error reverse"


def highlight(text: str, hits: list[ScoredHit]) -> Content:
    """The reply exactly as typed, with the words that earned or cost points marked."""
    content = Content(text)
    # Longer spans first, so a short hit inside a long one keeps its own colour on top.
    for h in sorted(hits, key=lambda h: h.span[0] - h.span[1]):
        start, end = h.span
        if 0 <= start < end <= len(text):
            content = content.stylize(GOOD_STYLE if h.polarity == "good" else BAD_STYLE, start, end)
    return content


def _pts(points: float) -> str:
    return f"+{points:g}" if points >= 0 else f"{points:g}"


def feedback(result: ReplyResult, model_answer: str | None = None, lang: str = "en") -> Content:
    """What earned points, what cost points, what to say instead (labels in ``lang``)."""
    dims = "  ".join(
        f"{dimension_name(d, lang)} {'—' if v is None else v}"
        for d, v in result.dimensions.items()
        if d in DIMENSIONS
    )
    colour = {"good": "$success", "mixed": "$warning", "poor": "$error"}[result.outcome]
    lines: list[Content] = [
        Content.assemble(
            (tr(lang, "fb.score", score=result.score), f"bold {colour}"),
            (f"  {outcome_name(result.outcome, lang)}", colour),
        ),
        Content.assemble((dims, "dim")),
    ]
    earned, cost = tr(lang, "fb.earned"), tr(lang, "fb.cost")
    for label, polarity, style in ((earned, "good", "$success"), (cost, "bad", "$error")):
        hits = [h for h in result.hits if h.polarity == polarity]
        if hits:
            lines.append(Content.assemble((label, f"bold {style}")))
        for h in hits:
            lines.append(
                Content.assemble(
                    (f" {_pts(h.points):>5} ", style),
                    (f"“{clean_text(h.text)}”", "bold"),
                    f" {h.reason}",
                )
            )
            if h.better:
                lines.append(
                    Content.assemble((f"       {tr(lang, 'fb.instead')}", "italic"), h.better)
                )
    for h in result.set_aside:
        lines.append(
            Content.assemble(
                ("     0 ", "dim"),
                (f"“{clean_text(h.text)}”", "dim"),
                (" " + tr(lang, "fb.not_counted", why=h.ignored), "dim"),
            )
        )
    if not result.hits:
        lines.append(Content.assemble((tr(lang, "fb.nothing"), "italic")))
    for note in result.notes:
        lines.append(Content.assemble((tr(lang, "fb.note"), "bold $warning"), note))
    # Phrases to avoid already show their "instead" beside the hit; here, the goals missed.
    tips = [s for s in result.suggestions if s.kind == "goal"]
    if tips:
        lines.append(Content.assemble((tr(lang, "fb.next_time"), "bold")))
        lines += [Content.assemble(" • ", s.reason) for s in tips]
    if model_answer:
        lines.append(Content.assemble((tr(lang, "fb.model"), "bold")))
        lines.append(Content.assemble(("“", "dim"), (model_answer, "italic"), ("”", "dim")))
    return Content("\n").join(lines)
