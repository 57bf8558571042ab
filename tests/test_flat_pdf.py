"""Borderless tables in a PDF text layer whose cells come in reading order (the flattened path).

The test builds the PDF itself: a task table whose cells wrap over several printed lines, laid out the
way a text export lists such a table (a row's cells one after the other, a short cell's tail sharing its
line with the next cell, or a row's first line holding the head of every cell), each line drawn on the
page, blank lines as extra spacing. The PDF reader joins the wrapped lines of a cell into one line; the
rows must still come out with their own lead agency, output and deadline.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from builders import TableItem, font_path, render_pdf

from pipeline.config import Limits
from pipeline.extract.flat_fragments import printed_lines
from pipeline.model import Line
from pipeline.normalize.fold import fold
from pipeline.readers import read_document
from pipeline.readers.page import TextLine, reflow
from pipeline.stages import STAGES

pytestmark = pytest.mark.slow

HEADER = ["STT Nội dung nhiệm vụ Sản phẩm đầu ra Cơ quan chủ", "trì Cơ quan phối hợp Thời hạn hoàn thành"]
# (number, task, output, lead, coordinating, deadline): every cell but the deadline wraps
ROWS = [
    (
        "1",
        "Lập danh mục cơ sở dữ liệu dùng chung của xã và phân quyền truy cập cho từng bộ phận",
        "Danh mục được phê duyệt và cập nhật mỗi quý",
        "Văn phòng HĐND và UBND",
        "Các phòng chuyên môn thuộc xã",
        "Quý III/2026",
    ),
    (
        "2",
        "Tổ chức lớp hướng dẫn ký số văn bản cho cán bộ, công chức và người hoạt động không chuyên trách",
        "Trên 90% văn bản đi được ký số",
        "Phòng Văn hóa - Xã hội",
        "Trung tâm Phục vụ hành chính công",
        "Tháng 9/2026",
    ),
    (
        "3",
        "Rà soát thiết bị mạng tại trụ sở và các điểm phục vụ người dân, đề xuất phương án thay thế",
        "Báo cáo rà soát kèm danh sách thiết bị cần thay",
        "Phòng Kinh tế",
        "Các doanh nghiệp viễn thông, Trưởng các ấp",
        "Quý IV/2026",
    ),
    (
        "4",
        "Hướng dẫn hộ kinh doanh tại chợ mở tài khoản và nhận thanh toán không dùng tiền mặt",
        "Số hộ kinh doanh có mã thanh toán được niêm yết",
        "Công an xã",
        "Ban Quản lý chợ, Hội Liên hiệp Phụ nữ xã",
        "Năm 2026",
    ),
    (
        "5",
        "Chuyển hệ thống quản lý hồ sơ công việc của xã lên phiên bản 3.0 và đào tạo người dùng",
        "Hồ sơ đất đai được số hóa và chia sẻ.",
        "Trung tâm Phục vụ hành chính công",
        "Công chức địa chính xã",
        "Quý I/2027",
    ),
    (  # every cell but the task fits on one line
        "6",
        "Cập nhật bản đồ số các điểm phát sóng và điểm truy cập internet công cộng",
        "Bản đồ số",
        "Phòng Kinh tế",
        "Công an xã",
        "Quý II/2026",
    ),
    (  # the task and the output wrap, the agencies and the deadline fit on one line
        "7",
        "Thiết lập kênh tiếp nhận phản ánh của người dân qua ứng dụng trên điện thoại",
        "Kênh phản ánh hoạt động và được công khai.",
        "Công an xã",
        "Phòng Kinh tế",
        "Quý III/2026",
    ),
]
WIDTHS = (30, 18, 14, 16, 14)  # characters per printed line in each column after the number


def _export(heads_together: set[str]) -> list[str]:
    """The table's lines in a text export's order; '' is a blank line.

    A row numbered in `heads_together` prints the head of every cell on its first line, the rest of
    each cell below it; the other rows list their cells one after another, the coordinating cell's
    last line carrying the deadline.
    """
    lines = ["KẾ HOẠCH", "Chuyển đổi số trong hoạt động của Ủy ban nhân dân xã năm 2026", "", "PHỤ LỤC", ""]
    lines += [*HEADER, ""]
    lines += ["I Nhóm nhiệm vụ hạ tầng và dữ liệu", ""]
    for number, *cells in ROWS:
        wrapped = [textwrap.wrap(text, width) for text, width in zip(cells, WIDTHS, strict=True)]
        if number in heads_together:
            lines.append(" ".join([number, *(w[0] for w in wrapped)]))
            for w in wrapped:
                if w[1:]:
                    lines += ["", *w[1:]]
            lines.append("")
            continue
        lines += [number, ""]
        for k, w in enumerate(wrapped[:-1]):
            if k == len(wrapped) - 2:
                w = [*w[:-1], f"{w[-1]} {wrapped[-1][0]}"]
            lines += [*w, ""]
    return [*lines, "Nơi nhận:", "- Như trên;", "- Lưu: VT."]


def _draw(path: Path, lines: list[str]) -> Path:
    """Each line drawn at the left margin of an A4 page; a blank line is half a line of extra space."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "Flat" not in pdfmetrics.getRegisteredFontNames():  # a name of its own: builders registers 'DejaVu'
        pdfmetrics.registerFont(TTFont("Flat", font_path()))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    y = 0.0
    for text in lines:
        if y < 50:
            if y:
                c.showPage()
            c.setFont("Flat", 9)
            y = 800.0
        if text:
            c.drawString(40, y, text)
            y -= 11.5
        else:
            y -= 5.75
    c.save()
    return path


