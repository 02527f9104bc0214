"""Typed definitions of everything trainers write: phrase rules, the rubric, scenarios.

Pydantic validates the YAML (unknown keys refused) and publishes the JSON Schema that
editors use for autocompletion (``mot-sim schema``).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from mot_sim.matching.pattern import PatternError, parse
from mot_sim.matching.text import clean_text
from mot_sim.stages import STAGE_IDS, DetectorName, Dimension, Outcome, Polarity, StageId

Style = Literal["dominant", "sociable", "steady", "analytical"]
# The course's ten moments of truth, each with the response it teaches (in this order):
# appears or calls (be quick and prepared), angry or accusing (listen, understand), special
# request (do everything you can), undecided (a clear recommendation), has an opinion
# (notice it, acknowledge it), wants to buy (reinforce, close), has bought (give more than
# promised), refuses (stay courteous, leave goodwill), complains (fast, useful handling),
# disappointed (a small compensation).
Moment = Literal[
    "appears_or_calls",
    "angry_or_accusing",
    "special_request",
    "undecided",
    "has_opinion",
    "wants_to_buy",
    "has_bought",
    "refuses",
    "complains",
    "disappointed",
]
MOMENTS: tuple[str, ...] = get_args(Moment)
RULE_ID_RE = r"[a-z][a-z0-9_]{0,63}"  # ids of rules, goals and scenarios
RuleId = Annotated[str, Field(pattern=rf"^{RULE_ID_RE}$", max_length=64)]
Locale = Annotated[str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]


def _printable(value: str) -> str:
    # YAML escapes ("\e[2J", "\x07") can smuggle terminal control sequences into text that
    # the CLI prints and the TUI shows; refuse them here, where the file position is known.
    if clean_text(value) != value:
        raise ValueError("control characters and escape sequences are not allowed in text")
    return value


Plain = Annotated[str, Field(max_length=4000), AfterValidator(_printable)]
Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_printable)]

DETECTOR_NAMES: tuple[str, ...] = get_args(DetectorName)


class _Strict(BaseModel):
    # No NaN or infinity anywhere: every number in a file has a finite, sensible range.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _pattern_syntax(value: str) -> str:
    # Concepts are checked against the lexicon later, where the locale is known.
    try:
        parse(value, frozenset(DETECTOR_NAMES))
    except PatternError as exc:
        raise ValueError(f"pattern {value!r}, {exc}") from None
    return value


PatternText = Annotated[
    str,
    Field(
        min_length=1,
        max_length=400,
        description="A pattern in the rule language (docs/rules.md): words, @concepts, "
        "(a|b) alternatives, ? optional, ... or ~N gaps (~~N across clauses), <detector> slots.",
    ),
    AfterValidator(_printable),
    AfterValidator(_pattern_syntax),
]


class RuleExamples(_Strict):
    """Replies a rule must fire on and near misses it must not: its tests."""

    hit: list[Text] = Field(min_length=3, max_length=40, description="At least 3 wordings.")
    miss: list[Text] = Field(min_length=2, max_length=40, description="At least 2 near misses.")


class Rule(_Strict):
    """One phrasing rule: what it looks for, what it is worth, why, and its own tests."""

    id: RuleId
    polarity: Polarity
    dimension: Dimension
    weight: int = Field(ge=1, le=50, description="Points earned (good) or lost (bad).")
    stages: list[StageId] | Literal["all"] = "all"
    patterns: list[PatternText] = Field(default_factory=list, max_length=100)
    learned: bool = Field(
        default=False,
        description="Fired by the model learned from trainers' labels (scoring/learned/), "
        "not by patterns: it speaks only when no rule has flagged the reply.",
    )
    unless: list[PatternText] = Field(
        default_factory=list,
        max_length=40,
        description="If any of these also occurs in the same sentence, the rule does not fire.",
    )
    unless_reply: list[PatternText] = Field(
        default_factory=list,
        max_length=40,
        description="If any of these occurs anywhere in the reply, the rule does not fire: "
        "'Your slip says Lily. That one is on us.' quotes the slip to take the blame.",
    )
    requires: list[PatternText] = Field(
        default_factory=list,
        max_length=40,
        description="The rule fires only if one of these also occurs in the same sentence "
        "('I promise' is an over-promise only beside 'free', 'never', 'everything').",
    )
    requires_before: bool = Field(
        default=False,
        description="`requires` may also match in the sentence before: 'All of it repaired "
        "free. You have my word on that.' promises in two sentences.",
    )
    negatable: bool = Field(
        default=True,
        description="A negation that governs the match in its clause ('nobody will tell you "
        "to ...') cancels it.",
    )
    doubtable: bool = Field(
        default=False,
        description="Whether the phrasing is a habit depends on the whole reply (a promise, "
        "a mention of policy, advice): the second opinion may set a hit aside when the reply "
        "and the hit's sentence read like replies trainers marked good. Never on a phrase "
        "that is wrong wherever it stands ('calm down').",
    )
    overrides: list[RuleId] = Field(
        default_factory=list,
        description="Rules whose hits inside this rule's hit do not count "
        "('sorry to keep you waiting' overrides the apology).",
    )
    on_topic: bool = Field(
        default=False,
        description="Counts only in a sentence that shares a word with the stage (what the "
        "customer said, its purpose and model answers): an off-topic question is not diagnosis.",
    )
    courtesy: bool = Field(
        default=False,
        description="Courtesy words (hello, thanks, sorry): they make a reply pleasant but "
        "do not do the stage's job; a reply made only of them reads as a list.",
    )
    reason: Text = Field(description="One line the trainee reads: why this matters.")
    better: Text | None = Field(default=None, description="For bad rules: what to say instead.")
    locale: Locale | None = None
    examples: RuleExamples

    @model_validator(mode="after")
    def _bad_rules_need_better(self) -> Rule:
        if self.polarity == "bad" and not self.better:
            raise ValueError("a bad rule needs 'better': what to say instead")
        if self.id in self.overrides:
            raise ValueError("a rule cannot override itself")
        if self.learned:
            if self.patterns or self.unless or self.unless_reply or self.requires:
                raise ValueError("a learned rule has no patterns, unless or requires")
            if self.polarity != "bad":
                raise ValueError("a learned rule flags phrasing to avoid: polarity bad")
        elif not self.patterns:
            raise ValueError("a rule needs at least one pattern (or learned: true)")
        if self.doubtable and (self.polarity != "bad" or self.learned):
            raise ValueError("only a bad rule the course wrote can be doubtable")
        return self

    def applies_to(self, stage: str) -> bool:
        return self.stages == "all" or stage in self.stages


class RuleFile(_Strict):
    """A file of the shared phrase-rule library."""

    locale: Locale | None = Field(default=None, description="Default locale of these rules.")
    rules: list[Rule] = Field(min_length=1)


ConceptName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
LexWord = Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_printable)]


class ExampleContext(_Strict):
    """Who is talking in rule examples (for name detectors)."""

    customer: Text = "Mrs Ellis"
    trainee: Text = "Sam"


class LocaleLexicon(_Strict):
    """One locale's named concepts and the word classes the matcher itself uses."""

    concepts: dict[ConceptName, list[PatternText]] = Field(
        description="@name in a pattern matches any of these entries."
    )
    negators: list[LexWord] = Field(description="Words that negate what they govern.")
    transparent: list[LexWord] = Field(
        description="Words that may stand between a negator and what it negates "
        "(auxiliaries, pronouns, verbs that pass an action on: tell, ask, going)."
    )
    clause_breaks: list[LexWord] = Field(
        default_factory=list, description="Words that open a new clause (but, because)."
    )
    coordinators: list[LexWord] = Field(
        default_factory=list,
        description="Words joining two things one negation covers ('won't hide ... or tell').",
    )
    scope_modals: list[LexWord] = Field(
        default_factory=list,
        description="Modals that, right after a negator, carry the negation to the end of its "
        "clause, whatever stands between ('我才不会为了一片酸黄瓜跟您收钱').",
    )
    joiners: list[LexWord] = Field(
        default_factory=list,
        description="Words joining two verbs that one negation covers, inside one clause "
        "only ('won't point at the booking *and* say that's what you paid for').",
    )
    subjects: list[LexWord] = Field(
        default_factory=list,
        description="Words that open a clause of their own after a coordinator, so a "
        "negation before it stops there ('I can't refund it, or *I* could offer...').",
    )
    complementisers: list[LexWord] = Field(
        default_factory=list,
        description="Words that, right after a word that passes a negation on, open that "
        "word's object, which the negation reaches ('won't ask *if* you're sure').",
    )
    negation_exceptions: list[LexWord] = Field(
        default_factory=list,
        description="Words after which a negator negates nothing ('no doubt', 'not only').",
    )
    quote_rejecters: list[LexWord] = Field(
        default_factory=list,
        description="Words that reject a quotation beside them as a negator would "
        "in their clause (\"'someone will call you' is what went *wrong*\").",
    )
    subordinators: list[LexWord] = Field(
        default_factory=list,
        description="Words opening a clause of their own that a negator before them does "
        "not reach ('it wouldn't say that *if* you hadn't used it').",
    )
    reported_speech: list[LexWord] = Field(
        default_factory=list,
        max_length=100,
        description="Words that, near the start of a clause, say the customer's own words "
        "back ('you said nothing has changed', '您说一分钱都不出'): the second opinion does "
        "not hold that clause against the reply, as it does not a negated one.",
    )
    reported_speech_openers: list[LexWord] = Field(
        default_factory=list,
        max_length=100,
        description="Words that may stand before such a lead in its clause ('*so* you "
        "said', '*刚才*您说'); after any other word ('I thought you said') it is none.",
    )
    quote_owners: list[LexWord] = Field(
        default_factory=list,
        max_length=100,
        description="Words just after a quotation that make it the customer's words, "
        "mentioned, not said (\"'your tow truck did that', I *hear* you\"); a lead from "
        "reported_speech before it in its sentence does the same ('you said \"...\"').",
    )
    reported_speech_not: list[LexWord] = Field(
        default_factory=list,
        max_length=100,
        description="Words right after such a lead that make it a verdict, not the "
        "customer's words ('您说*得*对', '您说*了*算', '您说*呢*').",
    )
    courtesy: list[LexWord] = Field(
        default_factory=list, description="Courtesy words: a reply of only these is a list."
    )
    fillers: list[LexWord] = Field(
        default_factory=list,
        description="Intensifiers that may stand between the words of a pattern "
        "('fix absolutely everything' matches 'fix everything').",
    )
    function_words: list[LexWord] = Field(
        default_factory=list,
        description="Little words every sentence has (the, to, I, is); a string of words "
        "without any is a keyword list.",
    )
    predicate_markers: list[LexWord] = Field(
        default_factory=list,
        description="Subjects and auxiliaries (I, we, is, will): a clause with none of them "
        "and four stock phrases is a string of stock phrases.",
    )
    stock_openers: list[LexWord] = Field(
        default_factory=list,
        description="Predicate markers that are no subject inside a stock phrase: the "
        "auxiliary of an imperative ('*Have* a nice day') or 'there' after a greeting.",
    )
    topic_words: list[LexWord] = Field(
        default_factory=list,
        description="Words that keep a question on topic in any stage (happen, need, problem).",
    )
    plain_acronyms: list[str] = Field(
        default_factory=list,
        description="Abbreviations any customer knows (OK, PIN, SIM), written as they are "
        "typed: the <acronym> detector passes over them.",
    )
    back_references: list[LexWord] = Field(
        default_factory=list,
        description="Words by which a question points back at the sentence before it (that, "
        "it): such a question is on topic when that sentence is.",
    )
    example_context: ExampleContext = Field(
        default_factory=ExampleContext,
        description="Customer and trainee names assumed by the library rules' examples.",
    )


