"""Prose targets in the forms and places real plans state them, on sentences and plans written here."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from realplans import process_text

from pipeline.extract.headings import find_headings
from pipeline.extract.prose_clauses import stated_targets
from pipeline.extract.prose_targets import prose_indicators
from pipeline.model import Document
from pipeline.readers.text import read_lines


def targets(sentence: str) -> list[tuple[str, str, float, float | None, str | None]]:
    return [
        (t.name, t.target.comparator, t.target.value, t.target.value_max, t.target.unit)
        for t in stated_targets(sentence)
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "- Tỷ lệ hộ dân có Internet cáp quang: 75%.",
            [("Tỷ lệ hộ dân có Internet cáp quang", "=", 75, None, "percent")],
        ),
        (
            "Tỷ lệ hồ sơ được số hóa đạt 95%; 70% hồ sơ nộp trực tuyến, tối thiểu 40% hồ sơ thanh toán trực tuyến.",
            [
                ("Tỷ lệ hồ sơ được số hóa", "=", 95, None, "percent"),
                ("hồ sơ nộp trực tuyến", "=", 70, None, "percent"),
                ("hồ sơ thanh toán trực tuyến", ">=", 40, None, "percent"),
            ],
        ),
        (
            "(Tỷ trọng kinh tế số đạt 15% GRDP; tỷ lệ người dân dùng ví điện tử đạt 50%)",
            [
                ("Tỷ trọng kinh tế số", "=", 15, None, "percent"),
                ("tỷ lệ người dân dùng ví điện tử", "=", 50, None, "percent"),
            ],
        ),
        (
            "Tỷ lệ thanh niên có kỹ năng số đạt trên 65-75%.",
            [("Tỷ lệ thanh niên có kỹ năng số", "range", 65, 75, "percent")],
        ),
        (
            "Giảm tỷ lệ thuê bao chỉ dùng 2G xuống dưới 3%.",
            [("Giảm tỷ lệ thuê bao chỉ dùng 2G", "<", 3, None, "percent")],
        ),
        ("Tỷ lệ văn bản giấy không quá 15%.", [("Tỷ lệ văn bản giấy", "<=", 15, None, "percent")]),
        (
            "Ít nhất 70% số thôn có điểm wifi công cộng.",
            [("số thôn có điểm wifi công cộng", ">=", 70, None, "percent")],
        ),
        (
            "Mỗi hộ gia đình có 01 tài khoản thanh toán.",
            [("Mỗi hộ gia đình có tài khoản thanh toán", "=", 1, None, "count")],
        ),
        ("Tốc độ truy cập di động: 50 Mb/s.", [("Tốc độ truy cập di động", "=", 50, None, "other")]),
        ("Hỗ trợ 300 doanh nghiệp chuyển đổi số.", [("Hỗ trợ doanh nghiệp chuyển đổi số", "=", 300, None, "count")]),
        ("Thu nhập từ kinh tế số tăng gấp 3 lần.", [("Thu nhập từ kinh tế số", "=", 3, None, "other")]),
        (
            "Hằng năm tăng 12% số hộ dùng thanh toán số.",
            [("Hằng năm tăng số hộ dùng thanh toán số", "=", 12, None, "percent")],
        ),
        (  # 'tử' is not 'từ' (from) when the marks are printed, also before a colon
            "- Số hợp tác xã bán nông sản qua ví điện tử: 12 hợp tác xã.",
            [("Số hợp tác xã bán nông sản qua ví điện tử", "=", 12, None, "count")],
        ),
        (  # the name is before the word of intent; what follows the value is its base
            "Tỷ lệ hợp tác xã có sàn giao dịch riêng phấn đấu đạt trên 25% tổng số hợp tác xã đang hoạt động.",
            [("Tỷ lệ hợp tác xã có sàn giao dịch riêng", ">", 25, None, "percent")],
        ),
        (  # a time limit is a target; an age or a length of service is not (test below)
            "Tối đa 3 ngày làm việc để cấp bản sao điện tử giấy khai sinh.",
            [("để cấp bản sao điện tử giấy khai sinh", "<=", 3, None, "other")],
        ),
        (
            "Hỗ trợ 8 dự án chuyển đổi số nông nghiệp.",
            [("Hỗ trợ dự án chuyển đổi số nông nghiệp", "=", 8, None, "other")],
        ),
        (  # a rank: in the top 15 is at most 15th, the whole clause names it
            "Chỉ số cải cách hành chính của huyện thuộc nhóm 15 huyện, thị xã đứng đầu toàn tỉnh.",
            [
                (
                    "Chỉ số cải cách hành chính của huyện thuộc nhóm 15 huyện, thị xã đứng đầu toàn tỉnh",
                    "<=",
                    15,
                    None,
                    None,
                )
            ],
        ),
        ("Tỷ lệ hóa đơn điện tử 35%.", [("Tỷ lệ hóa đơn điện tử", "=", 35, None, "percent")]),
        ("Số thôn có wifi: từ 8 thôn trở lên.", [("Số thôn có wifi", ">=", 8, None, None)]),
        # a base after the value, however long, when the name before it is longer
        (
            "Kinh phí cho nghiên cứu, ứng dụng công nghệ và chuyển đổi số đạt ít nhất 2% tổng chi ngân sách của huyện.",
            [("Kinh phí cho nghiên cứu, ứng dụng công nghệ và chuyển đổi số", ">=", 2, None, "percent")],
        ),
        (
            "Mạng 5G phủ các cụm dân cư ven biển và 04 bến tàu, đạt 55% dân số toàn xã.",
            [("Mạng 5G phủ các cụm dân cư ven biển và 04 bến tàu", "=", 55, None, "percent")],
        ),
        # a bracket after the value remarks on it; a size qualifies who is counted
        (
            "Tỷ lệ văn bản trao đổi trên môi trường mạng đạt trên 85% (trừ văn bản mật).",
            [("Tỷ lệ văn bản trao đổi trên môi trường mạng", ">", 85, None, "percent")],
        ),
        (
            "Ít nhất 65% thuyền có chiều dài từ 12 mét trở lên lắp thiết bị giám sát hành trình.",
            [("thuyền có chiều dài từ 12 mét trở lên lắp thiết bị giám sát hành trình", ">=", 65, None, "percent")],
        ),
    ],
)
def test_sentence_forms(sentence, expected):
    assert targets(sentence) == expected


def test_unit_base_is_kept():
    (t,) = stated_targets("Kinh tế số chiếm tối thiểu 8% GRDP của huyện.")
    assert (t.target.comparator, t.target.value, t.target.unit_base) == (">=", 8, "GRDP của huyện")


@pytest.mark.parametrize(
    "sentence",
    [
        "Căn cứ Kế hoạch số 14-KH/TU ngày 31-3-2022 và Công văn số 5473/BTTTT-KTS&XHS ngày 5-8-2022.",
        "Thực hiện Điều 5, khoản 2 Nghị quyết số 57-NQ/TW ngày 22/12/2024.",
        "Báo cáo gửi trước ngày 15 tháng 12 hằng năm, định kỳ quý 3.",
        "Vận động người dân từ 15 tuổi trở lên tham gia, trong thời hạn trên 5 năm.",
        "Số thuê bao băng rộng trên 100 dân.",
        "Cập nhật lúc 09:45, thứ Hai; họp lúc 14h30.",
        "Huyện đặt 12 chỉ tiêu cho năm tới; đất 200 ha dành cho khu công nghệ.",
        "Số hóa điện tử 4 loại sổ hộ tịch.",
    ],
)
def test_dates_numbers_ages_are_not_targets(sentence):
    assert stated_targets(sentence) == []


_DATE = st.builds(
    lambda d, m, y, sep, lead: f"{lead}{d}{sep}{m}{sep}{y}",
    st.integers(1, 31),
    st.integers(1, 12),
    st.integers(1990, 2099),
    st.sampled_from(["-", "/", "."]),
    st.sampled_from(["", "ngày ", "Ngày ", "đến ngày "]),
)
_DOC_NUMBER = st.builds(
    lambda n, a, b, sep: f"số {n}{sep}{a}/{b}" if sep == "-" else f"Số: {n}/{a}-{b}",
    st.integers(1, 9999),
    st.sampled_from(["KH", "NQ", "QĐ", "CV", "BTTTT"]),
    st.sampled_from(["TW", "UBND", "BCĐTW", "KTS&XHS", "TU"]),
    st.sampled_from(["-", "/"]),
)
_WORDS = st.sampled_from(["tỷ lệ", "hồ sơ", "đạt", "trên", "và", ";", ",", "(", ")", "năm 2025", "Đến năm 2030", "xã"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_DATE, _DOC_NUMBER, _WORDS, st.text(max_size=8)), max_size=14))
def test_prose_extractor_never_raises_nor_returns_a_date_or_document_number(parts):
    sentence = " ".join(parts)
    for t in stated_targets(sentence):
        value = sentence[t.start : t.end]
        for date_or_number in re.finditer(r"\d{1,4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{2,4}|\d+\s*[-/]\s*[A-ZĐ]", sentence):
            span = date_or_number.span()
            assert not (span[0] <= t.start < span[1]), (value, sentence)


HEAD = (
    "ỦY BAN NHÂN DÂN XÃ AN HÒA\n\nSố: 9/KH-UBND\n\nAn Hòa, ngày 3 tháng 3 năm 2026\n\n"
    "KẾ HOẠCH\n\nChuyển đổi số năm 2026\n\n"
)


def test_targets_under_topic_headings_and_after_a_lead_in(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "I. HẠ TẦNG SỐ\n\n1. Mạng di động\n\n- Tỷ lệ thôn có sóng 5G: 60%.\n\n"
        "II. DỊCH VỤ SỐ\n\nĐến năm 2030, xã phấn đấu đạt các mục tiêu:\n"
        "90% hồ sơ được xử lý trực tuyến.\nTỷ lệ người dân dùng VNeID đạt 95%.\n",
    )
    got = [(i.value, i.target_year, i.sentence) for i in doc.indicators]
    assert got == [
        (60, 2026, "- Tỷ lệ thôn có sóng 5G: 60%."),
        (90, 2030, "90% hồ sơ được xử lý trực tuyến."),
        (95, 2030, "Tỷ lệ người dân dùng VNeID đạt 95%."),
    ]
    assert doc.indicators[0].flags == ["uncertain_target"]  # no word of intent, outside the objectives
    assert doc.indicators[1].flags == [] and all(i.source == "prose" for i in doc.indicators)


def test_results_and_past_clauses_are_not_targets(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "I. KẾT QUẢ THỰC HIỆN NĂM 2025\n\n- Tỷ lệ hồ sơ trực tuyến đạt 71%.\n\n"
        "II. MỤC TIÊU\n\n- Năm 2024 tỷ lệ ký số đạt 60%, năm 2026 phấn đấu đạt 85%.\n"
        "- Đến nay 100% cán bộ đã có máy tính; 90% hộ dân đã dùng điện thoại thông minh.\n"
        "- 75% dữ liệu đã được số hóa được khai thác lại.\n"
        "- Khối đoàn thể đạt 52% (mục tiêu 65%).\n"
        "- Ban hành 15 văn bản hướng dẫn.\n",
    )
    got = [(i.name, i.value, i.target_year) for i in doc.indicators]
    assert got == [
        ("Tỷ lệ ký số", 85, 2026),
        ("Dữ liệu đã được số hóa được khai thác lại", 75, 2026),
        ("Khối đoàn thể", 65, 2026),
    ]


def test_year_from_period_heading_and_section_title(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "I. MỤC TIÊU\n\n1. Giai đoạn 2026-2028\n\n- 100% thôn có Tổ công nghệ số.\n\n"
        "2. Tầm nhìn\n\n- Năm 2027, 80% hộ dân dùng thanh toán số.\n",
    )
    assert [(i.value, i.target_year) for i in doc.indicators] == [(100, 2028), (80, 2027)]


def test_announcement_results_are_left_out_and_marks_tell_words_apart(tmp_path):
    doc = process_text(
        tmp_path,
        "Tỉnh đặt mục tiêu phát triển doanh nghiệp công nghệ số\n"
        "Theo báo cáo, toàn tỉnh có 320 doanh nghiệp công nghệ số.\n"
        "Tỉnh phấn đấu đến năm 2030 có ít nhất 500 doanh nghiệp công nghệ số.\n"
        "Đa số xã phấn đấu 80% hộ kinh doanh dùng thanh toán số.\n",
    )
    assert [i.value for i in doc.indicators] == [500, 80]


def test_year_series_share_the_name(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "I. MỤC TIÊU\n- Tỷ lệ hồ sơ trực tuyến: năm 2026 đạt 80%, năm 2027 đạt 90%.\n"
        "- Tỷ lệ người dân có chữ ký số đạt 30% vào năm 2026 và 50% vào năm 2028.\n",
    )
    assert [(i.name, i.value, i.target_year) for i in doc.indicators] == [
        ("Tỷ lệ hồ sơ trực tuyến", 80, 2026),
        ("Tỷ lệ hồ sơ trực tuyến", 90, 2027),
        ("Tỷ lệ người dân có chữ ký số", 30, 2026),
        ("Tỷ lệ người dân có chữ ký số", 50, 2028),
    ]


_LINES = st.lists(
    st.one_of(
        st.sampled_from(["I. MỤC TIÊU", "II. KẾT QUẢ THỰC HIỆN", "Phần I", "- ", "Đến năm 2030:", "Nơi nhận:"]),
        st.builds(" ".join, st.lists(st.one_of(_DATE, _DOC_NUMBER, _WORDS, st.text(max_size=6)), max_size=8)),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(_LINES)
def test_prose_indicators_never_raise_on_any_plan_text(lines):
    doc = Document("t", "t.txt", "text", "", 0, lines=read_lines("KẾ HOẠCH\n" + "\n".join(lines)))
    find_headings(doc)
    for ind in prose_indicators(doc, 2026):
        assert ind.sentence and ind.source == "prose" and ind.line_start <= ind.line_end


def test_wrapped_bullets_sub_targets_and_bases(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "II. MỤC TIÊU\n\na) Chính quyền số\n"
        "- Tỷ lệ hồ sơ được giải quyết trực tuyến\ntoàn trình đạt từ 80% trở lên; "
        "tỷ lệ thanh toán trực tuyến đạt\n50%.\n"
        "+ 100% cán bộ được bồi dưỡng kỹ năng số, trong đó\nít nhất 30% làm chủ kỹ năng số chuyên sâu.\n"
        "b) Kinh tế số\nPhấn đấu tỷ trọng kinh tế số đạt 10% GRDP của xã vào năm 2027.\n",
    )
    got = [(i.name, i.value, i.unit_base, i.target_year, i.group, i.line_start, i.line_end) for i in doc.indicators]
    assert got == [
        ("Tỷ lệ hồ sơ được giải quyết trực tuyến toàn trình", 80, None, 2026, "a) Chính quyền số", 14, 15),
        ("Tỷ lệ thanh toán trực tuyến", 50, None, 2026, "a) Chính quyền số", 15, 16),
        ("Cán bộ được bồi dưỡng kỹ năng số", 100, None, 2026, "a) Chính quyền số", 17, 17),
        ("Làm chủ kỹ năng số chuyên sâu", 30, None, 2026, "a) Chính quyền số", 17, 18),
        ("Tỷ trọng kinh tế số", 10, "GRDP của xã", 2027, "b) Kinh tế số", 20, 20),
    ]


def test_a_numbered_objective_wrapped_after_its_number_is_one_sentence(tmp_path):
    """PDF text wraps a numbered objective; its second line (lower case) finishes the sentence."""
    doc = process_text(
        tmp_path,
        HEAD + "I. MỤC TIÊU\n1. Tỷ lệ hộ gia đình được hướng dẫn sử dụng ví điện tử đạt\n"
        "từ 70% trở lên.\n2. Tỷ lệ cuộc họp của xã tổ chức trực tuyến\nđạt trên 60% (trừ họp mật).\n",
    )
    got = [(i.name, i.comparator, i.value) for i in doc.indicators]
    assert got == [
        ("Tỷ lệ hộ gia đình được hướng dẫn sử dụng ví điện tử", ">=", 70),
        ("Tỷ lệ cuộc họp của xã tổ chức trực tuyến", ">", 60),
    ]


def test_population_area_and_budget_facts_are_not_targets(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "I. ĐẶC ĐIỂM TÌNH HÌNH\nXã có 3.200 hộ, 100% thôn có sóng 4G.\n"
        "II. MỤC TIÊU\n- 100% thôn có Tổ công nghệ số cộng đồng.\n"
        "III. KINH PHÍ\nTổng kinh phí: 500 triệu đồng.\n",
    )
    got = [(i.name, i.value) for i in doc.indicators]
    assert got == [("Thôn có Tổ công nghệ số cộng đồng", 100)]
    news = process_text(tmp_path, "Xã có diện tích tự nhiên 2.450 ha, 3.200 hộ với 12.500 nhân khẩu.\n")
    assert news.indicators == []


def test_a_comparison_year_is_a_baseline_never_the_target_year(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "I. MỤC TIÊU ĐẾN NĂM 2030\n\n- Số giờ chờ xử lý hồ sơ giảm ít nhất 40% so với năm 2024.\n"
        "- Doanh thu bán hàng trực tuyến của hợp tác xã tăng 15% so với năm 2025.\n",
    )
    got = [(i.value, i.comparator, i.target_year, i.qualifier) for i in doc.indicators]
    assert got == [(40, ">=", 2030, "so với năm 2024"), (15, "=", 2030, "so với năm 2025")]


def test_items_numbered_in_brackets_with_a_period_keep_their_bounds(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "I. MỤC TIÊU\n\nCác chỉ tiêu đến năm 2028:\n"
        "(1). Tỷ lệ thôn có điểm truy cập wifi miễn phí đạt 70 %.\n"
        "(2). Số thôn có camera an ninh kết nối trung tâm: 9/12 thôn (75%).\n"
        "(3). Tỷ lệ cán bộ xã dùng chữ ký số đạt 100%.\n",
    )
    got = [(i.name, i.value, i.target_year, i.target_raw) for i in doc.indicators]
    assert got == [
        ("Tỷ lệ thôn có điểm truy cập wifi miễn phí", 70, 2028, "đạt 70 %"),
        ("Số thôn có camera an ninh kết nối trung tâm: 9/12 thôn", 75, 2028, "75%"),
        ("Tỷ lệ cán bộ xã dùng chữ ký số", 100, 2028, "đạt 100%"),
    ]


def test_a_rate_pointed_back_to_takes_the_name_stated_before(tmp_path):
    doc = process_text(
        tmp_path,
        HEAD + "I. MỤC TIÊU\n\n- Năm 2025, tỷ lệ hộ dân có sổ sức khỏe điện tử đạt 64%; "
        "năm 2026 phấn đấu nâng tỷ lệ này lên 85%.\n",
    )
    got = [(i.name, i.value, i.target_year) for i in doc.indicators]
    assert got == [("Tỷ lệ hộ dân có sổ sức khỏe điện tử", 85, 2026)]
