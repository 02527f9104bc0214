"""Structured hostile scenario files, for the property tests and bench/fuzz.py.

A valid scenario is taken apart and one to four of its values are replaced by what an
attacker or a careless trainer would write: explicit YAML tags, huge or non-finite numbers,
empty or punctuation-only phrases, templates that compute, broken patterns, control
characters, deep nesting, long lists. Each case must be refused with our own error (a
located problem) or load and then score and render without any other exception.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from mot_sim.catalog import Library, load_scenario
from mot_sim.engine import Encounter
from mot_sim.errors import InputError
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS
from tests.conftest import ROOT

BASE = (ROOT / "scenarios" / "pickle_request.yaml").read_text(encoding="utf-8")

# Raw YAML fragments put in place of a value (not quoted: tags and numbers stay live).
RAW_VALUES = [
    "!!timestamp easy",
    "!!float",
    "!!int easy",
    "!!binary aGk=",
    "!!set {a, b}",
    "!!python/object:os.system x",
    "9" * 5000,
    "-" + "9" * 40,
    ".nan",
    ".inf",
    "-.inf",
    "1e308",
    "0x7fffffffffffffff",
    "~",
    "[]",
    "{}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[x]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    "&a x",
    "*a",
    "'" + "x" * 5000 + "'",
]
# Text values, quoted: templates, patterns, control characters.
TEXT_VALUES = [
    "",
    "!!!",
    "...",
    "🙂",
    "{{ 1/0 }}",
    "{{ 10**5000 }}",
    "{% include 'x' %}",
    "{% for a in range(100000) %}x{% endfor %}",
    "{{ 'a' * 10**9 }}",
    "{{ trainee * 100000000 }}",
    "{% if trainee != 'Sam' %}{{ nobody }}{% endif %}",
    "{{ trainee.__class__ }}",
    "(a+)+$",
    "(a|(b|(c|(d|(e|f)))))",
    "~8 ~8 ~8",
    "@nope",
    "<nope>",
    "(((",
    "a ~99 b",
    "\x1b]0;pwned\x07",
    "\x1b[31mred",
    "[b]markup[/b] [@click=app.quit]x[/]",
    "\u202eevil",
    "\ud800",
    "x" * 500,
]
PATHS = [
    ("customer", "mood_start"),
    ("customer", "walk_out_below"),
    ("time_limit",),
    ("difficulty",),
    ("title",),
    ("customer", "name"),
    ("customer", "walk_out_line"),
    ("customer", "mood_change", "good"),
    ("customer", "sensitive_to", "charge_courtesy"),
    ("rules", 0, "patterns", 0),
    ("rules", 0, "unless", 0),
    ("rules", 0, "weight"),
    ("rules", 0, "examples", "hit", 0),
    ("stages", "set_tone", "customer", 0),
    ("stages", "set_tone", "model_answers", 0),
    ("stages", "diagnose", "reactions", "good", 0),
    ("stages", "solve", "weights"),
    ("stages", "solve", "goals", 0, "rules", 0),
    ("stages", "summarise", "goals"),
    ("examples", 0, "expect", "min_score"),
    ("examples", 0, "reply"),
]


@st.composite
def hostile_scenarios(draw: st.DrawFn) -> str:
    """Scenario YAML text with one to four hostile values in it."""
    import yaml

    data: Any = yaml.safe_load(BASE)
    raw: dict[str, str] = {}
    for n in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(PATHS))
        if draw(st.booleans()):
            marker = f"__RAW{n}__"
            raw[marker] = draw(st.sampled_from(RAW_VALUES))
            value: Any = marker
        else:
            value = draw(st.sampled_from(TEXT_VALUES) | st.text(max_size=30))
        if path[-1] == "weights":
            value = {"empathy": value}
        _put(data, path, value)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    for marker, fragment in raw.items():
        text = text.replace(marker, fragment)
    return text


def _put(data: Any, path: tuple[Any, ...], value: Any) -> None:
    """Set ``path`` in nested dicts and lists, creating what is missing."""
    for part, nxt in zip(path, (*path[1:], None), strict=True):
        fresh: Any = value if nxt is None else ([] if isinstance(nxt, int) else {})
        if isinstance(data, list):
            if part >= len(data):
                data.append(fresh)
                part = len(data) - 1
            elif nxt is None:
                data[part] = value
        elif nxt is None or part not in data or not isinstance(data[part], dict | list):
            data[part] = fresh
        data = data[part]


@dataclass
class Outcome:
    """What one hostile file did: refused (our error), accepted, or a foreign exception."""

    refused: int = 0
    accepted: int = 0
    foreign: list[str] = field(default_factory=list)
    slowest: float = 0.0


def exercise(text: str, library: Library, scorer: Scorer, tmp: Any, out: Outcome) -> None:
    """Load one hostile file; if it loads, score, render and play it with odd names."""
    path = tmp / "hostile.yaml"
    try:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
    except UnicodeEncodeError:
        return
    start = time.perf_counter()
    try:
        loaded = load_scenario(path, library)
        sc = loaded.scenario
        for stage in STAGE_IDS:
            scorer.score(sc, stage, "Sorry, calm down, that's our policy. I'll add it now!")
        for trainee in ("Sam", "{{ customer }}", "\x1b[31mX", "x" * 300, ""):
            enc = Encounter(sc, scorer, trainee)
            while not enc.is_over:
                enc.customer_lines()
                enc.model_answers()
                enc.answer("Hello, of course I'll help you with that today.")
            json.dumps(enc.result().to_dict(), allow_nan=False)
        out.accepted += 1
    except InputError:
        out.refused += 1
    except Exception as exc:
        out.foreign.append(f"{type(exc).__name__}: {exc}"[:200])
    out.slowest = max(out.slowest, time.perf_counter() - start)


def run_cases(texts: list[str], library: Library, tmp: Any) -> Outcome:
    scorer = Scorer(library)
    out = Outcome()
    for text in texts:
        exercise(text, library, scorer, tmp, out)
    return out
