"""Group rows printed without a numeral ('Nhóm …') in flattened tables: hand-written tables, not seed text."""

from __future__ import annotations

from pipeline.extract.flat_rows import unnumbered_group
from pipeline.extract.tables import find_tables
from pipeline.model import Document
from pipeline.readers.text import read_lines

TASKS = """\
PHỤ LỤC

STT Nội dung nhiệm vụ Sản phẩm Đơn vị chủ trì Đơn vị phối hợp Thời gian

Nhóm nhiệm vụ về hạ tầng số

1
Lắp đặt điểm truy cập
không dây tại nhà văn hóa
các thôn.

Điểm truy cập
hoạt động.

Văn phòng
HĐND và UBND

Các thôn Quý II/2027

2
Rà soát thiết bị tại bộ phận
một cửa.

Báo cáo rà soát.

Trung tâm Phục vụ
hành chính công

Các phòng chuyên môn Thường xuyên

Nhóm nhiệm vụ về kỹ năng số cho người dân

1
Mở lớp hướng dẫn dịch vụ công
trực tuyến cho các hộ gia đình
theo nhóm nhỏ.

Lớp học được tổ chức.

Phòng Văn hóa - Xã hội

Đoàn Thanh niên Quý IV/2027

Nơi nhận:
- Như trên;
"""


def _table(text: str):
    doc = Document(doc_id="t", source_file="t.txt", format="text", sha256="", size_bytes=len(text))
    doc.lines = read_lines(text)
    find_tables(doc)
    (table,) = [t for t in doc.tables if t.layout == "flattened"]
    return table


def test_unnumbered_group_lines_are_groups_and_rows_restart_under_them():
    table = _table(TASKS)
    assert table.kind == "task"
    shape = [(r.cells[0].text, r.texts()[1][:24]) for r in table.rows]
    assert shape == [
        ("", "Nhóm nhiệm vụ về hạ tầng"),
        ("1", "Lắp đặt điểm truy cập kh"),
        ("2", "Rà soát thiết bị tại bộ "),
        ("", "Nhóm nhiệm vụ về kỹ năng"),
        ("1", "Mở lớp hướng dẫn dịch vụ"),
    ]
    groups = [r for r in table.rows if not r.cells[0].text]
    assert all(not any(r.texts()[2:]) for r in groups)
    last = table.rows[-1].texts()
    assert last[-1] == "Quý IV/2027" and "theo nhóm nhỏ." in last[1]


def test_a_group_word_opens_a_group_only_as_a_title_before_a_row():
    assert unnumbered_group("Nhóm nhiệm vụ về dữ liệu", "1 Số hóa hồ sơ")
    assert unnumbered_group("NHÓM CHỈ TIÊU VỀ XÃ HỘI SỐ", "01. Tỷ lệ hộ gia đình")
    assert not unnumbered_group("nhóm nhỏ tại các thôn.", "2 Rà soát")  # a sentence going on
    assert not unnumbered_group("Nhóm nhiệm vụ về dữ liệu", "tại các thôn")  # no row after it
    assert not unnumbered_group("Nhóm hộ nghèo Quý II/2027", "3 Hỗ trợ")  # a deadline in it: a row's cells
    assert not unnumbered_group("Nhóm", "1 Số hóa")
