"""Tables whose cells were flattened into reading order (PDF text, OCR of scans): the assembly.

A PDF text layer lists a table row's cells left to right, each wrapped over several lines,
sometimes the tail of one cell and the head of the next on one line. The steps, one module each:
the header band (flat_header: found by the density of column-title words), the body cut into
groups and rows (flat_body, with the row starts chosen globally by flat_rows), the rows' text cut
into fragments (flat_fragments), fragments assigned to columns by a best-path search that keeps
the column order (flat_columns). This module puts them together into `Table`s.
"""

from __future__ import annotations

import re
from collections import defaultdict

from pipeline.extract import ocr_rows, ocr_table
from pipeline.extract.columns import classify_header
from pipeline.extract.flat_body import RawRow, numbered_rows, scan_rows
from pipeline.extract.flat_columns import Scorer, complete_agencies, place_after_break, row_confident
from pipeline.extract.flat_fragments import (
    KINDS,
    ROLE_KIND,
    Chunk,
    chunks_of,
    free_role,
    join_parts,
    lower_start,
    printed_lines,
    starts_as,
)
from pipeline.extract.flat_header import Header, find_header, header_roles
from pipeline.extract.ocr_table import is_garbage
from pipeline.model import Cell, Document, Line, Row, Table
from pipeline.normalize.fold import fold
from pipeline.settings import SETTINGS


def _is_ocr(doc: Document, header: Header, body: list[Line]) -> bool:
    if header.fuzzy or any(p.method == "ocr" for p in doc.pages):
        return True
    piped = sum(1 for ln in body if "|" in ln.text)
    return piped >= max(3, SETTINGS.flat.ocr_pipe_share * len([ln for ln in body if ln.text.strip()]))


def flattened_tables(doc: Document, taken: set[int]) -> list[Table]:
    """Table blocks not laid out with tabs: header by keyword density, rows by numbering."""
    tables: list[Table] = []
    lines = doc.lines
    i = 0
    while i < len(lines):
        if lines[i].no in taken or "\t" in lines[i].text or not lines[i].text.strip():
            i += 1
            continue
        header = find_header(lines, i)
        if header is None:
            i += 1
            continue
        table, end = _read_table(doc, lines, header, taken, len(doc.tables) + len(tables))
        if table is not None:
            tables.append(table)
        i = max(end, i + 1)
    return tables


def _read_table(doc: Document, lines, header: Header, taken: set[int], index: int) -> tuple[Table | None, int]:
    body_guess = lines[header.last_line + 1 : header.last_line + 80]
    ocr = _is_ocr(doc, header, body_guess)
    numbered = numbered_rows(lines, header)
    raw_rows, last_used, repeats, unplaced = scan_rows(doc, lines, header, taken, ocr, numbered)
    if not raw_rows:
        return None, header.last_line + 1
    roles = [r for r in header.roles if r != "no"]
    titles = [t for t, r in zip(header.titles, header.roles, strict=True) if r != "no"]
    no_title = next((t for t, r in zip(header.titles, header.roles, strict=True) if r == "no"), "STT")
    scorer = Scorer(roles, ocr)
    if ocr or not numbered:  # no row numbers: a row starts where the first column's cell does
        scorer.restart = 0
    elif "subtask" in roles:
        scorer.restart = roles.index("subtask")
    parsed = [(r, _chunks(r, ocr)) for r in raw_rows]
    for _r, (before, _after) in parsed:
        if before:
            scorer.assign(before)
    widths = _line_widths(doc, [b for _r, (b, _a) in parsed], ocr)
    if len(widths.get(0, [])) >= SETTINGS.flat.min_width_samples:
        scorer.late_width = max(20.0, 0.6 * _quantile(widths[0], 0.75))
    scorer.widths = {
        col: _quantile(w, 0.9)
        for col, w in widths.items()
        if len(w) >= SETTINGS.flat.min_width_samples and free_role(roles[col])
    }
    for _r, (before, _after) in parsed:
        if before:
            scorer.assign(before)
    rows: list[Row] = []
    suspicious: set[int] = set()  # rows whose cell tails read late look like other cells
    groups: set[int] = set()  # ids of the group rows (titles, numbered or not)
    if ocr and "name" in roles and set(roles) <= ocr_table.SUPPORTED_ROLES:
        parsed, unplaced = [], []  # read line by line instead (ocr_table)
        rows = _ocr_rows(doc, lines, header, raw_rows, last_used, roles, numbered)
    for raw, (before, after) in parsed:
        if after:
            place_after_break(before, after, roles)
        found = _rows(doc, raw, before + after, roles, ocr)
        late = [c for c in before if c.late and (c.line_start or not c.weak)]
        if found and any(not lower_start(c.text) or any(starts_as(k, c.text, ocr) for k in KINDS) for c in late):
            suspicious.add(found[0].line_start)
        rows.extend(found)
        if raw.kind == "group":
            groups.update(id(r) for r in found)
    first = lines[header.first_line]
    end_line = lines[last_used].no
    if ocr:  # printed titles are garbled by OCR; the matched vocabulary titles are not
        titles = [t for t, r in zip(header.canonical, header.roles, strict=True) if r != "no"]
        no_title = "STT"
    kind = classify_header([*titles, *(_canonical(r) for r in roles if r in ROLE_KIND)])
    table = Table(
        index=index,
        header=[no_title, *titles],
        rows=rows,
        line_start=first.no,
        line_end=end_line,
        page=first.page,
        layout="ocr" if ocr else "flattened",
        kind=kind,
    )
    if repeats:
        doc.diagnose(
            "tables", "info", f"{repeats} repeated header block(s) dropped", code="header_repeat",
            raw_text=first.text, line_start=first.no, line_end=end_line, page=first.page,
        )  # fmt: skip
    for line in unplaced:
        doc.diagnose(
            "tables", "warning", "table text that fits no row or column", code="unplaced_fragment",
            raw_text=line.text, line_start=line.no, line_end=line.no, page=line.page,
        )  # fmt: skip
    _check_rows(doc, table, roles, suspicious, groups)
    return table, last_used + 1


