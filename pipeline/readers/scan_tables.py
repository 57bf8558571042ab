"""Tables of a scanned page: the ruled grid from the image, word alignment where there are no rules.

The words Tesseract returns are put in the cells of the grid `image_grid` found
(`lattice`, as for a ruled text-layer PDF, merged cells included); words outside
any ruled grid are rebuilt into tables by alignment (`aligned`), as for an
unruled PDF. A stamp's lettering is lighter than printed text (a red or blue seal
turns mid-grey in a grey scan): words whose darkest ink is that light are
dropped before they can join a cell or create a row.
"""

from __future__ import annotations

import numpy as np

from pipeline.readers import aligned, lattice, ocr_symbols
from pipeline.readers.page_image import PageImage

INSET = 3  # pixels: rule residue at a cell's edge is not ink
STAMP_INK = 110  # grey level: printed glyphs have ink darker than this, seal impressions do not


def is_stamp(page: PageImage, box: list[int]) -> bool:
    """The word box (pixels: left, top, width, height) holds no ink darker than a seal's."""
    left, top, width, height = box
    patch = page.gray[top : top + height, left : left + width]
    return patch.size > 0 and float(np.percentile(patch, 2)) > STAMP_INK


def read_sign(pixels: np.ndarray, text: str, box: list[int], uncertain: list[str]) -> str:
    """`text` with a misread comparison sign corrected from its glyph (the box grown down a little
    so the bar of a '≥' is inside); an unresolved one is added to `uncertain`."""
    left, top, width, height = box
    patch = pixels[top : top + height + height // 4 + 1, left : left + width]
    fixed, unclear = ocr_symbols.resolve(text, patch)
    if unclear:
        uncertain.append(text)
    return fixed


def find(page: PageImage, words: list[aligned.Word], number: int, lang: str) -> list:
    from pipeline.readers.pdf import PageTable

    tables = []
    if len(page.horizontal) >= 3 and len(page.vertical) >= 3:
        for found in lattice.find_tables(page.horizontal, page.vertical, words, number):
            fill_empty_cells(page, found.grid, lang)
            xs = [round(x / page.width, 3) for x in found.xs]
            tables.append(PageTable(found.grid, found.bbox, "ocr", len(found.xs), xs))
    rest = [w for w in words if not any(_inside(w.bbox, t.bbox) for t in tables)]
    for found in aligned.find_tables(rest, number):
        xs = [round(x / page.width, 3) for x in found.xs]
        tables.append(PageTable(found.grid, found.bbox, "ocr", len(found.xs), xs))
    return tables


def fill_empty_cells(page: PageImage, grid: list, lang: str) -> None:
    """Cells with ink but no words (Tesseract's page layout drops lone numbers and short values in
    narrow cells) read in one more Tesseract call: their crops stacked on one strip, one per line."""
    scale = page.dpi / 72
    pixels = page.pixels
    crops, where = [], []
    for row in grid:
        for c, box in enumerate(row.cell_bboxes or []):
            if box is None or row.texts[c]:
                continue
            x0, y0, x1, y1 = (round(v * scale) for v in box)
            patch = pixels[y0 + INSET : y1 - INSET, x0 + INSET : x1 - INSET]
            ink = np.argwhere(patch < 128)
            if len(ink) < 12:
                continue
            (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
            crops.append(patch[top : bottom + 1, left : right + 1])
            where.append((row, c))
    if not crops:
        return
    gap = max(8, page.dpi // 10)
    height, width = sum(c.shape[0] + gap for c in crops) + gap, max(c.shape[1] for c in crops) + 2 * gap
    strip = np.full((height, width), 255, np.uint8)
    tops, y = [], gap
    for crop in crops:
        strip[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
        tops.append((y, y + crop.shape[0]))
        y += crop.shape[0] + gap
    for (row, c), text in zip(where, _strip_lines(strip, lang, tops, page.uncertain), strict=True):
        row.texts[c] = text


def _strip_lines(strip: np.ndarray, lang: str, spans: list[tuple[int, int]], uncertain: list[str]) -> list[str]:
    """Text of each horizontal span of the strip image, from one Tesseract call (uniform block)."""
    import pytesseract
    from PIL import Image

    output = pytesseract.Output.DICT
    data = pytesseract.image_to_data(Image.fromarray(strip), lang=lang, config="--psm 6", output_type=output)
    found: list[list[tuple[int, str]]] = [[] for _ in spans]
    for i, text in enumerate(data["text"]):
        if float(data["conf"][i]) < 0 or not text.strip():
            continue
        middle = data["top"][i] + data["height"][i] / 2
        k = next((k for k, (a, b) in enumerate(spans) if a - 4 <= middle <= b + 4), None)
        if k is not None:
            box = [data[key][i] for key in ("left", "top", "width", "height")]
            found[k].append((data["left"][i], read_sign(strip, ocr_symbols.roman(text.strip()), box, uncertain)))
    return [" ".join(t for _, t in sorted(words)) for words in found]


def _inside(bbox, area) -> bool:
    x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return area[0] - 1 <= x <= area[2] + 1 and area[1] - 1 <= y <= area[3] + 1
