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


def _skip_costs() -> dict[str, float]:
    # Cost of leaving a typed column empty in a row: low for columns often blank (a note, a unit),
    # high for those nearly every row fills (a lead agency, a deadline).
    return {"unit": -0.3, "target": -0.8, "lead": -1.0, "coord": -0.5, "deadline": -1.0, "note": -0.1, "kpi": -1.0}


@dataclass(frozen=True)
class FlatSettings:
    """Header search and column assignment in flattened tables (extract/flat_header, flat_columns)."""

    # How many lines a header band may span before the first row: titles wrap word by word in PDFs.
    header_max_lines: int = 60
    # Share of a header block's words that must be title words: prose mentions titles, headers are made of them.
    header_density: float = 0.35
    # Share of body lines with '|' that marks OCR text (Tesseract prints cell borders as '|'); at least 3 lines.
    ocr_pipe_share: float = 0.15
    skip: dict[str, float] = field(default_factory=_skip_costs)
    # Skipping a free-text column (name, output…) costs most: such a cell is never missing.
    free_skip: float = -1.5
    # A line wider than 1.15 × a column's usual width (+2 characters) spans more than that column.
    width_tolerance: float = 1.15
    # Rows needed before a column's line widths are trusted.
    min_width_samples: int = 5


@dataclass(frozen=True)
class TaskSettings:
    """Task tables (extract/tasks.py)."""

    # A sub-task this similar (rapidfuzz ratio / partial ratio) to its general task repeats it.
    same_task_score: int = 88
    # An untitled column whose cells parse as deadlines this often is the deadline column.
    deadline_column_share: float = 0.6


@dataclass(frozen=True)
class Settings:
    rows: RowSettings = field(default_factory=RowSettings)
    flat: FlatSettings = field(default_factory=FlatSettings)
    tasks: TaskSettings = field(default_factory=TaskSettings)


SETTINGS = Settings()
