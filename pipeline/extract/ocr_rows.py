"""Row boundaries of a scanned table read line by line (OCR text).

The numbered lines are row candidates chosen globally by the same dynamic programming as in
flattened text (flat_rows: `1`, `01`, `1.1`, `a)`, `A.`, gaps and swaps), so one mechanism picks the
rows in every table path. OCR adds what a scan does to them: a row's number may be lost (the row
then opens at a target or at a capitalised task after a finished row, numbered from the sequence),
or read after the first lines of its vertically centred cells (those lines join the number's row).
A `-`/`+` line inside a row that carries cells of its own (a deadline, or an agency name closing
the line) is a sub-row; one that does not is text of its row.
"""

from __future__ import annotations

import itertools
import re

from pipeline.extract import flat_rows
from pipeline.extract.flat_rows import Candidate
from pipeline.extract.ocr_table import (
    COMPARATORS,
    TARGET_START,
    OcrRow,
    is_garbage,
    name_at,
    noise,
    ocr_deadline,
    read_row,
)

_FIRST = {(1,), (1, 1)}  # the numbers a group's first row may carry
_QUOTES = " '‘’\"`"


def _attached_words(row: OcrRow) -> int:
    return sum(len(c.words) for c in read_row(row).chains if c.extended)


def _starts_row(text: str) -> bool:
    """A line opening a task: a target ('> 80% …', '100% …') or a capitalised phrase that is no agency name."""
    words = [w for w in text.replace("|", " ").split() if not noise(w) or w in COMPARATORS]
    if not words:
        return False
    if TARGET_START.match(" ".join(words)):
        return True
    opening = " ".join(words[:2])
    return words[0][:1].isupper() and name_at(words, 0, len(words) == 1) == 0 and ocr_deadline(opening) is None


def _debris(text: str) -> bool:
    """A line of OCR debris: garbage with no target and no real word ('0 4 ¥ \\ A'; a lone 'cong' is a word)."""
    return (
        is_garbage(text)
        and not TARGET_START.match(text.strip(" |'‘’"))
        and not any(w.isalpha() and len(w) >= 3 for w in re.findall(r"[^\W\d_]+", text))
    )


def _row_starts(bodies: list[str]) -> dict[int, Candidate]:
    """The numbered lines that open rows, chosen globally (flat_rows.choose)."""
    cands = [c for k, body in enumerate(bodies) if (c := flat_rows.candidate(k, body))]
    has_text = [True] * len(bodies)
    for c in cands:
        has_text[c.position] = bool(c.rest)
    return {c.position: c for c in flat_rows.choose(cands, has_text, _FIRST, ocr=True)}


def split_rows(lines: list[tuple[int, str]]) -> list[OcrRow]:
    """Rows of one group's lines: a row opens at a chosen number line, at a target, or at a capitalised task
    after a row that has its deadline; a number read after the first lines of its row joins that row."""
    debris_at = [_debris(text) for _no, text in lines]
    entries = [(no, text.strip(_QUOTES)) for (no, text), junk in zip(lines, debris_at, strict=True) if not junk]
    starts = _row_starts([body for _no, body in entries])
    rows: list[OcrRow] = []
    last: Candidate | None = None  # the number of the last row, printed or inferred
    debris: list[tuple[int, str]] = []
    k = 0
    for (no, text), junk in zip(lines, debris_at, strict=True):
        if junk:
            (rows[-1].unplaced if rows else debris).append((no, text))
            continue
        body = entries[k][1]
        c = starts.get(k)
        k += 1
        current = rows[-1] if rows else None
        if c is not None:
            if current is not None and current.inferred and _number_line_joins(current, c):
                current.number, current.inferred = c.number, False  # the row its first lines opened
                current.lines.append((no, c.rest))
            else:
                rows.append(OcrRow(c.number, [(no, c.rest)]))
            last = c
            continue
        bullet = flat_rows.BULLET_ROW.match(body)
        if bullet and current is not None and not current.inferred:
            if flat_rows.sub_row(body, ocr=True):
                rows.append(OcrRow("", [(no, bullet.group(1))]))  # unnumbered: a sub-row
            else:  # a list item of its row's text; the marker is no debris
                current.lines.append((no, bullet.group(1)))
            continue
        stray = flat_rows.candidate(0, body)  # a number out of sequence: its text may still open a row
        if stray is not None and (current is None or _opens_row(current, no, stray.rest)):
            rows.append(OcrRow(stray.number, [(no, stray.rest)]))
        elif current is None or _opens_row(current, no, body):
            last = flat_rows.successor(last) if last is not None else Candidate(0, "1", (1,), "")
            rows.append(OcrRow(last.number, [(no, body)], inferred=True))
        else:
            current.lines.append((no, body))
    _move_cut_names(rows)
    if rows:
        rows[0].unplaced[:0] = debris
    garbage = {id(r): r.unplaced for r in rows}
    out = [read_row(r) for r in rows]
    for r in out:
        r.unplaced = garbage[id(r)] + r.unplaced
    return out


def _number_line_joins(row: OcrRow, c: Candidate) -> bool:
    """A number line after a row opened without one belongs to it when the sequence expected that number
    there, or when the row is unfinished (no task text yet, or no deadline: the number's line holds its rest)."""
    read_row(row)
    return row.number == c.number or not row.title or not row.deadline


def _opens_row(current: OcrRow, no: int, body: str) -> bool:
    """An unnumbered line opens a row: a target, or a capitalised task after a finished row that completes
    none of that row's agency names."""
    if not (read_row(current).title and _starts_row(body)):
        return False
    if TARGET_START.match(body.lstrip("|' ")):
        return True
    return bool(current.deadline) and _attached_words(OcrRow(None, [*current.lines, (no, body)])) == _attached_words(
        current
    )


def _move_cut_names(rows: list[OcrRow]) -> None:
    """A row's last lines holding only the start of a name go to the next row when that row completes it."""
    for a, b in itertools.pairwise(rows):
        while len(a.lines) > 1:
            line = a.lines[-1]
            alone = read_row(OcrRow(None, [line]))
            if not alone.chains or (alone.title and not is_garbage(" ".join(w for _, w in alone.title))):
                break
            before = _attached_words(b)
            after = _attached_words(OcrRow(None, [line, *b.lines]))
            kept = _attached_words(OcrRow(None, a.lines[:-1])) if len(a.lines) > 1 else 0
            if after <= before or _attached_words(a) > kept:
                break
            a.lines.pop()
            b.lines.insert(0, line)
