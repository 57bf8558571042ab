"""Atomic Parquet/CSV writing: a crash never leaves a half-written file.

Each file is written to a temporary name in the same folder and renamed over the
target (`os.replace` is atomic on POSIX within one filesystem), so a reader sees
either the previous complete file or the new complete file. A batch run writes
all its tables to a new version folder (`StagedOutputs`), which `pipeline.commit`
makes current in one atomic step once every table is complete.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import schema

ORDER = "_ord"  # staging-only column: a row's position within its document


def to_table(name: str, rows: Iterable[dict]) -> pa.Table:
    sch = schema(name)
    rows = list(rows)
    columns = {f.name: [r.get(f.name) for r in rows] for f in sch}
    return pa.Table.from_pydict(columns, schema=sch)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared with other users
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_parquet(table: pa.Table, path: Path) -> None:
    atomic_write(Path(path), lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    atomic_write(Path(path), lambda tmp: frame.to_csv(tmp, index=False, encoding="utf-8-sig"))  # BOM: Excel reads UTF-8


def write_rows(name: str, rows: Iterable[dict], out_dir: Path) -> Path:
    path = Path(out_dir) / f"{name}.parquet"
    write_parquet(to_table(name, rows), path)
    return path


# ---------------------------------------------------------------- streamed batch outputs


def _staged_schema(name: str) -> pa.Schema:
    return schema(name).append(pa.field(ORDER, pa.int64()))


def sql_path(path: Path) -> str:
    """A path as a DuckDB string literal body."""
    return str(path).replace("'", "''")


class StagedOutputs:
    """Streams a run's rows to Parquet in a new version folder, then leaves only the finished tables there.

    Rows arrive one document at a time, in any order (parallel workers), and are appended as row
    groups to `<table>.part.parquet`, so memory holds at most `row_group_rows` rows per table.
    `sorted_tables` sorts a table by (source_file, position in the document) out of core with
    DuckDB, so the outputs are identical whatever the completion order; `write_final` writes it
    with the schema's column descriptions; `finish` removes the working files. Nothing here is
    visible to readers until `pipeline.commit.publish` makes the folder current.
    """

    def __init__(self, staging: Path, tables: Iterable[str], row_group_rows: int = 10_000):
        self.staging = Path(staging)
        self.tables = list(tables)
        self.row_group_rows = row_group_rows
        self._buffers: dict[str, list[dict]] = {t: [] for t in self.tables}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._queries: dict[str, list[str]] = {t: [] for t in self.tables}
        self._con = None

    def part(self, table: str) -> Path:
        return self.staging / f"{table}.part.parquet"

    def add(self, table: str, rows: list[dict], start: int = 0) -> None:
        """One document's rows, in their natural order (`start` places them after rows added before)."""
        buffer = self._buffers[table]
        for i, row in enumerate(rows, start):
            row[ORDER] = i
            buffer.append(row)
        if len(buffer) >= self.row_group_rows:
            self._flush(table)

    def add_query(self, table: str, sql: str) -> None:
        """More rows from a DuckDB query with the table's columns and ORDER (e.g. a previous run's rows)."""
        self._queries[table].append(sql)

    def add_late(self, table: str, rows: list[dict], start: int = 0) -> None:
        """Rows that arrive after the parts are closed (e.g. from linking), kept in memory for the final sort."""
        sch = _staged_schema(table)
        data = pa.Table.from_pydict(
            {n: [r.get(n) for r in rows] for n in sch.names if n != ORDER}
            | {ORDER: list(range(start, start + len(rows)))},
            schema=sch,
        )
        view = f"late_{table}_{len(self._queries[table])}"
        self.con.register(view, data)
        self.add_query(table, f"SELECT * FROM {view}")

    def _flush(self, table: str) -> None:
        rows = self._buffers[table]
        if not rows:
            return
        sch = _staged_schema(table)
        data = pa.Table.from_pydict({f.name: [r.get(f.name) for r in rows] for f in sch}, schema=sch)
        if table not in self._writers:
            self._writers[table] = pq.ParquetWriter(self.part(table), sch, compression="zstd")
        self._writers[table].write_table(data)
        rows.clear()

    def close_parts(self, tables: Iterable[str] | None = None) -> None:
        """Finishes the staged parts of `tables` (all by default) so they can be read."""
        for table in tables or self.tables:
            self._flush(table)
            if table in self._writers:
                self._writers.pop(table).close()

    @property
    def con(self):
        """DuckDB with bounded memory, spilling to the staging folder."""
        if self._con is None:
            import duckdb

            self._con = duckdb.connect()
            self._con.execute("SET memory_limit = '256MB'")
            self._con.execute(f"SET temp_directory = '{sql_path(self.staging / 'duckdb.tmp')}'")
            self._con.execute("SET threads = 1")
        return self._con

    def sorted_tables(self, table: str) -> Iterator[pa.Table]:
        """The table's staged and queried rows sorted by source_file then position, cast to its schema."""
        sources = list(self._queries[table])
        if self.part(table).exists():
            sources.insert(0, f"SELECT * FROM read_parquet('{sql_path(self.part(table))}')")
        if not sources:
            return
        sch = schema(table)
        cols = ", ".join(f'"{f.name}"' for f in sch)
        union = " UNION ALL BY NAME ".join(f"({s})" for s in sources)
        query = f'SELECT {cols} FROM ({union}) ORDER BY source_file, "{ORDER}"'
        for batch in self.con.sql(query).to_arrow_reader(self.row_group_rows):
            if batch.num_rows:
                yield pa.Table.from_batches([batch]).cast(sch)

    def write_final(self, table: str, parts: Iterable[pa.Table], metadata: dict | None = None) -> Path:
        """Writes `<table>.parquet` in the staging folder from tables in the schema's columns."""
        sch = schema(table)
        if metadata:
            sch = sch.with_metadata({**(sch.metadata or {}), **metadata})
        path = self.staging / f"{table}.parquet"
        with pq.ParquetWriter(path, sch, compression="zstd") as writer:
            wrote = False
            for data in parts:
                writer.write_table(data.select(sch.names).cast(sch), row_group_size=self.row_group_rows)
                wrote = True
            if not wrote:
                writer.write_table(sch.empty_table())
        return path

    def finish(self) -> None:
        """Closes everything and removes the working files, leaving the finished tables."""
        self.close()
        for path in self.staging.iterdir():
            if path.name.endswith(".part.parquet") or path.name.startswith("duckdb.tmp"):
                shutil.rmtree(path) if path.is_dir() else path.unlink()

    def close(self) -> None:
        for writer in self._writers.values():
            with contextlib.suppress(Exception):
                writer.close()
        self._writers.clear()
        if self._con is not None:
            self._con.close()
            self._con = None

    def abort(self) -> None:
        self.close()
        shutil.rmtree(self.staging, ignore_errors=True)
