"""Run settings and per-document limits (overridable from the CLI)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 500
    max_seconds: float = 300.0
    # Uncompressed size allowed for a DOCX package (zip-bomb guard).
    max_unzipped_bytes: int = 200 * 1024 * 1024
    ocr: bool = True
    ocr_language: str = "vie"
