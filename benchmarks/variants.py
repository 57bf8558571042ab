"""Variants of the seed plans' own text, with the rows each must yield.

    python benchmarks/variants.py OUT [--ops delete_row,swap_rows,...] [--score]

The generated corpus (benchmarks/corpus.py) draws names, agencies and column titles from the
pipeline's data files and numbers its rows in sequence, so it shares the pipeline's assumptions.
These variants do not: they edit the five seed texts in data/raw (rows deleted without renumbering,
rows swapped with their numbers, groups dropped or retitled, zero-padded numbers, agencies in
capitals, headers split over two lines, column titles renamed, a note column added, columns
reordered) and derive the expected rows from the hand-made gold in tests/gold by applying the same
edits. Nothing here reads pipeline/resources: row blocks are located from the gold `line` fields
(benchmarks/variant_text.py); no edit moves or deletes the last row of a table, whose end is unknown.
Scoring and PDF/DOCX renderings: benchmarks/variant_scoring.py.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from benchmarks.variant_text import (
    RAW,
    ROMAN,
    ROOT,
    Text,
    block,
    drop,
    fold,
    is_tsv,
    load_seed,
    seeds,
    tables,
)

_PLAIN_NUMBER = re.compile(r"^\s*(\d{1,2})\.?(?=[\t ]|$)")
LETTERS = "abcdđeghiklmnopqrstuvxy"
_LEADING_NUMBER = re.compile(r"^(\d)(?=[.\t ]|$)")
# Agency heads in the generator's own words (not the pipeline's gazetteer): upper-cased from here to the cell end.
_AGENCY_HEAD = re.compile(
    r"\b(?:Phòng|Văn phòng|Trung tâm|Công an|Ban Chỉ huy|Đảng ủy|Ủy ban Mặt trận|Trạm)\b"
    r"(?:[ \-–]+(?!(?:Các|Quý|Năm|Tháng|Thường|Hằng|Hàng|Trước|Trong|Giai|Sở)\b)[^\s;,\d]+)*"
)
# Column-title synonyms a plan may use instead (folded title fragment -> replacement).
SYNONYMS = (
    ("co quan chu tri", "Đơn vị thực hiện"),
    ("don vi chu tri", "Cơ quan chủ trì"),
    ("bo phan chu tri", "Đơn vị thực hiện"),
    ("co quan phoi hop", "Đơn vị phối hợp"),
    ("don vi tinh", "ĐVT"),
    ("thoi gian hoan thanh", "Thời hạn"),
    ("thoi gian thuc hien", "Tiến độ"),
    ("ten nhiem vu", "Nội dung nhiệm vụ"),
    ("noi dung cong viec", "Nhiệm vụ"),
)
RETITLE = "Lĩnh vực ưu tiên của địa phương"
NOTE = "Theo hướng dẫn của cấp trên"


# ---------------------------------------------------------------- edits
def delete_row(text: Text) -> None:
    """One row in the middle of each table disappears; the others keep their numbers."""
    victims = []
    for units in tables(text).values():
        closed = [u for u in units if u.end is not None and u.group_line is None]
        if len(closed) >= 3:
            victims.append(closed[len(closed) // 2])
    drop(text, victims)


def swap_rows(text: Text) -> None:
    """Two neighbouring rows of each table change places, numbers and all."""
    for units in tables(text).values():
        pairs = [
            (a, b)
            for a, b in itertools.pairwise(units)
            if a.end is not None and b.end is not None and b.group_line is None and a.end + 1 == b.start
        ]
        if not pairs:
            continue
        a, b = pairs[len(pairs) // 3]
        ia, ib = block(text, a), block(text, b)
        first, second = [text.lines[i] for i in ia], [text.lines[i] for i in ib]
        text.lines[ia[0] : ib[-1] + 1] = second + first


def drop_group(text: Text) -> None:
    """The second group of each table goes, title and rows; the following groups keep their numerals."""
    victims = []
    for units in tables(text).values():
        heads = [k for k, u in enumerate(units) if u.group_line is not None]
        if len(heads) < 2:
            continue
        k0, k1 = heads[0], heads[1] if len(heads) > 1 else None
        members = units[k0:k1]
        if members and all(u.end is not None for u in members):
            members[0].drop_group = True  # type: ignore[attr-defined]
            victims += members
    drop(text, victims)


def retitle_groups(text: Text) -> None:
    """Every group title is replaced by wording no vocabulary knows."""
    for u in text.units:
        if u.group_line is None:
            continue
        i = text.index(u.group_line)
        old = text.lines[i][1]
        if "\t" in old:
            cells = old.split("\t")
            new = "\t".join([cells[0], RETITLE, *cells[2:]])
        else:
            new = f"{ROMAN.match(old.strip()).group(0)} {RETITLE}"
        text.lines[i] = (u.group_line, new)
        for r in u.records:
            r["group"] = None


def zero_pad(text: Text) -> None:
    """Row numbers printed with two digits: `01`, `02.1`."""
    for u in text.units:
        i = text.index(u.start)
        o, line = text.lines[i]
        text.lines[i] = (o, _LEADING_NUMBER.sub(r"0\1", line, count=1))


def upper_agencies(text: Text) -> None:
    """Agency names in capitals, as some plans print them."""
    for u in text.units:
        last = u.end if u.end is not None else u.line + 6
        running = False  # an upper-cased name ran to the end of the previous line: it may wrap
        for i in [i for i, (o, _) in enumerate(text.lines) if o is not None and u.line <= o <= last]:
            o, line = text.lines[i]
            if i > text.index(u.line) and ROMAN.match(line.strip()):
                break
            if not line.strip():
                continue
            if running and "\t" not in line and len(line.split()) <= 4 and not re.search(r"\d", line):
                text.lines[i] = (o, line.upper())
                running = False
                continue
            cells = line.split("\t")
            head = 2 if len(cells) > 2 else 0  # never the number or name cell of a tab row
            cells[head:] = [_AGENCY_HEAD.sub(lambda m: m.group(0).upper(), c) for c in cells[head:]]
            running = (
                "\t" not in line
                and bool(_AGENCY_HEAD.search(line))
                and line.rstrip().endswith(_AGENCY_HEAD.search(line).group(0).rstrip())
            )
            text.lines[i] = (o, "\t".join(cells))


def letter_numbers(text: Text) -> None:
    """Rows numbered a), b), c) instead of 1, 2, 3, in tables with one level of numbering."""
    for units in tables(text).values():
        starts = [text.index(u.start) for u in units]
        numbers = [int(m.group(1)) for i in starts if (m := _PLAIN_NUMBER.match(text.lines[i][1]))]
        if any(re.match(r"^\s*\d{1,2}\.\d", text.lines[i][1]) for i in starts) or max(numbers or [99]) > 23:
            continue  # two levels of numbering, or more rows than letters
        for i in starts:
            o, line = text.lines[i]
            m = _PLAIN_NUMBER.match(line)
            n = int(m.group(1)) if m else 0
            if 0 < n <= len(LETTERS):
                text.lines[i] = (o, f"{LETTERS[n - 1]})" + line[m.end() :])


def _headers(text: Text) -> list[int]:
    """Positions of the tab header lines just above each table's first row (and its page-break repeats)."""
    out = []
    for units in tables(text).values():
        if not is_tsv(text, units[0]):
            continue
        j = text.index(units[0].group_line if units[0].group_line is not None else units[0].start)
        while j > 0 and "\t" in text.lines[j - 1][1]:  # the top of the tab block holds the titles
            j -= 1
        title = text.lines[j][1]
        out += [k for k, (_, t) in enumerate(text.lines) if t == title]
    return out


