"""Writing a table to a file in the format its name asks for, atomically.

The file is written next to its destination and moved into place once complete, so a
failed export leaves any earlier file as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.rules import ReportTable
from samverkan.export import Text, tables_of
from samverkan.i18n import msg

#: file formats of a report export, by the suffix that chooses them
REPORT_FORMATS = {".xlsx": "xlsx", ".pdf": "pdf", ".csv": "csv"}
FORMAT_NAMES = ("xlsx", "pdf", "csv", "csv-excel")


def report_format(path: str | Path, fmt: str | None) -> str:
    """The format to write ``path`` in: ``fmt`` if given, else from its suffix."""
    chosen = fmt or REPORT_FORMATS.get(Path(path).suffix.lower())
    if chosen not in FORMAT_NAMES:
        raise ValidationError(msg("cannot tell the format of {path}; give --format, one of: {allowed}",
                                  path=path, allowed=", ".join(FORMAT_NAMES)), "format")
    return chosen


def write_atomically(path: str | Path, write: Callable[[Path], Any]) -> Any:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise ValidationError(msg("{path}: cannot be written ({error})", path=path,
                                  error=exc.strerror or exc), "file") from None
    try:
        result = write(Path(tmp))
        mask = os.umask(0o022)  # the mode a plain open() would have given it
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise ValidationError(msg("{path}: cannot be written ({error})", path=path,
                                      error=exc.strerror or exc), "file") from None
        raise
    return result


def write_table(table: ReportTable, path: str | Path, fmt: str, text: Text = str, *,
                footer: str = "") -> list[Path]:
    """Write ``table`` (with its sections) to ``path`` as ``fmt``; the files written.

    A workbook holds every table as a sheet and a PDF every table in turn; CSV holds
    one table per file, so the sections go to ``NAME-2.csv``, ``NAME-3.csv`` … beside it.
    """
    from samverkan.export.csv_file import render_csv

    path = Path(path).expanduser()
    if fmt == "xlsx":
        from samverkan.export.workbook import write_workbook

        write_atomically(path, lambda tmp: write_workbook(tables_of(table), tmp, text))
        return [path]
    if fmt == "pdf":
        from samverkan.export.document import write_document

        write_atomically(path, lambda tmp: write_document(table, tmp, text, footer=text(footer) if footer else ""))
        return [path]
    written = []
    for n, t in enumerate(tables_of(table), 1):
        target = path if n == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
        content = render_csv(t, text, excel=fmt == "csv-excel")
        write_atomically(target, lambda tmp, c=content: tmp.write_text(c, encoding="utf-8", newline=""))
        written.append(target)
    return written
