"""Cold start of the trainer to its first screen being ready, against importing Textual,
and of the command line's everyday commands.

    python bench/bench_startup.py [--runs 10]

Each figure is the median wall time of a fresh process; no assertion, just figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

# Each child prints the wall-clock moment it is done; the parent subtracts its launch time,
# so both figures include interpreter start-up. The trainer is done when Textual sends the
# App its Ready event: "the DOM is ready and the first frame has been displayed", here the
# home screen with its name box. Process exit is not counted: the app may still be loading
# scenarios in the background by then, which is the point.
PROBE = """
import time
from mot_sim.tui.app import MotSimApp
from mot_sim.tui.factory import make_app
from mot_sim.tui.screens.home import HomeScreen

def on_ready(app):
    assert isinstance(app.screen, HomeScreen) and app.screen.query("#trainee")
    print(time.time(), flush=True)
    app.exit()

MotSimApp.on_ready = on_ready
make_app().run(headless=True)
"""
BASELINE = "import time, textual.app, textual.widgets; print(time.time(), flush=True)"


def once_ms(code: str, env: dict[str, str]) -> float:
    start = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True
    ).stdout
    return (float(out.split()[-1]) - start) * 1000


COMMANDS = [  # (command line, target)
    (["--help"], "< 100 ms"),
    (["list"], ""),
    (["score", "--scenario", "pickle_request", "--stage", "set_tone", "Hello there!"], ""),
    (["check"], ""),
]


def command_ms(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mot_sim", *argv], check=True, env=env, capture_output=True
    )
    return (time.perf_counter() - start) * 1000


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MOT_SIM_DATA": home, "MOT_SIM_DB": os.path.join(home, "b.db")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with bytecode, as installed
        once_ms(PROBE, env)  # warm the OS file cache and write byte-code once
        base, app = [], []
        # Interleaved pairs: a shared machine's drift hits both sides of each pair alike.
        for _ in range(args.runs):
            base.append(once_ms(BASELINE, env))
            app.append(once_ms(PROBE, env))
    ratios = sorted(a / b for a, b in zip(app, base, strict=True))
    print(
        f"python -c 'import textual.app, textual.widgets': {statistics.median(base):.0f} ms (median of {args.runs})"
    )
    print(
        f"mot-sim to first screen ready:  {statistics.median(app):.0f} ms (median of {args.runs})"
    )
    print(
        f"ratio (median of paired runs): {statistics.median(ratios):.2f}x "
        f"[{ratios[0]:.2f}..{ratios[-1]:.2f}] (target <= 1.5x and < 1000 ms)"
    )
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MOT_SIM_DATA": home, "MOT_SIM_DB": os.path.join(home, "b.db")}
        for argv, target in COMMANDS:
            command_ms(argv, env)  # byte-code written, files cached
            runs = 3 if argv == ["check"] else args.runs
            times = [command_ms(argv, env) for _ in range(runs)]
            shown = " ".join(a if len(a) < 20 else a[:17] + "..." for a in argv)
            note = f" (target {target})" if target else ""
            print(f"mot-sim {shown}: {statistics.median(times):.0f} ms (median of {runs}){note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
