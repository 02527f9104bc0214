"""Built-in detectors for what a list of phrases expresses badly.

Each detector returns token ranges ``(first, last)`` (inclusive) over ``Analysis.tokens``.
They work on the normalised joined text, so contractions and case are already folded.
"""

from __future__ import annotations

import importlib
import re
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from mot_sim.matching.analysis import Analysis
from mot_sim.matching.lexical import lex
from mot_sim.matching.text import has_cjk, tokenize
from mot_sim.stages import DetectorName

TokenRange = tuple[int, int]

# Chinese numerals, parts of the day and clock times ("下午三点半", "10点前").
_ZH_NUM = r"[一二两三四五六七八九十]{1,3}"
_ZH_PART = r"凌晨|早上|上午|中午|下午|傍晚|晚上"
_ZH_CLOCK = rf"(?:\d{{1,2}}|{_ZH_NUM})\s*[点时](?:半|整|钟|(?:\d{{1,2}}|{_ZH_NUM})分)?"
_NUM = (
    r"(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty|forty|forty eight|sixty|ninety|half an?|a couple of)"
)
_UNIT = r"(?:(?:working|business|calendar) )?(?:minute|min|hour|hr|day|week|month)s?"
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_HOUR = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d{1,2})"
# "1 pm", "13:15", "noon", "one o'clock", "ten past one", "quarter to two", "half one".
_CLOCK = (
    r"(?:\d{1,2}(?:[:.]\d{2})? ?(?:am|pm|a m|p m|o clock|oclock)|\d{1,2}:\d{2}|noon|midday|midnight"
    rf"|{_HOUR} (?:o clock|oclock)"
    rf"|(?:(?:five|ten|twenty|twenty five|quarter|half) (?:past|to) |half ){_HOUR}\b)"
)
_ABOUT = r"(?:about |around |roughly |approximately )?"
_CONCRETE = [
    rf"\bby (?:the end of |close of )?(?:today|tonight|tomorrow(?: morning| afternoon| evening)?"
    rf"|this (?:morning|afternoon|evening)|{_DAY}(?: morning| afternoon| evening| noon)?"
    rf"|{_CLOCK}|lunchtime|end of (?:the )?(?:day|week|month)|business|the \d{{1,2}}(?:st|nd|rd|th)?"
    rf"|the end of (?:today|the day|the week))",
    rf"\bwithin (?:the next )?{_NUM} {_UNIT}",
    rf"\bin (?:about |around |roughly |under |less than |the next )?{_NUM} {_UNIT}",
    rf"\b(?:at|before|until|from|by) {_ABOUT}{_CLOCK}",
    r"\b(?:at|before|until|by) \d{1,2}[.:][0-5]\d\b",
    # A bare hour after "ready by" or "back at" is a clock time typed tersely ("ready by 1"),
    # unless something is counted ("done by 3 of our bakers", "ready by 2 people").
    rf"\b(?:ready|done|finished|fixed|sorted|back|there|collected|delivered) (?:by|at|before) "
    rf"{_HOUR}(?:[.:][0-5]\d)?\b(?! ?(?:%|percent|people|persons|guests|of|items|pieces|cakes"
    r"|cars|bags|pounds|quid|yuan|euros|dollars|pence|minutes?|hours?|days?|weeks?|months?|years?)\b)",
    # A bare hour as the end of a spoken time, after someone to reach or something to do,
    # with nothing counted after it: "ring the shop before four and we'll fix it", "I'm here
    # till 6, ask for me"; not "before three customers", nor opening hours ("open until 8",
    # "breakfast runs seven till ten").
    r"\b(?:ring|call|phone|text|come|pop|back|in|here|around|there|me|us|it|done|ready|time"
    r"|shop|desk|counter|reception|line|shift|sorted|fixed) (?:before|till|til|until) (?:1[0-2]|[1-9]|one|two|three|four|five|six|seven|eight|nine"
    r"|ten|eleven|twelve)(?:[.:][0-5]\d)?(?= ?(?:[,.;!?)]|$| (?:and|then|so|if|or|sharp|latest"
    r"|today|tonight|tomorrow|at the latest|ask|when|on|to|tops)\b))",
    # A day of the month: "on the 1st", "from the 21st", "on the first of next month".
    r"\b(?:on|by|before|from|until|till) the \d{1,2} ?(?:st|nd|rd|th)\b",
    r"\b(?:on|by|before|from|until|till) the (?:first|last) (?:day )?of (?:the |next |this )?month\b",
    # "Enjoy the rest of your Saturday" is a wish, not a time for anything.
    rf"\b(?<!your )(?:on |this |next )?{_DAY}(?: morning| afternoon| evening| noon)?"
    rf"(?: (?:at|before|by|around|from) {_CLOCK}| at| before)?",
    r"\b(?:(?:later|by|before|until|from|ready|done|sorted|back|out|through|processed|arrives?"
    r"|starts?|goes|go|happens?|finish(?:es|ed)?|fixed|credited|refunded|sent|delivered|call you"
    r"|ring you|text you|email you|contact you) )(?:today|tonight)(?: morning| afternoon| evening)?",
    r"\btomorrow(?: morning| afternoon| evening)?",
    # Days as typed in a hurry: "tues", "weds", "thurs"; the short forms that are also
    # words ("sat", "sun", "wed") only after a preposition ("by sat").
    r"\b(?:tues|weds|thurs|thur)\b",
    r"\b(?:on|by|this|next|until|till|before|for) (?:mon|tue|wed|thu|fri|sat|sun)\b",
    r"\bthis (?:morning|afternoon|evening)\b",
    rf"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|fifteen|twenty|thirty) {_UNIT}\b",
    r"(?:\d+|[一二两三四五六七八九十半]+)\s*(?:分钟|小时|个小时|个半小时|天|个工作日|工作日|周|个星期|个月)(?:内|之内|以内)?",
    # A day, then perhaps a part of it and a clock time: "周四上午10点", "明天下午三点前".
    rf"(?:明天|后天|今晚|明晚|今早|明早|本周[一二三四五六日]?|周[一二三四五六日]|星期[一二三四五六日天]"
    rf"|礼拜[一二三四五六日天])(?:{_ZH_PART})?(?:\s*{_ZH_CLOCK})?(?:之前|以前|前)?",
    # "今天" alone is often not a commitment ("您今天气色真好"): it counts with a part of the
    # day, a clock time or a deadline, or before something done today ("今天给您回电").
    rf"今天(?:(?:{_ZH_PART})(?:\s*{_ZH_CLOCK})?(?:之前|以前|前)?|\s*{_ZH_CLOCK}(?:之前|以前|前)?"
    r"|之内|以内|内|之前|以前|前"
    r"|(?=[^，。！？,.!?；;]{0,4}(?:给您|给你|回电|回复|打电话|处理|办|退|到账|送|修|做好|安排|联系|通知|答复|发给|寄|完成|搞定|解决)))",
    rf"(?:{_ZH_PART})\s*{_ZH_CLOCK}(?:之前|以前|前)?",
    r"\d{1,2}\s*[点時时](?:半|整|钟|\d+分)?(?:之前|以前|前)?",
    # A clock time in Chinese numerals needs something that makes it a time: "一点" alone
    # is "a little", "两点建议" two points.
    rf"{_ZH_NUM}点(?:半|整|钟|{_ZH_NUM}分)(?:之前|以前|前)?",
    rf"{_ZH_NUM}点(?:之前|以前|前)",
    rf"(?:\d{{1,2}}|{_ZH_NUM})\s*月\s*(?:\d{{1,2}}|{_ZH_NUM})\s*[号日](?:之前|以前|前)?",
    r"\d{1,2}\s*[号](?:之前|以前|前)",
    r"(?:本月|这个月|月)底(?:之前|以前|前)",
]
_VAGUE = [
    r"\bat some (?:point|stage)\b",
    r"\bsome ?time\b(?! (?:today|tomorrow|this))",
    r"\beventually\b",
    r"\bwhen (?:it is|its|they are|we are|i am) (?:done|ready|finished|free)\b",
    r"\bin due course\b",
    r"\bsooner or later\b",
    r"\bone of these days\b",
    r"\bwe will see\b(?! (?:you|u|ya|him|her|them|to)\b)",  # "we'll see you", "see to you"
    r"\bwait and see\b",
    r"\bwhen (?:the |a |our |my )?(?:technician|mechanic|engineer|someone|somebody|he|she|they"
    r"|team|staff|manager|colleague|billing)(?: is| are)? (?:free|available|back)\b",
    r"\b(?:a few|some|several|a couple of) (?:days|weeks|months|hours) or so\b",
    r"\b(?:hopefully|with luck|fingers crossed) (?:soon|shortly|quickly|before long|this week)\b",
    r"\bcould (?:be|take) a (?:while|bit|few days)\b",
    r"\b(?:soon|sometime) ?ish\b",
    r"\bwhen(?:ever)? (?:\w+ ){0,2}gets? (?:a chance|the time|time|round to it|around to it)\b",
    r"\bin the fullness of time\b",
    r"\bat (?:the|our) earliest (?:opportunity|convenience)\b",
    r"\bas and when\b",
    r"\bin the (?:near|not too distant) future\b",
    r"\bin due time\b",
    r"\bwhenever (?:that|it) (?:is|may be|might be|will be|happens)\b",
    r"\bat a later (?:date|time)\b",
    r"\bwhen (?:we|i) (?:get|have|find) (?:a chance|the time|time|round to it|a moment)\b",
    r"\b(?:no idea|not sure|cannot say|can not say) (?:how long|when)\b",
    r"\b(?:takes?|take) as long as (?:it|they) (?:takes?|take)\b",
    r"\b(?:get|gets|be|is|are|will be) done when (?:it|they) (?:get|gets|is|are) done\b",
    r"\b(?:should not|will not|would not|is not|it is not) (?:be|take) (?:too|very|that)? ?long\b",
    r"\bnot (?:too|very) long now\b",
    r"\bwhen(?:ever)? (?:we|i|they) can\b",
    r"迟早",
    r"以后再说",
    r"有空(?:的时候)?",
    r"(?:我|我们|咱们|这边)(?:会|将|一定|尽量)?尽快",  # a promise "as soon as possible", not a wish
    r"过段时间",
    r"回头",
    r"适时|(?:适当|合适)的时候",  # "in due course"
]
_RESTATE = [
    r"\b(?:so )?if i (?:understand|have understood|understood|heard|have got)\b",
    r"\b(?:just )?so i (?:get|have|understand|got) (?:it|this|that|everything) (?:right|correct|straight)\b",
    r"\blet me (?:just )?(?:confirm|check|make sure|double check|read (?:that|it) back)\b",
    r"\b(?:got it|i see|right|okay|ok|understood),?(?: so)? you (?:want|would like|need|love|like|normally|usually|pay|have|had|are|were|did|did not)\b",
    r"\bso (?:around|about|roughly|usually|normally) \d",
    r"\bso (?:it is|it's|that is|that's) (?:mainly|mostly|really|just|all)? ?(?:about|because|that)\b",
    r"\bso what (?:you are|i am hearing|i hear)\b",
    r"\bwhat i am hearing\b",
    r"\b(?:let me|just to|to) (?:make sure|check|confirm) (?:that )?i (?:understand|have|heard|got)\b",
    r"\bjust to (?:confirm|recap|check|be clear)\b",
    r"\bto (?:recap|summarize|sum up)\b",
    r"\blet me (?:repeat|recap|summarize|play that back)\b",
    r"\bin other words\b",
    r"\bso (?:you are saying|you have|you had|you would like|you want|your)\b",
    r"\bif i have this right\b",
    r"\bcorrect me if i am wrong\b",
    # Naming what the customer needs, asks or expects restates it: "What you need is a car
    # that runs". Not "what you need to do is...", advice, nor "what you want is up to you".
    r"\bwhat you (?:need|want|are asking for|are asking|are after|are demanding|expect|would like)"
    r" (?:is|are|here is|from us is|from us are)\b(?! up to)",
    r"您的意思是",
    r"如果我没(?:理解|听)错",
    r"也就是说",
    r"我(?:再)?确认一下",
    r"我理解的是",
]
_OPEN_LEAD = re.compile(
    r"^(?:(?:so|and|okay|ok|right|now|please|sir|madam|and so|roughly|just|also|exactly|honestly"
    r"|first) )*(?:what|how|why|when|where|which|who|whose|tell me"
    r"|could you (?:tell|describe|explain|walk|talk|share)|can you (?:tell|describe|explain|walk|share)"
    r"|would you (?:tell|describe|explain|walk|share|mind telling)|walk me through|help me understand"
    r"|describe|explain|talk me through)\b"
)
_OPEN_NO_MARK = re.compile(
    r"^(?:(?:so|and|okay|ok|please) )*(?:tell me|walk me through|help me understand|describe"
    r"|explain|(?:could|can|would) you (?:tell|describe|explain|walk|talk|share)"
    r"|what happened|how (?:can|may|could) i help|what can i do)\b"
)
_CLOSED_LEAD = re.compile(
    r"^(?:(?:so|and|okay|ok|right|just) )*(?:is|are|was|were|do|does|did|can|could|would|will|shall|should"
    r"|have|has|had|may|am|might)\b"
)
_ZH_OPEN = re.compile(r"什么|怎么|为什么|哪|如何|多少|几")
_ZH_CLOSED = re.compile(r"(?:吗|对吗|是吗|好吗|可以吗|行吗)[?？]?$")
_TITLES = frozenset("mr mrs ms miss mx dr sir madam mister doctor professor prof".split())
_ZH_TITLES = ("先生", "女士", "小姐", "太太", "老师", "总")


