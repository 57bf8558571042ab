"""Plan metadata on the seeds, on diacritic-stripped copies and on headers built here."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract import language
from pipeline.extract.headings import find_headings
from pipeline.extract.metadata import extract_metadata
from pipeline.extract.tables import find_tables
from pipeline.model import Document
from pipeline.normalize.fold import fold, strip_diacritics
from pipeline.readers.text import read_lines

SEEDS = ("000", "001", "002", "003", "004")


def build(text: str) -> Document:
    doc = Document("t", "t.txt", "text", "", 0, lines=read_lines(text))
    find_tables(doc)
    find_headings(doc)
    extract_metadata(doc)
    return doc


def raw(doc: Document) -> str:
    return "\n".join(ln.text for ln in doc.lines)


BODY = (
    "I. MỤC TIÊU\n\n1. Mục tiêu chung\n\n- Nâng cao chất lượng phục vụ của chính quyền xã đối với người dân và "
    "doanh nghiệp trên địa bàn, các cơ quan được giao nhiệm vụ và các đơn vị phối hợp thực hiện.\n\n"
    "- Ủy ban nhân dân xã Tân An chỉ đạo các phòng chuyên môn, các tổ chức và những người được giao "
    "thực hiện các nhiệm vụ trong kế hoạch này theo đúng tiến độ cho cả năm.\n\n"
    "Nơi nhận:\n- Sở KHCN;\n- Lưu: VT.\n\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nLê Thị Hoa\n"
)


# ------------------------------------------------------------------------------------------------- seeds

# What a reader sees printed in each plan (a blank number or a date with a blank day stays null).
EXPECTED = {
    "000": {"commune": "Tân Thanh", "doc_number": "62/KH-UBND", "issue_date": date(2026, 3, 16)},
    "001": {"commune": "Tân Kỳ", "doc_number": None, "issue_date": None, "province": "Hải Phòng"},
    "002": {"commune": "Tân Hưng", "doc_number": None, "issue_date": None, "province": "Đồng Nai"},
    "003": {"commune": "Xuan Thanh", "doc_number": "68/KH-UBND", "issue_date": None, "province": "Đồng Nai"},
    "004": {"commune": "Tân Phú", "doc_number": None, "issue_date": None, "province": "Đồng Nai"},
}


@pytest.mark.parametrize("prefix", SEEDS)
def test_seed_metadata(seed_docs, prefix):
    meta = seed_docs[prefix].metadata
    for field, value in EXPECTED[prefix].items():
        assert getattr(meta, field) == value, field
    assert meta.plan_year == 2026


@pytest.mark.parametrize("prefix", SEEDS)
def test_seed_commune_and_signer_are_printed(seed_docs, prefix):
    doc = seed_docs[prefix]
    text = raw(doc)
    assert re.search(rf"(?i)x[ãa]\s+{re.escape(doc.metadata.commune)}", text)
    signer = doc.metadata.signer
    assert signer and any(ln.text.strip() == signer for ln in doc.lines)
    title_line = next(ln for ln in doc.lines if ln.no < 30 and fold(ln.text) == "ke hoach")
    assert doc.metadata.title.startswith(doc.lines[title_line.no].text.strip()[:20])


@pytest.mark.parametrize("prefix", SEEDS)
def test_seed_doc_number_matches_an_independent_reading(seed_docs, prefix):
    doc = seed_docs[prefix]
    ascii_text = strip_diacritics(raw(doc))
    header = re.findall(r"(?m)(?:^|\s)S[o6]:\s*(\d+)\s*/\s*(KH-UBND)", ascii_text)
    caption = re.findall(r"(?i)kem theo Ke hoach so\s*:?\s*(\d+)\s*/\s*(KH-UBND)", ascii_text)
    printed = header + caption
    expected = f"{printed[0][0]}/{printed[0][1]}" if printed else None
    assert doc.metadata.doc_number == expected


def test_diacritics_flag(seed_docs):
    flags = {p: seed_docs[p].diacritics_stripped for p in SEEDS}
    assert flags == {"000": False, "001": False, "002": False, "003": True, "004": False}


@pytest.mark.parametrize("prefix", SEEDS)
def test_seeds_are_vietnamese(seed_docs, prefix):
    assert not [d for d in seed_docs[prefix].diagnostics if d.code == "not_vietnamese"]


def test_stripped_seed_gives_the_same_facts(seed_docs):
    doc = seed_docs["000"]
    stripped = build(strip_diacritics(raw(doc)))
    assert stripped.diacritics_stripped
    meta, original = stripped.metadata, doc.metadata
    assert meta.commune == strip_diacritics(original.commune)  # no diacritic form anywhere: keep it plain
    assert (meta.doc_number, meta.issue_date, meta.plan_year) == (original.doc_number, original.issue_date, 2026)
    assert meta.signer == strip_diacritics(original.signer)
    assert meta.province == original.province  # restored from the closed list of province names


# ------------------------------------------------------------------------------------------------- built


def test_header_number_date_and_year():
    doc = build(
        "ỦY BAN NHÂN DÂN\nXÃ TÂN AN\n\nSố: 15/KH-UBND\n\nTân An, ngày 05 tháng 3 năm 2026\n\nKẾ HOẠCH\n"
        "Chuyển đổi số trên địa bàn xã Tân An\n\nCăn cứ Nghị quyết số 57-NQ/TW;\n\n" + BODY
    )
    meta = doc.metadata
    assert (meta.commune, meta.doc_number, meta.issue_date) == ("Tân An", "15/KH-UBND", date(2026, 3, 5))
    assert meta.plan_year == 2026  # no year in the title: the issue date's
    assert meta.title == "Chuyển đổi số trên địa bàn xã Tân An"
    assert meta.signer == "Lê Thị Hoa"
    assert meta.province is None  # never named


def test_blank_number_and_day_stay_null():
    doc = build(
        "ỦY BAN NHÂN DÂN\nXÃ TÂN AN\nSố:    /KH-UBND\nTân An, ngày    tháng 03 năm 2025\n\nKẾ HOẠCH\n"
        "Triển khai Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 trên địa bàn xã Tân An năm 2026\n\n" + BODY
    )
    meta = doc.metadata
    assert meta.doc_number is None and meta.issue_date is None
    assert meta.plan_year == 2026  # the title's year, not the date inside it nor the issue year


def test_wrapped_title_and_caption_number():
    doc = build(
        "KẾ HOẠCH\nTriển khai Nghị quyết số 57-\n\nNQ/TW của Bộ Chính trị về “đột phá phát triển”\n"
        "trên địa bàn xã Tân An\n\nCăn cứ Kế hoạch của Ủy ban nhân dân tỉnh Quảng Ninh;\n\n"
        + BODY
        + "\nPHỤ LỤC I\n(Ban hành kèm theo Kế hoạch số : 7 /KH-UBND ngày 9/4/2026 của UBND xã Tân An)\n"
    )
    meta = doc.metadata
    assert (
        meta.title
        == "Triển khai Nghị quyết số 57-NQ/TW của Bộ Chính trị về “đột phá phát triển” trên địa bàn xã Tân An"
    )
    assert (meta.doc_number, meta.issue_date, meta.plan_year) == ("7/KH-UBND", date(2026, 4, 9), 2026)
    assert meta.province == "Quảng Ninh"


def test_ocr_header():
    doc = build(
        "UY BAN NHAN DAN CONG HOA XA HOI CHU NGHIA VIET NAM\nXA AN BINH Doc lap - Tu do\n"
        "S6: 21 /KH-UBND An Binh, ngay 12 thang 02nam 2026\nKE HOACH\nTrien khai chuyen doi so nim 2026\n\n"
        "Can ctit Ke hoach cua UBND tinh Pong Nai;\n\n" + strip_diacritics(BODY).replace("Tan An", "An Binh")
    )
    meta = doc.metadata
    assert doc.diacritics_stripped
    assert (meta.commune, meta.doc_number, meta.issue_date) == ("An Binh", "21/KH-UBND", date(2026, 2, 12))
    assert (meta.plan_year, meta.province, meta.signer) == (2026, "Đồng Nai", "Le Thi Hoa")
    assert meta.title == "Trien khai chuyen doi so nim 2026"


def test_commune_takes_the_diacritic_form_when_printed_anywhere():
    doc = build(
        "KẾ HOẠCH\nChuyển đổi số\n\n" + strip_diacritics(BODY) + "\nBình An, ngày 3 tháng 2 năm 2026\nxã Bình An\n"
    )
    assert doc.metadata.commune == "Tan An"
    doc = build("KẾ HOẠCH\nChuyển đổi số\n\n" + strip_diacritics(BODY) + "\nTân An nông thôn mới\n")
    assert doc.metadata.commune == "Tân An"


@pytest.mark.parametrize(
    "text",
    [
        "This plan sets out the digital transformation targets of the commune for the year. " * 20,
        "Le plan de transformation numérique de la commune fixe les objectifs de l'année et va plus loin. " * 20,
    ],
)
def test_foreign_text_is_flagged(text):
    doc = build(text)
    codes = [d.code for d in doc.diagnostics if d.severity == "warning"]
    assert codes == ["not_vietnamese"]
    assert not doc.diacritics_stripped  # not a Vietnamese text that lost its marks
    assert doc.metadata.commune is None and doc.metadata.plan_year is None


def test_short_text_is_not_judged():
    assert language.looks_vietnamese("Hello world") is None
    assert language.marked_letter_share("Xin chào") is None
    assert not build("Hello").diagnostics


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=3000))
def test_language_shares_are_in_range(text):
    for share in (language.marked_letter_share(text), language.function_word_share(text)):
        assert share is None or 0.0 <= share <= 1.0
    assert isinstance(language.diacritics_stripped(text), bool)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("SốoKHUBND:/0123456789 ,ngàytháxãXÃTânAn\tCHỦỊ\n"), max_size=60)))
def test_metadata_never_raises(lines):
    doc = build("\n".join(lines))
    meta = doc.metadata
    assert meta.plan_year is None or 1900 <= meta.plan_year <= 2099
    assert meta.doc_number is None or "/" in meta.doc_number
