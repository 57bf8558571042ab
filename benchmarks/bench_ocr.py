"""OCR throughput: the pipeline on a scanned PDF beside plain Tesseract on the same page images.

    .venv/bin/python benchmarks/bench_ocr.py [--seeds 000,001] [--dpi 200] [--repeat 2] [--jobs N]

The seeds' tables are printed and scanned (tests/scan_builders.py: skew, noise, JPEG, a
stamp). Plain Tesseract reads the very images the pipeline OCRs (`page_image.render`),
`tesseract IMAGE - -l vie`, one single-threaded process per core; the pipeline reads the
PDF (`read_document`: deskew, rules, cells, page pass, pages over the cores) and runs
every extraction stage. Runs alternate (plain, pipeline, plain, ...) so a busy machine
slows both alike; the best of `--repeat` runs is reported, with the ratio.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from pipeline.config import Limits, default_jobs  # noqa: E402
from pipeline.readers import page_image, read_document  # noqa: E402
from pipeline.stages import STAGES  # noqa: E402


def build(folder: Path, seeds: list[str], dpi: int) -> list[Path]:
    from scan_builders import Scanner, seed_table_scan

    scanner = Scanner(dpi=dpi, skew=1.2, noise=8, jpeg=70, stamp=True)
    return [seed_table_scan(prefix, folder, scanner) for prefix in seeds]


def page_images(pdfs: list[Path], folder: Path) -> list[Path]:
    """The images the pipeline gives Tesseract's page pass, as PNG files."""
    import pymupdf

    out = []
    for pdf_path in pdfs:
        pdf = pymupdf.open(pdf_path)
        for page in pdf:
            image, _dpi = page_image.render(page)
            path = folder / f"{pdf_path.stem}_{page.number + 1}.png"
            image.save(path)
            out.append(path)
    return out


def plain(images: list[Path], jobs: int) -> float:
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(path: Path) -> None:
        subprocess.run(["tesseract", str(path), "-", "-l", "vie"], env=env, capture_output=True, check=True)

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - started


def pipeline(pdfs: list[Path], jobs: int) -> tuple[float, int, int]:
    started = time.perf_counter()
    rows = tables = 0
    for path in pdfs:
        doc = read_document(path, Limits(ocr_threads=jobs))
        for _name, stage in STAGES:
            stage(doc)
        rows += len(doc.indicators) + len(doc.tasks)
        tables += len(doc.tables)
    return time.perf_counter() - started, tables, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="000")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_ocr_") as tmp:
        folder = Path(tmp)
        pdfs = build(folder, args.seeds.split(","), args.dpi)
        images = page_images(pdfs, folder)
        plain_runs, pipe_runs = [], []
        for _ in range(args.repeat):
            plain_runs.append(plain(images, args.jobs))
            seconds, tables, rows = pipeline(pdfs, args.jobs)
            pipe_runs.append(seconds)
        best_plain, best_pipe = min(plain_runs), min(pipe_runs)
        print(f"pages: {len(images)} at {args.dpi} dpi scans, {args.jobs} processes/threads")
        print(f"plain tesseract -l vie : {best_plain:6.1f} s  ({len(images) / best_plain:.2f} pages/s)")
        print(f"pipeline (read+extract): {best_pipe:6.1f} s  ({len(images) / best_pipe:.2f} pages/s)")
        print(f"  {tables} tables, {rows} indicator/task rows")
        print(f"ratio pipeline / plain : {best_pipe / best_plain:.2f}x")


if __name__ == "__main__":
    main()
