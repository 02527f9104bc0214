"""``mot-sim serve`` as a classroom runs it: a real server on a free local port, a real
websocket client speaking textual-serve's protocol, and the score log as the proof."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from mot_sim.scoring import Scorer
from mot_sim.web.launcher import GONE
from mot_sim.web.server import (
    ServeOptions,
    child_command,
    launcher_command,
    preloaded,
    public_url,
)
from tests.class_helpers import Trainee, classroom, start_class
from tests.serve_client import (
    ENTER,
    Tab,
    free_port,
    python_env,
    replies_column,
    start_server,
    stop_server,
)


@pytest.fixture
def served() -> Iterator[tuple[str, int]]:
    """A running ``mot-sim serve`` on 127.0.0.1 (the default host, tabs forked from a
    preloaded parent: the default too); its base URL and pid."""
    port = free_port()
    proc = start_server(port, env=python_env())
    try:
        yield f"http://127.0.0.1:{port}", proc.pid
    finally:
        stop_server(proc)


@pytest.fixture
def server(served: tuple[str, int]) -> str:
    return served[0]


T = TypeVar("T")


def recorded_by(read: Callable[[], T], done: Callable[[T], bool], timeout: float = 10) -> T:
    """What ``read`` returns once ``done`` (or at ``timeout``): a tab shows a reply's score
    before its worker has written the turn to the score log, a moment later."""
    deadline = time.monotonic() + timeout
    while not done(found := read()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return found


def processes() -> dict[int, tuple[int, list[str]]]:
    """Every process's parent pid and command line (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except (OSError, ValueError):
            continue
        found[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline.split("\0"))
    return found


async def join(tab: Tab, code: str, name: str, password: str = "") -> None:
    """Fill in the join page as a trainee would, a field at a time."""
    await tab.wait_for("Type your name")
    for value in (code, password, name):
        if value:
            await tab.send(value)
            await tab.wait_for(value if value != password else "•")
        await tab.send(ENTER)  # the next key goes to the next field, however soon


def test_a_browser_tab_joins_a_class_answers_and_the_turn_is_recorded(server: str) -> None:
    session = start_class(["pickle_request"])

    async def trainee() -> str:
        tab = Tab(server)
        await tab.open()
        try:
            await join(tab, session.code, "Robin")
            await tab.wait_for(f"You are in class {session.code}")
            await tab.send(ENTER)  # the class's (only) encounter
            await tab.wait_for("Mrs Ellis")
            await tab.send("Hello Mrs Ellis, I'm Robin. I'm sorry about the pickle; let me help.")
            await tab.wait_for("let me help")
            await tab.send(ENTER)
            return await tab.wait_for("Score")  # practice mode: the feedback panel
        finally:
            await tab.close()

    asyncio.run(trainee())
    with classroom() as room:
        (entry,) = recorded_by(lambda: room.roster(session.code), lambda r: r[0].replies == 1)
        assert (entry.trainee, entry.replies, entry.status) == ("Robin", 1, "playing")
        (recorded,) = room.store.sessions(class_code=session.code)
        turns = room.store.session(recorded.id).turns
        assert [t.stage for t in turns] == ["set_tone"]
        assert "sorry about the pickle" in turns[0].reply


