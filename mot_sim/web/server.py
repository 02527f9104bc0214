"""``mot-sim serve``: textual-serve in front of the trainee app or the trainer console.

textual-serve starts one app process per websocket (browser tab) by running a shell
command; the process inherits this one's environment, which is how the score log, the
scenario directories and the interface language reach it (``MOT_SIM_*``).

By default the app is preloaded: this process first starts one parent process
(``mot_sim.web.zygote``) that imports and builds everything a tab needs, and each tab's
command is a small launcher that has that parent fork the tab's app process, which then
shares the parent's memory (see the zygote's docstring). ``preload=False`` (``mot-sim
serve --no-preload``) runs ``mot_sim.web.child`` per tab instead, a whole new process.
"""

from __future__ import annotations

import os
import re
import select
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mot_sim.errors import MotSimError

Role = Literal["trainee", "trainer"]

DEFAULT_HOST = "127.0.0.1"  # a classroom opens it to the room deliberately (--host)
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class ServeOptions:
    """What ``mot-sim serve`` was asked for."""

    role: Role = "trainee"
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    public_url: str | None = None  # the address browsers use, behind a reverse proxy
    code: str | None = None  # the trainer console: this class only
    preload: bool = True  # fork the tabs from one preloaded parent (where the OS can)


PRELOAD_TIMEOUT = 300.0  # seconds for the parent to load everything, on a slow machine


def can_preload() -> bool:
    """Descriptor passing and peer credentials on Unix sockets, and fork: Linux."""
    return hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(socket, "SO_PEERCRED")


def _role_args(options: ServeOptions) -> list[str]:
    return [options.role, *(["--code", options.code] if options.code else [])]


def child_command(options: ServeOptions) -> str:
    """The shell command textual-serve runs for each tab without the preload: this
    Python, this package (``exec``: no shell left waiting beside each tab)."""
    return "exec " + shlex.join([sys.executable, "-m", "mot_sim.web.child", *_role_args(options)])


def launcher_command(socket_path: str) -> str:
    """The shell command for each tab with the preload: the launcher, run by path without
    site-packages (``-I -S``), so it imports nothing but a few standard modules."""
    launcher = Path(__file__).with_name("launcher.py")
    return "exec " + shlex.join([sys.executable, "-I", "-S", str(launcher), socket_path])


@contextmanager
def preloaded(options: ServeOptions) -> Iterator[str]:
    """The preloaded parent, running until the block ends; its socket's path. The
    socket lives in a new directory of mode 0700; the parent's stdin is a pipe from
    this process, so it ends when this one does, however this one ends."""
    directory = tempfile.mkdtemp(prefix="mot-sim-serve-")  # mode 0700
    path = os.path.join(directory, "tabs.sock")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mot_sim.web.zygote", "--socket", path, *_role_args(options)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + PRELOAD_TIMEOUT
        ready = b""
        while not ready.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([proc.stdout], [], [], left)[0]:
                raise MotSimError(
                    f"the preloaded app process was not ready in {PRELOAD_TIMEOUT:g} s"
                )
            chunk = os.read(proc.stdout.fileno(), 64)
            if not chunk:
                raise MotSimError(
                    f"the preloaded app process failed to start (exit {proc.wait()}); "
                    "see above, or run mot-sim serve --no-preload"
                )
            ready += chunk
        yield path
    finally:
        if proc.stdin is not None:
            proc.stdin.close()  # the lifeline: the parent ends its tabs and exits
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
        shutil.rmtree(directory, ignore_errors=True)


def public_url(options: ServeOptions) -> str:
    """Where the page tells the browser to open its websocket."""
    if options.public_url:
        return options.public_url.rstrip("/")
    host = f"[{options.host}]" if ":" in options.host else options.host
    return f"http://{host}:{options.port}"


# textual-serve's page asks a web-font service for its font, which a browser in an offline
# room cannot reach and a private one should not be sent to; the same font is among the
# package's own static files.
_WEB_FONT = re.compile(
    r'\s*<link\s+rel="stylesheet"\s+href="https://fonts\.googleapis\.com[^"]*"\s*/>'
)
_LOCAL_FONT = (
    '\n    <style>@font-face { font-family: "Roboto Mono"; src: url('
    '"{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf"); }</style>'
)


def local_templates(directory: Path) -> Path | None:
    """textual-serve's page template, written into ``directory`` with its font served
    from this server instead of an outside one; None (use the package's own) when the
    installed template no longer has the link to replace."""
    import textual_serve

    source = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    page, found = _WEB_FONT.subn(_LOCAL_FONT, source.read_text(encoding="utf-8"))
    if not found:
        return None
    (directory / "app_index.html").write_text(page, encoding="utf-8")
    return directory


def serve(options: ServeOptions, environment: dict[str, str]) -> None:
    """Serve until Ctrl+C. ``environment`` is added to what each app process inherits."""
    from textual_serve.server import Server

    os.environ.update(environment)
    title = "mot-sim trainer console" if options.role == "trainer" else "mot-sim"
    pages = tempfile.TemporaryDirectory(prefix="mot-sim-page-")
    templates = local_templates(Path(pages.name))

    def run(command: str) -> None:
        extra = {"templates_path": templates} if templates is not None else {}
        Server(
            command,
            host=options.host,
            port=options.port,
            title=title,
            public_url=public_url(options),
            **extra,
        ).serve()

    with pages:
        if options.preload and can_preload():
            with preloaded(options) as path:
                run(launcher_command(path))
        else:
            run(child_command(options))
