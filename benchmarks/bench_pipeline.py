"""Throughput and memory of `python -m pipeline run` on generated corpora, and where the time goes.

    python benchmarks/bench_pipeline.py --work /tmp/bench [--sizes 100,1000,10000] [--pdf 40] [--jobs N]

For each size N it generates N text plans (benchmarks/corpus.py: tsv, flattened and diacritic-
stripped layouts in turn; kept in --work and reused), runs the CLI on them in a subprocess and
reports documents/s, MB/s and the peak memory of the whole process tree (parent and workers,
sampled with psutil: summed RSS, and summed PSS, which counts pages shared by forked workers
once). It does the same for text-layer PDFs (pages/s), then profiles a serial sample with cProfile
per stage (read and each pipeline stage) and lists the functions that take the time. Results are
printed as Markdown and saved to --work/results.json. Aims: >= 50 text plans/s, >= 30 PDF pages/s,
peak RSS < 1 GB at 10,000 documents. On a shared machine wall-clock rates depend on the other load;
the CPU seconds of the run's process tree (and documents per CPU-second) do not.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.corpus import generate  # noqa: E402


def corpus(work: Path, n: int, layouts: tuple[str, ...]) -> Path:
    folder = work / f"corpus_{'_'.join(layouts)}_{n}"
    plans = folder / "plans"
    if not (plans.exists() and len(list(plans.iterdir())) == n):
        generate(folder, n, seed=0, layouts=layouts)
    return plans


def _tree_memory(proc: psutil.Process) -> tuple[int, int]:
    rss = pss = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return rss, pss


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cli(inputs: Path, out: Path, jobs: int, extra: list[str] = ()) -> dict:
    cmd = [sys.executable, "-m", "pipeline", "run", str(inputs), "--out", str(out), "-q", "--jobs", str(jobs), *extra]
    started = time.monotonic()
    cpu_before = _children_cpu()
    proc = subprocess.Popen(cmd, cwd=ROOT)
    watched = psutil.Process(proc.pid)
    peak_rss = peak_pss = 0
    while proc.poll() is None:
        try:
            rss, pss = _tree_memory(watched)
        except psutil.NoSuchProcess:
            break
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.25)
    seconds = time.monotonic() - started
    cpu = _children_cpu() - cpu_before  # the CLI and its workers (waited for), whatever else shares the machine
    import pandas as pd

    docs = pd.read_parquet(out / "documents.parquet")
    size = sum(p.stat().st_size for p in inputs.iterdir())
    pages = int(docs.n_pages.fillna(0).sum())
    return {
        "command": " ".join(cmd[1:]),
        "exit_code": proc.returncode,
        "documents": len(docs),
        "ok": int((docs.status == "ok").sum()),
        "seconds": round(seconds, 1),
        "docs_per_s": round(len(docs) / seconds, 1),
        "cpu_s": round(cpu, 1),
        "docs_per_cpu_s": round(len(docs) / cpu, 1),
        "pages": pages,
        "pages_per_s": round(pages / seconds, 1) if pages else None,
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "peak_rss_mb": round(peak_rss / 2**20),
        "peak_pss_mb": round(peak_pss / 2**20),
        "indicators": int(docs.n_indicators.sum()),
        "tasks": int(docs.n_tasks.sum()),
    }


def profile_stages(paths: list[Path], top: int = 6) -> dict[str, dict]:
    """cProfile per stage over a serial run of `paths`: seconds and the top functions (own time)."""
    from pipeline.config import Limits
    from pipeline.readers import read_document
    from pipeline.stages import STAGES

    warm = {p.stem.rsplit("_", 1)[-1]: p for p in reversed(paths)}  # one document per layout
    for path in warm.values():  # one-time loading of vocabularies and models is not the steady state
        doc = read_document(path, Limits())
        for _name, stage in STAGES:
            with contextlib.suppress(Exception):
                stage(doc)
    paths = [p for p in paths if p not in warm.values()]
    profiles = {name: cProfile.Profile() for name in ["read", *(n for n, _ in STAGES)]}
    seconds = dict.fromkeys(profiles, 0.0)
    for path in paths:
        started = time.perf_counter()
        profiles["read"].enable()
        doc = read_document(path, Limits())
        profiles["read"].disable()
        seconds["read"] += time.perf_counter() - started
        for name, stage in STAGES:
            started = time.perf_counter()
            profiles[name].enable()
            with contextlib.suppress(Exception):  # the runner records these; here only the time matters
                stage(doc)
            profiles[name].disable()
            seconds[name] += time.perf_counter() - started
    total = sum(seconds.values())
    report = {}
    for name, prof in profiles.items():
        stream = io.StringIO()
        stats = pstats.Stats(prof, stream=stream)
        rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]  # by own time
        report[name] = {
            "seconds": round(seconds[name], 3),
            "share": round(seconds[name] / total, 3) if total else 0.0,
            "top": [
                {"function": f"{Path(f).name}:{line}({fn})", "own_s": round(tt, 3), "cum_s": round(ct, 3), "calls": nc}
                for (f, line, fn), (_cc, nc, tt, ct, _callers) in rows
            ],
        }
    return report


def markdown(results: dict) -> str:
    lines = [
        "| corpus | docs | ok | wall s | docs/s | pages/s | MB/s | CPU s | docs/CPU-s | peak RSS MB | peak PSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results["runs"].items():
        lines.append(
            f"| {name} | {r['documents']} | {r['ok']} | {r['seconds']} | {r['docs_per_s']} | "
            f"{r['pages_per_s'] or '-'} | {r['mb_per_s']} | {r['cpu_s']} | {r['docs_per_cpu_s']} | "
            f"{r['peak_rss_mb']} | {r['peak_pss_mb']} |"
        )
    lines += ["", f"Profile of a serial run over {results['profile_docs']} documents (time by stage):", ""]
    lines += ["| stage | seconds | share | top functions (own time s) |", "|---|---:|---:|---|"]
    for stage, p in sorted(results["profile"].items(), key=lambda kv: -kv[1]["seconds"]):
        tops = "; ".join(f"{t['function']} {t['own_s']}" for t in p["top"][:4])
        lines.append(f"| {stage} | {p['seconds']} | {p['share']:.0%} | {tops} |")
    lines += ["", "Commands:", *(f"    {r['command']}" for r in results["runs"].values())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for corpora, outputs and results")
    parser.add_argument("--sizes", default="100,1000,10000", help="numbers of text plans to run")
    parser.add_argument("--pdf", type=int, default=40, help="number of text-layer PDF plans (0: none)")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--profile", type=int, default=60, help="text plans profiled serially")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict = {"jobs": args.jobs, "cpus": psutil.cpu_count(), "runs": {}}
    text_layouts = ("tsv", "flat", "stripped")
    for n in (int(s) for s in args.sizes.split(",") if s.strip()):
        plans = corpus(args.work, n, text_layouts)
        results["runs"][f"text x{n}"] = run_cli(plans, args.work / f"out_text_{n}", args.jobs)
        print(f"text x{n}: {results['runs'][f'text x{n}']}", flush=True)
    if args.pdf:
        plans = corpus(args.work, args.pdf, ("pdf",))
        results["runs"][f"pdf x{args.pdf}"] = run_cli(plans, args.work / f"out_pdf_{args.pdf}", args.jobs)
        print(f"pdf x{args.pdf}: {results['runs'][f'pdf x{args.pdf}']}", flush=True)
    sample = sorted(corpus(args.work, 100, text_layouts).iterdir())[: args.profile]
    if args.pdf:
        sample += sorted(corpus(args.work, args.pdf, ("pdf",)).iterdir())[:5]
    results["profile"] = profile_stages(sample)
    results["profile_docs"] = len(sample) - len({p.stem.rsplit("_", 1)[-1] for p in sample})
    (args.work / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
