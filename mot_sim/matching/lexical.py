"""What a word is, independent of any rule: its dictionary lemmas and whether it is known.

English lemmas come from lemminflect's dictionary (irregular forms included: kept -> keep,
told -> tell, went -> go); a word the dictionary does not know is a candidate typo.
Chinese is folded from Traditional to Simplified characters with OpenCC, so one rule
written in Simplified matches both scripts. Everything is cached per distinct word.
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

# Closed-class words lemminflect leaves out; they are still real words, never typos.
_CLOSED = frozenset(
    "a an the and or nor but if so yet because although though unless whether while "
    "this that these those there here what which who whom whose when where why how "
    "i me my mine we us our ours you your yours he him his she her hers it its they them "
    "their theirs myself yourself ourselves itself themselves anyone anybody someone "
    "somebody everyone everybody nobody noone nothing something everything anything "
    "of to in on at by for with from about into onto over under after before until "
    "every each either neither both all some any many much few several such own "
    "than as per via hi hey ok oh ah yeah yep yup nope bye goodbye mr mrs ms dr monday tuesday wednesday thursday friday "
    "saturday sunday january february march april may june july august september october "
    "november december mon tue wed thu fri sat sun one two three four five six seven eight "
    "nine ten eleven twelve twenty thirty forty fifty hundred thousand million".split()
)


_AUX = frozenset({"be", "have", "do"})


class Lex(NamedTuple):
    """Dictionary facts about one normalised word."""

    lemmas: frozenset[str]  # the word itself plus every dictionary lemma of it
    known: bool  # in the dictionary (or a closed-class word): not a typo
    base: frozenset[str]  # what a rule word written this way stands for
    modifier: bool = False  # only ever an adjective or adverb ("sneaky", "extra"), or a number
    # Only ever an inflected verb, not an "-ing" form ("decides", "added", "sent"): a clause
    # with one says something, with or without a subject ("billing decides by Thursday").
    verb: bool = False


@lru_cache(maxsize=131072)
def lex(word: str) -> Lex:
    """Lemmas of a normalised (case-folded, spelling-folded) word."""
    if not word.isascii() or not word.isalpha():
        return Lex(frozenset({word}), True, frozenset({word}), word[:1].isdigit())
    from lemminflect import getAllLemmas  # deferred: its tables take ~0.2 s to load

    by_pos = getAllLemmas(word)
    found = {lemma.casefold() for forms in by_pos.values() for lemma in forms}
    lemmas = frozenset({word, *found})
    # A rule word in its base form stands for itself ("left" is not "leave"); an inflected
    # one stands for its lemmas ("kept" means every form of "keep"). Auxiliaries stay as
    # written: a rule that says "was" means the past, not "is".
    keep = not found or word in found or bool(found & _AUX)
    base = frozenset({word}) if keep else frozenset(found)
    modifier = bool(by_pos) and set(by_pos) <= {"ADJ", "ADV"} and word not in _CLOSED
    verb = set(by_pos) == {"VERB"} and word not in found and not word.endswith("ing")
    return Lex(lemmas, bool(found) or word in _CLOSED, base, modifier, verb)


@lru_cache(maxsize=4096)
def inflections(lemma: str) -> frozenset[str]:
    """Every inflected form of an English lemma (for typo matching of inflected words)."""
    if not lemma.isascii() or not lemma.isalpha():
        return frozenset({lemma})
    from lemminflect import getAllInflections

    forms = {f.casefold() for fs in getAllInflections(lemma).values() for f in fs}
    return frozenset({lemma, *forms})


_opencc: object | None = None
# Variants OpenCC keeps but rules need not spell twice: 妳 is 你 said to a woman.
_VARIANTS = str.maketrans({"妳": "你"})


def to_simplified(text: str) -> str:
    """Traditional Chinese characters folded to Simplified (and 妳 to 你), one character
    for one, so spans in the original text stay valid."""
    global _opencc
    if _opencc is None:
        import opencc

        _opencc = opencc.OpenCC("t2s")
    convert = _opencc.convert  # type: ignore[attr-defined]
    out: str = convert(text)
    if len(out) != len(text):
        # A phrase-level conversion changed the length: fall back to character by character.
        out = "".join(c if len(s := convert(c)) != 1 else s for c in text)
    return out.translate(_VARIANTS)
