"""Tuning constants of the extractors, in one place, each with why it has its value.

Change them here, not in the modules that read them; the variant benchmark
(benchmarks/variants.py --score) and tests/test_variants.py show what a change does.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RowSettings:
    """Scores of the global row-start choice in flattened tables (extract/flat_rows.py)."""

    # The number a plan prints next (1 -> 2, 1 -> 1.1, 1.3 -> 2): the usual case, worth most.
    in_sequence: float = 2.0
    # A number 2..max_gap+1 ahead: a row deleted without renumbering. Positive, so the row still
    # opens, but below in_sequence, so a stray number inside a cell does not beat the real next row.
    gap: float = 0.8
    # A number up to max_swap behind at the same level: two rows swapped with their numbers. Above
    # gap, so that 2, 4, 3, 5 reads as four rows rather than 3 swallowed into row 4.
    swap: float = 1.2
    # Every row opened: finding a row is worth something, so a swapped pair is not skipped.
    row_bonus: float = 0.5
    # Anything else (a year fragment, a count in a name wrapped to a new line): avoided.
    out_of_sequence: float = -2.0
    # A chosen row with no text before the next row start: the 'number' was a bare cell value.
    empty_row: float = -3.0
    # A number followed by a lower-case word continues a sentence ('5 năm liền'); names start upper-case.
    lower_start: float = -2.5
    # How many rows may be missing between two printed numbers.
    max_gap: int = 3
    # How far back a swapped row's number may be: neighbours only; a stray number further back is a cell.
    max_swap: int = 1
    # How many group numerals (I, II, …) may be skipped by a dropped group.
    max_group_gap: int = 1
    # A '-'/'+' sub-row has a title of at least this many words before its cells: shorter, the bullet is
    # more likely the wrapped end of a name ('Phòng Văn hóa' / '- Xã hội Quý II/2026').
    sub_row_title_words: int = 3
    # A deadline closing a sub-row's line is at most this many words ('Hoàn thành trước 31/12/2026').
    deadline_words: int = 5


def _skip_costs() -> dict[str, float]:
    # Cost of leaving a typed column empty in a row: low for columns often blank (a note, a unit),
    # high for those nearly every row fills (a lead agency, a deadline).
    return {"unit": -0.3, "target": -0.8, "lead": -1.0, "coord": -0.5, "deadline": -1.0, "note": -0.1, "kpi": -1.0}


@dataclass(frozen=True)
class StartSettings:
    """How well a fragment opens a column in a flattened row (Scorer.start in extract/flat_columns.py).

    Typed columns (unit, target, agency, deadline) are judged by what the fragment begins as; free-text
    columns (name, output, note…) by where it stands: a line start, a blank line or a full stop before it."""

    # A fragment that begins as the column's kind ('100%' in a target column): the strongest evidence.
    typed_match: float = 3.0
    # A fragment that does not: a typed column rarely opens with anything else.
    typed_mismatch: float = -4.0
    # An agency column opening with a capitalised word it does not know: milder, the gazetteer is never
    # complete ('Tổ công nghệ số cộng đồng').
    agency_unknown: float = -1.5
    # A unit longer than this many characters is a name fragment ('người/1.000 dân' fits, a clause does not).
    unit_max_len: int = 20
    unit_too_long: float = -2.0
    # A lower-case fragment that is not of the column's kind continues a phrase; it opens nothing.
    typed_lower: float = -2.0
    # A free-text cell opening a line after a blank line: cells in PDF text are often set apart so.
    blank_line_start: float = 0.5
    # After a sentence end ('.', ';') a new cell is likely.
    after_sentence: float = 1.0
    # Opening a column in mid-line; more when the split was only at a capitalised word (weak).
    mid_line: float = -0.5
    weak_split: float = -0.7
    # A free-text cell starting lower-case is a wrapped phrase, not a new cell.
    free_lower: float = -2.0
    # A KPI cell reading as a target ('100% hồ sơ …'): KPIs state numbers.
    kpi_target: float = 1.0
    # A free-text fragment that begins like an agency or deadline more likely belongs to those columns.
    free_typed: float = -0.5


@dataclass(frozen=True)
class FlatSettings:
    """Header search and column assignment in flattened tables (extract/flat_header, flat_columns)."""

    # How many lines a header band may span before the first row: titles wrap word by word in PDFs.
    header_max_lines: int = 60
    # Share of a header block's words that must be title words: prose mentions titles, headers are made of them.
    header_density: float = 0.35
    # A header with no number column ends after its run of titles: at most this many other words between
    # two titles ('Mục tiêu năm 2026', 'Thời gian hoàn thành'); a cell's words further on are the body's.
    header_title_gap: int = 5
    # Share of body lines with '|' that marks OCR text (Tesseract prints cell borders as '|'); at least 3 lines.
    ocr_pipe_share: float = 0.15
    skip: dict[str, float] = field(default_factory=_skip_costs)
    # Skipping a free-text column (name, output…) costs most: such a cell is never missing.
    free_skip: float = -1.5
    # A line wider than 1.15 × a column's usual width (+2 characters) spans more than that column.
    width_tolerance: float = 1.15
    # A line more than this many times a column's usual width was not wrapped at that column: a reader
    # joined the cell's lines into one (PDF reflow), so the column's width says nothing about its fragments.
    joined_line: float = 2.0
    # Rows needed before a column's line widths are trusted.
    min_width_samples: int = 5
    # Late reading (Scorer._late): a row's first line holds every cell's head, the tails follow in column
    # order. Entering the first column's tail after the typed cells costs a little; a later free column's
    # tail without the first's costs more (only a lower-case line after a blank one may open it).
    late_enter: float = -0.3
    late_enter_later: float = -0.8
    # Moving on to the next free column's tail after a blank line, more readily after a sentence end.
    late_next: float = -0.2
    late_after_sentence: float = 0.5
    # Going on with a tail whose last line had room for the next word: that line ended the cell.
    late_ended: float = -1.0
    # A PDF line whose gap to the line above exceeds this share of its height counts as after a blank line:
    # wrapped lines sit about a fifth of a line apart, separate cells and paragraphs farther.
    blank_gap: float = 0.5


@dataclass(frozen=True)
class TaskSettings:
    """Task tables (extract/tasks.py)."""

    # A sub-task this similar (rapidfuzz ratio / partial ratio) to its general task repeats it.
    same_task_score: int = 88
    # An untitled column whose cells parse as deadlines this often is the deadline column.
    deadline_column_share: float = 0.6


@dataclass(frozen=True)
class AlignedSettings:
    """Tables without ruling lines rebuilt from word boxes (readers/aligned.py); lengths are in
    median word heights, so they hold for any font size and scan resolution."""

    # Words whose centres differ by less than this share a baseline (one visual line).
    same_line: float = 0.5
    # A horizontal gap this wide cuts a line into cell segments; word spaces are about 0.3.
    cell_gap: float = 0.9
    # Lines further apart than this belong to different blocks (a table ends, prose follows).
    block_gap: float = 3.0
    # Blank space this tall between two lines sets two rows of cells apart; a wrapped line of one
    # cell sits about 0.3 below the line above.
    row_gap: float = 0.6
    # The header's cells wrap over a few lines; a longer first band of lines is rows set tight.
    header_lines: int = 6
    # Share of a tight table's rows of several lines where a cell begins below the line of the row's
    # number that marks its cells as vertically centred: top-aligned cells all begin on that line.
    centred_share: float = 0.5
    # Rows set tight and centred (readers/centred.py): a row spans at most this many lines, a cell's
    # lines lie at most this far apart (a line's leading is about 1.3), and each row costs this much,
    # so that of two cuttings centring every cell equally well the one of fewer rows wins.
    row_lines: int = 40
    cell_line_gap: float = 0.6
    row_cost: float = 0.1
    # A row of one column is most often lines wrapped from a row, rarely the rest of a row cut by a
    # page break: allowed, at the cost of a cell about a line and a half off-centre.
    lone_cost: float = 1.5
    # A line this close under the one above, with an empty first column, wraps the row above.
    wrap_gap: float = 0.5
    # Segment left edges closer than this, one to the next, are one column's edge.
    same_edge: float = 1.0
    # How far a segment's left edge may lie from its column's edge.
    edge_tolerance: float = 0.6
    # A one-segment line at the table's left edge longer than this many characters is prose.
    prose_chars: int = 60
    # Column edges of one table on two pages (relative to page width) that are the same column;
    # a text layer repeats them exactly, columns of another table rarely line up so closely.
    same_column: float = 0.01


@dataclass(frozen=True)
class OcrSettings:
    """Target cells of scans OCR misread, decided from the page's evidence (normalize/ocr_misreads.py)."""

    # A share cannot exceed this: '800' in a % column is '80%' with its '%' read as a '0'.
    max_share: float = 100.0
    # Other rows of a column that must print '≥' before a '>' read in it is taken for '≥': plans do
    # print '>', so one row is not enough. '=' or a separate '2' before a number is no sign a plan
    # prints: one other row printing '≥' settles it.
    sign_rows: int = 2
    # ... and as many times as often as the column's other rows print '>': rows of a plan mixing '>' and
    # '≥' as printed are each read as printed; a few '>' among many '≥' are the OCR's.
    sign_majority: float = 3.0
    # Other rows with a number needed before their '%' says the column's unit, and the share of them
    # that must end with '%'.
    percent_rows: int = 2
    percent_share: float = 0.5
    # How alike (rapidfuzz token_set_ratio of match keys) a prose target's name and a row's name must be
    # for the prose to be evidence for the row, and the words both need: short names match anything.
    prose_match: int = 95
    prose_words: int = 4


@dataclass(frozen=True)
class Settings:
    rows: RowSettings = field(default_factory=RowSettings)
    flat: FlatSettings = field(default_factory=FlatSettings)
    start: StartSettings = field(default_factory=StartSettings)
    tasks: TaskSettings = field(default_factory=TaskSettings)
    aligned: AlignedSettings = field(default_factory=AlignedSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)


SETTINGS = Settings()
