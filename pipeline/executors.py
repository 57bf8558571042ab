"""Where documents are processed: in this process, in worker processes, or on a Dask cluster.

Every executor takes the same jobs and a picklable `work(job, limits) -> outcome` function and
yields `(job, outcome)` pairs as documents finish, in any order (the writer sorts). Only a bounded
window of documents is in flight, so memory does not grow with the size of the corpus.

The per-document time limit is hard. Inside a worker, `call_with_deadline` interrupts the
document with SIGALRM; a document stuck where Python cannot interrupt it (a C extension) is
caught by the parent, which kills the worker processes, reports that document as too slow and
re-queues the others. A worker that crashes (segfault, out of memory) breaks the pool: its
documents are retried one at a time, so only the one that crashes it again is reported failed.
"""

from __future__ import annotations

import contextlib
import ctypes
import inspect
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from pipeline.config import Limits

# Extra seconds the parent waits beyond the worker's own alarm before it kills the worker.
GRACE_SECONDS = 10.0
PR_SET_PDEATHSIG = 1
IN_WORKER = False  # set in pool workers by their initializer
SCHEDULER_TIMEOUT = "20s"  # to connect to a given Dask scheduler

Work = Callable[[Any, Limits], Any]
Fail = Callable[[Any, str, str], Any]  # (job, message, code) -> outcome


class SchedulerUnreachable(Exception):
    """The given Dask scheduler does not answer (a user error: wrong address, cluster down)."""


class DocumentTimeout(BaseException):
    """A document exceeded its time limit. A BaseException, so a stage's `except Exception` cannot swallow it."""


