"""Customer lines may name the people in the encounter, and nothing more.

A line may contain ``{{ trainee }}``, ``{{ customer }}`` or ``{{ customer_first }}``,
optionally with one filter (``{{ trainee | upper }}``); a reaction to a reply on which a
rule fired may quote what it matched, ``{{ said.time_concrete }}``. There are no expressions, loops,
conditions or includes: scenario files are shared between teams and loaded by servers
many people use, so a line must not be able to compute, loop or read anything, and what
validates with one trainee's name renders with every other. Rendering is substitution
only, and its length is bounded whatever the names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

NAMES = ("trainee", "customer", "customer_first")
FILTERS: dict[str, Callable[[str], str]] = {
    "upper": str.upper,
    "lower": str.lower,
    "title": str.title,
    "capitalize": str.capitalize,
}
MAX_NAME = 80  # characters of a name put into a line
MAX_RENDERED = 8000  # characters of a rendered line
SAMPLE = {"trainee": "Sam", "customer": "Ms Example", "customer_first": "Example"}

_FIELD = re.compile(r"\{\{(.{0,200}?)\}\}", re.S)
_INNER = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[a-z][a-z0-9_]*)?)\s*(?:\|\s*([A-Za-z_]+)\s*)?"
)
_OTHER = re.compile(r"\{%|%\}|\{#|#\}|\{\{|\}\}")
_ALLOWED = ", ".join(f"{{{{ {n} }}}}" for n in NAMES)


def problems(source: str, said: Iterable[str] = ()) -> list[tuple[int, str]]:
    """(character offset, message) for everything in ``source`` that is not a plain name;
    ``said``: the rules whose matched words this line may quote."""
    out: list[tuple[int, str]] = []
    quotable = {f"said.{r}" for r in said}
    end = 0
    for m in _FIELD.finditer(source):
        out += _stray(source, end, m.start())
        end = m.end()
        inner = _INNER.fullmatch(m.group(1))
        if inner is None:
            out.append(
                (m.start(), f"template: {m.group(0)!r} is not a name; lines may use {_ALLOWED}")
            )
            continue
        name, flt = inner.group(1), inner.group(2)
        if name.startswith("said.") and name not in quotable:
            out.append(
                (
                    m.start(),
                    f"template: {name!r} quotes a rule this reaction's `when: {{hit: ...}}` "
                    "does not name, so it may not have fired",
                )
            )
        elif name not in NAMES and name not in quotable:
            out.append((m.start(), f"template: {name!r} is undefined; lines may use {_ALLOWED}"))
        if flt is not None and flt not in FILTERS:
            known = ", ".join(FILTERS)
            out.append((m.start(), f"template: unknown filter {flt!r} (known: {known})"))
    out += _stray(source, end, len(source))
    return out


def _stray(source: str, start: int, end: int) -> list[tuple[int, str]]:
    m = _OTHER.search(source, start, end)
    if m is None:
        return []
    return [
        (
            m.start(),
            f"template: {m.group(0)!r} is not allowed; lines may use only {_ALLOWED}",
        )
    ]


def check(source: str, said: Iterable[str] = ()) -> str | None:
    """None if ``source`` is a valid line, else the first problem (with its position)."""
    found = problems(source, said)
    if not found:
        return None
    offset, message = found[0]
    return f"{message} (at character {offset + 1} of the text)"


def _name(value: str) -> str:
    return value if len(value) <= MAX_NAME else value[: MAX_NAME - 1] + "…"


def render(source: str, trainee: str, customer: str, said: Mapping[str, str] | None = None) -> str:
    """The line with the names put in (and, for a reaction, the words the reply said).
    Lines are validated on load; anything else is left as written, never evaluated."""
    if "{{" not in source:
        return source
    first = customer.split()[-1] if customer.split() else customer
    values = {"trainee": _name(trainee or "there"), "customer": _name(customer)}
    values["customer_first"] = _name(first)
    values |= {f"said.{rule}": _name(text) for rule, text in (said or {}).items()}

    def put(m: re.Match[str]) -> str:
        inner = _INNER.fullmatch(m.group(1))
        if inner is None or inner.group(1) not in values:
            return m.group(0)
        value = values[inner.group(1)]
        flt = FILTERS.get(inner.group(2) or "")
        return flt(value) if flt else value

    out = _FIELD.sub(put, source)
    return out if len(out) <= MAX_RENDERED else out[: MAX_RENDERED - 1] + "…"
