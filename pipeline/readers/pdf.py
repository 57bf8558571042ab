"""PDF reader: PyMuPDF for text with positions, pdfplumber for table structure, OCR for scans.

PyMuPDF is fast, so every page's text, word boxes and ruling lines come from
it; ruled tables are rebuilt from those rules (`lattice`), and pdfplumber, ten
times slower, is the fallback for pages whose rules do not close into a grid.
Tables without lines are rebuilt from PyMuPDF word boxes (x-clusters, see
`aligned`): pdfplumber's text strategy cuts wrapped cell text into one column
per word run. Pages with no usable text layer go to Tesseract. A table that runs over a page break
is one table: the repeated header is dropped, a row cut in two is merged.
Coordinates are those of the page as displayed (rotation applied), so rotated
and landscape pages read in the right order.
"""

from __future__ import annotations

import io
import itertools
import re

from pipeline.config import Limits
from pipeline.executors import call_with_deadline, kill_children
from pipeline.extract.tables import classify_header
from pipeline.model import BBox, Document, Page
from pipeline.normalize.fold import fold
from pipeline.progress import page_read
from pipeline.readers import ReadError, aligned, lattice, page_guard
from pipeline.readers import legacy as legacy_enc
from pipeline.readers.grid import GridRow, add_line, add_table, squeeze_spaces, union
from pipeline.readers.ocr_pages import Prefetch
from pipeline.readers.page import PageContent, PageTable, TextLine, reflow
from pipeline.readers.page_guard import PageTimeout

_PAGE_NUMBER = re.compile(r"^(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?$", re.I)
_RULED = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def open_pdf(data: bytes):
    """A PyMuPDF document; ReadError for corrupt, truncated, encrypted or empty files."""
    import pymupdf

    try:
        pdf = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise ReadError(f"PDF is corrupt or truncated and cannot be opened ({exc})", "corrupt") from exc
    if pdf.needs_pass and not pdf.authenticate(""):
        raise ReadError("PDF is encrypted with a password; supply a decrypted copy", "encrypted")
    if pdf.page_count == 0:
        raise ReadError("PDF has no pages (corrupt or truncated file)", "no_pages")
    return pdf


def read_pdf(doc: Document, data: bytes, limits: Limits) -> None:
    pdf = open_pdf(data)
    doc.format = "pdf"
    if pdf.page_count > limits.max_pages:
        raise ReadError(f"PDF has {pdf.page_count} pages, over the limit of {limits.max_pages}", "too_many_pages")
    if pdf.is_repaired:
        doc.diagnose("read", "warning", "PDF structure was damaged and repaired; check the text", code="pdf_repaired")
    plumber = _Plumber(data)
    contents: list[PageContent] = []
    scans = Prefetch(pdf, limits)
    for index in range(pdf.page_count):
        try:
            page_guard.reset_warnings()
            page = pdf[index]
            contents.append(
                call_with_deadline(
                    limits.max_page_seconds,
                    _read_page,
                    doc,
                    page,
                    index + 1,
                    plumber,
                    limits,
                    scans,
                    timeout=PageTimeout,
                )
            )
        except ReadError:
            raise
        except PageTimeout:
            kill_children()  # an OCR of the page left running
            _page_failed(doc, index + 1, f"took over the limit of {limits.max_page_seconds:g} s", "page_too_slow")
        except Exception as exc:  # one broken page is reported, the others are read
            _page_failed(doc, index + 1, f"could not be read: {exc}", "page_error")
    plumber.close()
    scans.close()
    failed = [p.number for p in doc.pages if p.method == "failed"]
    if failed and len(failed) == len(doc.pages):  # nothing readable: report the file
        raise ReadError(
            f"PDF is truncated or damaged: {len(failed)} of {pdf.page_count} pages cannot be read", "corrupt"
        )
    _emit(doc, contents)
    if not any(ln.text.strip() for ln in doc.lines):  # a scan that could not be OCR'd: say why
        reasons = ("ocr_unavailable", "ocr_disabled", "page_too_large")
        why = next((d for d in doc.diagnostics if d.code in reasons), None)
        if why is not None:
            raise ReadError(f"scanned PDF without a text layer: {why.reason}", why.code)
    fix_legacy(doc)


