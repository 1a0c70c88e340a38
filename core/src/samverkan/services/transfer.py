"""Reading organisations from CSV and JSON files, and writing exports.

Import files
------------
*CSV*: a header line, then one organisation per line. The columns are ``name``,
``orgnr`` (both required), ``legal_form`` and ``contact`` (empty ``legal_form`` means
"ideell förening", as when registering one by one); the Swedish headings ``namn``,
``organisationsnummer``, ``juridisk form`` and ``kontakt`` are accepted too. A
``contact`` is one contact person in free text ("Anna Svensson, anna@example.se,
070-123 45 67"), parsed into name, e-mail address and telephone number
(:func:`samverkan.domain.contacts.parse_contact`). The columns an export adds (``id``,
``is_example``, ``version``) are ignored, so an export can be imported elsewhere; any
other column refuses the file, because a misspelt heading would otherwise drop its
values without a word. The separator is a comma, a semicolon (what Excel writes in a
Swedish locale) or a tab, told from the header. The text must be UTF-8, with or without
a byte-order mark (Excel's "CSV UTF-8").

*JSON*: a list of objects with the same keys; an object may list its contact persons
under ``contacts`` instead (objects with ``name``, ``role``, ``email``, ``phone``), as a
JSON export writes them.

Every row keeps its line number in the file (for JSON, the line its object starts on),
so problems can be reported where the user will look for them. Problems with the file
as a whole (missing, not UTF-8, not JSON, no header) raise :class:`ValidationError`
before anything is stored; problems with one row are the importer's business
(:meth:`samverkan.services.Services.import_organisations`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from samverkan.domain.contacts import CONTACT_FIELDS
from samverkan.domain.errors import ValidationError
from samverkan.i18n import msg

FORMATS = ("csv", "json")
#: what an export can also be written as (not read back by an import): an Excel
#: workbook, and CSV as a Swedish Excel opens it (semicolons, UTF-8 with BOM)
EXPORT_FORMATS = (*FORMATS, "xlsx", "csv-excel")

#: The columns an organisation row may give, in file order.
ORG_FIELDS = ("name", "orgnr", "legal_form", "contact")
REQUIRED_FIELDS = ("name", "orgnr")
#: what a JSON object may give besides: its contact persons, a list of objects with these keys
CONTACTS = "contacts"
CONTACT_KEYS = CONTACT_FIELDS
#: What an organisation export holds (the import ignores the extra columns): in CSV and
#: workbooks the first contact person as text ("name, e-mail, number")
ORG_EXPORT_FIELDS = ("id", "name", "orgnr", "legal_form", "contact", "is_example")
#: ... and in JSON every contact person (objects with :data:`CONTACT_KEYS`)
ORG_JSON_EXPORT_FIELDS = ("id", "name", "orgnr", "legal_form", CONTACTS, "is_example")
IGNORED_FIELDS = frozenset({"id", "is_example", "version"})
#: What a collaboration export holds, in column order.
COLLAB_EXPORT_FIELDS = ("id", "title", "form", "stage", "unit", "organisations", "start", "end",
                        "next_follow_up", "initiator", "is_example")

# Headings people write in Swedish spreadsheets, mapped to the keys.
HEADING_ALIASES = {
    "namn": "name",
    "organisationsnummer": "orgnr",
    "org.nr": "orgnr",
    "org nr": "orgnr",
    "juridisk form": "legal_form",
    "legal form": "legal_form",
    "kontakt": "contact",
}
DELIMITERS = (",", ";", "\t")

Progress = Callable[[int, int], Any]


@dataclass(frozen=True)
class InputRow:
    """One organisation as read from a file: its line number there and its values."""

    line: int
    values: Mapping[str, Any]
    #: why the reader could not make sense of the row (too many fields, not an object)
    problem: str = ""


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do).

    :param imported: organisations stored (dry run: that would be stored).
    :param skipped: ``(line, orgnr)`` of rows whose organisation number was already registered.
    :param errors: ``(line, message)`` of rows refused; nothing of them was stored.
    """

    total: int = 0
    imported: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when no row was invalid."""
        return not self.errors

    def summary(self) -> str:
        """One line: ``imported N, skipped M (already registered), K invalid``."""
        if self.dry_run:
            return (f"dry run: would import {self.imported}, skip {len(self.skipped)} "
                    f"(already registered), {len(self.errors)} invalid; nothing was stored")
        return (f"imported {self.imported}, skipped {len(self.skipped)} (already registered), "
                f"{len(self.errors)} invalid")


# -- reading -------------------------------------------------------------------------


def guess_format(path: str | Path) -> str:
    """``json`` for a ``.json`` file, ``xlsx`` for a workbook, else ``csv``."""
    return {".json": "json", ".xlsx": "xlsx"}.get(Path(path).suffix.lower(), "csv")


def read_organisations(path: str | Path, fmt: str | None = None) -> list[InputRow]:
    """Read the organisation rows of the file at ``path`` (``fmt``: csv, json or None to guess).

    :raises ValidationError: when the file cannot be read or is not in the format (one
        line naming the file and the problem); nothing is read partially.
    """
    path = Path(path)
    fmt = (fmt or guess_format(path)).lower()
    if fmt not in FORMATS:
        raise ValidationError(msg("unknown format {fmt!r}; expected one of: {allowed}",
                                  fmt=fmt, allowed=", ".join(FORMATS)), "format")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(msg("{path}: no such file", path=path), "file") from None
    except IsADirectoryError:
        raise ValidationError(msg("{path}: is a directory, not a file", path=path), "file") from None
    except OSError as exc:
        raise ValidationError(msg("{path}: cannot be read ({error})", path=path,
                                  error=exc.strerror or exc), "file") from None
    try:
        text = data.decode("utf-8-sig")  # strips Excel's byte-order mark when there is one
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValidationError(msg(
            "{path}: line {line} is not UTF-8 text; save the file as UTF-8 "
            "(in Excel: \"CSV UTF-8\")", path=path, line=line), "file") from None
    try:
        return parse_json(text) if fmt == "json" else parse_csv(text)
    except ValidationError as exc:
        # the reason as raised (a message), so it is translated with the file name
        raise ValidationError(msg("{path}: {error}", path=path, error=exc.args[0]), "file") from None


def _header_key(heading: str) -> str:
    key = " ".join(heading.strip().lower().split())
    return HEADING_ALIASES.get(key, key)


def parse_csv(text: str) -> list[InputRow]:
    """Organisation rows from CSV text with a header (comma, semicolon or tab separated).

    Blank lines are skipped. A row with more fields than the header is kept with its
    ``problem``, which the importer reports for that row.
    """
    lines = text.splitlines()
    header_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise ValidationError(msg("the file is empty; expected a header line with name,orgnr,…"), "file")
    header_line = lines[header_index]
    for delimiter in DELIMITERS:
        heading = [_header_key(h) for h in next(csv.reader([header_line], delimiter=delimiter))]
        if set(REQUIRED_FIELDS) <= set(heading):
            break
    else:
        raise ValidationError(msg(
            "line {line} must be a header naming the columns "
            "{columns} (name and orgnr required); found {found!r}",
            line=header_index + 1, columns=", ".join(ORG_FIELDS), found=header_line.strip()[:80]),
            "file")
    unknown = [h for h in heading if h not in ORG_FIELDS and h not in IGNORED_FIELDS]
    if unknown:
        raise ValidationError(msg(
            "line {line}: unknown column(s) {unknown}; expected {columns}",
            line=header_index + 1, unknown=", ".join(repr(h) for h in unknown),
            columns=", ".join(ORG_FIELDS)), "file")
    twice = sorted({h for h in heading if heading.count(h) > 1})
    if twice:
        raise ValidationError(msg("line {line}: column(s) named twice: {twice}",
                                  line=header_index + 1, twice=", ".join(twice)), "file")

    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[InputRow] = []
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if start <= header_index + 1 or not any(cell.strip() for cell in record):
                continue
            values = {key: _csv_text(cell) for key, cell in zip(heading, record, strict=False)
                      if key not in IGNORED_FIELDS}
            problem = ""
            if len(record) > len(heading):
                problem = msg("{n} fields but the header has {columns} "
                              "(a value containing {delimiter!r} must be in double quotes)",
                              n=len(record), columns=len(heading), delimiter=delimiter)
            rows.append(InputRow(start, values, problem))
    except csv.Error as exc:
        raise ValidationError(msg("line {line}: not valid CSV ({error})", line=reader.line_num,
                                  error=exc), "file") from None
    return rows


_JSON_SPACE = " \t\n\r"


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _JSON_SPACE:
        pos += 1
    return pos


def parse_json(text: str) -> list[InputRow]:
    """Organisation rows from a JSON list of objects, each with the line it starts on.

    The list is walked element by element (``raw_decode``) rather than loaded whole, so
    each object's position in the file is known; the grammar is still plain JSON.
    """
    decoder = json.JSONDecoder()

    def refuse(message: str, pos: int) -> ValidationError:
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        return ValidationError(msg("not valid JSON: {reason} (line {line}, column {col})",
                                   reason=message, line=line, col=col), "file")

    pos = _skip_space(text, 0)
    if pos == len(text):
        raise ValidationError(msg("the file is empty; expected a JSON list of objects"), "file")
    if text[pos] != "[":
        raise refuse(msg("expected a list of objects ('[' …)"), pos)
    pos = _skip_space(text, pos + 1)
    rows: list[InputRow] = []
    line, counted = 1, 0
    if pos < len(text) and text[pos] == "]":
        pos += 1
    else:
        while True:
            line += text.count("\n", counted, pos)  # counted incrementally: large files stay linear
            counted = pos
            try:
                value, pos = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as exc:
                raise refuse(exc.msg, exc.pos) from None
            if isinstance(value, dict):
                rows.append(InputRow(line, value))
            else:
                rows.append(InputRow(line, {}, msg("expected an object with {columns}, got {kind}",
                                                   columns=", ".join(ORG_FIELDS),
                                                   kind=type(value).__name__)))
            pos = _skip_space(text, pos)
            if pos < len(text) and text[pos] == ",":
                pos = _skip_space(text, pos + 1)
                continue
            if pos < len(text) and text[pos] == "]":
                pos += 1
                break
            raise refuse(msg("expected ',' or ']' after an object"), pos)
    pos = _skip_space(text, pos)
    if pos != len(text):
        raise refuse(msg("extra data after the list"), pos)
    return rows


def organisation_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The keyword arguments for :class:`~samverkan.domain.model.Organisation` from one row
    (its contact persons: :func:`contact_persons`).

    :raises ValidationError: for a key that is not a column or a value that is not text (JSON).
    """
    unknown = [k for k in values if k not in ORG_FIELDS and k not in IGNORED_FIELDS and k != CONTACTS]
    if unknown:
        # repr: keys come from the file and are printed to a terminal
        raise ValidationError(msg("unknown field(s) {unknown}; expected {columns}",
                                  unknown=", ".join(repr(k) for k in unknown),
                                  columns=", ".join(ORG_FIELDS)), unknown[0])
    out = {k: values.get(k) for k in ORG_FIELDS}
    for key, value in out.items():
        if value is not None and not isinstance(value, str):  # JSON numbers, lists …
            raise ValidationError(msg("{field}: expected text, got {kind}", field=key, kind=type(value).__name__), key)
    if out["legal_form"] in (None, ""):
        out["legal_form"] = "ideell förening"  # the default of registering one organisation
    del out["contact"]
    return out


