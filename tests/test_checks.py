"""Self-checks: declared counts, prose vs table targets, unaccounted table rows."""

from __future__ import annotations

import re

from pipeline.config import Limits
from pipeline.extract.checks import run_checks
from pipeline.model import Cell, Document, Row, Table
from pipeline.normalize.fold import strip_diacritics
from pipeline.readers import read_document
from pipeline.stages import STAGES

HEADER = "TT\tChỉ tiêu{count}\tĐơn vị tính\tKết quả\tCơ quan chủ trì"


def _run(tmp_path, body: str) -> Document:
    path = tmp_path / "plan.txt"
    path.write_text("KẾ HOẠCH\n\nChuyển đổi số trên địa bàn xã năm 2026\n\n" + body, encoding="utf-8")
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    return doc


def _codes(doc, code):
    return [d for d in doc.diagnostics if d.code == code]


def test_declared_counts_are_compared_with_extracted_rows(tmp_path):
    table = "\n".join(
        [
            HEADER.format(count=" ( 3 chỉ tiêu)"),
            "I\tHạ tầng số (02)\t\t\t",
            "1\tTỷ lệ phủ sóng 5G trên địa bàn xã\t%\t≥ 95%\tPhòng Văn hóa - Xã hội",
            "II\tNguồn nhân lực (01)\t\t\t",
            "1\tTỷ lệ cán bộ được bồi dưỡng kỹ năng số\t%\t100%\tPhòng Văn hóa - Xã hội",
        ]
    )
    doc = _run(tmp_path, "PHỤ LỤC I\n\n" + table + "\n\nNơi nhận:\n")
    mismatches = _codes(doc, "declared_count_mismatch")
    assert len(mismatches) == 2  # the table (3 vs 2) and group I (2 vs 1); group II matches
    assert {m.severity for m in mismatches} == {"warning"}
    assert any("3" in m.reason and "2" in m.reason for m in mismatches)
    assert any("Hạ tầng số" in m.raw_text for m in mismatches)


def test_matching_counts_raise_nothing(tmp_path):
    table = "\n".join(
        [
            HEADER.format(count=" (2 chỉ tiêu)"),
            "I\tHạ tầng số (02)\t\t\t",
            "1\tTỷ lệ phủ sóng 5G trên địa bàn xã\t%\t≥ 95%\tPhòng Văn hóa - Xã hội",
            "2\tTỷ lệ hộ gia đình có cáp quang\t%\t80%\tPhòng Văn hóa - Xã hội",
        ]
    )
    doc = _run(tmp_path, "PHỤ LỤC I\n\n" + table + "\n\nNơi nhận:\n")
    assert len(doc.indicators) == 2
    assert not _codes(doc, "declared_count_mismatch")


def _prose_and_table(prose_value: str) -> str:
    return (
        "II. MỤC TIÊU, CHỈ TIÊU\n\n2. Chỉ tiêu cụ thể\n\n"
        f"- Tỷ lệ người dân có tài khoản định danh điện tử đạt {prose_value}.\n\n"
        "III. NHIỆM VỤ\n\n- Tuyên truyền.\n\nPHỤ LỤC I\n\n"
        + HEADER.format(count="")
        + "\n1\tTỷ lệ người dân có tài khoản định danh điện tử (VNeID)\t%\t≥ 80%\tCông an xã\n"
        + "2\tTỷ lệ phủ sóng 5G\t%\t100%\tPhòng Văn hóa - Xã hội\n\nNơi nhận:\n"
    )


def test_prose_target_differing_from_table_is_reported(tmp_path):
    doc = _run(tmp_path, _prose_and_table("ít nhất 70%"))
    (prose,) = [i for i in doc.indicators if i.source == "prose"]
    assert (prose.comparator, prose.value) == (">=", 70)
    (mismatch,) = _codes(doc, "prose_table_mismatch")
    assert "70%" in mismatch.reason and "80%" in mismatch.reason
    assert mismatch.line_start == prose.line_start


def test_same_target_in_prose_and_table_is_fine_even_without_diacritics(tmp_path):
    assert not _codes(_run(tmp_path, _prose_and_table("từ 80% trở lên")), "prose_table_mismatch")
    plain = strip_diacritics(_prose_and_table("tu 80% tro len"))
    assert not _codes(_run(tmp_path, plain), "prose_table_mismatch")


def test_rows_no_stage_claimed_are_reported_not_dropped():
    doc = Document("x", "x.txt", "text", "0", 0)
    rows = [Row([Cell("a", 5, 5), Cell("b", 5, 5)], 5, 5, raw="a\tb"), Row([Cell("c", 6, 6)], 6, 6, raw="c")]
    rows[0].status = "task"
    doc.tables = [Table(0, ["Cột 1", "Cột 2"], rows, 4, 6)]
    run_checks(doc)
    (diag,) = _codes(doc, "unaccounted_row")
    assert (diag.raw_text, diag.line_start) == ("c", 6)
    assert [r.status for r in rows] == ["task", "diagnostic"]


def test_seed_declared_counts_match_extraction(seed_docs):
    for key, doc in seed_docs.items():
        for table in doc.tables:
            m = re.search(r"\(\s*(\d+)\s*chi tieu\s*\)", strip_diacritics(" ".join(table.header)).lower())
            if not m:
                continue
            rows = {i.line_start for i in doc.indicators if table.line_start <= i.line_start <= table.line_end}
            assert len(rows) == int(m.group(1)), key
            assert not _codes(doc, "declared_count_mismatch"), key


def test_implausible_share_is_flagged_not_changed():
    from pipeline.extract.checks import run_checks
    from pipeline.model import Document, Indicator

    doc = Document("d", "f.txt", "text", "0" * 64, 0, diacritics_stripped=True)
    doc.indicators = [
        Indicator(
            "table",
            "doanh nghiep ung dung",
            "doanh nghiep ung dung",
            target_raw="> 400",
            comparator=">",
            value=400.0,
            line_start=7,
            line_end=7,
        ),
        Indicator(
            "table", "Tỷ lệ phủ sóng", "Tỷ lệ phủ sóng", target_raw="120%", unit="percent", comparator="=", value=120.0
        ),
        Indicator("table", "Số sáng kiến", "Số sáng kiến", target_raw="150", unit="count", comparator="=", value=150.0),
    ]
    run_checks(doc)
    flagged = [i.value for i in doc.indicators if "implausible_value" in i.flags]
    assert flagged == [400.0, 120.0]
    assert [d.line_start for d in doc.diagnostics if d.code == "implausible_value"] == [7, None]
    assert doc.indicators[0].value == 400.0