def _tasks(path: Path):
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    return doc, {t.code: t for t in doc.tasks if t.source == "table"}


@pytest.fixture(scope="module", params=[frozenset(), frozenset({"6", "7"})], ids=["cell-by-cell", "heads-together"])
def read_back(request, tmp_path_factory):
    path = _draw(tmp_path_factory.mktemp("flatpdf") / "plan.pdf", _export(set(request.param)))
    return _tasks(path)


def test_the_reader_joined_the_wrapped_lines(read_back):
    """The premise: the PDF reader hands the flattened path whole cells, not printed lines."""
    doc, _tasks = read_back
    by_text = {fold(ln.text): ln for ln in doc.lines}
    for _number, name, *_ in ROWS[:5]:
        line = by_text[fold(name)]  # the task cell is one line, its printed lines recorded
        pieces = [line.text[a:b] for a, b in printed_lines(line, line.text)]
        assert pieces == textwrap.wrap(name, WIDTHS[0])


def _check_rows(tasks) -> None:
    assert sorted(tasks) == [r[0] for r in ROWS]
    for number, name, output, lead, coordinating, deadline in ROWS:
        task = tasks[number]
        assert fold(task.title) == fold(name)
        assert fold(task.output_raw or "") == fold(output)
        assert fold(task.lead_agency_raw or "") == fold(lead)
        assert fold(task.coordinating_raw or "") == fold(coordinating)
        assert task.deadline_raw == deadline


def test_every_row_keeps_its_own_cells(read_back):
    _check_rows(read_back[1])


def test_the_same_table_set_in_columns_gives_the_same_rows(tmp_path):
    """The usual borderless layout, each cell wrapped inside its column (a grid from word positions)."""
    header = ["STT", "Nội dung nhiệm vụ", "Sản phẩm đầu ra", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời hạn"]
    rows = [header, ["I", "Nhóm nhiệm vụ hạ tầng và dữ liệu", "", "", "", ""], *map(list, ROWS)]
    lines = _export(set())
    items = [*lines[:2], "PHỤ LỤC", TableItem([rows]), *lines[-3:]]
    doc, tasks = _tasks(render_pdf(tmp_path / "columns.pdf", items, ruled=False))
    assert [t.layout for t in doc.tables] == ["pdf-aligned"]
    _check_rows(tasks)


def test_rows_point_at_their_printed_lines(read_back):
    doc, tasks = read_back
    for number, name, *_ in ROWS:
        task = tasks[number]
        covered = fold(doc.text_between(task.line_start, task.line_end))
        assert fold(name).split()[-1] in covered.split() and task.page == doc.page_of(task.line_start)


# ---------------------------------------------------------------- the reader's joins
def _line(text: str, top: float, right: float = 300.0) -> TextLine:
    return TextLine(text, (40.0, top, right, top + 10.0), 0, 9.0)


def test_reflow_records_where_each_printed_line_began():
    lines = [_line("Hỗ trợ người dân cài đặt", 0), _line("ứng dụng trên điện thoại", 11), _line("thông minh.", 22, 100)]
    (joined,) = reflow(lines)
    assert joined.text == "Hỗ trợ người dân cài đặt ứng dụng trên điện thoại thông minh."
    assert joined.wraps == (6, 11)
    line = Line(1, joined.text, 1, joined.bbox, joined.wraps)
    text = joined.text
    assert [text[a:b] for a, b in printed_lines(line, text)] == [
        "Hỗ trợ người dân cài đặt",
        "ứng dụng trên điện thoại",
        "thông minh.",
    ]
    tail = text.split(" ", 2)[2]  # a row's text without its first words keeps the same printed lines
    assert [tail[a:b] for a, b in printed_lines(line, tail)][1:] == ["ứng dụng trên điện thoại", "thông minh."]


@pytest.mark.parametrize(
    ("second", "joins"),
    [
        ("12.5/2026/QĐ-UBND ngày 02/3/2026", True),  # a document number, not a list item '12.'
        ("3.0 của ngành", True),  # a version, not a sub-item
        ("2.1 Phát triển hạ tầng", False),
        ("3. Tổ chức thực hiện", False),
        ("- Các phòng, ban", False),
    ],
)
def test_reflow_tells_list_items_from_wrapped_numbers(second, joins):
    out = reflow([_line("Thực hiện theo Quyết định số", 0), _line(second, 11, 200)])
    assert (len(out) == 1) is joins
