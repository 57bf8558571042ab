"""Scans built at test time: the seeds' tables printed (ruled PDF) and scanned like paper.

A real scan of a plan is a photo of the signed paper: a few dpi choices, the sheet
slightly turned on the glass, sensor noise, JPEG compression, a red stamp over the
signature block or a cell, and the landscape appendix pages stored sideways.
`scan_pdf` applies exactly those to the pages of a text PDF and keeps only the
images, so the pipeline must read them by OCR. Everything is seeded: the same
arguments give the same bytes.
"""

from __future__ import annotations

import io
import json
import math
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from builders import RAW, TableItem, render_pdf, seed_tables

GOLD = RAW.parent.parent / "tests" / "gold"


@dataclass(frozen=True)
class Scanner:
    dpi: int = 200
    skew: float = 0.0  # degrees, counter-clockwise
    noise: float = 0.0  # standard deviation of grey-level noise
    jpeg: int | None = None  # JPEG quality; None keeps PNG
    stamp: bool = False  # a round stamp over the table
    sideways: bool = False  # landscape pages stored turned by 90 degrees
    seed: int = 16


def scan_pdf(text_pdf: Path, path: Path, scanner: Scanner) -> Path:
    """An image-only PDF of `text_pdf`'s pages as `scanner` would produce them."""
    import numpy as np
    import pymupdf
    from PIL import Image

    rng = np.random.default_rng(scanner.seed)
    src, out = pymupdf.open(text_pdf), pymupdf.open()
    for number, page in enumerate(src):
        pix = page.get_pixmap(dpi=scanner.dpi, colorspace=pymupdf.csGRAY)
        image = Image.frombytes("L", (pix.width, pix.height), pix.samples)
        if scanner.stamp and number == 0:
            image = _stamp(image, scanner.dpi)
        if scanner.skew:
            image = image.rotate(scanner.skew, resample=Image.BICUBIC, fillcolor=255)
        if scanner.noise:
            pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, scanner.noise, (image.height, image.width))
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        width, height = page.rect.width, page.rect.height
        if scanner.sideways and width > height:  # the landscape sheet fed into the scanner portrait
            image = image.transpose(Image.ROTATE_90)
            width, height = height, width
        buf = io.BytesIO()
        if scanner.jpeg:
            image.save(buf, format="JPEG", quality=scanner.jpeg)
        else:
            image.save(buf, format="PNG")
        new = out.new_page(width=width, height=height)
        new.insert_image(new.rect, stream=buf.getvalue())
    out.save(path, deflate=True, garbage=3)
    return path


