"""Pilot tests of the trainer's class console, with trainees simulated through the engine
and the store (as their own processes would record them), and of joining a class from
the TUI's home screen."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.content import Content
from textual.css.query import NoMatches
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, OptionList

from mot_sim.scoring import Scorer
from mot_sim.tui.app import JoinRequest
from mot_sim.tui.console import tables
from mot_sim.tui.console.app import ConsoleApp
from mot_sim.tui.console.factory import make_console
from mot_sim.tui.console.screens.code import CodeScreen
from mot_sim.tui.console.screens.debrief import DebriefScreen
from mot_sim.tui.console.screens.leaderboard import LeaderboardScreen
from mot_sim.tui.console.screens.override import OverrideScreen
from mot_sim.tui.console.screens.roster import RosterScreen
from mot_sim.tui.console.screens.summary import SummaryScreen
from mot_sim.tui.screens.classroom import ClassScreen
from mot_sim.tui.screens.encounter import EncounterScreen
from mot_sim.tui.screens.home import HomeScreen
from mot_sim.tui.screens.join import JoinScreen
from tests.class_helpers import Trainee, classroom, start_class
from tests.tui_helpers import make_test_app, reply, settle, shared_catalog

MARKUP_NAME = "[bold]Eve[/] [@click=app.quit]x[/]"


def console(code: str | None) -> ConsoleApp:
    return make_console(
        code=code, catalog=shared_catalog(), trainer="Pat", cursor_blink=False, poll_seconds=0.05
    )


async def until(pilot: Pilot[None], check: Callable[[], bool], timeout: float = 30) -> None:
    """Let the console's poller and workers run until ``check`` holds. The timeout only
    keeps a broken test from hanging: how fast the roster follows is the bench's to
    measure (bench/bench_classroom.py), not a test's on a shared machine."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def roster_rows(app: App[None]) -> list[list[str]]:
    """The roster's rows, or none while the pushed screen is still composing."""
    try:
        table = app.screen_stack[1].query_one("#roster", DataTable)
    except NoMatches:
        return []
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_roster_follows_the_room(scorer: Scorer) -> None:
    session = start_class()
    sam = Trainee(scorer, session, "Sam")
    app = console(session.code)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and bool(roster_rows(app)))
        assert roster_rows(app)[0][0] == "Sam" and roster_rows(app)[0][-1] == "joined"
        eve = Trainee(scorer, session, MARKUP_NAME)
        await until(pilot, lambda: len(roster_rows(app)) == 2)
        sam.answer()
        await until(pilot, lambda: roster_rows(app)[0][4] == "1")
        row = roster_rows(app)[0]
        assert row[-1] == "playing" and row[2] != "—" and row[3] != "—" and row[5] != "—"
        assert roster_rows(app)[1][0] == MARKUP_NAME  # shown literally, never as markup
        eve.play(texts=["Calm down, it's only a pickle.", "I can sell you a side for 25 cents."])
        await until(pilot, lambda: "walked out" in roster_rows(app)[1][-1])
        assert app.is_running


async def test_a_name_cut_to_its_column_ends_in_an_ellipsis() -> None:
    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = One()
    long_name = "Alexandra Montgomery-Smythe of the Eastern Region Branch"
    async with app.run_test() as pilot:
        table = app.query_one(DataTable)
        tables.fill(table, ["Trainee", "Best"], [[Content(long_name), Content("71")]])
        await pilot.pause()
        shown = str(table.get_row_at(0)[0])
        assert shown.endswith("…") and len(shown) == tables.MAX_WIDTH
        assert long_name.startswith(shown[:-1])
        assert str(table.get_row_at(0)[1]) == "71"  # short cells as they are


async def test_leaderboard_on_demand_by_name_or_anonymous(scorer: Scorer) -> None:
    session = start_class()
    Trainee(scorer, session, "Sam").play()
    Trainee(scorer, session, "Kim").play(2)
    app = console(session.code)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and bool(roster_rows(app)))
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LeaderboardScreen))
        board = app.screen.query_one(DataTable)
        names = [str(board.get_row_at(i)[1]) for i in range(board.row_count)]
        assert names[0] == "Sam" and "Kim" in names
        await pilot.press("a")
        await until(pilot, lambda: "Sam" not in str(board.get_row_at(0)[1]))
        assert all(str(board.get_row_at(i)[1]) != "Sam" for i in range(board.row_count))
        await pilot.press("escape")
        assert isinstance(app.screen, RosterScreen)


