"""Who is who: one identity key per commune, built from the plan's metadata.

Vietnam has many same-named communes (Tân Phú exists in several provinces), so a name alone
never identifies a commune. The key is province / district (where the plan prints one) /
commune, each part folded (case, diacritics, OCR spellings without diacritics) and stripped of
its administrative prefix (`xã`, `phường`, `thị trấn`, `tỉnh`, `huyện`…), which plans print or
omit at will. An unknown part is kept as `?` so two plans missing a province never merge with
a plan that names one.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.normalize.fold import fold

_RESOURCES = Path(__file__).resolve().parent.parent / "resources"
UNKNOWN = "?"
KEY_PARTS = ("province", "district", "commune")
PROVINCE_LEVEL = "tinh"  # documents.level of a province's (or centrally-governed city's) own plan


@cache
def _prefixes() -> tuple[tuple[str, ...], ...]:
    """Folded administrative prefixes, longest first ('thi tran' before 'thi')."""
    with open(_RESOURCES / "admin_prefixes.csv", encoding="utf-8", newline="") as fh:
        words = {tuple(fold(r["prefix"]).split()) for r in csv.DictReader(fh)}
    return tuple(sorted(words, key=len, reverse=True))


def name_key(name: object) -> str:
    """'Xã Tân Phú' / 'XA TAN PHU' / 'tân  phú' -> 'tan-phu'; None/'' -> '?'."""
    if not isinstance(name, str) or not fold(name):
        return UNKNOWN
    words = fold(name).split()
    for prefix in _prefixes():
        if tuple(words[: len(prefix)]) == prefix and len(words) > len(prefix):
            words = words[len(prefix) :]
            break
    return "-".join(words)


def commune_key(
    province: object, district: object, commune: object, doc_id: str | None = None, level: object = None
) -> str:
    """'dong-nai/?/tan-phu': the identity of the commune (or district, or province) issuing a plan.

    When neither commune nor district is known, nothing says two plans share an issuer, unless the plan
    says it is the province's own (`level` tinh): the key then ends in '#<doc_id>' so such a plan stands
    alone instead of merging with every other unnamed one.
    """
    parts = [name_key(p) for p in (province, district, commune)]
    key = "/".join(parts)
    provincial = level == PROVINCE_LEVEL and parts[0] != UNKNOWN
    return f"{key}#{doc_id}" if doc_id and parts[1:] == [UNKNOWN, UNKNOWN] and not provincial else key


def with_commune_key(documents: pd.DataFrame) -> pd.DataFrame:
    """Documents with `commune_key` (and `district`, null when the metadata has none) filled in."""
    out = documents.copy()
    for col in (*KEY_PARTS, "level"):
        if col not in out:
            out[col] = None
    columns = [out[c] for c in (*KEY_PARTS, "doc_id", "level")]
    out["commune_key"] = [commune_key(*parts) for parts in zip(*columns, strict=True)]
    return out


def display_names(documents: pd.DataFrame) -> dict[str, str]:
    """commune_key -> label for tables: the commune's name, with its province when two keys share a name."""
    docs = with_commune_key(documents)
    names: dict[str, str] = {}
    for key, *parts in zip(
        docs["commune_key"], docs["commune"], docs["district"], docs["province"], docs["source_file"], strict=True
    ):
        if key not in names:  # the commune; for a district or province plan, its issuer; else the file
            names[key] = next((p for p in parts[:3] if isinstance(p, str) and p), Path(str(parts[3])).name)
    counts = pd.Series([fold(n) for n in names.values()]).value_counts()
    provinces = dict(zip(docs["commune_key"], docs["province"], strict=True))
    labels = {
        key: f"{name} ({provinces[key]})" if counts[fold(name)] > 1 and isinstance(provinces[key], str) else name
        for key, name in names.items()
    }
    clash = pd.Series(list(labels.values())).value_counts()
    return {key: f"{label} [{key}]" if clash[label] > 1 else label for key, label in labels.items()}
