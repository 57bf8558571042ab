"""Indicator extraction on the seeds and on tables built here in other layouts."""

from __future__ import annotations

import re

import pytest

from pipeline.config import Limits
from pipeline.extract.indicators import extract_indicators, infer_plan_year, map_columns
from pipeline.model import Cell, Document, Line, Row, Table
from pipeline.normalize.fold import fold
from pipeline.readers import read_document
from pipeline.stages import STAGES


def _table(doc, label):
    return next(t for t in doc.tables if t.label == label and t.kind in ("indicator", "mixed"))


def _rows_of(doc, table, source="table"):
    return [i for i in doc.indicators if i.source == source and table.line_start <= i.line_start <= table.line_end]


def test_every_table_row_has_a_status(seed_docs):
    for key, doc in seed_docs.items():
        missing = [(t.label, r.line_start) for t in doc.tables for r in t.rows if r.status is None]
        assert not missing, key


def test_000_appendix_rows_all_have_group_and_unit(seed_docs):
    doc = seed_docs["000"]
    rows = _rows_of(doc, _table(doc, "Phụ lục I"))
    assert rows
    assert all(r.group and r.unit for r in rows)
    assert all(r.target_year == doc.metadata.plan_year or r.target_year == infer_plan_year(doc) for r in rows)


def test_table_rows_carry_provenance_and_raw_text(seed_docs):
    for doc in seed_docs.values():
        for ind in (i for i in doc.indicators if i.source == "table"):
            assert ind.line_start <= ind.line_end
            assert ind.name and ind.target_raw and ind.comparator


def test_001_five_year_table_one_row_per_year_with_a_target(seed_docs):
    doc = seed_docs["001"]
    table = next(t for t in doc.tables if map_columns(t.header).years)
    cols = map_columns(table.header)
    expected = 0
    for row in table.rows:
        if row.status != "indicator":
            continue
        expected += sum(1 for i, _ in cols.years if row.cells[i].text.strip() not in ("", "-"))
    rows = _rows_of(doc, table)
    assert expected and len(rows) == expected
    years = {y for _, y in cols.years}
    assert {r.target_year for r in rows} == years


def test_row_split_over_a_page_break_is_one_row(seed_docs):
    for key in ("000", "001"):
        doc = seed_docs[key]
        split = [i for i in doc.indicators if i.source == "table" and i.line_end > i.line_start]
        assert split, key
        for ind in split:
            # the name holds words from the last source line too, and no row starts on a continuation line
            last = doc.lines[ind.line_end - 1].text.split("\t")
            assert any(part.strip() and fold(part) in fold(ind.name) for part in last[1:2]) or not last[1].strip()
        starts = {i.line_start for i in doc.indicators if i.source == "table"}
        for line in doc.lines:
            cells = line.text.split("\t")
            if len(cells) > 2 and not cells[0].strip() and cells[1][:1].islower():
                assert line.no not in starts, (key, line.no)


def test_section_rows_set_target_year_and_parent_rows_group_children(seed_docs):
    doc = seed_docs["001"]
    rows = _rows_of(doc, _table(doc, "Phụ lục I"))
    for r in rows:
        stated = re.findall(r"năm (\d{4})", r.group or "")
        if stated:
            assert r.target_year == int(stated[-1])
        if r.code and "." in r.code:
            assert r.group.startswith(r.code.rsplit(".", 1)[0] + " ")
    assert {r.target_year for r in rows} >= {2030, 2045}


def test_cell_with_two_targets_gives_two_rows(seed_docs):
    doc = seed_docs["001"]
    multi = [i for i in doc.indicators if "multiple_targets" in i.flags]
    assert len(multi) >= 2
    assert len({i.qualifier for i in multi}) == len(multi)
    assert len({i.line_start for i in multi}) < len(multi)


def test_000_prose_targets(seed_docs):
    doc = seed_docs["000"]
    prose = [i for i in doc.indicators if i.source == "prose"]
    assert any(i.comparator == ">=" and i.value == 60 for i in prose)
    # several targets in one sentence give several rows
    assert max(sum(1 for i in prose if i.line_start == p.line_start) for p in prose) >= 3
    assert all(i.name and i.target_year for i in prose)
    # prose outside the objectives section ('Tổ chức thực hiện') gives no targets
    section_end = next(h.line for h in doc.headings if fold(h.title).startswith("nhiem vu"))
    assert all(i.line_start < section_end for i in prose)


def test_003_ocr_prose_targets_are_parsed(seed_docs):
    doc = seed_docs["003"]
    prose = [i for i in doc.indicators if i.source == "prose"]
    assert len(prose) >= 10
    assert sum(i.comparator == ">" for i in prose) >= 3
    assert all(i.value is not None for i in prose)


def test_lead_agency_canonical_from_gazetteer(seed_docs):
    doc = seed_docs["000"]
    rows = [i for i in doc.indicators if i.source == "table" and i.lead_agency_raw]
    assert rows
    assert any(r.lead_agency != r.lead_agency_raw for r in rows)  # 'Xã-hội', 'Xã' variants resolved
    assert len({r.lead_agency for r in rows}) < len({r.lead_agency_raw for r in rows})


