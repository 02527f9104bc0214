"""Pilot tests: whole encounters played through the UI, as a trainee would."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from mot_sim.catalog import Catalog
from mot_sim.cli.main import main
from mot_sim.scoring import Scorer
from mot_sim.settings import Settings
from mot_sim.stages import STAGE_IDS
from mot_sim.tui.app import MotSimApp
from mot_sim.tui.screens.confirm import LeaveScreen
from mot_sim.tui.screens.encounter import EncounterScreen
from mot_sim.tui.screens.help import HelpScreen
from mot_sim.tui.screens.history import HistoryScreen
from mot_sim.tui.screens.home import HomeScreen
from mot_sim.tui.screens.result import ResultScreen
from mot_sim.tui.screens.resume import ResumeScreen
from mot_sim.tui.service import TrainerService
from mot_sim.tui.widgets.conversation import Conversation, Line
from mot_sim.tui.widgets.reply_box import ReplyBox
from tests.conftest import DATA as DATA_DIR
from tests.conftest import ROOT
from tests.tui_helpers import (
    encounter_of,
    make_test_app,
    paste,
    record_session,
    reply,
    settle,
    type_keys,
)

SCENARIOS = ["pickle_request", "lamborghini_repair", "complaint_call"]


def text_of(static: Static) -> str:
    return str(static.visual.plain if hasattr(static.visual, "plain") else static.render())


@pytest.mark.parametrize("mode", ["practice", "exam"])
@pytest.mark.parametrize("sid", SCENARIOS)
async def test_play_whole_encounter(catalog: Catalog, sid: str, mode: str) -> None:
    app = make_test_app(scenario=sid, trainee="Sam", mode=mode)  # type: ignore[arg-type]
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
    app = make_test_app(scenario="pickle_request", trainee="Sam")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await reply(pilot, "Calm down, it's only a pickle.")
        await reply(pilot, "I can sell you a side of pickles for 25 cents.")
        assert isinstance(app.screen, ResultScreen)
        assert "Mrs Ellis walked out" in text_of(app.screen.query_one("#walkout", Static))
        assert "FAIL" in text_of(app.screen.query_one("#headline", Static))


async def test_home_remembers_name_and_mode_and_starts() -> None:
    app = make_test_app()
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
    again = make_test_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Kim left that encounter unfinished: the next start offers to resume it.
        assert isinstance(again.screen, ResumeScreen)
        await pilot.press("escape")
        assert again.screen.query_one("#trainee", Input).value == "Kim"


async def test_a_shared_machine_does_not_hand_one_trainees_name_to_the_next(
    capsys: pytest.CaptureFixture[str],
) -> None:
    Settings("Kim").save()
    assert main(["config", "shared-machine", "on"]) == 0
    assert Settings.load() == Settings(shared=True)  # the name left behind is gone too
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#trainee", Input).value == ""
        await pilot.click("#trainee")
        await pilot.press(*"Lee", "enter", "down", "enter")
        await settle(pilot)
        assert encounter_of(app).encounter.trainee == "Lee"  # used for this run
    assert Settings.load() == Settings(shared=True)  # and not kept for the next person
    again = make_test_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, HomeScreen)
        assert again.screen.query_one("#trainee", Input).value == ""
    capsys.readouterr()
    assert main(["config", "shared-machine"]) == 0
    assert capsys.readouterr().out.strip() == "on"
    assert main(["config", "shared-machine", "maybe"]) == 2
    assert main(["config", "shared-machine", "--unset"]) == 0
    assert Settings.load() == Settings()


TYPED = "Hi [@click=app.quit]x[/] "
PASTED = "[bold]Mrs Ellis[/, [link=http://x]click[/link] [/"
MARKUP = TYPED + PASTED


async def test_markup_and_escapes_are_shown_literally() -> None:
    app = make_test_app(scenario="pickle_request", trainee="[red]Sam[/]")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_keys(pilot, TYPED)  # typed key by key, then the rest pasted
        await paste(pilot, PASTED)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, EncounterScreen)
        lines = [text_of(w) for w in app.screen.query(Line)]
        assert f"[red]Sam[/]: {MARKUP}" in lines
        box = app.screen.query_one(ReplyBox)
        await paste(pilot, "so\x1b[31mrry\x1b[0m \x1b]8;;http://evil\x07here\x1b]8;;\x07\x07")
        assert box.text == "sorry here"
        turn = encounter_of(app).encounter.turns[0]
        assert turn.reply == MARKUP


async def test_empty_reply_is_refused_and_long_paste_truncated() -> None:
    app = make_test_app(scenario="complaint_call", trainee="Sam")
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
    app = make_test_app(scenario="complaint_call", trainee="Sam")
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
    app = make_test_app(scenario="complaint_call", trainee="Sam")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        enc = encounter_of(app).encounter
        await pilot.press("escape")
        await pilot.click("#keep")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert enc.status == "in_progress"


async def test_help_palette_and_bindings_have_descriptions() -> None:
    app = make_test_app()
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
    app = make_test_app(scenario="lamborghini_repair", trainee="Sam")
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
    app = make_test_app(scenario="pickle_request", trainee="Sam", timer=15)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "15s" in text_of(app.screen.query_one("#timer", Static))
        clock[0] += 30
        await reply(pilot, "Hello Mrs Ellis, welcome back, of course!")
        turn = encounter_of(app).encounter.turns[0]
        assert turn.overtime and turn.seconds == 30
        assert any("longer than the time" in text_of(w) for w in app.screen.query(Line))


async def test_resume_after_quit_continues_at_the_right_stage(catalog: Catalog) -> None:
    app = make_test_app(scenario="complaint_call", trainee="Ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await reply(pilot, "Hello Ms Li, my name is Ana. I'm sorry, that sounds frustrating.")
        await reply(pilot, "Could you tell me how you used your phone this month?")
        await pilot.press("ctrl+q")
        await pilot.click("#keep")
    again = make_test_app()
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
        card = again.screen.query_one(OptionList).get_option("complaint_call")
        assert "your best" in str(card.prompt)


async def test_unusable_score_log_exits_with_message(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    app = make_test_app(db=str(bad))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert app.return_code == 2
    assert bad.read_text() == "not a database"


async def test_unusable_score_log_exits_however_slowly_the_library_loads(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    # On a busy machine, or with a bigger library, loading takes longer; the real loader,
    # half a second late, must end the same way.
    load = TrainerService.load

    def slow_load(self: TrainerService) -> None:
        time.sleep(0.5)
        load(self)

    monkeypatch.setattr(TrainerService, "load", slow_load)
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    app = make_test_app(db=str(bad))
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
    app = make_test_app(scenario_dirs=[str(tmp_path)], trainee="Sam")
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


# -- what a new trainee hit: the palette, names, help, history, 80x24, the score log --


def palette_prompts(app: MotSimApp) -> list[str]:
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def type_in_palette(pilot: Pilot[None], text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*text)
    for _ in range(40):  # the palette searches in the background
        await pilot.pause(0.05)
        if palette_prompts(pilot.app):  # type: ignore[arg-type]
            break


async def test_palette_starts_the_scenario_chosen_in_it() -> None:
    Settings("Sam", "practice").save()
    app = make_test_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        options = home.query_one("#scenarios", OptionList)
        options.highlighted = [o.id for o in options._options].index("lamborghini_repair")
        await type_in_palette(pilot, "pickle")
        assert any("pickle" in p for p in palette_prompts(app))
        await pilot.press("down", "enter")
        await settle(pilot)
        assert encounter_of(app).encounter.scenario.id == "pickle_request"


async def test_palette_has_one_quit_and_it_asks_mid_encounter() -> None:
    app = make_test_app(scenario="complaint_call", trainee="Sam")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_in_palette(pilot, "quit")
        quits = [p.splitlines()[0] for p in palette_prompts(app) if p.startswith("Quit")]
        assert quits == ["Quit"]
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, LeaveScreen)
        await pilot.press("escape")
        # Textual's own quit action (a key, a link) asks too.
        await app.run_action("quit")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LeaveScreen)
        await pilot.click("#keep")
        await pilot.pause()
    assert not app.is_running


async def test_the_name_given_to_play_is_the_one_at_home() -> None:
    Settings("Sam", "practice").save()
    app = make_test_app(scenario="complaint_call", trainee="Dee Test")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert encounter_of(app).encounter.trainee == "Dee Test"
        await pilot.press("escape")
        await pilot.click("#keep")
        await settle(pilot)
        if isinstance(app.screen, ResumeScreen):
            await pilot.press("escape")
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.query_one("#trainee", Input).value == "Dee Test"
        home.query_one("#scenarios", OptionList).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert encounter_of(app).encounter.trainee == "Dee Test"
    assert Settings.load().trainee == "Dee Test"


async def test_help_fits_and_scrolls_by_keyboard_at_80x24() -> None:
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        body = help_screen.query_one("#help-body")
        close = help_screen.query_one("#close")
        for widget in (body, close):
            r = widget.region
            assert r.height > 0 and r.bottom <= 24 and r.right <= 80, widget
        assert body.max_scroll_y > 0  # more than fits: it scrolls
        await pilot.press("down", "down")
        await pilot.pause()
        assert body.scroll_y >= 2
        await pilot.press("end")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_history_uses_the_width_and_opens_transcripts(
    catalog: Catalog, scorer: Scorer
) -> None:
    from mot_sim.tui.screens.transcript import TranscriptScreen

    done = record_session(catalog, scorer, "Ana", "complaint_call", 5)
    half = record_session(catalog, scorer, "Ana", "lamborghini_repair", 2)
    Settings("Ana", "practice").save()
    app = make_test_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        if isinstance(app.screen, ResumeScreen):
            await pilot.press("escape")  # later: the history offers it too
        await pilot.press("f2")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen)
        table = history.query_one(DataTable)
        assert table.row_count == 2
        titles = {c.label.plain: c for c in table.columns.values()}
        assert titles["Scenario"].get_render_width(table) >= len(
            "The Lamborghini that would not start"
        )
        assert sum(c.get_render_width(table) for c in table.columns.values()) >= 100
        # Newest first: the unfinished one. Enter opens its transcript, which can resume it.
        await pilot.press("enter")
        await settle(pilot)
        transcript = app.screen
        assert isinstance(transcript, TranscriptScreen)
        said = " ".join(text_of(s) for s in transcript.query(Static))
        lamborghini = catalog.get("lamborghini_repair").scenario
        assert lamborghini.stage("set_tone").model_answers[0][:30] in said
        assert "Score" in said and "in progress" in said
        await pilot.click("#transcript-resume")
        await settle(pilot)
        enc = encounter_of(app).encounter
        assert enc.scenario.id == "lamborghini_repair" and enc.stage_id == "solve"
        await pilot.press("escape")
        await pilot.click("#keep")
        await settle(pilot)
        # A finished session: its transcript, with scores and feedback, and no resume.
        await pilot.press("f2")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(done))
        await pilot.press("enter")
        await settle(pilot)
        transcript = app.screen
        assert isinstance(transcript, TranscriptScreen)
        assert transcript.record.summary.id == done != half
        said = " ".join(text_of(s) for s in transcript.query(Static))
        assert "completed" in said and said.count("Score ") >= 5 and "Earned" in said
        assert not transcript.query("#transcript-resume")
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_home_after_a_result_is_ready_for_the_keyboard(catalog: Catalog) -> None:
    app = make_test_app(scenario="pickle_request", trainee="Sam")
    scenario = catalog.get("pickle_request").scenario
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for stage in STAGE_IDS:
            await reply(pilot, scenario.stage(stage).model_answers[0])
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("n")
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        options = home.query_one("#scenarios", OptionList)
        played = options.get_option_index("pickle_request")
        assert options.highlighted == played  # the scenario just played
        await pilot.press("up" if played else "down")
        assert options.highlighted == (played - 1 if played else 1)


async def test_mode_buttons_differ_by_more_than_colour() -> None:
    from mot_sim.tui.widgets.mode_switch import ModeSwitch

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        switch = app.screen.query_one("#mode", ModeSwitch)

        def shown() -> str:
            # What the switch draws, colour aside: it must say which mode is chosen.
            return switch.render().plain

        assert switch.value == "practice"
        assert "▐●▌ Practice" in shown() and "▐ ▌ Exam" in shown()
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert switch.value == "exam"
        assert "▐ ▌ Practice" in shown() and "▐●▌ Exam" in shown()


async def test_the_mode_is_chosen_with_the_keyboard_or_a_click() -> None:
    from mot_sim.tui.widgets.mode_switch import ModeSwitch

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        switch = home.query_one("#mode", ModeSwitch)
        switch.focus()
        await pilot.press("right")
        assert home.mode == "exam"
        await pilot.press("left")
        assert home.mode == "practice"
        await pilot.press("space")
        assert home.mode == "exam"
        await pilot.press("enter")
        assert home.mode == "practice"
        # A click chooses the mode under the pointer; between them, nothing changes.
        await pilot.click(switch, offset=(20, 1))  # on "Exam"
        assert home.mode == "exam"
        await pilot.click(switch, offset=(15, 1))  # the gap between the two
        assert home.mode == "exam"
        await pilot.click(switch, offset=(4, 1))  # on "Practice"
        assert home.mode == "practice"


async def test_the_home_buttons_start_and_join_by_click_or_enter() -> None:
    from mot_sim.tui.screens.join import JoinScreen

    Settings("Sam", "practice").save()
    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#join-class")
        await pilot.pause()
        assert isinstance(app.screen, JoinScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        app.screen.query_one("#start").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert encounter_of(app).encounter.trainee == "Sam"
        await pilot.press("escape")
        await pilot.click("#keep")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.click("#start")
        await settle(pilot)
        assert encounter_of(app).encounter.trainee == "Sam"


async def test_every_home_key_works_and_is_listed_by_help_and_the_palette() -> None:
    from mot_sim.tui.screens.help import HELP, HELP_ZH
    from mot_sim.tui.screens.join import JoinScreen
    from mot_sim.tui.widgets.key_bar import KeyBar

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        # The footer keeps to the keys a trainee needs most, and all of them fit in 80 columns.
        bar = home.query_one(KeyBar)
        assert [k.display for k in bar.keys] == ["^s", "f1", "f2", "^q", "^p"]
        assert "^q Quit" in bar.render().plain and "^p palette" in bar.render().plain
        # Every key of the home screen, shown in the footer or not, is in the F1 guide...
        for key in ("Ctrl+S", "Ctrl+T", "F1", "F2", "F3", "Ctrl+P", "Ctrl+Q"):
            assert key in HELP and key in HELP_ZH, key
        # ...and among the keys the palette's "Keys" lists (the screen's active bindings).
        listed = {b.binding.key for b in home.active_bindings.values() if b.binding.description}
        assert {"ctrl+s", "ctrl+t", "f1", "f2", "f3", "ctrl+q", "ctrl+p"} <= listed
        # The ones the footer leaves out still work.
        await pilot.press("ctrl+t")
        assert home.mode == "exam"
        await pilot.press("f3")
        assert isinstance(app.screen, JoinScreen)


async def test_a_click_on_a_footer_key_presses_it() -> None:
    from textual.command import CommandPalette

    from mot_sim.tui.widgets.key_bar import KeyBar

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        help_at = bar.render().plain.index("f1 Help")
        await pilot.click(bar, offset=(help_at + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.click(bar, offset=(bar.size.width - 3, 0))  # the palette's key
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_the_footer_follows_focus() -> None:
    from mot_sim.tui.widgets.key_bar import KeyBar

    app = make_test_app(scenario="complaint_call", trainee="Sam")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        assert isinstance(app.focused, ReplyBox)
        assert "⏎ Send reply" in bar.render().plain  # the reply box's own keys
        app.screen.query_one(Conversation).focus()
        await pilot.pause()
        assert "Send reply" not in bar.render().plain
        assert "esc Leave" in bar.render().plain


async def test_the_title_bar_icon_opens_the_palette() -> None:
    from textual.command import CommandPalette

    from mot_sim.tui.widgets.title_bar import TitleBar

    app = make_test_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(TitleBar)
        assert bar.render().plain.split() == ["⭘", "mot-sim"]
        await pilot.click(bar, offset=(40, 0))  # the title: nothing happens
        assert isinstance(app.screen, HomeScreen)
        await pilot.click(bar, offset=(1, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_briefing_opens_at_its_beginning_at_80x24() -> None:
    app = make_test_app(scenario="lamborghini_repair", trainee="Sam")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        conv = app.screen.query_one(Conversation)
        assert conv.max_scroll_y > 0  # the briefing is longer than the view
        assert conv.scroll_y == 0
        await reply(pilot, "Mr Zhang, I can see how angry you are. I will look into it.")
        await pilot.pause()
        # After a reply, the view starts at what is new: the reaction, then the next stage.
        reaction = [w for w in conv.query(Line) if w.has_class("-reaction")][-1]
        assert conv.scroll_y == min(reaction.virtual_region.y, conv.max_scroll_y) > 0


async def test_toasts_do_not_cover_the_reply_box() -> None:
    from textual.widgets._toast import Toast

    app = make_test_app(scenario="complaint_call", trainee="Sam")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await reply(pilot, "   ")  # refused, with a toast
        await pilot.pause(0.3)
        toasts = list(app.screen.query(Toast))
        assert toasts
        box = app.screen.query_one(ReplyBox).region
        for toast in toasts:
            assert not toast.region.overlaps(box), (toast.region, box)


async def test_invalid_scenario_files_are_listed_on_home(tmp_path: Path) -> None:
    src = (ROOT / "scenarios" / "complaint_call.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "[red]bad[-].yaml"
    bad.write_text(
        src.replace("id: complaint_call", "id: broken_one").replace(
            "difficulty: medium", "difficulty: '[b]hard[/b]'"
        ),
        encoding="utf-8",
    )
    app = make_test_app(scenario_dirs=[str(tmp_path)])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        notice = text_of(home.query_one("#problems", Static))
        assert f"{bad}:8:1: difficulty: Input should be" in notice
        assert "1 scenario file could not be loaded" in notice
        ids = [o.id for o in home.query_one("#scenarios", OptionList)._options]
        assert "broken_one" not in ids and "complaint_call" in ids


def test_screens_reach_the_app_through_its_typed_interface() -> None:
    tui = ROOT / "mot_sim" / "tui"
    for path in tui.rglob("*.py"):
        assert "type: ignore[attr-defined]" not in path.read_text(encoding="utf-8"), path
    encounter = (tui / "screens" / "encounter.py").read_text(encoding="utf-8")
    for call in (".answer(", ".preview(", ".abandon(", ".start()"):
        assert f"encounter{call}" not in encounter, call


async def test_a_busy_score_log_does_not_freeze_the_trainer() -> None:
    import sqlite3
    import threading

    from mot_sim import locations

    app = make_test_app(scenario="complaint_call", trainee="Sam")
    db = str(locations.default_db_path())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        enc = encounter_of(app).encounter
        other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another trainee's write holds the file
        held = threading.Lock()
        held.acquire()

        def release() -> None:
            if held.locked():
                other.execute("ROLLBACK")
                held.release()

        safety = threading.Timer(10, release)  # never hold it into the 30 s busy timeout
        safety.start()

        def turns() -> int:
            with sqlite3.connect(db) as con:
                return int(con.execute("SELECT count(*) FROM turns").fetchone()[0])

        try:
            await paste(pilot, "Hello Ms Li, my name is Sam.")
            await pilot.press("enter")
            for _ in range(100):
                await pilot.pause(0.05)
                if len(enc.turns) == 1:
                    break
            await pilot.press("f1")  # the UI answers while the write waits
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            assert held.locked() and turns() == 0
        finally:
            release()
            safety.cancel()
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        assert turns() == 1
        other.close()


async def test_a_write_that_times_out_ends_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sqlite3

    import mot_sim.store.sqlite as sqlite_store
    from mot_sim import locations

    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 200)  # not 30 s in a test
    app = make_test_app(scenario="complaint_call", trainee="Sam")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        other = sqlite3.connect(locations.default_db_path(), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            await reply(pilot, "Hello Ms Li, my name is Sam.")
            for _ in range(100):
                await pilot.pause(0.05)
                if not app.is_running:
                    break
        finally:
            other.execute("ROLLBACK")
            other.close()
    assert app.return_code == 2
    assert app.service.write_error is not None
    assert "locked too long" in str(app.service.write_error)


async def test_a_chinese_encounter_speaks_chinese_around_it(catalog: Catalog) -> None:
    """Stage names, the mood, feedback labels, help and the result follow the scenario's
    language (issue: the course's own language)."""
    from mot_sim.tui.widgets.feedback_panel import FeedbackPanel
    from mot_sim.tui.widgets.mood_gauge import MoodGauge
    from mot_sim.tui.widgets.stage_strip import StageStrip

    scenario = catalog.get("pickle_request_zh").scenario
    app = make_test_app(scenario="pickle_request_zh", trainee="小李")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EncounterScreen) and screen.lang == "zh"
        assert "定基调" in str(screen.query_one(StageStrip).render())
        assert str(screen.query_one(MoodGauge).render()).startswith("情绪")
        assert screen.query_one(FeedbackPanel).border_title == "反馈"
        assert "社交型" in str(screen.query_one("#who", Static).render())
        assert screen.sub_title.endswith("练习")
        await reply(pilot, scenario.stage("set_tone").model_answers[0])
        panel = str(screen.query_one(FeedbackPanel).query_one("#feedback-body", Static).render())
        assert "得分" in panel and "Score" not in panel
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen) and app.screen.lang == "zh"
        await pilot.press("escape")
        for stage in STAGE_IDS[1:]:
            await reply(pilot, scenario.stage(stage).model_answers[0])
        assert isinstance(app.screen, ResultScreen)
        headline = str(app.screen.query_one("#headline", Static).render())
        assert "通过" in headline and "及格线" in headline


def test_score_bars_take_their_colours_from_the_rubric() -> None:
    """The bar thresholds are the rubric's outcomes, not numbers in the widget."""
    from mot_sim.tui.widgets.score_bars import bar_line

    strict = bar_line("x", 70, lambda v: "good" if v >= 80 else "mixed")
    lenient = bar_line("x", 70, lambda v: "good" if v >= 50 else "mixed")
    assert {s.style for s in strict.spans} != {s.style for s in lenient.spans}
    assert any("$warning" in str(s.style) for s in strict.spans)
    assert any("$success" in str(s.style) for s in lenient.spans)
