"""Build test documents at test time from the seeds' own content (no binaries in git).

`seed_items` cuts a seed text export into paragraphs and tables (tab-separated
blocks, split where the export shows a page break); the renderers lay the same
content out as a PDF (ruled or unruled tables, landscape or rotated pages), a
DOCX (merged cells), or an image-only scan, so tests can check that every
format yields the tables the text reader finds.
"""

from __future__ import annotations

import io
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.readers.text import decode, read_lines

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"


@cache
def font_path(bold: bool = False) -> str:
    """A TrueType font with Vietnamese glyphs (DejaVu Sans, Debian package fonts-dejavu-core)."""
    pattern = "DejaVu Sans:bold" if bold else "DejaVu Sans"
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True).stdout
    except FileNotFoundError:
        found = ""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for candidate in (found, f"/usr/share/fonts/truetype/dejavu/{name}"):
        if candidate and Path(candidate).name == name and Path(candidate).exists():
            return candidate
    raise RuntimeError("DejaVu Sans not found: apt-get install fonts-dejavu-core")


# ---------------------------------------------------------------- seed content


@dataclass
class TableItem:
    segments: list[list[list[str]]]  # page segments -> rows -> cells

    @property
    def width(self) -> int:
        return max(len(r) for seg in self.segments for r in seg)

    def padded_rows(self) -> list[list[str]]:
        """Every row of every page segment, padded with empty cells to the table's width."""
        return [r + [""] * (self.width - len(r)) for seg in self.segments for r in seg]


def seed_path(prefix: str) -> Path:
    return next(RAW.glob(f"{prefix}_*.txt"))


def seed_items(prefix: str) -> list[str | TableItem]:
    """Paragraph texts and tables of a seed, in order; a blank line inside a table is a page break."""
    text, _ = decode(seed_path(prefix).read_bytes())
    return text_items(text)


def text_items(text: str) -> list[str | TableItem]:
    """Paragraph texts and tables of a text export (see seed_items), e.g. of a transformed seed."""
    lines = [ln.text for ln in read_lines(text)]
    items: list[str | TableItem] = []
    i = 0
    while i < len(lines):
        if "\t" not in lines[i]:
            if lines[i].strip():
                items.append(lines[i].strip())
            i += 1
            continue
        segments: list[list[list[str]]] = [[]]
        while i < len(lines) and ("\t" in lines[i] or not lines[i].strip()):
            if "\t" in lines[i]:
                segments[-1].append(lines[i].split("\t"))
            elif segments[-1]:
                segments.append([])
            i += 1
        items.append(TableItem([s for s in segments if s]))
    return items


def seed_tables(prefix: str) -> list[TableItem]:
    return [it for it in seed_items(prefix) if isinstance(it, TableItem) and sum(map(len, it.segments)) >= 2]


# ---------------------------------------------------------------- PDF


def _register_fonts() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", font_path()))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", font_path(bold=True)))


