"""The core must import without Textual: the TUI and CLI are thin layers over it."""

import subprocess
import sys

CORE = [
    "mot_sim.catalog",
    "mot_sim.scoring",
    "mot_sim.engine",
    "mot_sim.checks",
    "mot_sim.matching.matcher",
    "mot_sim.templating",
    "mot_sim.locations",
    "mot_sim.cli.main",
    "mot_sim.cli.commands",
    "mot_sim.cli.play",
]


def test_core_imports_without_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
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