def _doc_with_table(header, rows, kind="indicator", statuses=None):
    doc = Document("x", "x.txt", "text", "0", 0)
    doc.lines = [Line(1, "KẾ HOẠCH"), Line(2, "Triển khai chuyển đổi số trên địa bàn xã năm 2027")]
    table_rows = []
    for n, cells in enumerate(rows, start=10):
        row = Row([Cell(c, n, n) for c in cells], n, n, raw="\t".join(cells))
        row.status = (statuses or {}).get(n - 10)
        table_rows.append(row)
    doc.tables = [Table(0, header, table_rows, 9, 9 + len(rows), layout="flattened", kind=kind)]
    return doc


@pytest.mark.parametrize(
    "header",
    [
        [
            "STT",
            "Nội dung chỉ tiêu phấn đấu đến cuối năm 2026",
            "Đơn vị tính",
            "Chỉ tiêu phấn đấu đạt được",
            "Bộ phận chủ trì",
        ],
        ["TT", "Chỉ tiêu/Mô tả", "Đơn vị tính", "Kết quả", "Cơ quan chủ trì theo dõi, đánh giá"],
        ["Stt", "Noi dung chi tieu", "Don vi tinh", "Ket qua", "Co quan chu tri"],
    ],
)
def test_columns_found_by_header_keywords_in_any_layout(header):
    doc = _doc_with_table(
        header,
        [
            ["I", "Về phát triển hạ tầng (01)", "", "", ""],
            ["1", "Tỷ lệ phủ sóng 5G trên địa bàn", "% ≥", "60%", "Phòng VH-XH"],
        ],
    )
    extract_indicators(doc)
    (ind,) = doc.indicators
    assert (ind.code, ind.group, ind.unit, ind.comparator, ind.value) == (
        "1",
        "I Về phát triển hạ tầng (01)",
        "percent",
        ">=",
        60,
    )
    assert ind.target_year == 2027  # plan year from the title
    assert ind.lead_agency == "Phòng Văn hóa - Xã hội"
    assert [r.status for r in doc.tables[0].rows] == ["group", "indicator"]


def test_mixed_table_rows_keep_the_task_role_and_unparsed_rows_are_diagnosed():
    header = ["STT", "Mục tiêu, Chỉ tiêu", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
    doc = _doc_with_table(
        header,
        [
            ["1", "100% TTHC đủ điều kiện cung cấp trực tuyến toàn trình", "Trung tâm PVHCC", "", "Thường xuyên"],
            ["2", "Hoàn thiện và đưa vào sử dụng Phòng họp không giấy", "Phòng VH-XH", "", "Tháng 4/2026"],
        ],
        kind="mixed",
        statuses={0: "task", 1: "task"},
    )
    extract_indicators(doc)
    (ind,) = doc.indicators
    assert (ind.comparator, ind.value, ind.unit) == ("=", 100, "percent")
    assert fold(ind.name).startswith("tthc du dieu kien")
    assert [r.status for r in doc.tables[0].rows] == ["indicator+task", "task"]

    lone = _doc_with_table(["TT", "Chỉ tiêu", "Đơn vị tính", "Kết quả"], [["3", "Tỷ lệ hồ sơ", "%", ""]])
    extract_indicators(lone)
    assert not lone.indicators
    assert [d.code for d in lone.diagnostics] == ["unparsed_indicator"]
    assert lone.tables[0].rows[0].status == "diagnostic"


def test_plan_without_tables_or_objectives(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(
        "KẾ HOẠCH\n\nVề chuyển đổi số năm 2026\n\nI. TỔ CHỨC THỰC HIỆN\n\n- Đạt 100% hồ sơ.\n", encoding="utf-8"
    )
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    # the duties are read when nothing else states a target; what they state is flagged, not dropped
    (ind,) = doc.indicators
    assert (ind.value, ind.flags, ind.sentence) == (100, ["uncertain_target"], "- Đạt 100% hồ sơ.")
    assert infer_plan_year(doc) == 2026


def test_ocr_name_spilt_into_the_next_column_is_joined_back():
    header = ["STT", "Mục tiêu, Chỉ tiêu", "Cơ quan chủ trì", "Cơ quan phối hợp"]
    doc = _doc_with_table(
        header,
        [
            ["", "> 80%", "can bo, cong chuc xa duoc boi duong ky nang so", "Phong Van hoa - Xa hoi"],
            ["", "> 65%", "Cong an xa", ""],
        ],
    )
    extract_indicators(doc)
    first, second = doc.indicators
    assert (first.comparator, first.value, first.name) == (">", 80, "can bo, cong chuc xa duoc boi duong ky nang so")
    assert second.name == "> 65%"  # the next cell is an agency: no name, reported
    assert [d.code for d in doc.diagnostics] == ["unparsed_indicator"]
