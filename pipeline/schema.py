"""Output tables: explicit pyarrow schemas with a description on every column.

This module is the data dictionary. The README's dictionary is generated from it
(`python -m pipeline schema`), and each Parquet file carries the descriptions in
its field metadata, so a researcher can read them with `pq.read_schema(path)`.
"""

from __future__ import annotations

import pyarrow as pa

S, INT, F, B = pa.string(), pa.int32(), pa.float64(), pa.bool_()
D, TS, LS = pa.date32(), pa.timestamp("s", tz="UTC"), pa.list_(pa.string())

_PROVENANCE = [
    ("page", INT, "Page number in the source (null for text exports, which have no pages)."),
    ("line_start", INT, "First source line of the row (1-based; for PDF/DOCX, the line index in the document model)."),
    ("line_end", INT, "Last source line of the row."),
]
_DOC = [
    ("doc_id", S, "Stable document id: first 16 hex digits of the SHA-256 of the file content."),
    ("source_file", S, "Path of the input file as given to the run."),
]

_COMPARISON = [
    ("indicator_id", S, "Catalog indicator."),
    ("indicator_name", S, "Canonical Vietnamese name of the indicator."),
    ("domain", S, "Domain group of the indicator."),
    (
        "commune_key",
        S,
        "Commune identity key (see documents.commune_key): the comparison's column, never the name alone.",
    ),
    (
        "commune",
        S,
        "Commune name for display (province added when two communes share a name; file name when the plan names none).",
    ),
    ("province", S, "Province of the commune, when the plan names it."),
    ("district", S, "District of the commune, when the plan prints one."),
    ("doc_id", S, "Document holding the target (null for status 'missing')."),
    ("doc_number", S, "Number and date of that plan, e.g. '62/KH-UBND ngày 03/02/2026'."),
    ("source_file", S, "File of that plan."),
    ("status", S, "target (the commune sets one) | missing (the commune's plans have no target for it that year)."),
    ("target_year", INT, "Year compared."),
    ("comparator", S, ">= | > | <= | < | = | range | text."),
    ("value", F, "Numeric target; null for text targets."),
    ("value_max", F, "Upper bound of a range."),
    ("unit", S, "Unit harmonised per indicator: the row's unit, else the catalog's expected unit."),
    ("unit_base", S, "Base of a percentage when printed."),
    ("qualifier", S, "Words qualifying the target."),
    ("target_raw", S, "Target as printed."),
    ("name", S, "Indicator wording in the commune's plan."),
    ("source", S, "table | prose: where the plan states the target."),
    ("row_id", S, "row_id of the indicators row."),
    ("link_method", S, "How the row was linked: exact | fuzzy | decision."),
    ("link_score", F, "Link score 0-100."),
    ("page", INT, "Page of the target in the source (null for text files)."),
    ("line_start", INT, "Line of the target in the source."),
    (
        "n_values",
        INT,
        "How many values the commune's plans give for this indicator and year (the others are in comparison_detail).",
    ),
    ("plans_superseded", S, "Earlier plans of the commune replaced by a later plan or amendment (not used)."),
    ("duplicate_files", S, "Other files holding the same plan, counted once."),
]

