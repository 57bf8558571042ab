"""One bad PDF page costs that page only: damage, size and time are checked page by page.

MuPDF reads a damaged content stream (bad compression, unknown filter, syntax errors) without
raising: it logs a warning and returns what it could, often nothing. Those warnings are read
after each page, so the page gets a diagnostic instead of passing for a scan. A page is never
rasterised when its pixels would exceed `Limits.max_page_pixels` (a 100x100-inch page needs
gigabytes), and each page runs under `Limits.max_page_seconds`.
"""

from __future__ import annotations

from pipeline.config import Limits
from pipeline.model import Document, Page

# MuPDF warning lines that mean the page's content could not be read as written
_DAMAGE = ("error", "unknown filter", "treating as end of file", "can't open")


class PageTimeout(BaseException):
    """A page exceeded its time limit (BaseException, like the document's, so no `except Exception` hides it)."""


def reset_warnings() -> None:
    import pymupdf

    pymupdf.TOOLS.mupdf_warnings(reset=True)


def damage() -> str | None:
    """The first MuPDF warning since the last call that says the content was damaged, else None."""
    import pymupdf

    warnings = pymupdf.TOOLS.mupdf_warnings(reset=True)
    return next((w for w in warnings.splitlines() if any(k in w.lower() for k in _DAMAGE)), None)


def too_many_pixels(doc: Document, info: Page, dpi: int, limits: Limits) -> bool:
    """True (with a diagnostic) when rendering the page at `dpi` would exceed the pixel cap."""
    pixels = (info.width or 0) * (info.height or 0) * (dpi / 72) ** 2
    if pixels <= limits.max_page_pixels:
        return False
    doc.diagnose(
        "read",
        "error",
        f"page {info.number} is {(info.width or 0) / 72:.0f} x {(info.height or 0) / 72:.0f} inches: "
        f"{pixels / 1e6:,.0f} million pixels at {dpi} dpi, over the limit of {limits.max_page_pixels / 1e6:g} "
        "million; not rasterised for OCR",
        code="page_too_large",
        page=info.number,
    )
    return True
