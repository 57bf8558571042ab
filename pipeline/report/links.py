"""Source links that work when the report is moved or mailed with its folder, and never run code.

A link is the source file's path relative to the report's folder, percent-encoded (so a ':' in a
file name can never read as a URL scheme such as `javascript:`), prefixed with './', plus
`#page=N` for PDFs (browsers' PDF viewers open that page). Line numbers go in the link's text.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote


def source_href(source_file: object, report_dir: Path, page: object = None) -> str | None:
    """Relative, escaped href to a source file; None when there is no file name."""
    if not isinstance(source_file, str) or not source_file.strip():
        return None
    path = Path(source_file)
    target = path if path.is_absolute() else Path.cwd() / path
    try:
        rel = os.path.relpath(target, report_dir.resolve())
    except ValueError:  # another drive on Windows: no relative path exists
        rel = path.name
    href = "./" + quote(Path(rel).as_posix(), safe="/")
    if path.suffix.lower() == ".pdf" and isinstance(page, (int, float)) and page == page:
        href += f"#page={int(page)}"
    return href


def where(source_file: object, page: object = None, line: object = None) -> str:
    """'kehoach.pdf, trang 3, dòng 41' — the link's text."""
    parts = [Path(str(source_file)).name] if isinstance(source_file, str) else []
    if isinstance(page, (int, float)) and page == page:
        parts.append(f"trang {int(page)}")
    if isinstance(line, (int, float)) and line == line:
        parts.append(f"dòng {int(line)}")
    return ", ".join(parts)
