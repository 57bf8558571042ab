"""Rows of OCR text tables chosen by the global row choice of flattened text (extract/ocr_rows.py).

The documents are written here, in the style of a scan read without diacritics: cell borders
printed as '|', a row's first line above its number line, debris around the cells."""

from __future__ import annotations

import pytest

from pipeline.extract.ocr_rows import split_rows
from pipeline.model import Document, Row
from pipeline.normalize.agencies import normalize_agency
from pipeline.normalize.deadlines import parse_deadline
from pipeline.readers.text import read_lines
from pipeline.stages import STAGES

HEADER = "STT Muc tieu, Chi tieu Co quan chu tri Co quan phoi hop Thoi gian thuc hien"


def _doc(body: str) -> Document:
    text = f"KE HOACH\n\n{HEADER}\n{body.strip()}\n\nNoi nhan:\n"
    doc = Document(doc_id="t", source_file="t.txt", format="text", sha256="", size_bytes=len(text))
    doc.lines = read_lines(text)
    for _name, stage in STAGES:
        stage(doc)
    return doc


def _rows(doc: Document) -> list[Row]:
    (table,) = [t for t in doc.tables if t.layout == "ocr"]
    return [r for r in table.rows if r.status != "group"]


LETTERED = """
I | Du lieu so
a) | Lap danh muc du lieu dung chung Phong Kinh te Cong an xa Quy II/2027
b) | Cap nhat so dia chinh tren may tinh Phong Kinh te | Tram Y te Thuong xuyen
c) Mo lop tap huan ky nang so cho Phong Van hoa - | Cong an xa Quy III/2027
nguoi dan Xa hoi
d) | 100% thon co diem phat wifi cong cong Phong Van hoa - Xa hoi Thuong xuyen
"""


def test_lettered_rows_in_ocr_text_are_rows():
    doc = _doc(LETTERED)
    rows = [r.texts() for r in _rows(doc)]
    assert [r[0] for r in rows] == ["a", "b", "c", "d"]
    assert [r[1].split()[0] for r in rows] == ["Lap", "Cap", "Mo", "100%"]
    assert rows[2][1].endswith("nguoi dan")  # the wrapped task text stays in its row
    assert [normalize_agency(r[2]) for r in rows] == ["Phòng Kinh tế"] * 2 + ["Phòng Văn hóa - Xã hội"] * 2
    assert [r[4] for r in rows] == ["Quy II/2027", "Thuong xuyen", "Quy III/2027", "Thuong xuyen"]
    assert len([t for t in doc.tasks if t.source == "table"]) == 4


# Row 5 deleted without renumbering, rows 3 and 4 swapped with their numbers, and row 4's target
# line read above its number line (vertically centred cells).
GAP_AND_SWAP = """
I | Ha tang so
1 | 100% thon co loa truyen thanh thong minh Phong Van hoa - Xa hoi | Tram Y te Thuong xuyen
2 | Xay dung trang thong tin dien tu cua xa Phong Kinh te Quy II/2027
> 85% ho gia dinh co duong truyen cap quang Phong Van hoa - | Doanh nghiep vien thong
4 | < % . Xa hoi Thuong xuyen
3 | Cap nhat ban do dat dai len he thong Phong Kinh te | Cong an xa Quy IV/2026
6 | Lap kenh tiep nhan phan anh truc tuyen Cong an xa | Tram Y te Thuong xuyen
"""


def test_a_gap_and_a_swap_in_ocr_text_keep_every_row():
    doc = _doc(GAP_AND_SWAP)
    rows = [r.texts() for r in _rows(doc)]
    assert [r[0] for r in rows] == ["1", "2", "4", "3", "6"]
    assert rows[2][1].startswith("> 85% ho gia dinh")  # the line above its number joins row 4
    assert rows[3][1] == "Cap nhat ban do dat dai len he thong"
    assert [normalize_agency(r[2]) for r in rows[2:]] == ["Phòng Văn hóa - Xã hội", "Phòng Kinh tế", "Công an xã"]
    assert [parse_deadline(r[4]).recurrence for r in rows[2:]] == ["ongoing", None, "ongoing"]
    targets = {i.code: i.target_raw for i in doc.indicators if i.source == "table"}
    assert targets == {"1": "100%", "4": "> 85%"}
    assert not [d for d in doc.diagnostics if d.code == "ocr_numeral_corrected"]  # every number was printed


