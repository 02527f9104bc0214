"""The rule language: a pattern is a line of slots a trainer can read (see docs/rules.md).

    sorry ~3 (keep|make) you wait      words match every inflected form (kept, making...)
    (pass|forward|report) ~3 to @superior   @name: any entry of a lexicon concept
    our? @rules                        ? makes the slot before it optional
    (by|within) <time_concrete>        <name>: a built-in detector as a slot
    =sorry                             = : this exact form only, no other inflection
    ^ (plus|lite) plan? $              ^ first: the match starts a clause; $ last: it ends
                                       one ("Plus, £18.", not "Plus has 40 GB")

``...`` is a gap of up to four words and ``~N`` of up to N (at most 8); such a gap never
crosses a clause. ``~~N`` may cross clauses, never sentences: "you are right ~~8 but"
catches "You're right, it's a big day, but". Parsing gives a small tree;
:mod:`mot_sim.matching.matcher` compiles it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mot_sim.matching.text import tokenize

MAX_GAP = 8
DEFAULT_GAP = 4
MAX_PATTERN_CHARS = 400
MAX_SLOTS = 80
MAX_DEPTH = 4


class PatternError(ValueError):
    """A pattern that cannot be parsed; ``column`` is 1-based within the pattern."""

    def __init__(self, column: int, message: str) -> None:
        super().__init__(f"column {column}: {message}")
        self.column = column
        self.message = message


@dataclass(frozen=True)
class Word:
    norm: str  # normalised (case- and spelling-folded) word, or one CJK character
    exact: bool = False


@dataclass(frozen=True)
class Concept:
    name: str


@dataclass(frozen=True)
class Detector:
    name: str


@dataclass(frozen=True)
class Gap:
    max: int
    across: bool = False  # ~~N: may cross clauses (never sentences)


@dataclass(frozen=True)
class Start:
    """``^``, the first slot only: the match must begin a clause."""


@dataclass(frozen=True)
class End:
    """``$``, the last slot only: the match must end a clause."""


@dataclass(frozen=True)
class Group:
    options: tuple[tuple[Node, ...], ...]
    optional: bool = False


Node = Word | Concept | Detector | Gap | Group | Start | End
Seq = tuple[Node, ...]

_LEX = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<gap>\.\.\.|…|~~?\d+)"
    r"|(?P<open>\()|(?P<close>\))|(?P<bar>\|)|(?P<opt>\?)|(?P<start>\^)|(?P<end>\$)"
    r"|(?P<concept>@[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<detector><[a-z_]+>)"
    r"|(?P<word>=?[^\s()|?<>@~.…^$]+(?:\.[^\s()|?<>@~.…^$]+)*)"
    r"|(?P<bad>.)"
)


@lru_cache(maxsize=8192)
def parse(source: str, detectors: frozenset[str] = frozenset()) -> Seq:
    """Parse one pattern; raises :class:`PatternError` with the column of the problem.
    Cached: validation, concept checks and compilation all parse the same patterns, and
    the result is immutable."""
    if len(source) > MAX_PATTERN_CHARS:
        raise PatternError(1, f"a pattern is at most {MAX_PATTERN_CHARS} characters")
    items = [(m.lastgroup or "bad", m.group(), m.start() + 1) for m in _LEX.finditer(source)]
    items = [it for it in items if it[0] != "space"]
    pos = 0
    slots = 0

    def seq(depth: int) -> Seq:
        nonlocal pos, slots
        nodes: list[Node] = []
        while pos < len(items) and items[pos][0] not in {"close", "bar"}:
            kind, text, col = items[pos]
            pos += 1
            if kind == "open":
                if depth >= MAX_DEPTH:
                    raise PatternError(col, f"groups nest at most {MAX_DEPTH} deep")
                options = [seq(depth + 1)]
                while pos < len(items) and items[pos][0] == "bar":
                    pos += 1
                    options.append(seq(depth + 1))
                if pos >= len(items) or items[pos][0] != "close":
                    raise PatternError(col, "this '(' is never closed")
                pos += 1
                if any(not o for o in options):
                    raise PatternError(col, "an empty alternative: use '?' for optional words")
                nodes.append(Group(tuple(options)))
            elif kind == "opt":
                if not nodes or isinstance(nodes[-1], Gap | Start | End):
                    raise PatternError(col, "'?' must follow a word, @concept, <detector> or group")
                last = nodes.pop()
                if isinstance(last, Group) and last.optional:
                    raise PatternError(col, "'??' makes no sense")
                opts = last.options if isinstance(last, Group) else ((last,),)
                nodes.append(Group(opts, optional=True))
            elif kind == "gap":
                n = DEFAULT_GAP if text in {"...", "…"} else int(text.lstrip("~"))
                if not 1 <= n <= MAX_GAP:
                    raise PatternError(col, f"a gap is 1 to {MAX_GAP} words")
                if nodes and isinstance(nodes[-1], Gap):
                    raise PatternError(col, "two gaps in a row")
                nodes.append(Gap(n, across=text.startswith("~~")))
            elif kind == "start":
                if depth or nodes:
                    raise PatternError(col, "'^' (start of a clause) must be the first slot")
                nodes.append(Start())
                slots -= 1
            elif kind == "end":
                if depth or pos < len(items):
                    raise PatternError(col, "'$' (end of a clause) must be the last slot")
                nodes.append(End())
                slots -= 1
            elif kind == "concept":
                nodes.append(Concept(text[1:]))
            elif kind == "detector":
                name = text[1:-1]
                if detectors and name not in detectors:
                    known = ", ".join(sorted(detectors))
                    raise PatternError(col, f"unknown detector <{name}> (known: {known})")
                nodes.append(Detector(name))
            elif kind == "word":
                exact = text.startswith("=")
                words = [t.norm for t in tokenize(text.lstrip("=")) if t.kind != "punct"]
                if not words:
                    raise PatternError(col, f"{text!r} has no word in it")
                nodes += [Word(w, exact) for w in words]
                slots += len(words) - 1
            elif kind == "close":
                raise PatternError(col, "')' without '('")
            else:
                raise PatternError(col, f"unexpected character {text!r}")
            slots += 1
            if slots > MAX_SLOTS:
                raise PatternError(col, f"a pattern has at most {MAX_SLOTS} slots")
        return tuple(nodes)

    out = seq(0)
    if pos < len(items):
        kind, _text, col = items[pos]
        raise PatternError(col, "'|' outside a group" if kind == "bar" else "')' without '('")
    if not any(not _nullable(n) for n in out):
        raise PatternError(1, "a pattern needs at least one slot that is not optional")
    body = out[1:] if isinstance(out[0], Start) else out
    body = body[:-1] if body and isinstance(body[-1], End) else body
    if not body or isinstance(body[0], Gap) or isinstance(body[-1], Gap):
        raise PatternError(1, "a pattern cannot start or end with a gap")
    return out


def _nullable(node: Node) -> bool:
    if isinstance(node, Gap | Start | End):
        return True
    if isinstance(node, Group):
        return node.optional or any(all(_nullable(n) for n in o) for o in node.options)
    return False


def _names(nodes: Seq, kind: type[Concept] | type[Detector]) -> set[str]:
    out: set[str] = set()
    for n in nodes:
        if isinstance(n, kind):
            out.add(n.name)
        elif isinstance(n, Group):
            for o in n.options:
                out |= _names(o, kind)
    return out


def concepts_used(nodes: Seq) -> set[str]:
    """Every @concept a pattern names (for validation against the lexicon)."""
    return _names(nodes, Concept)


def detectors_used(nodes: Seq) -> set[str]:
    """Every <detector> a pattern names."""
    return _names(nodes, Detector)
