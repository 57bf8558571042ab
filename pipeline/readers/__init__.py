"""Readers: any input file -> a `Document` with pages and lines.

The format is sniffed from the content, not trusted from the extension, so a
PDF named `.txt` or junk named `.pdf` gets the right reader or a clear error.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from pipeline.config import Limits
from pipeline.inputs import read_regular, source_name
from pipeline.model import Document
from pipeline.readers import text as text_reader


class ReadError(Exception):
    """The file cannot be read as a plan; the message says why, for the analyst."""

    def __init__(self, message: str, code: str = "unreadable"):
        super().__init__(message)
        self.code = code


def sniff(data: bytes) -> str:
    """pdf | docx | doc | zip | text | binary | empty."""
    if not data.strip():
        return "empty"
    head = data[:8]
    if head.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or _zip_has_word(data) else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return "text"
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    zeros = sample.count(b"\x00")
    if zeros > len(sample) // 4 and zeros < len(sample) * 0.6:
        return "text"  # UTF-16 without BOM
    return "binary" if controls > len(sample) * 0.05 else "text"


def _zip_has_word(data: bytes) -> bool:
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


def _fix_legacy_text(doc: Document, data: bytes, text: str) -> None:
    """A text export of a TCVN3/VNI document: converted before line cleaning, which drops soft hyphens
    (TCVN3's 'ư'); bytes that were not UTF-8 are re-read as cp1252, the reading the legacy tables assume."""
    from pipeline.readers import legacy

    if doc.encoding and doc.encoding.startswith("cp1258"):
        text = data.decode("cp1252", errors="replace")
    encoding = legacy.detect(text)
    if encoding is None:
        return
    lines = text.split("\n")
    fixed, _, changed = legacy.fix_lines(lines, encoding)
    doc.lines = text_reader.read_lines("\n".join(fixed))
    doc.encoding = f"{doc.encoding} + {encoding}"
    doc.diagnose("read", "info", legacy.describe(encoding, changed, "lines"), code="legacy_encoding")


def doc_id_for(data: bytes) -> tuple[str, str]:
    sha = hashlib.sha256(data).hexdigest()
    return sha[:16], sha


def read_document(path: Path, limits: Limits, data: bytes | None = None) -> Document:
    path = Path(path)
    if data is None:
        data = read_regular(path)
    if len(data) > limits.max_bytes:
        raise ReadError(f"file is {len(data):,} bytes, over the limit of {limits.max_bytes:,}", "too_large")
    doc_id, sha = doc_id_for(data)
    kind = sniff(data)
    doc = Document(doc_id=doc_id, source_file=source_name(path), format=kind, sha256=sha, size_bytes=len(data))
    if kind == "empty":
        raise ReadError("file is empty", "empty")
    if kind == "text":
        text, doc.encoding = text_reader.decode(data)
        doc.lines = text_reader.read_lines(text)
        doc.format = "text"
        _fix_legacy_text(doc, data, text)
    elif kind == "pdf":
        from pipeline.readers.pdf import read_pdf

        read_pdf(doc, data, limits)
    elif kind == "docx":
        from pipeline.readers.docx import read_docx

        read_docx(doc, data, limits)
    elif kind == "doc":
        from pipeline.readers.docx import read_doc

        read_doc(doc, data, limits)
    else:
        raise ReadError(f"not a text, PDF or DOCX file (looks like {kind} data)", "unsupported_format")
    if not any(ln.text.strip() for ln in doc.lines):
        raise ReadError("no text could be read from the file", "no_text")
    return doc
