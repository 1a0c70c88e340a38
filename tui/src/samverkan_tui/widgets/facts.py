"""Label–value lists rendered as literal text (no markup from stored data)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text


def facts(pairs: Iterable[tuple[str, object]], width: int = 17) -> Text:
    """``label: value`` lines; empty values are left out."""
    text = Text()
    for label, value in pairs:
        if value in (None, "", [], {}):
            continue
        if text:
            text.append("\n")
        text.append(f"{label}:".ljust(width), style="bold")
        text.append(str(value))
    return text


def heading(title: str) -> Text:
    """A section heading."""
    return Text(title, style="bold underline")


def join(*parts: Text) -> Text:
    """Parts separated by blank lines."""
    out = Text()
    for p in parts:
        if not p:
            continue
        if out:
            out.append("\n\n")
        out.append_text(p)
    return out
