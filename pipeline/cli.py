"""Command line: `python -m pipeline run|schema|eval|compare|report|export ...`.

Exit codes: 0 every document processed, 1 some failed or were skipped (the rest are written) or none
could be read (the previous outputs are kept), 2 usage error (one line; nothing written), 3 the run
could not finish, e.g. disk full (the previous outputs are kept).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import traceback
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline import __version__
from pipeline.config import Limits, default_jobs
from pipeline.progress import BatchBar

DEFAULT_INPUT = Path("data/raw")
DEFAULT_OUTPUT = Path("data/processed")
DEFAULT_GOLD = Path("tests/gold")
_DEFAULTS = Limits()


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(
        max_bytes=int(args.max_mb * 1024 * 1024),
        max_pages=args.max_pages,
        max_seconds=args.max_seconds,
        max_page_seconds=args.max_page_seconds,
        max_memory_bytes=int(args.max_memory_mb * 1024 * 1024),
        ocr=not args.no_ocr,
    )


def _console() -> Console:
    """stderr console; logs and pipes get 120 columns so file names in the summary are not cut."""
    console = Console(stderr=True)
    return console if console.is_terminal else Console(stderr=True, width=120)


class UserError(Exception):
    """A mistake in the command line: one line on stderr, exit 2, nothing written."""


MAX_JOBS = 512  # beyond this --jobs is a typo, not a machine
DASK_LIMITS = (
    "with --executor dask documents run in Dask's worker threads: --max-memory-mb and --max-page-seconds "
    "do not apply, and a document over --max-seconds is reported too slow but runs on"
)


def _check_run_args(args: argparse.Namespace) -> None:
    numbers = {
        "--max-seconds": args.max_seconds,
        "--max-page-seconds": args.max_page_seconds,
        "--max-mb": args.max_mb,
        "--max-memory-mb": args.max_memory_mb,
    }
    for name, value in numbers.items():
        if not (math.isfinite(value) and value > 0):
            raise UserError(f"{name} must be a positive finite number, not {value}")
    if args.max_pages < 1:
        raise UserError("--max-pages must be at least 1")
    if not 1 <= args.jobs <= MAX_JOBS:
        raise UserError(f"--jobs must be between 1 and {MAX_JOBS}, not {args.jobs}")
    if args.scheduler and args.executor != "dask":
        raise UserError("--scheduler needs --executor dask")
    if args.executor == "dask" and importlib.util.find_spec("distributed") is None:
        raise UserError("--executor dask needs Dask: pip install 'plan57-pipeline[dask]'")
    out = args.out.resolve()
    if out == Path(out.anchor):
        raise UserError(f"--out {args.out} is the root folder: give a folder for this run's outputs")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {args.out} is a file, not a folder")


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.batch import run_batch
    from pipeline.config import RunConfig
    from pipeline.inputs import find_inputs

    console = _console()
    _check_run_args(args)
    if args.executor == "dask" and not args.quiet:
        console.print(f"[yellow]note:[/yellow] {DASK_LIMITS}", soft_wrap=True)
    roots = args.inputs or [DEFAULT_INPUT]
    found = find_inputs(roots, args.follow_symlinks)
    if not found.files and not found.rejected:
        where = ", ".join(map(str, found.missing or roots))
        raise UserError(f"no input files found in {where}; the outputs in {args.out} are untouched")
    paths = found.to_read()
    config = RunConfig(
        limits=_limits(args),
        jobs=args.jobs,
        executor=args.executor,
        scheduler=args.scheduler,
        incremental=args.incremental,
        force=args.force,
        wait=args.wait,
    )
    show = console.is_terminal and not args.quiet
    with BatchBar(console, len(paths) + len(found.rejected), show) as bar:
        pages = bar.pages if show else None
        result = run_batch(paths, args.out, config, args.decisions, bar.document, found.rejected, pages)
    linked = result.linked
    if linked is not None:
        for problem in linked.decisions.problems:
            console.print(f"[yellow]decisions: {problem}[/yellow]")
    if result.link_error:
        console.print(f"[red]{result.link_error}[/red]")
    if not args.quiet:
        _summary(console, result.documents)
        if linked is not None:
            console.print(f"Linking: {len(linked.review)} items to review (review.csv)")
    if result.kept:
        console.print(
            f"[red]No document could be read: the previous outputs in {escape(str(args.out))} are kept "
            "(--force to replace them anyway)[/red]",
            soft_wrap=True,
        )
        return 1
    if not args.quiet:
        console.print(f"Wrote {', '.join(p.name for p in result.written.values())} to {escape(str(args.out))}")
    return 0 if all(d.status == "ok" for d in result.documents) else 1


SUMMARY_ROWS = 50  # larger runs get totals instead of one line per document


def _summary(console: Console, documents) -> None:
    columns = ("headings", "indicators", "tasks", "diagnostics")
    table = Table(title="Summary")
    for col in ("document", "status", *columns, "seconds"):
        table.add_column(col, justify="left" if col in ("document", "status") else "right")
    if len(documents) <= SUMMARY_ROWS:
        for d in documents:
            status = d.status if d.status == "ok" else f"[red]{d.status}[/red]"
            status += " (reused)" if d.reused else ""
            table.add_row(Path(d.source_file).name, status, *(str(d.count(t)) for t in columns), f"{d.seconds:.2f}")
    else:
        for status in sorted({d.status for d in documents}):
            group = [d for d in documents if d.status == status]
            reused = sum(d.reused for d in group)
            table.add_row(
                f"{len(group)} documents" + (f" ({reused} reused)" if reused else ""),
                status,
                *(str(sum(d.count(t) for d in group)) for t in columns),
                f"{sum(d.seconds for d in group):.1f}",
            )
    console.print(table)
    for d in documents:  # one unwrapped line each, so they can be grepped
        if d.status != "ok":
            console.print(f"[red]{d.status}[/red] {escape(d.source_file)}: {escape(d.message or '')}", soft_wrap=True)
        for note in d.notes:
            console.print(f"[yellow]note[/yellow] {escape(d.source_file)}: {escape(note)}", soft_wrap=True)


def _dataset(pred: Path) -> Path:
    """The dataset in use in a run's output folder: one version, read consistently even while a run switches."""
    from pipeline.commit import current_dir

    folder = current_dir(pred)
    if folder is None or not (folder / "indicators.parquet").exists():
        raise UserError(f"no outputs in {pred}: run `python -m pipeline run` first")
    return folder


