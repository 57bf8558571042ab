"""Linking benchmark: 100,000 synthetic indicator mentions linked to the catalog.

Mentions are catalog wordings rewritten the way plans differ: clause order, Tỉ/Tỷ, abbreviations,
filler phrases, diacritics stripped, OCR damage. Generation is deterministic (seeded). Reports
seconds, mentions/s, peak RSS, and accuracy against the entry each mention was generated from.

    .venv/bin/python benchmarks/bench_link.py [--n 100000] [--seed 57]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import time
from collections import Counter

from pipeline.link.catalog import Catalog
from pipeline.link.linking import link_rows
from pipeline.normalize.fold import strip_diacritics

ABBREVIATE = [
    ("thủ tục hành chính", "TTHC"),
    ("dịch vụ công", "DVC"),
    ("cán bộ, công chức, viên chức", "CBCCVC"),
    ("doanh nghiệp", "DN"),
    ("khoa học, công nghệ", "KHCN"),
    ("đổi mới sáng tạo", "ĐMST"),
    ("chuyển đổi số", "CĐS"),
    ("Ủy ban nhân dân", "UBND"),
    ("cơ sở dữ liệu", "CSDL"),
]
FILLERS = [" trên địa bàn xã", " của xã", " tại xã", " trên địa bàn", " năm 2026", " đến năm 2030", " (%)"]
PREFIXES = ["Phấn đấu ", "Đảm bảo ", "Tỷ lệ ", ""]
# character damage seen in OCR'd plans (folded or not): 'số'→'s6', 'xã'→'x4', 'lệ'→'1€', 'ư'→'ir', 'làm'→'1am'
OCR = [("ố", "6"), ("ã", "4"), ("ệ", "€"), ("ư", "ir"), ("l", "1"), ("ơ", "o"), ("ọ", "o"), ("ạ", "a"), ("ị", "i")]


def _reorder(text: str, rng: random.Random) -> str:
    parts = [p.strip() for p in re.split(r",| và ", text) if p.strip()]
    if len(parts) < 2:
        return text
    i, j = rng.sample(range(len(parts)), 2)
    parts[i], parts[j] = parts[j], parts[i]
    return ", ".join(parts)


def _ocr(text: str, rng: random.Random, rate: float) -> str:
    out = []
    for ch in text:
        sub = next((b for a, b in OCR if a == ch), None)
        out.append(sub if sub is not None and rng.random() < rate else ch)
    return "".join(out)


# Indicators no catalog entry covers: mentions of them must not be linked (review or new-entry proposals).
SUBJECTS = ["hộ gia đình", "hợp tác xã", "trạm y tế", "thôn, ấp", "nhà văn hóa", "chợ truyền thống", "nông hộ"]
VERBS = ["sử dụng", "được cấp", "lắp đặt", "tham gia", "được hỗ trợ", "đăng ký"]
OBJECTS = [
    "nước sạch",
    "camera an ninh",
    "bảo hiểm nông nghiệp",
    "điện mặt trời áp mái",
    "sàn thương mại nông sản",
    "truy xuất nguồn gốc nông sản",
    "thu gom rác thải",
    "tủ sách pháp luật",
    "loa truyền thanh thông minh",
]


def unseen_names(rng: random.Random, n: int) -> list[str]:
    names = sorted({f"Tỷ lệ {s} {v} {o}" for s in SUBJECTS for v in VERBS for o in OBJECTS})
    return rng.sample(names, n)


def mention(wording: str, rng: random.Random) -> str:
    text = wording
    if rng.random() < 0.1:  # a word lost (line break, OCR)
        words = text.split()
        if len(words) > 4:
            del words[rng.randrange(1, len(words))]
            text = " ".join(words)
    if rng.random() < 0.3:
        text = _reorder(text, rng)
    if rng.random() < 0.5:
        text = text.replace("Tỷ lệ", "Tỉ lệ") if rng.random() < 0.5 else text.replace("Tỉ lệ", "Tỷ lệ")
    for long, short in ABBREVIATE:
        if long in text and rng.random() < 0.5:
            text = text.replace(long, short)
    if rng.random() < 0.4:
        text += rng.choice(FILLERS)
    if rng.random() < 0.2 and not text.startswith(("Tỷ", "Tỉ")):
        text = rng.choice(PREFIXES) + text[0].lower() + text[1:]
    if rng.random() < 0.3:  # retyped or OCR'd without marks (OCR damage may come on top)
        text = strip_diacritics(text)
    if rng.random() < 0.25:
        text = _ocr(text, rng, 0.4)
    return text


def generate(catalog: Catalog, n: int, seed: int, unseen_share: float = 0.05) -> list[dict]:
    rng = random.Random(seed)
    wordings = [(e.indicator_id, w) for e in catalog.entries for w in e.wordings()]
    unseen = [(None, name) for name in unseen_names(rng, 40)]
    rows = []
    for k in range(n):
        truth, wording = rng.choice(unseen if rng.random() < unseen_share else wordings)
        commune = f"Xã {k % 500:03d}"
        rows.append(
            {
                "doc_id": commune,
                "commune": commune,
                "row_id": f"r{k}",
                "name": mention(wording, rng),
                "unit": "percent",
                "flags": [],
                "truth": truth,
                "wording": wording,
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=57)
    args = ap.parse_args()
    catalog = Catalog.load()
    rows = generate(catalog, args.n, args.seed)
    started, cpu = time.perf_counter(), time.process_time()
    result = link_rows(rows, catalog=catalog)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    methods = Counter(r["link_method"] for r in rows)
    linked = [r for r in rows if r["indicator_id"]]
    correct = sum(r["indicator_id"] == r["truth"] for r in linked)
    known = [r for r in rows if r["truth"]]
    new = [r for r in rows if not r["truth"]]
    print(f"mentions            {len(rows):,} ({len({r['name'] for r in rows}):,} distinct wordings)")
    print(f"seconds             {seconds:.1f} wall, {cpu:.1f} CPU  ({len(rows) / seconds:,.0f} mentions/s wall)")
    print(f"peak RSS            {peak_mb:.0f} MB")
    print(f"methods             {dict(methods)}")
    print(f"linked correctly    {correct / len(known):.4f} of catalog mentions (accuracy)")
    print(f"unseen indicators   {len(new):,} mentions, {sum(bool(r['indicator_id']) for r in new)} wrongly linked")
    print(f"link precision      {correct / max(len(linked), 1):.4f} (correct / linked)")
    print(f"sent to review      {methods['review'] / len(rows):.4f}; unmatched {methods['none'] / len(rows):.4f}")
    print(f"review items        {len(result.review):,} ({Counter(r['kind'] for r in result.review)})")
    truth_of = {r["row_id"]: r["truth"] or r["wording"] for r in rows}
    pure = total = 0
    for item in result.review:
        if item["kind"] in ("new_entry_proposal", "unmatched"):
            labels = Counter(truth_of[i] for i in item["row_ids"])
            pure += labels.most_common(1)[0][1]
            total += labels.total()
    print(f"cluster purity      {pure / max(total, 1):.4f} (mentions in their cluster's majority indicator)")
    wrong = Counter((r["truth"], r["indicator_id"]) for r in linked if r["indicator_id"] != r["truth"])
    if wrong:
        print("most frequent wrong links (truth -> linked):", wrong.most_common(5))


if __name__ == "__main__":
    main()
