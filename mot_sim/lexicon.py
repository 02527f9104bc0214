"""The lexicon (``scoring/lexicon.yaml``): named concepts per locale, checked and parsed.

A concept ("superior": manager, supervisor, boss, team leader...) lets one pattern stand
for every wording a trainee might use. Concepts may name other concepts; cycles and
unknown names are problems reported with their place in the file.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mot_sim.matching.matcher import LocaleWords
from mot_sim.matching.pattern import Seq, concepts_used, parse
from mot_sim.matching.text import tokenize
from mot_sim.models import DETECTOR_NAMES, LocaleLexicon

Where = tuple[Any, ...]


def locale_words(locale: str, lx: LocaleLexicon) -> tuple[LocaleWords, list[tuple[Where, str]]]:
    """Parse one locale's concepts; problems as (path in the file, message)."""
    problems: list[tuple[Where, str]] = []
    parsed: dict[str, tuple[Seq, ...]] = {}
    refs: dict[str, set[str]] = {}
    for name, entries in lx.concepts.items():
        seqs = tuple(parse(e, frozenset(DETECTOR_NAMES)) for e in entries)
        parsed[name] = seqs
        refs[name] = set().union(*(concepts_used(s) for s in seqs)) if seqs else set()
        if not entries:
            problems.append((("locales", locale, "concepts", name), "a concept needs entries"))
        for i, s in enumerate(seqs):
            for ref in sorted(concepts_used(s) - lx.concepts.keys()):
                problems.append(
                    (("locales", locale, "concepts", name, i), f"unknown concept @{ref}")
                )
    # A concept that reaches itself would expand forever.
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == 2 or name not in refs:
            return
        if state.get(name) == 1:
            cycle = " -> ".join(f"@{n}" for n in [*path[path.index(name) :], name])
            problems.append((("locales", locale, "concepts", name), f"concept cycle: {cycle}"))
            return
        state[name] = 1
        for ref in sorted(refs[name]):
            visit(ref, [*path, name])
        state[name] = 2

    for name in sorted(refs):
        visit(name, [])
    words = LocaleWords(
        concepts=parsed,
        negators=frozenset(lx.negators),
        transparent=frozenset(lx.transparent),
        clause_breaks=frozenset(lx.clause_breaks),
        fillers=frozenset(lx.fillers),
        coordinators=frozenset(lx.coordinators),
        joiners=frozenset(lx.joiners),
        scope_modals=frozenset(lx.scope_modals),
        subjects=frozenset(lx.subjects),
        complementisers=frozenset(lx.complementisers),
        negation_exceptions=frozenset(lx.negation_exceptions),
        subordinators=frozenset(lx.subordinators),
        quote_rejecters=frozenset(lx.quote_rejecters),
        reported=_by_first_word(_norms(lead) for lead in lx.reported_speech),
        reported_not=frozenset(lx.reported_speech_not),
        reported_openers=frozenset(lx.reported_speech_openers),
        quote_owners=frozenset(lx.quote_owners),
        common=frozenset(lx.function_words),
    )
    return words, problems


def _norms(phrase: str) -> tuple[str, ...]:
    """A phrase's words as the analysis reads them (contractions spelt out, Chinese
    folded to Simplified and read character by character)."""
    return tuple(t.norm for t in tokenize(phrase) if t.kind != "punct")


def _by_first_word(leads: Iterable[tuple[str, ...]]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Leads filed under their first word, so a reply's word finds its few at once."""
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for lead in leads:
        if lead:
            out[lead[0]] = (*out.get(lead[0], ()), lead)
    return out


def unknown_concepts(pattern: str, known: set[str] | frozenset[str]) -> list[str]:
    """Concepts a (syntactically valid) pattern names that the locale does not define."""
    return sorted(concepts_used(parse(pattern)) - set(known))