class _Alternation:
    """Patterns tried in order at each token start, as one regex alternation would, but
    only those that can begin with the character there: CPython tries every branch of an
    alternation at every position it is asked about, and most branches cannot start on
    most words."""

    def __init__(self, patterns: list[str]) -> None:
        firsts = [_first_chars(p) for p in patterns]
        keys = set().union(*(f for f in firsts if f is not None)) - {_WIDE}

        def alternation(chosen: list[str]) -> re.Pattern[str] | None:
            # Same order as the full alternation, so the same branch wins at every position
            # (re's own cache compiles the lists most characters share only once).
            return re.compile("|".join(f"(?:{p})" for p in chosen)) if chosen else None

        pairs = list(zip(patterns, firsts, strict=True))
        self.by_char = {c: alternation([p for p, f in pairs if f is None or c in f]) for c in keys}
        # A character no pattern names: only the patterns that may start anywhere, and,
        # outside ASCII, those starting with any digit (\d is Unicode).
        self.other = alternation([p for p, f in pairs if f is None])
        self.wide = alternation([p for p, f in pairs if f is None or _WIDE in f])

    def at(self, char: str) -> re.Pattern[str] | None:
        """The alternation of the patterns that can match starting with ``char`` (None:
        no pattern can)."""
        return self.by_char.get(char) or (self.other if char.isascii() else self.wide)


