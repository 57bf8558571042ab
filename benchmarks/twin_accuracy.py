"""Twins: the five seeds' tables as a borderless PDF and as Word tables with merged cells, scored.

    .venv/bin/python benchmarks/twin_accuracy.py [--seeds 000,001,002,003,004] [--variants ...]

Each seed's tables (tab-separated rows of its text export, else its gold table rows, as in
`scan_accuracy`) are rendered by tests/builders.py as: `ruled` PDF and `plain` DOCX (the
references), `bare` PDF (no ruling lines, cells vertically centred over multi-line neighbours),
`top` PDF (no ruling lines, cells aligned at the top), `tight` and `tight_top` (the same without
cell margins: rows touch, as in a Word table whose borders were removed),
`group` DOCX (group title in a first column merged down), `header2` DOCX (two-row header with
merged parents) and `both`. Per file: indicator and task F1, target exactness and lead-agency
accuracy against the gold rows (`pipeline.eval`), and indicator/task F1 against the rows of the
reference twin (PDF variants against `ruled`, DOCX against `plain`; rows compared as
name/title, comparator, value, unit, agencies and deadline).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from builders import render_docx, render_docx_merged, render_pdf, seed_tables  # noqa: E402
from scan_builders import gold_tables, score, table_gold  # noqa: E402
from twins import f1, twin_rows  # noqa: E402

# name -> (reference twin, renderer)
VARIANTS = {
    "ruled": (None, lambda path, tables: render_pdf(path.with_suffix(".pdf"), tables)),
    "bare": ("ruled", lambda path, tables: render_pdf(path.with_suffix(".pdf"), tables, ruled=False, centred=True)),
    "top": ("ruled", lambda path, tables: render_pdf(path.with_suffix(".pdf"), tables, ruled=False)),
    "tight": (
        "ruled",
        lambda path, tables: render_pdf(path.with_suffix(".pdf"), tables, ruled=False, centred=True, tight=True),
    ),
    "tight_top": ("ruled", lambda path, tables: render_pdf(path.with_suffix(".pdf"), tables, ruled=False, tight=True)),
    "plain": (None, lambda path, tables: render_docx(path.with_suffix(".docx"), tables)),
    "group": ("plain", lambda path, tables: render_docx_merged(path.with_suffix(".docx"), tables, True, False)),
    "header2": ("plain", lambda path, tables: render_docx_merged(path.with_suffix(".docx"), tables, False, True)),
    "both": ("plain", lambda path, tables: render_docx_merged(path.with_suffix(".docx"), tables, True, True)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="000,001,002,003,004")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    args = parser.parse_args()
    names = args.variants.split(",")
    needed = names + [ref for n in names if (ref := VARIANTS[n][0]) and ref not in names]
    with tempfile.TemporaryDirectory(prefix="twin_accuracy_") as tmp:
        work = Path(tmp)
        cases, files = [], {}
        for prefix in args.seeds.split(","):
            tables = seed_tables(prefix) or gold_tables(prefix)
            for name in needed:
                path = VARIANTS[name][1](work / f"{prefix}_{name}", tables)
                files[prefix, name] = path
                cases.append((path, table_gold(prefix, path.name)))
        started = time.perf_counter()
        results = score(cases, work / "score")
        rows = {key: twin_rows(path) for key, path in files.items()}
        header = ["ind F1", "task F1", "target", "lead", "twin ind", "twin task"]
        print(f"{'file':24} " + " ".join(f"{h:>9}" for h in header))
        for (prefix, name), path in files.items():
            if name not in names:
                continue
            m = results[path.name]
            cells = [m[k] for k in ("ind_f1", "task_f1", "target", "lead")]
            ref = VARIANTS[name][0]
            if ref:
                (want_t, want_i), (got_t, got_i) = rows[prefix, ref], rows[prefix, name]
                cells += [f1(want_i, got_i), f1(want_t, got_t)]
            else:
                cells += [None, None]
            print(f"{path.name:24} " + " ".join("        –" if v is None else f"{v:9.3f}" for v in cells))
        print(json.dumps({"seconds": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    main()
