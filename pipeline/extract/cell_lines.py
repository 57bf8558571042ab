"""Tables exported one cell per line, with '|' separator lines (web pages, some Word exports).

'STT / | / Tên chỉ tiêu / | / … / I / | / Hạ tầng số (05 chỉ tiêu) / | / | / | / 1 / | / …': the cells
are separated by lines holding only '|' (a cell may wrap over several lines), and nothing marks
where a row ends. Such a block is rebuilt into tab-separated rows before tables are looked for.
The header is the cells before the first row number, and its width is the table's. A row starts
at a row number (1, 2, I, 1.2) when the current row has only its number, name and empty cells (a
group row: 'II | Hạ tầng số (05 chỉ tiêu) | | |'), or when the current row is full.

Each rebuilt row keeps the number of its first line (provenance); the other lines of the block
leave the document model, since their text is now in the row.

Web copies also print one row per line with '|' between cells ('STT | Chỉ tiêu | Đơn vị tính | …',
markdown with or without outer pipes and '---|---' rules). A run of at least three such lines with
the same number of cells (three or more) is rewritten as tab-separated rows; the rule lines leave.
Lines whose cell counts differ (an OCR line with a stray '|') are left alone.
"""

from __future__ import annotations

import re

from pipeline.model import Document, Line

_SEPARATOR = "|"
_ROW_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,6})\.?$")
_MIN_SEPARATORS = 6
_MAX_CELL_LINES = 8  # lines of one wrapped cell between two separators
_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")  # '---|:---:|---'
_MIN_PIPE_ROWS = 3
_MIN_PIPE_CELLS = 3


def _blocks(lines: list[Line]) -> list[tuple[int, int]]:
    """(first, last) indexes of runs of separator-delimited cells."""
    seps = [i for i, ln in enumerate(lines) if ln.text.strip() == _SEPARATOR]
    blocks: list[list[int]] = []
    for i in seps:
        if blocks and i - blocks[-1][-1] <= _MAX_CELL_LINES:
            blocks[-1].append(i)
        else:
            blocks.append([i])
    out = []
    for run in blocks:
        if len(run) < _MIN_SEPARATORS:
            continue
        out.append((max(run[0] - 1, 0), run[-1]))  # the first cell: the line before the first separator
    return out


def _cells(lines: list[Line]) -> list[tuple[int, str]]:
    """(number of the cell's first line, text) per cell; a separator closes the cell before it."""
    cells: list[tuple[int, str]] = []
    parts: list[str] = []
    start = lines[0].no
    for line in lines:
        text = line.text.strip()
        if text == _SEPARATOR:
            cells.append((start, " ".join(parts)))
            parts = []
            start = line.no + 1
        elif text:
            if not parts:
                start = line.no
            parts.append(text)
    return cells


def _rows(cells: list[tuple[int, str]]) -> list[tuple[int, list[str]]] | None:
    header_end = next((i for i, (_n, t) in enumerate(cells) if _ROW_NUMBER.match(t)), None)
    if header_end is None or header_end < 2:
        return None
    width = header_end
    rows = [(cells[0][0], [t for _n, t in cells[:header_end]])]
    current: list[str] = []
    first = 0
    for no, text in cells[header_end:]:
        grouped = len(current) >= 2 and not any(current[2:])
        if current and (len(current) == width or (_ROW_NUMBER.match(text) and grouped)):
            rows.append((first, current))
            current = []
        if not current:
            first = no
        current.append(text)
    if current:
        rows.append((first, current))
    return rows


def _pipe_cells(text: str) -> list[str] | None:
    """Cells of a one-line '|' row ('| a | b | c |' or 'a | b | c'), None for other lines."""
    text = text.strip()
    if "|" not in text or "\t" in text or text == _SEPARATOR:
        return None
    cells = [c.strip() for c in text.removeprefix("|").removesuffix("|").split("|")]
    return cells if len(cells) >= _MIN_PIPE_CELLS else None


def _join_pipe_rows(doc: Document) -> None:
    """Rewrites runs of one-line '|' rows of one width as tab-separated rows, dropping rule lines."""
    out: list[Line] = []
    run: list[tuple[Line, list[str] | None]] = []  # (line, cells; None for a rule line)

    def flush() -> None:
        rows = [(ln, cells) for ln, cells in run if cells is not None]
        if len(rows) >= _MIN_PIPE_ROWS:
            out.extend(Line(ln.no, "\t".join(cells), ln.page) for ln, cells in rows)
        else:
            out.extend(ln for ln, _c in run)
        run.clear()

    for line in doc.lines:
        cells = _pipe_cells(line.text)
        width = next((len(c) for _ln, c in run if c is not None), None)
        if run and _RULE.match(line.text.strip()):
            run.append((line, None))
            continue
        if cells is not None and (width is None or len(cells) == width):
            run.append((line, cells))
            continue
        flush()
        if cells is not None:
            run.append((line, cells))
        else:
            out.append(line)
    flush()
    doc.lines[:] = out


def join_cell_lines(doc: Document) -> None:
    """Rebuilds separator-delimited cell blocks and one-line '|' rows into tab-separated rows, in place."""
    _join_pipe_rows(doc)
    blocks = _blocks(doc.lines)
    for first, last in reversed(blocks):
        block = doc.lines[first : last + 1]
        rows = _rows(_cells(block))
        if rows is None:
            continue
        page = block[0].page
        doc.lines[first : last + 1] = [Line(no, "\t".join(cells), page) for no, cells in rows]
