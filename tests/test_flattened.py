"""Tables rebuilt from reading-order PDF text (002, 004) and OCR text (003)."""

from __future__ import annotations

import re

import pytest
from conftest import seed

from pipeline.extract.flat_columns import Scorer
from pipeline.extract.flat_fragments import Chunk, context, open_words, starts_as
from pipeline.extract.tables import find_tables
from pipeline.model import Document, Row, Table
from pipeline.normalize.agencies import normalize_agency
from pipeline.normalize.agency_lists import split_agencies
from pipeline.normalize.deadlines import parse_deadline
from pipeline.normalize.fold import fold, strip_diacritics
from pipeline.readers.text import read_lines


def _doc(text: str) -> Document:
    doc = Document(doc_id="t", source_file="t.txt", format="text", sha256="", size_bytes=len(text))
    doc.lines = read_lines(text)
    find_tables(doc)
    return doc


def _flat(doc: Document, layout: str = "flattened") -> list[Table]:
    return [t for t in doc.tables if t.layout == layout]


def _is_group(row: Row) -> bool:
    texts = row.texts()
    return bool(re.fullmatch(r"[IVX]{1,5}", texts[0])) and not any(texts[2:])


def _col(table: Table, *keys: str) -> int:
    """Index of the first column whose folded title starts with one of the keys."""
    return next(i for i, h in enumerate(table.header) if fold(h).startswith(keys))


def _indicator_table(doc: Document) -> Table:
    return next(t for t in doc.tables if t.layout == "flattened" and t.kind == "indicator")


def _task_table(doc: Document) -> Table:
    return next(t for t in doc.tables if t.layout == "flattened" and t.kind == "task")


# ---------------------------------------------------------------- seeds
def test_004_indicator_rows_match_declared_counts(seed_docs):
    table = _indicator_table(seed_docs["004"])
    declared = re.search(r"(\d+)\s+chi tieu", fold(" ".join(table.header)))
    assert declared, table.header
    rows = [r for r in table.rows if not _is_group(r)]
    assert len(rows) == int(declared.group(1))
    groups: list[tuple[int, int]] = []  # (declared, counted)
    for row in table.rows:
        if _is_group(row):
            m = re.search(r"\((\d+)\)", row.cells[1].text)
            assert m, row.cells[1].text
            groups.append((int(m.group(1)), 0))
        else:
            groups[-1] = (groups[-1][0], groups[-1][1] + 1)
    assert len(groups) >= 3
    assert all(d == c for d, c in groups), groups


@pytest.mark.parametrize("key", ["002", "004"])
def test_every_row_has_a_name_and_provenance(seed_docs, key):
    doc = seed_docs[key]
    tables = _flat(doc)
    assert len(tables) >= 2
    for table in tables:
        assert table.line_start <= table.rows[0].line_start <= table.rows[-1].line_end <= table.line_end
        for row in table.rows:
            # a sub-row (no number of its own) under a general task names its sub-task instead
            assert row.cells[1].text or (not row.cells[0].text and row.cells[2].text), row.raw
            assert row.raw and row.raw.splitlines()[0].strip()
            for cell in row.cells:
                if cell.text:
                    assert row.line_start <= cell.line_start <= cell.line_end <= row.line_end


def test_002_indicator_units_and_targets_look_like_units_and_targets(seed_docs):
    table = _indicator_table(seed_docs["002"])
    unit, target = _col(table, "don vi tinh"), _col(table, "chi tieu phan dau", "ket qua")
    agency = _col(table, "bo phan chu tri", "don vi chu tri")
    rows = [r for r in table.rows if not _is_group(r)]
    assert len(rows) >= 10
    for row in rows:
        cells = row.texts()
        assert starts_as("target", cells[target]), cells
        assert not cells[unit] or starts_as("unit", cells[unit]), cells
        assert starts_as("agency", cells[agency]), cells


def test_004_task_rows_have_lead_and_deadline(seed_docs):
    table = _task_table(seed_docs["004"])
    lead, deadline = _col(table, "don vi chu tri"), _col(table, "thoi han", "thoi gian")
    rows = [r for r in table.rows if not _is_group(r)]
    assert len(rows) >= 20
    for row in rows:
        cells = row.texts()
        assert starts_as("deadline", cells[deadline]), cells
        assert starts_as("agency", cells[lead]), cells


def test_004_row_continued_after_repeated_header_is_merged(seed_docs):
    doc = seed_docs["004"]
    table = _task_table(doc)
    header_key = fold(table.header[1])
    repeats = [ln.no for ln in doc.lines if fold(ln.text) == header_key and table.line_start < ln.no <= table.line_end]
    assert repeats
    spanning = [r for r in table.rows if any(r.line_start < n < r.line_end for n in repeats)]
    assert spanning
    for row in spanning:
        assert all(header_key not in fold(c.text) for c in row.cells)
        assert any(c.line_end > min(n for n in repeats if n > row.line_start) for c in row.cells[1:])
    assert any(d.code == "header_repeat" for d in doc.diagnostics)


