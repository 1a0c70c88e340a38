"""Writing TOML with comments: values through tomli-w, tables as a person would write them.

tomli-w writes values correctly but no comments and no inline tables; the scaffold's
files are meant to be read and edited, so they are put together line by line here and
every value is written by tomli-w.
"""

from __future__ import annotations

import textwrap
from typing import Any

import tomli_w

from samverkan.plugin.schema import Key

#: how the generated comments name a key's type
TYPE_WORDS = {
    "str": "text", "bool": "true/false", "int": "whole number", "number": "number",
    "list": "list of text", "forms": "list of form keys", "stages": "list of stage keys",
    "ref": "module:attr", "severity": "text or table", "conditions": "list of tables",
    "table": "table", "any": "any value", "date": "date",
}


def value(v: Any) -> str:
    """``v`` as a TOML value: tables inline (``{ a = 1 }``), lists of tables one per line."""
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {value(x)}" for k, x in v.items()) + " }" if v else "{}"
    if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
        return "[\n" + "".join(f"  {value(x)},\n" for x in v) + "]"
    if isinstance(v, list):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return tomli_w.dumps({"v": v}).split("=", 1)[1].strip()


def _key(k: str) -> str:
    return tomli_w.dumps({k: 0}).split("=", 1)[0].strip()


def pair(k: str, v: Any) -> str:
    """``k = v``."""
    return f"{_key(k)} = {value(v)}"


def comment(text: str, width: int = 96, indent: str = "") -> list[str]:
    """``text`` as comment lines wrapped at ``width``."""
    out = []
    for para in text.split("\n"):
        wrapped = textwrap.wrap(para, width - len(indent) - 2) or [""]
        out.extend(f"{indent}# {line}".rstrip() for line in wrapped)
    return out


def key_lines(keys: dict[str, Key], width: int = 96) -> list[str]:
    """One comment block per key: ``name (type, required): doc``, continued indented."""
    out = []
    for name, key in keys.items():
        kind = TYPE_WORDS.get(key.type, key.type)
        flag = ", required" if key.required else ""
        out.extend(textwrap.wrap(f"{name} ({kind}{flag}): {key.doc}", width, initial_indent="#   ",
                                 subsequent_indent="#       "))
    return out
