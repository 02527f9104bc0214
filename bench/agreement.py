"""How far the scorer agrees with a trainer's labels: prints figures, asserts nothing.

    python bench/agreement.py DATA.jsonl [DATA.jsonl ...] [--by-kind] [--show-misses]

Each line of DATA is a labelled reply: ``scenario``, ``stage``, ``text``, ``quality``
(``good``/``poor``; ``label`` is read too) and ``bad`` (``bad_phrasing`` too): whether it
contains phrasing the course teaches staff to avoid. Optional: ``grade`` (1-5, as a
trainer would grade it) and ``kind`` (paraphrase, stock_list, polite_empty...).

Figures:
- bad-phrase recall: replies labelled bad that get at least one bad hit;
- false alarms: good replies that get any bad hit;
- good>poor: within each scenario and stage, the share of (good, poor) pairs in which the
  good reply scores higher (a tie counts half);
- Spearman: rank correlation of score and grade within each scenario and stage, averaged
  over the groups whose grades differ (weighted by group size);
- per kind: count, mean score, share scored under 45, share with a bad hit.
The last line sums it up on one line.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from mot_sim.agreement import evaluate, label
from mot_sim.catalog import load_catalog
from mot_sim.errors import InputError
from mot_sim.scoring import Scorer


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", nargs="+", type=Path)
    ap.add_argument("--show-misses", action="store_true", help="print disagreements")
    args = ap.parse_args(argv)
    rows: list[dict[str, Any]] = []
    for path in args.data:
        rows += [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    try:
        catalog = load_catalog()
    except InputError as exc:  # a broken rule file: say where, as every command does
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    scorer = Scorer(catalog.library)
    known = [r for r in rows if r["scenario"] in catalog.scenarios]
    if len(known) < len(rows):
        print(f"skipped {len(rows) - len(known)} replies to unknown scenarios", file=sys.stderr)
    results = [
        scorer.score(catalog.get(r["scenario"]).scenario, r["stage"], r["text"], "Sam")
        for r in known
    ]
    fig = evaluate(known, results)
    if args.show_misses:
        for r, x in zip(known, results, strict=True):
            quality, bad = label(r)
            why = []
            if bad and not x.bad_hits:
                why.append("missed bad")
            if quality == "good" and x.bad_hits:
                why.append("false alarm: " + ",".join(h.rule for h in x.bad_hits))
            if quality == "poor" and x.score >= 60:
                why.append("poor scored good")
            if quality == "good" and x.score < 45:
                why.append("good scored poor")
            if why:
                tag = r.get("kind", quality)
                print(f"{r.get('id', '?')} [{tag}] {x.score:3d} {'; '.join(why)}: {r['text']}")
    print(f"{'kind':<16} {'n':>4} {'mean':>6} {'<45':>6} {'bad hit':>8}")
    for kind, k in fig["kinds"].items():
        print(
            f"{kind:<16} {k['n']:>4} {k['mean']:>6.1f} {k['under_45']:>6.0%} {k['bad_hit']:>8.0%}"
        )
    print(
        f"n={fig['n']} bad-recall={_fmt(fig['bad_recall'])} ({fig['n_bad']}) "
        f"false-alarms={_fmt(fig['false_alarms'])} ({fig['n_good']}) "
        f"good>poor={_fmt(fig['good_over_poor'])} ({fig['pairs']} pairs) "
        f"spearman={_fmt(fig['spearman'])}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