class LexiconFile(_Strict):
    """``scoring/lexicon.yaml``: concepts per locale."""

    version: Literal[1] = 1
    locales: dict[Locale, LocaleLexicon] = Field(min_length=1)


class Band(_Strict):
    min: float = Field(ge=0, le=100)
    name: Annotated[str, Field(min_length=1, max_length=40), AfterValidator(_printable)]
    description: Plain = ""


class StructureRule(_Strict):
    """What stops word salad, keyword strings and lists of stock phrases from scoring.
    Every value is set in scoring/rubric.yaml, the one place for them."""

    min_words: int = Field(ge=1, le=20)
    short_factor: float = Field(ge=0, le=1)
    keyword_run: int = Field(
        ge=3, le=20, description="A clause this long without a single function word..."
    )
    keyword_glue: float = Field(
        ge=0, le=1, description="...with a smaller share of function words than this."
    )
    fragment_words: int = Field(
        ge=1, le=20, description="A clause of at most this many courtesy words is stock."
    )
    list_share: float = Field(
        ge=0, le=1, description="...this share of stock clauses (of 3 or more) is a list."
    )
    list_kinds: int = Field(
        ge=1, le=20, description="...made of at least this many kinds of courtesy."
    )
    max_repeat_ratio: float = Field(ge=0, le=1)
    stock_repeats: int = Field(
        ge=2, le=20, description="The same stock clause this many times is repetition."
    )
    repeated_clauses: int = Field(
        ge=2,
        le=20,
        description="This many different clauses, each said twice or more, is repetition: "
        "'don't worry, don't worry, it's fine, it's fine'.",
    )
    exclaim_words: float = Field(
        ge=0,
        le=10,
        description="3+ clauses of at most this many words each on average, none "
        "with a subject or auxiliary, are exclamations, not sentences.",
    )
    slogan_words: int = Field(
        ge=1,
        le=20,
        description="4+ clauses of at most this many words each, half of them stock, "
        "none with a subject or auxiliary, are slogans: exclamations, not sentences.",
    )
    fragment_share: float = Field(
        ge=0,
        le=1,
        description="4+ clauses, this share of them stock or one or two words (two or "
        "more of those), with three kinds of courtesy and no other clause that says "
        "something, are a keyword string ('Done. £8.95. Receipt. Thanks, sorry, bye.').",
    )
    dash_words: float = Field(
        ge=0,
        le=20,
        description="Four or more items set off by spaced dashes, at most this many words "
        "each on average, are a list ('Sorry - our fault - we value you - thank you!').",
    )
    list_cap: float = Field(ge=0, le=100, description="Most a list of stock phrases scores.")


