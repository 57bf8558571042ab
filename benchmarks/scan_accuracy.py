"""Scanned plans: the five seeds' tables printed, scanned and read back, scored against their gold rows.

    .venv/bin/python benchmarks/scan_accuracy.py [--seeds 000,001,002,003,004] [--scans clean,office,sideways]
        [--misread RATE] [--no-evidence]

Scans come from tests/scan_builders.py: `clean` 200 dpi; `office` 150 dpi, 1.5° skew, noise,
JPEG and a stamp over the table; `sideways` 200 dpi, -1° skew, noise, JPEG, the landscape pages
stored turned by 90°. Seeds whose text export keeps its tables tab-separated (000, 001) are
printed from those rows; the others from their gold table rows. Per file: indicator and task
F1, target exactness and lead-agency accuracy (`pipeline.eval`, rows paired by name).
`--misread 0.3` makes the OCR read 30% of the '≥' and '%' it sees as Tesseract sometimes does
('2', '>', '='; '0', '9': `scan_builders.ocr_misreads`); `--no-evidence` leaves out the reading of
target cells from the page's evidence (extract/ocr_evidence.py), to see what it does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from scan_builders import Scanner, ocr_misreads, score, seed_table_scan, table_gold  # noqa: E402

SCANS = {
    "clean": Scanner(dpi=200),
    "office": Scanner(dpi=150, skew=1.5, noise=10, jpeg=60, stamp=True),
    "sideways": Scanner(dpi=200, skew=-1.0, noise=8, jpeg=70, sideways=True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="000,001,002,003,004")
    parser.add_argument("--scans", default="clean,office,sideways")
    parser.add_argument("--misread", type=float, default=0.0, help="share of '≥' and '%%' the OCR misreads")
    parser.add_argument("--no-evidence", action="store_true", help="do not read target cells again from evidence")
    args = parser.parse_args()
    if args.no_evidence:
        from pipeline import stages
        from pipeline.extract.indicators import extract_indicators

        stages.STAGES[:] = [(n, extract_indicators if n == "indicators" else s) for n, s in stages.STAGES]
    with tempfile.TemporaryDirectory(prefix="scan_accuracy_") as tmp:
        work = Path(tmp)
        cases = []
        for name in args.scans.split(","):
            (work / name).mkdir()
            for prefix in args.seeds.split(","):
                path = seed_table_scan(prefix, work / name, SCANS[name])
                cases.append((path, table_gold(prefix, path.name)))
        started = time.perf_counter()
        with ocr_misreads(args.misread) if args.misread else contextlib.nullcontext():
            results = score(cases, work / "score")
        print(f"{'file':32} {'ind F1':>7} {'task F1':>7} {'target':>7} {'lead':>7}")
        for file, m in results.items():
            cells = [m[k] for k in ("ind_f1", "task_f1", "target", "lead")]
            print(f"{file:32} " + " ".join("      –" if v is None else f"{v:7.3f}" for v in cells))
        print(json.dumps({"seconds": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    main()
