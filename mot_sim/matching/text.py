"""Turn raw text into normalised tokens that remember their span in the original.

Matching works on token sequences, not on space-separated words: CJK characters are one
token each (folded to Simplified script), so a Chinese rule matches a Chinese reply in
either script without any word segmentation.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from mot_sim.matching.clean import clean_text as clean_text
from mot_sim.matching.lexical import to_simplified

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_LIST_MARKS = "✓✔✗✘•▪►→"  # ticks, bullets and arrows that list items
_TOKEN_RE = re.compile(
    r"(?P<word>[^\W\d_]+(?:['’‘`´][^\W\d_]+)*)"
    r"|(?P<num>\d+(?:[.:,]\d+)*%?)"
    rf"|(?P<punct>[?!.;,？！。；，、:：$£€¥)）—{_LIST_MARKS}]|(?<!\S)[-–/|](?!\S))"
)
_CJK_RE = re.compile(rf"[{_CJK}]")
_CJK_SPLIT_RE = re.compile(rf"[{_CJK}]|[^{_CJK}]+")
SENTENCE_END = frozenset({".", "?", "!", "？", "！", "。"})
# A semicolon joins two clauses of one sentence; so does a dash ("it's capped - shall I").
# Ticks, bullets, arrows and a spaced slash or bar list items: "Roses ✓ Cupcakes ✓".
CLAUSE_BREAK = SENTENCE_END | set(",，、:：;；-–—/|" + _LIST_MARKS)
# Marks that only ever list items (a dash also sets off an aside): "a / b / c", "• a • b".
LIST_MARKS = frozenset("/|" + _LIST_MARKS)

# Contractions expand to the words a trainer would write in a rule.
_CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("am", "not"),
    "let's": ("let", "us"),
    "i'm": ("i", "am"),
    "y'all": ("you", "all"),
    # Missing apostrophes are the commonest typo in typed replies.
    "dont": ("do", "not"),
    "cant": ("can", "not"),
    "wont": ("will", "not"),
    "didnt": ("did", "not"),
    "doesnt": ("does", "not"),
    "isnt": ("is", "not"),
    "arent": ("are", "not"),
    "wasnt": ("was", "not"),
    "werent": ("were", "not"),
    "havent": ("have", "not"),
    "hasnt": ("has", "not"),
    "couldnt": ("could", "not"),
    "shouldnt": ("should", "not"),
    "wouldnt": ("would", "not"),
    "im": ("i", "am"),
    "youre": ("you", "are"),
    "ive": ("i", "have"),
    "ill": ("i", "will"),
    "thats": ("that", "is"),
    "whats": ("what", "is"),
    "theres": ("there", "is"),
    "lets": ("let", "us"),
    "youll": ("you", "will"),
    "youve": ("you", "have"),
    "youd": ("you", "would"),
    "weve": ("we", "have"),
    "theyve": ("they", "have"),
    "theyre": ("they", "are"),
    "theyll": ("they", "will"),
    "itll": ("it", "will"),
    "thatll": ("that", "will"),
    "hes": ("he", "is"),
    "shes": ("she", "is"),
    "whos": ("who", "is"),
    "heres": ("here", "is"),
    "wheres": ("where", "is"),
    "mustnt": ("must", "not"),
    "neednt": ("need", "not"),
    "wouldve": ("would", "have"),
    "couldve": ("could", "have"),
    "shouldve": ("should", "have"),
    # Chat spellings trainees type in a hurry.
    "u": ("you",),
    "ur": ("your",),
    "r": ("are",),
    "ya": ("you",),
    "pls": ("please",),
    "plz": ("please",),
    "thx": ("thanks",),
    "thnx": ("thanks",),
    "ty": ("thank", "you"),
    "il": ("i", "will"),
    "n": ("and",),
    "coz": ("because",),
    "cos": ("because",),
    "cuz": ("because",),
    "gonna": ("going", "to"),
    "wanna": ("want", "to"),
    "gotta": ("got", "to"),
    "abit": ("a", "bit"),
    "alot": ("a", "lot"),
    "yeh": ("yes",),
    "yea": ("yes",),
    "yep": ("yes",),
    "yup": ("yes",),
    "tmrw": ("tomorrow",),
    "tmr": ("tomorrow",),
    "tmw": ("tomorrow",),
    "2moro": ("tomorrow",),
    "mins": ("minutes",),
    "hrs": ("hours",),
    "asap": ("asap",),
    "b4": ("before",),
    "dunno": ("do", "not", "know"),
    "wk": ("week",),
    "nxt": ("next",),
    "idk": ("i", "do", "not", "know"),
    "bc": ("because",),
    "w/": ("with",),
}
_SUFFIXES: dict[str, str] = {"'re": "are", "'ll": "will", "'ve": "have", "'d": "would", "'m": "am"}
_S_IS = frozenset(
    {"it", "that", "what", "there", "here", "he", "she", "who", "where", "how", "this"}
)

# British spellings fold to one form so a rule written either way matches both.
_SPELLING: dict[str, str] = {
    "colour": "color",
    "favour": "favor",
    "behaviour": "behavior",
    "honour": "honor",
    "neighbour": "neighbor",
    "labour": "labor",
    "humour": "humor",
    "flavour": "flavor",
    "centre": "center",
    "metre": "meter",
    "theatre": "theater",
    "cheque": "check",
    "programme": "program",
    "whilst": "while",
    "amongst": "among",
    "enquiry": "inquiry",
    "enquire": "inquire",
    "tyre": "tire",
    "mum": "mom",
    "grey": "gray",
    "catalogue": "catalog",
    "cancelled": "canceled",
    "cancelling": "canceling",
    "travelled": "traveled",
    "labelled": "labeled",
    "modelled": "modeled",
    "fulfil": "fulfill",
    "licence": "license",
    "defence": "defense",
    "offence": "offense",
    "judgement": "judgment",
    "apologies": "apology",
}
_ISE_STEMS = frozenset(
    "apolog real recogn organ priorit emphas sympath special author final minim summar "
    "maxim custom optim categor character standard util critic penal person visual "
    "memor familiar stabil neutral central general".split()
)
_ISE_RE = re.compile(r"^([a-z]+?)is(e|ed|es|ing|ation|ations)$")
_OUR_RE = re.compile(r"^([a-z]+)our(s|ed|ing|ite|ites|able)?$")
_OUR_STEMS = frozenset("col fav behavi hon neighb lab hum flav harb sav rum".split())


def normalise_word(word: str) -> str:
    """Case-fold and canonicalise one word (no stemming)."""
    w = unicodedata.normalize("NFKC", word).casefold()
    w = w.replace("’", "'").replace("‘", "'").replace("`", "'").replace("´", "'")
    if w in _SPELLING:
        return _SPELLING[w]
    m = _ISE_RE.match(w)
    if m and m.group(1) in _ISE_STEMS:
        return f"{m.group(1)}iz{m.group(2)}"
    m = _OUR_RE.match(w)
    if m and m.group(1) in _OUR_STEMS:
        return f"{m.group(1)}or{m.group(2) or ''}"
    return w


def expand(word: str) -> tuple[str, ...]:
    """Expand a normalised word's contraction into the words it stands for."""
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if "'" not in word:
        return (word,)
    if word.endswith("n't"):
        return (word[:-3], "not")
    for suffix, full in _SUFFIXES.items():
        if word.endswith(suffix):
            return (word[: -len(suffix)], full)
    if word.endswith("'s"):
        head = word[:-2]
        return (head, "is") if head in _S_IS else (head,)
    return (word.replace("'", ""),)