Share = Annotated[float, Field(ge=0, le=100)]


class Rubric(_Strict):
    """How hits become scores, and scores become results. No value has a default here:
    scoring/rubric.yaml is the one place for them (and docs/scoring.md quotes it, checked
    by a test)."""

    version: Literal[1] = 1
    neutral: float = Field(ge=0, le=100, description="A dimension's start before hits.")
    gain: float = Field(ge=0, le=100, description="Most a dimension can gain from hits.")
    scale: float = Field(gt=0, le=1000, description="Points at which ~63% of the gain is reached.")
    silent: float = Field(
        ge=0, le=100, description="Used for a dimension without evidence when combining."
    )
    empty: float = Field(
        ge=0, le=100, description="Floor for a reply in which nothing good was found."
    )
    bad_spill: float = Field(
        ge=0, le=2, description="Share of each bad rule's weight also taken off overall."
    )
    pass_mark: float = Field(ge=0, le=100)
    outcomes: dict[Outcome, Share] = Field(description="Lowest reply score for each outcome.")
    stage_weights: dict[StageId, dict[Dimension, Share]]
    stage_importance: dict[StageId, Share]
    bands: list[Band] = Field(min_length=1)
    structure: StructureRule
    no_goal_cap: float = Field(
        ge=0, le=100, description="Most a reply scores that meets none of the stage's goals."
    )
    missed_required_cap: float = Field(
        ge=0, le=100, description="Most a reply scores that misses a required goal."
    )
    bad_cap: float = Field(
        ge=0, le=100, description="Most a reply scores with phrasing the course rejects."
    )
    goal_bonus: float = Field(
        ge=0, le=50, description="Points for meeting all of a stage's goals (pro rata)."
    )
    doubt_reply: float | None = Field(
        le=0,
        description="A doubtable rule's hit is set aside when the second opinion's log-odds "
        "for the whole reply are at most this (null: never)...",
    )
    doubt_sentence: float = Field(
        le=0, description="...and those of the hit's own sentence at most this."
    )

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


