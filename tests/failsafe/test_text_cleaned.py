"""Every text stored is cleaned, nested JSON values included, and nothing stored reaches a
terminal as a control character — not even text stored before the cleaning.

NASTY carries what a hostile or careless paste could: an OSC sequence that retitles the
terminal, one that clears the screen, a C1 control, a right-to-left override (Trojan
Source) and zero-width characters. It goes into every free-text and JSON field through
the services and the CLI; the whole file is then searched. Older data is written behind
the application's back and shown by the CLI and, in a real terminal (tmux), by the TUI.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from failkit import invoke, orgnr

from samverkan.runtime.config import os_user
from samverkan.services import Services, add_months

NASTY = "\x1b]2;pwned\x07\x1b[2J\x9b31mOnd\u202etxet\u200b\u200c\u200d\u2060\ufeff\u2066x\u2069"
#: what may never be stored or reach a terminal: controls (bar newline and tab), bidi
#: controls, zero-width characters; and the OSC's text ("pwned") must go with it
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
ROOT = Path(__file__).resolve().parents[2]


def nasty(label: str) -> str:
    return f"{label} {NASTY}"


def texts(value: Any) -> list[str]:
    """Every text in a stored value, JSON decoded."""
    if isinstance(value, str):
        if value[:1] in "{[":
            try:
                return [value, *texts(json.loads(value))]
            except ValueError:
                pass
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*texts(k), *texts(v))]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


def unclean(db: Path) -> list[str]:
    """Every stored text (any table, any column, inside JSON too) that is not clean."""
    found = []
    conn = sqlite3.connect(db)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%fts%'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM [{table}]"):
                for value in row:
                    for text in texts(value):
                        if UNSAFE.search(text) or "pwned" in text:
                            found.append(f"{table}: {text[:80]!r}")
    finally:
        conn.close()
    return found


def walk_everything(s: Services) -> int:
    """One Stockholm IOP from initiative to ended with NASTY in every text it takes."""
    other = s.register_organisation(nasty("Förening B"), orgnr(41), contact=nasty("kontakt"))
    org = s.register_organisation(nasty("Förening A"), orgnr(40), legal_form="ideell förening",
                                  contact=nasty("Eva, 070-1234567"))
    [person] = s.contacts(org.id)
    s.update_contact(person.id, name=nasty("ny kontakt"), role=nasty("roll"))
    s.add_contact(org.id, nasty("Per"), role=nasty("kassör"), email="per@example.se")
    s.add_user(s.actor, "admin,officer,manager")
    s.add_user("eva", "officer", unit=nasty("Jobbtorg"))
    fields = {name: nasty(name) for name in ("unit", "manager", "target_group", "purpose", "challenge",
                                             "policy_link", "referral", "activity", "participants")}
    c = s.register_initiative(nasty("Läxhjälp"), "iop", [org.id], compensated=True,
                              case_number=nasty("KS"), **fields)
    c = s.update_collaboration(c.id, c.version, activity=nasty("ändrad verksamhet"))
    s.advance(c.id, "preparation")
    months = lambda n: add_months(s.today, -n).isoformat()  # noqa: E731
    s.add_record(c.id, "consultation", {"topic": nasty("ämne"), "advice": nasty("råd"),
                                        "by": nasty("gruppen"), "recommendation": "supports",
                                        "date": months(2)})
    s.add_record(c.id, "prestudy", {"need": nasty("behov"), "design": nasty("utformning"),
                                    "shared_goals": nasty("mål"), "date": months(3)})
    for item, _ in s.checklist(c.id):
        s.answer_check(c.id, item.id, "met", nasty("not"))
    s.declare_conflict(nasty("styrelseledamot"), organisation_id=other.id)
    s.decide(c.id, "start", nasty("motivering"), considerations=nasty("överväganden"),
             decided_on=add_months(s.today, -1))
    s.set_contributions(c.id, [
        {"party": nasty("AMF"), "category": "money", "amount": 500_000, "is_municipality": True},
        {"party": nasty("Föreningen"), "category": "staff", "amount": 300_000}])
    keys = {section.key for section in s.form_rules("iop").sections}
    s.record_agreement(c.id, signed_on=add_months(s.today, -1), start=add_months(s.today, -1),
                       end=add_months(s.today, 24), goals=nasty("mål"),
                       sections={k: nasty(k) for k in keys})
    s.attach_document(c.id, "minutes", nasty("Protokoll"), reference=nasty("KS 2026"))
    s.advance(c.id, "agreement")
    s.advance(c.id, "active")
    s.record_follow_up(c.id, nasty("sammanfattning"), goals_met=nasty("uppfyllt"),
                       evaluation={nasty("nyckel"): nasty("värde"),
                                   "lista": [nasty("ett"), {"djup": nasty("två")}], "antal": 3},
                       participants={"kommunen": nasty("handläggaren")})
    s.add_record(c.id, "ending_assessment", {"assessment": nasty("bedömning"), "dialogue": nasty("dialog"),
                                             "date": s.today.isoformat()})
    s.end(c.id, nasty("avslutad"), kind="terminated", procurement_unit_involved=True)
    return c.id


def test_every_text_stored_through_the_services_is_clean(make_services):
    s = make_services("stockholm", user=os_user())
    walk_everything(s)
    assert s.verify_audit().ok
    s.store.checkpoint()
    assert not unclean(s.store.path), "\n".join(unclean(s.store.path))


def test_every_text_stored_through_the_cli_is_clean(tmp_path, registry):
    db = tmp_path / "cli.db"
    steps = [
        ["init", "--municipality", "stockholm"],
        ["org", "add", nasty("Förening"), "--orgnr", orgnr(1), "--contact", nasty("kontakt")],
        ["org", "add", nasty("Förening B"), "--orgnr", orgnr(2)],
        ["org", "contact", "add", "1", "--name", nasty("Anna"), "--role", nasty("roll")],
        ["org", "contact", "edit", "1", "--name", nasty("Anna Svensson")],
        ["collab", "add", nasty("Läxhjälp"), "--form", "informal", "--org", "1",
         *[a for name in ("unit", "manager", "target-group", "purpose", "challenge", "policy-link",
                          "activity", "participants", "referral", "case-number")
           for a in (f"--{name}", nasty(name))]],
        ["collab", "edit", "1", "--participants", nasty("8 deltagare")],
        ["collab", "answer", "1", "national.competence", "met", "--note", nasty("not")],
        ["collab", "record", "1", "consultation", "--field", f"topic={nasty('ämne')}",
         "--field", f"advice={nasty('råd')}", "--field", f"by={nasty('gruppen')}",
         "--field", "date=2026-11-01"],
        ["collab", "conflict", "--org", "2", "--reason", nasty("jäv")],
        ["collab", "contribution", "add", "1", "--party", "1", "--category", "staff",
         "--amount", "1000"],
        ["collab", "attach", "1", "--kind", "minutes", "--title", nasty("Protokoll"),
         "--reference", nasty("KS 1")],
    ]
    for args in steps:
        r = invoke(db, args)
        assert "Traceback" not in r.output and not (r.exception and not isinstance(r.exception, SystemExit))
    # the follow-up: an informal collaboration, active, with a nested JSON evaluation
    s = Services.open(db, os_user(), "test", registry=registry)
    try:
        c = s.collaboration(1)
        s.advance(1, "preparation")
        for item, _ in s.checklist(1):
            s.answer_check(1, item.id, "met", "Prövat.")
        s.add_record(1, "follow_up_plan", {"how": nasty("kvartalsvis")})
        s.decide(1, "start", "Behov finns.")
        s.advance(1, "active")
        assert c.title.startswith("Läxhjälp")
    finally:
        s.store.close()
    evaluation = json.dumps({"ev": NASTY, "lista": [NASTY, {"djup": NASTY}], nasty("nyckel"): 2})
    r = invoke(db, ["collab", "follow-up", "1", "--summary", nasty("uppföljning"),
                    "--evaluation", evaluation])
    assert r.exit_code == 0, r.output
    r = invoke(db, ["collab", "end", "1", "--reason", nasty("klart")])
    stored = sqlite3.connect(db)
    try:
        counts = {t: stored.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0]
                  for t in ("organisations", "collaborations", "check_answers", "records", "conflicts",
                            "contributions", "documents", "follow_ups")}
    finally:
        stored.close()
    assert all(counts.values()), counts  # every step stored its row
    assert not unclean(db), "\n".join(unclean(db))


# -- text stored before the cleaning --------------------------------------------------------

def store_legacy(db: Path, cid: int) -> None:
    """Write NASTY behind the application's back, as older versions stored it."""
    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute("UPDATE collaborations SET title = ?, purpose = ? WHERE id = ?",
                         [f"ARV1 {NASTY}", f"ARV2 {NASTY}", cid])
            conn.execute("UPDATE organisations SET name = ? WHERE id = 1", [f"ARV3 {NASTY}"])
            conn.execute("UPDATE contacts SET name = ?, role = ? WHERE organisation_id = 1",
                         [f"ARV6 {NASTY}", f"ARV7 {NASTY}"])
            conn.execute("UPDATE follow_ups SET summary = ?, evaluation = ? WHERE collaboration_id = ?",
                         [f"ARV4 {NASTY}", json.dumps({"ev": f"ARV5 {NASTY}"}, ensure_ascii=False), cid])
            conn.execute("UPDATE meta SET value = value")  # untouched: the municipality
    finally:
        conn.close()


