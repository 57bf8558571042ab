"""The five seed plans with their tables' number column taken out: row numbers, the 'STT'/'TT' title
and, in tab tables, the whole first column (group numerals too). The expected rows are the hand-made
gold's, located by their lines as in benchmarks/variants.py; no row keeps a code.

Before (commit abb9462) the flattened plans 002 and 004 gave no table row at all (indicator and task
F1 0.0) and the tab plans 000 and 001 no indicator row and task F1 0.35 and 0.41: a flattened header
was only found before a row number, and a tab row of one cell (a group title without its numeral)
ended its table. The OCR plan 003 read its rows without numbers already (task F1 0.97 before and after).
"""

from __future__ import annotations

import json
import re
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT))
from benchmarks.variant_scoring import score
from benchmarks.variant_text import BARE_NUMBER, Text, is_tsv, load_seed, seeds

_ROW_NUMBER = re.compile(r"^\s*0?\d{1,2}(?:\.\d{1,2})*[.)]?\s+(?=\S)")
_NUMBER_TITLE = re.compile(r"^\s*(?:STT|TT|Số TT)(?:\s+|$)", re.IGNORECASE)
_FIRST_CELL = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.?|STT|TT)?$", re.IGNORECASE)
_TAGS = re.compile(r"</?b>")

# Table rows per seed layout, measured and rounded down. Known losses: 001 targets of rows under a
# value-less sub-title whose group gave the year ('Đến năm 2030'); 002/004 a row printing every cell's
# head on its first line before a row printed cell by cell; 004 a parent task and its first sub-task.
FLOORS = {
    "000": {"indicators.f1": 1.0, "tasks.f1": 1.0, "indicators.target_accuracy": 1.0, "tasks.lead_accuracy": 1.0},
    "001": {"indicators.f1": 1.0, "tasks.f1": 0.99, "indicators.target_accuracy": 0.82, "tasks.lead_accuracy": 1.0},
    "002": {"indicators.f1": 1.0, "tasks.f1": 0.96, "indicators.target_accuracy": 1.0, "tasks.lead_accuracy": 0.92},
    "003": {"indicators.f1": 1.0, "tasks.f1": 0.96, "indicators.target_accuracy": 1.0, "tasks.lead_accuracy": 1.0},
    "004": {"indicators.f1": 1.0, "tasks.f1": 0.98, "indicators.target_accuracy": 1.0, "tasks.lead_accuracy": 0.96},
}


def unnumbered(text: Text) -> None:
    """The number column of every table removed from `text` (the gold records lose their codes)."""
    if any(is_tsv(text, u) for u in text.units):
        for i, (o, line) in enumerate(text.lines):
            cells = line.split("\t")
            if len(cells) > 1 and _FIRST_CELL.match(_TAGS.sub("", cells[0]).strip()):
                text.lines[i] = (o, "\t".join(cells[1:]))
    else:
        for u in text.units:
            i = text.index(u.start)
            o, line = text.lines[i]
            text.lines[i] = (o, "" if BARE_NUMBER.match(line.strip()) else _ROW_NUMBER.sub("", line, count=1))
        for i, (o, line) in enumerate(text.lines):
            if _NUMBER_TITLE.match(line):
                text.lines[i] = (o, _NUMBER_TITLE.sub("", line, count=1))
    for u in text.units:
        for r in u.records:
            r.pop("code", None)


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    root = tmp_path_factory.mktemp("unnumbered")
    (root / "expected").mkdir()
    paths = []
    for name in seeds():
        text = load_seed(name)
        unnumbered(text)
        text.name += "__unnumbered"
        body, records = text.render()
        path = root / f"{text.name}.txt"
        path.write_text(body, encoding="utf-8")
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        (root / "expected" / f"{text.name}.jsonl").write_text(lines, encoding="utf-8")
        paths.append(path)
    return score(root, paths)


def test_no_row_number_is_left(tmp_path):
    """The premise: every table row of every seed starts without a number once the column is gone."""
    for name in seeds():
        text = load_seed(name)
        unnumbered(text)
        for u in text.units:
            start = text.lines[text.index(u.line)][1]
            first = start.split("\t")[0].strip()
            assert not re.match(r"^\d{1,2}(?:\.\d{1,2})*[.)]?(?:\s|$)", first), (name, start[:60])


@pytest.mark.slow
@pytest.mark.parametrize(("layout", "key"), [(layout, key) for layout, keys in FLOORS.items() for key in keys])
def test_unnumbered_seeds_meet_floor(figures, layout, key):
    value = figures[layout][key]
    assert value is not None and value >= FLOORS[layout][key], f"{layout} {key} = {value}"
