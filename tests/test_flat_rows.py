"""Row starts of flattened tables chosen globally (extract/flat_rows.py)."""

from __future__ import annotations

from pipeline.extract.flat_rows import candidate, choose, sub_row
from pipeline.model import Document
from pipeline.readers.text import read_lines
from pipeline.stages import STAGES

FIRST = {(1,), (1, 1)}


def _starts(lines: list[str]) -> list[str]:
    cands = [c for n, text in enumerate(lines) if (c := candidate(n, text))]
    has_text = [True] * len(lines)
    for c in cands:
        has_text[c.position] = bool(c.rest)
    return [c.printed for c in choose(cands, has_text, FIRST, ocr=False)]


def test_numbers_inside_cells_are_never_candidates():
    for text in ("100% cán bộ", "2026 – 2030", "12/2026", "Nghị quyết 57", "0 hồ sơ"):
        assert candidate(0, text) is None
    assert candidate(0, "01 Tỷ lệ").number == "1"
    assert candidate(0, "b) Xây dựng").value == (2,)
    assert candidate(0, "đ) Xây dựng").value == (5,)  # Vietnamese lists: a b c d đ e


def test_a_gap_and_a_swap_still_open_rows():
    lines = ["1 Tỷ lệ A", "Phòng X", "2 Tỷ lệ B", "4 Tỷ lệ D", "3 Tỷ lệ C", "5 Tỷ lệ E", "Phòng Y"]
    assert _starts(lines) == ["1", "2", "4", "3", "5"]
    assert _starts(["1 Tỷ lệ A", "3 Tỷ lệ C", "4 Tỷ lệ D"]) == ["1", "3", "4"]


def test_a_stray_number_out_of_sequence_stays_in_its_cell():
    lines = ["1 Tỷ lệ A", "2 Tỷ lệ B đạt", "15 năm liên tục", "3 Tỷ lệ C"]
    assert _starts(lines) == ["1", "2", "3"]
    lines = ["1 Tỷ lệ A", "2 Tỷ lệ B", "5 lượt tham gia", "3 Tỷ lệ C"]
    assert _starts(lines) == ["1", "2", "3"]


def test_zero_padded_and_lettered_rows():
    assert _starts(["01 Tỷ lệ A", "02 Tỷ lệ B", "03 Tỷ lệ C"]) == ["01", "02", "03"]
    assert _starts(["a) Việc A", "b) Việc B", "d) Việc D"]) == ["a", "b", "d"]


def test_a_bare_number_with_no_text_before_the_next_row_is_a_cell():
    assert _starts(["1 Tỷ lệ A", "2", "2 Tỷ lệ B"]) == ["1", "2"]


def test_a_bullet_line_is_a_sub_row_only_with_cells_of_its_own():
    assert sub_row("- Lập học bạ điện tử cho học sinh Phòng Văn hóa - Xã hội Quý IV/2026", False)
    line = "+ Trang bị phòng học trực tuyến Phòng Kinh tế"
    assert sub_row(line, False) == line[2:]
    assert sub_row("- Lap hoc ba dien tu Phong Van hoa - Xa hoi Thuong xuyen", True)
    assert not sub_row("- tại nhà văn hóa và trường học", False)  # the row's own text
    assert not sub_row("- Phối hợp với Công an xã rà soát hồ sơ", False)  # an agency named inside the text
    assert not sub_row("Lập học bạ điện tử Phòng Kinh tế Quý IV/2026", False)  # no bullet: a row's wrapped line
    assert not sub_row("- Xã hội Quý II/2026", False)  # the wrapped end of 'Phòng Văn hóa' and the deadline


FLAT_BULLETS = """KẾ HOẠCH

STT Nội dung nhiệm vụ Đơn vị chủ trì Đơn vị phối hợp Thời gian hoàn thành

I Nhóm nhiệm vụ về giáo dục

1 Mở lớp bình dân học vụ số cho người dân Phòng Văn hóa - Xã hội Trạm Y tế Quý III/2027
2 Triển khai số hóa trường học trên địa bàn
- Lập học bạ điện tử cho học sinh Phòng Văn hóa - Xã hội Quý IV/2026
- Trang bị phòng học trực tuyến Phòng Kinh tế Trạm Y tế Quý II/2027
3 Tuyên truyền về an toàn thông tin Phòng Văn hóa - Xã hội Công an xã Thường xuyên
- tại nhà văn hóa và trường học
4 Cập nhật bản đồ đất đai lên hệ thống Phòng Kinh tế Công an xã Quý IV/2026

Nơi nhận:
"""


def test_bullet_sub_rows_in_flattened_text_are_sub_tasks():
    doc = Document(doc_id="t", source_file="t.txt", format="text", sha256="", size_bytes=len(FLAT_BULLETS))
    doc.lines = read_lines(FLAT_BULLETS)
    for _name, stage in STAGES:
        stage(doc)
    (table,) = [t for t in doc.tables if t.layout == "flattened"]
    assert [r.cells[0].text for r in table.rows] == ["I", "1", "2", "", "", "3", "4"]
    subs = [t for t in doc.tasks if t.parent_code == "2"]
    assert [t.title for t in subs] == ["Lập học bạ điện tử cho học sinh", "Trang bị phòng học trực tuyến"]
    assert [t.lead_agency for t in subs] == ["Phòng Văn hóa - Xã hội", "Phòng Kinh tế"]
    assert [t.deadline_raw for t in subs] == ["Quý IV/2026", "Quý II/2027"]
    row3 = next(r for r in table.rows if r.cells[0].text == "3")
    assert "tại nhà văn hóa và trường học" in row3.raw  # a bullet without cells stays in its row
