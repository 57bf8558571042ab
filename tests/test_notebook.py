"""The researchers' notebook executes end to end on a fresh run's outputs."""

from __future__ import annotations

import nbformat
import pytest
from conftest import RAW, ROOT
from nbclient import NotebookClient

from pipeline.config import Limits
from pipeline.run import collect_inputs, process_all, write_outputs

NOTEBOOK = ROOT / "notebooks" / "explore_outputs.ipynb"


@pytest.mark.slow
def test_notebook_runs_on_seed_outputs(tmp_path, monkeypatch):
    write_outputs(process_all(collect_inputs([RAW]), Limits()), tmp_path)
    monkeypatch.setenv("PLAN57_OUTPUTS", str(tmp_path))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    resources = {"metadata": {"path": str(NOTEBOOK.parent)}}
    NotebookClient(nb, timeout=120, kernel_name="python3", resources=resources).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("lead_agency" in str(o.get("data", {})) for o in outputs)
