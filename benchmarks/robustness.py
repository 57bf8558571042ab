"""Robustness: the seeds transformed the way unseen plans differ, scored against transformed gold.

    .venv/bin/python benchmarks/robustness.py [--variants stripped,commune,order,combo,pdf,docx,flowpdf,scan]
                                              [--seeds 000,001] [--out DIR] [--json FILE]

Each variant derives, from a seed text export and its gold (tests/gold/*.jsonl), a new input file
and the gold that input should yield, runs the pipeline on it (`process_all` / `write_outputs`) and
scores it with `pipeline.eval`:

- stripped: every line retyped without diacritics (`strip_diacritics`); gold names stay accented
  (the evaluator compares folded text), agencies stay canonical;
- commune: another commune name everywhere and every numeric target moved to another plausible
  value (95 -> 90, 80 -> 85, 3 -> 4, 0,63 -> 0,68; comparators and `%` kept), gold values moved alike;
- order: the data rows of every tab-separated table shuffled within their group (group rows, page
  breaks and continuation rows stay attached) and renumbered in the new order; gold lines and
  codes follow their rows;
- combo: commune and values, then order (tab tables), then stripped: an unseen plan retyped;
- pdf / docx: tab-table seeds (000, 001) rendered by tests/builders.py;
- flowpdf: the flattened-PDF seeds' text (002, 004) drawn line by line on PDF pages, so the
  flattened path reads PyMuPDF's reading order;
- scan: 000's first table rendered as a ruled PDF and rasterised (OCR; slow, not in the default set).

PDF/DOCX line numbers are not the text export's, so those variants are scored by names only
(`evaluate(..., lines=False)`). Nothing depends on the seeds' values: transformations are driven by
the gold rows (their `line` and `target_raw`).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.config import Limits  # noqa: E402
from pipeline.eval import evaluate, load_predictions  # noqa: E402
from pipeline.eval.gold import load_gold  # noqa: E402
from pipeline.normalize.fold import fold, strip_diacritics  # noqa: E402
from pipeline.readers.text import clean_line  # noqa: E402
from pipeline.run import process_all, write_outputs  # noqa: E402

RAW = ROOT / "data" / "raw"
GOLD = ROOT / "tests" / "gold"
VARIANTS = ("original", "stripped", "commune", "order", "combo", "pdf", "docx", "flowpdf", "scan")
DEFAULT_VARIANTS = ("original", "stripped", "commune", "order", "combo", "pdf", "docx", "flowpdf")
TAB_SEEDS = ("000", "001")  # seeds whose tables are tab-separated (order, pdf, docx)
FLOW_SEEDS = ("002", "004")  # seeds flattened from a PDF text layer (flowpdf)
# Other commune names, chosen to differ in every diacritic from the seeds' (Tân …, Xuân Thành).
COMMUNES = ("Hòa Bình", "Phước Lộc", "Đông Sơn", "Mỹ Hạnh", "Quảng Trường")
SEARCH_WINDOW = 8  # lines around a gold row's line searched for its target text


@dataclass
class Seed:
    prefix: str
    path: Path
    lines: list[str]  # raw text lines, as the text reader numbers them
    records: list[dict]  # gold: the document record first


@dataclass
class Case:
    """One transformed input and the gold it should yield."""

    variant: str
    seed: str
    filename: str
    write: Callable[[Path], None]
    records: list[dict]
    commune: str
    lines: bool = True  # score with the gold line hints
    notes: list[str] = field(default_factory=list)
    text: list[str] | None = None  # the transformed text lines (text variants)

    def as_seed(self, seed: Seed) -> Seed:
        """The transformed text as a seed, so transformations compose."""
        return Seed(seed.prefix, seed.path, list(self.text or seed.lines), _copy(self.records))


def load_seed(prefix: str) -> Seed:
    path = next(RAW.glob(f"{prefix}_*.txt"))
    gold = GOLD / f"{path.stem}.jsonl"
    records = [json.loads(t) for t in gold.read_text(encoding="utf-8").splitlines() if t.strip()]
    return Seed(prefix, path, path.read_text(encoding="utf-8").split("\n"), records)


def _copy(records: list[dict]) -> list[dict]:
    return json.loads(json.dumps(records, ensure_ascii=False))


def _text_case(variant: str, seed: Seed, lines: list[str], records: list[dict], commune: str) -> Case:
    write = lambda path: path.write_text("\n".join(lines), encoding="utf-8")  # noqa: E731
    return Case(variant, seed.prefix, seed.path.name, write, records, commune, text=lines)


# ---------------------------------------------------------------- stripped


def stripped(seed: Seed) -> Case:
    lines = [strip_diacritics(line) for line in seed.lines]
    records = _copy(seed.records)
    return _text_case("stripped", seed, lines, records, records[0]["commune"])


# ---------------------------------------------------------------- commune and values

_NUMBER = re.compile(r"(?<![\d.,/])\d+(?:[.,]\d+)?(?![\d/])")


def _is_year(token: str) -> bool:
    return bool(re.fullmatch(r"(19|20)\d\d", token))


def value_delta(text: str) -> float | None:
    """The shift applied to every target number of `text`: the same for both ends of a range."""
    numbers = [t for t in _NUMBER.findall(text) if not _is_year(t)]
    if not numbers:
        return None
    top = max(float(t.replace(",", ".")) for t in numbers)
    decimals = max((len(re.split(r"[.,]", t)[1]) if re.search(r"[.,]", t) else 0) for t in numbers)
    if decimals:
        return 5 * 10**-decimals
    if top >= 90:
        return -5.0
    return 5.0 if top >= 10 else 1.0


def shift_numbers(text: str, delta: float) -> str:
    """'≥ 95' -> '≥ 90', '$\\geq 0,63$' -> '$\\geq 0,68$', '01' -> '02' (format kept, years untouched)."""

    def one(m: re.Match) -> str:
        token = m.group()
        if _is_year(token):
            return token
        sep = "," if "," in token else "." if "." in token else ""
        decimals = len(token.split(sep)[1]) if sep else 0
        value = round(float(token.replace(",", ".")) + delta, decimals)
        out = f"{value:.{decimals}f}"
        out = out.replace(".", sep) if sep else out.zfill(len(token)) if token.startswith("0") else out
        return out

    return _NUMBER.sub(one, text)


def _target_spans(seed: Seed, rec: dict, next_line: int) -> list[tuple[int, int, int]]:
    """(line index, start, end) of the target text of a gold indicator row.

    Every occurrence between the row's line and the next gold row's (a multi-year row repeats
    '100%' once per column; a flattened row may repeat its target in the name), else the nearest one.
    """
    raw = rec.get("target_raw") or ""
    line = rec["line"] - 1
    lo, hi = max(0, line - SEARCH_WINDOW), min(len(seed.lines), line + SEARCH_WINDOW + 1)
    for needle in (raw, _core(raw)):
        if not needle:
            continue
        pattern = re.compile(r"(?<![\d.,])" + re.escape(needle) + (r"(?!\d)" if needle[-1].isdigit() else ""))
        hits = [(i, m) for i in range(lo, hi) for m in pattern.finditer(seed.lines[i])]
        own = [(i, m.start(), m.end()) for i, m in hits if line <= i < max(next_line - 1, line + 1)]
        if own:
            return own
        if hits:
            i, m = min(hits, key=lambda h: (abs(h[0] - line) + (0.5 if h[0] < line else 0), h[1].start()))
            return [(i, m.start(), m.end())]
    return []


def _core(raw: str) -> str:
    """The comparator and first number of a target ('≥ 95 đối với …' -> '≥ 95') for split cells."""
    m = re.search(r"(?:[≥≤<>]=?\s*)?\d+(?:[.,]\d+)?\s*%?", raw)
    return m.group().strip() if m else ""


def _misread(rec: dict) -> bool:
    """An indicator whose printed target shows numbers, none of them its value."""
    if rec["type"] != "indicator" or rec.get("value") is None:
        return False
    numbers = [float(t.replace(",", ".")) for t in _NUMBER.findall(rec.get("target_raw") or "") if not _is_year(t)]
    return bool(numbers) and not any(abs(n - rec["value"]) < 1e-9 for n in numbers)


def commune(seed: Seed, index: int) -> Case:
    """Another commune name everywhere and every numeric target moved (gold alike)."""
    old = seed.records[0]["commune"]
    new = COMMUNES[index % len(COMMUNES)]
    pairs = [(old, new), (old.upper(), new.upper()), (strip_diacritics(old), strip_diacritics(new))]
    pairs.append((strip_diacritics(old).upper(), strip_diacritics(new).upper()))
    lines = list(seed.lines)
    records = _copy(seed.records)
    edits: dict[tuple[int, int, int], str] = {}
    moved = skipped = 0
    gold_lines = sorted({r["line"] for r in records[1:]})
    # A target printed without its value (OCR read '> 40%' as '> 400') cannot be moved; the plan's other
    # statements of that indicator (same gold link) keep their value too, so the plan stays consistent.
    frozen = {r.get("link") for r in records[1:] if r.get("link") and _misread(r)}
    for rec in records[1:]:
        if rec["type"] != "indicator" or rec.get("value") is None or rec.get("link") in frozen:
            skipped += rec["type"] == "indicator" and rec.get("value") is not None
            continue
        next_line = next((n for n in gold_lines if n > rec["line"]), len(lines) + 1)
        spans = _target_spans(seed, rec, next_line)
        texts = [seed.lines[i][a:b] for i, a, b in spans]
        deltas = {value_delta(t) for t in texts}
        numbers = [float(t.replace(",", ".")) for text in texts for t in _NUMBER.findall(text)]
        delta = deltas.pop() if len(deltas) == 1 else None
        if delta is None or not any(abs(n - rec["value"]) < 1e-9 for n in numbers):
            skipped += 1
            continue
        for span, text in zip(spans, texts, strict=True):
            edits[span] = shift_numbers(text, delta)
        rec["value"] = round(rec["value"] + delta, 6)
        if rec.get("value_max") is not None:
            rec["value_max"] = round(rec["value_max"] + delta, 6)
        rec["target_raw"] = shift_numbers(rec["target_raw"], delta)
        moved += 1
    for (i, start, end), text in sorted(edits.items(), reverse=True):
        lines[i] = lines[i][:start] + text + lines[i][end:]
    for i, line in enumerate(lines):
        for a, b in pairs:
            line = line.replace(a, b)
        lines[i] = line
    for rec in records:
        for key in ("commune", "name", "name_raw", "title", "title_raw", "group"):
            if isinstance(rec.get(key), str):
                for a, b in pairs:
                    rec[key] = rec[key].replace(a, b)
    case = _text_case("commune", seed, lines, records, new)
    case.notes.append(f"{moved} target values moved, {skipped} left (target text not found)")
    return case


# ---------------------------------------------------------------- order


def _cells(line: str) -> list[str]:
    return clean_line(line).split("\t")


def _code(line: str) -> str:
    return _cells(line)[0].strip().rstrip(".")


def _is_group(line: str) -> bool:
    return bool(re.fullmatch(r"[IVXLC]+", _code(line)))


@dataclass
class _Unit:
    lines: list[int]  # indices into the seed lines: the row, its continuation rows (and a page break)
    code: str = ""
    children: list[_Unit] = field(default_factory=list)
    pinned: bool = False
    slot: str = ""  # the code printed at the position the unit ends up in

    def flat(self) -> list[int]:
        return self.lines + [i for c in self.children for i in c.flat()]


def _table_blocks(lines: list[str]) -> list[tuple[int, int]]:
    """[start, end) of each run of tab-separated lines (blank lines inside a run are page breaks)."""
    blocks, i = [], 0
    while i < len(lines):
        if "\t" not in lines[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and ("\t" in lines[j] or not lines[j].strip()):
            j += 1
        while j > i and not lines[j - 1].strip():
            j -= 1
        blocks.append((i, j))
        i = j
    return blocks


def _units(lines: list[str], start: int, end: int) -> list[_Unit]:
    """Top-level units of a table block: header, page breaks and group rows pinned, numbered rows movable.

    A row with a continuation after a page break stays in place (with its ancestors), the break with it.
    """
    header = fold(clean_line(lines[start]))
    units: list[_Unit] = [_Unit([start], pinned=True)]
    chain: list[_Unit] = [units[0]]  # the last row and its ancestors, outermost first
    breaks: list[int] = []
    for i in range(start + 1, end):
        text = lines[i]
        if not text.strip() or fold(clean_line(text)) == header:
            breaks.append(i)
            continue
        code = _code(text)
        if not code:  # continuation row: belongs to the last row above
            if breaks:
                for unit in chain:
                    unit.pinned = True
                chain[-1].lines += breaks
                breaks = []
            chain[-1].lines.append(i)
            continue
        units += [_Unit([b], pinned=True) for b in breaks]
        breaks = []
        unit = _Unit([i], code=code, pinned=_is_group(text))
        parents = [u for u in chain if u.code and not _is_group(lines[u.lines[0]]) and code.startswith(u.code + ".")]
        if parents and "." in code:
            parents[-1].children.append(unit)
            chain = [*chain[: chain.index(parents[-1]) + 1], unit]
        else:
            units.append(unit)
            chain = [unit]
    units += [_Unit([b], pinned=True) for b in breaks]
    return units


def _shuffle(units: list[_Unit], rng: random.Random) -> list[_Unit]:
    """`units` with each run of movable units between pinned ones permuted; children likewise."""
    out: list[_Unit] = []
    run: list[_Unit] = []

    def flush() -> None:
        perm = list(range(len(run)))
        while len(run) > 1 and perm == sorted(perm):
            rng.shuffle(perm)
        for k, j in enumerate(perm):
            run[j].slot = run[k].code
            out.append(run[j])
        run.clear()

    for unit in units:
        unit.children = _shuffle(unit.children, rng)
        if unit.pinned:
            flush()
            unit.slot = unit.code
            out.append(unit)
        else:
            run.append(unit)
    flush()
    return out


def _renumber(units: list[_Unit], old_parent: str, new_parent: str, codes: dict[int, tuple[str, str]]) -> None:
    """line index -> (new code, old code) for every row whose printed number changes."""
    for unit in units:
        new = new_parent + unit.slot[len(old_parent) :] if unit.slot.startswith(old_parent) else unit.slot
        if unit.code and new != unit.code:
            codes[unit.lines[0]] = (new, unit.code)
        _renumber(unit.children, unit.code, new, codes)


def order(seed: Seed) -> Case:
    rng = random.Random(int(seed.prefix) + 57)
    lines = seed.lines
    new_order = list(range(len(lines)))
    renumber: dict[int, tuple[str, str]] = {}  # line index -> (new code, old code)
    for start, end in _table_blocks(lines):
        units = _shuffle(_units(lines, start, end), rng)
        _renumber(units, "", "", renumber)
        new_order[start:end] = [i for u in units for i in u.flat()]
    assert sorted(new_order) == list(range(len(lines)))
    out = []
    for i in new_order:
        text = lines[i]
        if i in renumber:
            new, old = renumber[i]
            first, _, rest = text.partition("\t")
            text = re.sub(re.escape(old) + r"(?![\d])", new, first, count=1) + "\t" + rest
        out.append(text)
    where = {old: new for new, old in enumerate(new_order)}
    records = _copy(seed.records)
    for rec in records[1:]:
        i = rec["line"] - 1
        rec["line"] = where[i] + 1
        if i in renumber and rec.get("code") is not None:
            rec["code"] = renumber[i][0]
    case = _text_case("order", seed, out, records, records[0]["commune"])
    case.notes.append(f"{sum(1 for k, v in where.items() if k != v)} lines moved, {len(renumber)} rows renumbered")
    return case


# ---------------------------------------------------------------- rendered


def _builders():
    from tests import builders

    return builders


def rendered(seed: Seed, kind: str) -> Case:
    b = _builders()
    items = b.text_items("\n".join(seed.lines))
    name = f"{seed.path.stem}.{'docx' if kind == 'docx' else 'pdf'}"
    if kind == "docx":
        write = lambda path: b.render_docx(path, items)  # noqa: E731
    elif kind == "pdf":
        write = lambda path: b.render_pdf(path, items)  # noqa: E731
    else:  # flowpdf: the flattened text, one PDF line per text line, pages where the export's began
        write = lambda path: flow_pdf(path, seed.lines)  # noqa: E731
    records = _copy(seed.records)
    records[0]["source_file"] = name
    return Case(kind, seed.prefix, name, write, records, records[0]["commune"], lines=False)


def flow_pdf(path: Path, lines: list[str]) -> Path:
    """Text lines drawn one per line on A4 pages, blank lines kept as half gaps.

    A page starts where the export's did (PyMuPDF's text export begins a page with a line
    indented by one space), so page breaks fall where the original's did and the table headers
    repeated at a page top stay at the top; a long page gets a smaller font.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", _builders().font_path()))
    pages: list[list[str]] = [[]]
    for text in lines:
        if re.match(r"^ \S", text) and any(t.strip() for t in pages[-1]):
            pages.append([])
        pages[-1].append(clean_line(text).replace("\t", " "))
    c = canvas.Canvas(str(path), pagesize=(595, 842))
    for page in pages:
        steps = sum(1.0 if t.strip() else 0.5 for t in page)
        leading = min(11.5, 762 / max(steps, 1))
        size = min(9.0, leading * 0.82)
        y = 842 - 40
        c.setFont("DejaVu", size)
        for text in page:
            if text.strip():
                c.drawString(40, y - size, text)
                y -= leading
            else:
                y -= leading / 2
        c.showPage()
    c.save()
    return path


