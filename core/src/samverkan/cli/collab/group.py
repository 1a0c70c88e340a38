"""The ``samverkan collab`` command group and what its commands share."""

from __future__ import annotations

import click

from samverkan.domain.errors import ValidationError


@click.group("collab")
def collab_group() -> None:
    """Collaborations: register, check, advance, decide, agree, follow up, end."""


def key_values(items: tuple[str, ...], option: str, shape: str = "KEY=VALUE") -> dict[str, str]:
    """``KEY=VALUE`` options as a dict (refused with the option's name when malformed)."""
    out = {}
    for item in items:
        if "=" not in item:
            raise ValidationError(f"{option} expects {shape}, got {item!r}", option.lstrip("-"))
        k, v = item.split("=", 1)
        out[k.strip()] = v
    return out
