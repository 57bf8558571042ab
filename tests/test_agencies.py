"""Agency names -> canonical gazetteer names; multi-agency cells split; unknown names stay unknown."""

from __future__ import annotations

import csv
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize.agencies import (
    agency_key,
    agency_label,
    completion_length,
    find_agencies,
    gazetteer,
    is_name_head,
    leading_agency,
    normalize_agency,
)
from pipeline.normalize.agency_lists import split_agencies
from pipeline.normalize.fold import strip_diacritics

VARIANTS = {
    "Phòng Văn hóa - Xã hội": [
        "Phòng Văn hóa - Xã hội",
        "Phòng VH-XH",
        "Phòng VH–XH",
        "Phòng Văn hoá – Xã hội xã",
        "Phòng Văn hóa – Xã-hội",
        "phòng văn hóa - xã hội",
        "Phong Van hoa- Xa hoi",
        "PHÒNG VĂN HÓA - XÃ HỘI",
    ],
    "Văn phòng HĐND và UBND": [
        "VP HĐND &UBND",
        "Văn phòng HĐND-UBND",
        "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân Xã",
        "Văn phòng HĐND và UBND xã",
        "Van phong HDND-UBND",
        "Vian phong HDND va UBND xa",  # OCR
    ],
    "Trung tâm Phục vụ hành chính công": [
        "Trung tâm PVHCC",
        "Trung tâm Phục vụ HCC",
        "Trung tâm phục vụ Hành chính công",
        "Trung tdm Phuc vu hanh chinh cong",  # OCR
    ],
    "Tổ công nghệ số cộng đồng": ["Tổ CNS", "Tổ CNS cộng đồng các ấp", "Tổ Công nghệ số cộng đồng"],
    "Công an xã": ["Công an xã", "Cong an xa", "Trưởng Công an xã"],
    "Công an tỉnh/thành phố": ["Công an thành phố", "Công an tỉnh"],
    "Sở Nội vụ": ["Sở Nội vụ thành phố", "Sở Nội vụ"],
    "Sở Khoa học và Công nghệ": ["Sở KH&CN", "Sở Khoa học và Công nghệ tỉnh", "S¢ Khoa hoc va Cong nghé"],
    "Sở Văn hóa, Thể thao và Du lịch": ["Sở Văn hóa, Thể thao và Du lịch"],
    "Ban Chỉ đạo xã": ["Ban Chỉ đạo xa", "Ban Chỉ đạo"],
    "Trạm Y tế xã": ["Trạm Y tế", "Trạm Y tế xã", "Tram Y té xa"],
    "Các cơ quan, đơn vị": ["Các cơ quan, đơn vị thuộc UBND xã", "Các cơ quan, đơn vị vị thuộc UBND xã"],
    "Ủy ban Mặt trận Tổ quốc Việt Nam xã": ["Ủy ban MTTQ", "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã"],
}
PAIRS = [(canonical, v) for canonical, vs in VARIANTS.items() for v in vs]


@pytest.mark.parametrize(("canonical", "raw"), PAIRS, ids=[p[1] for p in PAIRS])
def test_variants_map_to_one_canonical(canonical, raw):
    assert normalize_agency(raw) == canonical
    assert normalize_agency(strip_diacritics(raw)) == canonical


@pytest.mark.parametrize(
    "raw",
    [
        "Công an",
        "Trưởng phòng Văn hóa – Xã hội",
        "Hội đồng quản trị Công ty ABC",
        "",
        "   ",
        "xyz",
        "Ủy ban nhân dân huyện",
    ],
)
def test_unknown_names_are_not_guessed(raw):
    assert normalize_agency(raw) is None


def test_level_words_tell_bodies_apart():
    assert normalize_agency("Ủy ban nhân dân tỉnh") != normalize_agency("Ủy ban nhân dân xã")
    assert normalize_agency("Công an thành phố") != normalize_agency("Công an xã")


def _gazetteer_rows():
    text = resources.files("pipeline.resources").joinpath("agencies.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_gazetteer_rows_are_well_formed_and_unambiguous():
    rows = _gazetteer_rows()
    assert len({r["name"] for r in rows}) == len(rows)
    for row in rows:
        assert row["level"] in ("commune", "province", "national")
        assert row["kind"]
        for name in [row["name"], *filter(None, row["variants"].split("|"))]:
            assert gazetteer()[agency_key(name)].name == row["name"], name


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Phòng VH-XH, Trạm Y tế", ["Phòng Văn hóa - Xã hội", "Trạm Y tế xã"]),
        ("Sở Giáo dục và Đào tạo; Các trường học", ["Sở Giáo dục và Đào tạo", "Các trường học trên địa bàn xã"]),
        ("Phòng Văn hóa - Xã hội; Công an xã", ["Phòng Văn hóa - Xã hội", "Công an xã"]),
        ("Phòng Văn hóa - Xã hội và Trạm Y tế", ["Phòng Văn hóa - Xã hội", "Trạm Y tế xã"]),
        ("Hội đồng nhân dân / Ủy ban nhân dân xã", ["Hội đồng nhân dân xã", "Ủy ban nhân dân xã"]),
        ("Các cơ quan, đơn vị thuộc UBND xã", ["Các cơ quan, đơn vị"]),
        ("Văn phòng HĐND và UBND", ["Văn phòng HĐND và UBND"]),
        (
            "Sở Văn hóa, Thể thao và Du lịch; Các cơ quan, đơn vị thuộc xã",
            ["Sở Văn hóa, Thể thao và Du lịch", "Các cơ quan, đơn vị"],
        ),
        (
            "Mặt trận tổ quốc và các đoàn thể, Văn phòng Đảng ủy, các Phòng chuyên môn thuộc xã",
            [
                "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
                "Các tổ chức chính trị - xã hội",
                "Văn phòng Đảng ủy",
                "Các cơ quan chuyên môn thuộc xã",
            ],
        ),
        ("Phong VH-XH; Van phong HDND-UBND", ["Phòng Văn hóa - Xã hội", "Văn phòng HĐND và UBND"]),
    ],
)
def test_multi_agency_cells_split(cell, expected):
    assert [normalize_agency(name) for name in split_agencies(cell)] == expected


