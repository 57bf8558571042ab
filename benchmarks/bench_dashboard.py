"""Province-scale comparison outputs: `compare`, the dashboard and the Excel workbook for many communes.

The outputs of a seed run are replicated as N communes (each copy in its own province, so every
copy is a distinct commune key), then the three province commands are timed. Reports seconds,
file sizes and, when Chromium is installed, the time the dashboard takes to draw in a browser.

    .venv/bin/python -m pipeline run data/raw --out /tmp/seeds -q
    .venv/bin/python benchmarks/bench_dashboard.py /tmp/seeds [--communes 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from pipeline.export import build_comparison, write_comparison, write_xlsx
from pipeline.outputs import write_parquet
from pipeline.report import write_report

TABLES = ("documents", "indicators", "tasks", "diagnostics", "headings")


def replicate(pred: Path, out: Path, communes: int) -> None:
    frames = {t: pd.read_parquet(pred / f"{t}.parquet") for t in TABLES}
    docs = frames["documents"]
    copies = {t: [] for t in TABLES}
    for k in range(-(-communes // len(docs))):
        ids = {d: f"{d}-{k}" for d in docs["doc_id"]}
        for t, frame in frames.items():
            copy = frame.assign(doc_id=frame["doc_id"].map(ids))
            if t == "documents":
                copy = copy.assign(province=[f"Tỉnh số {k}"] * len(copy))
            copies[t].append(copy)
    import pyarrow as pa

    for t in TABLES:
        frame = pd.concat(copies[t], ignore_index=True)
        if t == "documents":
            frame = frame.head(communes)
        write_parquet(pa.Table.from_pandas(frame, preserve_index=False), out / f"{t}.parquet")
    (out / "catalog.parquet").write_bytes((pred / "catalog.parquet").read_bytes())


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label}: {time.perf_counter() - start:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pred", type=Path, help="outputs of a seed run")
    parser.add_argument("--communes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        replicate(args.pred, out, args.communes)
        cmp = timed("compare", lambda: build_comparison(out))
        write_comparison(cmp, out / "cmp")
        print(f"comparison rows: {len(cmp.rows)}, detail rows: {len(cmp.detail)}")
        report = timed("report", lambda: write_report(out, out / "report.html"))
        print(f"report.html: {report.stat().st_size / 1e6:.1f} MB")
        book = timed("export", lambda: write_xlsx(out, out / "book.xlsx"))
        print(f"book.xlsx: {book.stat().st_size / 1e6:.1f} MB")
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        from browser import CHROMIUM, Browser

        if CHROMIUM:
            browser = Browser(out / "profile")
            try:
                browser.open(report.as_uri(), 1280, 900)
                nav = "performance.getEntriesByType('navigation')[0]"
                print(f"browser load to drawn: {browser.js(nav + '.loadEventEnd') / 1000:.2f} s")
                start = browser.js("performance.now()")
                browser.js(
                    "(e => { e.value = e.options[e.options.length - 1].value; e.dispatchEvent(new Event('change')); })"
                    "(document.getElementById('year'))"
                )
                print(f"year change redraw: {(browser.js('performance.now()') - start) / 1000:.2f} s")
                print(f"console errors: {len(browser.errors)}")
            finally:
                browser.close()


if __name__ == "__main__":
    main()