def _page_failed(doc: Document, number: int, why: str, code: str) -> None:
    if not doc.pages or doc.pages[-1].number != number:
        doc.pages.append(Page(number=number))
    doc.pages[-1].method = "failed"
    doc.diagnose("read", "error", f"page {number} {why}", code=code, page=number)


def fix_legacy(doc: Document) -> None:
    """Convert TCVN3/VNI mojibake in lines and table cells, with an info diagnostic; then drop soft hyphens."""
    texts, encoding, changed = legacy_enc.fix_lines([ln.text for ln in doc.lines])
    if encoding is None:
        _drop_soft_hyphens(doc)
        return
    for line, text in zip(doc.lines, texts, strict=True):
        line.text = text
    for table in doc.tables:
        table.header = legacy_enc.fix_lines(table.header, encoding)[0]
        for row in table.rows:
            fixed = legacy_enc.fix_lines([c.text for c in row.cells], encoding)[0]
            for cell, text in zip(row.cells, fixed, strict=True):
                cell.text = text
            row.raw = "\n".join(legacy_enc.fix_lines(row.raw.split("\n"), encoding)[0])
        table.kind = classify_header(table.header)
    doc.encoding = encoding
    doc.diagnose("read", "info", legacy_enc.describe(encoding, changed, "lines"), code="legacy_encoding")
    _drop_soft_hyphens(doc)


def _drop_soft_hyphens(doc: Document) -> None:
    for line in doc.lines:
        line.text = line.text.replace("\u00ad", "")
    for table in doc.tables:
        table.header = [h.replace("\u00ad", "") for h in table.header]
        for row in table.rows:
            row.raw = row.raw.replace("\u00ad", "")
            for cell in row.cells:
                cell.text = cell.text.replace("\u00ad", "")


class _Plumber:
    """pdfplumber opened once, and only if a page needs it."""

    def __init__(self, data: bytes):
        self.data = data
        self.pdf = None

    def page(self, number: int):
        if self.pdf is None:
            import pdfplumber

            self.pdf = pdfplumber.open(io.BytesIO(self.data))
        return self.pdf.pages[number - 1]

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _read_page(doc: Document, page, number: int, plumber: _Plumber, limits: Limits, scans: Prefetch) -> PageContent:
    rect = page.rect  # rotation applied
    info = Page(number=number, width=rect.width, height=rect.height, method="pymupdf", rotation=page.rotation)
    doc.pages.append(info)
    textpage = page.get_textpage()
    lines = text_lines(page, textpage)
    content = PageContent(number, rect.width, rect.height, [])
    text = " ".join(ln.text for ln in lines)
    if damaged := page_guard.damage():
        if not lines:  # nothing readable: not a scan to OCR, a damaged page
            raise ValueError(f"its content is damaged ({damaged})")
        why = f"page {number} is partly damaged ({damaged})"
        doc.diagnose("read", "warning", why, code="page_damaged", page=number)
    if not lines or _is_garbage(text) or (len(text) < 50 and page.get_images()):  # a scan, maybe with a stamp
        from pipeline.readers import ocr, page_image

        too_large = page_guard.too_many_pixels(doc, info, page_image.render_dpi(page), limits)
        scanned = None if too_large else scans.take(number)
        ocr_content = None if too_large else ocr.read_page(doc, page, info, limits, bool(lines), scanned)
        if ocr_content is not None:
            page_read(doc.sha256, number, page.parent.page_count)  # the batch's bar shows the scan's pages
            return ocr_content
        content.items = list(lines)
        return content
    tables: list[PageTable] = []
    words = page_words(page, textpage)
    horizontal, vertical = lattice.rules(page)
    if len(horizontal) >= 3 and len(vertical) >= 3:  # ruling lines: a grid from the rules themselves
        for found in lattice.find_tables(horizontal, vertical, words, number):
            xs = [round(x / rect.width, 3) for x in found.xs]
            tables.append(PageTable(found.grid, found.bbox, "pdf-ruled", len(found.xs), xs))
        if not tables:  # rules PyMuPDF's drawings do not close into a grid: ask pdfplumber
            tables = _plumber_tables(plumber.page(number), rect.width)
            info.method = "pdfplumber"
    words = [w for w in words if not any(_center_in(w.bbox, t.bbox) for t in tables)]
    for found in aligned.find_tables(words, number):
        xs = [round(x / rect.width, 3) for x in found.xs]
        tables.append(PageTable(found.grid, found.bbox, "pdf-aligned", len(found.xs), xs))
    inside = [ln for ln in lines if not any(_center_in(ln.bbox, t.bbox) for t in tables)]
    content.items = sorted([*reflow(inside), *tables], key=lambda it: (it.bbox[1], it.bbox[0]))
    return content


