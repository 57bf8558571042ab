"""Tasks from task tables (any column order or layout) and duties in 'Tổ chức thực hiện'."""

from __future__ import annotations

import re
from datetime import date

import pytest

from pipeline.extract.tables import classify_header
from pipeline.extract.tasks import extract_tasks, map_columns
from pipeline.model import Cell, Document, Line, Row, Table
from pipeline.normalize.agencies import agency_label, leading_agency, normalize_agency
from pipeline.normalize.fold import fold


def _doc(lines: list[str] | None = None) -> Document:
    doc = Document("t", "t.txt", "text", "0" * 64, 0)
    doc.lines = [Line(i + 1, t) for i, t in enumerate(lines or [])]
    doc.metadata.plan_year = 2026
    return doc


def _table(header: list[str], rows: list[list[str]], kind: str | None = None, start: int = 100) -> Table:
    built = []
    for i, texts in enumerate(rows):
        n = start + 1 + i
        built.append(Row([Cell(t, n, n) for t in texts], n, n, raw="\t".join(texts)))
    return Table(0, header, built, start, start + len(rows), kind=kind or classify_header(header), label="Phụ lục")


HEADER_9 = [
    "TT",
    "Tên nhiệm vụ",
    "Người đứng đầu chịu trách nhiệm",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Kết quả",
    "Thời gian hoàn thành",
    "Thẩm quyền triển khai/ ban hành",
    "Ghi chú",
]
HEADER_7 = [
    "Mã Nhiệm vụ Tổng quát (1)",
    "Tiểu Nhiệm vụ (Con) (Rõ Việc) (2)",
    "Sản phẩm Đầu ra Bắt buộc (Rõ Kết quả) (3)",
    "KPI Đo lường Hiệu quả (Định lượng) (4)",
    "Đơn vị Chủ trì (Rõ người) (5)",
    "Đơn vị phối hợp (6)",
    "Thời hạn Hoàn thành (Rõ Thời gian) (7)",
]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            HEADER_9,
            {
                "code": 0,
                "title": 1,
                "responsible": 2,
                "lead": 3,
                "coordinating": 4,
                "output": 5,
                "deadline": 6,
                "authority": 7,
                "note": 8,
            },
        ),
        (
            ["Thời gian hoàn thành", "Đơn vị phối hợp", "Đơn vị chủ trì", "Nội dung công việc", "STT"],
            {"deadline": 0, "coordinating": 1, "lead": 2, "title": 3, "code": 4},
        ),
        (HEADER_7, {"title": 0, "subtask": 1, "output": 2, "kpi": 3, "lead": 4, "coordinating": 5, "deadline": 6}),
        (
            ["STT", "Muc tiéu, Chi tiéu", "Co quan chu tri", "Co quan phéi hop"],  # OCR, no diacritics
            {"code": 0, "title": 1, "lead": 2, "coordinating": 3},
        ),
    ],
)
def test_columns_are_mapped_by_their_titles(header, expected):
    assert map_columns(_table(header, [[""] * len(header)])) == expected


def test_unreadable_deadline_title_is_recognised_by_its_cells():
    header = ["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thoi lglig:: thye"]
    rows = [["1", "Việc A", "Công an xã", "Thuong xuyén"], ["2", "Việc B", "Phòng Kinh tế", "Quý II/2026"]]
    assert map_columns(_table(header, rows))["deadline"] == 3


