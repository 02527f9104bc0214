"""One browser tab's launcher, when ``mot-sim serve`` preloads the app (the default).

textual-serve runs a shell command per tab. With the preload that command is this file,
run by path as ``python -I -S launcher.py SOCKET``: no site-packages, nothing imported
beyond ``os``, ``socket`` and ``sys``, so it costs a few MiB where an app process costs
tens. It hands its stdin, stdout and stderr and its environment (what textual-serve gave
it) to the preloaded parent over ``SOCKET``, the parent forks the tab's app process onto
them, and the launcher waits for that process to end and exits with its exit status.

The protocol (``mot_sim.web.zygote`` is the other side, and checks all of it):

- launcher -> parent, one message carrying the three descriptors (SCM_RIGHTS):
  ``MAGIC``, the length of the environment block as 4 bytes big-endian, then the block:
  ``NAME=VALUE`` entries separated by NUL bytes;
- parent -> launcher: ``P`` and the app process's pid (4 bytes) once it is forked, then
  ``X`` and its exit status (4 bytes, 128 + N when ended by signal N).

Kept free of imports from the package (it must run without site-packages) and of
anything but the standard library's smallest modules.
"""

from __future__ import annotations

import os
import socket
import sys

MAGIC = b"MOTSIM-LAUNCH-1\n"
STATUS = 5  # a reply: one letter, then 4 bytes big-endian
GONE = 70  # EX_SOFTWARE: the preloaded parent is not there, or ended before the app did
PROG = "mot-sim serve"


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr, flush=True)
    return GONE


def _read_reply(conn: socket.socket) -> tuple[str, int] | None:
    """The parent's next reply, or None when it closed the connection."""
    data = b""
    while len(data) < STATUS:
        try:
            chunk = conn.recv(STATUS - len(data))
        except OSError:  # reset: it closed with part of our request unread
            return None
        if not chunk:
            return None
        data += chunk
    return data[:1].decode("ascii", "replace"), int.from_bytes(data[1:], "big")


def environment_block(environ: dict[str, str]) -> bytes:
    """``environ`` as the parent reads it (entries a NUL cannot be part of are dropped)."""
    entries = [
        f"{k}={v}".encode("utf-8", "surrogateescape")
        for k, v in environ.items()
        if k and "=" not in k and "\0" not in k and "\0" not in v
    ]
    return b"\0".join(entries)


def launch(path: str) -> int:
    """Ask the parent at ``path`` for an app process on this one's stdio; its status."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError as exc:
        return _fail(
            f"the preloaded app process is not running ({exc.strerror or exc}); "
            "restart mot-sim serve (or run it with --no-preload)"
        )
    with conn:
        cred = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
        if int.from_bytes(cred[4:8], sys.byteorder) != os.getuid():
            return _fail(f"{path} belongs to another user; refusing to use it")
        block = environment_block(dict(os.environ))
        try:
            socket.send_fds(conn, [MAGIC + len(block).to_bytes(4, "big")], [0, 1, 2])
            conn.sendall(block)
        except OSError as exc:
            return _fail(f"the preloaded app process refused this tab ({exc})")
        # The app process has its own copies now; ours would only keep the pipes open.
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.close(null)
        reply = _read_reply(conn)
        if reply is None or reply[0] != "P":
            return _fail("the preloaded app process closed this tab before starting it")
        pid = reply[1]
        reply = _read_reply(conn)
        if reply is None or reply[0] != "X":
            return _fail(f"the preloaded app process ended before this tab's app (pid {pid})")
        return reply[1]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        return _fail("usage: launcher.py SOCKET (run by mot-sim serve, not by hand)")
    try:
        return launch(argv[1])
    except KeyboardInterrupt:  # Ctrl+C on the server reaches the whole process group
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv))