def contact_persons(values: Mapping[str, Any]) -> list[dict[str, str]]:
    """The contact persons of one row, as keyword arguments of
    :class:`~samverkan.domain.contacts.Contact` (without the organisation): the free-text
    ``contact`` parsed, then each object of a JSON ``contacts`` list.

    :raises ValidationError: for a ``contacts`` that is not a list of objects with
        :data:`CONTACT_KEYS`, or a value in it that is not text.
    """
    from samverkan.domain.contacts import parse_contact

    out = []
    text = values.get("contact")
    if isinstance(text, str):
        parsed = parse_contact(text)
        if parsed is not None:
            out.append(parsed)
    listed = values.get(CONTACTS)
    if listed is None:
        return out
    if not isinstance(listed, list):
        raise ValidationError(msg("{field}: expected a list of objects with {columns}, got {kind}", field=CONTACTS,
                                  columns=", ".join(CONTACT_KEYS), kind=type(listed).__name__), CONTACTS)
    for item in listed:
        if not isinstance(item, dict):
            raise ValidationError(msg("{field}: expected a list of objects with {columns}, got {kind}",
                                      field=CONTACTS, columns=", ".join(CONTACT_KEYS),
                                      kind=type(item).__name__), CONTACTS)
        unknown = [k for k in item if k not in CONTACT_KEYS]
        if unknown:
            raise ValidationError(msg("unknown field(s) {unknown}; expected {columns}",
                                      unknown=", ".join(repr(k) for k in unknown),
                                      columns=", ".join(CONTACT_KEYS)), CONTACTS)
        person = {k: item.get(k) for k in CONTACT_KEYS}
        for key, value in person.items():
            if value is not None and not isinstance(value, str):
                raise ValidationError(msg("{field}: expected text, got {kind}", field=f"{CONTACTS}.{key}",
                                          kind=type(value).__name__), CONTACTS)
        out.append({k: v or "" for k, v in person.items()})
    return out


