"""Scale-out: the Dask executor gives the local run's outputs, and outputs of several runs read as
one dataset with pandas and DuckDB."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.run import OUTPUT_TABLES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.corpus import generate  # noqa: E402


def read_outputs(out: Path) -> dict[str, pd.DataFrame]:
    return {t: pd.read_parquet(out / f"{t}.parquet").drop(columns=["seconds"], errors="ignore") for t in OUTPUT_TABLES}


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("corpus"), 6, seed=3)


@pytest.mark.slow
def test_dask_cluster_gives_the_local_outputs(plans, tmp_path):
    from distributed import LocalCluster

    inputs = [str(p) for p in plans]
    assert main(["run", *inputs, "--out", str(tmp_path / "local"), "-q", "--jobs", "2"]) == 0
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        args = ["run", *inputs, "--out", str(tmp_path / "dask"), "-q", "--executor", "dask"]
        assert main([*args, "--scheduler", cluster.scheduler_address]) == 0
    local, dask = read_outputs(tmp_path / "local"), read_outputs(tmp_path / "dask")
    for table in OUTPUT_TABLES:
        pd.testing.assert_frame_equal(local[table], dask[table], obj=table)
    assert len(local["documents"]) == 6 and len(local["indicators"]) > 0


@pytest.mark.slow
def test_runs_read_as_one_dataset_with_pandas_and_duckdb(plans, tmp_path):
    """Two runs (e.g. two provinces) in sibling folders: one glob reads them, with one schema."""
    runs = tmp_path / "runs"
    for name, part in (("province=a", plans[:3]), ("province=b", plans[3:])):
        assert main(["run", *map(str, part), "--out", str(runs / name), "-q", "--jobs", "1"]) == 0
    files = sorted(runs.glob("*/indicators.parquet"))
    separately = sum(len(pd.read_parquet(p)) for p in files)
    frame = pd.read_parquet([str(p) for p in files])  # pandas/pyarrow: a list of files is one dataset
    assert len(frame) == separately > 0
    con = duckdb.connect()
    pattern = f"{runs}/*/indicators.parquet"
    assert con.execute(f"SELECT count(*) FROM read_parquet('{pattern}')").fetchone() == (separately,)
    documents = con.execute(f"SELECT count(DISTINCT doc_id) FROM read_parquet('{runs}/*/documents.parquet')")
    assert documents.fetchone() == (6,)
    provinces = con.execute(
        f"SELECT DISTINCT province FROM read_parquet('{pattern}', hive_partitioning = true) ORDER BY 1"
    ).fetchall()
    assert provinces == [("a",), ("b",)]
    described = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{pattern}')").fetchall()
    types = {name: kind for name, kind, *_ in described}
    assert (types["value"], types["flags"], types["line_start"]) == ("DOUBLE", "VARCHAR[]", "INTEGER")
    deadline = con.execute(f"SELECT DISTINCT typeof(deadline_end) FROM read_parquet('{runs}/*/tasks.parquet')")
    assert deadline.fetchall() == [("DATE",)]
