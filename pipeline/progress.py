"""Progress of a batch: documents done and, for a scan being read by OCR, its pages.

A scanned plan can take minutes, so the bar shows its pages as they are read. Documents run in
worker processes: a worker writes one short line per page ('<sha256> <page> <pages>') to a pipe
the batch opened before the workers were forked. A write of under PIPE_BUF bytes is atomic, so the
lines of several workers never mix and a killed worker leaves no lock held; a full pipe drops the
line (the display is best effort, the rows are not). A thread of the batch reads the pipe; after
the workers are done the rest is read before the batch goes on, so no line is lost or late.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
from collections.abc import Callable

PageCallback = Callable[[str, int, int], None]  # (document's sha256, pages done, pages)
POLL_SECONDS = 0.2  # how often the reading thread looks whether the batch is over

_writer: int | None = None  # the pipe's write end in this process (inherited by forked workers)


def page_read(sha256: str, number: int, pages: int) -> None:
    """In a worker: page `number` of `pages` of the document is read (nothing outside a batch)."""
    if _writer is None:
        return
    with contextlib.suppress(OSError):  # a full pipe, or a batch that is over
        os.write(_writer, f"{sha256} {number} {pages}\n".encode())


class PageFeed:
    """Within the block, `page_read` in this process and in workers forked in it reaches `callback`."""

    def __init__(self, callback: PageCallback | None):
        self.callback = callback
        self.thread: threading.Thread | None = None
        self.done = threading.Event()

    def __enter__(self) -> PageFeed:
        global _writer
        if self.callback is None or _writer is not None:
            return self
        self.read_end, _writer = os.pipe()
        os.set_blocking(_writer, False)
        os.set_blocking(self.read_end, False)
        self.thread = threading.Thread(target=self._read, name="page-progress", daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        global _writer
        if self.thread is None:
            return
        self.done.set()
        self.thread.join()
        os.close(_writer)
        os.close(self.read_end)
        _writer = None

    def _read(self) -> None:
        pending = b""
        while True:
            over = self.done.is_set()  # read before the last drain: every line written by now is read
            select.select([self.read_end], [], [], 0 if over else POLL_SECONDS)
            while True:
                try:
                    chunk = os.read(self.read_end, 1 << 16)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    self._deliver(line)
            if over:
                return

    def _deliver(self, line: bytes) -> None:
        parts = line.split()
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            self.callback(parts[0].decode(), int(parts[1]), int(parts[2]))


class BatchBar:
    """The progress display of `run`: a bar of documents and one line per scan being read, its pages."""

    def __init__(self, console, documents: int, show: bool):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        self.bar = Progress(*columns, console=console, disable=not show)
        self.task = self.bar.add_task("documents", total=documents)
        self.scans: dict[str, int] = {}  # source file -> its pages task
        self.finished: set[str] = set()
        self.lock = threading.Lock()

    def __enter__(self) -> BatchBar:
        self.bar.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self.bar.__exit__(*exc)

    def document(self, summary) -> None:
        """A document is done (a `batch.Summary`): the bar advances, its pages line goes."""
        with self.lock:
            self.finished.add(summary.source_file)
            if (task := self.scans.pop(summary.source_file, None)) is not None:
                self.bar.remove_task(task)
        self.bar.advance(self.task, 1 + len(summary.other_files))

    def pages(self, source_file: str, done: int, pages: int) -> None:
        """`done` of the `pages` pages of a scan are read."""
        with self.lock:
            if source_file in self.finished:
                return  # a late line of a document already done
            if source_file not in self.scans:
                self.scans[source_file] = self.bar.add_task(f"  {os.path.basename(source_file)} pages", total=pages)
            self.bar.update(self.scans[source_file], completed=done, total=pages)