class _PdfWriter:
    """Lays paragraphs and tables out page by page with reportlab."""

    MARGIN = 40
    SIZE = 9
    LEADING = 11.5

    def __init__(
        self,
        path: Path,
        ruled: bool,
        rotate_tables: bool,
        encrypt: str | None,
        centred: bool = False,
        tight: bool = False,
    ):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        _register_fonts()
        kwargs = {}
        if encrypt is not None:
            from reportlab.lib.pdfencrypt import StandardEncryption

            kwargs["encrypt"] = StandardEncryption(encrypt, ownerPassword="owner-secret")
        self.c = canvas.Canvas(str(path), pagesize=A4, **kwargs)
        self.portrait = A4
        self.ruled = ruled
        self.rotate_tables = rotate_tables
        self.centred = centred  # cell text vertically centred, as Word and scanned plans lay it out
        # rows set apart by cell padding and a gap, or (tight) by nothing: Word's default cell margins
        self.vpad, self.spacing = (3, 0) if ruled else (0.5, 0) if tight else (7, 7)
        self.size = A4
        self.y = A4[1] - self.MARGIN
        self.started = False

    def new_page(self, landscape: bool = False, rotated: bool = False) -> None:
        if self.started:
            self.c.showPage()
        self.started = True
        w, h = self.portrait
        self.size = (h, w) if landscape or rotated else (w, h)
        if rotated:  # stored portrait with /Rotate 90, content drawn so it reads upright
            self.c.setPageSize((h, w))  # reportlab swaps the media box of a page rotated by 90
            self.c.setPageRotation(90)
            self.c.transform(0, 1, -1, 0, w, 0)
        else:
            self.c.setPageSize(self.size)
            self.c.setPageRotation(0)
        self.y = self.size[1] - self.MARGIN

    def paragraph(self, text: str) -> None:
        from reportlab.lib.utils import simpleSplit

        if not self.started or self.size[0] > self.size[1]:
            self.new_page()
        width = self.size[0] - 2 * self.MARGIN
        for part in simpleSplit(text, "DejaVu", self.SIZE, width) or [""]:
            if self.y < self.MARGIN + self.LEADING:
                self.new_page()
            self.c.setFont("DejaVu", self.SIZE)
            self.c.drawString(self.MARGIN, self.y - self.SIZE, part)
            self.y -= self.LEADING
        self.y -= 4

    def table(self, item: TableItem) -> None:
        """One page per segment of the seed table; a segment too long goes on under a repeated header."""
        ncols = item.width
        rows_all = [r for seg in item.segments for r in seg]
        longest = [max(len(r[i]) if i < len(r) else 0 for r in rows_all) for i in range(ncols)]
        header = item.segments[0][0] + [""] * (ncols - len(item.segments[0][0]))
        for segment in item.segments:
            self._table_page(ncols >= 7)
            width = self.size[0] - 2 * self.MARGIN
            xs = self._column_edges(rows_all, ncols, longest, width)
            rows = [r + [""] * (ncols - len(r)) for r in segment]
            while rows:
                spans = _vertical_spans(rows) if self.ruled else {}  # no merged cells without rules
                drawn = next(
                    (r for r, cells in enumerate(rows) if not self._row(cells, xs, spans, r, cells == header)), None
                )
                if drawn is None:
                    break
                if self.ruled:  # close a merged cell cut by the page end
                    self.c.line(xs[0], self.y, xs[-1], self.y)
                self._table_page(ncols >= 7)
                self._row(header, xs, {}, -1, bold=True)
                rows = rows[drawn:]
            self.y -= 10

    def _column_edges(self, rows: list[list[str]], ncols: int, longest: list[int], width: float) -> list[float]:
        """Widths by text length, never narrower than the longest word plus the cell padding."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        pad = 3 if self.ruled else 7
        words = [max((w for r in rows if i < len(r) for w in r[i].split()), key=len, default="") for i in range(ncols)]
        least = [stringWidth(w, "DejaVu-Bold", self.SIZE) + 2 * pad + 2 for w in words]
        weights = [min(max(n, 7), 60) ** 0.8 for n in longest]
        spare = width - sum(least)
        widths = [m + spare * w / sum(weights) for m, w in zip(least, weights, strict=True)]
        return [self.MARGIN + sum(widths[:i]) for i in range(ncols + 1)]

    def _table_page(self, wide: bool) -> None:
        self.new_page(landscape=wide and not self.rotate_tables, rotated=self.rotate_tables)

    def _row(self, cells: list[str], xs: list[float], spans: dict, r: int, bold: bool) -> bool:
        """Draw one table row at the current height; False when it does not fit on the page."""
        from reportlab.lib.utils import simpleSplit

        ncols = len(cells)
        pad = 3 if self.ruled else 7
        group = bool(cells[0]) and bool(cells[1]) and not any(cells[2:])
        cols = [(0, 1), (1, ncols)] if group else [(i, i + 1) for i in range(ncols)]
        font = "DejaVu-Bold" if bold else "DejaVu"
        wrapped = []
        for a, b in cols:
            text = cells[a] if spans.get((r, a), 1) != 0 else ""
            wrapped.append(simpleSplit(text, font, self.SIZE, xs[b] - xs[a] - 2 * pad))
        height = max(1, *map(len, wrapped)) * self.LEADING + 2 * self.vpad
        if self.y - height < self.MARGIN:
            return False
        top = self.y
        lines = max(1, *map(len, wrapped))
        for (a, _b), parts in zip(cols, wrapped, strict=True):
            drop = (lines - len(parts)) * self.LEADING / 2 if self.centred else 0.0
            for k, part in enumerate(parts):
                self.c.setFont(font, self.SIZE)
                self.c.drawString(xs[a] + pad, top - self.vpad - self.SIZE - k * self.LEADING - drop, part)
        if self.ruled:  # cell boxes; a vertically merged cell leaves the edge between its rows open
            self.c.setLineWidth(0.6)
            for a, b in cols:
                if spans.get((r, a), 1) != 0:
                    self.c.line(xs[a], top, xs[b], top)
                if not (spans.get((r + 1, a)) == 0 and b - a == 1):
                    self.c.line(xs[a], top - height, xs[b], top - height)
                self.c.line(xs[a], top, xs[a], top - height)
                self.c.line(xs[b], top, xs[b], top - height)
        self.y = top - height - self.spacing
        return True

    def save(self) -> None:
        self.c.save()


def _vertical_spans(rows: list[list[str]]) -> dict[tuple[int, int], int]:
    """Runs of the same text in the last column -> one vertically merged cell (0 = covered)."""
    spans: dict[tuple[int, int], int] = {}
    col = len(rows[0]) - 1
    r = 0
    while r < len(rows):
        end = r
        while end + 1 < len(rows) and rows[end + 1][col] and rows[end + 1][col] == rows[r][col] and rows[end + 1][0]:
            end += 1
        if end > r and rows[r][col]:
            spans[(r, col)] = end - r + 1
            for k in range(r + 1, end + 1):
                spans[(k, col)] = 0
        r = end + 1
    return spans


def render_pdf(
    path: Path,
    items: list[str | TableItem],
    ruled: bool = True,
    rotate_tables: bool = False,
    encrypt: str | None = None,
    centred: bool = False,
    tight: bool = False,
) -> Path:
    writer = _PdfWriter(path, ruled, rotate_tables, encrypt, centred, tight)
    for item in items:
        if isinstance(item, TableItem):
            writer.table(item)
        else:
            writer.paragraph(item)
    writer.save()
    return path


# ---------------------------------------------------------------- DOCX


def _docx_items(document, items: list[str | TableItem]):
    """Adds the paragraphs to `document` in order; yields each table with its padded rows at its place."""
    for item in items:
        if isinstance(item, TableItem):
            yield item, item.padded_rows()
        else:
            document.add_paragraph(item)


def render_docx(path: Path, items: list[str | TableItem], nested: bool = False) -> Path:
    """Paragraphs and one Word table per seed table; group rows span columns, equal last cells merge down."""
    import docx

    document = docx.Document()
    for item, rows in _docx_items(document, items):
        table = document.add_table(rows=len(rows), cols=item.width)
        table.style = "Table Grid"
        spans = _vertical_spans(rows)
        for r, cells in enumerate(rows):
            group = bool(cells[0]) and cells[1] and not any(cells[2:])
            for c, text in enumerate(cells):
                if spans.get((r, c), 1) != 0 and not (group and c > 1):
                    table.cell(r, c).text = text
            if group:
                merged = table.cell(r, 1).merge(table.cell(r, item.width - 1))
                merged.text = cells[1]
        for (r, c), span in spans.items():
            if span > 1:
                top = table.cell(r, c)
                text = top.text
                top.merge(table.cell(r + span - 1, c)).text = text
        _page_breaks(table, _breaks(item), 0)
        if nested:
            inner = table.cell(1, 1).add_table(rows=2, cols=2)
            for (r, c), text in zip(
                [(0, 0), (0, 1), (1, 0), (1, 1)], ["Năm", "Mục tiêu", "2026", "≥ 80%"], strict=True
            ):
                inner.cell(r, c).text = text
    document.save(str(path))
    return path


def _breaks(item: TableItem) -> set[int]:
    """Rows of the padded table that start a new page segment of the seed."""
    return {sum(map(len, item.segments[:k])) for k in range(1, len(item.segments))}


def _page_breaks(table, rows: set[int], column: int) -> None:
    """Where Word last broke the page: a marker in the row's cell of `column` (one not merged down)."""
    from docx.oxml import OxmlElement

    for r in rows:
        run = table.cell(r, column).paragraphs[0]._p.add_r()
        run.append(OxmlElement("w:lastRenderedPageBreak"))


