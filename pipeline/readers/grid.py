"""Cell grids read from PDF, DOCX or OCR -> `Table` blocks plus their source lines.

Every reader that sees a table as a grid of cells hands it here, so all formats
get the same treatment as tab-separated exports: the first row is the header,
a header repeated after a page break is dropped, a row cut by a page break
(first cell empty, text going on in lower case) is merged into the row above;
on the same page such a row is a sub-row and stays.
Each grid row also becomes one tab-joined `Line`, so rows keep line numbers
for provenance and the text-table stage sees the span as already taken.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipeline.extract.columns import role_of
from pipeline.extract.tables import classify_header, is_continuation
from pipeline.model import BBox, Cell, Document, Line, Row, Table
from pipeline.normalize.fold import fold
from pipeline.settings import SETTINGS

_SPACES = re.compile(r"\s+")
# The first cell of a header's further rows: empty, or a column number '(1)'.
_HEADER_GOES_ON = re.compile(r"^(?:\(?\d{1,2}\))?$")
_VISUAL_LINES = ("pdf-aligned", "ocr")  # layouts whose grid rows are printed lines (readers/aligned.py)


@dataclass(slots=True)
class GridRow:
    texts: list[str]
    page: int | None = None
    bbox: BBox | None = None
    cell_bboxes: list[BBox | None] = field(default_factory=list)
    # The reader knows this row goes on from the one above (a wrapped line of
    # an unruled table); page-break continuations are found here.
    continues: bool = False
    plain: bool = False  # not a row: a page number between the parts of a table, kept as a line


def squeeze_spaces(text: str | None) -> str:
    """Spaces collapsed. Soft hyphens stay until `fix_legacy`: in TCVN3 that code is the letter 'ư'."""
    return _SPACES.sub(" ", text or "").strip()


def _key(texts: list[str]) -> str:
    return "".join(fold(t) for t in texts).replace(" ", "")


def _near(a: str, b: str) -> bool:
    """A header repeated at a page top, as OCR reads it again (a letter or a word lost or misread)."""
    return fuzz.ratio(a, b) >= 85


def union(a: BBox | None, b: BBox | None) -> BBox | None:
    if a is None or b is None:
        return a or b
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def add_line(doc: Document, text: str, page: int | None, bbox: BBox | None) -> Line:
    line = Line(no=len(doc.lines) + 1, text=text, page=page, bbox=bbox)
    doc.lines.append(line)
    return line


def add_table(doc: Document, grid: list[GridRow], layout: str, stage: str = "read") -> Table | None:
    """Append the grid's lines and its `Table` to `doc`; None for a grid of fewer than two rows."""
    grid = [g for g in grid if any(squeeze_spaces(t) for t in g.texts)]
    if layout in _VISUAL_LINES:
        _mark_wrapped_names(grid)
    grid = _join_wrapped(grid)
    if sum(not g.plain for g in grid) < 2:
        for g in grid:
            add_line(doc, " ".join(squeeze_spaces(t) for t in g.texts if squeeze_spaces(t)), g.page, g.bbox)
        return None
    width = max(len(g.texts) for g in grid if not g.plain)
    rows: list[Row] = []
    header: Row | None = None
    band: set[str] = set()  # keys of the header's further rows ('vụ | chủ trì' under 'Tên nhiệm | Cơ quan')
    repeats = 0
    page, broken = grid[0].page, False
    for g in grid:
        # A row is cut only by a page break (new page or repeated header); on the same
        # page a row with an empty first cell is a sub-row of its own.
        broken = broken or g.page != page
        page = g.page
        if g.plain:
            add_line(doc, squeeze_spaces(" ".join(g.texts)), g.page, g.bbox)
            continue
        texts = [squeeze_spaces(t) for t in g.texts] + [""] * (width - len(g.texts))
        line = add_line(doc, "\t".join(texts).rstrip("\t"), g.page, g.bbox)
        boxes = list(g.cell_bboxes) + [None] * (width - len(g.cell_bboxes))
        row = Row(
            [Cell(t, line.no, line.no, g.page, b) for t, b in zip(texts, boxes, strict=True)],
            line.no,
            line.no,
            g.page,
            raw=line.text,
        )
        target = rows[-1] if rows else header
        key = _key(texts)
        if broken and repeats and key in band:  # the header's further rows, repeated under it
            repeats += 1
            continue
        if target is not None and broken and is_continuation(texts):
            _merge(target, row)
        elif header is None:
            header = row
        elif key == _key(header.texts()) or (broken and _near(key, _key(header.texts()))):
            repeats += 1
            broken = True
            continue
        else:
            if len(rows) == len(band) and _HEADER_GOES_ON.match(texts[0]):
                band.add(key)
            rows.append(row)
        broken = False
    assert header is not None
    table = Table(
        index=len(doc.tables),
        header=header.texts(),
        rows=rows,
        line_start=header.line_start,
        line_end=doc.lines[-1].no,
        page=header.page,
        layout=layout,
        kind=classify_header(header.texts()),
    )
    doc.tables.append(table)
    if repeats:
        doc.diagnose(
            stage,
            "info",
            f"{repeats} repeated header row(s) dropped",
            code="header_repeat",
            **table.where(),
            raw_text="\t".join(table.header),
        )
    return table


def _mark_wrapped_names(grid: list[GridRow]) -> None:
    """In a grid of visual lines whose first column is not a number column, the first column wraps too:
    a line sitting tight under the one above (as `aligned` measures it), its first cell going on in
    lower case, opening no cell the line above left empty, is a wrapped line of that row. A capitalised
    first cell opens a row (the first cell of a row without a number)."""
    rows = [g for g in grid if not g.plain]
    if not rows or role_of(rows[0].texts[0])[0] == "code":
        return
    for above, g in itertools.pairwise(rows):
        if g.continues or above.bbox is None or g.bbox is None or above.page != g.page:
            continue
        first = squeeze_spaces(g.texts[0])
        height = g.bbox[3] - g.bbox[1]
        tight = g.bbox[1] - above.bbox[3] < SETTINGS.aligned.wrap_gap * height
        opens = any(
            t.strip() and not (above.texts[c] if c < len(above.texts) else "").strip() for c, t in enumerate(g.texts)
        )
        g.continues = tight and not opens and first[:1].isalpha() and first[:1].islower()


def _join_wrapped(grid: list[GridRow]) -> list[GridRow]:
    """Wrapped lines the reader marked (`continues`) joined into their row before anything else."""
    out: list[GridRow] = []
    for g in grid:
        if g.continues and out and not out[-1].plain:
            last = out[-1]
            last.texts = [f"{a} {b}".strip() for a, b in zip(last.texts, g.texts, strict=False)]
            last.bbox = union(last.bbox, g.bbox)
            last.cell_bboxes = [union(a, b) for a, b in zip(last.cell_bboxes, g.cell_bboxes, strict=False)]
        else:
            out.append(GridRow(list(g.texts), g.page, g.bbox, list(g.cell_bboxes), plain=g.plain))
    return out


def _merge(into: Row, extra: Row) -> None:
    for cell, more in zip(into.cells, extra.cells, strict=False):
        if more.text:
            cell.text = f"{cell.text} {more.text}".strip()
            cell.line_end = more.line_end
            if cell.page == more.page:
                cell.bbox = union(cell.bbox, more.bbox)
    into.line_end = extra.line_end
    into.raw = f"{into.raw}\n{extra.raw}"
