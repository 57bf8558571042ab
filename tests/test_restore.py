"""Diacritic restoration: examples, properties, and accuracy on the seeds."""

from __future__ import annotations

import json
import re
import statistics
import unicodedata

import pytest
from conftest import ROOT, SEEDS
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.normalize.fold import fold, strip_diacritics
from pipeline.normalize.restore import repair_word, restore, restore_diacritics


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ty le nguoi dan co tai khoan dinh danh dien tu", "Tỷ lệ người dân có tài khoản định danh điện tử"),
        ("Ty 1€ phu song 5G trén dia ban", "Tỷ lệ phủ sóng 5G trên địa bàn"),  # OCR '1€', wrong marks
        ("doanh nghiép vira va nho trén dja ban", "doanh nghiệp vừa và nhỏ trên địa bàn"),  # 'ir' -> 'ư', 'dj'
        ("ung dung cong nghe sb", "ứng dụng công nghệ số"),  # 'sb' -> số
        ("C6 > 40% doanh nghiep", "Có > 40% doanh nghiệp"),  # digit inside a word, case kept
        ("ngudi dan hai long", "người dân hài lòng"),  # one damaged letter bridged by the phrase
        ("Phong Van hoa - Xa hoi chu tri", "Phòng Văn hóa - Xã hội chủ trì"),
        ("CONG AN XA", "CÔNG AN XÃ"),
        ("So hoa ho so TTHC, UBND xa", "Số hóa hồ sơ TTHC, UBND xã"),  # abbreviations kept
        ("tai khoan (VNeID) nam 2026", "tài khoản (VNeID) năm 2026"),
        ("Quy II/2026 va thuong xuyen", "Quý II/2026 và thường xuyên"),
        ("", ""),
        ("123 - 45%", "123 - 45%"),
    ],
)
def test_examples(text, expected):
    assert restore_diacritics(text, trust_marks=False) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tỷ lệ người dân có tài khoản định danh điện tử (VNeID)",
        "Ban Chỉ đạo xã chủ trì, phối hợp với các cơ quan, đơn vị",
        "Hoàn thành trước 31/12/2026",
        "Trạm Y tế xã",
    ],
)
def test_vietnamese_text_is_left_alone(text):
    assert restore_diacritics(text) == text


def test_confidence_is_a_share():
    assert restore("Ty le nguoi dan").known == 1.0
    assert 0 < restore("Ty le xqzw nguoi dan").known < 1


def _accented_lines() -> list[str]:
    """Lines of the seeds typed with their diacritics that read as Vietnamese (many marked words)."""
    out = []
    for path in SEEDS:
        if path.name.startswith("003"):
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            words = re.findall(r"[^\W\d_]+", line)
            marked = [w for w in words if strip_diacritics(w) != w]
            if len(words) >= 4 and len(marked) >= 0.6 * len(words):
                out.append(unicodedata.normalize("NFC", line))
    return out


ACCENTED = _accented_lines()


def test_seed_lines_with_diacritics_come_back_unchanged():
    changed = [line for line in ACCENTED if restore_diacritics(line) != line]
    assert len(ACCENTED) > 500
    assert len(changed) <= 0.01 * len(ACCENTED), changed[:5]


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_never_raises_and_keeps_the_words(text):
    for trust in (True, False):
        result = restore(text, trust)
        assert 0.0 <= result.known <= 1.0
        # words are changed in place, never merged, split or dropped
        words_in = re.findall(r"\S+", text)
        words_out = re.findall(r"\S+", result.text)
        assert len(words_in) == len(words_out)


@given(st.lists(st.sampled_from(ACCENTED), min_size=1, max_size=3))
@settings(max_examples=150, deadline=None)
def test_idempotent_on_accented_text(lines):
    text = " ".join(lines)
    assert restore_diacritics(text) == text
    assert restore_diacritics(restore_diacritics(text)) == restore_diacritics(text)


@given(st.lists(st.sampled_from(ACCENTED), min_size=1, max_size=2))
@settings(max_examples=150, deadline=None)
def test_output_folds_to_the_repaired_input(lines):
    text = strip_diacritics(" ".join(lines))
    out = restore_diacritics(text, trust_marks=False)
    pairs = list(zip(re.findall(r"\S+", text), re.findall(r"\S+", out), strict=True))
    for a, b in pairs:
        key_in = fold(re.sub(r"[^\W_]+", lambda m: repair_word(m.group()) or m.group(), a))
        key_out = fold(b)
        assert key_out == key_in or Levenshtein.distance(key_out, key_in) <= 1, (a, b)


def _syllable_accuracy(texts: list[str]) -> float:
    right = total = 0
    for original in texts:
        back = restore_diacritics(strip_diacritics(original), trust_marks=False)
        a, b = original.lower().split(), back.lower().split()
        total += len(a)
        right += sum(x == y for x, y in zip(a, b, strict=True))
    return right / total


def test_accuracy_on_seed_names_and_titles(seed_docs):
    """Measured 0.994 on indicator names (the catalog knows many), 0.920 on task titles."""
    names = [i.name for k in ("000", "001", "002", "004") for i in seed_docs[k].indicators]
    titles = [t.title for k in ("000", "001", "002", "004") for t in seed_docs[k].tasks]
    assert _syllable_accuracy(names) >= 0.97
    assert _syllable_accuracy(titles) >= 0.90


def test_ocr_seed_names_move_towards_gold(seed_docs):
    """003 names against the gold names of the same line: raw OCR 67.9, restored 90.5 when measured."""
    doc = seed_docs["003"]
    assert doc.diacritics_stripped
    gold_path = next((ROOT / "tests" / "gold").glob("003_*.jsonl"))
    records = map(json.loads, gold_path.read_text().splitlines())
    gold = {g["line"]: g["name"] for g in records if g["type"] == "indicator"}
    raw, restored = [], []
    for ind in doc.indicators:
        line = next((n for n in range(ind.line_start, ind.line_end + 1) if n in gold), None)
        if line is not None:
            want = gold[line].lower()
            raw.append(fuzz.ratio(ind.name_raw.lower(), want))
            restored.append(fuzz.ratio(ind.name.lower(), want))
            assert ("restored_name" in ind.flags) == (ind.name != ind.name_raw.strip(" .;:"))
    assert len(restored) >= 20
    assert statistics.mean(restored) >= 85
    assert statistics.mean(restored) >= statistics.mean(raw) + 15


def test_ocr_seed_task_titles_are_restored(seed_docs):
    tasks = seed_docs["003"].tasks
    restored = [t for t in tasks if t.title != t.title_raw]
    assert len(restored) >= 0.8 * len(tasks)
    assert all(t.title_raw for t in tasks)


def test_documents_with_diacritics_keep_their_names(seed_docs):
    for key in ("000", "001", "002", "004"):
        assert not any("restored_name" in i.flags for i in seed_docs[key].indicators)
