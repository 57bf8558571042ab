"""The one text normaliser (normalize/text.py)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize.text import clean_text


def test_tags_spaces_and_composition():
    decomposed = unicodedata.normalize("NFD", "Phòng Văn hóa")
    assert clean_text(f"<b>{decomposed}</b>\t -  Xã hội ") == "Phòng Văn hóa - Xã hội"


def test_options():
    assert clean_text("**Tỷ lệ** $\\geq$ 80\\%", bold=True, latex=True) == "Tỷ lệ \\geq 80%"
    assert clean_text("- Triển khai nền tảng số", list_marker=True) == "Triển khai nền tảng số"
    assert clean_text("; Công an xã.", edges=True) == "Công an xã"
    assert clean_text(None) == ""


@given(st.text(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_cleaning_twice_changes_nothing(text, bold, latex, list_marker, edges):
    options = {"bold": bold, "latex": latex, "list_marker": list_marker, "edges": edges}
    once = clean_text(text, **options)
    assert clean_text(once, **options) == once
    assert once == once.strip() and "  " not in once


def test_removals_that_uncover_others_are_repeated():
    assert clean_text("- - x", list_marker=True) == "x"
    assert clean_text("\\\\% ***", bold=True, latex=True) == "% *"
