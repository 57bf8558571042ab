"""A processed `Document` -> plain row dicts for each output table."""

from __future__ import annotations

from dataclasses import asdict

from pipeline import __version__
from pipeline.extract.headings import heading_path
from pipeline.link.communes import commune_key
from pipeline.model import Document


def _base(doc: Document) -> dict:
    return {"doc_id": doc.doc_id, "source_file": doc.source_file}


def document_row(doc: Document, status: str = "ok", error: str | None = None, seconds: float = 0.0) -> dict:
    ocr = [p for p in doc.pages if p.method == "ocr"]
    conf = [p.ocr_confidence for p in ocr if p.ocr_confidence is not None]
    meta = asdict(doc.metadata)
    return {
        **_base(doc),
        "other_files": doc.duplicate_of,
        "format": doc.format,
        "status": status,
        "error": error,
        "sha256": doc.sha256,
        "size_bytes": doc.size_bytes,
        "encoding": doc.encoding,
        "n_pages": len(doc.pages) or None,
        "n_lines": len(doc.lines),
        "ocr_pages": len(ocr),
        "ocr_confidence": sum(conf) / len(conf) if conf else None,
        "diacritics_stripped": doc.diacritics_stripped,
        **meta,
        "commune_key": commune_key(
            meta.get("province"), meta.get("district"), meta.get("commune"), doc.doc_id, meta.get("level")
        ),
        "n_headings": len(doc.headings),
        "n_tables": len(doc.tables),
        "n_indicators": len(doc.indicators),
        "n_tasks": len(doc.tasks),
        "n_diagnostics": len(doc.diagnostics),
        "seconds": round(seconds, 4),
        "pipeline_version": __version__,
    }


def heading_rows(doc: Document) -> list[dict]:
    return [
        {
            **_base(doc),
            "heading_index": h.index,
            "level": h.level,
            "numbering": h.numbering,
            "kind": h.kind,
            "title": h.title,
            "parent_index": h.parent,
            "path": heading_path(doc, h.index),
            "page": h.page,
            "line_start": h.line,
            "line_end": h.line_end or h.line,
        }
        for h in doc.headings
    ]


def _records(doc: Document, items: list) -> list[dict]:
    rows, seen = [], {}
    for item in items:
        row = {**_base(doc), "commune": doc.metadata.commune, **asdict(item)}
        key = f"{doc.doc_id}:{item.line_start}"
        seen[key] = seen.get(key, 0) + 1
        row["row_id"] = f"{key}:{seen[key]}"
        rows.append(row)
    return rows


def indicator_rows(doc: Document) -> list[dict]:
    return _records(doc, doc.indicators)


def task_rows(doc: Document) -> list[dict]:
    return _records(doc, doc.tasks)


def diagnostic_rows(doc: Document) -> list[dict]:
    return [{**_base(doc), **asdict(d)} for d in doc.diagnostics]