def scan(seed: Seed) -> Case:
    """The seed's first table (with the paragraphs just above it) rendered as a ruled PDF, then
    rasterised at 200 dpi into an image-only PDF: a scan of those pages, read by OCR."""
    b = _builders()
    items = b.text_items("\n".join(seed.lines))
    first = next(k for k, it in enumerate(items) if isinstance(it, b.TableItem))
    content = [it for it in items[max(0, first - 3) : first] if isinstance(it, str)] + [items[first]]
    start, end = _table_blocks(seed.lines)[0]
    records = _copy(seed.records)
    keep = [r for r in records[1:] if r["source"] == "table" and start < r["line"] <= end]
    name = f"{seed.path.stem}_scan.pdf"
    n_ind = sum(r["type"] == "indicator" for r in keep)
    doc = dict(records[0], source_file=name, n_indicator_rows=n_ind, n_task_rows=len(keep) - n_ind)

    def write(path: Path) -> None:
        import pymupdf

        text_pdf = path.with_suffix(".text.pdf")
        b.render_pdf(text_pdf, content)
        src, out = pymupdf.open(text_pdf), pymupdf.open()
        for page in src:
            pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
            out.new_page(width=page.rect.width, height=page.rect.height).insert_image(
                page.rect, stream=pix.tobytes("png")
            )
        out.save(path)
        text_pdf.unlink()

    return Case("scan", seed.prefix, name, write, [doc, *keep], doc["commune"], lines=False)


