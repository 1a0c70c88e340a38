"""SSH access for a shared service account (the gitolite pattern).

Each person's public key gets one line in the service account's ``authorized_keys``
that forces ``samverkan --user NAME`` with ``restrict,pty``: the key can run only the
application, only as that person, with a terminal and nothing else (no shell, no port
forwarding, no agent or X11 forwarding).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.i18n import msg

_USERNAME = re.compile(r"^[a-z_][a-z0-9_.-]{0,63}$")
_KEY = re.compile(r"^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com) [A-Za-z0-9+/=]+( [^\n\r]*)?$")
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
MARK = "# managed by samverkan: do not edit by hand"


def validate_username(name: str) -> str:
    """A user name safe to put in a forced command: lower-case letters, digits, ``._-``."""
    name = (name or "").strip()
    if not _USERNAME.match(name):
        raise ValidationError(msg(
            "invalid user name {name!r}: use lower-case letters, digits, '.', '_' or '-' "
            "(starting with a letter or '_', at most 64 characters)", name=name), "name")
    return name


def validate_public_key(text: str) -> str:
    """One OpenSSH public key line, without options (those are ours to set)."""
    line = " ".join((text or "").strip().split())
    if not _KEY.match(line):
        raise ValidationError(msg("not an OpenSSH public key line (e.g. 'ssh-ed25519 AAAA… comment')"),
                              "key")
    return line


def validate_email(text: str) -> str:
    """An e-mail address for reminders ("" to have none): one ``local@domain``, no name."""
    address = (text or "").strip()
    if address and not _EMAIL.match(address):
        raise ValidationError(msg("not an e-mail address: {address!r} (e.g. 'eva.svensson@kommun.se')",
                                  address=address), "email")
    return address


def default_command(config: Path | None = None, db: Path | None = None) -> str:
    """The forced command template: this installation's ``samverkan`` executable, pinned to
    the configuration ``config`` and the database ``db`` when given, so that nothing the
    SSH client sends can point a session at another file."""
    exe = shutil.which("samverkan") or str(Path(sys.argv[0]).resolve())
    parts = [shlex.quote(exe)]
    if config is not None:
        parts += ["--config", shlex.quote(str(Path(config).expanduser().resolve()))]
    if db is not None:
        parts += ["--db", shlex.quote(str(Path(db).expanduser().resolve()))]
    return " ".join(parts) + " --user {user}"


def key_line(user: str, public_key: str, command: str = "") -> str:
    """The authorized_keys line that lets ``public_key`` act only as ``user``."""
    forced = (command or default_command()).replace("{user}", shlex.quote(validate_username(user)))
    escaped = forced.replace("\\", "\\\\").replace('"', '\\"')
    return f'command="{escaped}",restrict,pty {public_key}'


def write_authorized_keys(path: Path, users: list[dict[str, Any]], command: str = "") -> None:
    """Replace ``path`` atomically with one forced-command line per user with a key."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = [MARK] + [key_line(u["name"], u["public_key"], command) for u in users if u.get("public_key")]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".authorized_keys.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
