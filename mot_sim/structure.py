"""Is a reply said to a person? Structural signals that survive punctuation tricks.

A list of stock phrases ("hello, sorry, thank you, happy to help"), a keyword string
("welcome sorry thanks please happy help"), stock phrases run together with no subject or
verb of their own, or the same words repeated, are not sentences to a customer, whatever
their words. These signals read clauses (cut at punctuation and words like "but"), the
lexicon's word classes and the courtesy rules that fired; none of them needs a parser.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import pairwise

from mot_sim.matching.analysis import Analysis
from mot_sim.matching.detectors import find
from mot_sim.matching.lexical import lex
from mot_sim.matching.matcher import Hit
from mot_sim.matching.text import CLAUSE_BREAK, LIST_MARKS, has_cjk
from mot_sim.models import StructureRule


def _glued_units(a: Analysis, members: list[int]) -> int:
    """How many words of a clause are units typed onto a number ("5G", "40GB", "7pm"):
    one word as written, two as tokens."""
    glued = 0
    for prev, k in pairwise(members):
        before, tok = a.tokens[a.words[prev]], a.tokens[a.words[k]]
        glued += before.kind == "num" and tok.kind == "word" and tok.start == before.end
    return glued


def _typed_list(a: Analysis) -> bool:
    """Are three or more items joined by list marks (a spaced slash or bar, bullets,
    ticks) with no other break between them ("a / b / c")? Nobody speaks in slashes; a
    slash between two labels ("R / OD box, L / OS box") is no such run."""
    run = 0
    for tok in a.tokens:
        if tok.kind != "punct":
            continue
        if tok.norm in LIST_MARKS:
            run += 1
            if run >= 2:
                return True
        elif tok.norm in CLAUSE_BREAK:
            run = 0
    return False


DASHES = frozenset("-–—")


def _dashed_list(a: Analysis, most_words: float) -> bool:
    """Are four or more items set off by spaced dashes, a few words each on average
    ("Sorry - our fault - we value you - thank you!")? A dash sets off an aside in a
    sentence; three of them around items this short are a list."""
    dashes = sum(1 for tok in a.tokens if tok.kind == "punct" and tok.norm in DASHES)
    return dashes >= 3 and len(a.words) <= most_words * (dashes + 1)


def _unrepeated(ws: list[str], longest: int = 4) -> int:
    """How many words are left when a unit of up to ``longest`` words said again back to
    back is kept once ("ok ok ok" is one; "好的好的" two characters, not four)."""
    left = i = 0
    n = len(ws)
    while i < n:
        for p in range(1, longest + 1):
            # The first words compared before any slice is made: most words repeat nothing.
            if i + 2 * p <= n and ws[i] == ws[i + p] and ws[i : i + p] == ws[i + p : i + 2 * p]:
                j = i + 2 * p
                while j + p <= n and ws[j : j + p] == ws[i : i + p]:
                    j += p
                left += p
                i = j
                break
        else:
            left += 1
            i += 1
    return left


def _asks(a: Analysis, k: int) -> bool:
    """Does word ``k`` end a question (the next token a question mark)?"""
    t = a.words[k] + 1
    return t < len(a.tokens) and a.tokens[t].norm in ("?", "？")


@dataclass(frozen=True)
class Structure:
    """What the structure of one reply says about it."""

    words: float  # words (CJK characters count half)
    clauses: int
    stock_clauses: int  # clauses of nothing but courtesy and little words
    courtesy_kinds: int  # distinct courtesy rules that fired (hello, sorry, thanks...)
    list_note: str  # message key (mot_sim.i18n): a keyword string, stock phrases, repetition
    exclaims: bool = False  # 3+ short clauses, not one with a subject or auxiliary
    fragments: bool = False  # mostly one- or two-word clauses and stock phrases, nothing said
    typed: bool = False  # items joined by list marks ("a / b / c"), or short ones by dashes

    def list_kind(self, st: StructureRule, did_something: bool) -> str | None:
        """The message key saying why the reply is a list, or None when it is not one.

        A list when it is one outright, when most clauses are stock and it either piles
        up kinds of courtesy or does nothing else ("Hi! Welcome back! Of course, happy to
        help." is a greeting and a yes, not a list; three stock clauses of two kinds are),
        or when it is only exclamations ("Welcome! Congratulations! Lovely!"), whatever goal
        one of their words meets."""
        if self.list_note:
            return self.list_note
        if self.fragments:  # the most telling note first: the case's nouns dotted about
            return "note.keywords"
        if self.exclaims:
            return "note.exclaims"
        if self.typed:
            return "note.list"
        if (
            self.clauses >= 3
            and self.stock_clauses / self.clauses >= st.list_share
            and (
                self.courtesy_kinds >= st.list_kinds
                or self.stock_clauses >= 5
                or not did_something
                # Three stock clauses of two kinds: "Thank you - take care - see you soon - ..."
                or (self.stock_clauses >= 3 and self.courtesy_kinds >= st.list_kinds - 1)
            )
        ):
            return "note.list"
        return None


def analyse_structure(
    a: Analysis,
    hits: list[Hit],
    st: StructureRule,
    function_words: frozenset[str],
    courtesy: frozenset[str],
    predicate: frozenset[str],
    stock_openers: frozenset[str],
) -> Structure:
    """A string of courtesy words with no glue is magic words; a string of the customer's
    own nouns ("chicken sandwich, one extra pickle") is an order, typed tersely."""
    words = a.norms
    cjk = has_cjk(a.text)
    n = len(words) / 2 if cjk else float(len(words))
    if not words:  # nothing said at all: as empty as any list
        return Structure(0.0, 0, 0, 0, "note.list")
    good = [h for h in hits if h.rule.polarity == "good"]
    polite = [h for h in good if h.rule.courtesy]
    # Which good rules cover each word (hits are few: at most one per rule).
    covered: dict[int, set[str]] = {}  # word index -> good rules on it (most have none)
    for h in good:
        for k in a.words_in(h.start, h.end):
            covered.setdefault(k, set()).add(h.rule.id)
    nothing: frozenset[str] = frozenset()
    polite_ids = {h.rule.id for h in polite}
    clauses: dict[int, list[int]] = {}
    for k, cl in enumerate(a.wclause):
        clauses.setdefault(cl, []).append(k)
    # The customer's name between commas ("Good afternoon, Mrs Ellis, lovely to see you")
    # is said to someone: not one of the case's nouns dotted about.
    named = {
        k
        for first, last in find(a, "customer_name")  # found once, with the matcher
        for k in range(bisect_left(a.words, first), bisect_right(a.words, last))
    }
    note = ""
    n_stock = 0
    n_short = 0  # clauses of one or two words, not stock ("Receipt.", "Hong Kong.", "£8.95")
    says = False  # a clause of three words or more, not stock, with a subject or verb
    said: dict[frozenset[str], int] = {}  # the courtesy words of each stock clause
    spoken: dict[tuple[str, ...], int] = {}  # each clause's words, as said, and how often
    subject = False  # a clause with a subject or an auxiliary ("we", "is", "that")
    unrepeated = 0  # words left when back-to-back repeats are said once
    for members in clauses.values():
        ws = [words[k] for k in members]
        unrepeated += _unrepeated(ws)
        words_said = tuple(ws)
        spoken[words_said] = spoken.get(words_said, 0) + 1
        size = len(ws) / 2 if cjk else len(ws) - _glued_units(a, members)
        # No subject, no auxiliary, no verb of its own (a courtesy verb, "thanks", is none).
        bare = not any(w in predicate or (w not in courtesy and lex(w).verb) for w in ws)
        glue = sum(1 for w in ws if w in function_words) / len(ws)
        magic = sum(1 for w in ws if w in courtesy) / len(ws)
        if not cjk and len(ws) >= st.keyword_run and glue < st.keyword_glue and magic >= 0.5:
            note = "note.keywords"
        only_courtesy = all(
            w in courtesy or w in function_words or covered.get(k, nothing) & polite_ids
            for k, w in zip(members, ws, strict=True)
        )
        # A CJK character counts as half a word, as everywhere else here: "真的非常抱歉".
        if (
            sum(w not in function_words for w in ws) <= st.fragment_words * (2 if cjk else 1)
            and only_courtesy
        ):
            n_stock += 1
            key = frozenset(w for w in ws if w in courtesy)
            said[key] = said.get(key, 0) + 1
            # An imperative or a greeting has no subject: "Have a nice day", "Hi there".
            subject = subject or any(w in predicate and w not in stock_openers for w in ws)
        else:
            subject = subject or any(w in predicate for w in ws)
            # "I ring you", "that's it", "ring ext 218"; or a question put to the customer
            # ("Chicken sandwich, the usual, and an extra slice of pickle?").
            if size >= 3 and (not bare or _asks(a, members[-1])):
                says = True
            else:
                n_short += size <= 2 and not named.issuperset(members)
        inside = set().union(*(covered.get(k, nothing) for k in members))
        # Phrases, not rules: overlapping hits ("see you next" is two rules) are one.
        phrases = sum(
            1
            for i, k in enumerate(members)
            if k in covered
            and (i == 0 or covered.get(members[i - 1], nothing).isdisjoint(covered[k]))
        )
        if bare and (phrases >= st.list_kinds + 1 or len(inside & polite_ids) >= st.list_kinds):
            note = "note.stock"
        if bare and len(clauses) == 1 and len(ws) >= 4 and only_courtesy:
            note = "note.stock"
    # The same words again and again, or the same stock phrase three times over ("Sorry,
    # sorry, so sorry. Let me check. Sorry."), say nothing more each time.
    if n >= 6 and len(set(words)) / len(words) < st.max_repeat_ratio:
        note = "note.repeats"
    # "ok ok ok, thanks thanks", "好的好的好的，谢谢谢谢": said once, half of it is gone.
    if len(words) >= 4 and unrepeated <= st.max_repeat_ratio * len(words):
        note = "note.repeats"
    if any(k and count >= st.stock_repeats for k, count in said.items()):
        note = "note.repeats"
    # Two different clauses each said again ("no worries, no worries, all good, all good"):
    # in the labelled replies, only lists and sarcasm do it. One clause again is emphasis
    # or address ("Yes, sir. Right away, sir.").
    if sum(1 for count in spoken.values() if count >= 2) >= st.repeated_clauses:
        note = "note.repeats"
    # "Welcome! Congratulations! Lovely!": exclamations, not one clause that says something;
    # longer ones too when every one is stock ("Welcome back! Great to see you! Thanks!").
    # Slogans: four or more clauses of a few words, half of them stock, none with a
    # subject ("Welcome back! Great to see you! Happy to help! No pressure! Take your
    # time!"): the others meet goals word by word, but nothing is said to the customer.
    exclaims = not subject and (
        (len(clauses) >= 3 and (n / len(clauses) <= st.exclaim_words or n_stock == len(clauses)))
        or (
            not cjk  # a Chinese clause's subject is often left unsaid
            and len(clauses) >= 4
            # Half of them stock, or two of five or more with no question put to the
            # customer: "Thanks! Good luck! Free refits! Come back any time! Take care!"
            # ("Label printing. £8.95, Manchester by 1 tomorrow. Card or cash?" asks).
            and (
                2 * n_stock >= len(clauses)
                or (
                    len(clauses) >= 5
                    and n_stock >= 2
                    and not any(_asks(a, m[-1]) for m in clauses.values())
                )
            )
            and all(len(members) <= st.slogan_words for members in clauses.values())
        )
    )
    # "Done. £8.95. Receipt. Tracking. 1 pm. Thanks, sorry, have a good day.": the case's
    # nouns dotted between stock phrases, with no clause that says something. A terse order
    # with no courtesy in it ("Chicken sandwich, extra pickle, £4.50, two minutes") is not.
    # "Sorry, sir. Understood. Noted. Will check.": three or more clauses, each a stock
    # phrase or one or two words, both kinds there, are fragments in any language (all
    # stock is judged as a list above: "Hiya, welcome back! Absolutely, happy to help.").
    fragments = (
        len(clauses) >= 3 and n_stock >= 1 and n_short >= 1 and n_short + n_stock == len(clauses)
    ) or (
        not cjk  # a Chinese clause's subject is often left unsaid
        and len(clauses) >= 4
        and n_short >= 2  # the case's nouns: a string of stock phrases alone is judged above
        and (n_short + n_stock) / len(clauses) >= st.fragment_share
        and sum(1 for k in said if k) >= st.list_kinds  # not "yep, that's it"
        and not says
    )
    # "Sure / no rush / have a look / cheers": items slashed together, none with a subject,
    # are a list however few of them are stock; "you can ring / email / call in" is not.
    # A subject or auxiliary that is not an imperative's first word ("have a browse")
    # says something; read only when the slashes are there (rare), off the common path.
    typed = (
        len(clauses) >= 3
        and _typed_list(a)
        and not any(
            w in predicate and (i or w not in stock_openers)
            for members in clauses.values()
            for i, w in enumerate(words[k] for k in members)
        )
    ) or (not cjk and _dashed_list(a, st.dash_words))
    return Structure(n, len(clauses), n_stock, len(polite_ids), note, exclaims, fragments, typed)
