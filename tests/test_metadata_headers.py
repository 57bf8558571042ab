"""Plan headers as real plans print them: every issuing level, numbers and dates in their forms,
property blocks of web copies; what a header does not state stays null."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract.headings import find_headings
from pipeline.extract.metadata import extract_metadata
from pipeline.extract.tables import find_tables
from pipeline.model import Document
from pipeline.readers.text import read_lines

BODY = (
    "KẾ HOẠCH\nChuyển đổi số năm 2026\nCăn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;\nI. MỤC TIÊU\n"
)


def meta(text: str):
    doc = Document("t", "t.txt", "text", "", 0, lines=read_lines(text))
    find_tables(doc)
    find_headings(doc)
    extract_metadata(doc)
    return doc.metadata


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ỦY BAN NHÂN DÂN\nXÃ MỸ HÒA\n", ("xa", "Mỹ Hòa", None, None)),
        ("UBND QUẬN BA ĐÌNH\nUBND PHƯỜNG KIM MÃ\n", ("phuong", "Kim Mã", "Ba Đình", None)),
        ("ỦY BAN NHÂN DÂN HUYỆN YÊN LẬP\nỦY BAN NHÂN DÂN THỊ TRẤN YÊN LẬP\n", ("thi_tran", "Yên Lập", "Yên Lập", None)),
        ("ỦY BAN NHÂN DÂN\nHUYỆN ĐÔNG SƠN\n", ("huyen", None, "Đông Sơn", None)),
        ("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\n", ("tinh", None, None, "Nghệ An")),
        ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\n", ("tinh", None, None, "Hải Phòng")),
        ("UBND TỈNH BẮC NINH\nUBND THÀNH PHỐ BẮC NINH\n", ("thanh_pho", None, "Bắc Ninh", "Bắc Ninh")),
        ("TỈNH ỦY THANH HÓA\n", ("tinh", None, None, "Thanh Hóa")),
        ("ỦY BAN NHÂN DÂN XÃ TÂN PHÚ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n", ("xa", "Tân Phú", None, None)),
        ("UBND TP. HỒ CHÍ MINH\n", ("tinh", None, None, "Hồ Chí Minh")),
        ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ CẦN THƠ\n", ("tinh", None, None, "Cần Thơ")),
        ("UBND THÀNH PHỐ HUẾ\n", ("tinh", None, None, "Huế")),
        ("ỦY BAN NHÂN DÂN\nĐẶC KHU PHÚ QUỐC\n", ("dac_khu", "Phú Quốc", None, None)),
        # marks lost (OCR, retyped): every unit word still names its level
        ("UY BAN NHAN DAN\nPHUONG HOA AN\n", ("phuong", "Hoa An", None, None)),
        ("UBND HUYEN TAN KY\nUBND THI TRAN TAN KY\n", ("thi_tran", "Tan Ky", "Tan Ky", None)),
        ("UY BAN NHAN DAN\nTINH QUANG TRI\n", ("tinh", None, None, "Quảng Trị")),
    ],
)
def test_issuing_level_and_place(header, expected):
    m = meta(header + BODY)
    assert (m.level, m.commune, m.district, m.province) == expected


def test_province_plan_has_no_commune_even_when_communes_are_named():
    m = meta("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\n" + BODY + "- Xây dựng mô hình tại xã Hưng Tây và xã Nam Đàn.\n")
    assert (m.level, m.commune, m.province) == ("tinh", None, "Nghệ An")


@pytest.mark.parametrize(
    ("lines", "number", "issued"),
    [
        ("Số 62/KH-UBND\nVinh, ngày 05\ntháng 6 năm 2023\n", "62/KH-UBND", date(2023, 6, 5)),
        ("Số: 5473/BTTTT-KTS&XHS\nHà Nội, ngày 5-8-2022\n", "5473/BTTTT-KTS&XHS", date(2022, 8, 5)),
        ("*\nSố 01-KH/BCĐTW\nHà Nội, ngày 14 tháng 4 năm 2025\n", "01-KH/BCĐTW", date(2025, 4, 14)),
        ("Số: /KH-UBND\nVinh, ngày    tháng 6 năm 2023\n", None, None),
        ("Số: 07/KH-UBND\nVinh, ngày 02 tháng 01 năm 2026\n", "07/KH-UBND", date(2026, 1, 2)),
    ],
)
def test_number_and_date_forms(lines, number, issued):
    m = meta("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\n" + lines + BODY)
    assert (m.doc_number, m.issue_date) == (number, issued)


def test_header_after_a_preamble_and_property_block():
    text = (
        "Kế hoạch 12/KH-UBND năm 2025 về chuyển đổi số\nSố hiệu:12/KH-UBNDNgày đăng công báo:Đang cập nhật\n"
        "Loại văn bản:Kế hoạchNgười ký:Phạm Văn Nam\nNgày ban hành:\n03/03/2025\nNơi ban hành:\nTỉnh Hà Tĩnh\n" + BODY
    )
    m = meta(text)
    assert (m.doc_number, m.issue_date, m.signer, m.level, m.province) == (
        "12/KH-UBND",
        date(2025, 3, 3),
        "Phạm Văn Nam",
        "tinh",
        "Hà Tĩnh",
    )


def test_dates_of_cited_documents_and_events_are_never_the_issue_date():
    text = "ỦY BAN NHÂN DÂN\nXÃ MỸ HÒA\nNgày 3/4/2025, Sở tổ chức hội nghị.\n" + BODY
    m = meta(text)
    assert m.issue_date is None and m.doc_number is None and m.signer is None


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("Chuyển đổi số của tỉnh Nghệ An giai đoạn 2026 - 2030", 2030),
        ("Chuyển đổi số tỉnh Nghệ An giai đoạn 2024–2026", 2026),
        ("Phát triển hạ tầng số năm 2026 và định hướng đến năm 2030", 2026),
        ("Chuyển đổi số đến năm 2027, tầm nhìn đến năm 2035", 2027),
        ("Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị năm 2026", 2026),
    ],
)
def test_plan_year_from_the_title_only(title, year):
    """The end of a period, never an orientation year, nor a date inside the title."""
    header = "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 12/KH-UBND\nVinh, ngày 03 tháng 2 năm 2025\n"
    m = meta(header + BODY.replace("Chuyển đổi số năm 2026", title))
    assert (m.plan_year, m.plan_year_source) == (year, "title")


def test_a_title_without_a_year_assumes_the_issue_year_and_says_so():
    header = "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 12/KH-UBND\nVinh, ngày 03 tháng 2 năm 2025\n"
    m = meta(header + BODY.replace("Chuyển đổi số năm 2026", "Thực hiện chuyển đổi số trên địa bàn tỉnh"))
    assert (m.plan_year, m.plan_year_source) == (2025, "issue_date")


def test_action_plan_title_line_opens_the_title():
    header = "ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN\nSố: 12/KH-UBND\nVinh, ngày 03 tháng 2 năm 2025\n"
    body = BODY.replace("KẾ HOẠCH\nChuyển đổi số năm 2026", "KẾ HOẠCH HÀNH ĐỘNG\nCHUYỂN ĐỔI SỐ GIAI ĐOẠN 2026 - 2030")
    m = meta(header + body)
    assert (m.title, m.plan_year, m.doc_number) == ("HÀNH ĐỘNG CHUYỂN ĐỔI SỐ GIAI ĐOẠN 2026 - 2030", 2030, "12/KH-UBND")
