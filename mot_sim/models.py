"""Typed definitions of everything trainers write: phrase rules, the rubric, scenarios.

Pydantic validates the YAML (unknown keys refused) and publishes the JSON Schema that
editors use for autocompletion (``mot-sim schema``).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from mot_sim.matching.text import clean_text
from mot_sim.stages import STAGE_IDS, Dimension, Outcome, StageId

Style = Literal["dominant", "sociable", "steady", "analytical"]
RuleId = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Locale = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]


def _printable(value: str) -> str:
    # YAML escapes ("\e[2J", "\x07") can smuggle terminal control sequences into text that
    # the CLI prints and the TUI shows; refuse them here, where the file position is known.
    if clean_text(value) != value:
        raise ValueError("control characters and escape sequences are not allowed in text")
    return value


Plain = Annotated[str, Field(max_length=4000), AfterValidator(_printable)]
Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_printable)]

# Names of the built-in detectors (implemented in mot_sim.matching.detectors).
DetectorName = Literal[
    "time_concrete",
    "time_vague",
    "question_open",
    "question_closed",
    "customer_name",
    "self_intro",
    "restate",
]
DETECTOR_NAMES: tuple[str, ...] = get_args(DetectorName)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PhrasePattern(_Strict):
    """A fuzzy phrase: typos, inflections and British/American spellings tolerated.

    ``...`` inside the phrase stands for up to four words of any kind.
    """

    phrase: Text


class RegexPattern(_Strict):
    """A regular expression, applied to the normalised reply (lower case, contractions
    expanded, one space between words, punctuation kept)."""

    regex: Text

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regular expression: {exc}") from None
        return value


class DetectorPattern(_Strict):
    """A built-in detector for what phrases express badly (time commitments, questions...)."""

    detector: DetectorName


Pattern = Annotated[
    Text | PhrasePattern | RegexPattern | DetectorPattern,
    Field(description="A phrase (plain string or {phrase}), {regex} or {detector}."),
]


class Rule(_Strict):
    """One phrasing rule: what it looks for, what it is worth, and why."""

    id: RuleId
    polarity: Literal["good", "bad"]
    dimension: Dimension
    weight: int = Field(ge=1, le=50, description="Points earned (good) or lost (bad).")
    stages: list[StageId] | Literal["all"] = "all"
    patterns: list[Pattern] = Field(min_length=1)
    unless: list[Pattern] = Field(
        default_factory=list,
        description="If any of these also occurs in the same sentence, the rule does not fire.",
    )
    negatable: bool = Field(
        default=True, description="A negation just before the match ('not', 'never') cancels it."
    )
    reason: Text = Field(description="One line the trainee reads: why this matters.")
    better: Text | None = Field(default=None, description="For bad rules: what to say instead.")
    locale: Locale | None = None

    @model_validator(mode="after")
    def _bad_rules_need_better(self) -> Rule:
        if self.polarity == "bad" and not self.better:
            raise ValueError("a bad rule needs 'better': what to say instead")
        return self

    def applies_to(self, stage: str) -> bool:
        return self.stages == "all" or stage in self.stages


class RuleFile(_Strict):
    """A file of the shared phrase-rule library."""

    locale: Locale | None = Field(default=None, description="Default locale of these rules.")
    rules: list[Rule] = Field(min_length=1)


class Band(_Strict):
    min: float = Field(ge=0, le=100)
    name: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_printable)]
    description: Plain = ""


class StructureRule(_Strict):
    """Thresholds that stop word-salad and keyword lists from scoring well."""

    min_words: int = 3
    short_factor: float = Field(0.5, ge=0, le=1)
    min_function_ratio: float = Field(0.18, ge=0, le=1)
    min_words_for_structure: int = 4
    stuffing_rules: int = Field(3, ge=1, description="Distinct good rules that make a list.")
    min_free_glue: float = Field(
        0.12, ge=0, le=1, description="Glue needed outside stock phrases when there are many."
    )
    stuffing_factor: float = Field(0.3, ge=0, le=1)
    max_repeat_ratio: float = Field(0.5, ge=0, le=1)


def _default_outcomes() -> dict[Outcome, float]:
    return {"good": 60.0, "mixed": 45.0, "poor": 0.0}


class Rubric(_Strict):
    """How hits become scores, and scores become results."""

    version: Literal[1] = 1
    neutral: float = Field(50, ge=0, le=100, description="A dimension's start before hits.")
    gain: float = Field(50, ge=0, le=100, description="Most a dimension can gain from hits.")
    scale: float = Field(25, gt=0, description="Points at which ~63% of the gain is reached.")
    silent: float = Field(
        35, ge=0, le=100, description="Used for a dimension without evidence when combining."
    )
    empty: float = Field(
        30, ge=0, le=100, description="Floor for a reply in which nothing good was found."
    )
    bad_spill: float = Field(
        0.5, ge=0, le=2, description="Share of each bad rule's weight also taken off overall."
    )
    pass_mark: float = Field(60, ge=0, le=100)
    outcomes: dict[Outcome, float] = Field(
        default_factory=lambda: _default_outcomes(),
        description="Lowest reply score for each outcome.",
    )
    stage_weights: dict[StageId, dict[Dimension, float]]
    stage_importance: dict[StageId, float]
    bands: list[Band] = Field(min_length=1)
    structure: StructureRule = StructureRule()

    @model_validator(mode="after")
    def _complete(self) -> Rubric:
        for stage in STAGE_IDS:
            if stage not in self.stage_weights:
                raise ValueError(f"stage_weights is missing stage {stage!r}")
            if stage not in self.stage_importance:
                raise ValueError(f"stage_importance is missing stage {stage!r}")
        if not any(b.min == 0 for b in self.bands):
            raise ValueError("bands need one band with min: 0")
        return self

    def band_for(self, score: float) -> Band:
        return max((b for b in self.bands if score >= b.min), key=lambda b: b.min)

    def outcome_for(self, score: float) -> Outcome:
        if score >= self.outcomes.get("good", 65):
            return "good"
        if score >= self.outcomes.get("mixed", 45):
            return "mixed"
        return "poor"


class MoodChange(_Strict):
    good: int = Field(15, ge=-100, le=100)
    mixed: int = Field(-5, ge=-100, le=100)
    poor: int = Field(-20, ge=-100, le=100)


class Customer(_Strict):
    name: Text
    style: Style
    description: Plain = ""
    mood_start: int = Field(ge=0, le=100, description="0 furious, 50 neutral, 100 delighted.")
    walk_out_below: int = Field(ge=0, le=100, description="The customer leaves below this mood.")
    mood_change: MoodChange = MoodChange()
    sensitive_to: dict[RuleId, int] = Field(
        default_factory=dict,
        description="Extra mood change when a rule fires (e.g. being asked to pay: -40).",
    )
    walk_out_line: Text

    @model_validator(mode="after")
    def _walkout_below_start(self) -> Customer:
        if self.walk_out_below >= self.mood_start:
            raise ValueError("walk_out_below must be lower than mood_start")
        return self


class Reactions(_Strict):
    good: list[Text] = Field(min_length=1)
    mixed: list[Text] = Field(min_length=1)
    poor: list[Text] = Field(min_length=1)


class Stage(_Strict):
    purpose: Text = Field(description="Shown to the trainee: what this stage is for.")
    customer: list[Text] = Field(min_length=1, description="The customer's opening line(s).")
    reactions: Reactions
    rules: list[Rule] = Field(default_factory=list, description="Extra rules for this stage.")
    exclude_rules: list[RuleId] = Field(default_factory=list)
    weights: dict[Dimension, float] | None = Field(
        default=None, description="Overrides the rubric's dimension weights for this stage."
    )
    model_answers: list[Text] = Field(min_length=1)


class Stages(_Strict):
    set_tone: Stage
    diagnose: Stage
    solve: Stage
    summarise: Stage
    follow_up: Stage

    def get(self, stage_id: str) -> Stage:
        return getattr(self, stage_id)  # type: ignore[no-any-return]


class Expect(_Strict):
    min_score: float | None = Field(default=None, ge=0, le=100)
    max_score: float | None = Field(default=None, ge=0, le=100)
    outcome: Outcome | None = None
    hits: list[RuleId] = Field(default_factory=list, description="Rules that must fire.")
    not_hits: list[RuleId] = Field(default_factory=list, description="Rules that must not fire.")
    no_bad: bool = Field(default=False, description="No bad rule may fire.")
    any_bad: bool = Field(default=False, description="At least one bad rule must fire.")


class Example(_Strict):
    stage: StageId
    reply: Text
    expect: Expect
    note: Plain = ""


class Scenario(_Strict):
    """One moment-of-truth encounter, written by a trainer."""

    id: RuleId
    title: Text
    summary: Text
    locale: Locale = "en"
    difficulty: Literal["easy", "medium", "hard"]
    role: Text = Field(description="The trainee's role, e.g. 'counter server'.")
    setting: Text
    time_limit: int | None = Field(
        default=None, ge=5, le=600, description="Optional seconds per reply."
    )
    customer: Customer
    stages: Stages
    examples: list[Example] = Field(default_factory=list)

    def stage(self, stage_id: str) -> Stage:
        return self.stages.get(stage_id)


def scenario_json_schema() -> dict[str, Any]:
    """JSON Schema of a scenario file, for editors."""
    schema = Scenario.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://mot-sim.invalid/schema/scenario.json"
    return schema
