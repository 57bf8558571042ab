"""Versioned output folders: readers see the previous complete dataset or the new one, never a mix.

Layout of an output folder `out/`:

    out/versions/<id>/            one complete dataset per run (documents.parquet, indicators.parquet, ...)
    out/current -> versions/<id>  the dataset in use; replaced by one atomic rename
    out/indicators.parquet -> current/indicators.parquet   (one such link per output file)
    out/.lock                     held (flock) by the run writing the folder

A run writes a new version directory, then `publish` makes it current with a single `rename`
of a symlink: killed before that rename the folder holds the old dataset, after it the new one.
The top-level links always go through `current`, so they switch together. Superseded and
half-written versions are removed by the next step or the next run. The lock is released by the
kernel when the process dies, so a killed run never leaves a stale lock.

`PLAN57_PAUSE_AT=<point>` makes a run stop at a named point of the commit (see `PAUSE_POINTS`),
print `PAUSED <point>` on stdout and wait to be killed: the fault-injection tests use it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

VERSIONS = "versions"
CURRENT = "current"
LOCK = ".lock"
VERSION_NAME = re.compile(r"\d{8}T\d{6}-\d+-\d+")  # only folders named like ours are ever removed
PAUSE_ENV = "PLAN57_PAUSE_AT"
# Where a run can be stopped: rows streamed; new version complete; `current` switched; links updated; old removed.
PAUSE_POINTS = ("staged", "written", "switched", "linked", "cleaned")


class OutputBusy(Exception):
    """Another run holds the output folder's lock."""


def pause(point: str) -> None:
    """Stops here forever when PLAN57_PAUSE_AT names this point (a test then kills the process)."""
    if os.environ.get(PAUSE_ENV) != point:
        return
    sys.stdout.write(f"PAUSED {point}\n")
    sys.stdout.flush()
    while True:
        signal.pause()


class OutputLock:
    """An exclusive flock on `out/.lock`; `wait=False` raises OutputBusy at once if another run holds it."""

    def __init__(self, out_dir: Path, wait: bool = False):
        self.path = Path(out_dir) / LOCK
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            if not self.wait:
                os.close(fd)
                raise OutputBusy(
                    f"{self.path.parent} is being written by another run (pid {holder}); "
                    "wait for it to finish or use --wait"
                ) from None
            sys.stderr.write(f"waiting for another run writing {self.path.parent} (pid {holder})\n")
            sys.stderr.flush()
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock
            self._fd = None


def current_dir(out_dir: Path) -> Path | None:
    """The folder holding the dataset in use: the current version, `out_dir` itself for the older
    flat layout, or None when there is no dataset yet. Readers that need one consistent view use it."""
    out_dir = Path(out_dir)
    link = out_dir / CURRENT
    if link.is_symlink():
        target = link.resolve()
        return target if target.is_dir() else None
    return out_dir if (out_dir / "documents.parquet").is_file() else None


def new_version(out_dir: Path) -> Path:
    """A fresh, empty version folder (called with the lock held)."""
    versions = Path(out_dir) / VERSIONS
    versions.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    for n in range(1000):
        path = versions / f"{stamp}-{os.getpid()}-{n}"
        with contextlib.suppress(FileExistsError):
            path.mkdir()
            return path
    raise FileExistsError(f"no free version name in {versions}")


def clean(out_dir: Path) -> None:
    """Removes every version but the current one: superseded or left half-written by a killed run
    (called with the lock held, so no other run is writing one); also the older staging folders."""
    out_dir = Path(out_dir)
    keep = current_dir(out_dir)
    versions = out_dir / VERSIONS
    if versions.is_dir():
        for path in versions.iterdir():
            if VERSION_NAME.fullmatch(path.name) and (keep is None or path.resolve() != keep):
                shutil.rmtree(path, ignore_errors=True)
    for path in out_dir.glob(".staging-*"):  # the layout before versions
        shutil.rmtree(path, ignore_errors=True)
    for path in out_dir.glob(".*.tmp-link"):
        path.unlink(missing_ok=True)


def publish(out_dir: Path, version: Path) -> dict[str, Path]:
    """Makes the complete `version` current in one atomic step; returns the top-level paths by table name."""
    out_dir = Path(out_dir)
    names = sorted(p.name for p in version.iterdir() if p.is_file())
    for name in names:
        _fsync(version / name)
    _fsync(version)
    _fsync(version.parent)
    pause("written")
    _adopt_flat_layout(out_dir, names)
    _symlink_over(out_dir / CURRENT, f"{VERSIONS}/{version.name}")
    pause("switched")
    for name in names:
        top = out_dir / name
        target = f"{CURRENT}/{name}"
        if not (top.is_symlink() and os.readlink(top) == target):
            _symlink_over(top, target)
    for top in out_dir.iterdir():  # links to files the new version does not have
        if top.is_symlink() and os.readlink(top).startswith(f"{CURRENT}/") and not top.exists():
            top.unlink()
    pause("linked")
    clean(out_dir)
    pause("cleaned")
    return {(n.removesuffix(".parquet") if n.endswith(".parquet") else n): out_dir / n for n in names}


def add_to_current(out_dir: Path, write: Callable[[Path], list[Path]]) -> list[Path]:
    """Files derived from the dataset in use (the comparison) are written into its version and linked
    at the top level like the run's own outputs, so the next run replaces them together with the
    dataset instead of leaving them stale beside it. Call with the lock held."""
    out_dir = Path(out_dir)
    folder = current_dir(out_dir)
    if folder is None or folder == out_dir.resolve():  # no dataset, or the older flat layout
        return write(out_dir)
    written = write(folder)
    for path in written:
        _symlink_over(out_dir / path.name, f"{CURRENT}/{path.name}")
    return [out_dir / path.name for path in written]


def _adopt_flat_layout(out_dir: Path, names: list[str]) -> None:
    """An output folder of the older flat layout (regular files) becomes a version first, keeping its
    content at every step: the files are linked into a version, made current, then replaced by links."""
    flat = [n for n in names if (out_dir / n).is_file() and not (out_dir / n).is_symlink()]
    if not flat or (out_dir / CURRENT).is_symlink():
        return
    version = new_version(out_dir)
    for name in flat:
        try:
            os.link(out_dir / name, version / name)
        except OSError:
            shutil.copy2(out_dir / name, version / name)
    _fsync(version)
    _symlink_over(out_dir / CURRENT, f"{VERSIONS}/{version.name}")
    for name in flat:
        _symlink_over(out_dir / name, f"{CURRENT}/{name}")


def _symlink_over(path: Path, target: str) -> None:
    """Points `path` at `target` atomically (a new link renamed over the old entry)."""
    tmp = path.parent / f".{path.name}.{os.getpid()}.tmp-link"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, path)
    _fsync(path.parent)


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