def test_tables_end_at_the_next_heading(seed_docs):
    doc = seed_docs["002"]
    table = _indicator_table(doc)
    after = next(ln for ln in doc.lines if ln.no > table.line_end and ln.text.strip())
    assert any(h.line == after.no and h.kind == "roman" for h in doc.headings)


def test_003_ocr_table_groups_and_diagnostics(seed_docs):
    doc = seed_docs["003"]
    tables = _flat(doc, "ocr")
    assert len(tables) == 1
    table = tables[0]
    assert table.kind == "mixed"
    assert [r.cells[0].text for r in table.rows if _is_group(r)] == ["I", "II", "III"]
    numbered = [r for r in table.rows if not _is_group(r) and r.cells[0].text]
    assert len(numbered) >= 8
    deadline = _col(table, "thoi gian")
    assert sum(bool(r.cells[deadline].text) for r in table.rows) >= 10
    unplaced = [d for d in doc.diagnostics if d.code == "unplaced_fragment"]
    assert unplaced and all(d.raw_text and d.line_start for d in unplaced)


def _structure(doc: Document) -> list[tuple]:
    return [
        (t.layout, t.kind, t.line_start, t.line_end, tuple((r.line_start, r.line_end, r.cells[0].text) for r in t.rows))
        for t in doc.tables
    ]


@pytest.mark.parametrize("key", ["002", "004"])
def test_same_rows_without_diacritics(seed_docs, key):
    text = seed(key).read_text(encoding="utf-8")
    stripped = _doc("\n".join(strip_diacritics(line) for line in text.splitlines()))
    assert _structure(stripped) == _structure(seed_docs[key])
    cells = [[bool(c.text) for c in r.cells] for t in stripped.tables for r in t.rows]
    assert cells == [[bool(c.text) for c in r.cells] for t in seed_docs[key].tables for r in t.rows]


def test_004_cells_stay_in_their_columns(seed_docs):
    table = _task_table(seed_docs["004"])
    output = _col(table, "san pham")
    for row in table.rows:
        cells = row.texts()
        # the general task's words never spill over into the output column
        assert not cells[output] or fold(cells[output]) != fold(cells[1]), cells
        for text in cells[1:]:  # a cell never stops on 'các', 'của', 'và': the next line goes on with it
            assert not text or fold(text).split()[-1] not in open_words(), cells


@pytest.mark.parametrize(("previous", "fits"), [("của tỉnh như điều…) của tỉnh", False), ("của tỉnh", True)])
def test_capitalised_line_continues_a_full_line(previous, fits):
    prev = Chunk(previous, 1, True, False, line_len=len(previous))
    line = Chunk("Lâm Đồng trên địa bàn xã", 2, True, False, line_len=24)
    x = context([prev, line], 1, False)
    conts = Scorer._wrap_widths(prev, line, x, [-0.7], [30.0], {1: 1, 2: 1})
    assert (conts == [-0.7]) is fits


def test_two_fragments_wider_than_the_column_are_not_both_its_own():
    prev = Chunk("tỉnh trên địa bàn xã", 1, True, False, line_len=57)
    nxt = Chunk("Văn bản triển khai", 1, False, False, line_len=57, offset=21)
    x = context([prev, nxt], 1, False)
    assert Scorer._wrap_widths(prev, nxt, x, [0.0, 0.0], [18.0, 40.0], {1: 2}) == [-1.5, 0.0]


def test_a_joined_line_of_free_text_is_not_split_by_the_column_width():
    """A PDF reader joins a cell's wrapped lines into one line far wider than the column: the width cannot
    place its fragments. A line as wide with a typed cell (an agency) holds several columns: it can."""
    prev = Chunk("Tổ chức lớp tập huấn kỹ năng số", 1, True, False, line_len=120)
    nxt = Chunk("Người dân cao tuổi được hướng dẫn cài ứng dụng", 1, False, False, line_len=120, offset=32)
    x = context([prev, nxt], 1, False)
    assert Scorer._wrap_widths(prev, nxt, x, [0.0, 0.0], [30.0, 40.0], {1: 2}, {1}) == [0.0, 0.0]
    assert Scorer._wrap_widths(prev, nxt, x, [0.0, 0.0], [30.0, 40.0], {1: 2}, set()) == [-1.5, -1.5]
    assert Scorer._wrap_widths(prev, nxt, x, [0.0, 0.0], [30.0, 60.0], {1: 2}, {1}) == [0.0, -1.5]