# ---------------------------------------------------------------- running


def combo(seed: Seed) -> Case:
    """Another commune and values, rows reordered (tab tables), retyped without diacritics."""
    case = commune(seed, int(seed.prefix))
    if seed.prefix in TAB_SEEDS:
        case = order(case.as_seed(seed))
    final = stripped(case.as_seed(seed))
    final.variant, final.commune = "combo", case.records[0]["commune"]
    return final


def build_cases(variants: list[str], seeds: list[str]) -> list[Case]:
    cases = []
    for prefix in seeds:
        seed = load_seed(prefix)
        if "original" in variants:
            cases.append(_text_case("original", seed, seed.lines, _copy(seed.records), seed.records[0]["commune"]))
        if "stripped" in variants:
            cases.append(stripped(seed))
        if "commune" in variants:
            cases.append(commune(seed, int(prefix)))
        if "combo" in variants:
            cases.append(combo(seed))
        if "order" in variants and prefix in TAB_SEEDS:
            cases.append(order(seed))
        for kind in ("pdf", "docx"):
            if kind in variants and prefix in TAB_SEEDS:
                cases.append(rendered(seed, kind))
        if "flowpdf" in variants and prefix in FLOW_SEEDS:
            cases.append(rendered(seed, "flowpdf"))
        if "scan" in variants and prefix == "000":
            cases.append(scan(seed))
    return cases