def contact_text(contact: Any) -> str:
    """A contact person as one text that :func:`contact_persons` reads back: "name,
    e-mail, number" (the parts it has)."""
    if contact is None:
        return ""
    parts = [contact.name]
    for part in (contact.email, contact.phone):
        if part and part not in parts:  # a name that is the address is not said twice
            parts.append(part)
    return ", ".join(p for p in parts if p)


def org_export_fields(fmt: str | None) -> tuple[str, ...]:
    """The columns of an organisation export in format ``fmt`` (JSON: every contact person)."""
    return ORG_JSON_EXPORT_FIELDS if fmt == "json" else ORG_EXPORT_FIELDS


# -- writing -----------------------------------------------------------------------


#: a spreadsheet reads a cell starting with one of these as a formula (CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # Officers open exports in Excel: a name such as "=HYPERLINK(…)" must stay text.
        # The apostrophe is what Excel itself shows for "text, not a formula"; reading
        # a CSV removes it again, so an export imports back unchanged.
        return "'" + value
    return value


def _csv_text(cell: str) -> str:
    """Undo the apostrophe :func:`_csv_value` puts before a formula-like text."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) else cell


def write_csv(rows: Iterable[Mapping[str, Any]], fields: Sequence[str], out: TextIO) -> int:
    """Write ``rows`` as comma-separated UTF-8 CSV with a header; returns the row count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    n = 0
    for row in rows:
        writer.writerow([_csv_value(row.get(k)) for k in fields])
        n += 1
    return n


