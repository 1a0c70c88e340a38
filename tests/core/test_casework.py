"""Casework (issue 12, first part): contribution lines and their parties, refusals on a
closed collaboration, amounts, agreement and expiry dates, joint follow-ups, ``collab
edit`` / ``collab show``, and the legal-form advisory.

Service-level unless the command line is the point (parsing, exit status, what is printed).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict

import pytest
from corekit import TODAY, answer_all, decide_start, drive, orgnr
from stdnum import luhn

from samverkan.domain.errors import NotFound, ValidationError
from samverkan.domain.legal_forms import legal_form_advice

MUNI = "Testby kommun"


@pytest.fixture
def two(s):
    """An informal initiative with two organisations (numbers orgnr(11), orgnr(12))."""
    a = s.register_organisation("Läxhjälpen", orgnr(11))
    b = s.register_organisation("Idrottsföreningen", orgnr(12))
    c = s.register_initiative("Läxhjälp och idrott", "informal", [a.id, b.id])
    return c, a, b


@pytest.fixture
def run(cli, s, tmp_path):
    """The CLI on the same Testby database as ``s``; fails on a non-zero exit unless told."""
    def invoke(*args: object, code: int = 0):
        result = cli(*map(str, args), db_path=tmp_path / "testby.db")
        assert result.exit_code == code, result.output
        return result
    return invoke


def events(s, cid: int, prefix: str = "contribution") -> list:
    return s.store.events(entity="collaboration", entity_id=cid, action_prefix=prefix, newest_first=False)


def refusal_line(result) -> str:
    """The one line a refused command prints (no traceback)."""
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


# -- contribution lines ---------------------------------------------------------------


def test_lines_are_added_corrected_and_removed_with_before_and_after_in_the_audit_log(s, two):
    c, a, _b = two
    muni = s.add_contribution(c.id, "kommunen", "money", 100_000)
    org = s.add_contribution(c.id, a.id, "staff", "50000")
    assert (muni.party, muni.is_municipality, muni.organisation_id) == (MUNI, True, None)
    assert (org.party, org.is_municipality, org.organisation_id, org.amount) == ("Läxhjälpen", False, a.id, 50_000)

    edited = s.update_contribution(c.id, org.id, amount=60_000)
    assert (edited.id, edited.party, edited.category, edited.amount) == (org.id, "Läxhjälpen", "staff", 60_000)
    moved = s.update_contribution(c.id, org.id, party="kommunen")
    assert (moved.party, moved.is_municipality, moved.organisation_id, moved.amount) == (MUNI, True, None, 60_000)
    s.remove_contribution(c.id, muni.id)
    assert [(x.id, x.party, x.amount) for x in s.state(c.id).contributions] == [(org.id, MUNI, 60_000)]

    log = events(s, c.id)
    assert [e.action for e in log] == ["contribution.add", "contribution.add", "contribution.update",
                                       "contribution.update", "contribution.remove"]
    assert log[0].before is None and log[0].after["amount"] == 100_000
    assert (log[2].before["amount"], log[2].after["amount"]) == (50_000, 60_000)
    assert (log[3].before["party"], log[3].after["party"]) == ("Läxhjälpen", MUNI)
    assert log[3].after["is_municipality"] in (True, 1) and log[3].after["organisation_id"] is None
    assert log[4].before["id"] == muni.id and log[4].before["amount"] == 100_000 and log[4].after is None
    assert s.verify_audit().ok


@pytest.mark.parametrize("how", ["organisation renamed", "free-text party from a plugin"])
def test_correcting_only_the_amount_keeps_the_lines_party(s, two, how):
    c, a, _b = two
    if how == "organisation renamed":
        line = s.add_contribution(c.id, a.id, "staff", 100)
        s.update_organisation(a.id, a.version, name="Läxhjälpen i Testby")
    else:  # as the demo loaders write a jointly carried share
        [line] = s.set_contributions(c.id, [{"party": "Läxhjälpen och Idrottsföreningen", "category": "staff",
                                             "amount": 100}])
    edited = s.update_contribution(c.id, line.id, amount=200)
    assert (edited.amount, edited.organisation_id, edited.is_municipality) == (200, line.organisation_id, False)
    assert [x.amount for x in s.state(c.id).contributions] == [200]


def test_a_line_of_another_collaboration_is_not_found(s, two):
    c, a, _b = two
    other = s.register_initiative("Annan", "informal", [a.id])
    line = s.add_contribution(other.id, a.id, "staff", 1)
    for change in (lambda: s.update_contribution(c.id, line.id, amount=2), lambda: s.remove_contribution(c.id, line.id)):
        with pytest.raises(NotFound, match=f"no contribution {line.id} on collaboration {c.id}"):
            change()
    assert [x.amount for x in s.state(other.id).contributions] == [1]


@pytest.mark.parametrize("ref", ["kommunen", "Kommunen", "municipality", "kommun", "testby KOMMUN"])
def test_the_municipality_is_named_in_words_or_by_its_name(s, two, ref):
    line = s.add_contribution(two[0].id, ref, "premises", 1)
    assert (line.party, line.is_municipality, line.organisation_id) == (MUNI, True, None)


@pytest.mark.parametrize("ref", ["id", "orgnr", "digits", "name", "casefolded"])
def test_an_organisation_is_named_by_id_number_or_name(s, two, ref):
    c, _a, b = two
    given = {"id": b.id, "orgnr": b.orgnr, "digits": b.orgnr.replace("-", ""), "name": b.name,
             "casefolded": b.name.upper()}[ref]
    line = s.add_contribution(c.id, given, "material", 1)
    assert (line.party, line.is_municipality, line.organisation_id) == (b.name, False, b.id)


@pytest.mark.parametrize("ref", ["Okänd förening", "", "99", "Utomstående"])
def test_a_party_not_of_the_collaboration_is_refused_naming_the_parties(s, two, ref):
    c, _a, _b = two
    s.register_organisation("Utomstående", orgnr(13))  # registered, but not a party
    with pytest.raises(ValidationError) as exc:
        s.add_contribution(c.id, ref, "money", 1)
    assert exc.value.field == "party"
    assert str(exc.value).endswith(f"is not a party of collaboration {c.id}; its parties are: "
                                   f"{MUNI}, Läxhjälpen, Idrottsföreningen")
    assert s.state(c.id).contributions == [] and events(s, c.id) == []


def test_set_contributions_is_strict_for_the_cli_and_free_for_plugins(s, two):
    c, a, _b = two
    items = [{"party": "kommunen", "category": "money", "amount": 10},
             {"party": "Läxhjälpen och Idrottsföreningen", "category": "staff", "amount": 20}]
    with pytest.raises(ValidationError, match="is not a party of collaboration"):
        s.set_contributions(c.id, items, strict=True)
    assert s.state(c.id).contributions == []
    lines = s.set_contributions(c.id, items)
    assert [(x.party, x.is_municipality, x.organisation_id) for x in lines] == [
        (MUNI, True, None), ("Läxhjälpen och Idrottsföreningen", False, None)]
    assert [x.id for x in s.state(c.id).contributions] == [x.id for x in lines]


def test_cli_items_resolve_the_party_old_form_and_all(s, two, run):
    c, a, b = two
    assert a.id == 1
    run("collab", "contributions", c.id, "--item", "Kommunen:money:5:municipality",
        "--item", "municipality:money:900000", "--item", "1:staff:100",
        "--item", f"{b.orgnr}:premises:7")
    assert [(x.party, x.is_municipality, x.organisation_id, x.category, x.amount)
            for x in s.state(c.id).contributions] == [
        (MUNI, True, None, "money", 5), (MUNI, True, None, "money", 900_000),
        ("Läxhjälpen", False, 1, "staff", 100), ("Idrottsföreningen", False, b.id, "premises", 7)]
    listing = run("collab", "contributions", c.id).stdout.splitlines()[2:]
    assert [re.split(r"\s{2,}", row)[1:] for row in listing] == [
        [MUNI, "money", "5"], [MUNI, "money", "900 000"], ["Läxhjälpen", "staff", "100"],
        ["Idrottsföreningen", "premises", "7"]]


def test_cli_refuses_a_party_not_of_the_collaboration_and_keeps_the_lines(s, two, run):
    c, _a, _b = two
    run("collab", "contributions", c.id, "--item", "kommunen:money:5")
    refused = run("collab", "contributions", c.id, "--item", "kommunen:money:6",
                  "--item", "Föreningen X:staff:5", code=1)
    assert refusal_line(refused) == (f"Error: 'Föreningen X' is not a party of collaboration {c.id}; its parties "
                                     f"are: {MUNI}, Läxhjälpen, Idrottsföreningen")
    assert [x.amount for x in s.state(c.id).contributions] == [5]


def test_cli_contribution_add_edit_remove(s, two, run):
    c, a, _b = two
    line = int(run("collab", "contribution", "add", c.id, "--party", a.orgnr, "--category", "staff",
                   "--amount", "300").stdout)
    assert run("collab", "contribution", "edit", c.id, line, "--amount", "350").stdout == \
        f"line {line}: Läxhjälpen staff 350\n"
    assert run("collab", "contribution", "edit", c.id, line, code=2).exit_code == 2  # nothing to change
    run("collab", "contribution", "remove", c.id, line)
    assert s.state(c.id).contributions == []
    assert [e.action for e in events(s, c.id)] == ["contribution.add", "contribution.update", "contribution.remove"]
    verified = run("audit", "verify").stdout
    assert "audit chain ok\n" in verified and verified.endswith(
        "records ok: every covered record is what the audit log says\ndocuments ok\n")


# -- amounts ------------------------------------------------------------------------


@pytest.mark.parametrize("amount, message", [
    ("-5", "amount: amount must not be negative"),
    ("12.5", "amount: not an amount in whole kronor: '12.5'"),
    (10**12 + 1, "amount: 1000000000001 kronor is more than the largest amount accepted (1 000 000 000 000 kr)"),
])
def test_negative_fractional_and_huge_amounts_are_refused(s, two, amount, message):
    c, a, _b = two
    line = s.add_contribution(c.id, a.id, "staff", 10**12)  # the largest accepted
    for change in (lambda: s.add_contribution(c.id, "kommunen", "money", amount),
                   lambda: s.update_contribution(c.id, line.id, amount=amount),
                   lambda: s.set_contributions(c.id, [{"party": "kommunen", "category": "money",
                                                       "amount": amount}], strict=True)):
        with pytest.raises(ValidationError, match=re.escape(message)):
            change()
    assert [x.amount for x in s.state(c.id).contributions] == [10**12]


@pytest.mark.parametrize("amount", ["-5", "12.5", "1000000000001", "12,5"])
@pytest.mark.parametrize("command", ["add", "edit", "items"])
def test_cli_refuses_bad_amounts_with_one_line(s, two, run, amount, command):
    c, a, _b = two
    line = s.add_contribution(c.id, a.id, "staff", 1)
    argv = {"add": ("contribution", "add", c.id, "--party", "kommunen", "--category", "money", "--amount", amount),
            "edit": ("contribution", "edit", c.id, line.id, "--amount", amount),
            "items": ("contributions", c.id, "--item", f"kommunen:money:{amount}")}[command]
    line_printed = refusal_line(run("collab", *argv, code=1))
    assert line_printed.startswith("Error: amount: ")
    assert [x.amount for x in s.state(c.id).contributions] == [1]


# -- a closed collaboration ----------------------------------------------------------


@pytest.fixture(params=["ended", "declined"])
def closed(request, s):
    """A collaboration that was ended or declined, with a line, an answer and a record on file."""
    a = s.register_organisation("Läxhjälpen", orgnr(21))
    c = s.register_initiative("Läxhjälp", "informal", [a.id])
    line = s.add_contribution(c.id, "kommunen", "money", 1000)
    s.add_record(c.id, "consultation", {"topic": "Läxhjälp", "held_on": "2026-11-01"})
    if request.param == "ended":
        drive(s, c.id, "ended")
    else:
        s.advance(c.id, "preparation")
        answer_all(s, c.id)
        s.decide(c.id, "decline", "Ryms inte i budgeten.", "Prövat.")
    assert s.collaboration(c.id).stage == request.param
    return c.id, line.id, request.param


CHANGES = {
    "add_contribution": lambda s, cid, line: s.add_contribution(cid, "kommunen", "staff", 5),
    "update_contribution": lambda s, cid, line: s.update_contribution(cid, line, amount=5),
    "remove_contribution": lambda s, cid, line: s.remove_contribution(cid, line),
    "set_contributions": lambda s, cid, line: s.set_contributions(cid, []),
    "answer_check": lambda s, cid, line: s.answer_check(cid, s.checklist(cid)[0][0].id, "not_met", "Ändrat."),
    "add_record": lambda s, cid, line: s.add_record(cid, "consultation", {"topic": "Efteråt", "held_on": "2026-11-20"}),
    "update_collaboration": lambda s, cid, line: s.update_collaboration(cid, s.collaboration(cid).version,
                                                                        activity="Ändrad"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_closed_collaboration_refuses_every_change_and_nothing_is_written(s, closed, change):
    cid, line, stage = closed
    before = s.state(cid)
    n = s.store.count_events()
    with pytest.raises(ValidationError, match=f"collaboration {cid} is {stage}"):
        CHANGES[change](s, cid, line)
    after = s.state(cid)
    assert s.store.count_events() == n
    assert (after.contributions, after.answers, after.records, after.collaboration) == (
        before.contributions, before.answers, before.records, before.collaboration)


def test_cli_refuses_a_contribution_on_a_closed_collaboration(s, closed, run):
    cid, line, stage = closed
    n = s.store.count_events()
    for argv in (("contribution", "add", cid, "--party", "kommunen", "--category", "money", "--amount", "1"),
                 ("contribution", "edit", cid, line, "--amount", "1"), ("contribution", "remove", cid, line),
                 ("contributions", cid, "--item", "kommunen:money:1"), ("edit", cid, "--activity", "Ny")):
        assert f"collaboration {cid} is {stage}" in refusal_line(run("collab", *argv, code=1))
    assert s.store.count_events() == n


# -- agreement and expiry dates -------------------------------------------------------


@pytest.fixture
def decided(s):
    """A procurement (written agreement, decided by the manager) at the decided stage."""
    a = s.register_organisation("Städbolaget", orgnr(31))
    c = s.register_initiative("Städning", "procurement", [a.id])
    drive(s, c.id, "decided")
    return c.id


def test_an_agreement_signed_after_its_period_is_refused(s, decided, run):
    message = "the agreement cannot be signed (2027-11-01) after its period ends (2027-10-31)"
    with pytest.raises(ValidationError, match=re.escape(message)):
        s.record_agreement(decided, signed_on="2027-11-01", start="2026-11-01", end="2027-10-31")
    assert s.state(decided).agreement is None
    refused = run("collab", "agree", decided, "--signed", "2027-11-01", "--start", "2026-11-01",
                  "--end", "2027-10-31", code=1)
    assert refusal_line(refused) == f"Error: {message}"
    assert s.state(decided).agreement is None
    # signed on the last day of the period is still in time
    run("collab", "agree", decided, "--signed", "2027-10-31", "--start", "2026-11-01", "--end", "2027-10-31")
    assert s.state(decided).agreement.signed_on.isoformat() == "2027-10-31"


@pytest.mark.parametrize("ended_on, allowed", [("2026-10-30", False), ("2026-10-31", True), (None, True)])
def test_an_expiry_is_refused_before_the_agreement_ends(s, decided, ended_on, allowed):
    s.record_agreement(decided, signed_on="2025-10-20", start="2025-11-01", end="2026-10-31")
    s.advance(decided, "agreement")
    s.advance(decided, "active")
    if allowed:
        c, _ = s.end(decided, "Avtalet har löpt ut.", kind="expired", ended_on=ended_on)
        t = s.state(decided).termination
        assert (c.stage, t.kind, t.ended_on) == ("ended", "expired", TODAY if ended_on is None else t.ended_on)
        return
    n = s.store.count_events()
    with pytest.raises(ValidationError, match="the agreement runs until 2026-10-31; ending it on 2026-10-30 "
                                              "is a termination, not an expiry"):
        s.end(decided, "Avtalet har löpt ut.", kind="expired", ended_on=ended_on)
    assert (s.collaboration(decided).stage, s.store.count_events()) == ("active", n)
    c, _ = s.end(decided, "Uppsagt i förtid.", kind="terminated", ended_on=ended_on)
    assert c.stage == "ended"


# -- follow-ups: who took part -------------------------------------------------------


@pytest.fixture
def active(s, two):
    c, a, b = two
    s.advance(c.id, "preparation")
    answer_all(s, c.id)
    decide_start(s, c.id)
    s.advance(c.id, "active")
    return c, a, b


@pytest.mark.parametrize("took_part, joint", [
    ({"kommunen": "Anna", "Läxhjälpen": "Ordföranden"}, False),
    ({"Läxhjälpen": "Ordföranden", "Idrottsföreningen": "Kassören"}, False),  # the municipality missing
    ({"kommunen": "Anna", "Läxhjälpen": "Ordföranden", "Idrottsföreningen": "   "}, False),  # blank is absent
    ({"municipality": "Anna", "1": "Ordföranden", "Idrottsföreningen": "Kassören"}, True),
])
def test_a_follow_up_is_joint_only_when_every_party_took_part(s, active, took_part, joint):
    c, _a, _b = active
    f = s.record_follow_up(c.id, "Avstämning", participants=took_part)
    stored = s.state(c.id).follow_ups[-1]
    assert (f.joint, stored.joint) == (joint, joint)
    assert stored.participants == f.participants
    assert set(stored.participants) <= {MUNI, "Läxhjälpen", "Idrottsföreningen"}


def test_a_follow_up_participant_must_be_a_party(s, active):
    c, _a, _b = active
    with pytest.raises(ValidationError, match="'Grannföreningen' is not a party of collaboration"):
        s.record_follow_up(c.id, "Avstämning", participants={"Grannföreningen": "Någon"})
    assert s.state(c.id).follow_ups == []


def test_cli_follow_up_participants_shown_in_show_and_json(s, active, run):
    c, a, b = active
    out = run("collab", "follow-up", c.id, "--summary", "Gemensam avstämning", "--date", TODAY,
              "--participant", "kommunen=Anna Handläggare", "--participant", f"{a.id}=Ordföranden",
              "--participant", f"{b.orgnr}=Kassören").stdout
    assert "(joint: every party took part)" in out
    out = run("collab", "follow-up", c.id, "--summary", "Bara kommunen", "--date", TODAY,
              "--participant", "kommunen=Anna").stdout
    assert "joint" not in out
    shown = run("collab", "show", c.id).stdout
    assert f"follow-up {TODAY} (joint): Gemensam avstämning" in shown
    assert f"follow-up {TODAY}: Bara kommunen" in shown
    for line in (f"took part for {MUNI}: Anna Handläggare", "took part for Läxhjälpen: Ordföranden",
                 "took part for Idrottsföreningen: Kassören"):
        assert line in shown
    data = json.loads(run("collab", "show", c.id, "--json").stdout)
    assert [(f["summary"], f["joint"], f["participants"]) for f in data["follow_ups"]] == [
        ("Gemensam avstämning", True, {MUNI: "Anna Handläggare", "Läxhjälpen": "Ordföranden",
                                       "Idrottsföreningen": "Kassören"}),
        ("Bara kommunen", False, {MUNI: "Anna"})]
    refused = run("collab", "follow-up", c.id, "--summary", "X", "--participant", "kommunen", code=1)
    assert refusal_line(refused) == "Error: --participant expects PARTY=WHO, got 'kommunen'"


# -- collab edit and collab show -------------------------------------------------------


FACTS = {"unit": "Fritid", "manager": "Maria", "target-group": "Unga 13–18", "purpose": "Läxhjälp",
         "challenge": "Skolresultat", "policy-link": "Budget 2026, uppdrag 4", "activity": "Läxcafé",
         "participants": "30 elever per termin", "referral": "Skolkurator", "case-number": "KFN 2026/118",
         "start": "2026-11-01", "end": "2027-10-31"}


def fact_args() -> list[str]:
    return [a for k, v in FACTS.items() for a in (f"--{k}", v)]


def test_collab_edit_changes_only_the_given_facts_and_bumps_the_version(s, two, run):
    c, _a, _b = two
    before = asdict(s.collaboration(c.id))
    out = run("collab", "edit", c.id, "--activity", "Läxcafé", "--case-number", "KFN 2026/118",
              "--compensated").stdout
    after = asdict(s.collaboration(c.id))
    assert out == (f"collaboration {c.id} changed (activity, case_number, compensated); "
                   f"now version {before['version'] + 1}\n")
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= {"activity", "case_number", "compensated", "version", "updated_at"}
    assert (after["activity"], after["case_number"], after["compensated"], after["version"]) == (
        "Läxcafé", "KFN 2026/118", True, before["version"] + 1)
    assert [e.action for e in events(s, c.id, "collaboration.update")] == ["collaboration.update"]

    stale = run("collab", "edit", c.id, "--manager", "Olle", "--version", before["version"], code=1)
    assert "Traceback" not in stale.output and stale.stderr.startswith("Error: ")
    assert s.collaboration(c.id).manager == "" and s.collaboration(c.id).version == before["version"] + 1
    run("collab", "edit", c.id, "--manager", "Olle", "--version", before["version"] + 1)
    assert s.collaboration(c.id).manager == "Olle"
    assert run("collab", "edit", c.id, code=2).exit_code == 2  # nothing given


def test_collab_show_prints_every_fact_line_record_follow_up_and_the_ending(s, run, tmp_path):
    org = s.register_organisation("Läxhjälpen", orgnr(41))
    cid = int(run("collab", "add", "Läxcafé", "--form", "informal", "--org", org.orgnr, *fact_args()).stdout)
    run("collab", "contribution", "add", cid, "--party", "kommunen", "--category", "premises", "--amount", "40000")
    run("collab", "record", cid, "consultation", "--field", "topic=Läxcafé", "--field", "held_on=2026-11-02")
    c = s.collaboration(cid)
    assert {k: getattr(c, f) for k, f in (("target-group", "target_group"), ("policy-link", "policy_link"),
                                           ("case-number", "case_number"))} == {
        k: FACTS[k] for k in ("target-group", "policy-link", "case-number")}
    drive(s, cid, "active")
    run("collab", "follow-up", cid, "--summary", "Halvtid", "--participant", "kommunen=Anna",
        "--participant", "Läxhjälpen=Eva")
    run("collab", "end", cid, "--reason", "Perioden är slut.", "--kind", "terminated", "--date", TODAY)

    data = json.loads(run("collab", "show", cid, "--json").stdout)
    collab = data["collaboration"]
    for option, value in FACTS.items():
        assert collab[option.replace("-", "_")] == value, option
    assert [(x["party"], x["is_municipality"], x["category"], x["amount"]) for x in data["contributions"]] == [
        (MUNI, True, "premises", 40_000)]
    assert [(r["kind"], r["data"]["topic"]) for r in data["records"]] == [("consultation", "Läxcafé")]
    assert [(f["summary"], f["joint"]) for f in data["follow_ups"]] == [("Halvtid", True)]
    assert (data["termination"]["kind"], data["termination"]["reason"]) == ("terminated", "Perioden är slut.")
    assert data["decision"]["outcome"] == "start" and data["organisations"][0]["name"] == "Läxhjälpen"
    assert data["answers"] and data["next_stages"] == [] and "allowed" in data

    text = run("collab", "show", cid).stdout
    for option, value in FACTS.items():
        assert f"{option}: {value}" in text, option
    for line in (f"{MUNI} (municipality): premises 40000", "record consultation", "  topic: Läxcafé",
                 "follow-up", "(joint): Halvtid", f"ended {TODAY} (terminated): Perioden är slut."):
        assert line in text, line


# -- the legal-form advisory -------------------------------------------------------------


def number(prefix: str) -> str:
    base = f"{prefix}{123456:0{9 - len(prefix)}d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


@pytest.mark.parametrize("prefix, legal_form, advised", [
    ("556", "ideell förening", True),
    ("5", "stiftelse", True),
    ("802", "ideell förening", False),
    ("802", "stiftelse", False),
    ("802", "aktiebolag", True),
    ("556", "annan", False),
    ("802", "annan", False),
    ("222", "annan", False),
    ("556", "aktiebolag", False),
    ("556", "aktiebolag med särskild vinstutdelningsbegränsning", False),
    ("769", "ekonomisk förening", False),
    ("222", "kommunalförbund", False),
])
def test_the_group_digit_advises_only_when_it_contradicts_the_legal_form(prefix, legal_form, advised):
    nr = number(prefix)
    advice = legal_form_advice(nr, legal_form)
    assert (advice is not None) == advised
    if advised:
        assert advice.startswith(f"organisation number {nr} has group digit {prefix[0]}, given to ")
        assert advice.endswith(f"check the legal form {legal_form!r}")


def test_org_add_prints_the_advisory_on_stderr_and_registers(s, run):
    nr = number("556")
    result = run("org", "add", "Föreningen AB-nummer", "--orgnr", nr, "--legal-form", "ideell förening")
    assert result.stdout.strip().isdigit()
    assert result.stderr == (f"advisory: organisation number {nr} has group digit 5, given to aktiebolag, "
                             "including those with special profit-distribution limits; "
                             "check the legal form 'ideell förening'\n")
    assert s.organisation(nr).legal_form == "ideell förening"
    quiet = run("org", "add", "Föreningen", "--orgnr", number("802"), "--legal-form", "ideell förening")
    assert quiet.stderr == ""
