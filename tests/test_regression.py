"""The pipeline on the seeds, scored against tests/gold: headline figures must not fall below floors.json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from rapidfuzz import fuzz

from pipeline.config import Limits
from pipeline.eval import evaluate, load_gold, load_predictions
from pipeline.eval.evaluate import headline
from pipeline.normalize.fold import fold
from pipeline.run import link_outcomes, process_all, write_outputs

GOLD_DIR = Path(__file__).parent / "gold"
RAW = Path(__file__).parent.parent / "data" / "raw"
FLOORS = json.loads((GOLD_DIR / "floors.json").read_text(encoding="utf-8"))
GOLD = load_gold(GOLD_DIR)


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """One full run over the seeds (stages, then run-level linking), as `python -m pipeline run` does."""
    out = tmp_path_factory.mktemp("run")
    outcomes = process_all(sorted(RAW.glob("*.txt")), Limits())
    write_outputs(outcomes, out, link_outcomes(outcomes, out))
    metrics, _errors = evaluate(GOLD, load_predictions(out))
    assert metrics["missing_documents"] == []
    return headline(metrics)


def test_every_gold_document_has_floors():
    assert set(FLOORS) == {"overall", *GOLD.documents["source_file"]}


@pytest.mark.parametrize(
    ("scope", "key"),
    [(scope, key) for scope, keys in FLOORS.items() for key, floor in keys.items() if floor is not None],
)
def test_headline_figure_meets_floor(figures, scope, key):
    value = figures[scope][key]
    assert value is not None and value >= FLOORS[scope][key], f"{scope} {key} = {value} < {FLOORS[scope][key]}"


@pytest.mark.parametrize("source_file", list(GOLD.documents["source_file"]))
def test_gold_lines_point_at_their_text(source_file):
    """A gold row's `line` must hold the start of its name/title (OCR text for OCR seeds)."""
    lines = (RAW / source_file).read_text(encoding="utf-8").splitlines()
    rows = pd.concat(
        [
            GOLD.indicators.assign(text=GOLD.indicators["name_raw"].fillna(GOLD.indicators["name"])),
            GOLD.tasks.assign(text=GOLD.tasks["title_raw"].fillna(GOLD.tasks["title"])),
        ]
    )
    rows = rows[rows["document"] == source_file]
    bad = [
        (line, text[:50])
        for line, text in zip(rows["line"], rows["text"], strict=True)
        if fuzz.partial_ratio(fold(text)[:40], fold(" ".join(lines[line - 1 : line + 2]))) < 80
    ]
    assert not bad
