"""Same tables, other layouts: Word tables with merged cells and PDFs without rules give the plain rows.

The five plans' tables (the tab-separated rows of a text export, else the gold table rows) are
written as DOCX twice (tests/builders.py): plainly (group rows, one header row) and as many Word
plans lay them out (the group title in a first column merged down over its rows; a parent header
cell over two columns with the others merged down); and as PDF with and without ruling lines, the
unruled cells vertically centred. Indicator and task rows must be the same. Tables of our own
check the unruled cases exactly: cells centred over multi-line neighbours, and a row cut by a page
break right under the header, with or without the header repeated.
"""

from __future__ import annotations

import pytest
from builders import render_docx, render_docx_merged, seed_tables
from scan_builders import gold_tables
from twins import f1
from twins import twin_rows as rows

from pipeline.config import Limits
from pipeline.readers import read_document

PLANS = ["000", "001", "002", "003", "004"]


def tables(prefix: str):
    return seed_tables(prefix) or gold_tables(prefix)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plain")
    return {p: rows(render_docx(folder / f"{p}.docx", tables(p))) for p in PLANS}


@pytest.mark.parametrize("group_column,two_rows", [(True, False), (False, True), (True, True)])
@pytest.mark.parametrize("prefix", PLANS)
def test_merged_docx_gives_the_plain_rows(tmp_path, plain, prefix, group_column, two_rows):
    tasks, indicators = plain[prefix]
    assert tasks and indicators
    path = render_docx_merged(tmp_path / "merged.docx", tables(prefix), group_column, two_rows)
    got_tasks, got_indicators = rows(path)
    assert f1(tasks, got_tasks) >= 0.97 and f1(indicators, got_indicators) >= 0.97


def test_two_row_header_is_one_header(tmp_path):
    from pipeline.readers.docx_merges import Slot, flatten

    band = [
        [Slot("TT", "restart"), Slot("Cơ quan", "", 2), Slot("", "span"), Slot("Thời gian", "restart")],
        [Slot("TT", "continue"), Slot("chủ trì"), Slot("phối hợp"), Slot("Thời gian", "continue")],
        [Slot("1"), Slot("Phòng A"), Slot("Phòng B"), Slot("Quý I")],
    ]
    assert flatten(band) == [
        (["TT", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"], 0),
        (["1", "Phòng A", "Phòng B", "Quý I"], 2),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("prefix", PLANS)
def test_borderless_pdf_with_centred_cells_gives_the_ruled_rows(tmp_path, prefix):
    from builders import render_pdf

    ruled = rows(render_pdf(tmp_path / "ruled.pdf", tables(prefix)))
    assert ruled[0] and ruled[1]
    bare = rows(render_pdf(tmp_path / "bare.pdf", tables(prefix), ruled=False, centred=True))
    assert f1(ruled[0], bare[0]) >= 0.97 and f1(ruled[1], bare[1]) >= 0.97


# Tables of our own: wordy work items beside short cells, which a centred layout sets level with
# the middle of the wordy cell, below its first line.
HEADER = ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Kết quả", "Thời hạn", "Ghi chú"]
ITEMS = [
    [
        "1",
        "Rà soát, cập nhật danh mục thiết bị đo mưa tự động tại các thôn vùng trũng, bổ sung "
        "cảm biến mực nước cho ba trạm bơm và kết nối về trung tâm điều hành",
        "Phòng Kinh tế",
        "Trạm khuyến nông",
        "Danh mục thiết bị",
        "Quý III/2026",
        "Ưu tiên",
    ],
    [
        "2",
        "Mở lớp hướng dẫn hội viên hợp tác xã bán nông sản trên sàn thương mại điện tử",
        "Phòng Văn hóa - Xã hội",
        "Hội Nông dân xã, Đoàn Thanh niên xã, Hội Liên hiệp Phụ nữ xã",
        "Ba lớp học",
        "Tháng 8/2026",
        "",
    ],
    [
        "3",
        "Số hóa sổ bộ hộ tịch lưu trữ từ năm 1998 đến năm 2015, đối chiếu với cơ sở dữ liệu "
        "dân cư và sửa các trường sai lệch",
        "Văn phòng HĐND và UBND",
        "Công an xã",
        "Kho dữ liệu hộ tịch",
        "Năm 2027",
        "",
    ],
    [
        "4",
        "Lắp điểm truy cập Internet không dây miễn phí tại nhà văn hóa các thôn",
        "Phòng Kinh tế",
        "Các thôn",
        "Mười hai điểm phát sóng",
        "Thường xuyên",
        "",
    ],
]


def _read_rows(path) -> list[list[str]]:
    doc = read_document(path, Limits())
    assert len(doc.tables) == 1 and doc.tables[0].layout == "pdf-aligned"
    return [doc.tables[0].header] + [[c.text for c in r.cells] for r in doc.tables[0].rows]


@pytest.mark.slow
@pytest.mark.parametrize("tight", [False, True], ids=["spaced", "tight"])
def test_centred_cells_of_a_borderless_table_land_in_their_rows(tmp_path, tight):
    """Rows set apart by blank space, or set tight (no cell margin): then only the centring tells
    where a row ends, each number sitting level with the middle of its row."""
    from builders import TableItem, render_pdf

    item = TableItem([[HEADER, *ITEMS]])
    path = render_pdf(tmp_path / "centred.pdf", [item], ruled=False, centred=True, tight=tight)
    assert _read_rows(path) == [HEADER, *ITEMS]


@pytest.mark.slow
@pytest.mark.parametrize("tight", [False, True], ids=["spaced", "tight"])
@pytest.mark.parametrize("repeated", [True, False], ids=["repeated_header", "no_header"])
def test_row_cut_right_under_the_header_is_joined_over_the_page_break(tmp_path, repeated, tight):
    """The first page holds only the header and the first lines of item 1; the next page goes on
    with the rest of item 1 (first cell empty, lower case), under a repeated header or none. No
    row on the next page has a note: without the header, that page shows one column fewer."""
    from builders import TableItem, render_pdf

    number, title, lead, partners, result, deadline, note = ITEMS[0]
    head = title[:48].rsplit(" ", 1)[0]
    cut = [number, head, lead, partners, "", "", note], ["", title[len(head) + 1 :], "", "", result, deadline, ""]
    second = [HEADER] if repeated else []
    item = TableItem([[HEADER, cut[0]], [*second, cut[1], *ITEMS[1:]]])
    path = render_pdf(tmp_path / "cut.pdf", [item], ruled=False, centred=True, tight=tight)
    assert _read_rows(path) == [HEADER, *ITEMS]


@pytest.mark.slow
def test_rows_without_a_number_in_a_tight_top_aligned_table_stay_rows(tmp_path):
    """Top-aligned cells set tight: a line that opens a cell the line above left empty begins a row,
    even with no number; the wrapped lines of a title stay in their row."""
    from builders import TableItem, render_pdf

    rows = [ITEMS[0], ["", "Kiểm định lại cảm biến sau mùa mưa lũ", *ITEMS[0][2:6], ""], *ITEMS[1:]]
    path = render_pdf(tmp_path / "top.pdf", [TableItem([[HEADER, *rows]])], ruled=False, tight=True)
    assert _read_rows(path) == [HEADER, *rows]
