"""``mot-sim serve``: textual-serve in front of the trainee app or the trainer console.

textual-serve starts one app process per websocket (browser tab) by running a shell
command; the process inherits this one's environment, which is how the score log, the
scenario directories and the interface language reach it (``MOT_SIM_*``).
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from typing import Literal

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


def child_command(options: ServeOptions) -> str:
    """The shell command textual-serve runs for each tab: this Python, this package."""
    argv = [sys.executable, "-m", "mot_sim.web.child", options.role]
    if options.code:
        argv += ["--code", options.code]
    return shlex.join(argv)


def public_url(options: ServeOptions) -> str:
    """Where the page tells the browser to open its websocket."""
    if options.public_url:
        return options.public_url.rstrip("/")
    host = f"[{options.host}]" if ":" in options.host else options.host
    return f"http://{host}:{options.port}"


def serve(options: ServeOptions, environment: dict[str, str]) -> None:
    """Serve until Ctrl+C. ``environment`` is added to what each app process inherits."""
    from textual_serve.server import Server

    os.environ.update(environment)
    title = "mot-sim trainer console" if options.role == "trainer" else "mot-sim"
    server = Server(
        child_command(options),
        host=options.host,
        port=options.port,
        title=title,
        public_url=public_url(options),
    )
    server.serve()
