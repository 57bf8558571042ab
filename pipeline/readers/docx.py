"""DOCX reader (WordprocessingML read directly), and legacy .doc through LibreOffice.

Body paragraphs and tables are read in document order. A paragraph becomes a
line (heading styles as markdown `#` so the heading stage sees them, list
numbering rendered as text: "1.", "a)", "-"); a table becomes a `Table` whose
rows are also tab-joined lines. Merged cells are resolved: a cell spanning
columns (gridSpan) fills the first column and leaves the others empty, a cell
merged down rows (vMerge) repeats its text in every row it covers. A table
nested in a cell is flattened into that cell's text; a header of several rows
and a group column merged down are rewritten as one header row and group rows
(`docx_merges`).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from pipeline.config import Limits
from pipeline.model import Document, Page
from pipeline.readers import ReadError
from pipeline.readers.docx_merges import Slot, flatten
from pipeline.readers.grid import GridRow, add_line, add_table, squeeze_spaces

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|tieude|title)\s*(\d)?$", re.I)
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X")]
_ROMAN += [(9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def open_package(data: bytes, limits: Limits) -> zipfile.ZipFile:
    """The zip package, after checking it is whole and inflates to a sane size (zip-bomb guard)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReadError(f"DOCX is corrupt or truncated (not a readable zip package: {exc})", "corrupt") from exc
    total = sum(m.file_size for m in members)
    if total > limits.max_unzipped_bytes:
        raise ReadError(
            f"DOCX would inflate to {total:,} bytes, over the limit of {limits.max_unzipped_bytes:,} (zip bomb?)",
            "zip_bomb",
        )
    if "word/document.xml" not in package.namelist():
        raise ReadError("zip package has no word/document.xml: not a Word document", "corrupt")
    xml = package.getinfo("word/document.xml").file_size
    if xml > limits.max_docx_xml_bytes:  # parsed in memory at ~20x its size
        raise ReadError(
            f"DOCX text part is {xml:,} bytes uncompressed, over the limit of {limits.max_docx_xml_bytes:,}",
            "too_large",
        )
    return package


def _xml(package: zipfile.ZipFile, name: str):
    from lxml import etree

    if name not in package.namelist():
        return None
    try:
        return etree.fromstring(package.read(name), etree.XMLParser(resolve_entities=False, huge_tree=False))
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ReadError(f"DOCX part {name} is damaged ({exc})", "corrupt") from exc


def read_docx(doc: Document, data: bytes, limits: Limits) -> None:
    package = open_package(data, limits)
    body = _xml(package, "word/document.xml").find(f"{W}body")
    if body is None:
        raise ReadError("DOCX has no document body", "corrupt")
    reader = _Reader(doc, _Styles(_xml(package, "word/styles.xml")), _Numbering(_xml(package, "word/numbering.xml")))
    doc.format = "docx"
    for element in body:
        if element.tag == f"{W}p":
            reader.paragraph(element)
        elif element.tag == f"{W}tbl":
            reader.table(element)
        elif element.tag == f"{W}sdt":  # content controls wrap ordinary paragraphs and tables
            for inner in element.iter(f"{W}p", f"{W}tbl"):
                if inner.getparent().tag == f"{W}sdtContent":
                    reader.paragraph(inner) if inner.tag == f"{W}p" else reader.table(inner)
    doc.pages = [Page(number=n, method="docx") for n in range(1, reader.page + 1)]
    from pipeline.readers.pdf import fix_legacy

    fix_legacy(doc)


