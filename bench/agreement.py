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
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from mot_sim.catalog import load_catalog
from mot_sim.scoring import ReplyResult, Scorer


def _ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float | None:
    """Spearman's rho with average ranks for ties; None when either side is constant."""
    if len(xs) < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx)
    vy = sum((b - my) ** 2 for b in ry)
    return cov / (vx * vy) ** 0.5


def _label(row: dict[str, Any]) -> tuple[str, bool]:
    quality = row.get("quality", row.get("label", ""))
    bad = row.get("bad", row.get("bad_phrasing", False))
    return str(quality), bool(bad)


def evaluate(rows: list[dict[str, Any]], results: list[ReplyResult]) -> dict[str, Any]:
    """All figures for labelled ``rows`` and their ``results``, in the same order."""
    bad_rows = [(r, x) for r, x in zip(rows, results, strict=True) if _label(r)[1]]
    good_rows = [(r, x) for r, x in zip(rows, results, strict=True) if _label(r)[0] == "good"]
    recall = sum(1 for _, x in bad_rows if x.bad_hits) / len(bad_rows) if bad_rows else None
    alarms = sum(1 for _, x in good_rows if x.bad_hits) / len(good_rows) if good_rows else None
    groups: dict[tuple[str, str], list[tuple[dict[str, Any], ReplyResult]]] = defaultdict(list)
    for r, x in zip(rows, results, strict=True):
        groups[(r["scenario"], r["stage"])].append((r, x))
    wins = pairs = 0.0
    rho_sum = rho_weight = 0.0
    for members in groups.values():
        good = [x.score for r, x in members if _label(r)[0] == "good"]
        poor = [x.score for r, x in members if _label(r)[0] == "poor"]
        for g in good:
            for p in poor:
                pairs += 1
                wins += 1.0 if g > p else 0.5 if g == p else 0.0
        graded = [(float(r["grade"]), float(x.score)) for r, x in members if "grade" in r]
        rho = spearman([g for g, _ in graded], [s for _, s in graded])
        if rho is not None:
            rho_sum += rho * len(graded)
            rho_weight += len(graded)
    kinds: dict[str, list[ReplyResult]] = defaultdict(list)
    for r, x in zip(rows, results, strict=True):
        kinds[str(r.get("kind") or r.get("quality") or "?")].append(x)
    return {
        "n": len(rows),
        "bad_recall": recall,
        "n_bad": len(bad_rows),
        "false_alarms": alarms,
        "n_good": len(good_rows),
        "good_over_poor": wins / pairs if pairs else None,
        "pairs": int(pairs),
        "spearman": rho_sum / rho_weight if rho_weight else None,
        "kinds": {
            k: {
                "n": len(v),
                "mean": statistics.fmean(x.score for x in v),
                "under_45": sum(1 for x in v if x.score < 45) / len(v),
                "bad_hit": sum(1 for x in v if x.bad_hits) / len(v),
            }
            for k, v in sorted(kinds.items())
        },
    }


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
    catalog = load_catalog()
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
            quality, bad = _label(r)
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
