"""Blocks of text on a scanned page without ruling lines: a table's cells cut apart by their blank gutters.

Tesseract's page layout reads an unruled table badly: lone row numbers and short values
in a narrow column are dropped, and lines of neighbouring cells whose baselines differ
(cells vertically centred) are read as one line and garbled. The cells are found from
the image instead, by cutting the page at blank bands (recursive XY-cut): across at
blank space taller than a line's leading, down at gutters wider than a word space.
Lengths are in text heights measured on the page, so they hold at any dpi and font size.
"""

from __future__ import annotations

import numpy as np

from pipeline.readers.image_grid import close_gaps

INK = 128  # grey level of printed text; a seal's lighter ink does not make blocks
# In text heights: blank bands that cut a block across (wrapped lines of one cell sit closer)
# and down (word spaces are about 0.3); specks smaller than a tenth are noise.
CUT_ACROSS = 0.45
CUT_DOWN = 0.8
SPECK = 0.1
DASH_THICK = 0.25


def text_height(ink: np.ndarray, dpi: int) -> float:
    """Median height in pixels of the page's lines of ink, accents included: vertical runs of the
    ink smeared along the line (across letters and word spaces) and over an accent's small gap."""
    smear = max(2, dpi // 10)
    counts = np.cumsum(np.pad(ink, ((0, 0), (smear, 0))).astype(np.int32), axis=1)
    lines = close_gaps(((counts[:, smear:] - counts[:, :-smear]) > 0).T, max(1, dpi // 50))
    steps = np.diff(np.pad(lines, ((0, 0), (1, 1))).astype(np.int8), axis=1)
    runs = np.nonzero(steps == -1)[1] - np.nonzero(steps == 1)[1]
    runs = runs[runs >= max(3, dpi // 40)]
    return float(np.median(runs)) if len(runs) else dpi / 8


def blocks(pixels: np.ndarray, dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes (left, top, right, bottom; pixels, end exclusive) of the page's blocks of text, top to bottom."""
    ink = pixels < INK
    if not ink.any():
        return []
    height = text_height(ink, dpi)
    gaps = (max(2, round(height * CUT_ACROSS)), max(2, round(height * CUT_DOWN)))
    out: list[tuple[int, int, int, int]] = []
    _cut(ink, 0, 0, gaps, max(2, round(height * SPECK)), out)
    return sorted(out, key=lambda b: (b[1], b[0]))


def _cut(ink: np.ndarray, x0: int, y0: int, gaps: tuple[int, int], speck: int, out: list) -> None:
    """The region trimmed to its ink, split at blank bands across, else down; a region neither cuts is a block."""
    ys, xs = np.nonzero(ink)
    if not len(ys):
        return
    top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
    if max(bottom - top, right - left) < speck:
        return
    ink, x0, y0 = ink[top:bottom, left:right], x0 + left, y0 + top
    rows = _spans(ink.any(axis=1), gaps[0])
    if len(rows) > 1:
        for a, b in rows:
            _cut(ink[a:b], x0, y0 + a, gaps, speck, out)
        return
    cols = _spans(ink.any(axis=0), gaps[1])
    if len(cols) > 1:
        for a, b in cols:
            _cut(ink[:, a:b], x0 + a, y0, gaps, speck, out)
        return
    out.append((x0, y0, x0 + ink.shape[1], y0 + ink.shape[0]))


def _spans(profile: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs of the profile separated by at least `gap` empty positions."""
    filled = np.flatnonzero(profile)
    if not len(filled):
        return []
    cuts = np.flatnonzero(np.diff(filled) > gap)
    return [(int(p[0]), int(p[-1]) + 1) for p in np.split(filled, cuts + 1)]


def is_dash(box: tuple[int, int, int, int], height: float) -> bool:
    """A bar no thicker than a quarter of the text height, at most as long as that height, at least
    twice as long as thick: a dash, not a letter, a dot or an underline."""
    width, thick = box[2] - box[0], box[3] - box[1]
    return thick <= height * DASH_THICK and 2 * thick <= width <= height


def tabular(boxes: list[tuple[int, int, int, int]], min_cols: int = 3) -> bool:
    """Blocks laid out as a table: at least two bands of the page hold `min_cols` blocks side by side."""
    rows = 0
    for box in boxes:
        beside = [b for b in boxes if b[1] < box[3] and box[1] < b[3]]
        if len(beside) >= min_cols and box == min(beside, key=lambda b: b[0]):
            rows += 1
    return rows >= 2