def split_headers(text: Text) -> None:
    """Tab headers printed over two lines: each title's second half goes on a line of its own."""
    for i in sorted(_headers(text), reverse=True):
        o, line = text.lines[i]
        top, bottom = [], []
        for cell in line.split("\t"):
            words = cell.split()
            cut = (len(words) + 1) // 2 if len(words) > 1 else len(words)
            top.append(" ".join(words[:cut]))
            bottom.append(" ".join(words[cut:]))
        text.lines[i : i + 1] = [(o, "\t".join(top)), (None, "\t".join(bottom))]


def _fold_chars(text: str) -> str:
    """fold() character by character, so positions in the result are positions in `text`."""
    return "".join((fold(c) or " ")[:1] if c.strip() else " " for c in unicodedata.normalize("NFC", text))


def _rename(line: str) -> str:
    """Each title phrase of SYNONYMS in the line replaced by its synonym, the rest kept."""
    cells = line.split("\t")
    for k, cell in enumerate(cells):
        cell = unicodedata.normalize("NFC", cell)
        for key, synonym in SYNONYMS:
            at = _fold_chars(cell).find(key)
            if at >= 0:
                cells[k] = cell[:at] + synonym + cell[at + len(key) :]
                break
    return "\t".join(cells)


def rename_columns(text: Text) -> None:
    """Column titles replaced by synonyms plans also use (`Đơn vị thực hiện`, `ĐVT`, `Thời hạn`)."""
    positions = set(_headers(text))
    for units in tables(text).values():
        if is_tsv(text, units[0]):
            continue
        i = text.index(units[0].group_line if units[0].group_line is not None else units[0].start)
        for j in range(max(0, i - 14), i):
            if fold(text.lines[j][1]) in ("stt", "tt") or fold(text.lines[j][1]).startswith(("stt ", "tt ")):
                positions |= set(range(j, i))
                break
    for i in positions:
        o, line = text.lines[i]
        text.lines[i] = (o, _rename(line))