def _stamp(image, dpi: int):
    """A grey ring with lettering, as a red seal comes out of a grey scan, over the table's right half."""
    from builders import font_path
    from PIL import ImageDraw, ImageFont

    draw = ImageDraw.Draw(image)
    radius = int(0.55 * dpi)
    cx, cy = int(image.width * 0.72), int(image.height * 0.32)
    for k in range(max(2, dpi // 60)):
        draw.ellipse((cx - radius + k, cy - radius + k, cx + radius - k, cy + radius - k), outline=150)
    inner = radius - dpi // 8
    draw.ellipse((cx - inner, cy - inner, cx + inner, cy + inner), outline=150, width=max(1, dpi // 100))
    font = ImageFont.truetype(font_path(bold=True), max(8, dpi // 12))
    draw.text((cx, cy), "ỦY BAN", font=font, fill=160, anchor="mm")
    for k in range(40):  # a signature stroke in the margin
        t = k / 39
        x0 = int(image.width * (0.08 + 0.2 * t))
        y0 = int(image.height * 0.95 + dpi * 0.1 * math.sin(t * 12))
        draw.ellipse((x0, y0, x0 + 3, y0 + 3), fill=60)
    return image


SIGN_MISREADS = ("2", ">", "=")  # what Tesseract's Vietnamese model makes of '≥'
PERCENT_MISREADS = ("0", "9")  # and of a '%' after a number


def misread_word(word: str, key: str, rate: float) -> str:
    """`word` as Tesseract sometimes reads it: a leading '≥' as '2', '>' or '=', a '%' after a digit
    as '0' or '9'; each with probability `rate`, decided by a hash of `key` (the same word at the
    same place is always read the same, whatever the order pages are read in)."""
    h = zlib.crc32(key.encode())
    if word.startswith("≥") and h % 1000 < rate * 1000:
        word = SIGN_MISREADS[(h >> 10) % len(SIGN_MISREADS)] + word[1:]
    h = zlib.crc32(f"%{key}".encode())
    if re.search(r"\d%$", word) and h % 1000 < rate * 1000:
        word = word[:-1] + PERCENT_MISREADS[(h >> 10) % len(PERCENT_MISREADS)]
    return word


@contextmanager
def ocr_misreads(rate: float) -> Iterator[None]:
    """Within the block the scan reader's words (after the glyph has had its say) carry Tesseract's
    misreadings of '≥' and '%' (`misread_word`), so their effect on the rows can be measured."""
    from pipeline.readers import scan_tables

    original = scan_tables.read_sign

    def read_sign(pixels, text, box, uncertain):
        return misread_word(original(pixels, text, box, uncertain), f"{text}|{box}", rate)

    scan_tables.read_sign = read_sign
    try:
        yield
    finally:
        scan_tables.read_sign = original


def table_gold(prefix: str, source_file: str) -> list[dict]:
    """The gold records of a seed restricted to its table rows (the document record first)."""
    path = next(GOLD.glob(f"{prefix}_*.jsonl"))
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    keep = [r for r in records[1:] if r.get("source") == "table"]
    n_ind = sum(r["type"] == "indicator" for r in keep)
    doc = dict(records[0], source_file=source_file, n_indicator_rows=n_ind, n_task_rows=len(keep) - n_ind)
    return [doc, *keep]


INDICATOR_HEADER = ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Chỉ tiêu năm {year}", "Cơ quan chủ trì"]
TASK_HEADER = ["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian hoàn thành"]


def gold_tables(prefix: str) -> list[TableItem]:
    """A plan's table rows laid out again as its tables, from its gold records: for the seeds
    whose text export flattened the tables (no tab-separated rows to print)."""
    document, *rows = table_gold(prefix, "")
    out = []
    for kind, header in (("indicator", INDICATOR_HEADER), ("task", TASK_HEADER)):
        table, group = [[h.format(year=document["plan_year"]) for h in header]], None
        for r in (r for r in rows if r["type"] == kind):
            if r.get("group") and r["group"] != group:
                group = r["group"]
                numeral, _, title = group.partition(" ")
                table.append([numeral, title] + [""] * (len(header) - 2))
            if kind == "indicator":
                cells = [r.get("unit_raw") or "", r.get("target_raw") or "", r.get("lead_agency") or ""]
                table.append([r.get("code") or "", r["name"], *cells])
            else:
                partners = ", ".join(r.get("coordinating_agencies") or [])
                cells = [r.get("lead_agency") or "", partners, r.get("output") or "", r.get("deadline_raw") or ""]
                table.append([r.get("code") or "", r["title"], *cells])
        if len(table) > 1:
            out.append(TableItem([table]))
    return out


def seed_table_scan(prefix: str, folder: Path, scanner: Scanner, ruled: bool = True) -> Path:
    """The seed's tables printed as a PDF (vertically centred headers) and scanned by `scanner`."""
    tables = seed_tables(prefix) or gold_tables(prefix)
    text_pdf = render_pdf(folder / f"{prefix}_tables.pdf", tables, ruled=ruled, centred=True)
    name = f"{prefix}_{scanner.dpi}dpi{'_skew' if scanner.skew else ''}{'_side' if scanner.sideways else ''}.pdf"
    path = scan_pdf(text_pdf, folder / name, scanner)
    text_pdf.unlink()
    return path


def score(cases: list[tuple[Path, list[dict]]], work: Path) -> dict[str, dict]:
    """Pipeline run over scanned files, scored by name against their gold rows: per file
    indicator/task F1, target exactness and lead-agency accuracy (rows pooled)."""
    from pipeline.config import Limits
    from pipeline.eval import evaluate, load_predictions
    from pipeline.eval.gold import load_gold
    from pipeline.run import process_all, write_outputs

    gold_dir, out = work / "gold", work / "out"
    gold_dir.mkdir(parents=True, exist_ok=True)
    for path, records in cases:
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
        (gold_dir / f"{path.stem}.jsonl").write_text(text, encoding="utf-8")
    write_outputs(process_all([p for p, _ in cases], Limits()), out)
    metrics, _errors = evaluate(load_gold(gold_dir), load_predictions(out), lines=False)
    results = {}
    for path, _ in cases:
        m = metrics["documents"][path.name]
        ind, task = m["indicators"], m["tasks"]
        matched = (ind["matched"] or 0) + (task["matched"] or 0)
        right = (ind["lead_accuracy"] or 0) * (ind["matched"] or 0) + (task["lead_accuracy"] or 0) * (
            task["matched"] or 0
        )
        results[path.name] = {
            "ind_f1": ind["f1"],
            "task_f1": task["f1"],
            "target": ind["target_accuracy"],
            "lead": right / matched if matched else None,
        }
    return results
