"""A scanned page made ready for OCR: rendered once, turned upright, deskewed, rules found and whitened.

The ruling lines are found before OCR for two reasons: they give the table grid
(`image_grid`), and Tesseract reads them as '|' and loses the cells beside them.
Coordinates of everything downstream are points of the upright, deskewed page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pipeline.readers import image_grid, orientation
from pipeline.readers.lattice import Rule

DPI = 300
MIN_DPI = 200


@dataclass
class PageImage:
    image: object  # PIL image, rules whitened
    pixels: np.ndarray  # the same as an array
    gray: np.ndarray  # the upright, deskewed page before whitening (ink lightness of words)
    dpi: int
    width: float  # points
    height: float
    horizontal: list[Rule]
    vertical: list[Rule]
    turned: int  # clockwise quarter turns undone, degrees
    skew: float  # degrees undone
    uncertain: list[str] = field(default_factory=list)  # words whose comparison sign the glyph did not settle


def render_dpi(page) -> int:
    """300 dpi, or the scan's own resolution when it is between MIN_DPI and 300: upsampling a
    200 dpi scan more than doubles the OCR time and adds nothing a 200 dpi OCR misses."""
    native = 0.0
    for info in page.get_image_info():
        width_in = (info["bbox"][2] - info["bbox"][0]) / 72
        if width_in > page.rect.width / 144 and info.get("width"):  # an image covering most of the page
            native = max(native, info["width"] / width_in, info["height"] / ((info["bbox"][3] - info["bbox"][1]) / 72))
    return DPI if not native else int(min(DPI, max(MIN_DPI, round(native))))


def render(page):
    """(grey PIL image, dpi) of a PDF page; PyMuPDF is not thread-safe, so this runs in the reading thread."""
    import pymupdf
    from PIL import Image

    dpi = render_dpi(page)
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY)
    return Image.frombytes("L", (pix.width, pix.height), pix.samples), dpi


def straighten(image, dpi: int) -> PageImage:
    """Upright (quarter turns) and deskewed page, with its rules."""
    from PIL import Image

    gray = np.asarray(image)
    turned = 0
    if orientation.is_sideways(gray, dpi):  # a hint; Tesseract's OSD decides (0 keeps it upright)
        found = orientation.osd_rotation(image)
        turned = 90 if found is None else found
        if turned in (90, 270):
            image = image.rotate(-turned, expand=True, fillcolor=255)
        else:
            turned = 0
    skew = orientation.skew_angle(np.asarray(image), dpi)
    if abs(skew) >= 0.1:
        image = image.rotate(skew, resample=Image.BICUBIC, fillcolor=255)
    gray = np.asarray(image)
    horizontal, vertical, mask = image_grid.find_rules(gray, dpi)
    cleaned = gray.copy()
    cleaned[mask] = 255
    return PageImage(
        Image.fromarray(cleaned),
        cleaned,
        gray,
        dpi,
        image.width * 72 / dpi,
        image.height * 72 / dpi,
        horizontal,
        vertical,
        turned,
        skew,
    )


def turn_over(page: PageImage) -> PageImage:
    """The page rotated by 180 degrees (OSD found it upside down)."""
    from PIL import Image

    return straighten(Image.fromarray(page.gray).rotate(180), page.dpi)