def _ocr_rows(
    doc: Document, lines: list[Line], header: Header, raw_rows: list[RawRow], last_used: int, roles, numbered: bool
) -> list[Row]:
    """Rows of a scanned table read line by line: groups where the numbering found them, the rest by
    `ocr_rows.split_rows`; words that fit no cell are reported. Rows of a table without a number
    column keep none (no number was lost)."""
    group_at = {r.entries[0][0].no: r for r in raw_rows if r.kind == "group"}
    keys = set(header.keys)
    rows: list[Row] = []
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        for r in ocr_rows.split_rows(pending):
            if not numbered:
                r.number, r.inferred = "", False
            rows.append(_ocr_row(doc, r, roles))
        pending.clear()

    for line in lines[header.last_line + 1 : last_used + 1]:
        text = line.text.strip()
        if not text or fold(text) in keys:
            continue
        if line.no in group_at:
            flush()
            rows += _rows(doc, group_at[line.no], [], roles, True)
        else:
            pending.append((line.no, text))
    flush()
    return rows


def _ocr_row(doc: Document, r: ocr_table.OcrRow, roles: list[str]) -> Row:
    nos = [n for n, _ in r.lines]
    start, end = nos[0], nos[-1]
    cells = [Cell(r.number or "", start, start, doc.page_of(start))]
    found = ocr_table.row_cells(r, roles)
    for role in roles:
        text, at = found.get(role, ("", [start]))
        at = at or [start]
        cells.append(Cell(text, min(at), max(at), doc.page_of(min(at))))
    raw = "\n".join(t for _, t in r.lines)
    if r.inferred:
        doc.diagnose(
            "tables", "info", f"row number lost by OCR; taken as {r.number!r} from the sequence",
            code="ocr_numeral_corrected", raw_text=raw, line_start=start, line_end=end, page=doc.page_of(start),
        )  # fmt: skip
    by_line: dict[int, list[str]] = defaultdict(list)
    for n, word in r.unplaced:
        by_line[n].append(word)
    for n, words in sorted(by_line.items()):
        doc.diagnose(
            "tables", "warning", "OCR fragment that fits no column", code="unplaced_fragment",
            raw_text=" ".join(words), line_start=n, line_end=n, page=doc.page_of(n),
        )  # fmt: skip
    return Row(cells, start, end, doc.page_of(start), raw=raw)


def _quantile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return float(ordered[int(q * (len(ordered) - 1))])


