"""Heading tree on the seeds and on documents built here (wrapped titles, OCR markers, appendices)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.headings import find_headings, heading_path
from pipeline.extract.tables import find_tables
from pipeline.model import Document, Line
from pipeline.normalize.fold import strip_diacritics
from pipeline.readers.text import read_lines

SEEDS = ("000", "001", "002", "003", "004")
BULLETS = "-+•"


def strip_letters(text: str) -> str:
    """strip_diacritics on letters only: OCR symbols ('¢' for c) are not diacritics and stay."""
    return "".join(strip_diacritics(c) if c.isalpha() else c for c in text)


def build(text: str) -> Document:
    doc = Document("t", "t.txt", "text", "", 0, lines=read_lines(text))
    find_tables(doc)
    find_headings(doc)
    return doc


def children(doc: Document, index: int) -> list[str | None]:
    return [h.numbering for h in doc.headings if h.parent == index]


def top(doc: Document, kind: str) -> list:
    return [h for h in doc.headings if h.kind == kind and h.parent is None]


def source(doc: Document, line_no: int) -> str:
    return doc.lines[line_no - 1].text


# ------------------------------------------------------------------------------------------------- seeds


def test_000_parts_sections_and_appendices(seed_docs):
    doc = seed_docs["000"]
    # independent reading of the raw text: body lines 'I. …' before the first appendix
    raw = [ln.text for ln in doc.lines]
    first_appendix = next(i for i, t in enumerate(raw) if t.upper().startswith("PHỤ LỤC"))
    printed = [m[1] for t in raw[:first_appendix] if (m := re.match(r"^([IVX]+)\.\s", t))]
    assert [h.numbering for h in top(doc, "roman")] == printed == ["I", "II", "III", "IV", "V", "VI"]
    assert [h.numbering for h in top(doc, "appendix")] == ["Phụ lục I", "Phụ lục II"]
    part_iii = next(h for h in doc.headings if h.numbering == "III")
    assert children(doc, part_iii.index) == [str(n) for n in range(1, 8)]
    # 'Phụ lục I' alone on its line takes the upper-case title under it
    assert top(doc, "appendix")[0].title.startswith("CHỈ TIÊU CỤ THỂ")
    # a caption glued to the title is not part of it
    assert "kèm theo" not in top(doc, "appendix")[1].title.lower()


def test_000_sentence_long_lettered_items_are_paragraphs(seed_docs):
    doc = seed_docs["000"]
    lettered = [ln for ln in doc.lines if re.match(r"^[a-zđ]\) ", ln.text)]
    assert len(lettered) >= 5 and all(len(ln.text) > 100 and ln.text.endswith((".", ";")) for ln in lettered)
    assert not [h for h in doc.headings if h.kind == "letter"]


def test_001_markdown_levels_come_from_numbering(seed_docs):
    doc = seed_docs["001"]
    marked = [h for h in doc.headings if source(doc, h.line).startswith("#")]
    assert len(marked) >= 15
    hash_counts = {len(source(doc, h.line)) - len(source(doc, h.line).lstrip("#")) for h in marked}
    assert len(hash_counts) >= 3  # the export mixes ##, ### and ####
    for h in marked:
        if h.kind == "roman":
            assert h.level == 1
        elif h.kind == "arabic":
            assert h.level == 2 + h.numbering.count("."), h
    part_iii = next(h for h in doc.headings if h.numbering == "III")
    assert children(doc, part_iii.index) == [str(n) for n in range(1, 9)]
    assert "KẾ HOẠCH" not in [h.title for h in doc.headings]  # the document type, not a section


def test_001_numbered_sentences_are_paragraphs(seed_docs):
    doc = seed_docs["001"]
    sentences = [ln for ln in doc.lines if re.match(r"^\d+\.\d+\. ", ln.text)]
    assert len(sentences) > 40
    assert not [h for h in doc.headings if h.kind == "arabic" and "." in h.numbering and not h.title[0].isupper()]
    headed = {h.line for h in doc.headings}
    assert not headed & {ln.no for ln in sentences}
    # the marked '## 2.2.' is a heading under II.2
    two_two = next(h for h in doc.headings if h.numbering == "2.2")
    assert doc.headings[two_two.parent].numbering == "2" and two_two.level == 3
    assert [h.numbering for h in top(doc, "appendix")] == ["Phụ lục I", "Phụ lục II", "Phụ lục III", "Phụ lục 4"]


def test_003_ocr_headings(seed_docs):
    doc = seed_docs["003"]
    parts = top(doc, "roman")
    assert [h.numbering for h in parts] == ["I", "II", "III", "IV"]
    by_number = {h.numbering: h for h in parts}
    assert by_number["IV"].title == "TO CHUC THUC HIEN"  # 'IV.TO CHUC' without a space
    assert by_number["II"].title.startswith("NHIEM VU")  # 'II- NHIEM VU'
    assert children(doc, by_number["II"].index) == [str(n) for n in range(1, 8)]
    assert children(doc, by_number["IV"].index) == [str(n) for n in range(1, 8)]
    targets = next(h for h in doc.headings if h.parent == by_number["I"].index and h.numbering == "2")
    assert children(doc, targets.index) == ["a", "b", "c"]  # '¢) Xa hoi sé' is c)
    wrapped = next(h for h in doc.headings if h.parent == by_number["II"].index and h.numbering == "1")
    assert wrapped.line_end == wrapped.line + 1
    assert wrapped.title.endswith(doc.lines[wrapped.line].text.strip())


def test_003_unnamed_appendix_after_signature(seed_docs):
    doc = seed_docs["003"]
    appendices = top(doc, "appendix")
    assert len(appendices) == 1
    caption = next(ln.no for ln in doc.lines if "kem theo" in strip_diacritics(ln.text).lower())
    assert appendices[0].line < caption <= appendices[0].line + 4
    assert appendices[0].title.isupper() and appendices[0].numbering == "Phụ lục"


def test_002_wrapped_title_gets_its_continuation(seed_docs):
    doc = seed_docs["002"]
    wrapped = [h for h in doc.headings if h.line_end and h.line_end > h.line]
    assert wrapped
    for h in wrapped:
        continuation = doc.lines[h.line_end - 1].text.strip()
        assert continuation[0].islower() and h.title.endswith(continuation)
    assert [h.numbering for h in top(doc, "appendix")] == ["Phụ lục"]  # the typo 'PHỤC LỤC'


@pytest.mark.parametrize("prefix", SEEDS)
def test_bullets_and_table_lines_are_never_headings(seed_docs, prefix):
    doc = seed_docs[prefix]
    in_table = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    for h in doc.headings:
        text = source(doc, h.line).lstrip("# ").strip()
        assert text[0] not in BULLETS, h
        assert "\t" not in source(doc, h.line) and h.line not in in_table, h


@pytest.mark.parametrize("prefix", SEEDS)
def test_parents_are_consistent(seed_docs, prefix):
    doc = seed_docs[prefix]
    assert doc.headings
    for h in doc.headings:
        if h.parent is None:
            assert all(o.level >= h.level for o in doc.headings[: h.index])
            continue
        parent = doc.headings[h.parent]
        assert parent.index < h.index and parent.level < h.level
        between = doc.headings[parent.index + 1 : h.index]
        assert all(o.level >= h.level for o in between)  # the nearest shallower heading
        assert heading_path(doc, h.index).startswith(heading_path(doc, parent.index))


@pytest.mark.parametrize("prefix", SEEDS)
def test_stripping_diacritics_keeps_the_tree(seed_docs, prefix):
    doc = seed_docs[prefix]
    stripped = Document(
        "s", "s.txt", "text", "", 0, lines=[Line(ln.no, strip_letters(ln.text), ln.page) for ln in doc.lines]
    )
    stripped.tables = doc.tables  # the same table spans: this compares heading rules only
    find_headings(stripped)

    def shape(d: Document) -> list[tuple]:
        return [(h.kind, strip_diacritics(h.numbering or ""), h.level, h.parent, h.line) for h in d.headings]

    assert shape(stripped) == shape(doc)


# ------------------------------------------------------------------------------------------------- built


def test_wrapped_title_is_joined_only_when_clearly_continued():
    doc = build(
        "I. NHIỆM VỤ\n\n"
        "1. Về cơ chế, chính sách phát triển khoa học, công nghệ và đổi mới\n"
        "sáng tạo tại cơ sở\n\n"
        "- Tuyên truyền chính sách.\n\n"
        "2. Phòng Văn hóa - Xã hội tham mưu Ủy ban nhân dân xã thực hiện các\n"
        "nội dung sau đây và báo cáo kết quả thực hiện định kỳ hằng năm với Ủy ban nhân dân xã;\n\n"
        "3. Phòng Kinh tế\n"
        "Trên cơ sở khả năng cân đối ngân sách, tham mưu bố trí kinh phí.\n"
    )
    titles = {h.numbering: h for h in doc.headings}
    assert titles["1"].title.endswith("đổi mới sáng tạo tại cơ sở") and titles["1"].line_end == 4
    assert titles["2"].title.endswith("thực hiện các") and titles["2"].line_end == titles["2"].line
    assert titles["3"].title == "Phòng Kinh tế"


def test_paragraph_runs_and_heading_runs():
    long = "Triển khai chương trình tuyên truyền thường xuyên, sâu rộng về nội dung các Nghị quyết, " * 2 + "xong."
    doc = build(
        "I. NHIỆM VỤ\n\n1. Nâng cao nhận thức\n\n"
        f"1.1. {long}\n\n1.2. {long}\n\n1.3. Phát động phong trào thi đua\n\n"
        "2. Hạ tầng\n\n2.1. Hạ tầng viễn thông\n\n2.2. Hạ tầng dữ liệu\n\n"
        "a) Chính quyền số\n\n- Số hóa 100% hồ sơ.\n\nb) Kinh tế số\n"
    )
    numbers = [h.numbering for h in doc.headings]
    assert "1.1" not in numbers and "1.3" not in numbers  # a paragraph run, decided together
    assert {"2.1", "2.2", "a", "b"} <= set(numbers)
    letter_a = next(h for h in doc.headings if h.numbering == "a")
    assert doc.headings[letter_a.parent].numbering == "2.2" and letter_a.level == 4


@pytest.mark.parametrize(
    ("line", "numbering", "title"),
    [
        ("Phụ lục I", "Phụ lục I", ""),
        ("PHỤ LỤC 4: PHÂN CÔNG NHIỆM VỤ", "Phụ lục 4", "PHÂN CÔNG NHIỆM VỤ"),
        ("PHỤC LỤC", "Phụ lục", ""),
        ("## PHỤ LỤC II: DANH MỤC CHỈ TIÊU", "Phụ lục II", "DANH MỤC CHỈ TIÊU"),
        ("Phu luc 02 - DANH MUC NHIEM VU", "Phụ lục 2", "DANH MUC NHIEM VU"),
        ("PHỤ LỤC III DANH MỤC (Ban hành kèm theo Kế hoạch số 5/KH-UBND)", "Phụ lục III", "DANH MỤC"),
    ],
)
def test_appendix_titles(line, numbering, title):
    doc = build(f"I. MỤC TIÊU\n\n{line}\n")
    appendix = doc.headings[-1]
    assert (appendix.kind, appendix.numbering, appendix.title) == ("appendix", numbering, title)
    assert appendix.level == 1 and appendix.parent is None


def test_appendix_word_in_running_text_is_not_a_title():
    doc = build("I. MỤC TIÊU\n\nPhụ lục kèm theo gồm các biểu mẫu.\n\nPhụ lục I đính kèm.\n")
    assert [h.kind for h in doc.headings] == ["roman"]


def test_caption_without_appendix_word_opens_an_appendix():
    doc = build(
        "I. TỔ CHỨC THỰC HIỆN\n\n1. Phòng Kinh tế\n\nCHỦ TỊCH\n\nNguyễn Văn A\n\n"
        "PHÂN CÔNG TRIỂN KHAI MỤC TIÊU\n\nXÃ TÂN AN NĂM 2026\n(Kèm theo Kế hoạch số 5/KH-UBND ngày 3/2/2026)\n"
        "I. CHÍNH QUYỀN SỐ\n"
    )
    appendix = next(h for h in doc.headings if h.kind == "appendix")
    assert appendix.title == "PHÂN CÔNG TRIỂN KHAI MỤC TIÊU XÃ TÂN AN NĂM 2026"
    assert (appendix.line, appendix.line_end) == (9, 11)
    part = doc.headings[-1]
    assert part.numbering == "I" and part.parent == appendix.index and part.level == 2


@pytest.mark.parametrize(
    ("line", "kind", "numbering", "title"),
    [
        ("IV.TO CHUC THUC HIEN", "roman", "IV", "TO CHUC THUC HIEN"),
        ("II- NHIEM VU TRONG TAM NAM 2026", "roman", "II", "NHIEM VU TRONG TAM NAM 2026"),
        ("III – GIẢI PHÁP", "roman", "III", "GIẢI PHÁP"),
        ("## **V. TỔ CHỨC THỰC HIỆN**", "roman", "V", "TỔ CHỨC THỰC HIỆN"),
        ("¢) Xa hoi sé", "letter", "c", "Xa hoi sé"),
        ("đ) Xã hội số", "letter", "đ", "Xã hội số"),
        ("1. PAy manh cong tic thong tin", "arabic", "1", "PAy manh cong tic thong tin"),
        ("#### 3. Hạ tầng số", "arabic", "3", "Hạ tầng số"),
    ],
)
def test_heading_shapes(line, kind, numbering, title):
    doc = build(f"I. MỤC TIÊU\n\n1. Mục tiêu chung\n\n{line}\n")
    h = doc.headings[-1]
    assert (h.kind, h.numbering, h.title) == (kind, numbering, title)


@pytest.mark.parametrize(
    "line",
    [
        "- Tuyên truyền, phổ biến chính sách.",
        "+ Nhận thức và hành động.",
        "• Số hóa hồ sơ.",
        "2026 là năm tăng tốc.",
        "1. 5% dân số",
        "2.0 của tỉnh Đồng Nai",
        "1.\tCụ thể hóa nhiệm vụ\tPhòng Kinh tế",
        "Trên đây là Kế hoạch của Ủy ban nhân dân xã.",
    ],
)
def test_not_headings(line):
    doc = build(f"I. MỤC TIÊU\n\n{line}\n")
    assert [h.numbering for h in doc.headings] == ["I"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("IVX12.-) aăđ¢#\tPhụlcLỤC\n"), max_size=40), max_size=12))
def test_never_raises_and_tree_is_well_formed(lines):
    doc = build("\n".join(lines))
    for h in doc.headings:
        assert h.parent is None or doc.headings[h.parent].level < h.level
        assert h.line_end is None or h.line_end >= h.line
