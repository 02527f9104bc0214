"""The preloaded parent of ``mot-sim serve``'s tabs (``python -m mot_sim.web.zygote``):
started by the server, never by hand.

Every tab used to be a fresh Python process that imported Textual and the app, loaded
the scenarios and rules, the English lemmatiser's tables and compiled the scorer: the
same ~100 MiB of objects, built again in every tab. This process builds them once, calls
``gc.freeze()`` (so the collector never writes to them, which would copy their pages),
and then forks one app process per tab, as gunicorn's ``--preload`` does: a tab's
process shares every page it does not change with this one and with every other tab.

A tab's command is the small launcher (``mot_sim/web/launcher.py``, whose docstring has
the protocol). It connects to this process's Unix socket, in a directory only this user
can enter, and sends its stdin, stdout and stderr and its environment; this process
checks all of it, forks, and the child puts the three descriptors in place of its own,
takes that environment, and runs the app exactly as ``mot_sim.web.child`` does. When the
child ends, its exit status goes back to the launcher, which exits with it.

Forking is done from a plain ``selectors`` loop: one thread, no asyncio loop running.
Children are reaped on SIGCHLD. A child whose launcher goes away is sent SIGTERM. When
the server goes (its end of our stdin closes) or on SIGINT/SIGTERM, this process ends
its children and exits.
"""

from __future__ import annotations

import argparse
import gc
import os
import selectors
import signal
import socket
import stat
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import TYPE_CHECKING

from mot_sim.web.launcher import MAGIC

if TYPE_CHECKING:
    from mot_sim.catalog import Catalog
    from mot_sim.scoring import Scorer

HEADER = len(MAGIC) + 4
MAX_ENVIRONMENT = 1 << 20  # bytes; textual-serve's environment is a few KiB
REQUEST_TIMEOUT = 5.0  # seconds a launcher has to send its request
READY = b"ready\n"

Runner = Callable[[], int]


class BadRequest(Exception):
    """A connection that is not a launcher's well-formed request."""


# -- preloading ----------------------------------------------------------------------------
def _import_package(name: str) -> None:
    """Import a package and every module in it, so no tab imports them on its own."""
    import importlib
    import pkgutil

    package = importlib.import_module(name)
    for info in pkgutil.walk_packages(package.__path__, f"{name}."):
        importlib.import_module(info.name)


def _import_textual() -> None:
    """Textual as a tab uses it: the app, the web driver, and every widget (Textual
    imports a widget's module when it is first used, which would be in each tab)."""
    import importlib

    import textual.app
    import textual.widgets

    importlib.import_module("textual.drivers.web_driver")
    for name in getattr(textual.widgets, "__all__", ()):
        getattr(textual.widgets, name)


def warm(catalog: Catalog) -> Scorer:
    """The scorer with every scenario's rules compiled, and the lemmatiser's tables loaded
    (by scoring a reply in each scenario: the first reply of a tab costs nothing extra)."""
    from mot_sim.scoring import Scorer
    from mot_sim.stages import STAGE_IDS

    scorer = Scorer(catalog.library)
    for loaded in catalog.scenarios.values():
        scenario = loaded.scenario
        reply = (
            "您好，很抱歉让您久等了，我马上帮您处理。"
            if scenario.locale == "zh"
            else "Hello, I'm so sorrry about the wait; I kept looking and I'll be helpping you now."
        )
        for stage in STAGE_IDS:
            scorer.score(scenario, stage, reply, "Sam")
    return scorer


def preload(role: str, code: str | None) -> Runner:
    """Import and build everything a tab needs; the function that runs one tab's app."""
    import importlib

    from mot_sim.catalog import load_catalog

    _import_textual()
    _import_package("mot_sim.tui")
    for name in ("mot_sim.store.sqlite", "mot_sim.store.recorder", "mot_sim.classroom.service"):
        importlib.import_module(name)  # the score log, as a tab opens it
    catalog = load_catalog()
    if role == "trainer":
        from mot_sim.tui.console.factory import make_console

        def run_console() -> int:
            console = make_console(code=code, catalog=catalog)
            console.run()
            return console.return_code or 0

        return run_console

    from mot_sim.tui.factory import make_app

    scorer = warm(catalog)

    def run_app() -> int:
        app = make_app(gate=True, catalog=catalog, scorer=scorer)
        app.run()
        return app.return_code or 0

    return run_app