def test_zero_padded_numbers_and_a_number_out_of_sequence():
    lines = [
        "01 | Lap danh muc du lieu Phong Kinh te Quy II/2027",
        "02 | Cap nhat so dia chinh Phong Kinh te Thuong xuyen",
        "07 | > 90% ho dan dung thanh toan so Phong Kinh te Thuong xuyen",  # a row moved here from elsewhere
        "03 | Mo lop ky nang so Phong Van hoa - Xa hoi Quy III/2027",
    ]
    rows = split_rows(list(enumerate(lines, start=1)))
    assert [r.number for r in rows] == ["1", "2", "7", "3"]
    assert [r.title[0][1] for r in rows] == ["Lap", "Cap", ">", "Mo"]


BULLETS = """
I | Chuyen doi so trong giao duc
1 | Mo lop binh dan hoc vu so cho nguoi dan Phong Van hoa - Xa hoi | Tram Y te Quy III/2027
2 | Trien khai so hoa truong hoc tren dia ban
- Lap hoc ba dien tu cho hoc sinh Phong Van hoa - Xa hoi Quy IV/2026
+ Trang bi phong hoc truc tuyen Phong Kinh te | Tram Y te Quy II/2027
3 | Tuyen truyen ve an toan thong tin Phong Van hoa - Xa hoi | Cong an xa Thuong xuyen
- tai nha van hoa va truong hoc
"""


def test_bullet_lines_with_their_own_cells_are_sub_rows():
    doc = _doc(BULLETS)
    rows = [r.texts() for r in _rows(doc)]
    assert [r[0] for r in rows] == ["1", "2", "", "", "3"]
    assert rows[1][1] == "Trien khai so hoa truong hoc tren dia ban"
    assert [r[1] for r in rows[2:4]] == ["Lap hoc ba dien tu cho hoc sinh", "Trang bi phong hoc truc tuyen"]
    assert [r[4] for r in rows[2:4]] == ["Quy IV/2026", "Quy II/2027"]
    subs = [t for t in doc.tasks if t.parent_code == "2"]
    assert [t.lead_agency for t in subs] == ["Phòng Văn hóa - Xã hội", "Phòng Kinh tế"]
    assert [t.deadline_raw for t in subs] == ["Quy IV/2026", "Quy II/2027"]


def test_a_bullet_line_without_cells_stays_in_its_row_text():
    doc = _doc(BULLETS)
    row = _rows(doc)[-1].texts()
    assert row[0] == "3"
    assert row[1] == "Tuyen truyen ve an toan thong tin tai nha van hoa va truong hoc"
    assert normalize_agency(row[2]) == "Phòng Văn hóa - Xã hội"
    assert not [d for d in doc.diagnostics if d.code == "unplaced_fragment" and d.raw_text.strip() == "-"]


@pytest.mark.parametrize("body", [LETTERED, GAP_AND_SWAP, BULLETS])
def test_every_line_of_the_table_is_in_a_row(body):
    doc = _doc(body)
    (table,) = [t for t in doc.tables if t.layout == "ocr"]
    covered = {n for r in table.rows for n in range(r.line_start, r.line_end + 1)}
    body_lines = [ln.no for ln in doc.lines if table.line_start < ln.no <= table.line_end and ln.text.strip()]
    assert set(body_lines) <= covered
    assert all(r.status for r in table.rows)  # each row ended as a group, indicator, task or diagnostic


# OCR reads the group numeral 'II' as '1': a '1 | title' line is a group after a group with rows,
# but a row (with bullet sub-rows here) right under a group title.
TITLE_ONLY_FIRST_ROW = """
I | Chuyen doi so trong giao duc
1 | Trien khai so hoa truong hoc tren dia ban
- Lap hoc ba dien tu cho hoc sinh Phong Van hoa - Xa hoi Quy IV/2026
+ Trang bi phong hoc truc tuyen Phong Kinh te | Tram Y te Quy II/2027
2 | Tuyen truyen ve an toan thong tin Phong Van hoa - Xa hoi | Cong an xa Thuong xuyen
1 | Kinh te so
1 | > 70% ho kinh doanh dung thanh toan so Phong Kinh te | Tram Y te Thuong xuyen
"""


def test_a_title_only_first_row_is_no_misread_group_numeral():
    doc = _doc(TITLE_ONLY_FIRST_ROW)
    (table,) = [t for t in doc.tables if t.layout == "ocr"]
    assert [(r.cells[0].text, r.status) for r in table.rows] == [
        ("I", "group"),
        ("1", "task"),
        ("", "task"),
        ("", "task"),
        ("2", "task"),
        ("II", "group"),
        ("1", "indicator+task"),
    ]
    assert [t.title for t in doc.tasks if t.parent_code == "1"] == [
        "Lập học bạ điện tử cho học sinh",
        "Trang bị phòng học trực tuyến",
    ]
