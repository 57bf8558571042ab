"""Tab-separated table blocks: header once, page-break repeats dropped, continuations merged.

Text exports of Word tables put one row per line with cells separated by tabs.
A page break repeats the header row; a row cut by the page break goes on in a
row whose first cell is empty and whose text starts in lower case.
"""

from __future__ import annotations

import re

from pipeline.extract.columns import classify_header, column_roles, merge_header_band, title_key
from pipeline.extract.flat_rows import candidate
from pipeline.extract.flattened import flattened_tables
from pipeline.model import Cell, Document, Line, Row, Table

_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")
_DIGITS = re.compile(r"\d")
_YEARS = re.compile(r"(?:19|20)\d\d")
_HEADER_ROLES = 3  # a header names at least this many columns; a row's cells may echo a title or two


def is_continuation(cells: list[str]) -> bool:
    """A row cut by a page break goes on in a row whose text starts in lower case or punctuation: in its
    first cell (a table without a number column: the name's tail) or, the first cell empty, in the next
    one. A row number never continues ('a)' is a row). The same rule for tab-separated text and for
    PDF/DOCX grids."""
    head = cells[0].strip()
    if head and candidate(0, head) is not None:
        return False
    first = head or next((c.strip() for c in cells[1:] if c.strip()), "")
    return bool(first) and (first[0].islower() or not first[0].isalnum())


def _key(text: str) -> str:
    """A line compared as titles: markup ('<b>'), case, diacritics and spaces ignored."""
    return title_key(text).replace(" ", "")


def _tsv_blocks(lines: list[Line]) -> list[list[Line]]:
    """Runs of tab lines; blank lines inside a run are allowed (page breaks), and so are rows of one cell."""
    blocks: list[list[Line]] = []
    current: list[Line] = []
    for k, line in enumerate(lines):
        if "\t" in line.text or (current and _one_cell_row(line, lines[k + 1 : k + 4])):
            current.append(line)
        elif line.text.strip() and current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return [b for b in blocks if len(b) >= 2]


def _one_cell_row(line: Line, following: list[Line]) -> bool:
    """A line without tabs between rows of a tab table is a row whose other cells are empty (a group
    title with no numeral, a parent task: the reader drops trailing tabs) when the next non-blank line
    is a row of the table, or another such line before one: tabs, and not the header of another table
    (fewer than three cells take a column role)."""
    nxt = next((ln.text for ln in following if "\t" in ln.text), "")
    if not line.text.strip() or not nxt:
        return False
    return sum(1 for c in column_roles(nxt.split("\t")) if c.role) < _HEADER_ROLES


def _row(line: Line, width: int) -> Row:
    texts = line.text.split("\t")
    texts += [""] * (width - len(texts))
    cells = [Cell(t.strip(), line.no, line.no, line.page) for t in texts]
    return Row(cells, line.no, line.no, line.page, raw=line.text)


def _merge(into: Row, extra: Row) -> None:
    width = max(len(into.cells), len(extra.cells))
    for i in range(width):
        if i >= len(into.cells):
            into.cells.append(Cell("", extra.line_start, extra.line_end, extra.page))
        if i < len(extra.cells) and extra.cells[i].text:
            cell = into.cells[i]
            cell.text = f"{cell.text} {extra.cells[i].text}".strip()
            cell.line_end = extra.line_end
    into.line_end = extra.line_end
    into.raw = f"{into.raw}\n{extra.raw}"


def band_length(rows: list[list[str]]) -> int:
    """How many of `rows` (the title row first) form the header band: before any row, a row whose
    first cell is empty, with two titles or more and no number but a year (titles printed over two
    lines; a group title fills one cell), or a row of column numbers '(1) (2) (3)'."""
    n = 1
    for cells in rows[1:]:
        cells = [c.strip() for c in cells]
        if not any(cells):
            break
        numbers = all(_COLUMN_NUMBER.match(c) for c in cells if c)
        filled = sum(1 for c in cells if c)
        words = not cells[0] and filled >= 2 and not _DIGITS.search(_YEARS.sub("", " ".join(cells)))
        if not (numbers or words):
            break
        n += 1
    return n


