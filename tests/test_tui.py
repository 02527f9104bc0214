"""Pilot tests: whole encounters played through the UI, as a trainee would."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static

from mot_sim.catalog import Catalog
from mot_sim.settings import Settings
from mot_sim.stages import STAGE_IDS
from mot_sim.tui.factory import make_app
from mot_sim.tui.screens.confirm import LeaveScreen
from mot_sim.tui.screens.encounter import EncounterScreen
from mot_sim.tui.screens.help import HelpScreen
from mot_sim.tui.screens.history import HistoryScreen
from mot_sim.tui.screens.home import HomeScreen
from mot_sim.tui.screens.result import ResultScreen
from mot_sim.tui.screens.resume import ResumeScreen
from mot_sim.tui.widgets.conversation import Line
from mot_sim.tui.widgets.reply_box import ReplyBox
from tests.conftest import DATA as DATA_DIR
from tests.tui_helpers import encounter_of, reply, settle

SCENARIOS = ["pickle_request", "lamborghini_repair", "complaint_call"]


def text_of(static: Static) -> str:
    return str(static.visual.plain if hasattr(static.visual, "plain") else static.render())


@pytest.mark.parametrize("mode", ["practice", "exam"])
@pytest.mark.parametrize("sid", SCENARIOS)
async def test_play_whole_encounter(catalog: Catalog, sid: str, mode: str) -> None:
    app = make_app(scenario=sid, trainee="Sam", mode=mode, cursor_blink=False)  # type: ignore[arg-type]
    scenario = catalog.get(sid).scenario
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = encounter_of(app)
        for i, stage in enumerate(STAGE_IDS):
            assert screen.encounter.stage_id == stage
            await reply(
                pilot, scenario.stage(stage).model_answers[0].replace("{{ trainee }}", "Sam")
            )
            if i == 0:
                panel = text_of(screen.query_one("#feedback-body", Static))
                if mode == "practice":
                    assert "Score" in panel and "Earned" in panel
                else:
                    assert "Score" not in panel and "Exam mode" in panel
        assert isinstance(app.screen, ResultScreen)
        headline = text_of(app.screen.query_one("#headline", Static))
        assert "PASS" in headline
        turns = app.screen.query(".turn")
        assert len(turns) == 5
        assert "Model answer" in text_of(turns.first().query_one(".turn-model", Static))


async def test_walk_out_goes_to_result(catalog: Catalog) -> None:
    app = make_app(scenario="pickle_request", trainee="Sam", cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await reply(pilot, "Calm down, it's only a pickle.")
        await reply(pilot, "I can sell you a side of pickles for 25 cents.")
        assert isinstance(app.screen, ResultScreen)
        assert "Mrs Ellis walked out" in text_of(app.screen.query_one("#walkout", Static))
        assert "FAIL" in text_of(app.screen.query_one("#headline", Static))


async def test_home_remembers_name_and_mode_and_starts() -> None:
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")  # nothing chosen without a name: refused with a hint
        assert isinstance(app.screen, HomeScreen)
        await pilot.click("#trainee")
        await pilot.press(*"Kim", "enter")
        options = app.screen.query_one(OptionList)
        assert options.has_focus
        second = options.get_option_at_index(1).id  # whatever the library's order
        await pilot.press("ctrl+t")
        await pilot.press("down", "enter")
        await settle(pilot)
        enc = encounter_of(app).encounter
        assert enc.trainee == "Kim" and enc.mode == "exam"
        assert second is not None and enc.scenario.id == second
    assert Settings.load() == Settings("Kim", "exam")
    again = make_app(cursor_blink=False)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Kim left that encounter unfinished: the next start offers to resume it.
        assert isinstance(again.screen, ResumeScreen)
        await pilot.press("escape")
        assert again.screen.query_one("#trainee", Input).value == "Kim"


MARKUP = "Hi [@click=app.quit]x[/] [bold]Mrs Ellis[/, [link=http://x]click[/link] [/"


async def test_markup_and_escapes_are_shown_literally() -> None:
    app = make_app(scenario="pickle_request", trainee="[red]Sam[/]", cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await reply(pilot, MARKUP, type_it=True)
        assert app.is_running and isinstance(app.screen, EncounterScreen)
        lines = [text_of(w) for w in app.screen.query(Line)]
        assert f"[red]Sam[/]: {MARKUP}" in lines
        box = app.screen.query_one(ReplyBox)
        box.post_message(
            __import__("textual.events", fromlist=["Paste"]).Paste(
                "so\x1b[31mrry\x1b[0m \x1b]8;;http://evil\x07here\x1b]8;;\x07\x07"
            )
        )
        await pilot.pause()
        assert box.text == "sorry here"
        turn = encounter_of(app).encounter.turns[0]
        assert turn.reply == MARKUP


async def test_empty_reply_is_refused_and_long_paste_truncated() -> None:
    app = make_app(scenario="complaint_call", trainee="Sam", cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = encounter_of(app)
        await reply(pilot, "   \n  ")
        assert screen.encounter.stage_id == "set_tone" and not screen.encounter.turns
        assert any("empty reply" in str(n.message) for n in app._notifications)
        await reply(pilot, "I'm so sorry. " * 2000)  # 28,000 characters
        assert len(screen.encounter.turns) == 1
        assert len(screen.encounter.turns[0].reply) == 20_000
        assert any("20,000" in str(n.message) for n in app._notifications)
        assert not screen.query_one(ReplyBox).read_only


async def test_ctrl_q_asks_before_abandoning() -> None:
    app = make_app(scenario="complaint_call", trainee="Sam", cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        enc = encounter_of(app).encounter
        await reply(pilot, "Hello Ms Li, my name is Sam.")
        await pilot.press("ctrl+q")
        assert isinstance(app.screen, LeaveScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, EncounterScreen) and app.is_running
        await pilot.press("ctrl+q")
        await pilot.click("#abandon")
        await pilot.pause()
    assert enc.status == "abandoned"


async def test_escape_leaves_to_home_and_keeps_session() -> None:
    app = make_app(scenario="complaint_call", trainee="Sam", cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        enc = encounter_of(app).encounter
        await pilot.press("escape")
        await pilot.click("#keep")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert enc.status == "in_progress"


async def test_help_palette_and_bindings_have_descriptions() -> None:
    app = make_app(cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"switch mode")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.service.settings.mode == "exam"
        for screen_cls in (HomeScreen, EncounterScreen, ResultScreen, HelpScreen, type(app)):
            for binding in screen_cls.BINDINGS:
                assert binding.description, (screen_cls, binding)  # type: ignore[union-attr]


async def test_resize_keeps_everything_visible() -> None:
    app = make_app(scenario="lamborghini_repair", trainee="Sam", cursor_blink=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await reply(pilot, "Mr Zhang, I can see how angry you are. I will look into it.")
        screen = encounter_of(app)
        assert not screen.has_class("-narrow")
        for size in [(80, 24), (60, 20), (160, 50)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert screen.has_class("-narrow") == (size[0] < 100)
            for wid in ("#conversation", "#feedback", "#reply", "#strip", "#mood"):
                region = screen.query_one(wid).region
                assert region.width > 0 and region.height > 0, (size, wid)
                assert region.right <= size[0] and region.bottom <= size[1], (size, wid)


async def test_timer_marks_overtime(monkeypatch: pytest.MonkeyPatch) -> None:
    import mot_sim.tui.screens.encounter as enc_mod

    clock = [1000.0]
    monkeypatch.setattr(enc_mod, "now", lambda: clock[0])
    app = make_app(scenario="pickle_request", trainee="Sam", timer=15, cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "15s" in text_of(app.screen.query_one("#timer", Static))
        clock[0] += 30
        await reply(pilot, "Hello Mrs Ellis, welcome back, of course!")
        turn = encounter_of(app).encounter.turns[0]
        assert turn.overtime and turn.seconds == 30
        assert any("longer than the time" in text_of(w) for w in app.screen.query(Line))


async def test_resume_after_quit_continues_at_the_right_stage(catalog: Catalog) -> None:
    app = make_app(scenario="complaint_call", trainee="Ana", cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await reply(pilot, "Hello Ms Li, my name is Ana. I'm sorry, that sounds frustrating.")
        await reply(pilot, "Could you tell me how you used your phone this month?")
        await pilot.press("ctrl+q")
        await pilot.click("#keep")
    again = make_app(cursor_blink=False)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, ResumeScreen)
        await pilot.click("#resume-go")
        await settle(pilot)
        enc = encounter_of(again).encounter
        assert enc.stage_id == "solve" and len(enc.turns) == 2
        said = [text_of(w) for w in again.screen.query(Line)]
        assert any("Could you tell me how you used your phone" in x for x in said)
        scenario = catalog.get("complaint_call").scenario
        for stage in STAGE_IDS[2:]:
            await reply(pilot, scenario.stage(stage).model_answers[0])
        assert isinstance(again.screen, ResultScreen)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(again.screen, HistoryScreen)
        table = again.screen.query_one("DataTable")
        assert table.row_count == 1  # one session: resumed, not duplicated
        assert "completed" in str(table.get_row_at(0))
        await pilot.press("escape")
        assert isinstance(again.screen, HomeScreen)
        assert "your best" in str(again.screen.query_one(OptionList).get_option_at_index(0).prompt)


async def test_unusable_score_log_exits_with_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    app = make_app(db=str(bad), cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.return_code == 2
    assert bad.read_text() == "not a database"


async def test_palette_and_history_show_scenario_titles_literally(
    tmp_path,
    catalog: Catalog,  # type: ignore[no-untyped-def]
) -> None:
    src = (DATA_DIR / "zh" / "zh_bill_call.yaml").read_text(encoding="utf-8")
    (tmp_path / "odd.yaml").write_text(
        src.replace("id: zh_bill_call", "id: odd_title").replace(
            "title: 话费账单投诉", "title: '[bold]Odd[/ [@click=app.quit]x[/]'"
        ),
        encoding="utf-8",
    )
    app = make_app(scenario_dirs=[str(tmp_path)], trainee="Sam", cursor_blink=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"odd")
        await pilot.pause(0.5)
        assert app.is_running
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
