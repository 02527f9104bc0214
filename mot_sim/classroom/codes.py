"""Join codes: short, random, and easy to read off a projector and type.

Six characters from an alphabet without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B), so
nobody has to ask which one was meant: 25 symbols, about 244 million codes. Codes are
drawn with :mod:`secrets`; what a trainee types is normalised (case, spaces, dashes)
before it is looked up.
"""

from __future__ import annotations

import secrets

ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
LENGTH = 6
_SEPARATORS = " -_\t"


def new_code() -> str:
    """A fresh random code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The code a trainee meant (``"k7p 3qx"``, ``"K7P-3QX"`` -> ``"K7P3QX"``), or None if
    it cannot be a join code."""
    if len(typed) > 4 * LENGTH:  # no need to look at a pasted essay
        return None
    code = "".join(c for c in typed.upper() if c not in _SEPARATORS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def shown(code: str) -> str:
    """A code as printed for people: two groups of three (``K7P-3QX``)."""
    return f"{code[:3]}-{code[3:]}" if len(code) == LENGTH else code
