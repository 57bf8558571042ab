"""Cell grids from any reader: header rows repeated after a page break are dropped, cut rows joined."""

from __future__ import annotations

from pipeline.model import Document
from pipeline.readers.grid import GridRow, add_table

HEADER = [
    ["STT", "Nội dung công", "Đơn vị", "Thời hạn"],
    ["", "việc", "thực hiện", "xong"],
]


def _grid(rows: list[tuple[int, list[str]]]) -> list[GridRow]:
    return [GridRow(texts, page) for page, texts in rows]


def test_a_two_row_header_repeated_after_a_page_break_is_dropped_and_the_cut_row_joined():
    doc = Document("g", "g.docx", "docx", "0" * 64, 0)
    grid = _grid(
        [
            (1, HEADER[0]),
            (1, HEADER[1]),
            (1, ["1", "Lắp camera tại nhà văn hóa", "Công an xã", "Quý I/2027"]),
            (1, ["2", "Mở lớp dạy kỹ năng số cho hội", "Hội Phụ nữ", "Quý III/2027"]),
            (2, HEADER[0]),
            (2, HEADER[1]),
            (2, ["", "viên phụ nữ các thôn", "xã", ""]),
            (2, ["3", "Cập nhật bản đồ số", "Phòng Kinh tế", "Năm 2027"]),
        ]
    )
    table = add_table(doc, grid, "docx")
    body = [r.texts() for r in table.rows]
    assert body == [
        HEADER[1],  # the header's second row, read by the column model with the first
        ["1", "Lắp camera tại nhà văn hóa", "Công an xã", "Quý I/2027"],
        ["2", "Mở lớp dạy kỹ năng số cho hội viên phụ nữ các thôn", "Hội Phụ nữ xã", "Quý III/2027"],
        ["3", "Cập nhật bản đồ số", "Phòng Kinh tế", "Năm 2027"],
    ]
    assert [d.code for d in doc.diagnostics] == ["header_repeat"]
    assert "2 repeated header row(s)" in doc.diagnostics[0].reason


def test_a_body_row_like_the_header_s_second_row_stays_when_no_header_was_repeated():
    doc = Document("g", "g.docx", "docx", "0" * 64, 0)
    grid = _grid(
        [
            (1, HEADER[0]),
            (1, HEADER[1]),
            (1, ["1", "Lắp camera", "Công an xã", "Quý I/2027"]),
            (2, ["", "việc", "thực hiện", "xong"]),
        ]
    )
    table = add_table(doc, grid, "docx")
    assert table.rows[-1].texts() == ["1", "Lắp camera việc", "Công an xã thực hiện", "Quý I/2027 xong"]
