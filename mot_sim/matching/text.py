"""Turn raw text into normalised tokens that remember their span in the original.

Matching works on token sequences, not on space-separated words: CJK characters are one
token each, so a Chinese rule matches a Chinese reply without any word segmentation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN_RE = re.compile(
    rf"(?P<cjk>[{_CJK}])"
    rf"|(?P<word>(?:(?![{_CJK}])[^\W\d_])+(?:['’‘`´](?:(?![{_CJK}])[^\W\d_])+)*)"
    r"|(?P<num>\d+(?:[.:,]\d+)*)"
    r"|(?P<punct>[?!.;,？！。；，、:：])"
)
_CJK_RE = re.compile(rf"[{_CJK}]")
SENTENCE_END = frozenset({".", "?", "!", ";", "？", "！", "。", "；"})
CLAUSE_BREAK = SENTENCE_END | {",", "，", "、", ":", "："}

# Contractions expand to the words a trainer would write in a rule.
_CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "can't": ("can", "not"), "cannot": ("can", "not"), "won't": ("will", "not"),
    "shan't": ("shall", "not"), "ain't": ("am", "not"), "let's": ("let", "us"),
    "i'm": ("i", "am"), "y'all": ("you", "all"),
    # Missing apostrophes are the commonest typo in typed replies.
    "dont": ("do", "not"), "cant": ("can", "not"), "wont": ("will", "not"),
    "didnt": ("did", "not"), "doesnt": ("does", "not"), "isnt": ("is", "not"),
    "arent": ("are", "not"), "wasnt": ("was", "not"), "werent": ("were", "not"),
    "havent": ("have", "not"), "hasnt": ("has", "not"), "couldnt": ("could", "not"),
    "shouldnt": ("should", "not"), "wouldnt": ("would", "not"), "im": ("i", "am"),
    "youre": ("you", "are"), "ive": ("i", "have"),
    "ill": ("i", "will"), "thats": ("that", "is"), "whats": ("what", "is"),
}
_SUFFIXES: dict[str, str] = {"'re": "are", "'ll": "will", "'ve": "have", "'d": "would", "'m": "am"}
_S_IS = frozenset(
    {"it", "that", "what", "there", "here", "he", "she", "who", "where", "how", "this"}
)

# British spellings fold to one form so a rule written either way matches both.
_SPELLING: dict[str, str] = {
    "colour": "color", "favour": "favor", "behaviour": "behavior", "honour": "honor",
    "neighbour": "neighbor", "labour": "labor", "humour": "humor", "flavour": "flavor",
    "centre": "center", "metre": "meter", "theatre": "theater", "cheque": "check",
    "programme": "program", "whilst": "while", "amongst": "among", "enquiry": "inquiry",
    "enquire": "inquire", "tyre": "tire", "mum": "mom", "grey": "gray", "catalogue": "catalog",
    "cancelled": "canceled", "cancelling": "canceling", "travelled": "traveled",
    "labelled": "labeled", "modelled": "modeled", "fulfil": "fulfill", "licence": "license",
    "defence": "defense", "offence": "offense", "judgement": "judgment", "apologies": "apology",
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


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, deterministic stemmer: enough to match inflections, nothing clever."""
    if len(word) <= 3 or not word.isascii():
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""),
                         ("s", ""), ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith("ss"):
                continue
            if suffix == "es" and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
                continue
            word = word[: -len(suffix)] + repl
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its normalised form, its stem, and its span in the original text."""

    norm: str
    stem: str
    start: int
    end: int
    kind: str  # "word", "cjk", "num" or "punct"


@lru_cache(maxsize=65536)
def _word_tokens(raw: str) -> tuple[tuple[str, str], ...]:
    return tuple((part, stem(part)) for part in expand(normalise_word(raw)) if part)


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text`` with spans into ``text`` itself."""
    out: list[Token] = []
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup or "word"
        raw = m.group()
        if kind == "word":
            for norm, st in _word_tokens(raw):
                out.append(Token(norm, st, m.start(), m.end(), "word"))
        elif kind == "punct":
            p = unicodedata.normalize("NFKC", raw)
            out.append(Token(p, p, m.start(), m.end(), "punct"))
        else:
            n = unicodedata.normalize("NFKC", raw)
            out.append(Token(n, n, m.start(), m.end(), kind))
    return out


def has_cjk(text: str) -> bool:
    return _CJK_RE.search(text) is not None


_CONTROL_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"          # CSI sequences (colours, cursor moves)
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC sequences (titles, hyperlinks)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"     # DCS/SOS/PM/APC strings
    r"|\x1b[@-Z\\-_]?"                    # other escapes
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(text: str) -> str:
    """Strip terminal control sequences and invisible direction overrides; keep newlines
    and tabs. Everything the trainee typed is shown only after this."""
    return _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
