"""A browser tab without a browser: textual-serve's websocket protocol, spoken by a real
client, with a terminal emulator (pyte) standing in for xterm.js. Used by the serve tests
and bench/bench_classroom.py.

The protocol (textual_serve/server.py): the page opens ``/ws?width=W&height=H``; the
client sends JSON text frames ``["stdin", keys]``, ``["resize", {"width", "height"}]``,
``["ping", x]``; the server sends the app's terminal output as binary frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import aiohttp
import pyte

ENTER = "\r"
TAB = "\t"


def free_port() -> int:
    """A TCP port nobody listens on right now, on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    port: int, args: Sequence[str] = (), env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """``mot-sim serve`` as a user runs it (the console script on PATH), once it listens."""
    proc = subprocess.Popen(
        ["mot-sim", "serve", "--port", str(port), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its app processes are ended with it
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode() if proc.stderr else ""
            raise RuntimeError(f"mot-sim serve exited {proc.returncode}: {err}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return proc
        time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError("mot-sim serve did not listen within 30 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl+C, as a trainer would; then make sure, app processes included."""
    import signal

    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


class Tab:
    """One browser tab on a textual-serve server: its own app process."""

    def __init__(self, url: str, width: int = 100, height: int = 30) -> None:
        self.url = url.rstrip("/")
        self.width, self.height = width, height
        self.screen = pyte.Screen(width, height)
        self.stream = pyte.ByteStream(self.screen)
        self.frames = 0
        self.closed = False
        self._changed = asyncio.Event()
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self.frame_times: list[float] = []  # monotonic time of every frame received

    async def open(self) -> None:
        self._session = aiohttp.ClientSession()
        self._ws = await self._session.ws_connect(
            f"{self.url}/ws?width={self.width}&height={self.height}", heartbeat=None
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self._ws is not None
        async for msg in self._ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                self.stream.feed(msg.data)
                self.frames += 1
                self.frame_times.append(time.monotonic())
                self._changed.set()
        self.closed = True
        self._changed.set()

    @property
    def text(self) -> str:
        """What the tab shows, as lines of text."""
        return "\n".join(line.rstrip() for line in self.screen.display)

    async def send(self, keys: str) -> None:
        """Keys as xterm.js sends them (text, "\\r" for Enter, "\\t" for Tab)."""
        assert self._ws is not None
        await self._ws.send_json(["stdin", keys])

    async def wait_until(self, check: Callable[[str], bool], timeout: float = 30) -> str:
        """Wait for the screen to satisfy ``check``; its text, or TimeoutError saying what
        it showed instead."""
        deadline = time.monotonic() + timeout
        while True:
            shown = self.text
            if check(shown):
                return shown
            left = deadline - time.monotonic()
            if left <= 0 or self.closed:
                raise TimeoutError(f"the tab shows:\n{shown}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(left, 0.5))

    async def wait_for(self, text: str, timeout: float = 30) -> str:
        return await self.wait_until(lambda shown: text in shown, timeout)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, aiohttp.ClientError):
                await asyncio.wait_for(self._reader, 5)
        if self._session is not None:
            await self._session.close()


def python_env() -> dict[str, str]:
    """PATH with this interpreter's scripts first, so ``mot-sim`` is the one under test."""
    bindir = str(Path(sys.executable).parent)
    return {"PATH": bindir + os.pathsep + os.environ.get("PATH", "")}


def replies_column(text: str, name: str) -> str | None:
    """The Replies cell of ``name``'s row on the console's roster, as shown."""
    lines = text.splitlines()
    header = next((ln for ln in lines if "Trainee" in ln and "Replies" in ln), None)
    if header is None:
        return None
    start = header.index("Replies")
    for line in lines:
        if line.split()[:1] == [name] or f" {name} " in line[:20]:
            return line[start : start + 8].strip() or None
    return None