def zip_bomb_docx(path: Path, uncompressed: int) -> Path:
    """A valid-looking DOCX with one member that inflates to `uncompressed` bytes."""
    minimal = io.BytesIO()
    docx_path = path.with_suffix(".tmp.docx")
    render_docx(docx_path, ["Kế hoạch"])
    with zipfile.ZipFile(docx_path) as src, zipfile.ZipFile(minimal, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("word/media/padding.bin", "w") as out:
            chunk = b"\0" * (1 << 20)
            for _ in range(uncompressed >> 20):
                out.write(chunk)
    docx_path.unlink()
    path.write_bytes(minimal.getvalue())
    return path


# ---------------------------------------------------------------- scans


def render_scan(path: Path, lines: list[str], table: list[list[str]] | None = None, dpi: int = 300) -> Path:
    """An image-only PDF: seed lines (and an optional ruled table) drawn with Pillow, no text layer."""
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 72
    width, height = int(595 * scale), int(842 * scale)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(font_path(), int(11 * scale))
    margin = int(50 * scale)
    y = margin
    step = int(17 * scale)
    for text in lines:
        words, current = text.split(), ""
        for word in words:  # wrap to the page width
            if current and draw.textlength(f"{current} {word}", font=font) > width - 2 * margin:
                draw.text((margin, y), current, font=font, fill=0)
                y, current = y + step, word
            else:
                current = f"{current} {word}".strip()
        draw.text((margin, y), current, font=font, fill=0)
        y += step
    if table:
        y += step
        ncols = max(map(len, table))
        longest = [max(draw.textlength(r[i], font=font) if i < len(r) else 0 for r in table) for i in range(ncols)]
        pad = int(8 * scale)
        xs = [margin]
        for w in longest:
            xs.append(xs[-1] + int(w) + 2 * pad + int(12 * scale))
        for cells in table:
            draw.line((xs[0], y, xs[-1], y), fill=0, width=3)
            for i, text in enumerate(cells):
                draw.text((xs[i] + pad, y + pad // 2), text, font=font, fill=0)
            for x in xs:
                draw.line((x, y, x, y + step + pad), fill=0, width=3)
            y += step + pad
        draw.line((xs[0], y, xs[-1], y), fill=0, width=3)
    image = image.crop((0, 0, width, min(height, y + margin)))
    import pymupdf as fitz

    pdf = fitz.open()
    page = pdf.new_page(width=595, height=image.height / scale)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    page.insert_image(page.rect, stream=buf.getvalue())
    pdf.save(str(path))
    return path


def render_docx_merged(path: Path, items: list[str | TableItem], group_column: bool, two_row_header: bool) -> Path:
    """The same tables as `render_docx`, laid out as many Word plans are: the group title in a first
    column merged down over its rows (instead of a row of its own), and/or a two-row header where
    neighbouring columns with the same leading words ('Cơ quan chủ trì', 'Cơ quan phối hợp') share a
    merged parent cell ('Cơ quan') above their own ('chủ trì', 'phối hợp')."""
    import docx

    document = docx.Document()
    for item, rows in _docx_items(document, items):
        header, body = rows[0], rows[1:]
        merges: list[tuple[int, int, int, int]] = []
        where = list(range(len(body)))  # body row -> its row in `body` once laid out
        if group_column:
            header, body, merges, where = _group_column(header, body)
        top = [header]
        if two_row_header:
            top, shared = _two_row_header(header)
            merges = [(r + 1, c0, r1 + 1, c1) for r, c0, r1, c1 in merges] + shared
        cells = top + body
        table = document.add_table(rows=len(cells), cols=len(header))
        table.style = "Table Grid"
        for r, row in enumerate(cells):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        for r0, c0, r1, c1 in merges:
            text = table.cell(r0, c0).text
            table.cell(r0, c0).merge(table.cell(r1, c1)).text = text
        breaks = {len(top) + where[r - 1] for r in _breaks(item) if where[r - 1] < len(body)}
        _page_breaks(table, breaks, len(cells[0]) - 1)  # never in the merged group column
    document.save(str(path))
    return path


def _group_column(header: list[str], body: list[list[str]]):
    """Group rows ('I', title, empty cells) turned into a first column merged down over the group; a
    group whose rows are groups keeps a row of its own, one cell across the table."""
    out: list[list[str]] = []
    merges = []
    where = []  # body row -> row of `out` (a group row -> the first row of its group)
    group, start = "", 0
    for row in body:
        where.append(len(out))
        if row[0] and row[1] and not any(row[2:]):
            if group and len(out) - start > 1:
                merges.append((start + 1, 0, len(out), 0))
            elif group and len(out) == start:  # a group of groups: its title across the table, on a row of its own
                out.append([group] + [""] * len(row))
                merges.append((len(out), 0, len(out), len(row)))
            group, start = f"{row[0]}. {row[1]}", len(out)
            continue
        out.append([group if len(out) == start else "", *row])
    if group and len(out) - start > 1:
        merges.append((start + 1, 0, len(out), 0))
    return ["Nhóm nhiệm vụ", *header], out, merges, where


def _two_row_header(header: list[str]):
    """Two header rows: a parent over neighbours sharing their first two words, other cells merged down."""
    first, second, merges = list(header), list(header), []
    c = 0
    while c < len(header):
        words = header[c].split()
        end = c
        while end + 1 < len(header) and len(words) > 2 and header[end + 1].split()[:2] == words[:2]:
            end += 1
        if end > c:
            first[c : end + 1] = [" ".join(words[:2])] + [""] * (end - c)
            second[c : end + 1] = [" ".join(h.split()[2:]) for h in header[c : end + 1]]
            merges.append((0, c, 0, end))
        else:
            second[c] = ""
            merges.append((0, c, 1, c))
        c = end + 1
    return [first, second], merges
