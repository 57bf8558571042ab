"""The per-document stages, in order. Each reads the `Document` and enriches it.

Like spaCy components: a stage is a plain function `stage(doc) -> None`, named
after what it adds. A stage that raises does not stop the document: the run
records an error diagnostic for it and goes on with the next stage.
"""

from __future__ import annotations

from collections.abc import Callable

from pipeline.extract import cell_lines, checks, headings, metadata, ocr_evidence, tables, tasks
from pipeline.model import Document

Stage = Callable[[Document], None]

STAGES: list[tuple[str, Stage]] = [
    ("cell_lines", cell_lines.join_cell_lines),
    ("tables", tables.find_tables),
    ("headings", headings.find_headings),
    ("labels", tables.label_tables),
    ("metadata", metadata.extract_metadata),
    ("indicators", ocr_evidence.indicators_with_evidence),
    ("tasks", tasks.extract_tasks),
    ("checks", checks.run_checks),
]
