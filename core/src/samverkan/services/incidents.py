"""Unexpected errors: the whole story for the administrator, one line for the user.

A defect must never show a Python traceback (with its local variables: SQL text, the
data of a case) on an officer's screen, over SSH least of all. :func:`record` writes
the traceback to the administrator's log with a short incident id, and the interfaces
show one line quoting that id (:func:`unexpected`).

The log is ``samverkan.log`` in the platformdirs user log directory of the account
that runs samverkan (on Linux ``~/.local/state/samverkan/log/``: the service account's
on a server, see docs/deployment.md); if that cannot be written, the folder of the
database; if neither can, the id is still shown and nothing is logged.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
import traceback
from pathlib import Path

from samverkan.i18n import Message, msg

LOG_NAME = "samverkan.log"


def log_dir() -> Path:
    """The platformdirs user log directory of samverkan."""
    from platformdirs import user_log_path

    return user_log_path("samverkan", appauthor=False)


def record(error: BaseException, *, where: str = "", database: Path | None = None) -> str:
    """Log ``error`` with its traceback for the administrator; return the incident id.

    :param where: what was running (a command line, a screen).
    :param database: the database in use; its folder is the fallback for the log.
    """
    incident = secrets.token_hex(4)
    stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    lines = [f"{stamp} incident {incident} pid {os.getpid()} user {_user()}",
             f"  where: {where or ' '.join(sys.argv)}"]
    if database is not None:
        lines.append(f"  database: {database}")
    text = "\n".join(lines) + "\n" + "".join(traceback.format_exception(error)) + "\n"
    folders = [log_dir()] + ([Path(database).parent] if database is not None else [])
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(folder / LOG_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, "a", encoding="utf-8") as fh:
                fh.write(text)
            break
        except OSError:
            continue
    return incident


def unexpected(error: BaseException, incident: str) -> Message:
    """The one line a user sees for an unexpected error (no message text: it may hold data)."""
    return msg("unexpected error ({kind}); it is logged for the administrator as incident "
               "{incident}: quote it when you report this", kind=type(error).__name__, incident=incident)


def _user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except Exception:  # no user name in this environment: the log line still helps
        return "?"
