"""The indicator catalog: one entry per indicator the programmes define, with the wordings plans use.

The catalog is data (resources/catalog.csv), grown by analysts' decisions (decisions.csv): a plan
wording that linked nowhere becomes an alias or a new entry, so the next run links it exactly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, fields
from pathlib import Path

from pipeline.normalize.fold import match_key

CATALOG_CSV = Path(__file__).resolve().parent.parent / "resources" / "catalog.csv"


@dataclass(frozen=True, slots=True)
class Entry:
    indicator_id: str
    name: str  # canonical Vietnamese name
    key: str  # short ASCII key, e.g. 'phu_song_5g'
    domain: str  # hạ tầng số | nguồn lực | khoa học công nghệ | đổi mới sáng tạo | chuyển đổi số
    unit: str | None  # expected canonical unit; None when plans state it differently
    aliases: tuple[str, ...] = ()
    source: str = "catalog"  # catalog | decision

    def wordings(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Catalog:
    def __init__(self, entries: list[Entry]):
        self.entries: list[Entry] = []
        self.by_id: dict[str, Entry] = {}
        for entry in entries:
            self.add(entry)

    @classmethod
    def load(cls, path: Path = CATALOG_CSV) -> Catalog:
        with open(path, encoding="utf-8", newline="") as fh:
            return cls(
                [
                    Entry(
                        row["indicator_id"].strip(),
                        row["name"].strip(),
                        row["key"].strip(),
                        row["domain"].strip(),
                        row["unit"].strip() or None,
                        tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip()),
                    )
                    for row in csv.DictReader(fh)
                    if row.get("indicator_id", "").strip()
                ]
            )

    def add(self, entry: Entry) -> None:
        if entry.indicator_id in self.by_id:
            raise ValueError(f"duplicate indicator_id {entry.indicator_id!r} in the catalog")
        self.entries.append(entry)
        self.by_id[entry.indicator_id] = entry

    def with_alias(self, indicator_id: str, wording: str) -> None:
        """Adds a wording to an entry (e.g. from a confirmed decision) unless its key is already known."""
        entry = self.by_id[indicator_id]
        if match_key(wording) in {match_key(w) for w in entry.wordings()}:
            return
        updated = Entry(**{**_fields(entry), "aliases": (*entry.aliases, wording)})
        self.entries[self.entries.index(entry)] = updated
        self.by_id[indicator_id] = updated

    def rows(self, counts: dict[str, tuple[int, int]] | None = None) -> list[dict]:
        """Rows of the `catalog` output table; counts: id -> (mentions, communes) in this run."""
        counts = counts or {}
        return [
            {
                **_fields(e),
                "aliases": list(e.aliases),
                "n_mentions": counts.get(e.indicator_id, (0, 0))[0],
                "n_communes": counts.get(e.indicator_id, (0, 0))[1],
            }
            for e in self.entries
        ]


def _fields(entry: Entry) -> dict:
    return {f.name: getattr(entry, f.name) for f in fields(entry)}
