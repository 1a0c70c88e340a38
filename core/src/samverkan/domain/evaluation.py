"""A follow-up's evaluation as a form: typed text in, the ``evaluation`` dict out, and back.

A municipality declares its evaluation's inputs as data (:class:`~samverkan.domain.rules.
EvaluationForm`: labelled fields, then rows of labelled columns, each with a kind and
bounds) on its follow-up policy. Both interfaces read what an officer typed through
:func:`read_form` — the TUI from its fields and rows, the CLI from ``--figure`` and
``--outcome`` options or a CSV file — so they accept and refuse the same input with the
same message, which names the field by its label and, in a row, the row by its number
("Utfall 2, Antal personer: not a whole number: '8 deltagare'"). The policy's
``evaluate`` then checks the evaluation again and computes its figures.

:func:`summarise` asks the policy for the stored evaluation's result table;
:func:`entered` lists what was entered, labelled, for a policy without one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.model import clean_text
from samverkan.domain.money import parse_kronor
from samverkan.domain.rules import EvaluationField, EvaluationForm, FollowUpPolicy, ReportTable
from samverkan.i18n import msg


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _number_text(value: Decimal) -> str:
    """A bound or value as typed: ``100``, ``3.5``."""
    return f"{value.normalize():f}"


def _decimal(raw: Any, label: str, whole: bool) -> Decimal:
    """``raw`` (text with a decimal comma or point, spaces between thousands, or a number)."""
    if isinstance(raw, bool):
        raise ValidationError(msg("{field}: not a number: {value!r}", field=label, value=raw))
    if isinstance(raw, int | float | Decimal):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ValidationError(msg("{field}: not a number: {value!r}", field=label, value=raw))
        number = Decimal(str(raw))
    else:
        text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            problem = ("{field}: not a whole number: {value!r}" if whole else "{field}: not a number: {value!r}")
            raise ValidationError(msg(problem, field=label, value=str(raw).strip())) from None
    if whole and number != number.to_integral_value():
        raise ValidationError(msg("{field}: not a whole number: {value!r}", field=label,
                                  value=str(raw).strip() if isinstance(raw, str) else raw))
    return number


def _bound(bound: float | str | None, known: Mapping[str, Any]) -> Decimal | None:
    """A bound as a number: given, or the value of the field it names (None: no bound)."""
    if bound is None:
        return None
    if isinstance(bound, str):
        value = known.get(bound)
        return None if value is None or isinstance(value, bool) else Decimal(str(value))
    return Decimal(str(bound))


def read_value(field: EvaluationField, raw: Any, known: Mapping[str, Any] | None = None) -> Any:
    """The stored value of ``field`` typed as ``raw`` (None when left empty and no default).

    :param known: the values read so far, for a bound that names another field.
    :raises ValidationError: a message beginning with the field's label; ``field`` is its key.
    """
    label = field.label
    try:
        if _blank(raw):
            if field.default is not None:
                return field.default
            if field.required:
                raise ValidationError(msg("{field}: must not be empty", field=label))
            return None
        if field.kind == "text":
            return clean_text(raw, label, required=field.required, max_length=300)
        if field.kind == "kronor":
            number = Decimal(parse_kronor(raw, label))
        else:
            text = raw.strip().removesuffix("%").strip() if isinstance(raw, str) and field.kind == "percent" else raw
            number = _decimal(text, label, whole=field.kind == "integer")
        low, high = _bound(field.minimum, known or {}), _bound(field.maximum, known or {})
        if low is not None and number < low:
            raise ValidationError(msg("{field}: must be at least {low}, got {value}", field=label,
                                      low=_number_text(low), value=_number_text(number)))
        if high is not None and number > high:
            raise ValidationError(msg("{field}: must be at most {high}, got {value}", field=label,
                                      high=_number_text(high), value=_number_text(number)))
    except ValidationError as exc:
        raise ValidationError(exc.args[0], field.key) from None
    if field.kind == "percent":
        return float(number / 100)
    if field.kind in ("integer", "kronor") or number == number.to_integral_value():
        return int(number)
    return float(number)


def read_form(form: EvaluationForm, values: Mapping[str, Any],
              rows: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    """The evaluation typed into ``form``: ``values`` by field key, ``rows`` of values by
    column key (text as typed, or numbers).

    Empty fields take their default or are left out; rows left wholly empty are skipped
    (their numbers still count, so a message names the row the officer sees).

    :raises ValidationError: naming the field by its label, and a row by its number;
        ``field`` is the field's key or ``"<rows_key>[<index>].<column key>"``.
    """
    keys = {f.key for f in form.fields}
    unknown = sorted(set(values) - keys)
    if unknown:
        raise ValidationError(msg("unknown field {key!r}; the form has: {known}", key=unknown[0],
                                  known=", ".join(sorted(keys)) or msg("none")), unknown[0])
    out: dict[str, Any] = {}
    for field in form.fields:
        value = read_value(field, values.get(field.key), out)
        if value is not None:
            out[field.key] = value
    if not form.rows_key:
        return out
    columns = {c.key for c in form.columns}
    read = []
    for i, row in enumerate(rows):
        unknown = sorted(set(row) - columns)
        if unknown:
            raise ValidationError(msg("{row} {n}, {problem}", row=form.row_label, n=i + 1, problem=msg(
                "unknown field {key!r}; the form has: {known}", key=unknown[0], known=", ".join(
                    c.key for c in form.columns))), f"{form.rows_key}[{i}].{unknown[0]}")
        if all(_blank(v) for v in row.values()):
            continue
        item: dict[str, Any] = {}
        for column in form.columns:
            try:
                value = read_value(column, row.get(column.key), out)
            except ValidationError as exc:
                raise ValidationError(msg("{row} {n}, {problem}", row=form.row_label, n=i + 1,
                                          problem=exc.args[0]), f"{form.rows_key}[{i}].{column.key}") from None
            if value is not None:
                item[column.key] = value
        read.append(item)
    if not read:
        raise ValidationError(msg("{rows}: give at least one row", rows=form.row_label), form.rows_key)
    out[form.rows_key] = read
    return out


def display(field: EvaluationField, value: Any) -> str:
    """A stored value as it is typed: ``0.035`` percent as ``3,5``, kronor as ``400 000``."""
    if value is None:
        return ""
    if field.kind == "text" or isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return str(value)
    number = Decimal(str(value))
    if field.kind == "percent":
        number *= 100
    if number == number.to_integral_value():
        return f"{int(number):,}".replace(",", " ")
    return _number_text(number).replace(".", ",")


def entered(form: EvaluationForm, evaluation: Mapping[str, Any]) -> tuple[list[tuple[str, str]], ReportTable | None]:
    """What was entered, labelled: (label, text) per field, and the rows as a table."""
    pairs = [(f.label, display(f, evaluation[f.key])) for f in form.fields if f.key in evaluation]
    rows = evaluation.get(form.rows_key) if form.rows_key else None
    if not isinstance(rows, list) or not rows:
        return pairs, None
    table = ReportTable(form.row_label, [(c.key, c.header or c.label) for c in form.columns],
                        [{c.key: display(c, r.get(c.key)) for c in form.columns} for r in rows
                         if isinstance(r, Mapping)])
    return pairs, table


def summarise(policy: FollowUpPolicy | None, evaluation: Mapping[str, Any]) -> ReportTable | None:
    """The result of a stored evaluation as the policy shows it (None: it shows none).

    An evaluation the summary cannot read (stored before the policy had a form, or by
    another version of the plugin) has no summary; the interfaces then list it as entered.
    """
    if policy is None or policy.summarise is None or not evaluation:
        return None
    try:
        return policy.summarise(dict(evaluation))
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError):
        return None


def rows_from_text(form: EvaluationForm, text: str) -> dict[str, str]:
    """One row written on one line: values separated by ``;`` in the order of the columns
    (``Deltagare i arbete;8;50000;20;10;25;50;3``), or ``key=value`` pairs
    (``name=Deltagare i arbete;quantity=8;…``) in any order.

    :raises ValidationError: more values than columns, or an unknown key.
    """
    parts = [p.strip() for p in text.split(";")]
    keys = [c.key for c in form.columns]
    named = [p for p in parts if "=" in p and p.split("=", 1)[0].strip() in keys]
    if named:
        row: dict[str, str] = {}
        for part in parts:
            if not part:
                continue
            key, sep, value = part.partition("=")
            if not sep or key.strip() not in keys:
                raise ValidationError(msg("{text!r}: write every value as key=value, one of: {known}",
                                          text=part, known=", ".join(keys)), form.rows_key)
            row[key.strip()] = value.strip()
        return row
    if len(parts) > len(keys):
        raise ValidationError(msg("{text!r}: {n} values, but a row has {columns}: {known}", text=text,
                                  n=len(parts), columns=len(keys), known=";".join(keys)), form.rows_key)
    return dict(zip(keys, parts, strict=False))


def headers_match(form: EvaluationForm, header: Sequence[str]) -> list[str]:
    """Map a CSV header to column keys: each cell a key, a label or a short header
    (case and surrounding space ignored).

    :raises ValidationError: naming a heading that is none of the columns.
    """
    names = {}
    for c in form.columns:
        for name in (c.key, c.label, c.header):
            if name:
                names[name.strip().casefold()] = c.key
    out = []
    for cell in header:
        key = names.get(cell.strip().casefold())
        if key is None:
            raise ValidationError(msg("unknown column {name!r}; the columns are: {known}", name=cell.strip(),
                                      known=", ".join(c.key for c in form.columns)), form.rows_key)
        out.append(key)
    return out


def describe(form: EvaluationForm) -> list[str]:
    """The form in lines of text (for ``--help``-like listings): each field with its key,
    label, kind and bounds."""
    def line(f: EvaluationField) -> str:
        bounds = []
        if f.minimum is not None:
            bounds.append(f"≥ {f.minimum}")
        if f.maximum is not None:
            bounds.append(f"≤ {f.maximum}")
        extra = ", ".join([f.kind, *bounds, *(["optional"] if not f.required else [])])
        default = f"; empty: {display(f, f.default)}" if f.default is not None else ""
        return f"  {f.key:<14} {f.label} ({extra}{default})" + (f" — {f.help}" if f.help else "")

    out = [form.title, *[line(f) for f in form.fields]]
    if form.rows_key:
        out.append(f"{form.row_label} (rows, columns in this order):")
        out += [line(c) for c in form.columns]
    return out