_WIDE = "\x00wide"  # in a set of first characters: also any non-ASCII one (\d is Unicode)


def _first_chars(pattern: str) -> frozenset[str] | None:
    """Characters a match of ``pattern`` can start with; None when any may (or when the
    pattern is beyond this reading: always safe, only slower)."""
    try:
        # The standard library's own regex parser: private, so if it ever changes, every
        # branch is tried everywhere, as before.
        parser: Any = importlib.import_module("re._parser")
        parsed = parser.parse(pattern)
        if parsed.state.flags & re.IGNORECASE:
            return None
        found = _firsts(list(parsed), importlib.import_module("re._constants"))
    except Exception:
        return None
    if found is None or found[1]:
        return None
    return frozenset(found[0])


def _firsts(items: list[tuple[Any, Any]], k: Any) -> tuple[set[str], bool] | None:
    """(first characters, can match empty) of a parsed sequence; None for "any".
    ``k``: the parser's constants."""
    out: set[str] = set()
    for op, av in items:
        if op in (k.AT, k.ASSERT, k.ASSERT_NOT):  # zero width: look further
            continue
        if op is k.LITERAL:
            return out | {chr(av)}, False
        if op is k.IN:
            for iop, iav in av:
                if iop is k.LITERAL:
                    out.add(chr(iav))
                elif iop is k.RANGE and iav[1] - iav[0] < 256:
                    out.update(chr(c) for c in range(iav[0], iav[1] + 1))
                elif iop is k.CATEGORY and iav is k.CATEGORY_DIGIT:
                    out.update("0123456789")
                    out.add(_WIDE)
                else:
                    return None
            return out, False
        if op is k.BRANCH:
            nullable = False
            for alt in av[1]:
                got = _firsts(list(alt), k)
                if got is None:
                    return None
                out |= got[0]
                nullable = nullable or got[1]
            if not nullable:
                return out, False
            continue
        if op is k.SUBPATTERN:
            if av[1] & re.IGNORECASE:  # (?i:...): either case
                return None
            got = _firsts(list(av[3]), k)
            if got is None:
                return None
            out |= got[0]
            if not got[1]:
                return out, False
            continue
        if op in (k.MAX_REPEAT, k.MIN_REPEAT):
            got = _firsts(list(av[2]), k)
            if got is None:
                return None
            out |= got[0]
            if av[0] > 0 and not got[1]:
                return out, False
            continue
        return None
    return out, True


