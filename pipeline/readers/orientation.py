"""Page orientation and skew of a scan, corrected before OCR.

Skew: the angle at which the rows of ink line up best (the variance of the
projection profile is highest when text lines and rules are horizontal), searched
over ±5° on a reduced image. Quarter turns: a sideways page has its blank gutters
between lines running down the page, not across, which the same profiles show
(rules left out) at no cost; Tesseract's orientation detection (`--psm 0`, osd.traineddata) then
tells 90 from 270, and 180 when the upright reading is poor.
"""

from __future__ import annotations

import re

import numpy as np

from pipeline.readers import image_grid

MAX_SKEW = 5.0  # degrees
WORK_DPI = 75  # resolution of the reduced image the profiles are computed on


def skew_angle(gray: np.ndarray, dpi: int) -> float:
    """Degrees to rotate the image counter-clockwise by so that its lines are horizontal."""
    ys, xs = _ink(gray, dpi)
    if len(ys) < 50:
        return 0.0
    best = 0.0
    for step, span in ((0.5, MAX_SKEW), (0.1, 0.5), (0.02, 0.1)):
        angles = np.arange(best - span, best + span + step / 2, step)
        best = float(max(angles, key=lambda a: _sharpness(ys, xs, a)))
    return round(best, 2)


def is_sideways(gray: np.ndarray, dpi: int) -> bool:
    """Lines of ink run down the page rather than across: the column profile is the sharper one."""
    ys, xs = _ink(gray, dpi, text_only=True)
    if len(ys) < 50:
        return False
    return _sharpness(xs, ys, 0.0) > 1.5 * _sharpness(ys, xs, 0.0)


def _ink(gray: np.ndarray, dpi: int, text_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates of dark pixels on the image reduced to WORK_DPI; `text_only` leaves out table rules
    (a page of tall column rules would otherwise look like lines running down the page)."""
    step = max(1, dpi // WORK_DPI)
    dark = gray[::step, ::step] < 128
    if text_only:
        length = max(8, dpi // step // 5)
        dark &= ~(image_grid.long_runs(dark, length) | image_grid.long_runs(dark.T, length).T)
    ys, xs = np.nonzero(dark)
    return ys.astype(np.float64), xs.astype(np.float64)


def _sharpness(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """Variance of the row profile of the ink sheared by `angle` degrees."""
    shifted = ys - xs * np.tan(np.radians(angle))
    profile = np.bincount((shifted - shifted.min()).astype(np.int64))
    return float(np.var(profile))


def osd_rotation(image) -> int | None:
    """Clockwise degrees Tesseract's OSD says the page is turned by, or None when it cannot tell."""
    import pytesseract

    try:
        report = pytesseract.image_to_osd(image, config="--psm 0 -c min_characters_to_try=20")
    except Exception:  # no osd.traineddata, or too little text
        return None
    found = re.search(r"Rotate:\s*(\d+)", report)
    return int(found.group(1)) if found else None
