import unicodedata
from pathlib import Path

import pytest

from pipeline.config import Limits
from pipeline.readers import ReadError, read_document, sniff
from pipeline.readers.text import clean_line, decode

TEXT = "Tỷ lệ phủ sóng 5G đạt ≥ 95%\nĐơn vị tính\tKết quả"


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.encode("utf-16"),
        TEXT.encode("utf-16-le"),
        unicodedata.normalize("NFD", TEXT).encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-no-bom", "utf8-nfd"],
)
def test_decodes_to_nfc(encoded):
    text, _ = decode(encoded)
    lines = [clean_line(x) for x in text.split("\n")]
    assert lines == TEXT.split("\n")


def test_windows_1258_is_decoded():
    # Windows-1258 stores Vietnamese with combining tone marks; NFC recomposes them.
    legacy = "Kê\u0301 hoa\u0323ch pha\u0301t triê\u0309n".encode("cp1258")
    text, encoding = decode(legacy)
    assert encoding == "cp1258"
    assert clean_line(text) == "Kế hoạch phát triển"


def test_markup_is_removed_but_tabs_kept():
    assert clean_line("<b>II</b>\t<b>Đến  năm 2045</b>\t\t") == "II\tĐến năm 2045"
    assert clean_line("## **I. MỤC ĐÍCH, YÊU CẦU**") == "## I. MỤC ĐÍCH, YÊU CẦU"
    assert clean_line("PHỤ LỤC II**DANH MỤC***(Ban hành)*") == "PHỤ LỤC II DANH MỤC (Ban hành)"


@pytest.mark.parametrize(
    "data,kind",
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"", "empty"),
        (b"   \n", "empty"),
        (bytes(range(256)) * 4, "binary"),
        ("Kế hoạch".encode(), "text"),
    ],
)
def test_sniff(data, kind):
    assert sniff(data) == kind


def test_unreadable_inputs_raise_clear_errors(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        read_document(empty, Limits())
    junk = tmp_path / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 16)
    with pytest.raises(ReadError, match="not a text, PDF or DOCX"):
        read_document(junk, Limits())
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(ReadError, match="over the limit"):
        read_document(big, Limits(max_bytes=1000))


def test_seed_lines_keep_file_line_numbers(seed_docs):
    doc = seed_docs["000"]
    raw = Path(doc.source_file).read_text(encoding="utf-8").split("\n")
    assert len(doc.lines) == len(raw)
    assert doc.lines[2].text == "KẾ HOẠCH" and doc.lines[2].no == 3