def read_doc(doc: Document, data: bytes, limits: Limits) -> None:
    """Legacy binary .doc: converted to DOCX with LibreOffice when it is installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReadError(
            "legacy Word .doc needs LibreOffice to convert it (apt-get install libreoffice-writer), "
            "or save the file as .docx",
            "doc_needs_libreoffice",
        )
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "input.doc"
        src.write_bytes(data)
        try:
            subprocess.run(
                [soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(src)],
                capture_output=True,
                timeout=min(limits.max_seconds, 120),
                check=True,
            )
            converted = (Path(tmp) / "input.docx").read_bytes()
        except (subprocess.SubprocessError, OSError) as exc:
            raise ReadError(f"LibreOffice could not convert the .doc file ({exc})", "corrupt") from exc
    read_docx(doc, converted, limits)
    doc.format = "doc"


class _Styles:
    """Heading level and list numbering inherited from paragraph styles."""

    def __init__(self, root):
        self.levels: dict[str, int] = {}
        self.numbering: dict[str, tuple[str, int]] = {}
        self.based: dict[str, str] = {}
        if root is None:
            return
        for style in root.iter(f"{W}style"):
            sid = style.get(f"{W}styleId", "")
            name = style.find(f"{W}name")
            label = (name.get(f"{W}val") if name is not None else sid).replace(" ", "").lower()
            if m := _HEADING_STYLE.match(label):
                self.levels[sid] = int(m.group(1) or 1)
            outline = style.find(f"{W}pPr/{W}outlineLvl")
            if outline is not None and sid not in self.levels:
                self.levels[sid] = int(outline.get(f"{W}val", "0")) + 1
            num = style.find(f"{W}pPr/{W}numPr")
            if num is not None and num.find(f"{W}numId") is not None:
                ilvl = num.find(f"{W}ilvl")
                self.numbering[sid] = (
                    num.find(f"{W}numId").get(f"{W}val"),
                    int(ilvl.get(f"{W}val")) if ilvl is not None else 0,
                )
            based = style.find(f"{W}basedOn")
            if based is not None:
                self.based[sid] = based.get(f"{W}val")

    def lookup(self, table: dict, sid: str | None):
        seen = set()
        while sid and sid not in seen:
            if sid in table:
                return table[sid]
            seen.add(sid)
            sid = self.based.get(sid)
        return None


class _Numbering:
    """List labels ("1.", "a)", "II.", "-") computed like Word does, per list and level."""

    def __init__(self, root):
        self.abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, str] = {}
        self.counters: dict[tuple[str, int], int] = {}
        if root is None:
            return
        for abstract in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.iter(f"{W}lvl"):
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                start = lvl.find(f"{W}start")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = (
                    fmt.get(f"{W}val") if fmt is not None else "decimal",
                    text.get(f"{W}val") if text is not None else "",
                    int(start.get(f"{W}val")) if start is not None else 1,
                )
            self.abstract[abstract.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            if ref is not None:
                self.nums[num.get(f"{W}numId")] = ref.get(f"{W}val")

    def label(self, num_id: str, ilvl: int) -> str:
        levels = self.abstract.get(self.nums.get(num_id, ""), {})
        if ilvl not in levels:
            return ""
        key = self.nums[num_id]
        count = self.counters.get((key, ilvl), levels[ilvl][2] - 1) + 1
        self.counters[(key, ilvl)] = count
        for deeper in [k for k in self.counters if k[0] == key and k[1] > ilvl]:
            del self.counters[deeper]
        fmt, text, _start = levels[ilvl]
        if fmt == "bullet":
            return "-"
        if fmt == "none":
            return ""

        def value(m: re.Match) -> str:
            level = int(m.group(1)) - 1
            n = self.counters.get((key, level), levels.get(level, ("", "", 1))[2])
            return _format(n, levels.get(level, (fmt,))[0])

        return re.sub(r"%(\d)", value, text)


def _format(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        letter = "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26]
        return letter if fmt == "lowerLetter" else letter.upper()
    if fmt in ("lowerRoman", "upperRoman"):
        out = ""
        for value, numeral in _ROMAN:
            while n >= value:
                out, n = out + numeral, n - value
        return out if fmt == "upperRoman" else out.lower()
    return str(n)


class _Reader:
    def __init__(self, doc: Document, styles: _Styles, numbering: _Numbering):
        self.doc = doc
        self.styles = styles
        self.numbering = numbering
        self.page = 1

    def _text(self, p) -> list[str]:
        """Visible text of a paragraph, split at explicit line breaks; page breaks counted."""
        parts = [""]
        for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}lastRenderedPageBreak", f"{W}delText"):
            tag = node.tag[len(W) :]
            if tag == "t":
                parts[-1] += node.text or ""
            elif tag == "tab":
                parts[-1] += " "  # a layout tab is not a cell separator
            elif (tag == "br" and node.get(f"{W}type") == "page") or tag == "lastRenderedPageBreak":
                self.page += 1
            elif tag in ("br", "cr"):
                parts.append("")
        return [squeeze_spaces(x) for x in parts]

    def paragraph(self, p) -> None:
        ppr = p.find(f"{W}pPr")
        style = (
            ppr.find(f"{W}pStyle").get(f"{W}val") if ppr is not None and ppr.find(f"{W}pStyle") is not None else None
        )
        parts = [x for x in self._text(p) if x]
        if not parts:
            return
        label = self._label(ppr, style)
        if label and not parts[0].startswith(label):
            parts[0] = f"{label} {parts[0]}"
        level = self.styles.lookup(self.styles.levels, style)
        if level:
            parts[0] = f"{'#' * min(level + 1, 6)} {parts[0]}"
        for text in parts:
            add_line(self.doc, text, self.page, None)

    def _label(self, ppr, style: str | None) -> str:
        num = ppr.find(f"{W}numPr") if ppr is not None else None
        if num is not None and num.find(f"{W}numId") is not None:
            ilvl = num.find(f"{W}ilvl")
            return self.numbering.label(
                num.find(f"{W}numId").get(f"{W}val"), int(ilvl.get(f"{W}val")) if ilvl is not None else 0
            )
        inherited = self.styles.lookup(self.styles.numbering, style)
        return self.numbering.label(*inherited) if inherited else ""

    def cell_text(self, tc) -> str:
        """Paragraphs of a cell joined; a nested table flattened row by row ('a | b; c | d')."""
        parts: list[str] = []
        for child in tc:
            if child.tag == f"{W}p":
                parts += [x for x in self._text(child) if x]
            elif child.tag == f"{W}tbl":
                rows = [
                    " | ".join(t for t in (self.cell_text(c) for c in r.iter(f"{W}tc") if c.getparent() is r) if t)
                    for r in child.iter(f"{W}tr")
                    if r.getparent() is child
                ]
                parts.append("; ".join(r for r in rows if r))
        return " ".join(parts)

    def table(self, tbl) -> None:
        rows: list[list[Slot]] = []
        pages: list[int | None] = []  # the page each Word row starts on (page breaks are read in cell text)
        above: dict[int, str] = {}  # column -> text of a vMerge cell still open
        for tr in tbl.iter(f"{W}tr"):
            if tr.getparent() is not tbl:
                continue
            slots: list[Slot] = []
            skip = tr.find(f"{W}trPr/{W}gridBefore")
            if skip is not None:
                slots += [Slot("") for _ in range(int(skip.get(f"{W}val", "0")))]
            for tc in tr:
                if tc.tag != f"{W}tc":
                    continue
                col = len(slots)
                pr = tc.find(f"{W}tcPr")
                span = pr.find(f"{W}gridSpan") if pr is not None else None
                width = int(span.get(f"{W}val", "1")) if span is not None else 1
                vmerge = pr.find(f"{W}vMerge") if pr is not None else None
                merge = ""
                if vmerge is not None and vmerge.get(f"{W}val") != "restart":
                    text, merge = above.get(col, ""), "continue"  # covered by the cell above
                else:
                    text = self.cell_text(tc)
                    if vmerge is not None:
                        above[col], merge = text, "restart"
                    else:
                        above.pop(col, None)
                slots += [Slot(text, merge, width)] + [Slot("", "span") for _ in range(width - 1)]
            rows.append(slots)
            pages.append(self.page)
        grid = [GridRow(texts, pages[k], None) for texts, k in flatten(rows)]
        add_table(self.doc, grid, "docx")
