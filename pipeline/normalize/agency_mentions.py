"""Agencies named inside running text, with their character spans.

Duties and task cells name agencies inside sentences ('Phối hợp với Phòng Văn hóa - Xã hội, Ủy ban
Mặt trận Tổ quốc và Tổ công nghệ số cộng đồng tổ chức …'). A spaCy token Matcher on a blank
multi-language tokenizer (offline, no model) finds every name and variant of the gazetteer
(resources/agencies.csv). Tokens are compared on their NORM, set here to the OCR-repaired folded
word (the rules of `fold.match_key`: 'x4' -> 'xa', 'chirc' -> 'chuc'), so text with, without or
with damaged diacritics matches alike; punctuation and 'và' may stand between the words of a name
('Văn hóa-Xã hội', 'Văn hóa – Xã hội', 'VH&XH') and a leading 'các' belongs to the mention.
Unlike `agencies.find_agencies` each mention keeps its span, so a caller can keep only the agencies
of one clause ('phối hợp với …').
"""

from __future__ import annotations

from functools import cache, lru_cache

from pipeline.normalize.agencies import _read_csv
from pipeline.normalize.fold import fold
from pipeline.normalize.restore import repair_word

_PUNCT = "_"  # norm of a token without letters or digits (an empty norm would fall back to the text)
_JOINERS = [_PUNCT, "va"]  # may stand between the words of a name: punctuation and 'và'
_EXTRA_INFIXES = [r"[;&/,:()+]"]  # 'xã;Công', 'HĐND&UBND', 'VH/XH' are two words


def _norm(text: str) -> str:
    return repair_word(text) or fold(text).replace(" ", "") or _PUNCT


def _words(name: str) -> list[str]:
    words = [w for w in (_norm(t) for t in fold(name).split()) if w not in _JOINERS]
    return words[1:] if words[:1] == ["cac"] and len(words) > 1 else words


@cache
def _matcher():
    """(nlp, matcher) built once from the gazetteer; spaCy is only imported when mentions are looked for."""
    import spacy
    from spacy.matcher import Matcher
    from spacy.util import compile_infix_regex

    nlp = spacy.blank("xx")
    nlp.tokenizer.infix_finditer = compile_infix_regex([*nlp.Defaults.infixes, *_EXTRA_INFIXES]).finditer
    matcher = Matcher(nlp.vocab)
    for row in _read_csv("agencies.csv"):
        canonical = row["name"].strip()
        seen = set()
        for form in [canonical, *(row["variants"] or "").split("|")]:
            words = tuple(_words(form))
            if not words or words in seen:
                continue
            seen.add(words)
            pattern: list[dict] = [{"NORM": "cac", "OP": "?"}, {"NORM": words[0]}]
            for word in words[1:]:
                pattern += [{"NORM": {"IN": _JOINERS}, "OP": "*"}, {"NORM": word}]
            matcher.add(canonical, [pattern])
    return nlp, matcher


@lru_cache(maxsize=4096)
def find_agency_mentions(text: str) -> list[tuple[str, int, int]]:
    """(canonical name, start, end) of every agency mention, in text order; the longest name wins
    where mentions overlap ('Ủy ban nhân dân xã' over 'Ủy ban nhân dân')."""
    from spacy.util import filter_spans

    nlp, matcher = _matcher()
    doc = nlp.make_doc(text)
    for token in doc:
        token.norm_ = _norm(token.text)
    return [(s.label_, s.start_char, s.end_char) for s in filter_spans(matcher(doc, as_spans=True))]
