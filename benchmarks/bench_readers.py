"""Reader throughput: text-layer PDFs through the whole pipeline, OCR'd scans, and plain pdfplumber.

The documents are built from the seed plans at run time (tests/builders.py):
every seed laid out as a PDF with ruled tables, and a few pages of seed text
rendered as an image-only scan. Each measurement runs in its own process so
its peak RSS is its own.

    .venv/bin/python benchmarks/bench_readers.py [--repeat 2] [--ocr-pages 2]

pages/s is steady state; the first document of each process (imports, NLP
models) is timed apart as warm-up.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def build(folder: Path, ocr_pages: int) -> None:
    from builders import RAW, render_pdf, render_scan, seed_items

    for seed in sorted(RAW.glob("*.txt")):
        render_pdf(folder / f"{seed.stem}.pdf", seed_items(seed.name[:3]))
    prose = [x for x in seed_items("000") if isinstance(x, str)]
    import pymupdf

    scans = pymupdf.open()
    for k in range(ocr_pages):
        page = render_scan(folder / f"scan{k}.tmp.pdf", prose[6 + 5 * k : 11 + 5 * k])
        scans.insert_pdf(pymupdf.open(page))
        page.unlink()
    (folder / "scans").mkdir()
    scans.save(folder / "scans" / "scan.pdf")


def phase(name: str, folder: Path, repeat: int) -> dict:
    """One measurement in steady state (after one untimed document: imports, model loading);
    returns pages, seconds, the warm-up seconds and this process's peak RSS."""
    import pymupdf

    pdfs = sorted(folder.glob("*.pdf")) if name != "ocr" else sorted((folder / "scans").glob("*.pdf"))
    pages = sum(pymupdf.open(p).page_count for p in pdfs)

    def run(path: Path) -> None:
        if name == "pdfplumber":
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_tables()
        else:
            from pipeline.config import Limits
            from pipeline.run import process_file

            outcome = process_file(path, Limits())
            assert outcome.status == "ok", outcome.message

    started = time.perf_counter()
    run(pdfs[0])
    warmup = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(repeat):
        for path in pdfs:
            run(path)
    seconds = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"phase": name, "pages": pages * repeat, "seconds": seconds, "warmup": warmup, "rss_mb": rss_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--ocr-pages", type=int, default=2)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, Path(args.folder), args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        build(folder, args.ocr_pages)
        results = []
        for name, repeat in (("pipeline", args.repeat), ("pdfplumber", args.repeat), ("ocr", 1)):
            cmd = [sys.executable, __file__, "--phase", name, "--folder", tmp, "--repeat", str(repeat)]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            results.append(json.loads(out.strip().splitlines()[-1]))
    labels = {
        "pipeline": "text-layer PDF, whole pipeline",
        "pdfplumber": "pdfplumber extract_tables only",
        "ocr": "scanned PDF (OCR), whole pipeline",
    }
    print(f"{'measurement':<36}{'pages':>7}{'seconds':>10}{'pages/s':>10}{'warm-up s':>11}{'peak RSS MB':>13}")
    for r in results:
        rate = r["pages"] / r["seconds"] if r["seconds"] else float("inf")
        print(
            f"{labels[r['phase']]:<36}{r['pages']:>7}{r['seconds']:>10.2f}{rate:>10.1f}"
            f"{r['warmup']:>11.2f}{r['rss_mb']:>13.0f}"
        )


if __name__ == "__main__":
    main()