def test_nine_column_table_groups_tasks_and_deadlines():
    rows = [
        ["I", "Nâng cao nhận thức", "", "", "", "", "", "", ""],
        [
            "1.",
            "Việc một",
            "Trưởng phòng",
            "Phòng VH-XH",
            "Trạm Y tế, Công an xã",
            "Báo cáo",
            "Quý II/2026",
            "UBND xã",
            "",
        ],
        ["2.", "Việc hai", "", "Phòng Kinh tế", "", "", "Hằng năm", "", "ghi chú"],
        ["II", "Hạ tầng", "", "", "", "", "", "", ""],
        ["3.", "Việc ba", "", "Ban Quản lý Dự án Xyz", "", "", "chưa xác định", "", ""],
        ["", "", "", "", "", "", "", "", ""],
    ]
    doc = _doc()
    table = _table(HEADER_9, rows)
    doc.tables = [table]
    extract_tasks(doc)
    tasks = [t for t in doc.tasks if t.source == "table"]
    assert [t.code for t in tasks] == ["1", "2", "3"]
    assert [t.group for t in tasks] == ["I Nâng cao nhận thức", "I Nâng cao nhận thức", "II Hạ tầng"]
    first = tasks[0]
    assert first.lead_agency == "Phòng Văn hóa - Xã hội" and first.lead_agency_raw == "Phòng VH-XH"
    assert first.coordinating_agencies == ["Trạm Y tế xã", "Công an xã"]
    assert (first.deadline_start, first.deadline_end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert (
        first.output_raw == "Báo cáo" and first.authority_raw == "UBND xã" and first.responsible_raw == "Trưởng phòng"
    )
    assert tasks[1].recurrence == "annual" and tasks[1].note_raw == "ghi chú"
    assert tasks[2].lead_agency == "Ban Quản lý Dự án Xyz"  # unknown: kept raw
    assert tasks[2].deadline_raw == "chưa xác định" and tasks[2].deadline_end is None
    assert [r.status for r in table.rows] == ["group", "task", "task", "group", "task", "diagnostic"]
    unparsed = [d for d in doc.diagnostics if d.code == "unparsed_deadline"]
    assert [(d.raw_text, d.line_start) for d in unparsed] == [("chưa xác định", table.rows[4].line_start)]
    unknown = [d for d in doc.diagnostics if d.code == "unknown_agency"]
    assert len(unknown) == 1 and "Ban Quản lý Dự án Xyz (1)" in unknown[0].raw_text


def test_unknown_agencies_are_reported_once_with_counts():
    rows = [[str(i), f"Việc {i}", "Hợp tác xã Bình Minh", "Quý I/2026"] for i in range(1, 4)]
    doc = _doc()
    doc.tables = [_table(["STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"], rows)]
    extract_tasks(doc)
    unknown = [d for d in doc.diagnostics if d.code == "unknown_agency"]
    assert len(unknown) == 1 and unknown[0].severity == "info"
    assert "Hợp tác xã Bình Minh (3)" in unknown[0].raw_text


def test_general_task_with_sub_tasks():
    rows = [
        ["I. HOÀN THIỆN THỂ CHẾ", "", "", "", "", "", ""],
        [
            "1. Xây dựng chương trình đột phá",
            "Xây dựng chương trình đột phá",
            "Kế hoạch",
            "100%",
            "Phòng VH-XH",
            "",
            "Đã thực hiện",
        ],
        [
            "2. Triển khai đề án dữ liệu",
            "Làm sạch dữ liệu",
            "CSDL",
            "",
            "Công an xã",
            "Các cơ quan, đơn vị",
            "Quý I,II/2026",
        ],
        ["", "Tham mưu công dân số", "Văn bản", "", "Công an xã", "", "Quý II/2026"],
    ]
    doc = _doc()
    doc.tables = [_table(HEADER_7, rows, kind="task")]
    extract_tasks(doc)
    got = [(t.code, t.parent_code, t.title, t.lead_agency) for t in doc.tasks]
    assert got == [
        ("1", None, "Xây dựng chương trình đột phá", "Phòng Văn hóa - Xã hội"),  # one row: same text
        ("2", None, "Triển khai đề án dữ liệu", None),
        (None, "2", "Làm sạch dữ liệu", "Công an xã"),
        (None, "2", "Tham mưu công dân số", "Công an xã"),
    ]
    assert doc.tasks[0].deadline_condition == "Đã thực hiện" and doc.tasks[0].kpi_raw == "100%"
    assert doc.tasks[0].group == "I HOÀN THIỆN THỂ CHẾ"


def test_mixed_tables():
    # an indicator table with only a lead column assigns follow-up, not work: no tasks
    plain = _table(
        ["STT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Cơ quan chủ trì"],
        [["1", "Tỷ lệ phủ sóng 5G", "%", "≥ 60%", "Phòng VH-XH"]],
        kind="mixed",
    )
    assigned = _table(
        ["STT", "Mục tiêu, Chỉ tiêu", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"],
        [["1", "100% hồ sơ được số hóa", "Trung tâm PVHCC", "Phòng VH-XH", "Thường xuyên"]],
        kind="mixed",
    )
    assigned.rows[0].status = "indicator"
    doc = _doc()
    doc.tables = [plain, assigned]
    extract_tasks(doc)
    assert [t.title for t in doc.tasks] == ["100% hồ sơ được số hóa"]
    assert assigned.rows[0].status == "indicator+task" and plain.rows[0].status is None


# ------------------------------------------------------------------ prose duties

PROSE = """V. TỔ CHỨC THỰC HIỆN
1. Kế hoạch này thay thế Kế hoạch số 1/KH-UBND của Ủy ban nhân dân xã.
2. Phòng Văn hóa - Xã hội
- Chủ trì tham mưu triển khai Kế hoạch; định kỳ báo cáo trước ngày 20 hằng tháng.
- Phối hợp với Công an xã, Trạm Y tế tổ chức tuyên truyền cho
người dân trên địa bàn.
+ Sử dụng VNeID.
3. Văn phòng HĐND và UBND xã
Là đầu mối theo dõi, đôn đốc việc thực hiện trên

toàn địa bàn xã.
Tham mưu ứng dụng chữ ký số, hoàn thành trước ngày 31/3/2026.
4. Phong Kinh té tham muu UBND xa bo tri kinh phi thuc hien Ke hoach.
5. Tổ công nghệ số cộng đồng và Các trường học
- Tổ công nghệ số cộng đồng: Hướng dẫn người dân.
- Các trường học trên địa bàn: Dạy kỹ năng số.
VI. KINH PHÍ
- Không phải một nhiệm vụ.
"""


def test_prose_duties_one_task_per_bullet_or_paragraph():
    from pipeline.extract.headings import find_headings

    doc = _doc(PROSE.splitlines())
    find_headings(doc)
    extract_tasks(doc)
    got = [(t.lead_agency, t.title) for t in doc.tasks]
    assert got == [
        ("Phòng Văn hóa - Xã hội", "Chủ trì tham mưu triển khai Kế hoạch; định kỳ báo cáo trước ngày 20 hằng tháng."),
        (
            "Phòng Văn hóa - Xã hội",
            "Phối hợp với Công an xã, Trạm Y tế tổ chức tuyên truyền cho người dân trên địa bàn. Sử dụng VNeID.",
        ),
        ("Văn phòng HĐND và UBND", "Là đầu mối theo dõi, đôn đốc việc thực hiện trên toàn địa bàn xã."),
        ("Văn phòng HĐND và UBND", "Tham mưu ứng dụng chữ ký số, hoàn thành trước ngày 31/3/2026."),
        ("Phòng Kinh tế", "Phong Kinh té tham muu UBND xa bo tri kinh phi thuc hien Ke hoach."),
        ("Tổ công nghệ số cộng đồng", "Hướng dẫn người dân."),
        ("Các trường học trên địa bàn xã", "Dạy kỹ năng số."),
    ]
    assert all(t.source == "prose" for t in doc.tasks)
    assert doc.tasks[0].recurrence == "monthly"
    assert doc.tasks[1].coordinating_agencies == ["Công an xã", "Trạm Y tế xã"]
    assert (doc.tasks[1].line_start, doc.tasks[1].line_end) == (5, 7)
    assert doc.tasks[3].deadline_end == date(2026, 3, 31)


UNNUMBERED = """IV. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị căn cứ nội dung Kế hoạch triển khai; báo cáo kết quả về Văn phòng
HĐND và UBND xã.
Giao Công chức Tư pháp - Hộ tịch chủ trì rà soát thủ tục, hoàn thành trước
ngày 30/6/2026.
Trạm Y tế xã là đầu mối hướng dẫn người dân đặt lịch khám qua ứng dụng.
1. Giao công chức văn phòng - thống kê tổng hợp, báo cáo kết quả trước ngày 05/12/2026.
TM. ỦY BAN NHÂN DÂN
"""


def test_unnumbered_and_assigned_duties_are_tasks_of_the_body_they_name():
    """'Giao X …' and 'X là đầu mối …' assign work to X, numbered or not; a sentence addressed to every
    body, and its wrapped second line, assign nothing to one body."""
    from pipeline.extract.headings import find_headings

    doc = _doc(UNNUMBERED.splitlines())
    find_headings(doc)
    extract_tasks(doc)
    got = [(t.lead_agency, t.line_start, t.line_end) for t in doc.tasks]
    assert got == [
        ("Công chức Tư pháp - Hộ tịch", 4, 5),
        ("Trạm Y tế xã", 6, 6),
        ("Công chức Văn phòng - Thống kê", 7, 7),
    ]
    assert doc.tasks[0].deadline_end == date(2026, 6, 30)
    assert doc.tasks[2].group.startswith("1. Giao")


def test_document_lines_are_found_by_number_across_gaps():
    doc = _doc(["a", "b", "c"])
    doc.lines = [doc.lines[0], Line(5, "e"), Line(9, "i")]  # rows rebuilt from cell-per-line blocks
    assert [doc.line(n).text if doc.line(n) else None for n in (1, 2, 5, 9, 10)] == ["a", None, "e", "i", None]


# ------------------------------------------------------------------ seeds


def _task_tables(doc):
    return [t for t in doc.tables if t.kind in ("task", "mixed") and t.layout == "tsv"]


def test_seed_000_appendix_tasks_have_group_and_lead(seed_docs):
    doc = seed_docs["000"]
    (table,) = _task_tables(doc)
    numbered = [r for r in table.rows if re.fullmatch(r"\d+\.?", r.cells[0].text)]
    tasks = [t for t in doc.tasks if t.source == "table"]
    assert [t.code for t in tasks] == [r.cells[0].text.rstrip(".") for r in numbered]
    for task in tasks:
        assert task.group and re.match(r"^[IVX]+ \S", task.group)
        assert task.lead_agency and normalize_agency(task.lead_agency) == task.lead_agency
        assert task.table_label == table.label
    assert all(r.status in ("group", "task") for r in table.rows)


def test_seed_000_task_split_over_a_page_break_is_one_task(seed_docs):
    doc = seed_docs["000"]
    (table,) = _task_tables(doc)
    split_rows = [r for r in table.rows if r.line_end > r.line_start]
    assert split_rows, "the seed has rows cut by a page break"
    for row in split_rows:
        matching = [t for t in doc.tasks if t.source == "table" and t.line_start == row.line_start]
        assert len(matching) == 1
        task = matching[0]
        assert task.line_end == row.line_end
        tail = doc.lines[row.line_end - 1].text.split("\t")[1].strip()
        assert task.title.endswith(tail)


def test_seed_001_unnumbered_sub_rows_belong_to_the_task_above(seed_docs):
    doc = seed_docs["001"]
    tables = _task_tables(doc)
    checked = 0
    for table in tables:
        parent = None
        expected: dict[str, list[int]] = {}
        for row in table.rows:
            code = re.sub(r"<[^>]+>", "", row.cells[0].text).strip().rstrip(".")
            if re.fullmatch(r"\d+", code):
                parent = code
            elif not code and parent and any(c.text for c in row.cells[1:]):
                expected.setdefault(parent, []).append(row.line_start)
        for parent_code, lines in expected.items():
            got = [t.line_start for t in doc.tasks if t.parent_code == parent_code and t.table_label == table.label]
            assert got == lines
            assert all(t.code is None for t in doc.tasks if t.parent_code == parent_code)
            checked += len(lines)
    assert checked >= 5  # Phụ lục 4 row 24 has five sub-rows, one of them a '- ' bullet


def test_seed_tables_leave_no_row_without_status(seed_docs):
    for doc in seed_docs.values():
        for table in doc.tables:
            if table.kind == "task":
                assert all(r.status for r in table.rows), (doc.source_file, table.label)


def test_seed_prose_duties_take_the_lead_from_their_sub_heading(seed_docs):
    for key in ("000", "002", "003", "004"):
        prose = [t for t in seed_docs[key].tasks if t.source == "prose"]
        assert prose, key
        for task in prose:
            heading = re.sub(r"^\d+\.\s*", "", task.group)
            own = agency_label(task.title_raw.split(":")[0])  # '- Các trường học…: …' names its own lead
            # a collective keeps its printed words (restored for OCR text), so compare folded
            assert fold(task.lead_agency) in {fold(a) for a in (leading_agency(heading), own) if a}
            assert fold(task.table_label).startswith(("v", "iv"))


def test_seed_000_one_prose_task_per_bullet(seed_docs):
    doc = seed_docs["000"]
    start = next(h for h in doc.headings if fold(h.title).startswith("to chuc thuc hien"))
    end = next(h for h in doc.headings if h.line > start.line and h.level <= start.level)
    bullets = [ln.no for ln in doc.lines if start.line < ln.no < end.line and ln.text.startswith("- ")]
    assert [t.line_start for t in doc.tasks if t.source == "prose"] == bullets
