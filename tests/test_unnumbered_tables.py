"""Tables without a number column (the first column is the indicator or task itself), in every layout.

The documents are written here: an indicator table and a task table with no 'STT' column, as
tab-separated text, markdown, PDF text flattened into reading order (each cell on its own lines, or a
row's cells after its name's last line; with Roman-numbered groups, 'Nhóm' groups, a numbered heading
after the table), a DOCX table and a ruled PDF table. Each must yield exactly its rows, each row
accounted for (extract/flat_header.py ends such a header after its titles; the column assignment
starts a row where the first column's cell begins after the previous row's cells: flattened.py).
"""

from __future__ import annotations

import textwrap

import pytest
from builders import TableItem, render_docx, render_pdf
from test_accounting import accounting_problems

from pipeline.config import Limits
from pipeline.model import Document
from pipeline.readers import read_document
from pipeline.readers.text import read_lines
from pipeline.stages import STAGES

BEFORE = ["ỦY BAN NHÂN DÂN XÃ HÒA LẠC", "KẾ HOẠCH", "Thực hiện chuyển đổi số năm 2026", "I. MỤC TIÊU", "1. Chỉ tiêu"]
AFTER = ["2. Nhiệm vụ trọng tâm", "Các phòng chuyên môn rà soát kế hoạch này hằng quý.", "Nơi nhận:", "- Như trên;"]
IND_HEADER = ["Chỉ tiêu", "Đơn vị tính", "Mục tiêu năm 2026", "Đơn vị chủ trì"]
INDICATORS = [
    ["Tỷ lệ hộ gia đình có kết nối Internet cáp quang băng rộng", "%", "≥ 85%", "Phòng Kinh tế"],
    ["Số mô hình thôn thông minh được xây dựng mới trong năm", "Mô hình", "12", "Phòng Văn hóa - Xã hội"],
    ["Tỷ lệ hồ sơ thủ tục hành chính được nộp trực tuyến toàn trình", "%", "≥ 70%", "Văn phòng HĐND và UBND"],
    ["Số người dân được hướng dẫn cài đặt định danh điện tử", "Người", "900", "Công an xã"],
]
TASK_HEADER = ["Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành"]
TASKS = [
    ["Xây dựng kho dữ liệu dùng chung về đất đai và dân cư của xã", "Phòng Kinh tế", "Công an xã", "Quý III/2026"],
    [
        "Mở lớp hướng dẫn người cao tuổi sử dụng điện thoại thông minh",
        "Phòng Văn hóa - Xã hội",
        "Hội Người cao tuổi xã",
        "Tháng 10/2026",
    ],
    ["Lắp đặt camera giám sát tại các nút giao thông chính", "Công an xã", "Phòng Kinh tế", "Quý IV/2026"],
    [
        "Rà soát, cập nhật danh mục thủ tục hành chính trực tuyến",
        "Văn phòng HĐND và UBND",
        "Các phòng chuyên môn",
        "Thường xuyên",
    ],
]


def _indicators(doc: Document) -> list[tuple]:
    return [(i.name, i.unit_raw, i.target_raw, i.lead_agency_raw) for i in doc.indicators if i.source == "table"]


def _tasks(doc: Document) -> list[tuple]:
    return [(t.title, t.lead_agency_raw, t.coordinating_raw, t.deadline_raw) for t in doc.tasks if t.source == "table"]


def _expected(rows: list[list[str]], task: bool) -> list[tuple]:
    return [tuple(r) for r in rows] if task else [(r[0], r[1], r[2], r[3]) for r in rows]


def _run_text(lines: list[str]) -> Document:
    text = "\n".join([*BEFORE, *lines, *AFTER])
    doc = Document(doc_id="u", source_file="u.txt", format="text", sha256="", size_bytes=len(text))
    doc.lines = read_lines(text)
    for _name, stage in STAGES:
        stage(doc)
    return doc


def _run_file(path) -> Document:
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    return doc


def _check(doc: Document, rows: list[list[str]], task: bool, groups: list[str] = ()) -> None:
    got = _tasks(doc) if task else _indicators(doc)
    assert got == _expected(rows, task)
    (table,) = doc.tables
    assert [r.cells[1].text for r in table.rows if r.status == "group"] == list(groups)
    assert len(table.rows) == len(rows) + len(groups)  # no row split, merged or taken from the text after
    assert not accounting_problems(doc)
    heading = next(ln.no for ln in doc.lines if ln.text == AFTER[0])
    assert table.line_end < heading


