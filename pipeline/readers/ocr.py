"""OCR of PDF pages without a usable text layer (Tesseract, Vietnamese model).

The page is rendered at 300 dpi by PyMuPDF and read word by word with
positions (`image_to_data`). Lines follow Tesseract's own line grouping; tables
are rebuilt from the word boxes (`aligned`: rows by y, columns by x-clusters),
never from reading order, which interleaves the cells of a scanned table.
Without Tesseract the page is reported, not a crash.
"""

from __future__ import annotations

import os
import statistics
from functools import cache

import numpy as np

from pipeline.config import Limits
from pipeline.model import Document, Page
from pipeline.readers import aligned, image_blocks, ocr_symbols, orientation, page_image, scan_tables

LOW_CONFIDENCE = 60.0
MIN_INK = 0.0005  # share of dark pixels left around a page's tables below which there is nothing to read
_RULE_CHARS = set("|_—–-=~[](){}!/\\'‘’\"“”.,:;")


def _configure_tesseract() -> None:
    """Every Tesseract process pytesseract starts (cells, page, OSD) runs one thread, unless the user set
    OMP_THREAD_LIMIT: its OpenMP threads oversubscribe a small machine (about 6x slower), and pages run
    side by side instead. And it gets SIGKILL when its worker dies (PR_SET_PDEATHSIG), so a killed worker
    leaves no OCR running; an interrupted page's are killed by the worker itself."""
    import pytesseract.pytesseract as pt

    from pipeline.executors import die_with_parent

    original = pt.subprocess_args
    if getattr(original, "configured", False):
        return

    def subprocess_args(*args, **kwargs):
        env = {"OMP_THREAD_LIMIT": "1", **os.environ}
        return {**original(*args, **kwargs), "preexec_fn": die_with_parent, "env": env}

    subprocess_args.configured = True
    pt.subprocess_args = subprocess_args


@cache
def tesseract_languages() -> tuple[set[str], str | None]:
    """(installed languages, None) or (empty, why OCR cannot run)."""
    try:
        import pytesseract

        pytesseract.get_tesseract_version()
        return set(pytesseract.get_languages(config="")), None
    except Exception as exc:  # not installed, not on PATH, broken install
        return set(), f"Tesseract OCR is not available ({type(exc).__name__}: {exc})".strip()


