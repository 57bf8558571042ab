"""Which files a run reads, and reading them without surprises.

Only regular files are read: a FIFO, device or socket (easy to catch with a shell glob) would
block or never end, so it is reported and skipped before any open that could block, and every
open is non-blocking and re-checked on the open descriptor. A symlink inside an input folder is
followed only to a file inside one of the given input roots (`follow_symlinks` lifts this), so a
link to `/etc/shadow` never ends up in the outputs. File names whose bytes are not UTF-8 are kept
losslessly, the raw bytes escaped as `\\xNN` (`source_name`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

INPUT_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".doc", ".text"}


class InputError(OSError):
    """A path that is not a readable regular file; `code` is the diagnostic code."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass
class Inputs:
    files: list[Path] = field(default_factory=list)
    # (path, message, code): found but not read (not a regular file, link out of the input roots)
    rejected: list[tuple[Path, str, str]] = field(default_factory=list)
    missing: list[Path] = field(default_factory=list)  # given paths that do not exist

    def to_read(self) -> list[Path]:
        """Files to process, sorted; missing paths included so each gets its own failure row."""
        return sorted([*self.files, *self.missing], key=str)


def source_name(path: Path | str) -> str:
    """The path as text for the outputs: bytes that are not UTF-8 escaped as \\xNN (lossless, always encodable)."""
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


def kind_of(mode: int) -> str | None:
    """None for a regular file, else what it is."""
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))
    for test, name in kinds:
        if test(mode):
            return name
    return "a socket" if stat.S_ISSOCK(mode) else ("a folder" if stat.S_ISDIR(mode) else "not a regular file")


def find_inputs(inputs: list[Path], follow_symlinks: bool = False) -> Inputs:
    """Files as given, folders expanded (recursively, sorted); missing and rejected paths kept to report."""
    found = Inputs()
    roots = [Path(p).resolve() for p in inputs if Path(p).is_dir()]
    for path in map(Path, inputs):
        try:
            st = path.stat()  # a path named on the command line is the user's choice: followed
        except OSError:
            found.missing.append(path)
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(path, roots, follow_symlinks, found)
        elif (what := kind_of(st.st_mode)) is not None:
            found.rejected.append((path, f"is {what}, not a regular file", "not_regular_file"))
        else:
            found.files.append(path)
    return found


def _walk(folder: Path, roots: list[Path], follow: bool, found: Inputs) -> None:
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=follow):
        dirnames.sort()
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if name.startswith(".") or path.suffix.lower() not in INPUT_SUFFIXES:
                continue
            problem = _check_entry(path, roots, follow)
            if problem:
                found.rejected.append((path, *problem))
            else:
                found.files.append(path)
        if not follow:  # links to folders are not descended into: they could leave the roots or loop
            for d in dirnames:
                if (Path(dirpath) / d).is_symlink():
                    found.rejected.append(
                        (Path(dirpath) / d, "is a link to a folder (use --follow-symlinks)", "symlink_skipped")
                    )
            dirnames[:] = [d for d in dirnames if not (Path(dirpath) / d).is_symlink()]


def _check_entry(path: Path, roots: list[Path], follow: bool) -> tuple[str, str] | None:
    try:
        st = path.lstat()
        if stat.S_ISLNK(st.st_mode):
            target = path.resolve(strict=True)
            if not follow and not any(target.is_relative_to(root) for root in roots):
                return "is a link to a file outside the input folders (use --follow-symlinks)", "symlink_outside"
            st = target.stat()
    except (OSError, RuntimeError):
        return "is a broken link", "broken_link"
    what = kind_of(st.st_mode)
    return (f"is {what}, not a regular file", "not_regular_file") if what else None


def open_regular(path: Path):
    """A binary file object for `path`, which must be a regular file. The open never blocks (O_NONBLOCK,
    then checked on the descriptor), so a FIFO swapped in after the listing is refused, not waited on."""
    st = os.stat(path)
    if (what := kind_of(st.st_mode)) is not None:
        raise InputError(f"is {what}, not a regular file", "not_regular_file")
    fh = open(path, "rb", opener=lambda p, flags: os.open(p, flags | os.O_NONBLOCK))  # noqa: SIM115
    what = kind_of(os.fstat(fh.fileno()).st_mode)
    if what is not None:
        fh.close()
        raise InputError(f"is {what}, not a regular file", "not_regular_file")
    return fh


def read_regular(path: Path) -> bytes:
    with open_regular(path) as fh:
        return fh.read()
