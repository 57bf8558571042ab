"""Scoring of the seed variants (benchmarks/variants.py): PDF and DOCX renderings, and the figures
per seed layout against the expected rows the generator wrote."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCURACIES = {"indicators": ("target", "lead"), "tasks": ("lead", "deadline")}


def render(out: Path, paths: list[Path]) -> list[Path]:
    """PDF and DOCX renderings of written variants, beside them, with their expected rows: tab tables
    (seeds 000, 001) as ruled PDF tables and Word tables (tests/builders.py), flattened text (002, 004)
    drawn line by line on PDF pages (benchmarks/robustness.py). OCR text (003) is not rendered."""
    sys.path.insert(0, str(ROOT))
    from benchmarks.robustness import flow_pdf
    from tests import builders

    rendered = []
    for path in paths:
        body = path.read_text(encoding="utf-8")
        records = [json.loads(x) for x in (Path(out) / "expected" / f"{path.stem}.jsonl").read_text().splitlines()]
        if "|" in body and "\t" not in body:
            continue
        for suffix in (".pdf", ".docx") if "\t" in body else (".pdf",):
            name = f"{path.stem}__{suffix[1:]}"
            target = path.with_name(name + suffix)
            if "\t" not in body:
                flow_pdf(target, body.splitlines())
            elif suffix == ".pdf":
                builders.render_pdf(target, builders.text_items(body))
            else:
                builders.render_docx(target, builders.text_items(body))
            doc = dict(records[0], source_file=target.name)
            with open(Path(out) / "expected" / f"{name}.jsonl", "w", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in [doc, *records[1:]])
            rendered.append(target)
    return rendered


def score(
    out: Path, paths: list[Path], per_variant: bool = False, lines: bool = True
) -> dict[str, dict[str, float | None]]:
    """Table-row figures per seed layout (or per variant): F1 of indicator and task rows, and among
    matched rows the share with target, lead agency (and deadline) right."""
    from pipeline.config import Limits
    from pipeline.eval import evaluate, load_gold, load_predictions
    from pipeline.run import link_outcomes, process_all, write_outputs

    run = Path(out) / "out"
    outcomes = process_all(paths, Limits())
    write_outputs(outcomes, run, link_outcomes(outcomes, run))
    gold = load_gold(Path(out) / "expected")
    pred = load_predictions(run)
    gold.indicators = gold.indicators[gold.indicators["source"] == "table"]
    gold.tasks = gold.tasks[gold.tasks["source"] == "table"]
    for kind in ("indicators", "tasks"):
        pred[kind] = pred[kind][pred[kind]["source"] == "table"]
    gold.documents = gold.documents[gold.documents["source_file"].isin([p.name for p in paths])]
    metrics, _ = evaluate(gold, pred, lines=lines)
    counts: dict[str, dict[str, list[int]]] = {}  # per group: figure -> [right or matched, total]
    for doc, m in metrics["documents"].items():
        group = doc.rsplit(".", 1)[0] if per_variant else doc.split("__")[0][:3]
        c = counts.setdefault(group, {})
        for kind in ("indicators", "tasks"):
            block = m[kind]
            matched = c.setdefault(f"{kind}.f1", [0, 0])
            matched[0] += 2 * block["matched"]
            matched[1] += block["n_gold"] + block["n_pred"]
            for check in ACCURACIES[kind]:
                right = c.setdefault(f"{kind}.{check}_accuracy", [0, 0])
                right[0] += round((block.get(f"{check}_accuracy") or 0) * block["matched"])
                right[1] += block["matched"]
    return {
        group: {key: round(a / b, 4) if b else None for key, (a, b) in sorted(c.items())}
        for group, c in sorted(counts.items())
    }