def _row_positions(text: Text) -> list[list[int]]:
    """Per tab table: positions of the tab lines from the header to the last row."""
    out = []
    headers = _headers(text)
    for units in tables(text).values():
        if not is_tsv(text, units[0]):
            continue
        lo = max(h for h in headers if h < text.index(units[0].line))
        hi = text.index(units[-1].line)
        out.append([k for k in range(lo, hi + 1) if "\t" in text.lines[k][1]])
    return out


def note_column(text: Text) -> None:
    """A `Ghi chú` column at the right end of tab tables, with a remark on every third row."""
    for positions in _row_positions(text):
        header = text.lines[positions[0]][1]
        width = max(len(text.lines[k][1].split("\t")) for k in positions)
        for n, k in enumerate(positions):
            o, line = text.lines[k]
            cells = line.split("\t")
            cells += [""] * (width - len(cells))
            note = "Ghi chú" if line == header else (NOTE if n % 3 == 1 and cells[0].strip()[:1].isdigit() else "")
            text.lines[k] = (o, "\t".join([*cells, note]))


def reorder_columns(text: Text) -> None:
    """The columns after the name printed in reverse order (agencies before unit and target)."""
    for positions in _row_positions(text):
        width = max(len(text.lines[k][1].rstrip("\t").split("\t")) for k in positions)
        for k in positions:
            o, line = text.lines[k]
            cells = line.rstrip("\t").split("\t")
            cells += [""] * (width - len(cells))
            text.lines[k] = (o, "\t".join(cells[:2] + cells[2:][::-1]))


OPS: dict[str, Callable[[Text], None]] = {
    "identity": lambda text: None,
    "delete_row": delete_row,
    "swap_rows": swap_rows,
    "drop_group": drop_group,
    "retitle_groups": retitle_groups,
    "zero_pad": zero_pad,
    "letter_numbers": letter_numbers,
    "upper_agencies": upper_agencies,
    "split_headers": split_headers,
    "rename_columns": rename_columns,
    "note_column": note_column,
    "reorder_columns": reorder_columns,
}
# Edits that compose (in this order) into one variant per seed; structural ones first, while blocks are intact.
COMBINED = ("delete_row", "swap_rows", "drop_group", "zero_pad", "upper_agencies", "rename_columns")


def variant(source_file: str, ops: tuple[str, ...]) -> tuple[str, str, list[dict]]:
    """(name, text, expected records) of one seed with `ops` applied."""
    text = load_seed(source_file)
    for op in ops:
        OPS[op](text)
    text.name = f"{text.name}__{'+'.join(ops)}"
    body, records = text.render()
    return text.name, body, records


def write(out: Path, ops_list: list[tuple[str, ...]], sources: list[str] | None = None) -> list[Path]:
    """Writes OUT/plans/*.txt and OUT/expected/*.jsonl; returns the plan paths."""
    plans, expected = Path(out) / "plans", Path(out) / "expected"
    plans.mkdir(parents=True, exist_ok=True)
    expected.mkdir(parents=True, exist_ok=True)
    paths, bodies = [], set()
    for source in sources or seeds():
        bodies.add((RAW / source).read_text(encoding="utf-8").rstrip("\n"))
        for ops in ops_list:
            name, body, records = variant(source, ops)
            if body.rstrip("\n") in bodies:  # an edit this layout has nothing to apply to
                continue
            bodies.add(body.rstrip("\n"))
            (plans / f"{name}.txt").write_text(body, encoding="utf-8")
            with open(expected / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            paths.append(plans / f"{name}.txt")
    return paths


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(ROOT))
    from benchmarks.variant_scoring import render, score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--ops", default=",".join(o for o in OPS if o != "identity"), help="comma-separated edits")
    parser.add_argument("--combined", action="store_true", help="also one variant per seed with all edits")
    parser.add_argument("--score", action="store_true", help="run the pipeline and print the figures")
    parser.add_argument("--per-variant", action="store_true", help="figures per variant, not per seed")
    parser.add_argument("--render", action="store_true", help="score PDF and DOCX renderings instead of the text")
    args = parser.parse_args(argv)
    ops_list = [(op,) for op in args.ops.split(",") if op]
    if args.combined:
        ops_list.append(COMBINED)
    paths = write(args.out, ops_list)
    print(f"wrote {len(paths)} variants to {args.out / 'plans'}")
    if args.render:
        paths = render(args.out, paths)
        print(f"rendered {len(paths)} PDF/DOCX files")
    if args.score:
        for seed, figures in score(args.out, paths, args.per_variant, lines=not args.render).items():
            print(seed, json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