def write_json(rows: Iterable[Mapping[str, Any]], fields: Sequence[str], out: TextIO) -> int:
    """Write ``rows`` as a JSON list, one object per line (streamed); returns the row count."""
    out.write("[")
    n = 0
    for row in rows:
        out.write(",\n" if n else "\n")
        out.write(json.dumps({k: row.get(k) for k in fields}, ensure_ascii=False, default=str))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def write_rows(rows: Iterable[Mapping[str, Any]], fields: Sequence[str], fmt: str, out: TextIO) -> int:
    """Write ``rows`` to ``out`` as ``csv`` or ``json``; returns the row count."""
    if fmt not in FORMATS:
        raise ValidationError(msg("unknown format {fmt!r}; expected one of: {allowed}",
                                  fmt=fmt, allowed=", ".join(FORMATS)), "format")
    return (write_json if fmt == "json" else write_csv)(rows, fields, out)


def export_to_file(rows: Iterable[Mapping[str, Any]], fields: Sequence[str], fmt: str,
                   path: str | Path) -> int:
    """Write an export to ``path`` atomically: a failure leaves any earlier file as it was.

    ``xlsx`` and ``csv-excel`` write one table with the fields as its header row (see
    :mod:`samverkan.export`); ``csv`` and ``json`` write what ``org import`` reads back.
    """

    if fmt in ("xlsx", "csv-excel"):
        from samverkan.domain.rules import ReportTable
        from samverkan.export.files import write_table

        listed = [dict(r) for r in rows]
        write_table(ReportTable(Path(path).stem, [(f, f) for f in fields], listed), path, fmt)
        return len(listed)
    from samverkan.export.files import write_atomically

    def write(tmp: Path) -> int:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            return write_rows(rows, fields, fmt, fh)

    return write_atomically(path, write)


def batched(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    """``items`` in consecutive slices of ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