def test_a_join_typed_at_once_as_the_tab_opens_lands_field_by_field(server: str) -> None:
    """A trainee who types ahead of a busy server: the whole join in one frame, sent before
    the page is up. Each key must land in the field that had focus when it was typed."""
    session = start_class(["pickle_request"])

    async def trainee() -> str:
        tab = Tab(server)
        await tab.open()
        try:
            await tab.send(f"{session.code}{ENTER}{ENTER}Robin{ENTER}")
            return await tab.wait_for(f"You are in class {session.code}", timeout=60)
        finally:
            await tab.close()

    asyncio.run(trainee())
    with classroom() as room:
        assert [e.trainee for e in room.roster(session.code)] == ["Robin"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_two_tabs_are_two_processes_forked_from_one_preloaded_parent(
    served: tuple[str, int],
) -> None:
    url, server_pid = served
    session = start_class(["pickle_request"])

    async def two_trainees() -> dict[int, tuple[int, list[str]]]:
        robin, sam = Tab(url), Tab(url)
        await robin.open()
        await sam.open()
        try:
            await robin.wait_for("Type your name")
            await sam.wait_for("Type your name")
            seen = processes()
            await join(robin, session.code, "Robin")
            await join(sam, session.code, "Sam")
            await robin.wait_for(f"You are in class {session.code}")
            await sam.wait_for(f"You are in class {session.code}")
            await robin.send(ENTER)
            await robin.wait_for("Mrs Ellis")
            await robin.send("Hello Mrs Ellis, I'm sorry about the pickle; let me help.")
            await robin.wait_for("let me help")
            await robin.send(ENTER)
            await robin.wait_for("Score")
            return seen
        finally:
            await robin.close()
            await sam.close()

    seen = asyncio.run(two_trainees())
    below = {pid for pid, (ppid, _) in seen.items() if ppid == server_pid}
    (parent,) = [pid for pid in below if "mot_sim.web.zygote" in seen[pid][1]]
    tabs = [pid for pid, (ppid, _) in seen.items() if ppid == parent]
    assert len(tabs) == 2 and parent not in tabs  # one process each, both forked from it
    launchers = [pid for pid in below if any(a.endswith("launcher.py") for a in seen[pid][1])]
    assert len(launchers) == 2  # each tab's command: the small launcher, not a shell
    with classroom() as room:
        roster = recorded_by(
            lambda: {e.trainee: e.replies for e in room.roster(session.code)},
            lambda r: r.get("Robin") == 1,
        )
        assert roster == {"Robin": 1, "Sam": 0}


def run_launcher(path: str, **popen: object) -> subprocess.Popen[bytes]:
    """A tab's command as textual-serve runs it (the shell left out)."""
    argv = launcher_command(path).removeprefix("exec ")
    return subprocess.Popen(["/bin/sh", "-c", f"exec {argv}"], stderr=subprocess.PIPE, **popen)  # type: ignore[call-overload]


def test_a_launcher_without_its_preloaded_parent_fails_clearly(tmp_path: Path) -> None:
    proc = run_launcher(str(tmp_path / "tabs.sock"), stdout=subprocess.DEVNULL)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == GONE
    assert b"mot-sim serve: the preloaded app process is not running" in err

    # A parent that accepts the tab and goes away before starting it.
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(tmp_path / "closing.sock"))
    listener.listen(1)

    def close_at_once() -> None:
        conn, _ = listener.accept()
        conn.close()

    threading.Thread(target=close_at_once, daemon=True).start()
    proc = run_launcher(str(tmp_path / "closing.sock"), stdout=subprocess.DEVNULL)
    _, err = proc.communicate(timeout=30)
    listener.close()
    assert proc.returncode == GONE
    # Gone while the request was being sent, or just after: said either way.
    assert b"mot-sim serve: the preloaded app process " in err
    assert b"closed this tab before starting it" in err or b"refused this tab" in err


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork and SO_PEERCRED")
def test_the_preloaded_parent_refuses_a_bad_request_and_its_death_ends_the_launchers() -> None:
    with preloaded(ServeOptions()) as path:
        # Not a launcher's request (no descriptors, no header): refused, nothing started.
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stranger:
            stranger.connect(path)
            stranger.sendall(b"GET / HTTP/1.0\r\n\r\n" * 4)
            stranger.settimeout(10)
            try:
                answer = stranger.recv(16)
            except ConnectionResetError:  # closed with our request unread: refused too
                answer = b""
            assert answer == b""
        # A real tab still starts: the app's web driver greets textual-serve on stdout.
        env = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}
        tab = run_launcher(path, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert tab.stdout is not None
        assert tab.stdout.readline() == b"__GANGLION__\n"
        parent = [
            pid
            for pid, (ppid, cmd) in processes().items()
            if ppid == os.getpid() and "mot_sim.web.zygote" in cmd
        ]
        (parent_pid,) = parent
        os.kill(parent_pid, signal.SIGKILL)  # the preloaded parent dies mid-session
        # The launcher ends at once; the app, orphaned, still holds the tab's pipes.
        assert tab.wait(30) == GONE
        assert tab.stderr is not None
        err = os.read(tab.stderr.fileno(), 4096)
        assert b"the preloaded app process ended before this tab's app" in err
        orphan = int(err.rsplit(b"(pid ", 1)[1].split(b")")[0])
        os.kill(orphan, signal.SIGKILL)
        for stream in (tab.stdin, tab.stdout, tab.stderr):
            if stream is not None:
                stream.close()
        deadline = time.monotonic() + 10
        while os.path.exists(f"/proc/{orphan}") and time.monotonic() < deadline:
            time.sleep(0.05)


def test_the_gate_a_wrong_code_is_refused_and_shows_no_class(server: str, scorer: Scorer) -> None:
    other = start_class(["complaint_call"], password="tulip")
    Trainee(scorer, other, "Zed", password="tulip").play(1)

    async def stranger() -> tuple[str, str]:
        tab = Tab(server)
        await tab.open()
        try:
            await join(tab, "WWWWWW", "Mallory")
            wrong_code = await tab.wait_for("✗")
            await tab.send("\x1b[A" * 2)  # back to the code
            await tab.wait_for("✗")
        finally:
            await tab.close()
        tab = Tab(server)
        await tab.open()
        try:
            await join(tab, other.code, "Mallory", password="guess")
            wrong_password = await tab.wait_for("✗")
        finally:
            await tab.close()
        return wrong_code, wrong_password

    wrong_code, wrong_password = asyncio.run(stranger())
    for shown in (wrong_code, wrong_password):
        assert "Join a class" in shown
        assert "Zed" not in shown and "Ms Li" not in shown and "You are in class" not in shown
    with classroom() as room:
        assert [e.trainee for e in room.roster(other.code)] == ["Zed"]


@pytest.mark.parametrize("given", [True, False], ids=["code-given", "code-typed"])
def test_the_trainer_console_in_a_browser_sees_a_trainees_turn(given: bool, scorer: Scorer) -> None:
    """``mot-sim serve --trainer`` (with ``--code``, or the code typed on its first page):
    a real server and websocket client; a trainee's scored turn reaches its roster."""
    session = start_class(["pickle_request"])
    port = free_port()
    args = ["--trainer", *(["--code", session.code] if given else [])]
    proc = start_server(port, args, env=python_env())

    async def trainer() -> tuple[str, str]:
        tab = Tab(f"http://127.0.0.1:{port}", width=120, height=40)
        await tab.open()
        try:
            if not given:
                await tab.wait_for("The join code of the class to watch", timeout=60)
                await tab.send(session.code.lower() + ENTER)
            await tab.wait_for("Join code", timeout=60)
            joined = await tab.wait_until(lambda t: replies_column(t, "Sam") == "0", 30)
            sam.play(1)  # one scored turn, recorded as the trainee's own process would
            played = await tab.wait_until(lambda t: replies_column(t, "Sam") == "1", 30)
            return joined, played
        finally:
            await tab.close()

    sam = Trainee(scorer, session, "Sam")  # in the class, no reply yet
    try:
        joined, played = asyncio.run(trainer())
    finally:
        stop_server(proc)
    assert session.code in joined.replace(" ", "")
    assert "joined" in joined and "playing" in played


def test_the_server_binds_to_this_machine_unless_told() -> None:
    options = ServeOptions()
    assert options.host == "127.0.0.1"
    assert public_url(options) == "http://127.0.0.1:8000"
    behind = ServeOptions(host="127.0.0.1", public_url="https://train.example.org/")
    assert public_url(behind) == "https://train.example.org"
    assert child_command(ServeOptions(role="trainer", code="K7Q X4M")).endswith(
        "mot_sim.web.child trainer --code 'K7Q X4M'"
    )
    assert " -I -S " in launcher_command("/private/tabs.sock")


def test_a_port_in_use_or_a_code_without_trainer_is_refused_clearly(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as held:
        port = held.getsockname()[1]
        done = subprocess.run(
            ["mot-sim", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "MOT_SIM_DB": str(tmp_path / "log.db")},
        )
    assert done.returncode == 2, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr
    assert "Traceback" not in done.stderr
    done = subprocess.run(
        ["mot-sim", "serve", "--code", "K7QX4M"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "--code is for the console" in done.stderr


def test_the_page_asks_no_outside_server_for_anything(server: str) -> None:
    """An offline room, or a private one: the page's font comes from this server, and
    nothing in the page points at another host."""
    import re
    import urllib.request

    with urllib.request.urlopen(server + "/", timeout=30) as response:
        page = response.read().decode("utf-8")
    assert "googleapis" not in page
    assert "fonts/RobotoMono-VariableFont_wght.ttf" in page
    outside = [u for u in re.findall(r'(?:href|src)="(https?://[^"]+)"', page)]
    assert all(u.startswith(server) for u in outside), outside
    font = re.search(r'url\("([^"]+RobotoMono-VariableFont_wght\.ttf)"\)', page)
    assert font is not None
    with urllib.request.urlopen(font.group(1), timeout=30) as response:
        assert response.status == 200 and len(response.read()) > 10_000