async def test_debrief_reveal_star_hide_and_override(scorer: Scorer) -> None:
    session = start_class()
    Trainee(scorer, session, "Sam").play(1)
    Trainee(scorer, session, "Kim").play(1, texts=["Calm down, it's only a pickle."])
    app = console(session.code)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and bool(roster_rows(app)))
        await pilot.press("d")
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        options = screen.query_one("#debrief-replies", OptionList)
        await until(pilot, lambda: screen.debrief is not None)
        assert not screen.debrief.revealed and options.option_count == 0  # hidden at first
        await pilot.press("r")
        await until(pilot, lambda: options.option_count == 2)
        assert "Sam" not in str(options.get_option_at_index(0).prompt)  # anonymised
        await pilot.press("s")  # star the first
        await until(pilot, lambda: any(r.starred for r in screen.debrief.replies))
        side = str(screen.query_one("#debrief-model").render())
        assert "The room's best" in side and "Model answer" in side
        await pilot.press("down", "h")  # hide the second
        await until(pilot, lambda: any(r.hidden for r in screen.debrief.replies))
        target = screen.debrief.replies[0]
        await pilot.press("up", "o")
        assert isinstance(app.screen, OverrideScreen)
        await pilot.press(*"150", "enter", *"x", "enter")  # out of range: refused
        assert isinstance(app.screen, OverrideScreen)
        score = app.screen.query_one("#score", Input)
        score.value = "90"
        await pilot.press("enter")  # to the reason
        app.screen.query_one("#reason", Input).value = "Warm, [b]and[/b] named the fix"
        await pilot.press("enter")
        await until(pilot, lambda: any(r.overridden for r in screen.debrief.replies))
    with classroom() as room:
        (audit,) = room.overrides(target.session_id)
        assert (audit.new_score, audit.machine_score, audit.by) == (90, target.machine_score, "Pat")
        assert audit.reason == "Warm, [b]and[/b] named the fix"
        debrief = room.debrief(session.code, "set_tone")
        assert debrief.revealed
        assert [r.starred for r in debrief.replies].count(True) == 1
        assert [r.hidden for r in debrief.replies].count(True) == 1


async def test_a_class_of_two_scenarios_names_each_reply_and_row(scorer: Scorer) -> None:
    session = start_class(("pickle_request", "birthday_cake"))
    Trainee(scorer, session, "Sam").play(1)
    Trainee(scorer, session, "Kim", "birthday_cake").play(1)
    titles = {s: shared_catalog().get(s).scenario.title for s in session.scenarios}
    app = console(session.code)
    async with app.run_test(size=(140, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and bool(roster_rows(app)))
        await pilot.press("d", "r")
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        options = screen.query_one("#debrief-replies", OptionList)
        await until(pilot, lambda: options.option_count == 2)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(2)]
        # Grouped in the class's order, each reply naming the customer it answered.
        assert titles["pickle_request"] in shown[0] and titles["birthday_cake"] in shown[1]
        await pilot.press("escape", "ctrl+e")
        await pilot.click("#end-go")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        table = app.screen.query_one("#summary-stages", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert [r[0] for r in rows] == ["All"] * 5 + [titles["pickle_request"][:40]] * 5 + [
            titles["birthday_cake"][:40]
        ] * 5
        assert rows[0][2] == "2" and rows[5][2] == "1" and rows[10][2] == "1"


async def test_end_of_session_shows_the_class_summary(scorer: Scorer) -> None:
    session = start_class()
    Trainee(scorer, session, "Sam").play()
    with classroom() as room:
        (entry,) = room.roster(session.code)
        assert entry.session_id is not None
        room.override(entry.session_id, "set_tone", 77, "[b]fair[/b] tone", "Pat")
    app = console(session.code)
    async with app.run_test(size=(120, 36)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and bool(roster_rows(app)))
        await pilot.press("ctrl+e")
        await pilot.click("#end-go")
        await until(pilot, lambda: isinstance(app.screen, SummaryScreen))
        table = app.screen.query_one("#summary-trainees", DataTable)
        assert str(table.get_row_at(0)[0]) == "Sam"
        assert "Session ended" in str(app.screen.query_one("#summary-head").render())
        shown = str(app.screen.query_one("#summary-overrides").render())
        assert "→ 77 by Pat" in shown and "[b]fair[/b] tone" in shown  # literally
    with classroom() as room:
        assert not room.get(session.code).open


async def test_console_asks_for_a_code_and_refuses_a_wrong_one(scorer: Scorer) -> None:
    session = start_class()
    app = console(None)
    async with app.run_test(size=(100, 24)) as pilot:
        await until(pilot, lambda: app.service.ready)
        assert isinstance(app.screen, CodeScreen)
        await pilot.press(*"WWWWWW", "enter")
        await until(pilot, lambda: "✗" in str(app.screen.query_one("#code-error").render()))
        app.screen.query_one("#code", Input).value = session.code.lower()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, RosterScreen))


