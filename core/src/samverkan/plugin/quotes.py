"""Quotes checked against the documents they quote.

Every rule of a plugin's data quotes the sentence(s) of its document it rests on
(``quote``), and the plugin ships the document's text (``text_file`` of its
``[[documents]]`` entry, a file in the data folder). :func:`quote_problems` says which
quotes are not found in their documents, so a rule cannot drift from its source
unnoticed: the test kit runs it over every municipality plugin (and the core's national
rules), and ``samverkan plugin check`` reports it.

A quote is found when it occurs in the text after both are normalised: runs of white
space are one space (a sentence may break across lines and pages), emphasis markup of
the plain-text sources (``*``, ``<i>``) is ignored and typographic quotation marks are
plain ones. ``[…]`` (or ``[...]``) marks an omission: the parts around it must occur in
that order.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any

from samverkan.plugin.datapack import DataPack
from samverkan.plugin.schema import Located, line_of

_MARKUP = re.compile(r"</?i>|\*+")
_SPACE = re.compile(r"\s+")
_OMISSION = re.compile(r"\s*\[(?:…|\.\.\.)\]\s*")
_QUOTES = str.maketrans({"”": '"', "“": '"', "„": '"', "’": "'", "‘": "'"})


def normalise(text: str) -> str:
    """``text`` as quotes are compared: markup dropped, white space and quotation marks
    made uniform."""
    return _SPACE.sub(" ", _MARKUP.sub("", text).translate(_QUOTES)).strip()


def fragments(quote: str) -> list[str]:
    """The parts of ``quote`` between omission marks (``[…]``), normalised."""
    return [f for f in (normalise(p) for p in _OMISSION.split(quote)) if f]


def missing_fragment(quote: str, text: str) -> str | None:
    """The first part of ``quote`` not found (in order) in ``text``, or None when all are."""
    haystack, at = normalise(text), 0
    for part in fragments(quote):
        found = haystack.find(part, at)
        if found < 0:
            return part
        at = found + len(part)
    return None


@cache
def _document_text(package: str, folder: str, name: str) -> str:
    return resources.files(package).joinpath(folder).joinpath(name).read_text(encoding="utf-8")


def quoted_items(pack: DataPack) -> Iterator[tuple[Located, dict[str, Any]]]:
    """(entry, the part of it that quotes) for every quote of the pack's data, nested
    conditions of gates included (they inherit the gate's document)."""
    for table, items in pack.tables.items():
        if table == "documents":
            continue
        for item in items:
            if "quote" in item.data or "level" in item.data:
                yield item, item.data
            for name in ("conditions", "when"):
                for cond in item.data.get(name, ()) if isinstance(item.data.get(name), list) else ():
                    if isinstance(cond, dict) and "quote" in cond:
                        yield item, {"document": item.get("document"), **cond}


def quote_problems(pack: DataPack, text_of: Any = None) -> list[str]:
    """Every quote of ``pack`` not found in its document's text, one line each (file,
    line, entry, and the words not found); empty when every quote is found.

    A quote citing a document that ships no ``text_file`` is a problem too: nothing
    could show the quote is the document's. ``text_of(document)`` gives a document's
    text instead of the installed package's file (``plugin check`` reads a folder;
    tests alter a text); it raises OSError when there is none.
    """
    def installed(doc: Any) -> str:
        if not doc.text_file:
            raise FileNotFoundError(f"document {doc.key!r} ships no text_file to find the quote in")
        return _document_text(pack.package, pack.folder, doc.text_file)

    read = text_of or installed
    problems = []
    for item, data in quoted_items(pack):
        name = item.data.get("id") or item.data.get("key") or item.data.get("form") or ""
        where = f"{item.file}:{line_of(item.text, item.path)}: {item.path[0]}[{item.path[1]}] {name}".rstrip()
        quote, level = data.get("quote", ""), data.get("level", "")
        doc = pack.documents.get(data.get("document"))
        if doc is None or not quote:
            if level and level != "default" and not quote:
                problems.append(f"{where}: no quote")
            continue
        try:
            text = read(doc)
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        part = missing_fragment(quote, text)
        if part is not None:
            problems.append(f"{where}: not in {doc.key!r}: {part!r}")
    return problems
