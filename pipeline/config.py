"""Run settings and per-document limits (overridable from the CLI)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 500
    # Hard limit: the worker is interrupted (SIGALRM) and, if that fails, killed.
    max_seconds: float = 300.0
    # Uncompressed size allowed for a DOCX package (zip-bomb guard).
    max_unzipped_bytes: int = 200 * 1024 * 1024
    # Uncompressed size of a DOCX's document.xml: parsed in memory at ~20x its size.
    max_docx_xml_bytes: int = 40 * 1024 * 1024
    # Address space of a worker process (RLIMIT_AS): a document needing more fails alone.
    max_memory_bytes: int = 4 * 1024 * 1024 * 1024
    # Pixels of one rendered page (OCR); a page over it is not rasterised (A4 at 300 dpi is ~8.7 million).
    max_page_pixels: int = 40_000_000
    # Hard limit per PDF page (within max_seconds): a page over it is reported, the others are read.
    max_page_seconds: float = 120.0
    ocr: bool = True
    ocr_language: str = "vie"
    # Threads reading one document's scanned pages side by side (one single-threaded Tesseract each);
    # 0 = every core this process may use. A batch gives each worker its share of the cores.
    ocr_threads: int = 0


def default_jobs() -> int:
    """Cores this process may use (respects CPU affinity, e.g. in containers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class RunConfig:
    """How a batch is executed; none of it changes the outputs' content."""

    limits: Limits = field(default_factory=Limits)
    jobs: int = field(default_factory=default_jobs)
    executor: str = "local"  # local (processes on this machine) | dask
    scheduler: str | None = None  # Dask scheduler address; None = a LocalCluster
    incremental: bool = False  # reuse the previous rows of unchanged documents
    force: bool = False  # replace the outputs even when no document could be read
    wait: bool = False  # wait for another run writing the same output folder instead of stopping
    # Rows buffered per output table before a Parquet row group is written.
    row_group_rows: int = 10_000