def test_unknown_names_in_a_cell_stay_raw():
    names = split_agencies("Phòng Kinh tế; Hợp tác xã Nông nghiệp Bình Minh")
    assert names == ["Phòng Kinh tế", "Hợp tác xã Nông nghiệp Bình Minh"]
    assert normalize_agency(names[1]) is None


@pytest.mark.parametrize("cell", ["", "  ", "-", ";;", "<b></b>"])
def test_empty_cells_name_nobody(cell):
    assert split_agencies(cell) == []


def test_mentions_in_running_text():
    text = "Chủ trì, phối hợp với Ủy ban Mặt trận Tổ quốc, các tổ chức chính trị – xã hội, Tổ công nghệ số cộng đồng"
    assert find_agencies(text) == [
        "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
        "Các tổ chức chính trị - xã hội",
        "Tổ công nghệ số cộng đồng",
    ]
    assert find_agencies("Tăng cường tuyên truyền về chuyển đổi số") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Phòng Kinh tế tham mưu UBND xã nhiệm vụ sau:", "Phòng Kinh tế"),
        ("Phong Kinh té tham muu UBND x& nhiém vu sau:", "Phòng Kinh tế"),
        ("Trung tam Phuc vy hanh chinh cong t6 chirc tiép nhan", "Trung tâm Phục vụ hành chính công"),
        (
            "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã và các tổ chức chính trị-xã hội xã",
            "Ủy ban Mặt trận Tổ quốc Việt Nam xã",
        ),
        ("Kế hoạch này thay thế Kế hoạch số 76/KH-UBND của Ủy ban nhân dân xã", None),
    ],
)
def test_leading_agency(text, expected):
    assert leading_agency(text) == expected


@given(st.text(max_size=200))
def test_never_raises_and_is_idempotent(text):
    canonical = normalize_agency(text)
    if canonical is not None:
        assert normalize_agency(canonical) == canonical
    for name in split_agencies(text):
        assert name.strip() == name and name
    find_agencies(text)


def test_a_word_repeated_across_a_comma_starts_a_new_name():
    assert find_agencies("Trung tâm Phục vụ hành chính công, Công an xã") == [
        "Trung tâm Phục vụ hành chính công",
        "Công an xã",
    ]
    assert find_agencies("Các cơ quan, đơn vị vị thuộc UBND xã") == ["Các cơ quan, đơn vị"]  # page-break repeat


@pytest.mark.parametrize(
    ("raw", "label"),
    [
        ("Các cơ quan, ban, ngành, đoàn thể xã", "Các cơ quan, ban, ngành, đoàn thể xã"),  # unspecified set: printed
        ("Đề nghị các cơ quan, đơn vị liên quan.", "Các cơ quan, đơn vị liên quan"),
        ("Các phòng chuyên môn", "Các cơ quan chuyên môn thuộc xã"),  # defined group: canonical
        ("Phòng VH-XH", "Phòng Văn hóa - Xã hội"),
        ("Hội đồng quản trị Công ty ABC", None),
    ],
)
def test_agency_label_keeps_printed_collectives(raw, label):
    assert agency_label(raw) == label


@pytest.mark.parametrize(
    ("head", "words", "fuzzy", "n"),
    [
        ("Phòng Văn hóa -", "Xã hội viễn thông, Trưởng các ấp", False, 2),
        ("Các doanh nghiệp", "viễn thông, Trưởng các ấp", False, 2),
        ("Trung tdm Phuc vu", "hanh chinh cong UBND; cac", True, 3),
        ("Vian phong HDND-", "UBND; cac b? phan", True, 1),
        ("Phong Van hoa -", "X hoi Céc co quan", True, 2),
        ("Phòng Kinh tế", "Hội Nông dân", False, 0),
    ],
)
def test_completion_of_a_name_cut_by_the_wrap(head, words, fuzzy, n):
    assert is_name_head(head, fuzzy) or n == 0
    assert completion_length(head, words.split(), fuzzy) == n


@given(st.text(max_size=60), st.lists(st.text(max_size=12), max_size=6))
def test_completion_never_raises(head, words):
    assert 0 <= completion_length(head, words, True) <= len(words)
    assert isinstance(is_name_head(head, True), bool)