class Condition(_Strict):
    """What a reply did, for a customer who answers what was said. Every key given must
    hold: a rule fired (``hit``), a goal of the stage was met or missed, an outcome."""

    hit: RuleId | None = Field(default=None, description="This rule fired on the reply.")
    goal: RuleId | None = Field(default=None, description="The reply met this goal.")
    missed: RuleId | None = Field(default=None, description="The reply missed this goal.")
    outcome: Outcome | None = Field(default=None, description="The reply's outcome.")

    @model_validator(mode="after")
    def _something(self) -> Condition:
        if self.hit is None and self.goal is None and self.missed is None and self.outcome is None:
            raise ValueError("a condition needs at least one of hit, goal, missed, outcome")
        return self


class Reply(_Strict):
    """A reaction for replies that did something in particular."""

    when: Condition
    say: list[Text] = Field(
        min_length=1,
        description="What the customer says; may quote the reply with {{ said.RULE }} when "
        "`when` names that rule (the trainee's 'Friday at noon', word for word).",
    )


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
    walk_out_when: list[Reply] = Field(
        default_factory=list,
        description="Walk-out lines for what drove the customer out (charged, blamed, "
        "brushed off): the first whose condition holds the last reply is said, else "
        "walk_out_line.",
    )

    @model_validator(mode="after")
    def _walkout_below_start(self) -> Customer:
        if self.walk_out_below >= self.mood_start:
            raise ValueError("walk_out_below must be lower than mood_start")
        return self


