"""Plain-text rendering of results for the terminal (no markup, no colour codes), in the
interface language (mot_sim.i18n): a Chinese scenario's feedback reads in Chinese."""

from __future__ import annotations

from mot_sim.engine import FinalResult, Turn
from mot_sim.i18n import band_name, dimension_name, outcome_name, stage_title, tr
from mot_sim.matching.text import clean_text
from mot_sim.scoring import ReplyResult
from mot_sim.stages import DIMENSIONS


def interface_lang(args: object, scenario_locale: str | None = None) -> str:
    """``--lang``, then MOT_SIM_LANG, then the ``language`` setting, else the scenario's."""
    from mot_sim.i18n import choose
    from mot_sim.settings import Settings

    return choose(getattr(args, "lang", None), Settings.load().language, scenario_locale)


def _dim(v: int | None) -> str:
    return "—" if v is None else str(v)


def reply_feedback(r: ReplyResult, indent: str = "", lang: str = "en") -> list[str]:
    """Human-readable feedback: score, what earned and cost points, and what to try."""
    dims = "  ".join(f"{dimension_name(d, lang)} {_dim(r.dimensions[d])}" for d in DIMENSIONS)
    score = tr(lang, "fb.score", score=r.score)
    lines = [f"{indent}{score} ({outcome_name(r.outcome, lang)})   {dims}"]
    for h in r.hits:
        sign = f"+{h.points:g}" if h.points >= 0 else f"{h.points:g}"
        lines.append(
            f"{indent}  {sign:>6}  {dimension_name(h.dimension, lang):<12} "
            f"“{clean_text(h.text)}”  [{h.rule}] {h.reason}"
        )
        if h.better:
            lines.append(f"{indent}          {tr(lang, 'fb.better')}{h.better}")
    for h in r.set_aside:
        lines.append(
            f"{indent}       0  {dimension_name(h.dimension, lang):<12} “{clean_text(h.text)}”  "
            f"[{h.rule}] {tr(lang, 'fb.not_counted', why=h.ignored)}"
        )
    for note in r.notes:
        lines.append(f"{indent}  {tr(lang, 'fb.note')}{note}")
    for s in r.suggestions:
        lines.append(f"{indent}  • {s.line(lang)}")
    return lines


def final_summary(res: FinalResult, lang: str = "en") -> list[str]:
    verdict = tr(lang, "res.pass" if res.passed else "res.fail")
    lines = [
        f"{tr(lang, 'res.result')}: {res.overall}/100  {band_name(res.band, lang)}  {verdict}"
        + ("  (the customer walked out)" if res.walked_out and lang == "en" else "")
        + ("  (客户离开了)" if res.walked_out and lang == "zh" else "")
    ]
    stages = "  ".join(f"{stage_title(s, lang)} {_dim(v)}" for s, v in res.stages.items())
    dims = "  ".join(f"{dimension_name(d, lang)} {_dim(v)}" for d, v in res.dimensions.items())
    lines.append(f"  {tr(lang, 'res.stages')}: {stages}")
    lines.append(f"  {tr(lang, 'res.dimensions')}: {dims}")
    return lines


def transcript(
    turns: list[Turn],
    customer: str,
    trainee: str,
    model_answers: dict[str, str] | None = None,
    lang: str = "en",
) -> list[str]:
    out: list[str] = []
    for t in turns:
        out.append(f"── {stage_title(t.stage, lang)} ──")
        out += [f"{customer}: {clean_text(x)}" for x in t.customer_lines]
        out.append(f"{clean_text(trainee) or 'You'}: {clean_text(t.reply)}")
        out += reply_feedback(t.result, indent="    ", lang=lang)
        if model_answers and t.stage in model_answers:
            out.append(f"    {tr(lang, 'fb.model_line')}: {model_answers[t.stage]}")
        out.append(
            f"{customer}: {clean_text(t.reaction)}   "
            f"({tr(lang, 'mood.label')} {t.mood_before} → {t.mood_after})"
        )
    return out
