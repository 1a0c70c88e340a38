"""``samverkan admin user``: users, roles and the service account's authorized_keys."""

from __future__ import annotations

from pathlib import Path

import click

from samverkan.cli.context import AppContext, echo_json, pass_app
from samverkan.domain.access import ROLES
from samverkan.domain.errors import ValidationError


@click.group("admin")
def admin_group() -> None:
    """Administration: users and roles."""


@admin_group.group("user")
def user_group() -> None:
    """Users, their roles and SSH keys."""


def _keys_file(app: AppContext, keys_file: str | None, needed: bool) -> Path | None:
    path = keys_file or app.settings.config.get("authorized_keys")
    if needed and not path:
        raise ValidationError(
            "no authorized_keys file: set `authorized_keys` in the config or pass --keys-file "
            "(it is rewritten as a whole, so it must belong to the service account)", "keys_file")
    return Path(path).expanduser() if path else None


@user_group.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True,
              help=f"Role ({', '.join(ROLES)}); repeat or separate with commas.")
@click.option("--unit", default="", help="The unit a manager decides for.")
@click.option("--key", "key_file", type=click.Path(exists=True, dir_okay=False),
              help="The person's OpenSSH public key file.")
@click.option("--keys-file", help="authorized_keys to rewrite (default: `authorized_keys` in the config).")
@pass_app
def user_add(app: AppContext, name: str, roles: tuple[str, ...], unit: str, key_file: str | None,
             keys_file: str | None) -> None:
    """Add or change a user; with --key, give their key a forced `samverkan --user NAME` line."""
    if key_file:
        app.require("add_user")  # the key file is opened only for someone who manages users
    key = Path(key_file).read_text(encoding="utf-8") if key_file else ""
    path = _keys_file(app, keys_file, needed=bool(key))
    user = app.services.add_user(name, ",".join(roles), unit=unit, public_key=key, keys_file=path,
                                 command=app.settings.config.get("ssh_command", ""))
    click.echo(f"{user['name']}: {', '.join(user['roles'])}" + (f" ({path})" if path else ""))


@user_group.command("remove")
@click.argument("name")
@click.option("--keys-file")
@pass_app
def user_remove(app: AppContext, name: str, keys_file: str | None) -> None:
    """Remove a user and their key line."""
    path = _keys_file(app, keys_file, needed=False)
    app.services.remove_user(name, keys_file=path, command=app.settings.config.get("ssh_command", ""))
    click.echo(f"removed {name}")


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
        click.echo(f"{u['name']}\t{','.join(u['roles'])}\t{u['unit'] or '-'}\t{'key' if u['public_key'] else 'no key'}")