# -- the requests --------------------------------------------------------------------------
def _recv_exactly(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise BadRequest("the connection closed mid-request")
        data += chunk
    return data


def read_request(conn: socket.socket) -> tuple[list[int], dict[str, str]]:
    """A launcher's three descriptors and environment; BadRequest (descriptors closed)
    for anything else. Only this user's processes may ask."""
    cred = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12)
    if int.from_bytes(cred[4:8], sys.byteorder) != os.getuid():
        raise BadRequest("a process of another user")
    conn.settimeout(REQUEST_TIMEOUT)
    fds: list[int] = []
    try:
        head, fds, _flags, _addr = socket.recv_fds(conn, HEADER, 3)
        if not head:
            raise BadRequest("the connection closed before its request")
        head += _recv_exactly(conn, HEADER - len(head))
        if not head.startswith(MAGIC):
            raise BadRequest("not a launcher's request")
        if len(fds) != 3:
            raise BadRequest(f"{len(fds)} descriptors instead of 3")
        size = int.from_bytes(head[len(MAGIC) :], "big")
        if size > MAX_ENVIRONMENT:
            raise BadRequest(f"an environment of {size} bytes")
        environ: dict[str, str] = {}
        block = _recv_exactly(conn, size) if size else b""
        for entry in block.split(b"\0") if block else []:
            name, sep, value = entry.decode("utf-8", "surrogateescape").partition("=")
            if not sep or not name:
                raise BadRequest("an environment entry without a name")
            environ[name] = value
        for fd in fds:
            os.fstat(fd)  # a descriptor that is open (an OSError otherwise)
    except (BadRequest, OSError) as exc:
        for fd in fds:
            os.close(fd)
        raise exc if isinstance(exc, BadRequest) else BadRequest(str(exc)) from exc
    conn.settimeout(None)
    return fds, environ


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def _reply(conn: socket.socket, kind: bytes, value: int) -> None:
    with suppress(OSError):  # the launcher has gone; its child is ended when noticed
        conn.sendall(kind + value.to_bytes(4, "big"))