class Token(NamedTuple):
    """One token: its normalised form and its span in the original text."""

    norm: str
    start: int
    end: int
    kind: str  # "word", "cjk", "num" or "punct"


def _word_tokens(raw: str) -> tuple[str, ...]:
    return tuple(part for part in expand(normalise_word(raw)) if part)


_Parts = tuple[tuple[str, str, int, int], ...]  # norm, kind, rel. start, rel. end
_PARTS: dict[str, _Parts] = {}


def _parts(raw: str, kind: str) -> _Parts:
    """How one regex token splits into tokens (cached: replies reuse a small vocabulary)."""
    found = _PARTS.get(raw)
    if found is not None:
        return found
    out: list[tuple[str, str, int, int]] = []
    n = len(raw)
    if kind != "word":
        out.append((unicodedata.normalize("NFKC", raw), kind, 0, n))
    elif not raw.isascii() and _CJK_RE.search(raw):
        # CJK has no spaces: each character is a token of its own, in Simplified script.
        simple = to_simplified(raw)
        for part in _CJK_SPLIT_RE.finditer(raw):
            s, e = part.span()
            if e - s == 1 and _CJK_RE.match(part.group()):
                out.append((unicodedata.normalize("NFKC", simple[s]), "cjk", s, e))
            else:
                out += [(w, "word", s, e) for w in _word_tokens(part.group())]
    else:
        out += [(w, "word", 0, n) for w in _word_tokens(raw)]
    if len(_PARTS) > 100_000:  # bound memory on endless unique input
        _PARTS.clear()
    result = _PARTS[raw] = tuple(out)
    return result


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with spans into ``text`` itself."""
    out: list[Token] = []
    add = out.append
    new = tuple.__new__  # skips NamedTuple's Python-level __new__ on the hot path
    cache = _PARTS
    for m in _TOKEN_RE.finditer(text):
        raw = m.group()
        parts = cache.get(raw) or _parts(raw, m.lastgroup or "word")
        start = m.start()
        for norm, kind, rs, re_ in parts:
            add(new(Token, (norm, start + rs, start + re_, kind)))
    return out


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None
