"""The project's own error types: every failure a user can cause surfaces as one of these."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One located problem in an input file, printed as ``PATH:LINE:COL: message``."""

    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class MotSimError(Exception):
    """Base class: the CLI turns these into a clear message and exit status 2."""


@dataclass
class InputError(MotSimError):
    """One or more problems found in user-supplied files."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UnknownIdError(MotSimError):
    """An id given on the command line that names nothing; lists the valid ones."""

    def __init__(
        self, kind: str, given: str, valid: list[str], skipped: list[Problem] | None = None
    ) -> None:
        self.kind, self.given, self.valid = kind, given, valid
        message = f"unknown {kind} {given!r}; valid: {', '.join(valid) or '(none)'}"
        if skipped:  # it may be in one of the files that could not be loaded
            files = sorted({p.path for p in skipped})
            message += f"\n{len(files)} file(s) could not be loaded (mot-sim validate):"
            message += "".join(f"\n  {p}" for p in skipped[:10])
        super().__init__(message)


class StoreError(MotSimError):
    """The score log cannot be opened or written safely."""


class UsageError(Exception):
    """Wrong command-line usage (exit 2 with the usage line)."""