# -- the loop ------------------------------------------------------------------------------
class Zygote:
    """The accept/fork/reap loop of the preloaded parent."""

    def __init__(self, listener: socket.socket, lifeline: int, run: Runner) -> None:
        self.listener = listener
        self.lifeline = lifeline
        self.run = run
        self.children: dict[int, socket.socket] = {}  # app process -> its launcher
        self.stopping = False
        self.selector = selectors.DefaultSelector()
        self.wakeup_r, self.wakeup_w = os.pipe()
        os.set_blocking(self.wakeup_r, False)
        os.set_blocking(self.wakeup_w, False)

    def serve(self) -> None:
        signal.set_wakeup_fd(self.wakeup_w, warn_on_full_buffer=False)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._stop)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        self.selector.register(self.lifeline, selectors.EVENT_READ, "lifeline")
        self.selector.register(self.wakeup_r, selectors.EVENT_READ, "wakeup")
        try:
            while not self.stopping:
                for key, _ in self.selector.select(timeout=5):
                    self._handle(key)
                self._reap()
        finally:
            for pid in self.children:
                _kill(pid, signal.SIGTERM)
            self.listener.close()

    def _stop(self, *_: object) -> None:
        self.stopping = True

    def _handle(self, key: selectors.SelectorKey) -> None:
        if key.data == "accept":
            with suppress(OSError):
                conn, _ = self.listener.accept()
                self._start(conn)
        elif key.data == "lifeline":
            if not os.read(self.lifeline, 512):
                self.stopping = True  # the server has gone
        elif key.data == "wakeup":
            with suppress(OSError):
                while os.read(self.wakeup_r, 512):
                    pass
        else:  # a launcher said something or went away: either way, its app is done for
            pid = key.data
            launcher = self.children.get(pid)
            if launcher is not None:
                self.selector.unregister(launcher)
                _kill(pid, signal.SIGTERM)

    def _start(self, conn: socket.socket) -> None:
        try:
            fds, environ = read_request(conn)
        except BadRequest as exc:
            print(f"mot-sim serve: refused a tab's launch request: {exc}", file=sys.stderr)
            conn.close()
            return
        pid = self._fork(conn, fds, environ)
        for fd in fds:
            os.close(fd)
        self.children[pid] = conn
        self.selector.register(conn, selectors.EVENT_READ, pid)
        _reply(conn, b"P", pid)

    def _fork(self, conn: socket.socket, fds: list[int], environ: dict[str, str]) -> int:
        if threading.active_count() != 1:  # a fork copies only the calling thread
            raise RuntimeError("the preloaded parent must be single-threaded to fork")
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            return pid
        code = 1
        try:
            self._become_child(conn, fds, environ)
            code = self.run()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
        finally:
            _as_interpreter_exit()
            with suppress(OSError):
                sys.stdout.flush()
            with suppress(OSError):
                sys.stderr.flush()
            os._exit(code)

    def _become_child(self, conn: socket.socket, fds: list[int], environ: dict[str, str]) -> None:
        """In the forked child: nothing of the parent's loop, the launcher's stdio and
        environment, Python's own signal handling."""
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        self.selector.close()
        self.listener.close()
        for other in self.children.values():
            other.close()
        conn.close()
        for fd in (self.lifeline, self.wakeup_r, self.wakeup_w):
            os.close(fd)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.environ.clear()
        os.environ.update(environ)
        _reload_textual_constants()

    def _reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            conn = self.children.pop(pid, None)
            if conn is not None:
                with suppress(OSError, KeyError, ValueError):
                    self.selector.unregister(conn)
                _reply(conn, b"X", _exit_code(status))
                conn.close()


def _as_interpreter_exit() -> None:
    """What a whole process does when its main module returns, before ``os._exit``:
    wait for the threads that are not daemons (a write still in progress), then run the
    ``atexit`` functions."""
    import atexit

    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            with suppress(RuntimeError):
                thread.join()
    with suppress(Exception):
        atexit._run_exitfuncs()


def _reload_textual_constants() -> None:
    """Textual reads TEXTUAL_DRIVER, TEXTUAL_FPS, ... when ``textual.constants`` is first
    imported, here in the parent; read them again from the tab's environment."""
    import importlib

    import textual.constants

    importlib.reload(textual.constants)


def _kill(pid: int, sig: int) -> None:
    with suppress(OSError):
        os.kill(pid, sig)


# -- the process ---------------------------------------------------------------------------
def private_listener(path: str) -> socket.socket:
    """A Unix socket at ``path``, in a directory of this user's that nobody else can
    enter (refused otherwise), readable and writable by this user only."""
    directory = os.path.dirname(path)
    info = os.lstat(directory)
    if (
        not stat.S_ISDIR(info.st_mode)
        or info.st_uid != os.getuid()
        or stat.S_IMODE(info.st_mode) & 0o077
    ):
        raise SystemExit(f"mot-sim serve: {directory} must be a directory of mode 0700")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen(64)
    return listener


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mot_sim.web.zygote")
    parser.add_argument("role", choices=["trainee", "trainer"])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--code", default=None)
    args = parser.parse_args(argv)
    # Our stdin is the server's lifeline (it closes when the server goes); stdout tells
    # the server when we are ready. Neither is for the children: they get /dev/null.
    lifeline = os.dup(0)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    try:
        run = preload(args.role, args.code)
    except KeyboardInterrupt:
        return 130
    listener = private_listener(args.socket)
    gc.collect()
    gc.freeze()  # everything built so far stays out of the collector: its pages stay shared
    os.write(1, READY)
    os.dup2(null, 1)
    os.close(null)
    Zygote(listener, lifeline, run).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
