"""Scoring throughput and latency: prints figures, asserts nothing.

    python bench/bench_scoring.py [--n 10000]

Replies are the labelled set plus new sentences recombined from its words (seeded), so
most replies are unseen text, as in real use, rather than 10,000 copies of a few lines.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from pathlib import Path

from mot_sim.catalog import load_catalog
from mot_sim.models import Scenario
from mot_sim.scoring import Scorer
from mot_sim.stages import STAGE_IDS

ROOT = Path(__file__).resolve().parent.parent


def replies(n: int, seed: int = 7) -> list[tuple[str, str, str]]:
    rows = [json.loads(x) for x in (ROOT / "tests/data/replies.jsonl").read_text().splitlines()]
    rng = random.Random(seed)
    words = [w for r in rows for w in r["text"].split()]
    out = [(r["scenario"], r["stage"], r["text"]) for r in rows]
    scenarios = sorted({r["scenario"] for r in rows})
    while len(out) < n:
        k = rng.randint(4, 40)
        out.append(
            (
                rng.choice(scenarios),
                rng.choice(STAGE_IDS),
                " ".join(rng.choice(words) for _ in range(k)),
            )
        )
    rng.shuffle(out)
    return out[:n]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args()
    t0 = time.perf_counter()
    cat = load_catalog()
    scorer = Scorer(cat.library)
    scen = {sid: ls.scenario for sid, ls in cat.scenarios.items()}
    for sc in scen.values():  # compile each scenario's matcher once, as a long run would
        scorer.score(sc, "set_tone", "hello")
    setup = time.perf_counter() - t0
    items = replies(args.n)
    chars = sum(len(t) for _, _, t in items)

    start = time.perf_counter()
    for sid, stage, text in items:
        scorer.score(scen[sid], stage, text)
    batch = time.perf_counter() - start

    # Single-reply latency, measured one call at a time on a fresh scorer (cold caches).
    fresh = Scorer(cat.library)
    for sc in scen.values():
        fresh.score(sc, "set_tone", "hello")
    lat = []
    for sid, stage, text in items[:2000]:
        a = time.perf_counter_ns()
        fresh.score(scen[sid], stage, text)
        lat.append((time.perf_counter_ns() - a) / 1e6)
    lat.sort()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rules = len(scorer.stage_rules(scen["complaint_call"], "solve"))
    print(f"python {sys.version.split()[0]}, one process, one core")
    print(f"setup (load + compile {len(cat.library.rules)} library rules): {setup * 1000:.0f} ms")
    print(
        f"batch: {len(items)} replies ({chars / len(items):.0f} chars avg) in {batch:.2f} s "
        f"= {len(items) / batch:,.0f} replies/s"
    )
    print(
        f"single reply ({rules} rules in a stage), cold caches: p50 {lat[len(lat) // 2]:.3f} ms, "
        f"p99 {lat[int(len(lat) * 0.99)]:.3f} ms, max {lat[-1]:.3f} ms, "
        f"mean {statistics.mean(lat):.3f} ms"
    )
    print(f"peak memory (max RSS): {peak_mib:.0f} MiB")
    linearity(fresh, scen["complaint_call"], items)
    return 0


def _median_time(scorer: Scorer, scenario: Scenario, stage: str, body: str) -> float:
    """Seconds to score ``body``: the median of seven runs."""
    runs = []
    for _ in range(7):
        a = time.perf_counter()
        scorer.score(scenario, stage, body)
        runs.append(time.perf_counter() - a)
    return statistics.median(runs)


def linearity(scorer: Scorer, sc: Scenario, items: list[tuple[str, str, str]]) -> None:
    """Cost of a 20,000-character reply against a 1,000-character one (target: <= 20x).

    "same words": the 1,000 characters repeated, so the same rules wake up and only length
    grows (what linear means); "new words": 20,000 characters of different sentences, which
    also wake more rules up, against their first 1,000 characters and against the mean of
    all twenty 1,000-character pieces. Medians of seven runs."""
    text = " ".join(t for _, _, t in items)
    small = text[:1000]
    repeated = (small + " ") * 20
    for stage, label, large in (
        ("diagnose", "same words", repeated[:20000]),
        ("solve", "same words", repeated[:20000]),
        ("solve", "new words", text[:20000]),
    ):
        short, long_ = (_median_time(scorer, sc, stage, body) for body in (small, large))
        print(
            f"linearity ({stage}, {label}): 1,000 chars {short * 1000:.1f} ms, "
            f"20,000 chars {long_ * 1000:.1f} ms = {long_ / short:.1f}x (20x is linear)"
        )
    # The first 1,000 characters are one sample of the text: the new words further on wake
    # other rules, some dearer. Against the mean of all twenty 1,000-character pieces of
    # the same 20,000 characters, the ratio measures length alone.
    large = text[:20000]
    mean = statistics.mean(
        _median_time(scorer, sc, "solve", large[k : k + 1000]) for k in range(0, 20000, 1000)
    )
    whole = _median_time(scorer, sc, "solve", large)
    print(
        f"linearity (solve, new words, against its own pieces): mean of twenty 1,000-char "
        f"pieces {mean * 1000:.1f} ms, the 20,000 chars {whole * 1000:.1f} ms = "
        f"{whole / mean:.1f}x (20x is linear)"
    )


if __name__ == "__main__":
    sys.exit(main())
