"""Deadline cells -> (start, end, recurrence, condition), on every form of the convention."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize.deadlines import Deadline, deadline_text, parse_deadline
from pipeline.normalize.fold import strip_diacritics

D = date
CASES = [
    ("Quý II/2026", Deadline(D(2026, 4, 1), D(2026, 6, 30))),
    ("Quý IV/2026", Deadline(D(2026, 10, 1), D(2026, 12, 31))),
    ("Quý I,II/2026", Deadline(D(2026, 1, 1), D(2026, 6, 30))),
    ("Quý II, III /2026", Deadline(D(2026, 4, 1), D(2026, 9, 30))),
    ("Quý III và IV/2026", Deadline(D(2026, 7, 1), D(2026, 12, 31))),
    ("Quý I/2026 và thường xuyên", Deadline(D(2026, 1, 1), D(2026, 3, 31), "ongoing")),
    ("Tháng 4/2026", Deadline(D(2026, 4, 1), D(2026, 4, 30))),
    ("Tháng 09/2025", Deadline(D(2025, 9, 1), D(2025, 9, 30))),
    ("Tháng 2/2028", Deadline(D(2028, 2, 1), D(2028, 2, 29))),
    ("12/2025", Deadline(D(2025, 12, 1), D(2025, 12, 31))),
    ("04/2026", Deadline(D(2026, 4, 1), D(2026, 4, 30))),
    ("Năm 2026", Deadline(D(2026, 1, 1), D(2026, 12, 31))),
    ("2026", Deadline(D(2026, 1, 1), D(2026, 12, 31))),
    ("2026-2030", Deadline(D(2026, 1, 1), D(2030, 12, 31))),
    ("2026 - 2030", Deadline(D(2026, 1, 1), D(2030, 12, 31))),
    ("Hoàn thành trước 31/12/2026", Deadline(None, D(2026, 12, 31))),
    ("Hoàn thành \ntrước \n31/12/2026", Deadline(None, D(2026, 12, 31))),
    ("Duy trì/ Hoàn thành tháng 12/2026", Deadline(D(2026, 12, 1), D(2026, 12, 31), "ongoing")),
    ("Hoàn thành kết nối tháng 12/2026", Deadline(D(2026, 12, 1), D(2026, 12, 31))),
    ("Năm học 2025-2026", Deadline(D(2025, 9, 1), D(2026, 5, 31))),
    ("Năm học 2025-\n2026", Deadline(D(2025, 9, 1), D(2026, 5, 31))),
    ("6 tháng đầu năm 2026", Deadline(D(2026, 1, 1), D(2026, 6, 30))),
    ("Thường xuyên", Deadline(recurrence="ongoing")),
    ("Hàng năm", Deadline(recurrence="annual")),
    ("Hằng năm", Deadline(recurrence="annual")),
    ("Hằng quý", Deadline(recurrence="quarterly")),
    ("Hằng tháng", Deadline(recurrence="monthly")),
    ("Định kỳ 6 tháng hoặc đột xuất", Deadline(recurrence="semiannual")),
    ("Năm 2025 và những năm tiếp theo", Deadline(D(2025, 1, 1), None, "ongoing")),
    ("Sau khi thành phố ban hành bộ quy tắc", Deadline(condition="Sau khi thành phố ban hành bộ quy tắc")),
    ("Theo hướng dẫn thành phố", Deadline(condition="Theo hướng dẫn thành phố")),
    ("Đã thực hiện", Deadline(condition="Đã thực hiện")),
    ("  Theo tiến độ của UBND thành phố ", Deadline(condition="Theo tiến độ của UBND thành phố")),
]


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_convention_forms(raw, expected):
    assert parse_deadline(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_same_without_diacritics(raw, expected):
    stripped = strip_diacritics(raw)
    want = expected
    if expected.condition:  # the condition is the text as printed
        want = Deadline(expected.start, expected.end, expected.recurrence, " ".join(stripped.split()))
    assert parse_deadline(stripped) == want


@pytest.mark.parametrize("raw", ["Thuong xuyén", "Thudng xuyén", "Thường xuyen", "THƯỜNG XUYÊN", "Thuờng xuyên"])
def test_ocr_noise_in_ongoing(raw):
    assert parse_deadline(raw) == Deadline(recurrence="ongoing")


@pytest.mark.parametrize("raw", ["", "   ", "Thué :", "xyz", "Tháng 13/2026", "31/02/2026", "-"])
def test_unreadable_is_a_failure(raw):
    assert parse_deadline(raw) is None


def test_month_without_year_uses_the_plan_year():
    assert parse_deadline("Tháng 4") is None
    assert parse_deadline("Tháng 4", default_year=2026) == Deadline(D(2026, 4, 1), D(2026, 4, 30))
    assert parse_deadline("Quý III", default_year=2026) == Deadline(D(2026, 7, 1), D(2026, 9, 30))


def test_document_numbers_are_not_months():
    got = parse_deadline("Theo Nghị quyết số 98/2023/QH15")
    assert got is not None and got.condition and got.start is None


@pytest.mark.parametrize(("raw", "_"), CASES, ids=[c[0] for c in CASES])
def test_canonical_text_round_trips(raw, _):
    parsed = parse_deadline(raw)
    text = deadline_text(parsed)
    assert text is not None
    assert parse_deadline(text) == parsed


_FORMS = st.one_of(
    st.builds(
        lambda q, y: f"Quý {q}/{y}",
        st.sampled_from(["I", "II", "III", "IV", "I,II", "II, III"]),
        st.integers(2000, 2099),
    ),
    st.builds(lambda m, y: f"Tháng {m}/{y}", st.integers(1, 12), st.integers(2000, 2099)),
    st.builds(lambda m, y: f"{m:02d}/{y}", st.integers(1, 12), st.integers(2000, 2099)),
    st.builds(lambda y, n: f"{y}-{y + n}", st.integers(2000, 2090), st.integers(0, 9)),
    st.builds(lambda y: f"Năm học {y}-{y + 1}", st.integers(2000, 2090)),
    st.builds(
        lambda d, m, y: f"Hoàn thành trước {d}/{m}/{y}", st.integers(1, 28), st.integers(1, 12), st.integers(2000, 2099)
    ),
    st.builds(lambda y: f"Năm {y} và những năm tiếp theo", st.integers(2000, 2099)),
)


@given(st.text())
def test_never_raises_on_arbitrary_text(text):
    got = parse_deadline(text)
    assert got is None or isinstance(got, Deadline)
    if got and got.start and got.end:
        assert got.start <= got.end


@given(_FORMS, st.sampled_from(["", " và thường xuyên", " hằng năm"]))
def test_generated_forms_are_ordered_and_round_trip(form, suffix):
    got = parse_deadline(form + suffix)
    assert got is not None
    assert got.start or got.end
    if got.start and got.end:
        assert got.start <= got.end
    text = deadline_text(got)
    if text is not None:
        assert parse_deadline(text) == got
        assert deadline_text(parse_deadline(text)) == text
