"""Fuzz the loader, validator and engine with hostile scenario files, for minutes.

    python bench/fuzz.py [--n 5000] [--seed 1]

Each case is a valid scenario with one to four values replaced by hostile ones (explicit
tags, huge or non-finite numbers, empty phrases, computing templates, broken patterns,
control characters, deep nesting); see tests/hostile.py. Plus raw YAML-ish text straight
into the loader. Prints how many were refused with our own located error, how many loaded
and played, every foreign exception (the target is 0) and the slowest case (target < 2 s).
Not part of CI: the test suite runs the same generator on a small sample.
"""

from __future__ import annotations

import argparse
import collections
import string
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mot_sim.catalog import load_catalog
from mot_sim.errors import InputError
from mot_sim.scoring import Scorer
from mot_sim.yamlsrc import load_text
from tests.hostile import Outcome, exercise, hostile_scenarios

YAMLISH = st.text(alphabet=string.printable + "&*!|>-:[]{}#'\"\u00e9\u4e2d\x00\x1b", max_size=400)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000, help="hostile scenario files")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    library = load_catalog().library
    scorer = Scorer(library)
    out = Outcome()
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:

        @settings(
            max_examples=args.n,
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
        )
        @given(text=hostile_scenarios())
        def files(text: str) -> None:
            exercise(text, library, scorer, Path(tmp), out)

        files._hypothesis_internal_use_seed = args.seed  # type: ignore[attr-defined]
        files()

    raw = Outcome()

    @settings(max_examples=args.n, deadline=None, database=None)
    @given(text=YAMLISH)
    def loader(text: str) -> None:
        t0 = time.perf_counter()
        try:
            load_text(text, "fuzz.yaml")
            raw.accepted += 1
        except InputError:
            raw.refused += 1
        except Exception as exc:
            raw.foreign.append(f"{type(exc).__name__}: {exc}"[:200])
        raw.slowest = max(raw.slowest, time.perf_counter() - t0)

    loader()
    took = time.perf_counter() - start
    for name, o in (("hostile scenario files", out), ("YAML-ish text into the loader", raw)):
        total = o.accepted + o.refused + len(o.foreign)
        kinds = collections.Counter(f.split(":")[0] for f in o.foreign)
        print(
            f"{name}: {total} cases, {o.refused} refused (located), {o.accepted} accepted, "
            f"{len(o.foreign)} foreign exceptions {dict(kinds) or ''}, "
            f"slowest {o.slowest:.2f} s (target < 2 s)"
        )
        for f in sorted(set(o.foreign))[:10]:
            print(f"  {f}")
    print(f"total time {took:.0f} s")
    return 1 if out.foreign or raw.foreign else 0


if __name__ == "__main__":
    sys.exit(main())
