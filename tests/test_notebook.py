"""The researchers' notebook executes end to end on a fresh run's public outputs and draws its plots."""

from __future__ import annotations

import json

import nbformat
import pytest
from conftest import RAW, ROOT
from nbclient import NotebookClient

from pipeline.cli import main

NOTEBOOK = ROOT / "notebooks" / "explore_outputs.ipynb"


def test_notebook_uses_only_public_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "from pipeline" not in code and "import pipeline" not in code
    assert "max(value)" not in code


@pytest.mark.slow
def test_notebook_runs_on_seed_outputs(tmp_path, monkeypatch):
    assert main(["run", str(RAW), "--out", str(tmp_path), "-q", "-j", "1"]) == 0
    assert main(["compare", "--pred", str(tmp_path)]) == 0
    monkeypatch.setenv("PLAN57_OUTPUTS", str(tmp_path))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    resources = {"metadata": {"path": str(NOTEBOOK.parent)}}
    NotebookClient(nb, timeout=180, kernel_name="python3", resources=resources).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert sum("image/png" in o.get("data", {}) for o in outputs) >= 5  # every question answered with a plot
    text = json.dumps([o.get("data", o.get("text", "")) for o in outputs], ensure_ascii=False)
    assert "lead_agency" in text and "indicator trajectories" in text
