"""A reply analysed once, so that every rule reads the same prepared view of it."""

from __future__ import annotations

from dataclasses import dataclass, field

from mot_sim.matching.text import SENTENCE_END, Token, tokenize


@dataclass(frozen=True)
class Context:
    """Who is talking to whom: detectors for names need it."""

    customer_name: str = ""
    trainee_name: str = ""
    locale: str = "en"


@dataclass
class Analysis:
    """Tokens of one reply plus the derived views the matcher needs."""

    text: str
    context: Context
    tokens: list[Token]
    words: list[int] = field(default_factory=list)  # indices of non-punctuation tokens
    sentence_of: list[int] = field(default_factory=list)  # sentence number per token
    joined: str = ""
    joined_tok: list[int] = field(default_factory=list)  # joined char -> token index (-1 gap)

    @classmethod
    def of(cls, text: str, context: Context) -> Analysis:
        a = cls(text, context, tokenize(text))
        sentence = 0
        parts: list[str] = []
        prev: Token | None = None
        for i, tok in enumerate(a.tokens):
            a.sentence_of.append(sentence)
            if tok.kind == "punct":
                if tok.norm in SENTENCE_END:
                    sentence += 1
            else:
                a.words.append(i)
            # CJK runs join without spaces so regexes can be written as plain Chinese.
            glue = "" if prev is None or tok.kind == "punct" or (
                tok.kind == "cjk" and prev.kind == "cjk") else " "
            if glue:
                parts.append(glue)
                a.joined_tok.append(-1)
            parts.append(tok.norm)
            a.joined_tok.extend([i] * len(tok.norm))
            prev = tok
        a.joined = "".join(parts)
        return a

    def span(self, first: int, last: int) -> tuple[int, int]:
        """Original-text span of tokens ``first..last`` inclusive."""
        return self.tokens[first].start, self.tokens[last].end

    def tokens_of_joined(self, start: int, end: int) -> tuple[int, int] | None:
        """Token range covered by ``joined[start:end]``, or None if it covers none."""
        covered = [t for t in self.joined_tok[start:end] if t >= 0]
        return (covered[0], covered[-1]) if covered else None

    def sentence_tokens(self, sentence: int) -> list[int]:
        return [i for i, s in enumerate(self.sentence_of) if s == sentence]

    @property
    def sentence_count(self) -> int:
        return (self.sentence_of[-1] + 1) if self.sentence_of else 0
