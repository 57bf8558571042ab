"""Atomic Parquet/CSV writing: a crash never leaves a half-written file.

Each file is written to a temporary name in the same folder and renamed over the
target (`os.replace` is atomic on POSIX within one filesystem), so a reader sees
either the previous complete file or the new complete file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import schema


def to_table(name: str, rows: Iterable[dict]) -> pa.Table:
    sch = schema(name)
    rows = list(rows)
    columns = {f.name: [r.get(f.name) for r in rows] for f in sch}
    return pa.Table.from_pydict(columns, schema=sch)


def atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
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
    atomic_write(Path(path), lambda tmp: frame.to_csv(tmp, index=False))


def write_rows(name: str, rows: Iterable[dict], out_dir: Path) -> Path:
    path = Path(out_dir) / f"{name}.parquet"
    write_parquet(to_table(name, rows), path)
    return path
