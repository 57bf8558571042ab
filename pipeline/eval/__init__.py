"""QA: score a run's outputs against hand-made gold annotations (`python -m pipeline eval`)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from pipeline.eval.evaluate import evaluate
from pipeline.eval.gold import Gold, GoldError, load_gold
from pipeline.outputs import atomic_write, write_csv

__all__ = ["Gold", "GoldError", "evaluate", "evaluate_folders", "load_gold", "load_predictions"]

PRED_TABLES = ("documents", "indicators", "tasks")


def load_predictions(folder: Path) -> dict[str, pd.DataFrame]:
    """The run's Parquet outputs needed for scoring; a missing file is an error, not an empty score."""
    missing = [n for n in PRED_TABLES if not (Path(folder) / f"{n}.parquet").is_file()]
    if missing:
        raise FileNotFoundError(f"{folder}: no {', '.join(m + '.parquet' for m in missing)}")
    return {n: pd.read_parquet(Path(folder) / f"{n}.parquet") for n in PRED_TABLES}


def evaluate_folders(gold_dir: Path, pred_dir: Path, out_dir: Path | None = None) -> tuple[dict, pd.DataFrame]:
    """Load gold and predictions, score them, write metrics.json and errors.csv into out_dir (default pred_dir)."""
    metrics, errors = evaluate(load_gold(gold_dir), load_predictions(pred_dir))
    out = Path(out_dir or pred_dir)
    text = json.dumps(metrics, ensure_ascii=False, indent=2)
    atomic_write(out / "metrics.json", lambda tmp: Path(tmp).write_text(text + "\n", encoding="utf-8"))
    write_csv(errors, out / "errors.csv")
    return metrics, errors