# ---------------------------------------------------------------- synthetic
SYNTHETIC_INDICATORS = """\
2. Chỉ tiêu cụ thể

TT Tên chỉ tiêu năm 2027

Đơn vị
tính

Chỉ tiêu
phấn đấu

Cơ quan chủ trì
theo dõi

I Về kinh tế số (2)

1 Tỷ lệ hộ kinh doanh sử dụng thanh toán
không dùng tiền mặt % ≥ 75% Phòng
Kinh tế

2
Số mô hình nông nghiệp thông minh
được triển khai trên địa bàn phường

Mô
hình

Có/ ≥ 02
Phòng Kinh tế

II Về xã hội số (1)

1 Tỷ lệ người dân có chữ ký số cá nhân % 40% Công an phường

III. TỔ CHỨC THỰC HIỆN
1. Công an phường chủ trì.
"""

SYNTHETIC_TASKS = """\
PHỤ LỤC II

STT Nội dung nhiệm vụ Sản phẩm Đơn vị chủ trì Đơn vị phối hợp Thời gian

I Nhóm nhiệm vụ về dữ liệu

1
Số hóa sổ hộ tịch
còn lưu trữ tại
phường.

Dữ liệu hộ tịch
được số hóa.

Văn phòng
HĐND và UBND

Công an phường Quý III/2027

2
Rà soát thủ tục
hành chính nội bộ.

Báo cáo rà soát.

Trung tâm Phục vụ
hành chính công

Các phòng chuyên môn Thường xuyên

Nơi nhận:
- Như trên;
"""


def test_synthetic_indicator_table():
    doc = _doc(SYNTHETIC_INDICATORS)
    (table,) = _flat(doc)
    assert table.kind == "indicator"
    assert [r.cells[0].text for r in table.rows] == ["I", "1", "2", "II", "1"]
    rows = {(r.cells[0].text, r.line_start): r.texts() for r in table.rows}
    by_code = [t for (code, _), t in sorted(rows.items(), key=lambda kv: kv[0][1]) if code != "I" and code != "II"]
    assert by_code[0][1:] == [
        "Tỷ lệ hộ kinh doanh sử dụng thanh toán không dùng tiền mặt",
        "%",
        "≥ 75%",
        "Phòng Kinh tế",
    ]
    assert by_code[1][1:] == [
        "Số mô hình nông nghiệp thông minh được triển khai trên địa bàn phường",
        "Mô hình",
        "Có/ ≥ 02",
        "Phòng Kinh tế",
    ]
    assert by_code[2][1:] == ["Tỷ lệ người dân có chữ ký số cá nhân", "%", "40%", "Công an phường"]
    assert "TỔ CHỨC" not in " ".join(r.raw for r in table.rows)


def test_synthetic_task_table_in_other_order():
    doc = _doc(SYNTHETIC_TASKS)
    (table,) = _flat(doc)
    assert table.kind == "task"
    rows = [r.texts() for r in table.rows if not _is_group(r)]
    assert rows == [
        [
            "1",
            "Số hóa sổ hộ tịch còn lưu trữ tại phường.",
            "Dữ liệu hộ tịch được số hóa.",
            "Văn phòng HĐND và UBND",
            "Công an phường",
            "Quý III/2027",
        ],
        [
            "2",
            "Rà soát thủ tục hành chính nội bộ.",
            "Báo cáo rà soát.",
            "Trung tâm Phục vụ hành chính công",
            "Các phòng chuyên môn",
            "Thường xuyên",
        ],
    ]
    assert table.line_end < next(ln.no for ln in doc.lines if ln.text.startswith("Nơi nhận"))


def test_synthetic_tables_without_diacritics_keep_their_cells():
    plain = _doc("\n".join(strip_diacritics(line) for line in SYNTHETIC_TASKS.splitlines()))
    (table,) = _flat(plain)
    rows = [r.texts() for r in table.rows if not _is_group(r)]
    assert [r[0] for r in rows] == ["1", "2"]
    assert rows[0][3:] == ["Van phong HDND va UBND", "Cong an phuong", "Quy III/2027"]
    assert rows[1][5] == "Thuong xuyen"


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("target", "≥ 60%", True),
        ("target", ">= 60%", True),
        ("target", "15-17%", True),
        ("target", "Có/ ≥ 01", True),
        ("target", "Đạt theo hướng dẫn", True),
        ("target", "Phòng Kinh tế", False),
        ("unit", "%", True),
        ("unit", "Chỉ số", True),
        ("unit", "Sáng kiến", True),
        ("unit", "Tỷ lệ hồ sơ", False),
        ("agency", "Phòng VH-XH", True),
        ("agency", "Các cơ quan, đơn vị", True),
        ("agency", "Tổ chức bồi dưỡng", False),
        ("agency", "Cong an xa", True),
        ("deadline", "Quý IV/2026", True),
        ("deadline", "Thuong xuyen", True),
        ("deadline", "Hoàn thành trước 31/12/2026", True),
        ("deadline", "Năm học 2025-2026", True),
        ("deadline", "Đã thực hiện", True),
        ("deadline", "Tháng 4/2026", True),
        ("deadline", "Triển khai kịp thời", False),
    ],
)
def test_cell_start_vocabulary(kind, text, expected):
    assert starts_as(kind, text) is expected


