"""The README's promises: its data dictionary is current and CI runs its test command."""

from __future__ import annotations

import re

from conftest import ROOT

from pipeline.schema import dictionary_markdown

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_dictionary_in_readme_matches_schemas():
    block = re.search(r"<!-- dictionary:start -->\n(.*?)<!-- dictionary:end -->", README, re.S)
    assert block, "README lacks the dictionary markers"
    assert block.group(1).strip() == dictionary_markdown().strip(), (
        "README data dictionary is stale: paste the output of `python -m pipeline schema` between the markers"
    )


def test_ci_runs_the_readme_test_command():
    assert "make test" in README and "make run" in README
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
