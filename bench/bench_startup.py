"""Cold start of the trainer to its first screen being ready, against importing Textual.

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
# so both figures include interpreter start-up. Process exit is not counted: the app may
# still be loading scenarios in the background by then, which is the point.
PROBE = """
import time
from mot_sim.tui.factory import make_app
from mot_sim.tui.screens.home import HomeScreen

async def ready(pilot):
    assert isinstance(pilot.app.screen, HomeScreen)
    print(time.time(), flush=True)
    pilot.app.exit()

make_app().run(headless=True, auto_pilot=ready)
"""
BASELINE = "import time, textual.app; print(time.time(), flush=True)"


def median_ms(code: str, runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.time()
        out = subprocess.run(
            [sys.executable, "-c", code], check=True, env=env, capture_output=True, text=True
        ).stdout
        times.append((float(out.split()[-1]) - start) * 1000)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "MOT_SIM_DATA": home, "MOT_SIM_DB": os.path.join(home, "b.db")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with bytecode, as installed
        median_ms(PROBE, 1, env)  # warm the OS file cache once; byte-code as the user has it
        base = median_ms(BASELINE, args.runs, env)
        app = median_ms(PROBE, args.runs, env)
    print(f"python -c 'import textual.app': {base:.0f} ms (median of {args.runs})")
    print(f"mot-sim to first screen ready:  {app:.0f} ms (median of {args.runs})")
    print(f"ratio: {app / base:.2f}x (target <= 1.5x and < 1000 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