class Reactions(_Strict):
    good: list[Text] = Field(min_length=1)
    mixed: list[Text] = Field(min_length=1)
    poor: list[Text] = Field(min_length=1)
    when: list[Reply] = Field(
        default_factory=list,
        description="Checked first, in order: the first whose condition holds is the reaction.",
    )


class Branch(_Strict):
    """The stage opens differently depending on the previous stage's reply."""

    after: Condition = Field(description="What the previous reply did.")
    customer: list[Text] = Field(min_length=1, description="The customer's opening line(s).")
    mood: int = Field(
        default=0, ge=-50, le=50, description="Mood change when this opening is taken."
    )


class Goal(_Strict):
    """Something the stage needs done; met when any of its rules fires."""

    id: RuleId
    say: Text = Field(description="What to do, in this scenario's terms (shown when missed).")
    rules: list[RuleId] = Field(min_length=1, max_length=40)
    required: bool = Field(
        default=False,
        description="The stage's core job: a reply that misses it is mixed at best.",
    )


class Stage(_Strict):
    purpose: Text = Field(description="Shown to the trainee: what this stage is for.")
    goals: list[Goal] = Field(min_length=1, max_length=10)
    customer: list[Text] = Field(min_length=1, description="The customer's opening line(s).")
    branches: list[Branch] = Field(
        default_factory=list,
        description="Openings that depend on the previous reply; the first that holds is "
        "used, else `customer`.",
    )
    reactions: Reactions
    rules: list[Rule] = Field(default_factory=list, description="Extra rules for this stage.")
    exclude_rules: list[RuleId] = Field(default_factory=list)
    weights: dict[Dimension, Share] | None = Field(
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
    moment: Moment | None = Field(
        default=None,
        description="Which of the course's ten moments of truth this encounter rehearses "
        "(mot-sim list groups scenarios by it).",
    )
    role: Text = Field(description="The trainee's role, e.g. 'counter server'.")
    setting: Text
    time_limit: int | None = Field(
        default=None, ge=5, le=600, description="Optional seconds per reply."
    )
    customer: Customer
    rules: list[Rule] = Field(
        default_factory=list,
        max_length=100,
        description="This scenario's own rules, for the stages each names.",
    )
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