def _regex_ranges(
    a: Analysis, alt: _Alternation, triggers: tuple[str, ...] = ()
) -> list[TokenRange]:
    # A few substring tests rule out most replies before the slower regex runs (faster
    # than one regex alternation of the same literals, which CPython scans naively).
    joined = a.joined
    if triggers and not any(t in joined for t in triggers):
        return []
    out: list[TokenRange] = []
    # Every pattern starts at a token, so try token starts only (a quarter of the
    # positions a full scan would), keeping matches non-overlapping.
    resume = 0
    for pos in a.jstart:
        if pos < resume:
            continue
        rx = alt.at(joined[pos])
        if rx is None:
            continue
        m = rx.match(joined, pos)
        if m and m.end() > pos:
            rng = a.tokens_of_joined(pos, m.end())
            if rng:
                out.append(rng)
            resume = m.end()
    return out


_C_CONCRETE = _Alternation(_CONCRETE)
_C_VAGUE = _Alternation(_VAGUE)
_C_RESTATE = _Alternation(_RESTATE)
_YOU = frozenset({"you", "your", "yours", "we", "our", "您", "你"})


_CONCRETE_TRIGGERS = (
    "before ",
    "till ",
    "til ",  # also in "until "
    "0",
    "1",
    "2",
    "3",
    "4",
    "5",
    "6",
    "7",
    "8",
    "9",
    "minute",
    "min",
    "hour",
    "hr",
    "day",
    "week",
    "month",
    "today",
    "tonight",
    "tomorrow",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "mon",
    "noon",
    "midday",
    "midnight",
    "lunch",
    "end of",
    "close of",
    "business",
    "morning",
    "afternoon",
    "evening",
    "o clock",
    "oclock",
    "past",
    "quarter",
    "half",
    "今天",
    "明天",
    "后天",
    "周",
    "星期",
    "点",
    "時",
    "时",
    "分钟",
    "小时",
    "天",
    "工作日",
    "今晚",
    "明晚",
    "今早",
    "明早",
    "礼拜",
    "号",
    "月",
    "午",
)
_VAGUE_TRIGGERS = (
    "some",
    "eventually",
    "when ",
    "as soon as",
    "asap",
    "due course",
    "sooner",
    "one of these",
    "we will see",
    "wait and see",
    "free",
    "available",
    "or so",
    "hopefully",
    "luck",
    "fingers",
    "a while",
    "ish",
    "round to",
    "around to",
    "fullness",
    "earliest",
    "as and when",
    "future",
    "due time",
    "whenever",
    "later",
    "no idea",
    "not sure",
    "can not say",
    "cannot say",
    "as long as",
    "done when",
    "long",
    "can",
    "迟早",
    "以后",
    "有空",
    "尽快",
    "过段",
    "回头",
    "适时",
    "适当的时候",
    "合适的时候",
)
_RESTATE_TRIGGERS = (
    "what you",
    "if i ",
    "so ",
    "what i am",
    "make sure",
    "check",
    "confirm",
    "just to",
    "recap",
    "summarize",
    "sum up",
    "repeat",
    "play that",
    "other words",
    "this right",
    "correct me",
    "let me",
    "got it",
    "i see",
    "right",
    "ok",
    "understood",
    "意思",
    "没理解",
    "没听",
    "也就是说",
    "确认",
    "理解",
)


