"""Writing an export or a report to a file: never over the score log, never half-done.

The text goes to a temporary file beside the target, is flushed to disk, and only then
renamed over it (atomic on POSIX and Windows): a full disk, a quota or a crash leaves
the previous export as it was, never a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from mot_sim.errors import MotSimError
from mot_sim.store.records import clean_display
from mot_sim.store.sqlite import SIDE_FILES, side_files


def _guarded(log: Path) -> list[str]:
    """The log and its side files, under the name given and the name it resolves to."""
    names = []
    for base in {str(log.absolute()), os.path.realpath(log)}:
        names += [os.path.normcase(base + suffix) for suffix in ("", *SIDE_FILES)]
    return names


def refuse_log(out: str, log: Path) -> None:
    """Refuse an output path that is the score log or one of its -wal/-shm/-journal files,
    however it is spelled (relative, ``..``, a symlink, a hard link)."""
    target = Path(out)
    real = os.path.normcase(os.path.realpath(target))
    same = real in _guarded(log)
    for guarded in side_files(log):
        with contextlib.suppress(OSError):
            same = same or os.path.samefile(target, guarded)
    if same:
        raise MotSimError(
            f"--out {out} is the score log {log} (or a file SQLite keeps beside it); "
            "nothing was written"
        )


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomically(out: str, text: str) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``out``, replacing it only when whole.
    A symlink is written through; a device or pipe (``/dev/stdout``) is written in
    place, since there is nothing to replace (cleaned of control sequences if it is a
    terminal)."""
    try:
        info: os.stat_result | None = os.stat(out)  # through symlinks
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise MotSimError(f"cannot write {out}: {exc.strerror}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise MotSimError(f"cannot write {out}: it is a folder")
    real = Path(os.path.realpath(out))  # a symlink is written through, not replaced
    try:
        if info is not None and not stat.S_ISREG(info.st_mode):
            with open(out, "w", encoding="utf-8", newline="") as f:
                f.write(clean_display(text) if f.isatty() else text)  # --out /dev/tty
            return
        mode = stat.S_IMODE(info.st_mode) if info else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".part", dir=real.parent)
    except OSError as exc:
        raise MotSimError(f"cannot write {out}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        kept = f"{out} is left as it was" if info else "nothing was written"
        raise MotSimError(f"cannot write {out}: {exc.strerror}; {kept}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable where we can
        folder = os.open(real.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