def _header_band(block: list[Line]) -> list[Line]:
    return block[: band_length([ln.text.split("\t") for ln in block])]


def _merge_grid_header(table: Table) -> None:
    """A grid table (PDF, DOCX) whose header goes on in its first rows: those rows join the header band."""
    texts = [r.texts() for r in table.rows]
    n = band_length([table.header, *texts]) - 1
    if n <= 0:
        return
    table.header_rows = [list(table.header), *texts[:n]]
    table.header = merge_header_band(table.header_rows)
    table.rows = table.rows[n:]
    table.kind = classify_header(table.header)


def tsv_tables(doc: Document, taken: set[int] | frozenset[int] = frozenset()) -> list[Table]:
    """Tab-separated blocks among the lines not in `taken` (spans of tables a PDF/DOCX reader built)."""
    tables: list[Table] = []
    for block in _tsv_blocks([ln for ln in doc.lines if ln.no not in taken]):
        band = _header_band(block)
        band_keys = {_key(ln.text) for ln in band}
        width = max(len(ln.text.split("\t")) for ln in block)
        header_rows = [[c.strip() for c in ln.text.split("\t")] for ln in band]
        header = merge_header_band(header_rows)
        band_keys.add(_key("\t".join(header)))  # a repeat may print on one line what the first header split
        header += [""] * (width - len(header))
        rows: list[Row] = []
        repeats = 0
        previous, broken = band[-1].no, False
        for line in block[len(band) :]:
            # A row is cut only by a page break (repeated header or a gap); on the same page
            # a row with an empty first cell is a sub-row ('- Triển khai…' under row 24).
            broken = broken or line.no > previous + 1
            previous = line.no
            if _key(line.text) in band_keys:
                repeats += _key(line.text) != _key(band[-1].text) or len(band) == 1
                broken = True
                continue
            row = _row(line, width)
            if rows and broken and is_continuation(row.texts()):
                _merge(rows[-1], row)
            else:
                rows.append(row)
            broken = False
        tables.append(
            Table(
                index=len(doc.tables) + len(tables),
                header=header,
                rows=rows,
                line_start=block[0].no,
                line_end=block[-1].no,
                page=block[0].page,
                layout="tsv",
                kind=classify_header(header),
                header_rows=header_rows,
            )
        )
        if repeats:
            doc.diagnose(
                "tables",
                "info",
                f"{repeats} repeated header row(s) dropped",
                code="header_repeat",
                line_start=block[0].no,
                line_end=block[-1].no,
                raw_text=block[0].text,
            )
    return tables


def find_tables(doc: Document) -> None:
    """All table blocks of a document, whatever the layout they were read from.

    Readers of PDF and DOCX put the tables they see into `doc.tables` already;
    for text this finds tab-separated tables, then tables flattened into
    reading order (PDF text layers, OCR) among the remaining lines.
    """
    for table in doc.tables:
        _merge_grid_header(table)
    read = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    doc.tables.extend(tsv_tables(doc, read))
    taken = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    doc.tables.extend(flattened_tables(doc, taken))
    doc.tables.sort(key=lambda t: t.line_start)
    for i, table in enumerate(doc.tables):
        table.index = i
        table.columns = table.columns or column_roles(table.header)


def label_tables(doc: Document) -> None:
    """Each table's appendix label ('Phụ lục I') or enclosing section numbering."""
    from pipeline.extract.headings import enclosing_heading, heading_path

    for table in doc.tables:
        heading = enclosing_heading(doc, table.line_start)
        if heading is None:
            continue
        table.section = heading_path(doc, heading.index).replace("/", ".")  # "II.2", as Table.section documents
        appendix = enclosing_heading(doc, table.line_start, kinds=("appendix",))
        table.label = appendix.numbering if appendix else table.section
