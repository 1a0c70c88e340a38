"""A deployment cannot be re-pointed by accident: its database is pinned in the config
and in the forced command, init never replaces the default silently, authorized_keys is
written only from the configured database, a mistyped --db creates nothing, and what an
SSH client sends in its environment changes nothing. Each case leaves the deployment's
database and authorized_keys as they were and says so in one line."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
import tomli_w
from click.testing import CliRunner, Result

from samverkan.cli import make_cli
from samverkan.runtime.config import os_user, read_config
from samverkan.store import Store

SSH = {"SSH_CONNECTION": "203.0.113.7 50000 127.0.0.1 22"}


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(make_cli(), list(args), env={"SAMVERKAN_LANG": "en", **(env or {})},
                              catch_exceptions=False)


def digest(*paths: Path) -> dict[str, str]:
    """What a file holds (its WAL included), to show it was left untouched."""
    out = {}
    for p in paths:
        for f in sorted(p.parent.glob(p.name + "*")):
            if not f.name.endswith("-shm") and f.stat().st_size:
                out[f.name] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


@pytest.fixture
def deployment(tmp_path: Path, isolated_config: Path, registry, monkeypatch):
    """Production as docs/deployment.md sets it up: the service account's config with
    authorized_keys, `init` on the production database, eva's key added."""
    monkeypatch.delenv("SAMVERKAN_DB")  # the service account's environment names no database
    config = isolated_config / "config.toml"
    keys = tmp_path / "ssh" / "authorized_keys"
    config.write_text(tomli_w.dumps({"service_account": os_user(), "authorized_keys": str(keys)}))
    prod = tmp_path / "data" / "samverkan.db"
    done = run("--db", str(prod), "init", "--municipality", "stockholm")
    assert done.exit_code == 0, done.output
    assert f"a plain `samverkan` now opens {prod}" in done.output
    key = tmp_path / "eva"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key), "-C", "eva"], check=True)
    done = run("admin", "user", "add", "eva", "--role", "officer", "--key", f"{key}.pub")
    assert done.exit_code == 0, done.output
    store = Store.open(prod)
    store.checkpoint()  # the WAL folded in: a later digest sees any change
    store.close()
    return {"config": config, "keys": keys, "prod": prod, "key": Path(f"{key}.pub"), "tmp": tmp_path}


def test_the_forced_command_pins_the_config_and_the_database(deployment):
    lines = deployment["keys"].read_text().splitlines()
    assert len(lines) == 2
    assert f"--config {deployment['config']} --db {deployment['prod']} --user eva\",restrict,pty ssh-ed25519 " \
        in lines[1]
    assert read_config(deployment["config"])["database"] == str(deployment["prod"])


def test_init_of_another_database_leaves_the_default_alone(deployment):
    before = (deployment["config"].read_bytes(), digest(deployment["prod"], deployment["keys"]))
    scratch = deployment["tmp"] / "scratch.db"
    done = run("--db", str(scratch), "init", "--municipality", "stockholm")
    assert done.exit_code == 0, done.output
    assert done.output.splitlines()[-1] == (
        f"{deployment['config']} unchanged: a plain `samverkan` still opens {deployment['prod']}; "
        f"use --db {scratch} for this database, or run init again with --set-default")
    assert (deployment["config"].read_bytes(), digest(deployment["prod"], deployment["keys"])) == before
    assert run("org", "list").exit_code == 0  # a plain run still opens production
    assert _unwrapped(f"opens {deployment['prod']} (pinned in {deployment['config']})") in \
        _unwrapped(run("--help").output)
    # re-pointing is possible, but only when asked for
    done = run("--db", str(scratch), "init", "--municipality", "stockholm", "--set-default")
    assert done.exit_code == 0 and f"a plain `samverkan` now opens {scratch}" in done.output
    assert read_config(deployment["config"])["database"] == str(scratch)
    assert read_config(deployment["config"])["authorized_keys"] == str(deployment["keys"])