TABLES: dict[str, list[tuple[str, pa.DataType, str]]] = {
    "documents": [
        *_DOC,
        ("other_files", LS, "Other input files with identical content (processed once)."),
        ("format", S, "Detected format: text | pdf | docx."),
        ("status", S, "ok | failed | skipped (over a limit, unreadable)."),
        ("error", S, "Why the document failed or was skipped; null when ok."),
        ("sha256", S, "SHA-256 of the file content."),
        ("size_bytes", pa.int64(), "File size in bytes."),
        ("encoding", S, "Text encoding detected (text exports) or legacy font encoding converted."),
        ("n_pages", INT, "Number of pages (null for text exports)."),
        ("n_lines", INT, "Number of lines in the document model."),
        ("ocr_pages", INT, "Number of pages read by OCR."),
        ("ocr_confidence", F, "Mean Tesseract word confidence over OCR'd pages (0-100); null if none."),
        ("diacritics_stripped", B, "True when the text has lost its Vietnamese diacritics (OCR, retyped)."),
        (
            "commune",
            S,
            "Commune, ward or town (xã, phường, thị trấn) issuing the plan, as named; null for district and province plans.",
        ),
        ("province", S, "Province or centrally-run city, when the plan names it."),
        (
            "level",
            S,
            "Level of the issuing authority: xa | phuong | thi_tran (commune level), huyen | quan | thi_xa | thanh_pho (district level: a city under a province), tinh (a province or a centrally-governed city); null when the plan does not say.",
        ),
        (
            "district",
            S,
            "District (huyện, quận, thị xã, provincial city) of the issuer or over it, when the plan names it.",
        ),
        ("doc_number", S, "Document number, e.g. '62/KH-UBND' (null when left blank in the plan)."),
        ("issue_date", D, "Date of issue, when the plan states a full date."),
        ("signer", S, "Name of the signing official."),
        ("plan_year", INT, "Year the plan is for (targets without an explicit year default to it)."),
        (
            "plan_year_source",
            S,
            "Where plan_year comes from: 'title' (printed in the title) or 'issue_date' (the title names no year, so the year of issue is assumed; filter these out when the plan's year must be stated).",
        ),
        ("title", S, "Plan title (the line after 'KẾ HOẠCH')."),
        (
            "commune_key",
            S,
            "Commune identity: province/district/commune, each folded (no case, diacritics or xã/phường/huyện/tỉnh prefix), '?' when not printed, e.g. 'dong-nai/?/tan-phu'; '#doc_id' appended when neither commune nor district is known. Same-named communes of two provinces differ.",
        ),
        ("n_headings", INT, "Headings found."),
        ("n_tables", INT, "Table blocks found."),
        ("n_indicators", INT, "Indicator rows extracted."),
        ("n_tasks", INT, "Task rows extracted."),
        ("n_diagnostics", INT, "Diagnostics raised."),
        ("seconds", F, "Processing time for the document."),
        ("pipeline_version", S, "Version of the pipeline that produced the row."),
    ],
    "headings": [
        *_DOC,
        ("heading_index", INT, "Position of the heading in the document (0-based)."),
        ("level", INT, "Depth in the heading tree: 1 = part (I., Phụ lục), 2 = 1., 3 = 1.1./a), 4 = deeper."),
        ("numbering", S, "Numbering as printed, normalised ('II', '2.1', 'a', 'Phụ lục I'); null if none."),
        ("kind", S, "roman | arabic | letter | appendix | markdown."),
        ("title", S, "Heading text without its numbering."),
        ("parent_index", INT, "heading_index of the parent heading; null at the top."),
        ("path", S, "Numbering path from the root, e.g. 'II/2/a'."),
        *_PROVENANCE,
    ],
    "indicators": [
        *_DOC,
        ("commune", S, "Commune issuing the plan."),
        ("row_id", S, "Stable row id: doc_id + ':' + line_start + ':' + ordinal."),
        ("source", S, "table (an indicator table row) | prose (a target stated in the text)."),
        ("table_label", S, "Appendix or section holding the table, e.g. 'Phụ lục I'."),
        ("group", S, "Group the row belongs to (group row or parent row), e.g. 'I Phát triển hạ tầng'."),
        ("code", S, "Row number as printed ('1', '1.2'); null when the row has none."),
        ("name_raw", S, "Indicator name exactly as extracted."),
        ("name", S, "Clean display name: NFC, single spaces; restored Vietnamese for OCR/stripped text."),
        ("unit_raw", S, "Unit cell as printed."),
        (
            "unit",
            S,
            "Canonical unit: percent | index | count | document | system | model | initiative | level | other (printed but not in resources/units.csv); null when none printed or implied.",
        ),
        ("unit_base", S, "Base of a percentage when printed ('dân số', 'tổng chi ngân sách nhà nước', 'GRDP')."),
        ("target_raw", S, "Target cell or phrase as printed."),
        ("comparator", S, ">= | > | <= | < | = | range | text."),
        ("value", F, "Numeric target (percent kept as 80, not 0.8); null for text targets."),
        ("value_max", F, "Upper bound for ranges ('80-90%'); else null."),
        ("qualifier", S, "Words qualifying the target ('đối với cơ sở giáo dục mầm non', 'Có')."),
        ("target_year", INT, "Year the target is for (column year, section 'Đến năm 2030', else plan year)."),
        ("lead_agency_raw", S, "Lead agency cell as printed."),
        ("lead_agency", S, "Canonical lead agency from the gazetteer; raw text when not in it."),
        (
            "flags",
            LS,
            "Quality flags, e.g. 'multiple_targets', 'unit_mismatch', 'restored_name', 'uncertain_target' (a prose target outside the objectives with no word of intent).",
        ),
        ("sentence", S, "Prose targets: the sentence the target was read from; null for table rows."),
        ("indicator_id", S, "Catalog indicator this row is linked to; null when unlinked."),
        ("indicator_name", S, "Canonical Vietnamese name of the linked catalog indicator."),
        ("link_score", F, "Match score 0-100 of the link."),
        (
            "link_method",
            S,
            "exact | fuzzy | decision (analyst-confirmed) | review (not linked, sent to review) | none.",
        ),
        *_PROVENANCE,
    ],
    "tasks": [
        *_DOC,
        ("commune", S, "Commune issuing the plan."),
        ("row_id", S, "Stable row id: doc_id + ':' + line_start + ':' + ordinal."),
        ("source", S, "table (a task table row) | prose (a duty assigned in 'Tổ chức thực hiện')."),
        ("table_label", S, "Appendix or section holding the task."),
        ("group", S, "Group row the task falls under (e.g. 'I Nâng cao nhận thức…')."),
        ("code", S, "Task number as printed; null for unnumbered sub-rows."),
        ("parent_code", S, "Code of the task this sub-task belongs to."),
        ("title_raw", S, "Task text as extracted."),
        ("title", S, "Clean task text (NFC, single spaces)."),
        ("output_raw", S, "Expected output / result cell."),
        ("kpi_raw", S, "KPI cell (quantitative measure), where the table has one."),
        ("lead_agency_raw", S, "Lead agency cell as printed."),
        ("lead_agency", S, "Canonical lead agency from the gazetteer; raw text when not in it."),
        (
            "lead_agencies",
            LS,
            "Every lead agency the cell names (co-leads), canonical where known; first = lead_agency.",
        ),
        ("coordinating_raw", S, "Coordinating agencies cell as printed."),
        ("coordinating_agencies", LS, "Canonical coordinating agencies, one per agency named."),
        ("responsible_raw", S, "Person responsible (head of unit) cell."),
        ("authority_raw", S, "Issuing / deploying authority cell."),
        ("note_raw", S, "Note cell."),
        ("deadline_raw", S, "Deadline cell as printed."),
        ("deadline_start", D, "Start of the deadline interval."),
        ("deadline_end", D, "End of the deadline interval (the due date)."),
        ("recurrence", S, "ongoing | annual | semiannual | quarterly | monthly | periodic; null if one-off."),
        ("deadline_condition", S, "Condition the deadline depends on ('Sau khi thành phố ban hành…')."),
        *_PROVENANCE,
    ],
    "diagnostics": [
        *_DOC,
        (
            "stage",
            S,
            "Pipeline stage that raised it: read | tables | headings | metadata | indicators | tasks | checks | link | run.",
        ),
        ("severity", S, "info | warning | error."),
        ("code", S, "Stable machine-readable reason, e.g. 'unparsed_target', 'declared_count_mismatch'."),
        ("reason", S, "Human-readable explanation."),
        ("raw_text", S, "Source text concerned."),
        *_PROVENANCE,
    ],
    "catalog": [
        ("indicator_id", S, "Catalog indicator id (e.g. 'HT01'; 'N…' for entries created by an analyst decision)."),
        ("name", S, "Canonical Vietnamese name of the indicator."),
        ("key", S, "Short ASCII key, e.g. 'phu_song_5g'."),
        ("domain", S, "Domain group: hạ tầng số | nguồn lực | khoa học công nghệ | đổi mới sáng tạo | chuyển đổi số."),
        ("unit", S, "Expected canonical unit; targets in another unit are flagged 'unit_mismatch'. Null: not checked."),
        ("aliases", LS, "Other wordings plans use for the indicator (matched exactly after folding)."),
        ("source", S, "catalog (resources/catalog.csv) | decision (created by an analyst decision in decisions.csv)."),
        ("n_mentions", INT, "Indicator rows of this run linked to the entry."),
        ("n_communes", INT, "Communes of this run with at least one row linked to the entry."),
    ],
    "review": [
        ("review_id", S, "Stable id of the review item (hash of kind and match key)."),
        (
            "kind",
            S,
            "ambiguous (two indicators close) | weak (best match below threshold) | conflict (numbers differ, e.g. 5G/6G) | unmatched (one commune, no close indicator) | new_entry_proposal (several communes, no close indicator).",
        ),
        ("match_key", S, "Folded key of the wording (decisions.csv is keyed by it)."),
        ("member_keys", LS, "Further keys grouped into the same proposal (a decision applies to all)."),
        ("name", S, "Most frequent wording as printed."),
        ("n_mentions", INT, "Indicator rows with this wording."),
        ("n_communes", INT, "Communes using the wording."),
        ("communes", LS, "Those communes."),
        ("row_ids", LS, "row_id of each indicator row concerned."),
        ("candidates", S, "Closest catalog indicators with scores, best first: 'ID name (score) | …'."),
        ("top_id", S, "Best candidate indicator_id."),
        ("top_score", F, "Its score (0-100)."),
        ("second_id", S, "Second-best candidate indicator_id."),
        ("second_score", F, "Its score."),
        ("reason", S, "Why the row is in review and what the analyst can decide."),
        ("decision", S, "For the analyst: link | new | reject (copy review.csv to decisions.csv and fill it)."),
        ("indicator_id", S, "For the analyst: the indicator to link to (decision=link) or the new id (optional)."),
        ("new_name", S, "For the analyst: canonical name of a new entry (decision=new)."),
        ("domain", S, "For the analyst: domain group of a new entry."),
        ("unit", S, "Most frequent unit of the rows (the expected unit of a new entry unless changed)."),
    ],
    "comparison": _COMPARISON,
    "comparison_detail": [
        *_COMPARISON,
        ("chosen", B, "True for the value the comparison uses (the choice rule in pipeline/link/compare.py)."),
        ("reason", S, "Why the value was chosen, or the first rule that put another value before it (Vietnamese)."),
    ],
    "plans": [
        ("doc_id", S, "Document."),
        ("commune_key", S, "Commune identity key of the plan."),
        (
            "role",
            S,
            "current (counted) | superseded (a later plan or amendment for the same year) | duplicate (same plan in another file, counted once).",
        ),
        (
            "rank",
            INT,
            "0 for the current plan of a commune and plan year, 1 for the plan it superseded, …; null for duplicates.",
        ),
        ("of", S, "doc_id of the plan a duplicate repeats, or of the plan superseding this one."),
        ("reason", S, "Why (Vietnamese): same number and date, near-identical content, superseded by which plan."),
    ],
}


def schema(table: str) -> pa.Schema:
    return pa.schema(
        [pa.field(n, t, metadata={"description": d}) for n, t, d in TABLES[table]],
        metadata={"table": table},
    )


def _type_name(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return f"list of {_type_name(t.value_type)}"
    return {"large_string": "string", "date32[day]": "date", "timestamp[s, tz=UTC]": "timestamp"}.get(str(t), str(t))


def dictionary_markdown() -> str:
    """The README's data dictionary, generated so it cannot drift from the schemas."""
    parts = []
    for table, cols in TABLES.items():
        parts.append(f"#### `{table}.parquet`\n\n| column | type | meaning |\n|---|---|---|")
        parts += [f"| `{n}` | {_type_name(t)} | {d.replace('|', chr(92) + '|')} |" for n, t, d in cols]
        parts.append("")
    return "\n".join(parts)
