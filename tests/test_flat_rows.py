"""Row starts of flattened tables chosen globally (extract/flat_rows.py)."""

from __future__ import annotations

from pipeline.extract.flat_rows import candidate, choose

FIRST = {(1,), (1, 1)}


def _starts(lines: list[str]) -> list[str]:
    cands = [c for n, text in enumerate(lines) if (c := candidate(n, text))]
    has_text = [True] * len(lines)
    for c in cands:
        has_text[c.position] = bool(c.rest)
    return [c.printed for c in choose(cands, has_text, FIRST, ocr=False)]


def test_numbers_inside_cells_are_never_candidates():
    for text in ("100% cán bộ", "2026 – 2030", "12/2026", "Nghị quyết 57", "0 hồ sơ"):
        assert candidate(0, text) is None
    assert candidate(0, "01 Tỷ lệ").number == "1"
    assert candidate(0, "b) Xây dựng").value == (2,)
    assert candidate(0, "đ) Xây dựng").value == (5,)  # Vietnamese lists: a b c d đ e


def test_a_gap_and_a_swap_still_open_rows():
    lines = ["1 Tỷ lệ A", "Phòng X", "2 Tỷ lệ B", "4 Tỷ lệ D", "3 Tỷ lệ C", "5 Tỷ lệ E", "Phòng Y"]
    assert _starts(lines) == ["1", "2", "4", "3", "5"]
    assert _starts(["1 Tỷ lệ A", "3 Tỷ lệ C", "4 Tỷ lệ D"]) == ["1", "3", "4"]


def test_a_stray_number_out_of_sequence_stays_in_its_cell():
    lines = ["1 Tỷ lệ A", "2 Tỷ lệ B đạt", "15 năm liên tục", "3 Tỷ lệ C"]
    assert _starts(lines) == ["1", "2", "3"]
    lines = ["1 Tỷ lệ A", "2 Tỷ lệ B", "5 lượt tham gia", "3 Tỷ lệ C"]
    assert _starts(lines) == ["1", "2", "3"]


def test_zero_padded_and_lettered_rows():
    assert _starts(["01 Tỷ lệ A", "02 Tỷ lệ B", "03 Tỷ lệ C"]) == ["01", "02", "03"]
    assert _starts(["a) Việc A", "b) Việc B", "d) Việc D"]) == ["a", "b", "d"]


def test_a_bare_number_with_no_text_before_the_next_row_is_a_cell():
    assert _starts(["1 Tỷ lệ A", "2", "2 Tỷ lệ B"]) == ["1", "2"]