def test_admin_user_add_on_another_database_leaves_authorized_keys_alone(deployment):
    before = digest(deployment["prod"], deployment["keys"])
    test_db = deployment["tmp"] / "test.db"
    assert run("--db", str(test_db), "init", "--municipality", "stockholm").exit_code == 0
    added = run("--db", str(test_db), "admin", "user", "add", "mallory", "--role", "admin",
                "--key", str(deployment["key"]))
    assert added.exit_code == 0, added.output
    assert added.stderr.splitlines() == [
        f"Note: {deployment['keys']} left unchanged: it is written only from the database configured "
        f"in {deployment['config']} ({deployment['prod']}), not from {test_db}"]
    removed = run("--db", str(test_db), "admin", "user", "remove", "eva")
    assert removed.exit_code == 1  # eva is no user of the test database; the file is not touched
    removed = run("--db", str(test_db), "admin", "user", "remove", "mallory")
    assert removed.exit_code == 0 and "left unchanged" in removed.stderr
    assert digest(deployment["prod"], deployment["keys"]) == before
    # an explicitly named other file is written from any database
    other = deployment["tmp"] / "test_keys"
    done = run("--db", str(test_db), "admin", "user", "add", "mallory", "--role", "admin",
               "--key", str(deployment["key"]), "--keys-file", str(other))
    assert done.exit_code == 0 and "--user mallory" in other.read_text() and not done.stderr


def test_a_mistyped_db_is_refused_and_nothing_is_created(deployment):
    before = digest(deployment["prod"], deployment["keys"])
    typo = deployment["tmp"] / "dta" / "samverkan.db"
    for args in (["org", "list"], ["admin", "user", "add", "eva", "--role", "admin"], ["audit", "verify"],
                 ["worker", "--once"]):
        done = run("--db", str(typo), *args)
        assert done.exit_code == 1, (args, done.output)
        assert done.output == (f"Error: no database at {typo} (nothing was created); check the path, or "
                               f"create one with `samverkan --db {typo} init --municipality KEY`\n"), args
    assert not typo.parent.exists()
    assert digest(deployment["prod"], deployment["keys"]) == before


def test_a_client_sent_samverkan_db_or_config_changes_nothing(deployment):
    """The forced command over SSH, with SAMVERKAN_DB and SAMVERKAN_CONFIG from the client."""
    before = digest(deployment["prod"], deployment["keys"])
    elsewhere = deployment["tmp"] / "elsewhere.db"
    evil_config = deployment["tmp"] / "evil.toml"
    evil_config.write_text(tomli_w.dumps({"service_account": os_user(), "database": str(elsewhere)}))
    forced = ["--config", str(deployment["config"]), "--db", str(deployment["prod"]), "--user", "eva"]
    sent = {**SSH, "SAMVERKAN_DB": str(elsewhere), "SAMVERKAN_CONFIG": str(evil_config)}
    done = run(*forced, "audit", "log", "--limit", "1", env=sent)
    assert done.exit_code == 0, done.output
    assert "user.create\tuser:eva" in done.output  # production's log
    # without a terminal the interface is not started at all
    done = run(*forced, env=sent)
    assert done.exit_code == 1
    assert done.output == "Error: samverkan opens only on a terminal: connect with `ssh -t` (nothing was started)\n"
    # a forced command without --config and --db: still not the client's to choose
    done = run("--user", "eva", "org", "list", env=sent)
    assert done.exit_code == 2 and "none is configured" in done.output
    assert not elsewhere.exists()
    assert digest(deployment["prod"], deployment["keys"]) == before


def test_a_served_session_opens_only_the_pinned_database(deployment):
    other = deployment["tmp"] / "other.db"
    assert run("--db", str(other), "init", "--municipality", "stockholm").exit_code == 0
    done = run("--db", str(other), "--user", "eva", "org", "list")
    assert done.exit_code == 1
    assert done.output == (f"Error: {other} is not the database configured in {deployment['config']} "
                           f"({deployment['prod']}); a served session opens only that one\n")


def test_help_names_the_database_a_plain_run_opens(tmp_path, isolated_config, monkeypatch):
    monkeypatch.delenv("SAMVERKAN_DB")
    text = _unwrapped(run("--help").output)
    assert "Aplain`samverkan`opens" in text and "thedefault;" in text and "doesnotexistyet" in text
    env_db = tmp_path / "env.db"
    text = _unwrapped(run("--help", env={"SAMVERKAN_DB": str(env_db)}).output)
    assert _unwrapped(f"A plain `samverkan` opens {env_db} (from SAMVERKAN_DB, does not exist yet).") in text


def _unwrapped(text: str) -> str:
    """``text`` without its white space (click wraps help lines, at hyphens too)."""
    return "".join(text.split())
