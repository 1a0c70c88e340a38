"""--user is only for the configured service account; users and keys from the CLI."""

from __future__ import annotations

import subprocess

import tomli_w

from samverkan.runtime.config import os_user


def test_user_option_refused_without_service_account(cli):
    result = cli("--user", "eva", "org", "list")
    assert result.exit_code == 2
    assert "only accepted when running as the configured service account (none is configured)" in result.output


def test_user_option_accepted_for_service_account(cli, isolated_config):
    (isolated_config / "config.toml").write_text(tomli_w.dumps({"service_account": os_user()}))
    assert cli("init", "--municipality", "stockholm").exit_code == 0
    assert cli("admin", "user", "add", "eva", "--role", "reader").exit_code == 0
    listed = cli("--user", "eva", "org", "list")
    assert listed.exit_code == 0, listed.output
    refused = cli("--user", "eva", "org", "add", "Förening", "--orgnr", "802012-3454")
    assert refused.exit_code == 1
    assert "organisation.register needs the role officer or manager; eva has the role(s) reader" in refused.output


def test_user_option_refused_for_other_service_account(cli, isolated_config):
    (isolated_config / "config.toml").write_text(tomli_w.dumps({"service_account": "someone-else"}))
    result = cli("--user", "eva", "org", "list")
    assert result.exit_code == 2 and "(someone-else)" in result.output


def test_admin_user_add_writes_forced_command_lines(cli, tmp_path):
    key = tmp_path / "eva"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key), "-C", "eva@test"], check=True)
    keys = tmp_path / "authorized_keys"
    assert cli("init", "--municipality", "stockholm").exit_code == 0
    added = cli("admin", "user", "add", "eva", "--role", "officer", "--key", str(key) + ".pub",
                "--keys-file", str(keys))
    assert added.exit_code == 0, added.output
    lines = keys.read_text().splitlines()
    pub = (tmp_path / "eva.pub").read_text().strip()
    assert any(line.endswith(pub) and "--user eva" in line and ",restrict,pty " in line for line in lines)
    assert oct(keys.stat().st_mode & 0o777) == "0o600"
    assert cli("admin", "user", "remove", "eva", "--keys-file", str(keys)).exit_code == 0
    assert pub not in keys.read_text()
    assert "eva" not in cli("admin", "user", "list").output


def test_bad_role_and_bad_key_are_refused(cli, tmp_path):
    assert cli("init", "--municipality", "stockholm").exit_code == 0
    bad_role = cli("admin", "user", "add", "eva", "--role", "king")
    assert bad_role.exit_code == 1 and "unknown role 'king'" in bad_role.output
    junk = tmp_path / "junk.pub"
    junk.write_text("not a key\n")
    bad_key = cli("admin", "user", "add", "eva", "--role", "officer", "--key", str(junk),
                  "--keys-file", str(tmp_path / "ak"))
    assert bad_key.exit_code == 1 and "not an OpenSSH public key" in bad_key.output
    assert not (tmp_path / "ak").exists()