def time_concrete(a: Analysis) -> list[TokenRange]:
    """A commitment to a specific time or interval ("by Friday", "within 3 working days")."""
    return _regex_ranges(a, _C_CONCRETE, _CONCRETE_TRIGGERS)


def time_vague(a: Analysis) -> list[TokenRange]:
    """A promise with no time attached ("at some point", "eventually", "soon")."""
    return _regex_ranges(a, _C_VAGUE, _VAGUE_TRIGGERS)


def _sentences(a: Analysis) -> list[tuple[int, int, str]]:
    """(first token, last token, normalised text) of each sentence (computed once)."""
    if a.sentences is not None:
        return a.sentences
    out: list[tuple[int, int, str]] = []
    start = 0
    for i, tok in enumerate(a.tokens):
        last = i == len(a.tokens) - 1
        if last or a.sentence_of[i + 1] != a.sentence_of[i]:
            text = " ".join(t.norm for t in a.tokens[start : i + 1] if t.kind != "punct")
            if has_cjk(text):
                text = "".join(t.norm for t in a.tokens[start : i + 1])
            out.append((start, i, text))
            start = i + 1
        del tok
    a.sentences = out
    return out


def _questions(a: Analysis, want_open: bool) -> list[TokenRange]:
    out: list[TokenRange] = []
    for first, last, text in _sentences(a):
        asked = a.tokens[last].norm in {"?", "？"}
        if has_cjk(text):
            is_open = bool(_ZH_OPEN.search(text)) and (asked or text.endswith("呢"))
            # As in English, a sentence asked with "？" that is not open is closed
            # ("有没有去过香港？", "是老样子吧？"); without the mark, only a final 吗.
            is_closed = not is_open and (asked or bool(_ZH_CLOSED.search(text)))
        else:
            lead_open = bool(_OPEN_LEAD.match(text))
            # Typed chat often drops the "?"; accept only leads that cannot be statements.
            is_open = lead_open and (asked or bool(_OPEN_NO_MARK.match(text)))
            # A sentence asked with "?" that is not open is closed ("one slice, yes?",
            # "want some sauce too?"); without the mark only a closed lead counts.
            is_closed = asked and not lead_open
        if is_open if want_open else is_closed:
            out.append((first, last))
    return out


