"""Same tables, other layouts: merged group column and two-row headers in Word give the plain rows.

The seeds' tables are written as DOCX twice (tests/builders.py): plainly (group rows,
one header row) and as many Word plans lay them out (the group title in a first
column merged down over its rows; a parent header cell over two columns with the
others merged down). Indicator and task rows must be the same.
"""

from __future__ import annotations

import pytest
from builders import render_docx, render_docx_merged, seed_tables

from pipeline.config import Limits
from pipeline.normalize.fold import fold
from pipeline.readers import read_document
from pipeline.stages import STAGES


def rows(path):
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    tasks = {(fold(t.title), t.lead_agency, tuple(t.coordinating_agencies), t.deadline_raw) for t in doc.tasks}
    indicators = {(fold(i.name), i.comparator, i.value, i.unit, i.lead_agency) for i in doc.indicators}
    return tasks, indicators


def f1(want: set, got: set) -> float:
    return 2 * len(want & got) / (len(want) + len(got)) if want or got else 1.0


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plain")
    return {p: rows(render_docx(folder / f"{p}.docx", seed_tables(p))) for p in ("000", "001")}


@pytest.mark.parametrize("group_column,two_rows", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("prefix", ["000", "001"])
def test_merged_docx_gives_the_plain_rows(tmp_path, plain, prefix, group_column, two_rows):
    tasks, indicators = plain[prefix]
    assert tasks and indicators
    path = render_docx_merged(tmp_path / "merged.docx", seed_tables(prefix), group_column, two_rows)
    got_tasks, got_indicators = rows(path)
    assert f1(tasks, got_tasks) >= 0.97 and f1(indicators, got_indicators) >= 0.97


def test_two_row_header_is_one_header(tmp_path):
    from pipeline.readers.docx_merges import Slot, flatten

    band = [
        [Slot("TT", "restart"), Slot("Cơ quan", "", 2), Slot("", "span"), Slot("Thời gian", "restart")],
        [Slot("TT", "continue"), Slot("chủ trì"), Slot("phối hợp"), Slot("Thời gian", "continue")],
        [Slot("1"), Slot("Phòng A"), Slot("Phòng B"), Slot("Quý I")],
    ]
    assert flatten(band) == [
        (["TT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"], 0),
        (["1", "Phòng A", "Phòng B", "Quý I"], 2),
    ]


# measured: unruled PDF with vertically centred cells against the ruled PDF (tasks, indicators);
# rows cut by a page break under a header read from centred lines are still lost
BORDERLESS_FLOORS = {"000": (0.8, 1.0), "001": (0.89, 1.0)}


@pytest.mark.slow
@pytest.mark.parametrize("prefix", list(BORDERLESS_FLOORS))
def test_borderless_pdf_with_centred_cells_gives_the_ruled_rows(tmp_path, prefix):
    from builders import render_pdf

    ruled = rows(render_pdf(tmp_path / "ruled.pdf", seed_tables(prefix)))
    bare = rows(render_pdf(tmp_path / "bare.pdf", seed_tables(prefix), ruled=False, centred=True))
    task_floor, indicator_floor = BORDERLESS_FLOORS[prefix]
    assert f1(ruled[0], bare[0]) >= task_floor and f1(ruled[1], bare[1]) >= indicator_floor
