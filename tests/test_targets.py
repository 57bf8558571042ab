"""Target normalizer: every printed form of the plans, the same forms without diacritics or OCR'd."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize.fold import strip_diacritics
from pipeline.normalize.targets import COMPARATORS, parse_target, parse_targets, scan_targets, years_in
from pipeline.normalize.units import normalize_unit

# (printed target, unit cell, comparator, value, value_max, unit, unit_base, qualifier)
FORMS = [
    ("≥ 95", "%", ">=", 95, None, "percent", None, None),
    ("≥ 80%", None, ">=", 80, None, "percent", None, None),
    (r"$\geq 82\%$", "%", ">=", 82, None, "percent", None, None),
    (r"$\geq 0,63$", "Chỉ số", ">=", 0.63, None, "index", None, None),
    (">= 70", "%", ">=", 70, None, "percent", None, None),
    ("> 40%", None, ">", 40, None, "percent", None, None),
    ("trên 90%", None, ">", 90, None, "percent", None, None),
    ("đạt trên 3,5%", None, ">", 3.5, None, "percent", None, None),
    ("từ 90% trở lên", None, ">=", 90, None, "percent", None, None),
    ("ít nhất 85%", None, ">=", 85, None, "percent", None, None),
    ("tối thiểu 3%", None, ">=", 3, None, "percent", None, None),
    ("Bố trí ít nhất 3%", "%", ">=", 3, None, "percent", None, None),
    ("Phấn đấu đạt 3%", "% tổng chi ngân sách nhà nước", "=", 3, None, "percent", "tổng chi ngân sách nhà nước", None),
    ("phần đầu ít nhất 3%", None, ">=", 3, None, "percent", None, None),
    ("Đạt 3%", None, "=", 3, None, "percent", None, None),
    ("100", "% dân số", "=", 100, None, "percent", "dân số", None),
    ("100", None, "=", 100, None, None, None, None),
    ("100%", None, "=", 100, None, "percent", None, None),
    ("95%", "%", "=", 95, None, "percent", None, None),
    ("80-90%", None, "range", 80, 90, "percent", None, None),
    ("15-17%", "%", "range", 15, 17, "percent", None, None),
    ("từ 80 đến 90%", None, "range", 80, 90, "percent", None, None),
    ("Có/ ≥ 01", "Sáng kiến", ">=", 1, None, "initiative", None, "Có"),
    ("≥ 01", "Sáng kiến", ">=", 1, None, "initiative", None, None),
    ("≥ 2% GRDP", "%", ">=", 2, None, "percent", "GRDP", None),
    ("Đạt", None, "text", None, None, None, None, None),
    ("Có", None, "text", None, None, None, None, None),
    ("Có triển khai", "Mô hình", "text", None, None, "model", None, None),
    ("Hệ thống hoàn chỉnh", "Hệ thống", "text", None, None, "system", None, None),
    ("QĐ", "QĐ", "text", None, None, "document", None, None),
    ("Đạt theo hướng dẫn của tỉnh", "Chỉ số", "text", None, None, "index", None, None),
    (
        "≥ 1% và tăng dần theo yêu cầu phát triển",
        "%",
        ">=",
        1,
        None,
        "percent",
        None,
        "và tăng dần theo yêu cầu phát triển",
    ),
    # OCR-degraded and retyped forms
    ("> 65%", None, ">", 65, None, "percent", None, None),
    ("dat tu 80% tro len", None, ">=", 80, None, "percent", None, None),
    ("Pat ti thiéu 95%", None, ">=", 95, None, "percent", None, None),
    ("C6 >70%", None, ">", 70, None, "percent", None, None),
    ("Trén 90%", None, ">", 90, None, "percent", None, None),
]


@pytest.mark.parametrize(("raw", "unit_raw", "comparator", "value", "value_max", "unit", "base", "qualifier"), FORMS)
def test_printed_forms(raw, unit_raw, comparator, value, value_max, unit, base, qualifier):
    t = parse_target(raw, unit_raw)
    assert t is not None
    assert (t.comparator, t.value, t.value_max) == (comparator, value, value_max)
    assert (t.unit, t.unit_base, t.qualifier) == (unit, base, qualifier)
    assert t.raw == raw.strip()


@pytest.mark.parametrize(("raw", "unit_raw", "comparator", "value", "value_max"), [f[:5] for f in FORMS])
def test_same_forms_without_diacritics(raw, unit_raw, comparator, value, value_max):
    t = parse_target(strip_diacritics(raw), unit_raw and strip_diacritics(unit_raw))
    assert (t.comparator, t.value, t.value_max) == (comparator, value, value_max)


def test_cell_with_two_targets_gives_one_row_each_with_its_qualifier():
    cell = (
        "≥ 95 đối với cơ sở giáo dục phổ thông và giáo dục thường xuyên ≥ 95 đối với cơ sở giáo dục mầm non "
        "và các cơ quan quản lý giáo dục"
    )
    targets = parse_targets(cell, "%")
    assert [(t.comparator, t.value) for t in targets] == [(">=", 95), (">=", 95)]
    assert targets[0].qualifier == "đối với cơ sở giáo dục phổ thông và giáo dục thường xuyên"
    assert targets[1].qualifier == "đối với cơ sở giáo dục mầm non và các cơ quan quản lý giáo dục"
    assert all("multiple_targets" in t.flags for t in targets)


@pytest.mark.parametrize("empty", ["", "-", " – ", None, "  "])
def test_no_target(empty):
    assert parse_targets(empty) == []


def test_year_in_phrase_is_not_the_value():
    t = parse_target("Đạt 3% năm 2030")
    assert (t.value, t.year) == (3, 2030)


def test_dates_are_not_target_years():
    assert years_in("ngày 22 tháng 12 năm 2024, đến năm 2030, 31/12/2026", word=True) == [2030]


def test_number_glued_to_letters_is_not_a_target():
    assert scan_targets("Tỷ lệ phủ sóng 5G, C6 tốc độ 1Gb/s") == []


def test_digits_that_cannot_be_read_are_flagged():
    assert "unparsed_target" in parse_target("khoảng 7x").flags


def test_prose_scan_finds_every_target_in_a_sentence():
    text = "đạt từ 90% trở lên; trong đó tỷ lệ hồ sơ nộp trực tuyến đạt ít nhất 60%; 80% hồ sơ được số hóa"
    hits = scan_targets(text)
    assert [(h.comparator, h.value) for h in hits] == [(">=", 90), (">=", 60), ("=", 80)]
    assert text[hits[1].start : hits[1].end] == "ít nhất 60%"


@pytest.mark.parametrize(
    ("cell", "unit", "base"),
    [
        ("%", "percent", None),
        ("% dân số", "percent", "dân số"),
        ("% tổng chi ngân sách nhà nước", "percent", "tổng chi ngân sách nhà nước"),
        ("Chỉ số", "index", None),
        ("QĐ", "document", None),
        ("Kế hoạch", "document", None),
        ("Văn bản", "document", None),
        ("Hệ thống", "system", None),
        ("Mô hình", "model", None),
        ("Sáng kiến", "initiative", None),
        ("Mức", "level", None),
        ("Ứng dụng được triển khai", "other", None),
        ("Chi so", "index", None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_units(cell, unit, base):
    assert normalize_unit(cell) == (unit, base)


@given(st.text(max_size=120))
def test_never_raises_and_values_in_range(text):
    for t in parse_targets(text):
        assert t.comparator in COMPARATORS
        if t.value is not None:
            assert math.isfinite(t.value) and t.value >= 0
        if t.comparator == "range":
            assert t.value_max is not None and t.value_max >= t.value
        else:
            assert t.value_max is None


_TARGETISH = st.lists(
    st.sampled_from(
        ["≥", "trên", "từ", "ít nhất", "Đạt", "80", "3,5", "%", "-", "90", "trở lên", "đối với", "Có/", " "]
    ),
    max_size=8,
).map(" ".join)


@given(st.one_of(st.text(max_size=80), _TARGETISH))
def test_diacritics_do_not_change_comparator_or_value(text):
    plain = [(t.comparator, t.value, t.value_max) for t in parse_targets(strip_diacritics(text))]
    assert plain == [(t.comparator, t.value, t.value_max) for t in parse_targets(text)]
