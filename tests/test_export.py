"""What officials open: the Excel workbook, CSVs with a BOM, and the province's reference CSV."""

from __future__ import annotations

import unicodedata

import pandas as pd
import pytest
from openpyxl import load_workbook
from seed_outputs import write_seed_outputs

from pipeline.cli import main
from pipeline.reference import TEMPLATE, ReferenceFileError, parse_value, read_reference


@pytest.fixture(scope="module")
def pred(seed_docs, tmp_path_factory):
    return write_seed_outputs(seed_docs, tmp_path_factory.mktemp("pred"))


def test_workbook_has_a_sheet_per_table_in_vietnamese(pred, tmp_path, seed_docs):
    path = tmp_path / "ketqua.xlsx"
    assert main(["export", "--pred", str(pred), "--xlsx", str(path)]) == 0
    book = load_workbook(path)
    assert {"So sánh", "Chi tiết giá trị", "Văn bản", "Chỉ tiêu", "Nhiệm vụ"} <= set(book.sheetnames)
    wide = book["So sánh"]
    header = [c.value for c in wide[1]]
    assert header[:3] == ["Mã chỉ tiêu", "Tên chỉ tiêu chuẩn", "Năm mục tiêu"]
    communes = {d.metadata.commune for d in seed_docs.values()}
    assert communes <= set(header)  # Vietnamese names intact
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")
    docs = book["Văn bản"]
    titles = [c.value for c in docs[1]]
    assert "Mã định danh xã" in titles and "Xã/phường" in titles
    values = [r[titles.index("Xã/phường")] for r in docs.iter_rows(min_row=2, values_only=True)]
    assert set(values) == communes
    assert book["Nhiệm vụ"].max_row == sum(len(d.tasks) for d in seed_docs.values()) + 1


def test_compare_writes_csvs_with_bom(pred, tmp_path):
    assert main(["compare", "--pred", str(pred), "--out", str(tmp_path)]) == 0
    for name in ("comparison", "comparison_detail", "comparison_wide", "plans"):
        raw = (tmp_path / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
    wide = pd.read_csv(tmp_path / "comparison_wide.csv", encoding="utf-8-sig")
    assert wide.columns[0] == "indicator_id" and wide["target_year"].nunique() > 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("90", (">=", 90.0)),
        ("90%", (">=", 90.0)),
        ("≥ 90", (">=", 90.0)),
        (">= 90", (">=", 90.0)),
        ("≤5", ("<=", 5.0)),
        ("0,63", (">=", 0.63)),
        (" = 100 % ", ("=", 100.0)),
    ],
)
def test_reference_values(text, expected):
    assert parse_value(text) == expected


@pytest.mark.parametrize("sep", [",", ";"])
@pytest.mark.parametrize("header", [("indicator_id", "year", "value"), ("Mã chỉ tiêu", "Năm", "Giá trị")])
def test_reference_file_variants(tmp_path, sep, header):
    path = tmp_path / "ref.csv"
    rows = [sep.join(header), sep.join(["HT01", "2026", "≥ 90%"]), sep.join(["HT02", "2030", "75"])]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    ref = read_reference(path)
    assert ref.to_dict("records") == [
        {"indicator_id": "HT01", "year": 2026, "comparator": ">=", "value": 90.0},
        {"indicator_id": "HT02", "year": 2030, "comparator": ">=", "value": 75.0},
    ]


def test_shipped_template_reads():
    ref = read_reference(TEMPLATE)
    assert len(ref) >= 2 and ref["value"].notna().all()


def test_bad_reference_row_is_named_in_one_line(pred, tmp_path, capsys):
    path = tmp_path / "ref.csv"
    path.write_text("mã chỉ tiêu;năm;giá trị\nHT01;2026;90%\nHT02;2026;khoảng chín mươi\n", encoding="utf-8")
    with pytest.raises(ReferenceFileError, match="dòng 3"):
        read_reference(path)
    code = main(["report", "--pred", str(pred), "--out", str(tmp_path / "r.html"), "--reference", str(path)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "dòng 3" in err and len(err.splitlines()) == 1 and "Traceback" not in err
    path.write_text("chỉ tiêu\nHT01\n", encoding="utf-8")
    with pytest.raises(ReferenceFileError, match="dòng 1: thiếu cột"):
        read_reference(path)


def test_reference_with_an_unknown_indicator_is_a_bad_row(pred, tmp_path, capsys):
    path = tmp_path / "ref.csv"
    path.write_text("indicator_id,year,value\nHT01,2026,90\nHT0l,2026,80\n", encoding="utf-8")
    code = main(["report", "--pred", str(pred), "--out", str(tmp_path / "r.html"), "--reference", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "dòng 3" in err and "HT0l" in err and not (tmp_path / "r.html").exists()


def _cp1258(text: str) -> bytes:
    """As Excel's plain 'CSV' save on Vietnamese Windows: precomposed where the code page has it, else combining."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", base[:-1]).encode("cp1258") + base[-1].encode("cp1258")
    return out


@pytest.mark.parametrize("encode", [_cp1258, lambda t: t.encode("utf-16")])
def test_reference_in_excel_encodings(tmp_path, encode):
    path = tmp_path / "ref.csv"
    path.write_bytes(encode("Mã chỉ tiêu;Năm;Chỉ tiêu tỉnh\r\nHT01;2026;85%\r\n"))
    expected = [{"indicator_id": "HT01", "year": 2026, "comparator": ">=", "value": 85.0}]
    assert read_reference(path).to_dict("records") == expected
