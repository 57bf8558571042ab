"""The documented Python API: `from pipeline import extract, run`."""

from __future__ import annotations

import pandas as pd
from builders import render_docx, seed_items
from conftest import seed

from pipeline import extract, run


def test_extract_returns_dataframes_linked_to_the_catalog(tmp_path):
    doc = extract(render_docx(tmp_path / "ke_hoach.docx", seed_items("000")))
    assert doc.status == "ok"
    assert isinstance(doc.indicators, pd.DataFrame) and len(doc.indicators) > 10
    assert doc.indicators["indicator_id"].notna().mean() > 0.5
    assert {"source_file", "line_start", "target_raw"} <= set(doc.indicators.columns)
    province, _, commune = doc.documents.loc[0, "commune_key"].split("/")
    assert "?" not in (province, commune)
    assert len(doc.tasks) > 0 and list(doc.headings.columns)[:2] == ["doc_id", "source_file"]


def test_extract_reports_a_broken_file_instead_of_raising(tmp_path):
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.7 not really")
    doc = extract(bad)
    assert doc.status == "failed" and doc.message and doc.documents.loc[0, "status"] == "failed"
    assert doc.indicators.empty


def test_run_writes_a_batch(tmp_path):
    result = run([seed("004")], tmp_path / "out")
    assert [d.status for d in result.documents] == ["ok"]
    assert len(pd.read_parquet(tmp_path / "out" / "indicators.parquet")) == result.documents[0].count("indicators")
    from pipeline import run as module  # still the module for code importing from it

    assert module.process_file is not None
