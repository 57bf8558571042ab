"""Tables of a scanned page: the ruled grid from the image, word alignment where there are no rules.

The words Tesseract returns are put in the cells of the grid `image_grid` found
(`lattice`, as for a ruled text-layer PDF, merged cells included); words outside
any ruled grid are rebuilt into tables by alignment (`aligned`), as for an
unruled PDF. A stamp's lettering is lighter than printed text (a red or blue seal
turns mid-grey in a grey scan): words whose darkest ink is that light are
dropped before they can join a cell or create a row.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

import numpy as np

from pipeline.readers import aligned, image_blocks, lattice, ocr_symbols
from pipeline.readers.grid import union
from pipeline.readers.page_image import PageImage

INSET = 3  # pixels: rule residue at a cell's edge is not ink
STAMP_INK = 110  # grey level: printed glyphs have ink darker than this, seal impressions do not
_ROMAN = re.compile(r"^[IVX]{1,5}[.)]?$")


def is_stamp(page: PageImage, box: list[int]) -> bool:
    """The word box (pixels: left, top, width, height) holds no ink darker than a seal's."""
    left, top, width, height = box
    patch = page.gray[top : top + height, left : left + width]
    return patch.size > 0 and float(np.percentile(patch, 2)) > STAMP_INK


def read_sign(pixels: np.ndarray, text: str, box: list[int], uncertain: list[str]) -> str:
    """`text` with a misread comparison sign corrected from its glyph (the box grown down a little
    so the bar of a '≥' is inside); an unresolved one is added to `uncertain`."""
    left, top, width, height = box
    patch = pixels[top : top + height + height * 3 // 5 + 1, left : left + width]
    fixed, unclear = ocr_symbols.resolve(text, patch)
    if unclear:
        uncertain.append(text)
    return fixed


def ruled_tables(page: PageImage, number: int, lang: str) -> tuple[list[lattice.Lattice], list[float]]:
    """Grids of the page's rules with their cells read (see `cell_words`), and the words' confidences."""
    if len(page.horizontal) < 3 or len(page.vertical) < 3:
        return [], []
    frames = lattice.find_tables(page.horizontal, page.vertical, [], number, empty=True)
    reread = cell_words(page, [g for t in frames for g in t.grid], lang)
    if reread is None:
        return [], []
    return lattice.find_tables(page.horizontal, page.vertical, reread.words, number), reread.confidences


def blank(page: PageImage, areas: list) -> None:
    """Whiten the areas (tables already read) so the page pass reads only what is around them."""
    from PIL import Image

    scale = page.dpi / 72
    for x0, y0, x1, y1 in areas:
        page.pixels[
            max(0, round(y0 * scale)) : round(y1 * scale) + 1, max(0, round(x0 * scale)) : round(x1 * scale) + 1
        ] = 255
    page.image = Image.fromarray(page.pixels)


def find(page: PageImage, ruled: list[lattice.Lattice], words: list[aligned.Word], number: int) -> list:
    """PageTables: the ruled grids, then tables aligned from the words outside them."""
    from pipeline.readers.pdf import PageTable

    tables = []
    for found in ruled:
        xs = [round(x / page.width, 3) for x in found.xs]
        tables.append(PageTable(found.grid, found.bbox, "ocr", len(found.xs), xs))
    rest = [w for w in words if not any(_inside(w.bbox, t.bbox) for t in tables)]
    for found in aligned.find_tables(rest, number):
        xs = [round(x / page.width, 3) for x in found.xs]
        tables.append(PageTable(found.grid, found.bbox, "ocr", len(found.xs), xs))
    for row in (g for t in tables for g in t.grid if g.texts):
        row.texts[0] = roman_number(row.texts[0])
    return tables


def roman_number(cell: str) -> str:
    """A row-number cell read as a Roman numeral with Vietnamese marks ('VỊ', 'ÍI': the Vietnamese
    model puts a dot or an accent on a bare capital I) without them; any other cell unchanged."""
    bare = "".join(c for c in unicodedata.normalize("NFD", cell) if not unicodedata.combining(c))
    return bare if _ROMAN.match(bare) else cell


@dataclass
class Reread:
    words: list[aligned.Word]  # page coordinates
    confidences: list[float]
    lines: list[tuple] = field(default_factory=list)  # (text, bbox, height, block): one per strip line


def cell_words(page: PageImage, grid: list, lang: str) -> Reread | None:
    """Cells read again, cut out and stacked on one strip, in one Tesseract call.

    Tesseract's page layout drops lone numbers and short values in narrow cells and
    loses words at a cell's edge; a strip of cells, one above the other with blank
    space between, is a plain block of lines it reads whole. The page pass then
    reads the page with the tables whitened, so each pixel is read once."""
    scale = page.dpi / 72
    pixels = page.pixels
    crops = []
    for box in (b for row in grid for b in row.cell_bboxes or []):
        if box is None:
            continue
        x0, y0, x1, y1 = (round(v * scale) for v in box)
        patch = pixels[y0 + INSET : y1 - INSET, x0 + INSET : x1 - INSET]
        ink = np.argwhere(patch < 128)
        if len(ink) < 12:
            continue
        (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
        crops.append((patch[top : bottom + 1, left : right + 1], x0 + INSET + left, y0 + INSET + top))
    return read_crops(page, crops, lang)


def block_words(page: PageImage, boxes: list[tuple[int, int, int, int]], lang: str) -> Reread:
    """The page's blocks of text (`image_blocks`: an unruled table's cells, paragraphs) read on one
    strip as `cell_words` reads ruled cells; each block's lines are lines of the page. A block of a
    seal's light ink is left out; one that is a short flat bar is a dash (a cell saying 'none'):
    Tesseract drops a bar alone as a speck."""
    height = image_blocks.text_height(page.pixels < image_blocks.INK, page.dpi)
    boxes = [b for b in boxes if not is_stamp(page, [b[0], b[1], b[2] - b[0], b[3] - b[1]])]
    dashes = [b for b in boxes if image_blocks.is_dash(b, height) and _dark(page, b)]
    crops = [(page.pixels[y0:y1, x0:x1], x0, y0) for x0, y0, x1, y1 in boxes if (x0, y0, x1, y1) not in dashes]
    read = read_crops(page, crops, lang, line_boxes=True) or Reread([], [])
    scale = page.dpi / 72
    for x0, y0, x1, y1 in dashes:  # as tall as a line of text around the bar, as a text layer boxes it
        middle = (y0 + y1) / 2
        bbox = (x0 / scale, (middle - height / 2) / scale, x1 / scale, (middle + height / 2) / scale)
        read.words.append(aligned.Word("-", bbox))
        read.lines.append(("-", bbox, bbox[3] - bbox[1], len(crops) + len(read.lines)))
    read.lines.sort(key=lambda ln: (round(ln[1][1] / 4), ln[1][0]))
    return read


def _dark(page: PageImage, box: tuple[int, int, int, int]) -> bool:
    """A bar printed in black, not a fragment of a seal's ring that noise made dark in places."""
    return float(page.gray[box[1] : box[3], box[0] : box[2]].mean()) < STAMP_INK


def read_crops(page: PageImage, crops: list, lang: str, line_boxes: bool = False) -> Reread | None:
    """Crops (pixels, left, top) stacked on one strip with blank space between, read in one call;
    with `line_boxes` each word is as tall as its line, accents and descenders included, as a text
    layer boxes words (word alignment measures its gaps in those heights)."""
    if not crops:
        return None
    gap = max(8, page.dpi // 10)
    height = sum(c.shape[0] + gap for c, _, _ in crops) + gap
    strip = np.full((height, max(c.shape[1] for c, _, _ in crops) + 2 * gap), 255, np.uint8)
    spans, y = [], gap
    for crop, left, top in crops:
        strip[y : y + crop.shape[0], gap : gap + crop.shape[1]] = crop
        spans.append((y, y + crop.shape[0], left - gap, top - y))  # strip -> page pixel offsets
        y += crop.shape[0] + gap
    return _strip_words(strip, lang, spans, page.uncertain, page.dpi / 72, line_boxes)


def _strip_words(
    strip: np.ndarray, lang: str, spans: list, uncertain: list[str], scale: float, line_boxes: bool
) -> Reread:
    """Words of the strip moved back to where their crop is on the page (points), with their lines."""
    import pytesseract
    from PIL import Image

    output = pytesseract.Output.DICT
    data = pytesseract.image_to_data(Image.fromarray(strip), lang=lang, config="--psm 6", output_type=output)
    read = Reread([], [])
    grouped: dict[tuple, list[aligned.Word]] = {}
    for i, text in enumerate(data["text"]):
        if float(data["conf"][i]) < 0 or not text.strip():
            continue
        left, top, width, height = (data[key][i] for key in ("left", "top", "width", "height"))
        middle = top + height / 2
        k = next((k for k, s in enumerate(spans) if s[0] - 4 <= middle <= s[1] + 4), None)
        if k is None:
            continue
        text = read_sign(strip, ocr_symbols.clean_word(text), [left, top, width, height], uncertain)
        if text:
            x, y = left + spans[k][2], top + spans[k][3]
            word = aligned.Word(text, (x / scale, y / scale, (x + width) / scale, (y + height) / scale))
            read.words.append(word)
            read.confidences.append(float(data["conf"][i]))
            line = (k, *(data[key][i] for key in ("block_num", "par_num", "line_num")))
            grouped.setdefault(line, []).append(word)
    for (k, *_line), ws in grouped.items():
        bbox = functools.reduce(union, (w.bbox for w in ws))
        for w in ws if line_boxes else ():
            w.bbox = (w.bbox[0], bbox[1], w.bbox[2], bbox[3])
        read.lines.append((" ".join(w.text for w in ws), bbox, bbox[3] - bbox[1], k))
    read.lines.sort(key=lambda ln: (round(ln[1][1] / 4), ln[1][0]))
    return read


def _inside(bbox, area) -> bool:
    x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return area[0] - 1 <= x <= area[2] + 1 and area[1] - 1 <= y <= area[3] + 1
