"""A deterministic corpus of synthetic commune plans, with the rows each should yield.

    python benchmarks/corpus.py OUT --n 1000 [--seed 0] [--layouts tsv,flat,stripped,pdf,docx,scan]

writes `OUT/plans/plan_00001_tsv.txt` ... and `OUT/expected/plan_00001_tsv.jsonl` (the gold format of
tests/gold/README.md), so one corpus serves speed and accuracy (`python -m pipeline eval --gold
OUT/expected`). Plans vary what real ones vary: commune, values, comparators, units, row order,
wording (catalog aliases), agencies, deadlines, and layout:

- tsv: a text export with tab-separated tables, the header repeated at page breaks (like 000);
- flat: PDF text flattened in reading order, a row's cells on several lines (like 002);
- stripped: the tsv text with its diacritics removed (like the OCR'd 003);
- pdf / docx: the same content as a text-layer PDF / a Word file (tests/builders.py renderers);
- scan: an image-only PDF of the indicator table (needs OCR; slow, use a few).

Indicator names, units and links come from pipeline/resources/catalog.csv, agencies from
pipeline/resources/agencies.csv. Nothing is committed: generate on demand.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "pipeline" / "resources"
LAYOUTS = ("tsv", "flat", "stripped", "pdf", "docx", "scan")
SUFFIX = {"tsv": ".txt", "flat": ".txt", "stripped": ".txt", "pdf": ".pdf", "docx": ".docx", "scan": ".pdf"}

SYLLABLES = [
    "An",
    "Bình",
    "Hòa",
    "Phú",
    "Tân",
    "Xuân",
    "Long",
    "Thạnh",
    "Mỹ",
    "Đông",
    "Tây",
    "Vĩnh",
    "Phước",
    "Hưng",
    "Thành",
    "Lộc",
    "Sơn",
    "Hải",
    "Minh",
    "Quang",
    "Hiệp",
    "Thuận",
    "Trung",
    "Nghĩa",
    "Lợi",
    "Đức",
    "Hòa",
    "Khánh",
    "Lạc",
    "Thịnh",
    "Yên",
    "Định",
    "Kỳ",
    "Nam",
    "Bắc",
    "Hội",
    "Cát",
    "Hồng",
    "Lâm",
    "Điền",
    "Sơn",
]
PROVINCES = ["Đồng Nai", "Nghệ An", "Thanh Hóa", "Lâm Đồng", "Tây Ninh", "Quảng Trị", "An Giang", "Cà Mau"]
SIGNERS = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Vũ Văn Thụ",
    "Hoàng Minh Đức",
    "Đặng Thị Hoa",
]
UNIT_PRINT = {
    "percent": ["%"],
    "index": ["Chỉ số"],
    "document": ["Kế hoạch", "Văn bản", "QĐ"],
    "system": ["Hệ thống"],
    "model": ["Mô hình"],
    "initiative": ["Sáng kiến"],
    "level": ["Mức"],
    "count": ["Số lượng"],
}
DOMAIN_GROUP = {
    "hạ tầng số": "Phát triển hạ tầng số",
    "nguồn lực": "Phát triển nguồn lực",
    "chuyển đổi số": "Phát triển chuyển đổi số",
    "khoa học công nghệ": "Phát triển khoa học và công nghệ",
    "đổi mới sáng tạo": "Đổi mới sáng tạo",
}
TASKS = [
    "Xây dựng Kế hoạch chuyển đổi số xã {commune} năm {year}",
    "Tổ chức tuyên truyền, phổ biến Nghị quyết số 57-NQ/TW đến cán bộ, đảng viên và Nhân dân",
    "Tập huấn kỹ năng số cơ bản cho cán bộ, công chức xã",
    "Duy trì, sử dụng hiệu quả phần mềm quản lý văn bản và điều hành",
    "Rà soát, số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
    "Hướng dẫn người dân cài đặt, kích hoạt tài khoản định danh điện tử VNeID",
    "Phát triển Tổ công nghệ số cộng đồng tại các thôn",
    "Triển khai thanh toán không dùng tiền mặt tại chợ và hộ kinh doanh",
    "Nâng cấp hạ tầng mạng nội bộ và thiết bị tại trụ sở Ủy ban nhân dân xã",
    "Bảo đảm an toàn thông tin mạng cho các hệ thống thông tin của xã",
    "Xây dựng mô hình thôn thông minh",
    "Kiểm tra, đánh giá kết quả thực hiện Kế hoạch và báo cáo định kỳ",
    "Cập nhật, làm sạch dữ liệu dân cư phục vụ chuyển đổi số",
    "Hỗ trợ hộ sản xuất đưa sản phẩm lên sàn thương mại điện tử",
]
TASK_GROUPS = [
    "Nâng cao nhận thức về khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số",
    "Hoàn thiện thể chế, cải cách hành chính số",
    "Phát triển hạ tầng số và dữ liệu",
    "Phát triển kinh tế số, xã hội số",
]
OUTPUTS = [
    "Kế hoạch được ban hành",
    "Báo cáo kết quả",
    "Hệ thống vận hành ổn định",
    "Các lớp tập huấn",
    "Dữ liệu được cập nhật",
]


@dataclass
class Plan:
    name: str
    layout: str
    commune: str
    province: str
    year: int
    doc_number: str
    issue: date
    signer: str
    items: list = field(default_factory=list)  # paragraphs (str) and tables (list of rows)
    indicators: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)


def _catalog() -> list[dict]:
    with open(RESOURCES / "catalog.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r.get("name") and r.get("key")]
    for r in rows:
        r["wordings"] = [r["name"], *[a for a in (r.get("aliases") or "").split("|") if a.strip()]]
    return rows


def _agencies() -> list[str]:
    with open(RESOURCES / "agencies.csv", encoding="utf-8") as fh:
        return [r["name"] for r in csv.DictReader(fh) if r.get("level") in ("commune", "") and r.get("name")]


def _roman(n: int) -> str:
    return ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][n - 1]


def _num(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _target(rng: random.Random, unit: str) -> tuple[str, dict]:
    """A printed target and its expected comparator/value fields."""
    if unit == "percent":
        value = rng.choice([50, 60, 70, 75, 80, 85, 90, 95, 100])
        form = rng.randrange(6)
        if value == 100 or form == 0:
            return f"{value}%", {"comparator": "=", "value": value}
        if form == 1:
            return f"≥ {value}%", {"comparator": ">=", "value": value}
        if form == 2:
            return f"Từ {value}% trở lên", {"comparator": ">=", "value": value}
        if form == 3:
            return f"Trên {value}%", {"comparator": ">", "value": value}
        if form == 4:
            return f"{value - 10}-{value}%", {"comparator": "range", "value": value - 10, "value_max": value}
        return f"Ít nhất {value}%", {"comparator": ">=", "value": value}
    if unit == "index":
        value = rng.choice([0.55, 0.6, 0.63, 0.7, 0.75])
        return f"≥ {_num(value)}", {"comparator": ">=", "value": value}
    if unit in ("count", "model", "initiative", "level"):
        value = rng.randint(1, 5)
        return (
            (f"≥ {value:02d}", {"comparator": ">=", "value": value})
            if rng.random() < 0.5
            else (
                f"{value:02d}",
                {"comparator": "=", "value": value},
            )
        )
    return rng.choice(["Đạt", "Có", "Hoàn thành", "Có triển khai"]), {"comparator": "text", "value": None}


def _deadline(rng: random.Random, year: int) -> tuple[str, dict]:
    quarter = rng.randint(1, 4)
    month = rng.randint(1, 12)
    last = [31, 29 if year % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    q_start, q_end = (quarter - 1) * 3 + 1, quarter * 3
    forms = [
        (
            f"Quý {_roman(quarter)}/{year}",
            {
                "deadline_start": f"{year}-{q_start:02d}-01",
                "deadline_end": f"{year}-{q_end:02d}-{last[q_end - 1]}",
                "recurrence": None,
            },
        ),
        (
            f"Tháng {month}/{year}",
            {
                "deadline_start": f"{year}-{month:02d}-01",
                "deadline_end": f"{year}-{month:02d}-{last[month - 1]}",
                "recurrence": None,
            },
        ),
        (f"Năm {year}", {"deadline_start": f"{year}-01-01", "deadline_end": f"{year}-12-31", "recurrence": None}),
        ("Thường xuyên", {"deadline_start": None, "deadline_end": None, "recurrence": "ongoing"}),
        ("Hằng năm", {"deadline_start": None, "deadline_end": None, "recurrence": "annual"}),
    ]
    return rng.choice(forms)


def make_plan(index: int, layout: str, seed: int, catalog: list[dict], agencies: list[str]) -> Plan:
    rng = random.Random(f"{seed}:{index}")
    commune = " ".join(rng.sample(SYLLABLES, 2))
    year = rng.choice([2025, 2026, 2026, 2027])
    issue = date(year, rng.randint(1, 3), rng.randint(1, 28))
    plan = Plan(
        name=f"plan_{index:05d}_{layout}",
        layout=layout,
        commune=commune,
        province=rng.choice(PROVINCES),
        year=year,
        doc_number=f"{rng.randint(10, 399)}/KH-UBND",
        issue=issue,
        signer=rng.choice(SIGNERS),
    )
    plan.items += [
        "ỦY BAN NHÂN DÂN",
        f"XÃ {commune.upper()}",
        f"Số: {plan.doc_number}",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        f"{commune}, ngày {issue.day:02d} tháng {issue.month:02d} năm {issue.year}",
        "KẾ HOẠCH",
        f"Triển khai thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát triển "
        f"khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia trên địa bàn xã {commune} năm {year}",
        f"Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị; Ủy ban nhân dân xã {commune}, "
        f"tỉnh {plan.province} ban hành Kế hoạch như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        f"- Triển khai đồng bộ, hiệu quả Nghị quyết số 57-NQ/TW phù hợp với điều kiện thực tiễn của xã {commune}.",
        "2. Yêu cầu",
        "- Xác định rõ nhiệm vụ trọng tâm, có lộ trình, sản phẩm cụ thể; phân công rõ cơ quan chủ trì, phối hợp.",
        "II. MỤC TIÊU, CHỈ TIÊU",
        f"Phụ lục I: Chỉ tiêu phát triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số năm {year}",
    ]
    entries = rng.sample(catalog, min(len(catalog), rng.randint(8, 18)))
    by_domain: dict[str, list[dict]] = {}
    for entry in entries:
        by_domain.setdefault(entry.get("domain") or "khác", []).append(entry)
    header = [
        rng.choice(["STT", "TT"]),
        rng.choice(["Chỉ tiêu", "Tên chỉ tiêu", "Nội dung chỉ tiêu"]),
        rng.choice(["Đơn vị tính", "ĐVT"]),
        rng.choice(["Kết quả", "Chỉ tiêu phấn đấu đạt được", f"Mục tiêu đạt được năm {year}", f"Chỉ tiêu năm {year}"]),
        rng.choice(["Cơ quan chủ trì", "Đơn vị chủ trì theo dõi"]),
    ]
    rows = [header]
    domains = list(by_domain)
    rng.shuffle(domains)
    for g, domain in enumerate(domains, 1):
        group = f"{_roman(g)} {DOMAIN_GROUP.get(domain, domain.capitalize())}"
        rows.append([_roman(g), DOMAIN_GROUP.get(domain, domain.capitalize()), "", "", ""])
        for k, entry in enumerate(by_domain[domain], 1):
            unit = entry.get("unit") if entry.get("unit") in UNIT_PRINT else "percent"
            unit_raw = rng.choice(UNIT_PRINT[unit])
            target_raw, target = _target(rng, unit)
            if target["comparator"] != "text" and unit == "document":
                target_raw, target = "01", {"comparator": "=", "value": 1}
            lead = rng.choice(agencies)
            name = rng.choice(entry["wordings"])
            rows.append([str(k), name, unit_raw, target_raw, lead])
            plan.indicators.append(
                {
                    "type": "indicator",
                    "source": "table",
                    "table_label": "Phụ lục I",
                    "group": group,
                    "code": str(k),
                    "name": name,
                    "unit_raw": unit_raw,
                    "unit": unit,
                    "target_raw": target_raw,
                    "value_max": None,
                    **target,
                    "target_year": year,
                    "lead_agency": lead,
                    "link": entry["key"],
                    "_row": len(rows) - 1,
                }
            )
    plan.items.append(rows)
    plan.items += [
        "III. NHIỆM VỤ VÀ GIẢI PHÁP",
        "Các nhiệm vụ cụ thể tại Phụ lục II kèm theo.",
        "IV. TỔ CHỨC THỰC HIỆN",
        "Các cơ quan, đơn vị căn cứ nhiệm vụ được giao chủ động triển khai thực hiện.",
        f"Phụ lục II: Nhiệm vụ trọng tâm năm {year}",
    ]
    header = [
        rng.choice(["STT", "TT"]),
        rng.choice(["Nhiệm vụ", "Tên nhiệm vụ", "Nội dung nhiệm vụ"]),
        rng.choice(["Cơ quan chủ trì", "Đơn vị chủ trì"]),
        rng.choice(["Cơ quan phối hợp", "Đơn vị phối hợp"]),
        rng.choice(["Sản phẩm", "Sản phẩm/Kết quả đầu ra"]),
        rng.choice(["Thời gian hoàn thành", "Thời hạn"]),
    ]
    rows = [header]
    titles = rng.sample(TASKS, rng.randint(6, 12))
    groups = rng.sample(TASK_GROUPS, rng.randint(2, 3))
    code = 0
    for g, group in enumerate(groups, 1):
        rows.append([_roman(g), group, "", "", "", ""])
        for title in titles[g - 1 :: len(groups)]:
            code += 1
            lead, coord = rng.sample(agencies, 2)
            deadline_raw, deadline = _deadline(rng, year)
            text = title.format(commune=commune, year=year)
            rows.append([str(code), text, lead, coord, rng.choice(OUTPUTS), deadline_raw])
            plan.tasks.append(
                {
                    "type": "task",
                    "source": "table",
                    "table_label": "Phụ lục II",
                    "group": f"{_roman(g)} {group}",
                    "code": str(code),
                    "title": text,
                    "lead_agency": lead,
                    "coordinating_agencies": [coord],
                    "deadline_raw": deadline_raw,
                    **deadline,
                    "deadline_condition": None,
                    "_row": len(rows) - 1,
                }
            )
    plan.items.append(rows)
    plan.items += [f"CHỦ TỊCH\n{plan.signer}"]
    return plan


# ---------------------------------------------------------------- text layouts


def _text_lines(plan: Plan, rng: random.Random) -> tuple[list[str], dict]:
    """tsv lines, and the line of each indicator/task table row (1-based) by table and row index."""
    lines: list[str] = []
    where: dict[tuple[int, int], int] = {}
    for t, item in enumerate(plan.items):
        if isinstance(item, str):
            lines += [*item.split("\n"), ""]
            continue
        header = item[0]
        for r, row in enumerate(item):
            if r > 1 and rng.random() < 0.08:  # a page break repeats the header
                lines += ["", "\t".join(header)]
            where[(t, r)] = len(lines) + 1
            lines.append("\t".join(row))
        lines.append("")
    return lines, where


def _flat_lines(plan: Plan) -> tuple[list[str], dict]:
    """Reading-order text of a PDF: header cells on their own lines, a long name wrapped, cells on lines."""
    lines: list[str] = []
    where: dict[tuple[int, int], int] = {}
    for t, item in enumerate(plan.items):
        if isinstance(item, str):
            lines += [*item.split("\n"), ""]
            continue
        for r, row in enumerate(item):
            where[(t, r)] = len(lines) + 1
            if r == 0:
                lines += [*row, ""]
                continue
            code, name, *rest = row
            words, parts, current = name.split(), [], ""
            for word in words:
                if len(current) + len(word) > 38 and current:
                    parts.append(current)
                    current = word
                else:
                    current = f"{current} {word}".strip()
            parts.append(current)
            if len(parts) == 1:
                lines.append(" ".join(c for c in [code, parts[0], *rest] if c))
            else:
                lines += [code, *parts, " ".join(c for c in rest if c)]
            lines.append("")
    return lines, where


def _attach_lines(plan: Plan, where: dict) -> None:
    tables = [t for t, item in enumerate(plan.items) if not isinstance(item, str)]
    for rec, t in [(r, tables[0]) for r in plan.indicators] + [(r, tables[1]) for r in plan.tasks]:
        rec["line"] = where[(t, rec.pop("_row"))]


def _strip(text: str) -> str:
    from pipeline.normalize.fold import strip_diacritics

    return strip_diacritics(text)


def write_plan(plan: Plan, plans_dir: Path, seed: int) -> Path:
    rng = random.Random(f"{seed}:{plan.name}:layout")
    path = plans_dir / f"{plan.name}{SUFFIX[plan.layout]}"
    if plan.layout in ("tsv", "stripped"):
        lines, where = _text_lines(plan, rng)
        text = "\n".join(lines)
        path.write_text(_strip(text) if plan.layout == "stripped" else text, encoding="utf-8")
    elif plan.layout == "flat":
        lines, where = _flat_lines(plan)
        path.write_text("\n".join(lines), encoding="utf-8")
    else:
        lines, where = _text_lines(plan, random.Random(0))  # lines of the content, for approximate gold lines
        _render(plan, path)
    _attach_lines(plan, where)
    return path


def _render(plan: Plan, path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.builders import TableItem, render_docx, render_pdf, render_scan

    items = []
    for item in plan.items:
        if isinstance(item, str):
            items += item.split("\n")
        else:  # a page segment per dozen rows, the header repeated as printed plans do
            body = item[1:]
            items.append(TableItem([[item[0], *body[i : i + 12]] for i in range(0, len(body), 12)]))
    if plan.layout == "pdf":
        render_pdf(path, items)
    elif plan.layout == "docx":
        render_docx(path, items)
    else:
        table = next(i for i in plan.items if not isinstance(i, str))
        render_scan(path, [i for i in plan.items[:8] if isinstance(i, str)], table[:14])
        plan.indicators = [r for r in plan.indicators if r["_row"] < 14]  # only the scanned rows
        plan.tasks = []


def expected_records(plan: Plan, path: Path) -> list[dict]:
    doc = {
        "type": "document",
        "source_file": path.name,
        "commune": plan.commune,
        "province": plan.province,
        "doc_number": plan.doc_number,
        "issue_date": plan.issue.isoformat(),
        "signer": plan.signer,
        "plan_year": plan.year,
        "n_indicator_rows": len(plan.indicators),
        "n_task_rows": len(plan.tasks),
    }
    return [doc, *plan.indicators, *plan.tasks]


def generate(out: Path, n: int, seed: int = 0, layouts: tuple[str, ...] = ("tsv", "flat", "stripped")) -> list[Path]:
    """Writes n plans (layouts in turn) and their expected rows; returns the plan paths."""
    out = Path(out)
    plans_dir, expected_dir = out / "plans", out / "expected"
    plans_dir.mkdir(parents=True, exist_ok=True)
    expected_dir.mkdir(parents=True, exist_ok=True)
    catalog, agencies = _catalog(), _agencies()
    paths = []
    for i in range(1, n + 1):
        layout = layouts[(i - 1) % len(layouts)]
        plan = make_plan(i, layout, seed, catalog, agencies)
        path = write_plan(plan, plans_dir, seed)
        records = expected_records(plan, path)
        with open(expected_dir / f"{plan.name}.jsonl", "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layouts", default="tsv,flat,stripped", help=f"comma-separated, of {', '.join(LAYOUTS)}")
    args = parser.parse_args(argv)
    layouts = tuple(x.strip() for x in args.layouts.split(",") if x.strip())
    unknown = set(layouts) - set(LAYOUTS)
    if unknown:
        parser.error(f"unknown layouts: {', '.join(sorted(unknown))}")
    paths = generate(args.out, args.n, args.seed, layouts)
    print(f"wrote {len(paths)} plans to {args.out / 'plans'} and their expected rows to {args.out / 'expected'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
