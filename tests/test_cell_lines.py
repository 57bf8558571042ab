"""Tables exported one cell per line with '|' separator lines, and their extra columns."""

from __future__ import annotations

import pytest
from realplans import process_text


def run(tmp_path, cells: list[str]):
    head = "KẾ HOẠCH\nChuyển đổi số năm 2026\nPHỤ LỤC I\nCHỈ TIÊU\n"
    return process_text(tmp_path, head + "\n|\n".join(cells) + "\n|\n")


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


def run_text(tmp_path, body: str):
    return process_text(tmp_path, "KẾ HOẠCH\nChuyển đổi số năm 2026\nI. CHỈ TIÊU CỤ THỂ\n" + body)


PIPE_ROWS = [
    "TT | Tên chỉ tiêu | ĐVT | Kết quả năm 2025 | Mục tiêu năm 2026",
    "1 | Tỷ lệ thôn có loa truyền thanh thông minh | % | 40 | 75",
    "2 | Số hộ kinh doanh dùng mã QR | Hộ | 120 | 300",
    "3 | Tỷ lệ hồ sơ một cửa ký số | % | 55 | 90",
]


@pytest.mark.parametrize(
    "layout",
    [
        lambda rows: rows,  # plain, no outer pipes
        lambda rows: [f"| {r} |" for r in rows[:1]] + ["|---|---|---|---|---|"] + [f"| {r} |" for r in rows[1:]],
        lambda rows: [*rows[:1], "--- | :---: | --- | --- | ---", *rows[1:]],
    ],
)
def test_one_line_pipe_rows_are_read_and_the_past_result_column_is_not_a_target(tmp_path, layout):
    doc = run_text(tmp_path, "\n".join(layout(PIPE_ROWS)) + "\n\nII. NHIỆM VỤ\nTriển khai các nhiệm vụ.\n")
    rows = [(i.name, i.value, i.target_year) for i in doc.indicators]
    assert rows == [
        ("Tỷ lệ thôn có loa truyền thanh thông minh", 75, 2026),
        ("Số hộ kinh doanh dùng mã QR", 300, 2026),
        ("Tỷ lệ hồ sơ một cửa ký số", 90, 2026),
    ]
    assert all(i.source == "table" for i in doc.indicators)


def test_lines_with_a_stray_pipe_of_varying_width_stay_text(tmp_path):
    body = "- Phủ sóng 4G | 5G toàn xã\n- Đào tạo | tập huấn | hội nghị | tọa đàm\n- Số hóa hồ sơ | lưu trữ\n"
    doc = run_text(tmp_path, body)
    assert [ln.text for ln in doc.lines if "|" in ln.text] == body.splitlines()
