"""Tables exported one cell per line with '|' separator lines, and their extra columns."""

from __future__ import annotations

from pipeline.config import Limits
from pipeline.readers import read_document
from pipeline.stages import STAGES


def run(tmp_path, cells: list[str]):
    path = tmp_path / "plan.txt"
    text = "KẾ HOẠCH\nChuyển đổi số năm 2026\nPHỤ LỤC I\nCHỈ TIÊU\n" + "\n|\n".join(cells) + "\n|\n"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    return doc


HEADER = ["STT", "Tên chỉ tiêu", "Ghi chú", "Đơn vị tính", "Chỉ tiêu năm 2026"]


def test_rows_are_rebuilt_and_the_note_column_is_never_the_target(tmp_path):
    cells = [*HEADER, "I", "Chính quyền số (03 chỉ tiêu)", "", "", ""]
    cells += ["1", "Tỷ lệ hồ sơ\nxử lý trực tuyến", "Tính trên tổng số hồ sơ, 12 tháng", "%", "85"]
    cells += ["2", "Số camera giám sát", "Lắp tại 4 ngã ba", "Cái", "20"]
    doc = run(tmp_path, cells)
    rows = [(i.name, i.value, i.unit, i.group, i.line_start) for i in doc.indicators]
    assert rows == [
        ("Tỷ lệ hồ sơ xử lý trực tuyến", 85, "percent", "I Chính quyền số (03 chỉ tiêu)", 25),
        ("Số camera giám sát", 20, "count", "I Chính quyền số (03 chỉ tiêu)", 36),
    ]
    row = next(ln for ln in doc.lines if ln.no == 25)  # a row keeps the number of its first line
    assert row.text.startswith("1\tTỷ lệ hồ sơ xử lý trực tuyến\t")
    assert "declared_count_mismatch" in {d.code for d in doc.diagnostics}  # 3 declared, 2 found


def test_group_row_with_only_its_name_closes_at_the_next_row_number(tmp_path):
    cells = [*HEADER, "I", "Hạ tầng số", "1", "Tỷ lệ thôn có wifi", "", "%", "60"]
    doc = run(tmp_path, cells)
    assert [(i.name, i.value, i.group) for i in doc.indicators] == [("Tỷ lệ thôn có wifi", 60, "I Hạ tầng số")]
