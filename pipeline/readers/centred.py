"""Rows of an unruled table whose cells are vertically centred, from the visual lines of its grid.

Word and scanned plans centre each cell's text in its row: the number and the short cells sit
level with the middle of the longest cell, below the row's first line, so reading a line with an
empty first column as a wrapped line of the row above (the rule for top-aligned rows) cuts rows
in the wrong place. Rows set apart by blank space are the bands between those spaces. Rows set
tight (no cell margin) are cut where every cell of every row is centred on its row: the cuts of
least total off-centre distance, a cell being the lines of one column that follow each other.
"""

from __future__ import annotations

import itertools
import re

from pipeline.readers.grid import GridRow
from pipeline.settings import SETTINGS

S = SETTINGS.aligned
_NUMBER = re.compile(r"^(?:\d+(?:\.\d+)*|[IVXLC]+|[a-zđ])[.)]?$")  # a row's number, not a header title


def centred_rows(grid: list[GridRow], height: float) -> None:
    """Mark every line of a row after its first as continuing it, where the cells are centred."""
    if not _banded(grid, height):
        _tight(grid, height)


def _banded(grid: list[GridRow], height: float) -> bool:
    """Rows set apart by blank space: where a band of lines has its number below its first line,
    every band is one row."""
    bands: list[list[GridRow]] = [grid[:1]]
    for above, g in itertools.pairwise(grid):
        if g.bbox[1] - above.bbox[3] >= height * S.row_gap:
            bands.append([g])
        else:
            bands[-1].append(g)
    if not any(not band[0].texts[0] and any(g.texts[0] for g in band[1:]) for band in bands[1:]):
        return False
    for band in bands:
        for k, g in enumerate(band):
            g.continues = k > 0
    return True


def _is_centred(grid: list[GridRow]) -> bool:
    """Cells centred in a table set tight: the header's first cell ('TT') sits below the table's first
    line, or in many rows a cell begins below the line of the row's number (read as top-aligned,
    where every cell begins on that line)."""
    anchors = [k for k, g in enumerate(grid) if g.texts[0]]
    if len(anchors) < 2:
        return False
    if anchors[0] > 0 and not _NUMBER.match(grid[anchors[0]].texts[0]):
        return True
    multi = late = 0
    for a, after in zip(anchors, [*anchors[1:], len(grid)], strict=True):
        below = grid[a + 1 : after]
        multi += bool(below)
        late += any(t and not grid[a].texts[c] for g in below for c, t in enumerate(g.texts))
    return multi > 0 and late >= multi * S.centred_share


def _tight(grid: list[GridRow], height: float) -> None:
    """Rows set tight: the cuts between lines that leave every cell centred in its row (dynamic
    programming over the cuts; see `_row_costs`)."""
    if not _is_centred(grid):
        return
    n = len(grid)
    best: list[float] = [0.0] + [float("inf")] * n  # best[j]: the lines before j cut into rows
    cut: list[int] = [0] * (n + 1)
    for j in range(1, n + 1):
        for i, cost in _row_costs(grid, j, height):
            if best[i] + cost < best[j]:
                best[j], cut[j] = best[i] + cost, i
    if best[n] == float("inf"):
        return
    j = n
    while j > 0:
        i = cut[j]
        for k in range(i, j):
            grid[k].continues = k > i
        j = i


def _row_costs(grid: list[GridRow], end: int, height: float):
    """(i, cost) of the lines i..end-1 as one row, i going up from end-1: how far its cells' middles
    lie from the row's middle (in word heights), plus a cost per row, more for a row of one column
    (most often lines wrapped from a row; at a page's top, the rest of a row cut by the break). A
    column whose lines leave blank space between them holds two cells: no row above goes on."""
    first: dict[int, tuple] = {}  # column -> box of its first and of its last line in the row
    last: dict[int, tuple] = {}
    bottom = grid[end - 1].bbox[3]
    top = grid[end - 1].bbox[1]
    for i in range(end - 1, max(-1, end - 1 - S.row_lines), -1):
        for c, box in enumerate(grid[i].cell_bboxes):
            if box is None:
                continue
            if c in first and first[c][1] - box[3] > height * S.cell_line_gap:
                return  # blank lines inside: two cells of this column
            first[c] = box
            last.setdefault(c, box)
        top, bottom = min(top, grid[i].bbox[1]), max(bottom, grid[i].bbox[3])
        middle = (top + bottom) / 2
        cost = S.row_cost + sum(abs((first[c][1] + last[c][3]) / 2 - middle) for c in first) / height
        yield i, cost if len(first) >= 2 else cost + S.lone_cost
