"""The vocabulary every layer shares: stage ids, dimensions, modes. Deliberately light
(no pydantic, no YAML) so the TUI can paint its first screen before the core loads."""

from __future__ import annotations

from typing import Literal

StageId = Literal["set_tone", "diagnose", "solve", "summarise", "follow_up"]
STAGE_IDS: tuple[StageId, ...] = ("set_tone", "diagnose", "solve", "summarise", "follow_up")
STAGE_TITLES: dict[str, str] = {
    "set_tone": "Set the tone",
    "diagnose": "Diagnose",
    "solve": "Solve",
    "summarise": "Summarise",
    "follow_up": "Follow up",
}
Dimension = Literal["empathy", "language", "expectations"]
DIMENSIONS: tuple[Dimension, ...] = ("empathy", "language", "expectations")
Outcome = Literal["good", "mixed", "poor"]
Polarity = Literal["good", "bad"]  # a rule earns points (good) or costs them (bad)
Mode = Literal["practice", "exam"]
MAX_REPLY_CHARS = 20_000
LEAVING_MARGIN = 10  # mood points above the walk-out line at which a customer is leaving
# Names of the built-in detectors (implemented in mot_sim.matching.detectors).
DetectorName = Literal[
    "time_concrete",
    "time_vague",
    "question_open",
    "question_closed",
    "customer_name",
    "self_intro",
    "restate",
    "money",
    "tag_question",
    "enumeration",
    "acronym",
]
