"""A reply analysed once, so that every rule reads the same prepared view of it."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from mot_sim.matching.text import CLAUSE_BREAK, SENTENCE_END, Token, tokenize

# A quotation: an opening mark not glued to a word before it, a closing one not glued to
# a word after it ("it's" and "don't" are not quotations). Chinese writes no spaces, so
# its quotation marks (“ ” 「 」 『 』, and ASCII ones typed right after a character or a
# full-width comma) count wherever they stand: 我不会说“这是规定”, 我不会说'这是规定'。
_QUOTE_RE = re.compile(
    r"(?<!\w)(['\"\u2018\u201c])(.{1,200}?)(['\"\u2019\u201d])(?!\w)"
    r"|(?<=[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef])([\u201c\u2018'\"])(.{1,200}?)([\u201d\u2019'\"])"
    r"|([\u300c\u300e])(.{1,200}?)([\u300d\u300f])"
    # Curly double quotes open and close unambiguously: "说“尽快”“过段时间”这种话".
    r"|(\u201c)(.{1,200}?)(\u201d)"
)
_QUOTES = frozenset("'\"\u2018\u201c\u300c\u300e")


def _inner(m: re.Match[str]) -> tuple[int, int]:
    """The span inside the marks, whichever kind of quotation matched."""
    group = next(g for g in (2, 5, 8, 11) if m.group(g) is not None)
    return m.span(group)


@dataclass(frozen=True)
class Context:
    """Who is talking to whom: detectors for names need it."""

    customer_name: str = ""
    trainee_name: str = ""
    locale: str = "en"
    # Abbreviations any customer knows ("OK", "SIM", "PIN"): the lexicon's plain_acronyms.
    plain_acronyms: frozenset[str] = frozenset()


@dataclass
class Analysis:
    """Tokens of one reply plus the derived views the matcher needs."""

    text: str
    context: Context
    tokens: list[Token]
    words: list[int] = field(default_factory=list)  # indices of non-punctuation tokens
    sentence_of: list[int] = field(default_factory=list)  # sentence number per token
    joined: str = ""  # normalised text: tokens joined by single spaces (none inside CJK)
    jstart: list[int] = field(default_factory=list)  # each token's offset in ``joined``
    jend: list[int] = field(default_factory=list)
    # What each detector found (token ranges), computed once per reply: the matcher and
    # the structure checks both ask for the customer's name (``detectors.find``).
    detected: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    norms: list[str] = field(default_factory=list)  # normalised form of each word
    wsentence: list[int] = field(default_factory=list)  # sentence number of each word
    wclause: list[int] = field(default_factory=list)  # clause number of each word
    wstart: list[int] = field(default_factory=list)  # where each word starts in ``text``
    sentences: list[tuple[int, int, str]] | None = None  # detectors' view, made on demand
    quotes: list[tuple[int, int]] = field(default_factory=list)  # quoted spans of the text

    @classmethod
    def of(cls, text: str, context: Context, breaks: frozenset[str] = frozenset()) -> Analysis:
        """Analyse ``text``; ``breaks`` are words that open a new clause ("but", "because")."""
        tokens = tokenize(text)
        words: list[int] = []
        sentence_of: list[int] = []
        clause_of: list[int] = []
        clause = 0
        jstart: list[int] = []
        jend: list[int] = []
        parts: list[str] = []
        sentence = pos = 0
        prev_kind = ""
        prev_end = 0
        for i, (norm, start, end, kind) in enumerate(tokens):
            if kind == "punct":
                sentence_of.append(sentence)
                clause_of.append(clause)
                if norm in SENTENCE_END:
                    sentence += 1
                if norm in CLAUSE_BREAK:
                    clause += 1
            else:
                if norm in breaks and words and clause_of[words[-1]] == clause:
                    clause += 1
                elif kind == "cjk" and prev_kind == "cjk" and text[prev_end:start].isspace():
                    clause += 1  # Chinese typed with a space for a comma: "谢谢 慢走"
                sentence_of.append(sentence)
                clause_of.append(clause)
                words.append(i)
            # CJK runs join without spaces so regexes can be written as plain Chinese.
            if prev_kind and kind != "punct" and not (kind == "cjk" and prev_kind == "cjk"):
                parts.append(" ")
                pos += 1
            parts.append(norm)
            jstart.append(pos)
            pos += len(norm)
            jend.append(pos)
            prev_kind = kind
            prev_end = end
        return cls(
            text,
            context,
            tokens,
            words,
            sentence_of,
            "".join(parts),
            jstart,
            jend,
            quotes=[_inner(m) for m in _QUOTE_RE.finditer(text)] if _QUOTES & set(text) else [],
            norms=[tokens[i].norm for i in words],
            wsentence=[sentence_of[i] for i in words],
            wclause=[clause_of[i] for i in words],  # per word: all the matcher needs
            wstart=[tokens[i].start for i in words],
        )

    def words_in(self, start: int, end: int) -> range:
        """The words that start inside the text span [start, end) (a hit's words)."""
        return range(bisect_left(self.wstart, start), bisect_left(self.wstart, end))

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Original-text span of tokens ``first..last`` inclusive."""
        return self.tokens[first].start, self.tokens[last].end

    def tokens_of_joined(self, start: int, end: int) -> tuple[int, int] | None:
        """Token range covered by ``joined[start:end]``, or None if it covers none."""
        first = bisect_right(self.jend, start)
        last = bisect_left(self.jstart, end) - 1
        return (first, last) if first <= last else None