# A scan read line by line: cells vertically centred (the lead's first words above the number line),
# a row number lost or read after its first line, a name cut over two lines, debris, no diacritics.
SYNTHETIC_OCR = """KE HOACH

STT Muc tieu, Chi tieu Co quan chu tri Co quan phoi hop Thoi gian thuc hien
I | Ha tang so
Trung tam Dich vu
1 | 100% thon co song di dong tong hop xa | Cong an xa Thuong xuyén
> 90% ho gia dinh co Internet Phong Van hoa - | Cac don vi lién quan
2 < % . Thudng xuyén
cap quang Xa hoi
II | Kinh te so
1 | Ho tro ho kinh doanh ban hang truc tuyen Phong Kinh té | Ngan hang Quy II/2027
0 4 ¥ \\ A

Noi nhan:
"""


def test_synthetic_ocr_table_reads_cut_names_and_lost_numbers():
    doc = _doc(SYNTHETIC_OCR)
    (table,) = _flat(doc, "ocr")
    rows = [r.texts() for r in table.rows if not _is_group(r)]
    assert [r[0] for r in rows] == ["1", "2", "1"]
    assert [r[1].split()[:2] for r in rows] == [["100%", "thon"], [">", "90%"], ["Ho", "tro"]]
    assert "cap quang" in rows[1][1]
    leads = [normalize_agency(r[2]) for r in rows]
    assert leads == ["Trung tâm Dịch vụ tổng hợp", "Phòng Văn hóa - Xã hội", "Phòng Kinh tế"]
    assert [normalize_agency(r[3]) for r in rows] == [
        "Công an xã",
        "Các cơ quan, đơn vị liên quan",
        "Các tổ chức tín dụng",
    ]
    assert [parse_deadline(r[4]).recurrence for r in rows[:2]] == ["ongoing", "ongoing"]
    assert rows[2][4] == "Quy II/2027"
    unplaced = " ".join(d.raw_text for d in doc.diagnostics if d.code == "unplaced_fragment")
    assert "¥" in unplaced  # debris is reported, not dropped


SYNTHETIC_CUT_NAMES = """KẾ HOẠCH

STT Nội dung nhiệm vụ Sản phẩm/Kết quả đầu ra Đơn vị chủ trì Đơn vị phối hợp Thời gian hoàn thành

I Nhóm nhiệm vụ dữ liệu

1
Rà soát dữ liệu dân cư.
Báo cáo.
Công an xã
Trạm Y tế Quý I/2027
2 Cập nhật dữ liệu đất đai Dữ liệu Ủy ban Mặt trận Các doanh nghiệp Quý II/2027

trên địa bàn xã.

được cập nhật.

Tổ quốc viễn thông, Trưởng các ấp

Nơi nhận:
"""


def test_names_cut_by_the_wrap_are_completed_from_the_lines_below():
    doc = _doc(SYNTHETIC_CUT_NAMES)
    (table,) = _flat(doc)
    row = next(r for r in table.rows if r.cells[0].text == "2")
    lead, coord = row.cells[_col(table, "don vi chu tri")].text, row.cells[_col(table, "don vi phoi hop")].text
    assert normalize_agency(lead) == "Ủy ban Mặt trận Tổ quốc Việt Nam xã"
    assert [normalize_agency(n) for n in split_agencies(coord)] == ["Doanh nghiệp viễn thông", "Trưởng ấp"]


def test_002_lead_completed_from_the_line_below(seed_docs):
    doc = seed_docs["002"]
    task = next(t for t in doc.tasks if t.source == "table" and "5G" in t.title and t.deadline_raw == "Quý IV/2026")
    assert task.lead_agency == "Phòng Văn hóa - Xã hội"
    assert "Doanh nghiệp viễn thông" in task.coordinating_agencies


def test_003_ocr_rows_have_leads_and_deadlines(seed_docs):
    doc = seed_docs["003"]
    tasks = [t for t in doc.tasks if t.source == "table"]
    assert len(tasks) == 17
    leads = [t.lead_agency for t in tasks]
    assert leads.count("Trung tâm Phục vụ hành chính công") >= 4 and leads.count("Phòng Kinh tế") >= 4
    assert leads.count("Phòng Văn hóa - Xã hội") >= 4
    assert all(t.recurrence == "ongoing" or t.deadline_start for t in tasks)
    assert not any(fold(t.title).startswith("noi nhan") for t in doc.tasks)  # the distribution list is no duty
