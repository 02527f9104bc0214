"""The core must import without Textual: the TUI and CLI are thin layers over it.

The contract in pyproject.toml (`lint-imports`, run by the test command) forbids it
statically, through any chain of imports; these tests keep that contract complete and
check the same at run time."""

import subprocess
import sys
import tomllib

from tests.conftest import ROOT

UI = {"mot_sim.cli", "mot_sim.tui", "mot_sim.web", "mot_sim.__main__", "mot_sim.__init__"}


def _contract() -> dict:  # type: ignore[type-arg]
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = data["tool"]["importlinter"]["contracts"]
    return contract  # type: ignore[no-any-return]


def core_modules() -> list[str]:
    return list(_contract()["source_modules"])


def test_every_module_outside_the_ui_is_in_the_contract() -> None:
    # A new core module cannot slip past the contract by not being listed.
    found = {
        f"mot_sim.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "mot_sim").iterdir()
        if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))
    }
    assert found - UI == set(core_modules())
    assert {"textual", "mot_sim.tui"} <= set(_contract()["forbidden_modules"])


def test_core_imports_without_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in core_modules())
        + "import mot_sim.store.sqlite, mot_sim.reports.html, mot_sim.reports.xapi\n"
        + "from mot_sim.cli.main import build_parser; build_parser()\n"
        + "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_first_screen_does_not_wait_for_the_core() -> None:
    # The TUI paints before pydantic, YAML, rapidfuzz and Jinja load (in a worker).
    code = (
        "import sys\nfrom mot_sim.tui.factory import make_app\nmake_app()\n"
        "print(','.join(m for m in ('pydantic', 'yaml', 'rapidfuzz', 'jinja2') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
