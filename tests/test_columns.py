"""The column model (extract/columns.py): header bands merged per column, roles from one vocabulary."""

from __future__ import annotations

import pytest

from pipeline.extract.columns import merge_header_band, role_index, roles_for_header, table_kind, year_columns


def test_a_title_spanning_two_columns_is_merged_into_both():
    band = [
        ["STT", "Chỉ tiêu", "Kết quả", "", "Đơn vị chủ trì"],
        ["", "", "Ước thực hiện 2025", "Kế hoạch 2026", ""],
        ["(1)", "(2)", "(3)", "(4)", "(5)"],
    ]
    assert merge_header_band(band) == [
        "STT",
        "Chỉ tiêu",
        "Kết quả Ước thực hiện 2025",
        "Kết quả Kế hoạch 2026",
        "Đơn vị chủ trì",
    ]
    columns = roles_for_header(band)
    assert [c.role for c in columns] == ["code", "name", "past", "year", "lead"]
    assert year_columns(columns) == [(3, 2026)]


def test_a_title_printed_over_two_lines_is_one_title():
    columns = roles_for_header([["TT", "Nội dung", "Đơn vị", "Cơ quan"], ["", "nhiệm vụ", "tính", "chủ trì"]])
    assert role_index(columns) == {"code": 0, "name": 1, "unit": 2, "lead": 3}


@pytest.mark.parametrize(
    ("title", "role"),
    [
        ("Đơn vị thực hiện", "lead"),
        ("CƠ QUAN CHỦ TRÌ", "lead"),
        ("co quan chu tri", "lead"),
        ("Đơn vị phối hợp", "coordinating"),
        ("ĐVT", "unit"),
        ("Thời hạn", "deadline"),
        ("Tiến độ", "deadline"),
        ("Ghi chú", "note"),
        ("Giải thích", "note"),
        ("Thực hiện năm 2025", "past"),
        ("Ước thực hiện", "past"),
        ("Năm 2030", "year"),
    ],
)
def test_synonyms_case_and_diacritics(title, role):
    columns = roles_for_header([["STT", "Nội dung", title]])
    assert columns[2].role == role


def test_each_single_role_goes_to_its_first_column_and_a_second_target_title_holds_targets():
    columns = roles_for_header([["STT", "Nội dung chỉ tiêu", "Chỉ tiêu", "Chủ trì", "Chủ trì"]])
    assert [c.role for c in columns] == ["code", "name", "target", "lead", None]


@pytest.mark.parametrize(
    ("titles", "kind"),
    [
        (["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch 2026", "Đơn vị thực hiện"], "indicator"),
        (["TT", "Nội dung công việc", "Cơ quan chủ trì", "Thời hạn"], "task"),
        (["STT", "Mục tiêu, chỉ tiêu", "Cơ quan chủ trì", "Tiến độ"], "mixed"),
        (["A", "B"], "unknown"),
    ],
)
def test_table_kind_comes_from_the_roles(titles, kind):
    assert table_kind(roles_for_header([titles])) == kind


def test_a_grid_header_going_on_in_its_first_rows_is_one_band():
    from pipeline.extract.tables import band_length

    rows = [["TT", "Nội dung", "Đơn vị", "Cơ quan"], ["", "chỉ tiêu", "tính", "chủ trì"], ["(1)", "(2)", "(3)", "(4)"]]
    assert band_length([*rows, ["1", "Tỷ lệ phủ sóng 5G", "%", "Phòng Kinh tế"]]) == 3
    assert band_length([rows[0], ["", "Đến năm 2030", "", ""]]) == 1  # a group title fills one cell