def run_variant(variant: str, cases: list[Case], work: Path) -> list[dict]:
    """Runs the pipeline on one variant's inputs and scores each seed; one result row per seed."""
    folder, gold_dir, out = work / variant / "in", work / variant / "gold", work / variant / "out"
    for d in (folder, gold_dir, out):
        d.mkdir(parents=True, exist_ok=True)
    render: dict[str, float] = {}
    for case in cases:
        started = time.monotonic()
        case.write(folder / case.filename)
        render[case.filename] = time.monotonic() - started
        text = "\n".join(json.dumps(r, ensure_ascii=False) for r in case.records) + "\n"
        (gold_dir / f"{Path(case.filename).stem}.jsonl").write_text(text, encoding="utf-8")
    outcomes = process_all([folder / c.filename for c in cases], Limits())
    seconds = {Path(o.source_file).name: o.seconds for o in outcomes}
    write_outputs(outcomes, out)
    pred = load_predictions(out)
    metrics, errors = evaluate(load_gold(gold_dir), pred, lines=cases[0].lines)
    errors.to_csv(out / "errors.csv", index=False)
    docs = pred["documents"].assign(key=pred["documents"]["source_file"].map(lambda s: Path(s).name))
    results = []
    for case in cases:
        m = metrics["documents"][case.filename]
        ind, task = m["indicators"], m["tasks"]
        row = docs[docs["key"] == case.filename]
        got = row["commune"].iloc[0] if len(row) else None
        lead_n = (ind["matched"] or 0) + (task["matched"] or 0)
        lead_right = (ind["lead_accuracy"] or 0) * ind["matched"] + (task["lead_accuracy"] or 0) * task["matched"]
        results.append(
            {
                "variant": variant,
                "seed": case.seed,
                "ind_f1": ind["f1"],
                "task_f1": task["f1"],
                "value_acc": ind["target_accuracy"],
                "unit_acc": ind["unit_accuracy"],
                "lead_acc": lead_right / lead_n if lead_n else None,
                "deadline_acc": task["deadline_accuracy"],
                "commune_ok": None if got is None else fold(str(got)) == fold(case.commune),
                "status": row["status"].iloc[0] if len(row) else "missing",
                "seconds": round(seconds.get(case.filename, 0.0), 2),
                "render_seconds": round(render[case.filename], 2),
                "notes": "; ".join(case.notes),
            }
        )
    return results