def call_with_deadline(seconds: float, fn, *args, timeout: type[BaseException] = DocumentTimeout):
    """fn(*args), interrupted by `timeout` after `seconds` (main thread only; elsewhere unbounded).

    Nests: inside an enclosing deadline that comes first, that one applies; else the enclosing timer
    is resumed with its remaining time when fn returns (e.g. a page limit within a document limit)."""
    usable = seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        return fn(*args)
    outer, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer and outer <= seconds:
        return fn(*args)

    def _expired(signum, frame):
        raise timeout(f"over the limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, _expired)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - started), 1e-3))


def hard_deadline(limits: Limits) -> float:
    """Seconds after submission when the parent gives up on a document: one wait in line, one run, grace."""
    return 2 * limits.max_seconds + GRACE_SECONDS


def _mp_context():
    # fork: workers start instantly and share the loaded vocabularies copy-on-write.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def preload() -> None:
    """Loads the vocabularies (zero-argument cached loaders of the imported pipeline modules) in the parent,
    so forked workers share them copy-on-write instead of each spending seconds loading its own."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("pipeline.") or module is None:
            continue
        for obj in list(vars(module).values()):
            if not hasattr(obj, "cache_info") or getattr(obj, "__module__", None) != name:
                continue
            try:
                needs_args = any(p.default is p.empty for p in inspect.signature(obj).parameters.values())
            except (TypeError, ValueError):
                continue
            if not needs_args:
                with contextlib.suppress(Exception):  # a loader that fails here fails again, reported, in its stage
                    obj()


def limit_worker(limits: Limits) -> None:
    """Worker initializer: a cap on the address space, so a runaway document raises MemoryError (or
    crashes its worker) instead of exhausting the machine; and death with the parent."""
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = limits.max_memory_bytes if hard == resource.RLIM_INFINITY else min(hard, limits.max_memory_bytes)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    die_with_parent()
    global IN_WORKER
    IN_WORKER = True


def kill_children() -> None:
    """SIGKILL to the child processes of this worker (e.g. a Tesseract left running by an interrupted page),
    then reaps them. Only in a pool worker: elsewhere the children are not ours to kill."""
    if not IN_WORKER:
        return
    me = os.getpid()
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat_file.read_text().rsplit(")", 1)[1].split()[1]) == me:
                pid = int(stat_file.parent.name)
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def die_with_parent() -> None:
    """Linux: this process gets SIGKILL when its parent dies (no orphan keeps running after a kill)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _pool(n_jobs: int, limits: Limits) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(n_jobs, mp_context=_mp_context(), initializer=limit_worker, initargs=(limits,))


def run_processes(jobs: Iterable, work: Work, fail: Fail, limits: Limits, n_jobs: int) -> Iterator[tuple[Any, Any]]:
    pending = deque(jobs)
    if _mp_context().get_start_method() == "fork":
        preload()
    suspects: deque = deque()  # jobs in flight when a worker crashed: retried alone
    window = 2 * n_jobs
    deadline = hard_deadline(limits)
    pool = _pool(n_jobs, limits)
    inflight: dict[Future, tuple[Any, float, bool]] = {}  # future -> (job, submitted, alone)
    try:
        while pending or suspects or inflight:
            if suspects and not inflight:
                job = suspects.popleft()
                inflight[pool.submit(work, job, limits)] = (job, time.monotonic(), True)
            alone_running = any(alone for _, _, alone in inflight.values())
            while pending and not suspects and not alone_running and len(inflight) < window:
                job = pending.popleft()
                try:
                    inflight[pool.submit(work, job, limits)] = (job, time.monotonic(), False)
                except BrokenProcessPool:  # a worker just died: its futures report it below
                    pending.appendleft(job)
                    if not inflight:  # nothing left to report it: start afresh
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = _pool(n_jobs, limits)
                    break
            done, _ = wait(inflight, timeout=1.0, return_when=FIRST_COMPLETED)
            broken, crashed_alone = [], False
            for fut in done:
                job, _, alone = inflight.pop(fut)
                try:
                    outcome = fut.result()
                except BrokenProcessPool:
                    if not alone:
                        broken.append(job)
                        continue
                    crashed_alone = True  # the pool is broken: the next suspect needs a new one
                    outcome = fail(job, "the worker process crashed on this document", "worker_crashed")
                except Exception as exc:  # e.g. an outcome that cannot be pickled
                    outcome = fail(job, f"worker error: {exc!r}", "worker_error")
                yield job, outcome
            now = time.monotonic()
            overdue = [f for f, (_, started, _) in inflight.items() if now - started > deadline]
            if not (broken or overdue or crashed_alone):
                continue
            _kill(pool)
            for fut in overdue:
                job, _, _ = inflight.pop(fut)
                message = f"processing took over the limit of {limits.max_seconds:g} s (worker killed)"
                yield job, fail(job, message, "too_slow")
            if broken:
                suspects.extend(broken)
                suspects.extend(job for job, _, _ in inflight.values())
            else:  # innocent documents in flight beside the stuck one: run them again
                pending.extendleft(reversed([job for job, _, _ in inflight.values()]))
            inflight.clear()
            pool = _pool(n_jobs, limits)
    finally:
        if inflight:
            _kill(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)
    pool.shutdown(wait=False, cancel_futures=True)


def run_dask(
    jobs: Iterable, work: Work, fail: Fail, limits: Limits, n_jobs: int, scheduler: str | None
) -> Iterator[tuple[Any, Any]]:
    """Documents as tasks on a Dask cluster (a LocalCluster of `n_jobs` processes when no address).

    Tasks run in worker threads, where SIGALRM cannot be used: a document over the hard deadline
    is reported too slow and its task cancelled, but the thread runs on until the document ends.
    """
    from distributed import Client, LocalCluster
    from distributed import wait as dask_wait

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout=SCHEDULER_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachable(f"the Dask scheduler {scheduler} cannot be reached: {exc}") from None
    else:
        cluster = LocalCluster(n_workers=n_jobs, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    pending = iter(jobs)  # lazily: a job may carry its file's bytes
    window = 2 * max(1, sum(client.nthreads().values()))  # as for local workers: one running, one waiting
    deadline = hard_deadline(limits)
    inflight: dict = {}
    exhausted = False
    try:
        while not exhausted or inflight:
            while not exhausted and len(inflight) < window:
                job = next(pending, None)
                if job is None:
                    exhausted = True
                    break
                inflight[client.submit(work, job, limits, pure=False)] = (job, time.monotonic())
            if not inflight:
                break
            try:
                done, _ = dask_wait(list(inflight), timeout=1.0, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            for fut in done:
                job, _ = inflight.pop(fut)
                try:
                    outcome = fut.result()
                except Exception as exc:
                    outcome = fail(job, f"worker error: {exc!r}", "worker_error")
                fut.release()
                yield job, outcome
            now = time.monotonic()
            for fut in [f for f, (_, started) in inflight.items() if now - started > deadline]:
                job, _ = inflight.pop(fut)
                fut.cancel()
                yield job, fail(job, f"processing took over the limit of {limits.max_seconds:g} s", "too_slow")
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