def page_words(page, textpage=None) -> list[aligned.Word]:
    matrix = tuple(page.rotation_matrix)
    return [aligned.Word(w[4], transform(matrix, w[:4])) for w in page.get_text("words", textpage=textpage)]


def transform(m: tuple, bbox) -> BBox:
    """A box through a PyMuPDF matrix (a, b, c, d, e, f) in plain floats: Rect objects are slow."""
    x0, y0, x1, y1 = bbox
    if m == (1.0, 0.0, 0.0, 1.0, 0.0, 0.0):
        return (x0, y0, x1, y1)
    a, b, c, d, e, f = m
    xs = (a * x0 + c * y0 + e, a * x1 + c * y1 + e)
    ys = (b * x0 + d * y0 + f, b * x1 + d * y1 + f)
    return (min(xs), min(ys), max(xs), max(ys))


def text_lines(page, textpage=None) -> list[TextLine]:
    """PyMuPDF lines in displayed coordinates, in reading order."""
    matrix = tuple(page.rotation_matrix)
    raw: list[TextLine] = []
    for b, block in enumerate(page.get_text("dict", textpage=textpage)["blocks"]):
        for line in block.get("lines", []):
            spans = [s for s in line["spans"] if s["text"].strip()]
            if not spans:
                continue
            text = spans[0]["text"]
            for before, span in itertools.pairwise(spans):
                touching = span["bbox"][0] - before["bbox"][2] < span["size"] * 0.15
                text += span["text"] if touching or text.endswith(" ") else " " + span["text"]
            box = transform(matrix, line["bbox"])
            raw.append(TextLine(squeeze_spaces(text), box, b, max(s["size"] for s in spans)))
    raw.sort(key=lambda ln: (round(ln.bbox[1] / 3), ln.bbox[0]))
    return raw