def run(variants: list[str], seeds: list[str], work: Path | None = None) -> pd.DataFrame:
    cases = build_cases(variants, seeds)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="robustness_") as tmp:
        base = Path(work) if work else Path(tmp)
        for variant in variants:
            chosen = [c for c in cases if c.variant == variant]
            if chosen:
                rows += run_variant(variant, chosen, base)
    return pd.DataFrame(rows)


def format_table(frame: pd.DataFrame) -> str:
    cols = ["ind_f1", "task_f1", "value_acc", "unit_acc", "lead_acc", "deadline_acc"]
    head = f"{'variant':<9} {'seed':<4} " + " ".join(f"{c:>12}" for c in cols) + "  commune  seconds"
    out = [head, "-" * len(head)]
    for r in frame.to_dict("records"):
        cells = " ".join(f"{'—' if r[c] is None or pd.isna(r[c]) else format(r[c], '.2f'):>12}" for c in cols)
        out.append(f"{r['variant']:<9} {r['seed']:<4} {cells}  {r['commune_ok']!s:<7} {r['seconds']:6.1f}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default=",".join(DEFAULT_VARIANTS), help=f"comma list of {', '.join(VARIANTS)}")
    parser.add_argument("--seeds", default="000,001,002,003,004")
    parser.add_argument("--out", type=Path, help="keep inputs, gold, outputs and errors.csv here")
    parser.add_argument("--json", type=Path, help="write the result rows as JSON")
    args = parser.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    frame = run(variants, args.seeds.split(","), args.out)
    print(format_table(frame))
    for r in frame.to_dict("records"):
        if r["notes"]:
            print(f"  {r['variant']} {r['seed']}: {r['notes']}")
    if args.json:
        args.json.write_text(frame.to_json(orient="records", indent=2, force_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
