"""Incremental runs: documents unchanged since the last run in an output folder keep their rows.

A document is unchanged when its content hash is in the previous `documents.parquet` with
status ok, and the pipeline is unchanged: same version and same fingerprint (a hash of the
package's code and resources plus the settings that change outputs), stored in the file's
Parquet metadata. Anything else is processed again, including documents that failed before, and
documents without diacritics: the linker rewrote their indicator names, so their stored rows are
not what the reader produced and would link differently.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import __version__
from pipeline.config import Limits
from pipeline.outputs import ORDER, sql_path

FINGERPRINT_KEY = b"pipeline_fingerprint"
PACKAGE = Path(__file__).resolve().parent


@cache
def _code_hash() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(PACKAGE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(limits: Limits) -> str:
    settings = f"ocr={limits.ocr};lang={limits.ocr_language}"
    return hashlib.sha256(f"{_code_hash()}|{settings}".encode()).hexdigest()[:32]


def previous_documents(dataset: Path, fp: str) -> dict[str, str]:
    """sha256 -> doc_id of the documents a previous run with the same pipeline processed successfully
    (`dataset`: the folder of the current version, `pipeline.commit.current_dir`)."""
    path = Path(dataset) / "documents.parquet"
    if not path.exists():
        return {}
    try:
        if (pq.read_schema(path).metadata or {}).get(FINGERPRINT_KEY) != fp.encode():
            return {}
        columns = ["doc_id", "sha256", "status", "pipeline_version", "diacritics_stripped"]
        docs = pq.read_table(path, columns=columns).to_pylist()
    except (OSError, pa.ArrowException):  # unreadable or older layout: process everything
        return {}
    return {
        d["sha256"]: d["doc_id"]
        for d in docs
        if d["status"] == "ok" and d["pipeline_version"] == __version__ and not d["diacritics_stripped"]
    }


def reuse_queries(dataset: Path, tables: list[str]) -> dict[str, str]:
    """Per table, a DuckDB query for the previous rows of the documents in the registered view `reused`
    (doc_id, source_file, other_files), renamed to their current paths, in their previous order.

    Link diagnostics are left out: the run links all indicators again.
    """
    queries = {}
    for table in tables:
        path = Path(dataset) / f"{table}.parquet"
        if not path.exists():
            continue
        renamed = "source_file, other_files" if table == "documents" else "source_file"
        where = "WHERE p.stage IS DISTINCT FROM 'link'" if table == "diagnostics" else ""
        queries[table] = (
            f"SELECT p.* EXCLUDE ({renamed}, file_row_number), r.{renamed.replace(', ', ', r.')}, "
            f'p.file_row_number AS "{ORDER}" '
            f"FROM read_parquet('{sql_path(path)}', file_row_number = true) p JOIN reused r USING (doc_id) {where}"
        )
    return queries