# -- joining from the TUI's home screen -------------------------------------------------
async def test_join_a_class_from_home_and_play_into_it() -> None:
    session = start_class(password="tulip")
    app = make_test_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f3")
        assert isinstance(app.screen, JoinScreen)
        await pilot.press(*session.code.lower(), "enter", *"wrong", "enter", *"Ana", "enter")
        await settle(pilot)
        assert isinstance(app.screen, JoinScreen)  # wrong password: refused, says so
        error = str(app.screen.query_one("#join-error", Label).render())
        assert "✗" in error and "pickle" not in error.lower()
        app.screen.query_one("#join-password", Input).value = "tulip"
        await pilot.click("#join-go")
        await settle(pilot)
        assert isinstance(app.screen, ClassScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EncounterScreen)
        enc = app.screen.encounter
        await reply(pilot, enc.model_answers("set_tone")[0])
    with classroom() as room:
        (entry,) = room.roster(session.code)
        assert (entry.trainee, entry.replies, entry.status) == ("Ana", 1, "playing")


async def test_join_from_the_command_line_opens_the_trainer_in_the_class() -> None:
    """``mot-sim join CODE --trainee NAME``: the trainer opens on the class's page, with
    the form filled in and sent for the trainee, and plays into the class."""
    session = start_class(password="tulip")
    app = make_test_app(join=JoinRequest(session.code.lower(), "Bea", "tulip"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ClassScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EncounterScreen)
        await reply(pilot, app.screen.encounter.model_answers("set_tone")[0])
    with classroom() as room:
        (entry,) = room.roster(session.code)
        assert (entry.trainee, entry.replies, entry.status) == ("Bea", 1, "playing")


async def test_a_wrong_code_shows_nothing_of_any_class(scorer: Scorer) -> None:
    other = start_class(["complaint_call"])
    Trainee(scorer, other, "Zed").play(1)
    app = make_test_app(gate=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, JoinScreen)
        await pilot.press(*"WWWWWW", "enter", "enter", *"Ana", "enter")
        await settle(pilot)
        assert isinstance(app.screen, JoinScreen)
        shown = str(app.screen.query_one("#join-error", Label).render())
        assert "✗" in shown
        assert "Zed" not in shown and "complaint" not in shown.lower()
        await pilot.press("f2")  # no history in a browser tab
        assert isinstance(app.screen, JoinScreen)
        # Nowhere to go back to: Esc is not offered in the footer, and does nothing.
        from mot_sim.tui.widgets.key_bar import KeyBar

        await pilot.pause()
        shown = {k.action for k in app.screen.query_one(KeyBar).keys}
        assert "app.help" in shown and "back" not in shown
        await pilot.press("escape")
        assert isinstance(app.screen, JoinScreen)


# -- keys that arrive together (a busy server, a browser tab) ---------------------------
def burst(app: App[None], keys: list[str]) -> None:
    """Keys as textual-serve delivers a batch that arrived together: the web driver posts
    them all to the app before it has handled any (Pilot's press waits after each)."""
    for key in keys:
        app.post_message(events.Key(key, {"enter": "\r", "tab": "\t"}.get(key, key)))


def join_fields(app: App[None]) -> tuple[str, str, str]:
    screen = app.screen
    assert isinstance(screen, JoinScreen), type(screen)
    return tuple(  # type: ignore[return-value]
        screen.query_one(f"#join-{f}", Input).value for f in ("code", "password", "name")
    )


@pytest.mark.parametrize("key", ["enter", "tab"])
async def test_keys_typed_past_an_enter_land_in_the_next_field(key: str) -> None:
    app = make_test_app(gate=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        burst(app, [*"K7QX4M", key, *"tulip", key, *"Ana"])
        await settle(pilot)
        assert join_fields(app) == ("K7QX4M", "tulip", "Ana")
        assert app.focused is app.screen.query_one("#join-name", Input)


async def test_keys_sent_before_the_join_page_is_up_are_not_lost() -> None:
    app = make_test_app(gate=True)
    # A tab's keys reach the app process as soon as it starts, before its first screen.
    burst(app, [*"K7QX4M", "enter", "enter", *"Ana"])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert join_fields(app) == ("K7QX4M", "", "Ana")


async def test_a_join_typed_while_the_scenarios_load_goes_ahead_as_typed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    session = start_class()
    app = make_test_app(gate=True)
    loaded = threading.Event()
    load = app.service.load
    monkeypatch.setattr(app.service, "load", lambda: (loaded.wait(10), load())[1])
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not app.service.ready
        burst(app, [*session.code, "enter", "enter", *"Ana", "enter"])
        await pilot.pause()
        await pilot.pause()
        assert join_fields(app) == (session.code, "", "Ana")
        assert "Loading" in str(app.screen.query_one("#join-error", Label).render())
        loaded.set()
        await settle(pilot)
        await until(pilot, lambda: isinstance(app.screen, ClassScreen))
    with classroom() as room:
        assert [e.trainee for e in room.roster(session.code)] == ["Ana"]


async def test_assignments_and_broken_files_are_shown_above_the_name(tmp_path: Path) -> None:
    from mot_sim.settings import Settings
    from mot_sim.store.records import Trainee as Person

    (tmp_path / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    with classroom() as room:
        room.store.upsert_trainee(Person("Ann", cohort="Spring A"))
        room.assign("Spring A", "pickle_request", "2030-01-01")
    Settings("Ann", "practice").save()
    app = make_test_app(scenario_dirs=[str(tmp_path)])
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        order = [w.id for w in home.query_one("#home").children]
        assert order[:4] == ["intro", "problems", "assignments", "name-row"]
        assignments = home.query_one("#assignments", Label)
        assert "Your assignments" in str(assignments.render()) and assignments.display
        assert home.query_one("#problems", Label).display
        # Someone else's name: no assignments of theirs to show.
        name = home.query_one("#trainee", Input)
        name.value = "Bo"
        name.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not assignments.display


@pytest.mark.parametrize("status", ["not_started", "in_progress", "overdue", "done"])
def test_assignment_statuses_have_a_word_and_a_mark(status: str) -> None:
    from mot_sim.tui.screens.home import STATUS_MARK, STATUS_STYLE

    assert STATUS_STYLE[status][0] and STATUS_MARK[status]


async def test_a_code_typed_before_the_console_is_up_is_not_lost(scorer: Scorer) -> None:
    session = start_class()
    Trainee(scorer, session, "Sam")
    app = console(None)
    burst(app, [*session.code.lower(), "enter"])  # read as soon as the process starts
    async with app.run_test(size=(120, 30)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, RosterScreen) and bool(roster_rows(app)))
        assert roster_rows(app)[0][0] == "Sam"


def test_guessing_codes_or_passwords_is_slowed_down_by_each_refusal() -> None:
    """A tab that keeps guessing waits 1, 2, 4... seconds (at most 30) per refusal before
    it hears the answer; a successful join starts the count again."""
    from mot_sim.classroom.service import ClassError
    from mot_sim.settings import Settings
    from mot_sim.tui.service import JOIN_BACKOFF_MAX, TrainerService

    session = start_class(password="tulip")
    service = TrainerService(Settings(), catalog=shared_catalog())
    service.load()
    waited: list[float] = []
    service.sleep = waited.append
    for guess in ("QQQQQQ", "WWWWWW", session.code):
        with pytest.raises(ClassError):
            service.join_class(guess, "Eve", "wrong")
    assert waited == [1.0, 2.0, 4.0]
    for _ in range(5):
        with pytest.raises(ClassError):
            service.join_class("QQQQQQ", "Eve", None)
    assert waited[-1] == JOIN_BACKOFF_MAX == 30.0
    assert service.join_class(session.code, "Eve", "tulip").code == session.code
    waited.clear()
    with pytest.raises(ClassError):
        service.join_class(session.code, "Eve", "nope")
    assert waited == [1.0]
    service.close()


def test_overrides_are_never_signed_with_the_last_trainees_name() -> None:
    """On a shared machine the trainer app remembers the last trainee's name; a console
    opened without --by must not put that name on the trainer's overrides."""
    from mot_sim.settings import Settings

    Settings(trainee="Cara Live").save()
    assert Settings.load().trainee == "Cara Live"
    app = make_console(code=None, catalog=shared_catalog(), cursor_blink=False)
    assert app.service.trainer not in ("", "Cara Live")
    assert make_console(code=None, catalog=shared_catalog(), trainer="Tess").service.trainer == (
        "Tess"
    )
