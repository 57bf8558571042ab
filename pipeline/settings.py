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
    # A number up to max_swap behind at the same level: two rows swapped with their numbers.
    swap: float = 0.4
    # Anything else (a year fragment, a count in a name wrapped to a new line): avoided.
    out_of_sequence: float = -2.0
    # A chosen row with no text before the next row start: the 'number' was a bare cell value.
    empty_row: float = -3.0
    # A number followed by a lower-case word continues a sentence ('5 năm liền'); names start upper-case.
    lower_start: float = -2.5
    # How many rows may be missing between two printed numbers.
    max_gap: int = 3
    # How far back a swapped row's number may be.
    max_swap: int = 2
    # How many group numerals (I, II, …) may be skipped by a dropped group.
    max_group_gap: int = 1


@dataclass(frozen=True)
class Settings:
    rows: RowSettings = field(default_factory=RowSettings)


SETTINGS = Settings()
