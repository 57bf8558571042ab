"""Row starts of a table flattened into text lines, chosen globally.

Every line that opens with a row number (`1`, `1.`, `01`, `1.1`) is a candidate; a number inside a
cell (`Nghị quyết 57`, `100%`, `Quý II/2026`) is not at a line start or is followed by `%` or `/`,
so it never is. Among the candidates of one group, dynamic programming picks the set of row starts
with the best score: the next number in sequence scores most, a gap (a row deleted without
renumbering) or a step back (two rows swapped with their numbers) scores less but still counts, a
jump far out of sequence costs, and a row left without any text costs. So one gap or swap no longer
swallows the rows that follow it into the previous row's last cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.settings import SETTINGS

NUMBER_ROW = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})(\.?)(?:\s*\|\s*|\s+|$)(.*)$")
_LOWER_START = re.compile(r"^[^\W\d_]", re.UNICODE)


@dataclass(frozen=True)
class Candidate:
    """A line that may open a row: its position among the segment's entries, number and the rest."""

    position: int
    printed: str  # as printed, '01' or '1.2'
    value: tuple[int, ...]
    rest: str

    @property
    def number(self) -> str:
        """The number without zero padding: '01' -> '1', '02.1' -> '2.1'."""
        return ".".join(str(v) for v in self.value)


def candidate(position: int, text: str) -> Candidate | None:
    """The row number opening `text`, if it may be one."""
    m = NUMBER_ROW.match(text.strip())
    if not m or not (m.group(3) or m.group(2) or text.strip() == m.group(1)):
        return None
    rest = m.group(3).strip()
    if rest[:1] in ("%", "/"):
        return None
    value = tuple(int(p) for p in m.group(1).split("."))
    if value[0] == 0:
        return None
    return Candidate(position, m.group(1), value, rest)


def _successors(p: tuple[int, ...]) -> set[tuple[int, ...]]:
    out = {(*p, 1)}
    for k in range(len(p)):
        out.add((*p[:k], p[k] + 1))
    return out


def step_score(prev: tuple[int, ...] | None, q: tuple[int, ...], first: set[tuple[int, ...]]) -> float:
    """How well number `q` follows `prev` (None: the first row of the group, expected in `first`)."""
    s = SETTINGS.rows
    if prev is None:
        if q in first:
            return s.in_sequence
        return s.gap if len(q) == 1 and q[0] <= s.max_gap + 1 else s.out_of_sequence
    if q in _successors(prev):
        return s.in_sequence
    for k in range(min(len(prev), len(q))):  # the same level as prev or as one of its ancestors
        if q[:k] == prev[:k] and len(q) == k + 1:
            step = q[k] - prev[k]
            if 2 <= step <= s.max_gap + 1:
                return s.gap
            if -s.max_swap <= step <= 0 and len(q) == len(prev):
                return s.swap
    return s.out_of_sequence


def choose(cands: list[Candidate], has_text: list[bool], first: set[tuple[int, ...]], ocr: bool) -> list[Candidate]:
    """The best-scoring increasing subset of candidates to open rows.

    `has_text[i]` says whether entry i holds text other than a row number, so that a chosen row
    with nothing before the next chosen start (a bare number that is a cell) is penalised."""
    s = SETTINGS.rows
    n_entries = len(has_text)

    def own(c: Candidate) -> float:
        return s.lower_start if (_LOWER_START.match(c.rest) and c.rest[:1].islower() and not ocr) else 0.0

    def empty_between(a: Candidate, end: int) -> bool:
        return not a.rest and not any(has_text[a.position + 1 : end])

    best: list[float] = []
    back: list[int | None] = []
    for j, c in enumerate(cands):
        score, arg = step_score(None, c.value, first) + own(c), None
        for i in range(j):
            t = best[i] + step_score(cands[i].value, c.value, first) + own(c)
            if empty_between(cands[i], c.position):
                t += s.empty_row
            if t > score:
                score, arg = t, i
        best.append(score)
        back.append(arg)
    if not cands:
        return []
    finals = [b + (s.empty_row if empty_between(c, n_entries) else 0.0) for b, c in zip(best, cands, strict=True)]
    j = max(range(len(cands)), key=lambda k: (finals[k], -k))
    if finals[j] <= 0:
        return []
    chosen = []
    while j is not None:
        chosen.append(cands[j])
        j = back[j]
    return chosen[::-1]