def _is_garbage(text: str) -> bool:
    """A text layer of unmapped glyphs ((cid:12), U+FFFD, private use, controls) is no text layer."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < 20:
        return len(chars) == 0
    bad = sum(1 for c in chars if c == "\ufffd" or 0xE000 <= ord(c) <= 0xF8FF or ord(c) < 32)
    bad += 5 * text.count("(cid:")
    return bad > len(chars) * 0.3


def _plumber_tables(pl_page, page_width: float) -> list[PageTable]:
    found = []
    for table in pl_page.find_tables(table_settings=_RULED):
        grid = _grid(table, pl_page.page_number)
        ncols = max((len(g.texts) for g in grid), default=0)
        if len(grid) < 2 or ncols < 2:
            continue
        xs = sorted({round(c[0] / page_width, 3) for g in grid for c in g.cell_bboxes if c})
        found.append(PageTable(grid, tuple(table.bbox), "pdf-ruled", ncols, xs))
    return found


def _grid(table, page_no: int) -> list[GridRow]:
    """Cell texts by row; a cell merged across columns leaves the covered cells empty, one merged
    down rows repeats its text in each row it covers."""
    texts = table.extract()
    boxes = [list(r.cells) for r in table.rows]
    col_x = sorted({round(c[0], 1) for row in boxes for c in row if c})
    grid: list[GridRow] = []
    for r, (row_texts, row_boxes) in enumerate(zip(texts, boxes, strict=True)):
        out: list[str] = []
        for c, (text, box) in enumerate(zip(row_texts, row_boxes, strict=True)):
            if box is not None:
                out.append(squeeze_spaces(text))
                continue
            left = next((b for b in reversed(row_boxes[:c]) if b), None)
            x = col_x[c] if c < len(col_x) else None
            if left is not None and x is not None and left[2] > x + 1:
                out.append("")  # horizontal span
                continue
            top = min((b[1] for b in row_boxes if b), default=0.0)
            above = (k for k in range(r - 1, -1, -1) if boxes[k][c] and boxes[k][c][3] > top + 1)
            out.append(grid[k].texts[c] if (k := next(above, None)) is not None else "")  # vertical span
        bbox = None
        for b in row_boxes:
            bbox = union(bbox, tuple(b)) if b else bbox
        grid.append(GridRow(out, page_no, bbox, [tuple(b) if b else None for b in row_boxes]))
    return grid


def _center_in(bbox: BBox, area: BBox) -> bool:
    x = (bbox[0] + bbox[2]) / 2
    y = (bbox[1] + bbox[3]) / 2
    return area[0] - 1 <= x <= area[2] + 1 and area[1] - 1 <= y <= area[3] + 1


def _continues(prev: PageContent, nxt: PageContent) -> bool:
    """The last table of a page goes on at the top of the next page (same columns)."""
    last = next((it for it in reversed(prev.items) if not _ignorable(it)), None)
    first = next((it for it in nxt.items if not _ignorable(it)), None)
    if not isinstance(last, PageTable) or not isinstance(first, PageTable):
        return False
    if last.layout != first.layout:
        return False
    if last.ncols != first.ncols:  # an unruled page where some column stays empty finds fewer columns
        return last.layout == "pdf-aligned" and aligned.column_map(first.xs, last.xs) is not None
    if _fold_row(first.grid[0]) == _fold_row(last.grid[0]):  # header repeated on the new page
        return True
    if last.bbox[3] > prev.height * 0.7 and first.bbox[1] < nxt.height * 0.3:  # runs off one page onto the next
        return True
    return len(last.xs) == len(first.xs) and all(abs(a - b) < 0.03 for a, b in zip(last.xs, first.xs, strict=True))


def _fold_row(row: GridRow) -> str:
    return fold("".join(row.texts)).replace(" ", "")


def _ignorable(item) -> bool:
    return isinstance(item, TextLine) and bool(_PAGE_NUMBER.match(item.text))


def _emit(doc: Document, contents: list[PageContent]) -> None:
    """Lines and tables in page order; a table continued on the next page becomes one grid."""
    pending: list[GridRow] | None = None
    layout = ""
    start: PageTable | None = None  # the part of the pending table on its first page: its columns
    for k, content in enumerate(contents):
        for item in content.items:
            if isinstance(item, TextLine):
                if pending is not None and _ignorable(item):
                    pending.append(GridRow([item.text], content.number, item.bbox, plain=True))
                    continue
                if pending is not None:
                    add_table(doc, pending, layout)
                    pending = None
                add_line(doc, item.text, content.number, item.bbox).wraps = item.wraps
                continue
            if pending is not None and not (
                item is _first_table(content) and k and _continues(contents[k - 1], content)
            ):
                add_table(doc, pending, layout)
                pending = None
            if pending is None:
                pending, layout, start = list(item.grid), item.layout, item
            else:
                pending.extend(_on_columns(item, start))
    if pending is not None:
        add_table(doc, pending, layout)


def _on_columns(item: PageTable, start: PageTable) -> list[GridRow]:
    """A table's rows on a later page, on the columns of its first page."""
    mapping = aligned.column_map(item.xs, start.xs) if item.ncols != start.ncols else None
    return item.grid if mapping is None else aligned.widen(item.grid, mapping, start.ncols)


def _first_table(content: PageContent) -> PageTable | None:
    return next((it for it in content.items if isinstance(it, PageTable)), None)
