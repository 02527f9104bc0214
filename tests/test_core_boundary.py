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
