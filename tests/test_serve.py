"""``mot-sim serve`` as a classroom runs it: a real server on a free local port, a real
websocket client speaking textual-serve's protocol, and the score log as the proof."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from mot_sim.scoring import Scorer
from mot_sim.web.server import ServeOptions, child_command, public_url
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
def server() -> Iterator[str]:
    """A running ``mot-sim serve`` on 127.0.0.1 (the default host); its base URL."""
    port = free_port()
    proc = start_server(port, env=python_env())
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_server(proc)


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
        (entry,) = room.roster(session.code)
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
