"""Errors that services raise and that every interface turns into a clear message.

Each error carries a message meant for the person at the keyboard; the CLI prints it
on stderr with exit status 1, the TUI shows it in a notification or next to the field.
"""

from __future__ import annotations

from typing import Any


class SamverkanError(Exception):
    """Base class: input or state the system refuses, with a message for the user."""


class ValidationError(SamverkanError):
    """A value given by the user is not acceptable (the field is named in ``field``)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(SamverkanError):
    """The referenced record does not exist."""


class StaleUpdate(SamverkanError):
    """Someone else changed the record since it was read; nothing was overwritten."""


class PermissionDenied(SamverkanError):
    """The acting user lacks the role (or has declared a conflict of interest)."""


class TransitionRefused(SamverkanError):
    """A lifecycle transition was stopped by at least one blocking finding."""

    # findings are samverkan.domain.lifecycle.Finding; typed loosely because every
    # domain module imports this one, and this one imports none of them
    def __init__(self, message: str, findings: list[Any]):
        super().__init__(message)
        self.findings = findings


class StoreError(SamverkanError):
    """The database file cannot be used (locked too long, corrupt, not a database)."""


class StateChanged(SamverkanError):
    """What a command was judged on changed before it could be written (retried by the services)."""
