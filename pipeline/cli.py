"""Command line: `python -m pipeline run|schema ...`.

Exit codes: 0 every document processed, 1 some failed (the rest are written),
2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipeline import __version__
from pipeline.config import Limits

DEFAULT_INPUT = Path("data/raw")
DEFAULT_OUTPUT = Path("data/processed")
_DEFAULTS = Limits()


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(
        max_bytes=int(args.max_mb * 1024 * 1024),
        max_pages=args.max_pages,
        max_seconds=args.max_seconds,
        ocr=not args.no_ocr,
    )


def cmd_run(args: argparse.Namespace) -> int:
    from pipeline.run import collect_inputs, process_all, write_outputs

    console = Console(stderr=True)
    paths = collect_inputs(args.inputs or [DEFAULT_INPUT])
    if not paths:
        console.print(f"[red]No input files found in {', '.join(map(str, args.inputs or [DEFAULT_INPUT]))}[/red]")
        return 2
    limits = _limits(args)
    show = console.is_terminal and not args.quiet
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not show,
    ) as bar:
        task = bar.add_task("documents", total=len(paths))
        outcomes = process_all(paths, limits, progress=lambda _p: bar.advance(task))
    written = write_outputs(outcomes, args.out)
    if not args.quiet:
        _summary(console, outcomes)
        console.print(f"Wrote {', '.join(p.name for p in written.values())} to {args.out}")
    return 0 if all(o.status == "ok" for o in outcomes) else 1


def _summary(console: Console, outcomes) -> None:
    table = Table(title="Summary")
    for col in ("document", "status", "headings", "indicators", "tasks", "diagnostics", "seconds"):
        table.add_column(col, justify="left" if col in ("document", "status") else "right")
    for o in outcomes:
        status = o.status if o.status == "ok" else f"[red]{o.status}[/red]"
        table.add_row(
            Path(o.source_file).name,
            status,
            *(str(o.count(t)) for t in ("headings", "indicators", "tasks", "diagnostics")),
            f"{o.seconds:.2f}",
        )
    console.print(table)
    for o in outcomes:
        if o.status != "ok":
            console.print(f"[red]{o.status}[/red] {o.source_file}: {o.message}")


def cmd_schema(args: argparse.Namespace) -> int:
    from pipeline.schema import dictionary_markdown

    sys.stdout.write(dictionary_markdown())
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
    run.add_argument("--max-seconds", type=float, default=_DEFAULTS.max_seconds, help="per-document time limit")
    run.add_argument("--no-ocr", action="store_true", help="do not OCR scanned pages")
    run.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")
    run.set_defaults(func=cmd_run)

    schema = sub.add_parser("schema", help="print the data dictionary of the outputs (Markdown)")
    schema.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    return args.func(args)