def _line_widths(doc: Document, rows: list[list[Chunk]], ocr: bool) -> dict[int, list[int]]:
    """Per column, lengths of its wrapped printed lines (whole line in the column, not the cell's last
    line), measured as the fragments' line_len is (chunks_of)."""
    widths: dict[int, list[int]] = defaultdict(list)
    for chunks in rows:
        by_line: dict[int, set[tuple[int, int]]] = defaultdict(set)
        for c in chunks:
            by_line[c.line].add((c.sub, c.col))
        per_cell: dict[tuple[int, int], list[int]] = defaultdict(list)
        for n, cells in sorted(by_line.items()):
            if len(cells) == 1:
                per_cell[next(iter(cells))].append(n)
        for (_sub, col), nos in per_cell.items():
            for n in nos:  # every printed line but the cell's last
                line = doc.line(n)
                spans = printed_lines(line, line.text.strip(), ocr)
                widths[col] += [b - a for a, b in (spans if n != nos[-1] else spans[:-1])]
    return widths


def _canonical(role: str) -> str:
    return next((t for _p, r, t in header_roles() if r == role), "")


def _chunks(raw: RawRow, ocr: bool) -> tuple[list[Chunk], list[Chunk]]:
    if raw.kind == "group":
        return [], []
    chunks = chunks_of(raw.entries, ocr)
    if ocr:
        raw.unplaced = [c for c in chunks if is_garbage(c.text) and not any(starts_as(k, c.text, True) for k in KINDS)]
        debris = {id(c) for c in raw.unplaced}
        chunks = [c for c in chunks if id(c) not in debris]
    before = [c for c in chunks if not c.after_break]
    after = [c for c in chunks if c.after_break]
    if not before:
        before, after = after, []
    return before, after


def _rows(doc: Document, raw: RawRow, chunks: list[Chunk], roles: list[str], ocr: bool) -> list[Row]:
    width = len(roles) + 1
    if raw.kind == "group":
        line, title, _b, _a = raw.entries[0]
        cells = [Cell(raw.number, line.no, line.no, line.page), Cell(join_parts([title]), line.no, line.no, line.page)]
        end = line.no
        texts = [title]
        for extra, text, _b2, _a2 in raw.entries[1:]:
            texts.append(text)
            end = extra.no
        cells[1] = Cell(join_parts(texts), line.no, end, line.page)
        cells += [Cell("", line.no, line.no, line.page) for _ in range(width - 2)]
        row = Row(cells, line.no, end, line.page, raw="\n".join(e[0].text for e in raw.entries))
        if raw.printed != raw.number:
            doc.diagnose(
                "tables", "info", f"group numeral read as {raw.printed!r}, taken as {raw.number!r} from the sequence",
                code="ocr_numeral_corrected", raw_text=line.text, line_start=line.no, line_end=line.no, page=line.page,
            )  # fmt: skip
        return [row]
    for c in raw.unplaced:
        doc.diagnose(
            "tables", "warning", "OCR fragment that fits no column", code="unplaced_fragment",
            raw_text=c.text, line_start=c.line, line_end=c.line, page=doc.page_of(c.line),
        )  # fmt: skip
    number_line = raw.entries[0][0] if raw.entries else None
    subs = sorted({c.sub for c in chunks}) or [0]
    out: list[Row] = []
    for sub in subs:
        mine = complete_agencies([c for c in chunks if c.sub == sub], roles, ocr)
        line_nos = sorted({c.line for c in mine})
        if sub == subs[0] and number_line is not None and raw.number:
            line_nos = sorted({number_line.no, *line_nos})
        if not line_nos:
            continue
        start, end = line_nos[0], line_nos[-1]
        page = doc.page_of(start)
        code = raw.number if sub == subs[0] else ""
        cells = [Cell(code, start, start, page)]
        for col in range(len(roles)):
            parts = [c for c in mine if c.col == col]
            if parts:
                cells.append(
                    Cell(join_parts([p.text for p in parts]), parts[0].line, parts[-1].line, doc.page_of(parts[0].line))
                )
            else:
                cells.append(Cell("", start, start, page))
        raw_text = "\n".join(doc.line(n).text for n in line_nos)
        out.append(Row(cells, start, end, page, raw=raw_text))
    return out


def _check_rows(doc: Document, table: Table, roles: list[str], suspicious: set[int], groups: set[int]) -> None:
    ocr = table.layout == "ocr"
    for row in table.rows:
        if id(row) in groups or _is_group(row):
            continue
        if row.line_start in suspicious or not row_confident(row, roles, ocr):
            doc.diagnose(
                "tables", "info", "row cells placed by layout guess; check columns", code="uncertain_cells",
                raw_text=row.raw, **row.where(),
            )  # fmt: skip


def _is_group(row: Row) -> bool:
    texts = row.texts()
    return bool(re.fullmatch(r"[IVX]{1,5}", texts[0])) and not any(t for t in texts[2:])
