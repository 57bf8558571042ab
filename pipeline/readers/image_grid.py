"""Ruling lines of a scanned page, as the `lattice.Rule`s a text-layer PDF's drawings give.

A scanned table has no vector drawings, but its rules are the only long straight
dark runs on the page: glyph strokes are short, a stamp's ring is curved. Runs
longer than a fifth of an inch are kept, short gaps (a faint or broken rule) are
bridged, and each band of such pixel rows becomes one rule. `lattice` then builds
the grid, merged cells included, exactly as for a ruled text-layer PDF, and the
OCR words are put in cells by position.
"""

from __future__ import annotations

import numpy as np

from pipeline.readers.lattice import Rule

DARK = 170  # grey level under which a pixel may be ink: faint and JPEG-blurred rules stay dark enough
# inches: a shorter straight stroke is a rule only between two long rules (one cell's side);
# otherwise it is a stamp ring's flank, an underline, a dash
MIN_RULE = 0.6
SNAP = 0.04  # inches: rules this close across the page lie on one grid line (residual skew, thick rules)


def find_rules(gray: np.ndarray, dpi: int) -> tuple[list[Rule], list[Rule], np.ndarray]:
    """(horizontal, vertical) rules in points, and the mask of rule pixels (to whiten before OCR)."""
    dark = gray < DARK
    length, gap = max(8, dpi // 5), max(1, dpi // 150)
    across = long_runs(close_gaps(dark, gap), length) & dark
    down = (long_runs(close_gaps(dark.T, gap), length) & dark.T).T
    scale = 72 / dpi
    bridge, pad = dpi // 10, dpi // 40  # a broken rule's gaps; rule ends stop just short of a crossing
    horizontal, vertical = _rules(across, bridge, pad, scale), _rules(down.T, bridge, pad, scale)
    long_h = [r for r in horizontal if r.end - r.start >= MIN_RULE * 72]
    long_v = [r for r in vertical if r.end - r.start >= MIN_RULE * 72]
    reach = 2 * pad * scale
    horizontal = [r for r in horizontal if r in long_h or _closed(r, long_v, reach)]
    vertical = [r for r in vertical if r in long_v or _closed(r, long_h, reach)]
    return _snapped(horizontal, SNAP * 72), _snapped(vertical, SNAP * 72), _grown(across | down, max(1, dpi // 100))


def _grown(mask: np.ndarray, by: int) -> np.ndarray:
    """The mask dilated by `by` pixels: the blurred edge of a rule goes with it, or OCR reads it as '.'."""
    out = mask.copy()
    for k in range(1, by + 1):
        out[k:] |= mask[:-k]
        out[:-k] |= mask[k:]
        out[:, k:] |= mask[:, :-k]
        out[:, :-k] |= mask[:, k:]
    return out


def close_gaps(dark: np.ndarray, gap: int) -> np.ndarray:
    """Horizontal gaps of at most `gap` pixels between dark pixels filled (JPEG and noise dropouts)."""
    counts = np.cumsum(np.pad(dark, ((0, 0), (gap + 1, gap))).astype(np.int32), axis=1)
    width = dark.shape[1]
    left = counts[:, gap + 1 : gap + 1 + width] - counts[:, 1 : 1 + width] > 0  # dark within gap to the left
    right = counts[:, 2 * gap + 1 : 2 * gap + 1 + width] - counts[:, gap : gap + width] > 0
    return dark | (left & right)


def long_runs(dark: np.ndarray, length: int) -> np.ndarray:
    """Pixels on a horizontal run of at least `length` dark pixels (window sums over cumulative counts)."""
    width = dark.shape[1]
    if width < length:
        return np.zeros_like(dark)
    counts = np.cumsum(np.pad(dark, ((0, 0), (1, 0))).astype(np.int32), axis=1)
    starts = (counts[:, length:] - counts[:, :-length]) == length  # the run starting here is long
    starts = np.pad(starts, ((0, 0), (0, length - 1))).astype(np.int32)
    cover = np.pad(np.cumsum(starts, axis=1), ((0, 0), (length, 0)))
    return (cover[:, length : length + width] - cover[:, :width]) > 0


def _rules(mask: np.ndarray, bridge: int, pad: int, scale: float) -> list[Rule]:
    """Bands of consecutive pixel rows holding runs -> one rule per stretch of covered x."""
    rows = np.flatnonzero(mask.any(axis=1))
    if not len(rows):
        return []
    breaks = np.flatnonzero(np.diff(rows) > 1)
    out: list[Rule] = []
    for band in np.split(rows, breaks + 1):
        covered = mask[band[0] : band[-1] + 1].any(axis=0)
        xs = np.flatnonzero(covered)
        cuts = np.flatnonzero(np.diff(xs) > bridge)
        for part in np.split(xs, cuts + 1):
            pos = (band[0] + band[-1] + 1) / 2
            out.append(Rule(pos * scale, (part[0] - pad) * scale, (part[-1] + 1 + pad) * scale))
    return out


def _closed(rule: Rule, across: list[Rule], reach: float) -> bool:
    """A short rule both of whose ends meet long rules across it: the side of one cell."""

    def meets(point: float) -> bool:
        return any(abs(a.pos - point) <= reach and a.start - reach <= rule.pos <= a.end + reach for a in across)

    return meets(rule.start + reach / 2) and meets(rule.end - reach / 2)


def _snapped(rules: list[Rule], tol: float) -> list[Rule]:
    """Rules whose positions lie within `tol` of each other moved to their mean position."""
    rules = sorted(rules, key=lambda r: r.pos)
    groups: list[list[Rule]] = []
    for r in rules:
        if groups and r.pos - groups[-1][-1].pos <= tol:
            groups[-1].append(r)
        else:
            groups.append([r])
    out = []
    for group in groups:
        pos = sum(r.pos for r in group) / len(group)
        out += [Rule(pos, r.start, r.end) for r in group]
    return out
