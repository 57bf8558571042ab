"""Analyst decisions on the review queue, read back on the next run.

Format of decisions.csv (UTF-8, header row): the easiest way to write one is to copy review.csv,
fill in the `decision` column of the rows you have settled and delete or leave the others. Only
these columns are read:

- `match_key`    the wording's key, as review.csv shows it (required);
- `member_keys`  further keys the decision applies to, separated by "|" (review.csv fills it for
                 a new-entry proposal, which groups the wordings of several communes);
- `decision`     `link`   — the wording is the indicator `indicator_id` (an existing catalog id or
                            one created by a `new` row of the same file);
                 `new`    — create a catalog entry: `indicator_id` (optional, generated when empty),
                            `new_name` (canonical name; default: the row's `name`), `domain`, `unit`;
                 `reject` — not a catalog indicator: leave it unlinked and stop sending it to review;
                 empty    — undecided, ignored;
- `name`         a wording as printed; a `link` adds it to the entry's aliases.

Decisions are keyed by match key, so they hold for every commune using that wording.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.link.catalog import Catalog, Entry
from pipeline.normalize.fold import match_key

DECISIONS = ("link", "new", "reject")


@dataclass
class Decisions:
    links: dict[str, str | None] = field(default_factory=dict)  # match key -> indicator id (None: rejected)
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (indicator_id, wording)
    new_entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # rows that could not be applied, with why

    def apply(self, catalog: Catalog) -> None:
        """Adds the new entries and confirmed wordings to the catalog; drops links to unknown ids."""
        for entry in self.new_entries:
            if entry.indicator_id in catalog.by_id:
                self.problems.append(f"new entry {entry.indicator_id!r} is already in the catalog; kept the catalog's")
            else:
                catalog.add(entry)
        for key, ind in list(self.links.items()):
            if ind is not None and ind not in catalog.by_id:
                self.problems.append(f"decision links {key!r} to unknown indicator {ind!r}; ignored")
                del self.links[key]
        for ind, wording in self.aliases:
            if ind in catalog.by_id:
                catalog.with_alias(ind, wording)


def new_id(name: str) -> str:
    return "N" + hashlib.sha1(match_key(name).encode()).hexdigest()[:6].upper()


def read_decisions(path: Path | None) -> Decisions:
    out = Decisions()
    if path is None or not Path(path).exists():
        return out
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for n, row in enumerate(csv.DictReader(fh), start=2):
            decision = (row.get("decision") or "").strip().lower()
            if not decision:
                continue
            keys = [k for k in [row.get("match_key"), *(row.get("member_keys") or "").split("|")] if k and k.strip()]
            keys = list(dict.fromkeys(match_key(k) for k in keys))
            name = (row.get("name") or "").strip()
            ind = (row.get("indicator_id") or "").strip() or None
            if decision not in DECISIONS or not keys:
                out.problems.append(f"{path}:{n}: unknown decision {decision!r} or no match_key; row ignored")
                continue
            if decision == "new":
                canonical = (row.get("new_name") or "").strip() or name
                if not canonical:
                    out.problems.append(f"{path}:{n}: a new entry needs new_name or name; row ignored")
                    continue
                ind = ind or new_id(canonical)
                unit = (row.get("unit") or "").strip() or None
                slug = "_".join(match_key(canonical).split()[:6])
                aliases = (name,) if name and name != canonical else ()
                out.new_entries.append(
                    Entry(ind, canonical, slug, (row.get("domain") or "").strip(), unit, aliases, "decision")
                )
            elif decision == "link":
                if ind is None:
                    out.problems.append(f"{path}:{n}: 'link' needs an indicator_id; row ignored")
                    continue
                if name:
                    out.aliases.append((ind, name))
            else:
                ind = None
            for key in keys:
                out.links[key] = ind
    return out
