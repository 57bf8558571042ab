"""Diacritic restoration measured on the seeds.

1. Every indicator name and task title of the seeds typed with diacritics (000, 001, 002, 004) is
   stripped of its marks and restored; reported: share of syllables restored exactly (case-insensitive),
   share of names restored whole, and words/s.
2. The OCR seed (003): restored names/titles against the gold `name`/`title` of the row on the same
   line (rapidfuzz ratio on NFC lower-case text), beside the raw OCR text against the same gold.

    .venv/bin/python benchmarks/restore_accuracy.py
"""

from __future__ import annotations

import json
import statistics
import time
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.config import Limits
from pipeline.normalize.fold import strip_diacritics
from pipeline.normalize.restore import restore
from pipeline.readers import read_document
from pipeline.stages import STAGES

ROOT = Path(__file__).resolve().parent.parent


def process(path: Path):
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    return doc


def syllable_accuracy(texts: list[str]) -> tuple[float, float, int, float]:
    """(syllable accuracy, whole-text accuracy, syllables, seconds) of strip -> restore."""
    right = total = whole = 0
    start = time.perf_counter()
    restored = [restore(strip_diacritics(t), trust_marks=False).text for t in texts]
    seconds = time.perf_counter() - start
    for original, back in zip(texts, restored, strict=True):
        a, b = original.lower().split(), back.lower().split()
        total += len(a)
        right += sum(x == y for x, y in zip(a, b, strict=False))
        whole += a == b
    return right / total, whole / len(texts), total, seconds


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text or "").lower()


def main() -> None:
    seeds = sorted((ROOT / "data" / "raw").glob("*.txt"))
    docs = {p.name[:3]: process(p) for p in seeds}
    texts = [
        t
        for key in ("000", "001", "002", "004")
        for t in [i.name for i in docs[key].indicators] + [t.title for t in docs[key].tasks]
    ]
    restore("warm up the lexicon")
    acc, whole, n, seconds = syllable_accuracy(texts)
    print(
        f"non-OCR seeds: {len(texts)} names/titles, {n} syllables: syllable accuracy {acc:.3f}, "
        f"whole names {whole:.3f}, {n / seconds:,.0f} syllables/s"
    )

    gold = [json.loads(x) for x in next((ROOT / "tests" / "gold").glob("003_*.jsonl")).read_text().splitlines()]
    doc = docs["003"]
    for kind, rows, field in (("indicators", doc.indicators, "name"), ("tasks", doc.tasks, "title")):
        golds = {g["line"]: g[field] for g in gold if g["type"] == kind[:-1]}
        raw_scores, restored_scores = [], []
        for row in rows:
            line = next((ln for ln in range(row.line_start, row.line_end + 1) if ln in golds), None)
            if line is None:
                continue
            raw = getattr(row, f"{field}_raw")
            raw_scores.append(fuzz.ratio(nfc(raw), nfc(golds[line])))
            restored_scores.append(fuzz.ratio(nfc(getattr(row, field)), nfc(golds[line])))
        print(
            f"003 {kind}: {len(raw_scores)} rows paired by line; ratio to gold: raw "
            f"{statistics.mean(raw_scores):.1f}, restored {statistics.mean(restored_scores):.1f}"
        )


if __name__ == "__main__":
    main()