def question_open(a: Analysis) -> list[TokenRange]:
    """An open question that invites the customer to explain (what/how/why, tell me...)."""
    return _questions(a, want_open=True)


def question_closed(a: Analysis) -> list[TokenRange]:
    """A closed question that confirms a fact (is/do/can..., or a tag like ", right?")."""
    return _questions(a, want_open=False)


@lru_cache(maxsize=256)
def _name_variants(name: str) -> list[list[str]]:
    toks = [t.norm for t in tokenize(name) if t.kind != "punct"]
    if not toks:
        return []
    variants = [toks]
    if has_cjk(name):
        family = toks[0]
        variants += [[family, *list(title)] for title in _ZH_TITLES]
        # A name given with its title ("埃利斯太太") is also said with another title or none.
        plain = "".join(toks)
        own = next((t for t in _ZH_TITLES if plain.endswith(t) and len(plain) > len(t) + 1), "")
        if own:
            stem = toks[: -len(own)]
            variants += [stem] + [[*stem, *list(title)] for title in _ZH_TITLES]
    else:
        variants += [[t] for t in toks if t not in _TITLES and len(t) > 1]
    return variants


def _find_sequences(a: Analysis, variants: list[list[str]]) -> list[TokenRange]:
    out: list[TokenRange] = []
    words = a.words
    norms = a.norms  # the words' normalised forms, made once by the analysis
    present = set(norms)
    for seq in variants:
        if seq[0] not in present:
            continue
        n = len(seq)
        for j in range(len(norms) - n + 1):
            if norms[j : j + n] == seq:
                out.append((words[j], words[j + n - 1]))
    return out


def customer_name(a: Analysis) -> list[TokenRange]:
    """The customer addressed by name (surname with or without title, or first name)."""
    return _find_sequences(a, _name_variants(a.context.customer_name))


_INTRO_EN = re.compile(
    r"\b(?:my name is|i am|this is|you are speaking (?:to|with)|you are talking to|it is"
    r"|you are through to|you have reached|you have got|you are with) (\w+)"
)
_INTRO_AFTER = re.compile(r"\b(\w+) (?:speaking|here|at your service)\b")
# "我是小李。": a short name closing the clause; "我是说..." (I mean...) does not.
_INTRO_ZH = re.compile(r"我(?:是|叫)([\u4e00-\u9fff]{1,4})(?=[，。,.!！、；;]|$)")


