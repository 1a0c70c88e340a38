"""``samverkan admin user``: users, roles and the service account's authorized_keys."""

from __future__ import annotations

from pathlib import Path

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.domain.access import ROLES
from samverkan.domain.errors import ValidationError
from samverkan.i18n import msg


@click.group("admin")
def admin_group() -> None:
    """Administration: users and roles."""


@admin_group.group("user")
def user_group() -> None:
    """Users, their roles and SSH keys."""


def _keys_file(app: AppContext, keys_file: str | None, needed: bool) -> tuple[Path | None, str]:
    """The authorized_keys file to rewrite, or None and the line saying why it is left alone.

    The service account's file (``authorized_keys`` in the config) is written only from
    the database the config pins: users of a test or scratch database never reach
    production's keys, nor remove them. Another file given with --keys-file is written.
    """
    from samverkan.runtime.config import same_file

    configured = app.settings.authorized_keys
    path = Path(keys_file).expanduser() if keys_file else configured
    if path is None:
        if needed:
            raise ValidationError(
                "no authorized_keys file: set `authorized_keys` in the config or pass --keys-file "
                "(it is rewritten as a whole, so it must belong to the service account)", "keys_file")
        return None, ""
    if same_file(path, configured) and not app.settings.is_pinned_db:
        return None, msg(
            "{keys} left unchanged: it is written only from the database configured in {config} "
            "({pinned}), not from {db}", keys=path, config=app.settings.config_path,
            pinned=app.settings.pinned_db or msg("none"), db=app.settings.db_path)
    return path, ""


def _forced_command(app: AppContext) -> str:
    """The forced command of each key line: ``ssh_command`` from the config, else this
    installation's ``samverkan`` pinned to this config and database."""
    from samverkan.services.accounts import default_command

    return app.settings.config.get("ssh_command") or default_command(app.settings.config_path,
                                                                      app.settings.db_path)


@user_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True,
              help=f"Role ({', '.join(ROLES)}); repeat or separate with commas.")
@click.option("--unit", default="", help="The unit a manager decides for.")
@click.option("--email", default=None, help="E-mail address for reminders (empty to remove).")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False),
              help="The person's OpenSSH public key file.")
@click.option("--keys-file", help="authorized_keys to rewrite (default: `authorized_keys` in the config, "
                                  "written only from the configured database).")
@pass_app
def user_add(app: AppContext, name: str, roles: tuple[str, ...], unit: str, email: str | None,
             key_file: str | None, keys_file: str | None) -> None:
    """Add or change a user; with --key, give their key a forced `samverkan --user NAME` line."""
    if key_file:
        app.require("add_user")  # the key file is opened only for someone who manages users
    key = Path(key_file).read_text(encoding="utf-8") if key_file else ""
    path, left_alone = _keys_file(app, keys_file, needed=bool(key))
    user = app.services.add_user(name, ",".join(roles), unit=unit, public_key=key, keys_file=path,
                                 command=_forced_command(app) if path else "", email=email)
    click.echo(f"{user['name']}: {', '.join(user['roles'])}" + (f" ({path})" if path else ""))
    if left_alone:
        click.echo(f"Note: {left_alone}", err=True)


@user_group.command("remove")
@click.argument("name")
@click.option("--keys-file", help="authorized_keys to rewrite (default: `authorized_keys` in the config, "
                                  "written only from the configured database).")
@pass_app
def user_remove(app: AppContext, name: str, keys_file: str | None) -> None:
    """Remove a user and their key line."""
    path, left_alone = _keys_file(app, keys_file, needed=False)
    app.services.remove_user(name, keys_file=path, command=_forced_command(app) if path else "")
    click.echo(f"removed {name}")
    if left_alone:
        click.echo(f"Note: {left_alone}", err=True)


@user_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_app
def user_list(app: AppContext, as_json: bool) -> None:
    """List users with their roles and unit."""
    users = app.services.users()
    if as_json:
        echo_json([{**u, "roles": list(u["roles"]), "has_key": bool(u["public_key"])} for u in users])
        return
    for u in users:
        click.echo(f"{u['name']}\t{','.join(u['roles'])}\t{u['unit'] or '-'}\t"
                   f"{'key' if u['public_key'] else 'no key'}\t{u.get('email') or '-'}")
