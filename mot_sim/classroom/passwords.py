"""Class passwords: kept as a salted, slow hash, compared in constant time.

The stored form is ``pbkdf2_sha256$ITERATIONS$SALT$HASH`` (hex). The log is untrusted,
so a stored hash is parsed strictly and its iteration count bounded: an edited row can
neither crash a join nor make one spin for minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "pbkdf2_sha256"
ITERATIONS = 200_000  # about 0.1 s on the project's machine: cheap per join, dear per guess
MAX_ITERATIONS = 2_000_000
MAX_PASSWORD_CHARS = 200


def _derive(password: str, salt: bytes, iterations: int) -> bytes:
    return hashlib.pbkdf2_hmac(
        "sha256", password.encode("utf-8", "surrogatepass"), salt, iterations
    )


def make_hash(password: str, iterations: int = ITERATIONS) -> str:
    """The stored form of a new password."""
    salt = secrets.token_bytes(16)
    return f"{SCHEME}${iterations}${salt.hex()}${_derive(password, salt, iterations).hex()}"


def _parse(stored: str) -> tuple[int, bytes, bytes] | None:
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != SCHEME or not parts[1].isdigit() or len(parts[1]) > 8:
        return None
    iterations = int(parts[1])
    try:
        salt, digest = bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError:
        return None
    if not 1 <= iterations <= MAX_ITERATIONS or len(salt) < 8 or len(digest) != 32:
        return None
    return iterations, salt, digest


def check_hash(stored: str) -> bool:
    """Whether ``stored`` is a hash this module could have made."""
    return _parse(stored) is not None


def verify(password: str, stored: str) -> bool:
    """Whether ``password`` is the one ``stored`` was made from (False for a damaged
    hash: nobody gets in through an edited row)."""
    parsed = _parse(stored)
    if parsed is None or len(password) > MAX_PASSWORD_CHARS:
        return False
    iterations, salt, digest = parsed
    return hmac.compare_digest(_derive(password, salt, iterations), digest)