@pytest.fixture
def legacy(make_services) -> tuple[Path, int]:
    s = make_services("stockholm", user=os_user())
    cid = walk_everything(s)
    s.store.checkpoint()
    path = s.store.path
    store_legacy(path, cid)
    return path, cid


def test_the_cli_never_prints_a_stored_control_character(legacy):
    db, cid = legacy
    for args in (["collab", "show", str(cid)], ["collab", "list"], ["collab", "list", "--json"],
                 ["org", "list"], ["org", "show", "1"], ["collab", "export", "--format", "json"],
                 ["collab", "export", "--format", "csv"], ["audit", "log", "--json", "--limit", "200"]):
        r = invoke(db, args)
        assert r.exit_code == 0, (args, r.output)
        assert not UNSAFE.search(r.stdout + r.stderr), (args, [m.group() for m in UNSAFE.finditer(r.stdout)])
    shown = invoke(db, ["collab", "show", str(cid)]).stdout
    assert "ARV1" in shown and "\\u001b]2;pwned" in shown  # shown, visibly escaped
    exported = json.loads(invoke(db, ["collab", "export", "--format", "json"]).stdout)
    assert any(row.get("title") == f"ARV1 {NASTY}" for row in exported)  # the same data, as JSON


@pytest.mark.e2e
def test_the_tui_in_a_real_terminal_shows_no_stored_control_character(legacy, tmp_path):
    """One tmux session: the list, the collaboration and each of its tabs; the pane's
    title stays, the screen is never cleared, no control character is on it."""
    if not shutil.which("tmux"):
        pytest.skip("tmux is not installed")
    db, cid = legacy
    socket = tmp_path / "tmux.sock"

    def tmux(*args: str) -> str:
        return subprocess.run(["tmux", "-S", str(socket), *args], check=True, capture_output=True,
                              text=True).stdout

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", "t")

    def wait_for(text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while text not in (shown := screen()):
            assert time.monotonic() < deadline, f"{text!r} did not appear:\n{shown}"
            time.sleep(0.1)
        return shown

    command = (f"cd {shlex.quote(str(ROOT))} && uv run --no-sync samverkan --db {shlex.quote(str(db))}"
               " --lang sv; sleep 30")
    tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", f"sh -c {shlex.quote(command)}")
    try:
        title = tmux("display", "-p", "-t", "t", "#{pane_title}").strip()
        seen = [wait_for("ARV1")]  # the list
        tmux("send-keys", "-t", "t", "End")  # the walked collaboration is the last row
        time.sleep(0.3)
        tmux("send-keys", "-t", "t", "Enter")
        seen.append(wait_for(f"Samverkan {cid}:"))
        for _tab in range(8):  # every tab of the collaboration
            tmux("send-keys", "-t", "t", "]")
            time.sleep(0.4)
            seen.append(wait_for(f"Samverkan {cid}:"))  # the header: not cleared
        assert any("ARV4" in s or "ARV5" in s for s in seen), "\n\n".join(seen)  # the follow-up tab
        tmux("send-keys", "-t", "t", "C-p")  # the organisation and its contact persons
        time.sleep(0.3)
        tmux("send-keys", "-t", "t", "-l", "Organisationer")
        time.sleep(0.3)
        tmux("send-keys", "-t", "t", "Enter")
        seen.append(wait_for("ARV3"))
        tmux("send-keys", "-t", "t", "Home")
        time.sleep(0.3)
        tmux("send-keys", "-t", "t", "Enter")
        seen.append(wait_for("ARV6"))
        tmux("send-keys", "-t", "t", "q")
        after = tmux("display", "-p", "-t", "t", "#{pane_title}").strip()
    finally:
        subprocess.run(["tmux", "-S", str(socket), "kill-server"], capture_output=True)
    assert after == title and "pwned" not in after
    for shown in seen:
        assert not UNSAFE.search(shown), [m.group() for m in UNSAFE.finditer(shown)]
        assert "Traceback" not in shown
        assert "Stockholms stad" in shown.splitlines()[0]  # the header is there: not cleared