# ---------------------------------------------------------------- text layouts
def _tsv(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["\t".join(r) for r in (header, *rows)]


def _markdown(header: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def _cell_lines(header: list[str], rows: list[list[str]], groups: dict[int, str] | None = None) -> list[str]:
    """Flattened PDF text: the header's titles on a line, then every cell on its own line."""
    out = [" ".join(header), ""]
    for k, row in enumerate(rows):
        if groups and k in groups:
            out += [groups[k], ""]
        out += [*row, ""]
    return out


def _name_wrapped(header: list[str], rows: list[list[str]]) -> list[str]:
    """Flattened PDF text: a row's name wrapped, its other cells after the name's last line."""
    out = [*textwrap.wrap(" ".join(header), 50), ""]
    for row in rows:
        name = textwrap.wrap(row[0], 40)
        out += [*name[:-1], " ".join([name[-1], *row[1:]]), ""]
    return out


@pytest.mark.parametrize("layout", [_tsv, _markdown, _cell_lines, _name_wrapped])
def test_an_indicator_table_without_numbers_yields_its_rows(layout):
    _check(_run_text(layout(IND_HEADER, INDICATORS)), INDICATORS, task=False)


@pytest.mark.parametrize("layout", [_tsv, _markdown, _cell_lines])
def test_a_task_table_without_numbers_yields_its_rows(layout):
    _check(_run_text(layout(TASK_HEADER, TASKS)), TASKS, task=True)


def test_roman_groups_of_an_unnumbered_flattened_table_stay_groups():
    groups = {0: "I Nhóm nhiệm vụ về dữ liệu", 2: "II Nhóm nhiệm vụ về an ninh và dịch vụ công"}
    doc = _run_text(_cell_lines(TASK_HEADER, TASKS, groups))
    _check(doc, TASKS, task=True, groups=["Nhóm nhiệm vụ về dữ liệu", "Nhóm nhiệm vụ về an ninh và dịch vụ công"])
    assert [t.group for t in doc.tasks if t.source == "table"] == [groups[0]] * 2 + [groups[2]] * 2


def test_unnumbered_group_titles_of_an_unnumbered_flattened_table_stay_groups():
    groups = {0: "Nhóm chỉ tiêu về hạ tầng số", 2: "Nhóm chỉ tiêu về dịch vụ công"}
    doc = _run_text(_cell_lines(IND_HEADER, INDICATORS, groups))
    _check(doc, INDICATORS, task=False, groups=list(groups.values()))
    assert [i.group for i in doc.indicators if i.source == "table"] == [groups[0]] * 2 + [groups[2]] * 2


def test_a_roman_heading_after_an_unnumbered_table_ends_it():
    doc = _run_text([*_cell_lines(IND_HEADER, INDICATORS), "II. NHIỆM VỤ VÀ GIẢI PHÁP", "Đẩy mạnh số hóa."])
    assert _indicators(doc) == _expected(INDICATORS, task=False)
    (table,) = doc.tables
    assert len(table.rows) == len(INDICATORS)
    assert "NHIỆM VỤ VÀ GIẢI PHÁP" not in " ".join(r.raw for r in table.rows)


# ---------------------------------------------------------------- grids
@pytest.mark.parametrize("task", [False, True])
def test_a_docx_table_without_numbers_yields_its_rows(tmp_path, task):
    header, rows = (TASK_HEADER, TASKS) if task else (IND_HEADER, INDICATORS)
    items = [*BEFORE, TableItem([[header, *rows]]), *AFTER]
    _check(_run_file(render_docx(tmp_path / "plan.docx", items)), rows, task)


@pytest.mark.slow
@pytest.mark.parametrize("task", [False, True])
def test_a_ruled_pdf_table_without_numbers_yields_its_rows(tmp_path, task):
    header, rows = (TASK_HEADER, TASKS) if task else (IND_HEADER, INDICATORS)
    items = [*BEFORE, TableItem([[header, *rows]]), *AFTER]
    _check(_run_file(render_pdf(tmp_path / "plan.pdf", items)), rows, task)


@pytest.mark.slow
@pytest.mark.parametrize("task", [False, True])
@pytest.mark.parametrize("style", [{}, {"tight": True}, {"centred": True}])
def test_a_borderless_pdf_table_without_numbers_joins_wrapped_names(tmp_path, task, style):
    """No ruling lines: each printed line is a grid row (readers/aligned.py); a name's wrapped lines,
    with no number beside the row's first line, still join their row (readers/grid.py)."""
    header, rows = (TASK_HEADER, TASKS) if task else (IND_HEADER, INDICATORS)
    items = [*BEFORE, TableItem([[header, *rows]]), *AFTER]
    doc = _run_file(render_pdf(tmp_path / "plan.pdf", items, ruled=False, **style))
    assert [t.layout for t in doc.tables] == ["pdf-aligned"]
    _check(doc, rows, task)


@pytest.mark.slow
@pytest.mark.parametrize("heads_together", [(), ("6", "7")], ids=["cell-by-cell", "heads-together"])
def test_a_flattened_pdf_task_table_without_numbers_yields_its_rows(tmp_path, heads_together):
    """The text layer of test_flat_pdf's borderless task table without its number column: the PDF
    reader joins each cell's printed lines, the flattened path finds the rows. As there, the rows
    printing every cell's head on their first line are those whose cells, but the task, fit one line."""
    from test_flat_pdf import HEADER, ROWS, WIDTHS, _draw

    lines = [*BEFORE, HEADER[0].removeprefix("STT "), *HEADER[1:], ""]
    for number, *cells in ROWS:
        wrapped = [textwrap.wrap(text, width) for text, width in zip(cells, WIDTHS, strict=True)]
        if number in heads_together:  # the head of every cell on the row's first line, the rest below
            lines += [" ".join(w[0] for w in wrapped), *(t for w in wrapped for t in ("", *w[1:]) if w[1:]), ""]
        else:  # cell after cell, the deadline after the coordinating cell's last line
            for k, w in enumerate(wrapped[:-1]):
                lines += [*w[:-1], f"{w[-1]} {wrapped[-1][0]}" if k == len(wrapped) - 2 else w[-1], ""]
    doc = _run_file(_draw(tmp_path / "plan.pdf", [*lines, *AFTER]))
    got = [(t.title, t.output_raw, t.lead_agency_raw, t.coordinating_raw, t.deadline_raw) for t in doc.tasks]
    assert got == [tuple(cells) for _number, *cells in ROWS]
    assert [t.layout for t in doc.tables] == ["flattened"]
    assert not accounting_problems(doc)
