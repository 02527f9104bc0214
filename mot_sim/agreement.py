"""Agreement between the scorer and a trainer's labels: the figures bench/agreement.py
prints and tests/test_labelled.py holds the scorer to.

Labelled rows have ``scenario``, ``stage``, ``text``, ``quality`` (``good``/``poor``;
``label`` is read too) and ``bad`` (``bad_phrasing`` too), optionally ``grade`` (1-5) and
``kind``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from mot_sim.scoring import ReplyResult


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
    return float(cov / (vx * vy) ** 0.5)


def label(row: dict[str, Any]) -> tuple[str, bool]:
    quality = row.get("quality", row.get("label", ""))
    bad = row.get("bad", row.get("bad_phrasing", False))
    return str(quality), bool(bad)


def evaluate(rows: list[dict[str, Any]], results: list[ReplyResult]) -> dict[str, Any]:
    """All figures for labelled ``rows`` and their ``results``, in the same order."""
    bad_rows = [(r, x) for r, x in zip(rows, results, strict=True) if label(r)[1]]
    good_rows = [(r, x) for r, x in zip(rows, results, strict=True) if label(r)[0] == "good"]
    recall = sum(1 for _, x in bad_rows if x.bad_hits) / len(bad_rows) if bad_rows else None
    alarms = sum(1 for _, x in good_rows if x.bad_hits) / len(good_rows) if good_rows else None
    groups: dict[tuple[str, str], list[tuple[dict[str, Any], ReplyResult]]] = defaultdict(list)
    for r, x in zip(rows, results, strict=True):
        groups[(r["scenario"], r["stage"])].append((r, x))
    wins = pairs = 0.0
    rho_sum = rho_weight = 0.0
    for members in groups.values():
        good = [x.score for r, x in members if label(r)[0] == "good"]
        poor = [x.score for r, x in members if label(r)[0] == "poor"]
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