@lru_cache(maxsize=256)
def _own_names(name: str) -> frozenset[str]:
    return frozenset(t.norm for t in tokenize(name) if t.kind != "punct") - _TITLES


def self_intro(a: Analysis) -> list[TokenRange]:
    """The trainee gives their own name ("my name is Sam", "this is Sam", "我是小王")."""
    names = _own_names(a.context.trainee_name)
    out: list[TokenRange] = []
    for rx in (_INTRO_EN, _INTRO_ZH):
        for m in rx.finditer(a.joined):
            said = m.group(1)
            lead = m.group(0)
            # "my name is ..." is an introduction whatever follows; "I am X" only with the
            # trainee's own name, or "I am sorry" would count.
            if (
                lead.startswith(("my name is", "我"))
                or any(n and said.startswith(n) for n in names)
                or _looks_like_name(a, m.start(1))
            ):
                rng = a.tokens_of_joined(m.start(), m.end())
                if rng:
                    out.append(rng)
    for m in _INTRO_AFTER.finditer(a.joined):
        # "Sam speaking", "Sam here": the trainee's name, or a name typed as one.
        if m.group(1) in names or _looks_like_name(a, m.start(1), lead=True):
            rng = a.tokens_of_joined(m.start(), m.end())
            if rng:
                out.append(rng)
    return out


def _looks_like_name(a: Analysis, joined_pos: int, lead: bool = False) -> bool:
    """Is the word at this offset of ``joined`` typed as a name: capitalised where a
    sentence does not start, and not a dictionary word ("this is Anna", not "this is
    Terrible")? Trainees often give a name other than the one they logged in with.
    ``lead``: the name may open its sentence ("Sam here")."""
    rng = a.tokens_of_joined(joined_pos, joined_pos + 1)
    if rng is None:
        return False
    i = rng[0]
    tok = a.tokens[i]
    raw = a.text[tok.start : tok.end]
    if tok.kind != "word" or tok.norm in _TITLES:
        return False
    if not raw[:1].isupper():
        # A reply typed all in lower case ("hi im leo. how can i help") capitalises no
        # name: a word the dictionary does not know, closing its clause, still counts.
        nxt = i + 1
        closes = nxt == len(a.tokens) or a.tokens[nxt].kind == "punct"
        if not (closes and len(tok.norm) >= 3 and a.text == a.text.lower()):
            return False
    if not lead and (i == 0 or a.sentence_of[i - 1] != a.sentence_of[i]):
        return False
    return not lex(tok.norm).known


_TAG = re.compile(
    r"(?:are we|shall we|am i|is it|do we|have we|did we|were we|did it|does it|was it|is that so)$"
)


def tag_question(a: Analysis) -> list[TokenRange]:
    """A mocking tag after a statement: "Living dangerously today, are we?", "..., shall
    we?", "I'm not 'someone', am I?" (the tag follows a comma and ends a question)."""
    out: list[TokenRange] = []
    if "?" not in a.text and "？" not in a.text:
        return out  # most replies ask nothing: skip building the sentences
    for first, last, text in _sentences(a):
        if a.tokens[last].norm not in {"?", "？"} or not _TAG.search(text):
            continue
        # The two words of the tag, right after a comma.
        k = last - 1
        words = 0
        while k > first and words < 2:
            if a.tokens[k].kind != "punct":
                words += 1
            k -= 1
        if k >= first and a.tokens[k].norm in {",", "，"}:
            out.append((k + 1, last))
    return out


_ENUM = re.compile(
    r"(?:^|[.:;!?] |\s)(?:1|one|first|firstly)[):,.] .{0,300}?"
    r"(?:^|\s)(?:2|two|second|secondly|then)[):,.] "
    # Chinese ordinals, as the joined text has them: "第一, …; 第二, …", "一、…；二、…".
    r"|(?:^|[.:;!?。] |\s)(?:第一|首先|一)[):,.、] ?.{0,300}?(?:[.:;!?。] |\s)(?:第二|其次|二)[):,.、]"
)


def enumeration(a: Analysis) -> list[TokenRange]:
    """Steps given in order: "1) ... 2) ...", "One, ... Two, ...", "First: ... Then: ..."."""
    out: list[TokenRange] = []
    for m in _ENUM.finditer(a.joined):
        rng = a.tokens_of_joined(m.start(), m.end())
        if rng:
            out.append(rng)
    return out