def cmd_report(args: argparse.Namespace) -> int:
    from pipeline.reference import ReferenceFileError
    from pipeline.report import write_report

    if args.reference and not args.reference.exists():
        raise UserError(f"reference targets file not found: {args.reference}")
    try:
        path = write_report(_dataset(args.pred), args.out, args.reference)
    except ReferenceFileError as exc:
        raise UserError(str(exc)) from None
    Console(stderr=True).print(f"Wrote {path}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from pipeline.schema import dictionary_markdown

    sys.stdout.write(dictionary_markdown())
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.eval import GoldError, evaluate_folders
    from pipeline.eval.evaluate import metrics_table

    console = Console()
    try:
        metrics, errors = evaluate_folders(args.gold, args.pred, args.out)
    except (GoldError, FileNotFoundError) as exc:
        Console(stderr=True).print(f"[red]{exc}[/red]")
        return 2
    console.print(metrics_table(metrics))
    links = metrics["links"]
    if links["available"]:
        p, r = (links[k] for k in ("precision", "recall"))
        console.print(
            f"Links (pairwise over matched indicators): precision {'—' if p is None else f'{p:.3f}'}, "
            f"recall {'—' if r is None else f'{r:.3f}'} ({links['common_pairs']} of {links['gold_pairs']} gold pairs)"
        )
    else:
        console.print(f"Links: not available ({links['reason']})")
    for key in ("missing_documents", "failed_documents"):
        if metrics.get(key):
            console.print(f"[yellow]{key.replace('_', ' ')}: {', '.join(metrics[key])}[/yellow]")
    console.print(f"Wrote metrics.json and errors.csv ({len(errors)} error rows) to {args.out or args.pred}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from pipeline import commit
    from pipeline.export import build_comparison, write_comparison, write_xlsx

    console = Console(stderr=True)
    dataset = _dataset(args.pred)
    cmp = build_comparison(dataset, args.year)
    if args.out:
        written = write_comparison(cmp, args.out)
    else:  # beside the run's outputs, in the version they were computed from
        with commit.OutputLock(args.pred):
            written = commit.add_to_current(args.pred, lambda folder: write_comparison(cmp, folder))
    if args.xlsx:
        written.append(write_xlsx(dataset, args.xlsx, args.year))
    rows = cmp.rows
    targets = [r for r in rows if r["status"] == "target"]
    roles = cmp.plans["role"].value_counts().to_dict() if not cmp.plans.empty else {}
    console.print(
        f"{len(targets)} targets for {len({r['indicator_id'] for r in targets})} indicators in "
        f"{len({r['commune_key'] for r in rows})} communes ({args.year or 'all years'}); "
        f"{len(rows) - len(targets)} indicator x commune gaps; plans: {roles.get('current', 0)} current, "
        f"{roles.get('superseded', 0)} superseded, {roles.get('duplicate', 0)} duplicate files. "
        f"Wrote {', '.join(p.name for p in written)}"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.export import write_xlsx

    Console(stderr=True).print(f"Wrote {write_xlsx(_dataset(args.pred), args.xlsx, args.year)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="extract headings, indicators and tasks from plans into Parquet")
    run.add_argument("inputs", nargs="*", type=Path, help=f"files or folders (default: {DEFAULT_INPUT})")
    run.add_argument("--out", type=Path, default=DEFAULT_OUTPUT, help=f"output folder (default: {DEFAULT_OUTPUT})")
    run.add_argument(
        "--max-mb", type=float, default=_DEFAULTS.max_bytes / 1024 / 1024, help="per-document size limit in MB"
    )
    run.add_argument("--max-pages", type=int, default=_DEFAULTS.max_pages, help="per-document page limit")
    run.add_argument(
        "--max-seconds", type=float, default=_DEFAULTS.max_seconds, help="per-document time limit (hard: stops it)"
    )
    run.add_argument(
        "--max-page-seconds",
        type=float,
        default=_DEFAULTS.max_page_seconds,
        help="per-page time limit of a PDF (within --max-seconds): a page over it is reported, the others are read",
    )
    run.add_argument("--no-ocr", action="store_true", help="do not OCR scanned pages")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    run.add_argument(
        "-j", "--jobs", type=int, default=default_jobs(), help="documents processed in parallel (default: cores)"
    )
    run.add_argument(
        "--executor", choices=("local", "dask"), default="local", help="local worker processes or a Dask cluster"
    )
    run.add_argument("--scheduler", default=None, help="Dask scheduler address (default: a LocalCluster)")
    run.add_argument(
        "--incremental",
        action="store_true",
        help="keep the previous rows of documents unchanged since the last run in --out (same content and pipeline)",
    )
    run.add_argument(
        "--max-memory-mb",
        type=float,
        default=_DEFAULTS.max_memory_bytes / 1024 / 1024,
        help="per-worker memory (address space) limit in MB",
    )
    run.add_argument(
        "--follow-symlinks", action="store_true", help="follow links in input folders even to files outside them"
    )
    run.add_argument("--force", action="store_true", help="replace the outputs even when no document could be read")
    run.add_argument("--wait", action="store_true", help="wait for another run writing --out instead of stopping")
    run.add_argument(
        "--decisions", type=Path, default=None, help="analyst link decisions (default: <out>/decisions.csv if present)"
    )
    run.set_defaults(func=cmd_run)

    schema = sub.add_parser("schema", help="print the data dictionary of the outputs (Markdown)")
    schema.set_defaults(func=cmd_schema)

    ev = sub.add_parser("eval", help="score a run's outputs against gold annotations (precision/recall)")
    ev.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help=f"gold folder (default: {DEFAULT_GOLD})")
    ev.add_argument("--pred", type=Path, default=DEFAULT_OUTPUT, help=f"run output folder (default: {DEFAULT_OUTPUT})")
    ev.add_argument("--out", type=Path, default=None, help="where to write metrics.json, errors.csv (default: --pred)")
    ev.set_defaults(func=cmd_eval)

    cmp = sub.add_parser("compare", help="indicator x commune table of targets for one year (Parquet and CSV)")
    cmp.add_argument("--year", type=int, default=None, help="target year to compare, e.g. 2026 (default: every year)")
    cmp.add_argument("--pred", type=Path, default=DEFAULT_OUTPUT, help=f"run output folder (default: {DEFAULT_OUTPUT})")
    cmp.add_argument("--out", type=Path, default=None, help="where to write the comparison (default: --pred)")
    cmp.add_argument("--xlsx", type=Path, default=None, help="also write an Excel workbook of every table here")
    cmp.set_defaults(func=cmd_compare)

    rep = sub.add_parser("report", help="self-contained HTML report comparing communes' targets (for the province)")
    rep.add_argument("--pred", type=Path, default=DEFAULT_OUTPUT, help=f"run output folder (default: {DEFAULT_OUTPUT})")
    rep.add_argument("--out", type=Path, default=Path("report.html"), help="HTML file to write (default: report.html)")
    rep.add_argument(
        "--reference",
        type=Path,
        default=None,
        help="CSV of the province's own targets (',' or ';'; template: pipeline/resources/reference_template.csv)",
    )
    rep.set_defaults(func=cmd_report)

    exp = sub.add_parser("export", help="one Excel workbook: a sheet per table and the commune comparison")
    exp.add_argument("--pred", type=Path, default=DEFAULT_OUTPUT, help=f"run output folder (default: {DEFAULT_OUTPUT})")
    exp.add_argument("--xlsx", type=Path, default=Path("plan57.xlsx"), help="workbook to write (default: plan57.xlsx)")
    exp.add_argument("--year", type=int, default=None, help="compare one target year only (default: every year)")
    exp.set_defaults(func=cmd_export)
    for command in sub.choices.values():
        command.add_argument("--verbose", action="store_true", help="full traceback on errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        kept = f"; the previous outputs in {args.out} are kept" if args.command == "run" else ""
        Console(stderr=True, width=10_000).print(f"interrupted{escape(kept)}", soft_wrap=True)
        return 130
    except Exception as exc:  # one line each; the traceback only on request
        from pipeline.batch import NoInput
        from pipeline.commit import OutputBusy
        from pipeline.executors import SchedulerUnreachable

        console = Console(stderr=True, width=10_000)
        if getattr(args, "verbose", False):
            console.print(escape(traceback.format_exc()), end="")
        if isinstance(exc, (UserError, OutputBusy, NoInput, SchedulerUnreachable)):
            console.print(f"[red]error:[/red] {escape(str(exc))}", soft_wrap=True)
            return 2
        out = getattr(args, "out", None)
        kept = f"; the previous outputs in {out} are kept" if args.command == "run" else ""
        kind = "I/O error" if isinstance(exc, OSError) else f"internal error ({type(exc).__name__})"
        hint = "" if getattr(args, "verbose", False) else " (--verbose for details)"
        console.print(f"[red]error:[/red] {kind}: {escape(str(exc))}{escape(kept)}{hint}", soft_wrap=True)
        return 3
