"""Standard input and output as untrusted, finite streams.

Input: standard input may be closed (``<&-``), may not be UTF-8, and a line may never
end; every reader here copes and keeps memory bounded. Output: whatever reaches a
terminal is stripped of control sequences, so no stored or typed text can move the
cursor, retitle the window or ring the bell.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import IO

from mot_sim.errors import MotSimError
from mot_sim.store.records import clean_display


def stdin_text(option: str) -> IO[str]:
    """Standard input as UTF-8 text (undecodable bytes replaced, not fatal).

    ``option`` names what reads it, for the message when there is nothing to read."""
    stream = sys.stdin
    if stream is None or stream.closed:
        raise MotSimError(f"{option} -: standard input is closed, so there is nothing to read")
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # already text (e.g. a StringIO)
        return stream
    return io.TextIOWrapper(buffer, encoding="utf-8", errors="replace", newline=None)


def bounded_lines(stream: IO[str], limit: int) -> Iterator[tuple[str, bool]]:
    """Each line (without its newline) and whether it was longer than ``limit``
    characters; a longer line yields its first ``limit`` characters and the rest is read
    and dropped a piece at a time, so no line, however long, is held in memory whole."""
    while True:
        try:
            line = stream.readline(limit + 1)
        except OSError as exc:
            raise MotSimError(f"cannot read the input: {exc.strerror or exc}") from None
        if not line:
            return
        if line.endswith("\n"):
            yield line[:-1], False
            continue
        if len(line) <= limit:  # the last line, without a newline
            yield line, False
            continue
        while True:
            rest = stream.readline(limit)
            if not rest or rest.endswith("\n"):
                break
        yield line[:limit], True


def is_terminal(stream: IO[str] | None) -> bool:
    """Whether ``stream`` is an interactive terminal."""
    try:
        return stream is not None and stream.isatty()
    except (ValueError, OSError):  # closed
        return False


def for_terminal(text: str) -> str:
    """Text with every control sequence removed (newlines and tabs kept)."""
    return clean_display(text)


def write_data(text: str) -> None:
    """Write machine-readable output (CSV, JSON) to standard output: unchanged for a file
    or a pipe, cleaned of control sequences when a person reads it on a terminal."""
    out = sys.stdout
    if out is None:
        raise MotSimError("standard output is closed")
    out.write(for_terminal(text) if is_terminal(out) else text)


def say(*lines: str) -> None:
    """Print text for a person: always cleaned of control sequences, wherever it goes
    (``less -R`` and ``cat`` run escapes as surely as the terminal does)."""
    print(for_terminal("\n".join(lines)))