def restate(a: Analysis) -> list[TokenRange]:
    """Restating what the customer said ("so if I understand, you..."): a lead-in followed
    by a reference to the customer within the same sentence."""
    out: list[TokenRange] = []
    for first, last in _regex_ranges(a, _C_RESTATE, _RESTATE_TRIGGERS):
        sentence = a.sentence_of[first]
        i = first
        you = False
        while i < len(a.tokens) and a.sentence_of[i] == sentence and not you:
            you = a.tokens[i].norm in _YOU
            i += 1
        if you or has_cjk(a.tokens[first].norm):
            out.append((first, last))
    return out


_MONEY = [
    r"(?:[$£€¥]|us\$|rmb|hk\$) ?\d+(?:[.,]\d+)?",
    rf"\b(?:\d+(?:[.,]\d+)?|{_NUM[3:-1]}|a hundred|hundred|a thousand) (?:yuan|rmb|dollars?|bucks?"
    r"|pounds?|quid|euros?|cents?|pence|p|kuai|renminbi)\b",
    r"\d+(?:\.\d+)?\s*(?:美分|美元|分钱|元|块钱|块|毛|角)",
    # In Chinese numerals only with a word that makes it money: "一块" is also "together",
    # "五分" five points, "三角" a triangle.
    r"[一二两三四五六七八九十百千万几]+\s*(?:美分|美元|元钱|元|块钱|毛钱|毛|角钱|分钱)",
    r"[一二两三四五六七八九十百千万]+块[一二三四五六七八九]",
]
_C_MONEY = _Alternation(_MONEY)
_MONEY_TRIGGERS = (
    "$",
    "£",
    "€",
    "¥",
    "rmb",
    "yuan",
    "dollar",
    "buck",
    "pound",
    "quid",
    "euro",
    "cent",
    "pence",
    " p",
    "kuai",
    "renminbi",
    "元",
    "块",
    "毛",
    "角",
    "分钱",
    "美",
)


def money(a: Analysis) -> list[TokenRange]:
    """An amount of money ("25 cents", "130 yuan", "$5", "65元")."""
    return _regex_ranges(a, _C_MONEY, _MONEY_TRIGGERS)


# Capitals typed as one word, at most six: "ARPU", "DNO", "ECU" (also inside Chinese text).
_ACRONYM = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]{1,5}(?![A-Za-z0-9])")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def acronym(a: Analysis) -> list[TokenRange]:
    """An abbreviation the customer may not know: capitals that are no dictionary word and
    not one of the lexicon's ``plain_acronyms`` ("OK", "PIN"). A reply with a third of its
    words (four or more) real words in capitals ("THANK YOU FOR WAITING") is shouting, not
    jargon."""
    found = [m for m in _ACRONYM.finditer(a.text) if m.group() not in a.context.plain_acronyms]
    if not found:
        return []
    latin = _LATIN_WORD.findall(a.text)
    shouted = sum(w.isupper() and lex(w.casefold()).known for w in latin)
    if len(latin) >= 4 and 3 * shouted >= len(latin):  # a few Latin words in Chinese: no
        return []
    out: list[TokenRange] = []
    for m in found:
        w = bisect_left(a.wstart, m.start())  # the word starting there, if one does
        if w == len(a.words) or a.wstart[w] != m.start():
            continue
        k = a.words[w]
        # One whole token ("V12" is two: a letter and a number), and no word of its own.
        if a.tokens[k].end == m.end() and not lex(a.tokens[k].norm).known:
            out.append((k, k))
    return out


DETECTORS: dict[DetectorName, Callable[[Analysis], list[TokenRange]]] = {
    "acronym": acronym,
    "enumeration": enumeration,
    "tag_question": tag_question,
    "money": money,
    "time_concrete": time_concrete,
    "time_vague": time_vague,
    "question_open": question_open,
    "question_closed": question_closed,
    "customer_name": customer_name,
    "self_intro": self_intro,
    "restate": restate,
}


def find(a: Analysis, name: DetectorName) -> list[TokenRange]:
    """What detector ``name`` finds in ``a``, computed once per reply and kept on it."""
    found = a.detected.get(name)
    if found is None:
        found = a.detected[name] = DETECTORS[name](a)
    return found
