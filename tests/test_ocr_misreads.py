"""Target cells OCR misread in scans ('≥' as '2', '>', '='; '%' as '0', '9'), decided from the page's evidence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scan_builders import misread_word

from pipeline.model import Document
from pipeline.normalize.ocr_misreads import Evidence, printed_sign, read_target
from pipeline.normalize.targets import parse_target

PERCENT = Evidence(percent=True)
SIGNED = Evidence(signs={">=": 3, "": 2})


@pytest.mark.parametrize(
    ("read", "unit", "evidence", "taken"),
    [
        ("800", "%", PERCENT, "80%"),  # '%' read as '0': 800 is no share
        ("809", "", PERCENT, "80%"),  # '%' read as '9'
        ("1000", "", PERCENT, "100%"),
        ("285%", "", Evidence(), "≥ 85%"),  # '≥' read as a '2' fused to the number
        ("295", "%", PERCENT, "≥ 95"),
        ("2 950", "%", PERCENT, "≥ 95%"),  # both
        ("2950", "", PERCENT, "≥ 95%"),
        ("> 85%", "", SIGNED, "≥ 85%"),  # the column's other rows print '≥', none '>'
        ("> 85%", "", Evidence(signs={">=": 6, ">": 2}), "≥ 85%"),  # a few '>' among many '≥'
        ("= 80%", "", Evidence(signs={">=": 1}), "≥ 80%"),  # '=' is no sign a plan prints
        ("= 30%", "", Evidence(signs={"<=": 2}), "≤ 30%"),
        ("2 95%", "", Evidence(signs={">=": 1}), "≥ 95%"),
        ("< 10%", "", Evidence(signs={"<=": 2}), "≤ 10%"),
        ("> 90", "", Evidence(prose=((">=", 90.0),)), "≥ 90"),  # the prose states the same indicator
        ("600", "", Evidence(prose=(("=", 60.0),)), "60%"),
        ("450", "", Evidence(prose=(("=", 45.0), (">=", 50.0))), "45%"),  # '≥ 50' would need a fused '2'
    ],
)
def test_misreading_corrected_from_evidence(read, unit, evidence, taken):
    reading = read_target(read, unit, evidence)
    assert (reading.text, reading.corrected, reading.uncertain) == (taken, True, False)
    assert reading.why


@pytest.mark.parametrize(
    ("read", "unit", "evidence"),
    [
        ("> 85%", "", Evidence()),  # '>' is printed by plans: nothing says it is '≥'
        ("800", "", Evidence()),  # a count, not a share
        ("800", "người", Evidence()),
        ("100", "%", PERCENT),
        ("20%", "", Evidence()),  # a '2' fused to a possible share is the number two
        ("2025", "%", PERCENT),  # a year, not '≥ 025'
        ("250", "", Evidence(signs={">=": 4})),  # a count: the column's signs do not make '2' a '≥'
        ("≥ 95%", "", PERCENT),
        ("Có", "", PERCENT),
        ("0,63", "", Evidence(signs={">=": 3})),
        ("", "%", PERCENT),
    ],
)
def test_reading_kept_without_evidence(read, unit, evidence):
    reading = read_target(read, unit, evidence)
    assert (reading.text, reading.corrected, reading.uncertain) == (read, False, False)


@pytest.mark.parametrize(
    ("read", "unit", "evidence", "why"),
    [
        ("= 80%", "", Evidence(), "starts with a sign"),
        ("2 95%", "", Evidence(), "starts with a sign"),
        ("> 85%", "", Evidence(signs={">=": 2, ">": 1}), "both"),  # the column prints both signs
        ("> 85%", "", Evidence(signs={">=": 1}), "both"),  # one row printing '≥' is not enough for '>'
        ("250", "%", PERCENT, "several readings"),  # '25%' or '≥ 50'
        ("2100", "%", PERCENT, "several readings"),  # '≥ 100' or '≥ 10%'
        ("= 800", "", Evidence(percent=True), "starts with a sign"),  # the number is mended, the sign is not
    ],
)
def test_doubtful_reading_is_kept_and_flagged(read, unit, evidence, why):
    reading = read_target(read, unit, evidence)
    if read == "= 800":
        assert (reading.text, reading.corrected, reading.uncertain) == ("= 80%", True, True)
    else:
        assert (reading.text, reading.corrected, reading.uncertain) == (read, False, True)
    assert why in reading.why


def test_printed_sign():
    got = [printed_sign(t) for t in ("≥ 95", ">=95", "> 9", "≤ 3", "<5", "= 8", "2 95", "295", "95%", "")]
    assert got == [">=", ">=", ">", "<=", "<", "=", "2", "", "", ""]


# ---------------------------------------------------------------- properties

shares = st.integers(min_value=1, max_value=100)


@given(shares, st.sampled_from(["%", ""]))
def test_a_clean_share_is_never_changed(value, percent):
    for text in (f"{value}{percent}", f"≥ {value}{percent}", f"≤ {value}{percent}"):
        reading = read_target(text, "%", Evidence(percent=True, signs={">=": 5}))
        assert (reading.text, reading.corrected, reading.uncertain) == (text, False, False)


@given(st.integers(min_value=11, max_value=100), st.integers(min_value=0, max_value=2000))
def test_misread_signed_share_is_restored_in_a_signed_percent_column(value, seed):
    """Whatever Tesseract makes of '≥ V%' (see scan_builders.misread_word), the column's evidence
    gives back ≥ V% — or says it cannot tell; it never settles on another target. (Under 11, a
    share whose '%' is read as a digit is still a possible share: '≥ 5%' read '=50' is '≥ 50' to
    anyone without the prose.)"""
    printed = f"≥{value}%"
    read = misread_word(printed, str(seed), rate=1.0)
    reading = read_target(read, "", Evidence(percent=True, signs={">=": 3}))
    target = parse_target(reading.text)
    if reading.corrected or not reading.uncertain:
        assert (target.comparator, target.value) == (">=", value), (read, reading)


@given(st.integers(min_value=101, max_value=5000), st.sampled_from(["", "người", "hộ"]))
def test_counts_are_left_alone(value, unit):
    reading = read_target(str(value), unit, Evidence(signs={">=": 3}))
    assert (reading.text, reading.corrected) == (str(value), False)


# ---------------------------------------------------------------- the stage, on a table as a scan reader leaves it


def _document(method: str):
    """A plan whose indicator table (two year columns) was read from page 1 by `method`."""
    from pipeline.extract.columns import column_roles
    from pipeline.model import Cell, Document, Line, Page, Row, Table

    header = ["STT", "Tên chỉ tiêu", "Đơn vị tính", "Năm 2026", "Năm 2030"]
    body = [
        ["1", "Tỷ lệ hộ dùng điện thoại thông minh", "%", "≥ 70%", "≥ 90%"],
        ["2", "Tỷ lệ thôn có camera an ninh kết nối", "%", "600", "2 950"],
        ["3", "Tỷ lệ người dân có chữ ký số cá nhân", "%", "= 40%", "≥ 60%"],
        ["4", "Số mô hình thôn thông minh", "mô hình", "250", "400"],
        ["5", "Tỷ lệ trường học dùng sổ điểm điện tử", "%", "250", "100%"],
    ]
    doc = Document("d", "plan.pdf", "pdf", "0" * 64, 1, pages=[Page(1, method=method)])
    rows = []
    for k, cells in enumerate(body, start=2):
        doc.lines.append(Line(k, "\t".join(cells), 1))
        rows.append(Row([Cell(c, k, k, 1) for c in cells], k, k, 1, raw="\t".join(cells)))
    doc.lines.insert(0, Line(1, "\t".join(header), 1))
    layout = "ocr" if method == "ocr" else "pdf-ruled"  # as the scan reader and the ruled-PDF reader name theirs
    doc.tables.append(Table(0, header, rows, 1, len(body) + 1, 1, layout, "indicator", columns=column_roles(header)))
    return doc


def test_stage_reads_ocr_cells_again_and_flags_them():
    from pipeline.extract.ocr_evidence import indicators_with_evidence

    doc = _document("ocr")
    indicators_with_evidence(doc)
    got = {(i.code, i.target_year): (i.comparator, i.value, i.target_raw, i.flags) for i in doc.indicators}
    assert got[("2", 2026)] == ("=", 60, "600", ["ocr_corrected_target"])
    assert got[("2", 2030)] == (">=", 95, "2 950", ["ocr_corrected_target"])
    assert got[("3", 2026)] == (">=", 40, "= 40%", ["ocr_corrected_target"])
    assert got[("4", 2026)] == ("=", 250, "250", [])  # a count: its column is no % column
    assert got[("1", 2030)] == (">=", 90, "≥ 90%", [])
    corrected = [d for d in doc.diagnostics if d.code == "ocr_corrected_target"]
    assert sorted(d.raw_text for d in corrected) == ["2 950", "600", "= 40%"]
    assert all(d.line_start == d.line_end and d.page == 1 and d.severity == "info" for d in corrected)
    assert got[("5", 2026)] == ("=", 250, "250", ["ocr_uncertain_target"])  # 25% or ≥ 50?
    doubtful = [d for d in doc.diagnostics if d.code == "ocr_uncertain_target"]
    assert [(d.raw_text, d.severity, d.line_start) for d in doubtful] == [("250", "warning", 6)]


def test_stage_leaves_a_text_layer_as_printed():
    from pipeline.extract.ocr_evidence import indicators_with_evidence

    doc = _document("pymupdf")
    indicators_with_evidence(doc)
    got = {(i.code, i.target_year): (i.comparator, i.value) for i in doc.indicators}
    assert got[("2", 2026)] == ("=", 600) and got[("3", 2026)] == ("=", 40)
    assert not any(d.code.startswith("ocr_") for d in doc.diagnostics)
    assert not any(f.startswith("ocr_") for i in doc.indicators for f in i.flags)


def _text_export(names: list[str]) -> Document:
    """An OCR text export whose indicator table prints each target inside its name cell."""
    from pipeline.extract.columns import column_roles
    from pipeline.model import Cell, Line, Row, Table

    header = ["STT", "Muc tieu, chi tieu", "Co quan chu tri"]
    doc = Document("t", "plan.txt", "text", "0" * 64, 0)
    doc.lines = [Line(1, "\t".join(header))]
    rows = []
    for k, name in enumerate(names, start=2):
        cells = [str(k - 1), name, "Phong Kinh te"]
        doc.lines.append(Line(k, "\t".join(cells)))
        rows.append(Row([Cell(c, k, k) for c in cells], k, k, raw="\t".join(cells)))
    end = len(doc.lines)
    doc.tables.append(Table(0, header, rows, 1, end, None, "ocr", "indicator", columns=column_roles(header)))
    doc.metadata.plan_year = 2026
    return doc


NAMES = [
    "Ty le ho gia dinh co internet cap quang dat > 300",
    "Ty le thon co diem wifi cong cong dat > 90%",
    "Ty le nguoi dan dung vi dien tu dat 75%",
]


def test_a_target_inside_the_name_cell_is_read_again_from_the_table_and_the_prose():
    from pipeline.extract.ocr_evidence import indicators_with_evidence

    doc = _text_export(NAMES)
    indicators_with_evidence(doc)
    first = doc.indicators[0]
    assert (first.comparator, first.value, first.unit, first.target_raw) == (">", 30, "percent", "> 300")
    assert first.flags == ["ocr_corrected_target"]
    assert [d.raw_text for d in doc.diagnostics if d.code == "ocr_corrected_target"] == ["> 300"]
    assert [i.value for i in doc.indicators[1:]] == [90, 75]


def test_a_count_inside_the_name_cell_stays_as_printed_without_evidence():
    from pipeline.extract.ocr_evidence import indicators_with_evidence

    doc = _text_export(["So thon co nha van hoa so dat 300", "So ho kinh doanh dung ma QR dat 120"])
    indicators_with_evidence(doc)
    assert [(i.value, i.unit, i.flags) for i in doc.indicators] == [(300, None, []), (120, None, [])]
