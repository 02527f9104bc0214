"""Agreement with a trainer's judgement on 150+ hand-labelled replies.

Labels were written from the course's point of view (tests/data/replies.jsonl), not from
the scorer's output: good/poor, and whether the reply contains phrasing the course says
to avoid.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter

import pytest

from mot_sim.catalog import Catalog
from mot_sim.scoring import ReplyResult, Scorer
from mot_sim.stages import STAGE_IDS
from tests.conftest import DATA

ROWS = [json.loads(line) for line in (DATA / "replies.jsonl").read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def results(catalog: Catalog, scorer: Scorer) -> dict[str, ReplyResult]:
    return {
        r["id"]: scorer.score(catalog.get(r["scenario"]).scenario, r["stage"], r["text"], "Sam")
        for r in ROWS
    }


def test_the_set_covers_what_it_claims() -> None:
    assert len(ROWS) >= 150
    cells = Counter((r["scenario"], r["stage"]) for r in ROWS)
    assert {s for _, s in cells} == set(STAGE_IDS) and len(cells) == 15
    assert min(cells.values()) >= 8
    tags = Counter(t for r in ROWS for t in r["tags"])
    for tag in ("typo", "british", "negation", "stuffing", "offtopic"):
        assert tags[tag] >= 2, tag


def test_bad_phrasing_is_caught(results: dict[str, ReplyResult]) -> None:
    bad = [r for r in ROWS if r["bad_phrasing"]]
    caught = [r for r in bad if results[r["id"]].bad_hits]
    missed = [r["text"] for r in bad if not results[r["id"]].bad_hits]
    assert len(caught) / len(bad) >= 0.95, missed


def test_good_replies_are_not_accused(results: dict[str, ReplyResult]) -> None:
    good = [r for r in ROWS if r["label"] == "good"]
    accused = [
        (r["text"], [h.rule for h in results[r["id"]].bad_hits])
        for r in good
        if results[r["id"]].bad_hits
    ]
    assert len(accused) / len(good) <= 0.03, accused


def test_good_outscores_poor_within_each_cell(results: dict[str, ReplyResult]) -> None:
    key = lambda r: (r["scenario"], r["stage"])  # noqa: E731
    pairs = wins = 0
    losses = []
    for _, cell in itertools.groupby(sorted(ROWS, key=key), key=key):
        cell = list(cell)
        for g, p in itertools.product(cell, cell):
            if g["label"] == "good" and p["label"] == "poor":
                pairs += 1
                if results[g["id"]].score > results[p["id"]].score:
                    wins += 1
                else:
                    losses.append((g["text"], p["text"]))
    assert wins / pairs >= 0.95, losses