def read_page(doc: Document, page, info: Page, limits: Limits, had_text: bool, scanned=None):
    """PageContent of an OCR'd page, or None (with a diagnostic) when OCR cannot run.
    `scanned`: the page's `read_scan` result when a worker thread has read it already."""
    from pipeline.readers.page import PageContent, TextLine, reflow

    why = "has no text layer" if not had_text else "has an unreadable text layer"
    if not limits.ocr:
        doc.diagnose(
            "read", "warning", f"page {info.number} {why} and OCR is off", code="ocr_disabled", page=info.number
        )
        return None
    error = tesseract_languages()[1]
    if error:
        doc.diagnose(
            "read",
            "error",
            f"page {info.number} {why}; {error}. Install it: apt-get install tesseract-ocr tesseract-ocr-vie",
            code="ocr_unavailable",
            page=info.number,
        )
        return None
    lang = language(limits)
    if lang != limits.ocr_language:
        doc.diagnose(
            "read",
            "warning",
            f"Tesseract has no '{limits.ocr_language}' model (apt-get install tesseract-ocr-{limits.ocr_language});"
            " read with 'eng', diacritics lost",
            code="ocr_language_missing",
            page=info.number,
        )
    if scanned is None:
        scanned = read_scan(*page_image.render(page), lang, info.number)
    prepared, ruled, words, lines, confidence = scanned
    info.method = "ocr"
    info.ocr_confidence = confidence
    content = PageContent(info.number, prepared.width, prepared.height, [])
    tables = scan_tables.find(prepared, ruled, words, info.number)
    text_lines = []
    for text, bbox, size, paragraph in lines:
        center = ((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2)
        if not any(t.bbox[0] <= center[0] <= t.bbox[2] and t.bbox[1] <= center[1] <= t.bbox[3] for t in tables):
            text_lines.append(TextLine(text, bbox, paragraph, size))
    content.items = sorted([*reflow(text_lines), *tables], key=lambda it: (it.bbox[1], it.bbox[0]))
    if prepared.uncertain:
        doc.diagnose(
            "read",
            "warning",
            f"page {info.number}: OCR cannot tell the comparison sign in {', '.join(prepared.uncertain[:5])}",
            code="ocr_uncertain_sign",
            page=info.number,
        )
    severity = "warning" if confidence is not None and confidence < LOW_CONFIDENCE else "info"
    doc.diagnose(
        "read",
        severity,
        f"page {info.number} {why}: read by OCR ({lang}), mean word confidence {confidence or 0:.0f}",
        code="ocr_page" if severity == "info" else "low_ocr_confidence",
        page=info.number,
    )
    return content


def language(limits: Limits) -> str:
    """The OCR language asked for, or 'eng' when its model is not installed."""
    return limits.ocr_language if limits.ocr_language in tesseract_languages()[0] else "eng"


def read_scan(image, dpi: int, lang: str, number: int):
    """(page image, ruled grids, words, lines, confidence) of a rendered page: upright, deskewed,
    read; turned over and read again when the reading is poor and OSD says it is upside down."""
    from PIL import Image

    _configure_tesseract()
    prepared = page_image.straighten(image, dpi)
    ruled, words, lines, confidence = read_image(prepared, lang, number)
    upside_down = confidence is not None and confidence < LOW_CONFIDENCE
    if upside_down and orientation.osd_rotation(Image.fromarray(prepared.gray)) == 180:
        prepared = page_image.turn_over(prepared)
        ruled, words, lines, confidence = read_image(prepared, lang, number)
    return prepared, ruled, words, lines, confidence


def read_image(prepared: page_image.PageImage, lang: str, number: int):
    """(ruled grids, words, lines, mean confidence): the ruled tables cell by cell, then the rest
    of the page with those tables whitened."""
    ruled, table_confidences = scan_tables.ruled_tables(prepared, number, lang)
    scan_tables.blank(prepared, [t.bbox for t in ruled])
    if ruled and np.count_nonzero(prepared.pixels < 128) < MIN_INK * prepared.pixels.size:
        words, lines, confidences = [], [], []  # nothing but specks around the tables: no page pass
    elif image_blocks.tabular(boxes := image_blocks.blocks(prepared.pixels, prepared.dpi)):
        read = scan_tables.block_words(prepared, boxes, lang)  # a table without rules: cell by cell
        words, lines, confidences = read.words, read.lines, read.confidences
    else:
        words, lines, confidences = ocr_words(prepared, lang)
    confidences += table_confidences
    return ruled, words, lines, (statistics.fmean(confidences) if confidences else None)


def ocr_words(prepared: page_image.PageImage, lang: str):
    """(words, lines as (text, bbox, height), word confidences) in page points; one Tesseract pass."""
    import pytesseract

    data = pytesseract.image_to_data(prepared.image, lang=lang, config="--psm 3", output_type=pytesseract.Output.DICT)
    scale = 72 / prepared.dpi
    words: list[aligned.Word] = []
    grouped: dict[tuple[int, int, int], list[aligned.Word]] = {}
    paragraphs: dict[tuple[int, int], int] = {}
    confidences: list[float] = []
    for i, text in enumerate(data["text"]):
        conf = float(data["conf"][i])
        text = ocr_symbols.clean_word(text)
        if conf < 0 or not text or (set(text) <= _RULE_CHARS and conf < 80):
            continue  # layout boxes, and ruling lines read as '|' or '—'
        box = [data[k][i] for k in ("left", "top", "width", "height")]
        if scan_tables.is_stamp(prepared, box):
            continue
        text = scan_tables.read_sign(prepared.pixels, text, box, prepared.uncertain)
        x, y, w, h = (data[k][i] * scale for k in ("left", "top", "width", "height"))
        word = aligned.Word(text, (x, y, x + w, y + h))
        words.append(word)
        confidences.append(conf)
        grouped.setdefault((data["block_num"][i], data["par_num"][i], data["line_num"][i]), []).append(word)
    lines = []
    for (block, par, _line), ws in grouped.items():
        ws.sort(key=lambda w: w.bbox[0])
        bbox = (
            min(w.bbox[0] for w in ws),
            min(w.bbox[1] for w in ws),
            max(w.bbox[2] for w in ws),
            max(w.bbox[3] for w in ws),
        )
        paragraph = paragraphs.setdefault((block, par), len(paragraphs))
        lines.append((" ".join(w.text for w in ws), bbox, bbox[3] - bbox[1], paragraph))
    lines.sort(key=lambda ln: (round(ln[1][1] / 4), ln[1][0]))
    return words, lines, confidences
