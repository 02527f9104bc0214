"""Snapshot tests of the key screens (pytest-textual-snapshot).

Update after an intended change with ``pytest tests/test_snapshots.py --snapshot-update``
and review the SVGs in the diff.
"""

from __future__ import annotations

from textual.pilot import Pilot

from mot_sim.settings import Settings
from mot_sim.stages import STAGE_IDS
from tests.conftest import ROOT
from tests.tui_helpers import encounter_of, make_test_app, reply, settle


def test_home_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    Settings("Sam", "practice").save()
    assert snap_compare(make_test_app(), terminal_size=(80, 24), run_before=settle)


def test_encounter_with_practice_feedback(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def answer(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await reply(
            pilot,
            "Hello Ms Li, my name is Sam. I'm sorry, that sounds frustrating. "
            "Don't worry, it's company policy to check.",
        )

    app = make_test_app(scenario="complaint_call", trainee="Sam")
    assert snap_compare(app, terminal_size=(120, 36), run_before=answer)


def test_result_screen(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def play(pilot: Pilot[None]) -> None:
        await settle(pilot)
        enc = encounter_of(pilot.app).encounter  # type: ignore[arg-type]
        for stage in STAGE_IDS:
            await reply(pilot, enc.model_answers(stage)[0])

    app = make_test_app(scenario="pickle_request", trainee="Sam")
    assert snap_compare(app, terminal_size=(100, 40), run_before=play)


def test_help_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    # The guide scrolls in its box and the Close button stays on screen.
    assert snap_compare(make_test_app(), terminal_size=(80, 24), press=["f1"])


def test_encounter_opens_at_its_briefing_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    app = make_test_app(scenario="lamborghini_repair", trainee="Sam")
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_textual_is_the_release_line_the_snapshots_were_made_with() -> None:
    # Snapshots are only comparable within one Textual release line: the pin says which.
    import tomllib
    from importlib.metadata import version

    from packaging.requirements import Requirement
    from packaging.version import Version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    (textual,) = [r for r in map(Requirement, project["dependencies"]) if r.name == "textual"]
    assert any(s.operator == "<" for s in textual.specifier), "an upper bound"
    assert Version(version("textual")) in textual.specifier
