"""Dated rule versions (issue 11, point 4): a collaboration is judged under the rules in
force on its decision date, also after a newer version of its plugin is installed; its
detail names the document versions that applied; ``rules compare KEY@DATE KEY@DATE``
lists what a revision changed; the data's dates are validated (file, line, key).

Everything runs on real SQLite files and real plugins installed through the entry-point
group, the way pip leaves them: Versionby (below) is installed as version 0.1.0 and then
upgraded in place to 0.2.0, whose guidelines of November 2024 replace those of 2020.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import shutil
import sys
import textwrap
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from corekit import install_distribution

from samverkan.domain.errors import TransitionRefused
from samverkan.domain.rules import Validity
from samverkan.plugin.compare import compare, parse_side
from samverkan.plugin.datapack import load_pack
from samverkan.plugin.manager import get_plugin_manager, reset_plugin_manager
from samverkan.services import ConfirmationNeeded, Services

PACKAGE = "sv_versionby"
DECIDED_2023 = dt.date(2023, 5, 10)
LATER_2025 = dt.date(2025, 3, 3)

COMMON = """\
[municipality]
key = "versionby"
name = "Versionby kommun"
organisation = "Kultur- och fritidsnämnden"

[[record_kinds]]
key = "consultation"
label = "Samråd med föreningsrådet"
document = "riktlinjer_2020"

[[record_kinds.fields]]
key = "date"
label = "Datum"
kind = "date"
"""

# version 0.1.0: the guidelines of March 2020 (day assumed); both parties must contribute
V1 = COMMON + """
[[documents]]
key = "riktlinjer_2020"
title = "Riktlinjer för IOP i Versionby"
number = "VB 2020/4"
date = "mars 2020"
valid_from = 2020-03-01
date_assumed = true
date_note = "Bara månaden står i riktlinjerna."

[[forms]]
form = "iop"
name = "Idéburet offentligt partnerskap"
description = "Partnerskap."
document = "riktlinjer_2020"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."

[[gates]]
id = "versionby.iop.both_contribute"
kind = "contributions"
description = "Båda parter bidrar"
stages = ["agreement"]
forms = ["iop"]
severity = "blocking"
message = "Båda parter ska bidra till ett IOP."
document = "riktlinjer_2020"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."
section = "2.4"

[[rules]]
id = "versionby.preparatory_body"
topic = "preparatory_body"
text = "Inget beredande organ."
value = false
document = "riktlinjer_2020"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."
"""

# version 0.2.0: the 2020 guidelines end on 31 October 2024; those of November 2024 make
# the contribution advisory, add a consultation before the agreement, and a council
V2 = COMMON + """
[[documents]]
key = "riktlinjer_2020"
title = "Riktlinjer för IOP i Versionby"
number = "VB 2020/4"
date = "mars 2020"
valid_from = 2020-03-01
valid_until = 2024-10-31
date_assumed = true
date_note = "Bara månaden står i riktlinjerna."

[[documents]]
key = "riktlinjer_2024"
title = "Reviderade riktlinjer för IOP i Versionby"
number = "VB 2024/9"
date = "2024-11-01"
valid_from = 2024-11-01

[[forms]]
form = "iop"
name = "Idéburet offentligt partnerskap"
description = "Partnerskap."
document = "riktlinjer_2020"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."

[[forms]]
form = "iop"
name = "Idéburet offentligt partnerskap (IOP)"
description = "Partnerskap där föreningsrådet rådfrågas."
document = "riktlinjer_2024"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."

[[gates]]
id = "versionby.iop.both_contribute"
kind = "contributions"
description = "Båda parter bidrar"
stages = ["agreement"]
forms = ["iop"]
severity = "blocking"
message = "Båda parter ska bidra till ett IOP."
document = "riktlinjer_2020"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."
section = "2.4"

[[gates]]
id = "versionby.iop.both_contribute"
kind = "contributions"
description = "Båda parter bör bidra"
stages = ["agreement"]
forms = ["iop"]
severity = "advisory"
message = "Båda parter bör bidra till ett IOP."
document = "riktlinjer_2024"
level = "recommendation"
quote = "Citerad mening ur riktlinjerna."
section = "3.1"

[[gates]]
id = "versionby.iop.consultation"
kind = "record"
description = "Föreningsrådet har rådfrågats före avtalet"
stages = ["agreement"]
forms = ["iop"]
severity = "blocking"
record = "consultation"
date_field = "date"
not_after = ["today", "agreement.signed_on"]
message = "Föreningsrådet ska rådfrågas innan avtalet undertecknas."
document = "riktlinjer_2024"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."
section = "4"

[[rules]]
id = "versionby.preparatory_body"
topic = "preparatory_body"
text = "Inget beredande organ."
value = false
document = "riktlinjer_2020"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."

[[rules]]
id = "versionby.preparatory_body"
topic = "preparatory_body"
text = "Föreningsrådet ska rådfrågas före varje IOP-avtal."
value = true
document = "riktlinjer_2024"
level = "requirement"
quote = "Citerad mening ur riktlinjerna."
"""


def _forget_loaded() -> None:
    load_pack.cache_clear()
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()
    reset_plugin_manager()


@pytest.fixture
def install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, str], None]:
    """Install (or upgrade in place) Versionby with the data ``toml`` as ``version``."""
    site = tmp_path / "site"
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("SAMVERKAN_LOAD_PLUGINS", "versionby,stockholm")

    def install_version(toml: str, version: str) -> None:
        src = tmp_path / f"src-{version}" / PACKAGE
        (src / "data").mkdir(parents=True)
        (src / "__init__.py").write_text(
            f"from samverkan.plugin.dataplugin import DataPlugin\n\nplugin = DataPlugin({PACKAGE!r})\n")
        (src / "data" / "versionby.toml").write_text(toml, encoding="utf-8")
        # an upgrade replaces the package and its dist-info, as pip does
        shutil.rmtree(site / PACKAGE, ignore_errors=True)
        for old in site.glob("samverkan_versionby-*.dist-info") if site.exists() else ():
            shutil.rmtree(old)
        install_distribution(site, "samverkan-versionby", version, {"versionby": f"{PACKAGE}:plugin"},
                             packages={PACKAGE: src})
        _forget_loaded()
        status = get_plugin_manager().statuses["versionby"]
        assert status.ok, status.error
        assert status.version == version

    yield install_version
    _forget_loaded()


def session(db: Path, today: dt.date, municipality: str = "versionby") -> Services:
    s = Services.open(db, "anna", "test", registry=get_plugin_manager(), today=today)
    if s.municipality_key != municipality:
        s.set_municipality(municipality)
    return s


def decided_iop(s: Services, n: int, title: str) -> int:
    """An IOP decided on ``s.today``, its checklist answered."""
    org = s.register_organisation(f"Förening {n}", _orgnr(n))
    c = s.register_initiative(title, "iop", [org.id])
    s.advance(c.id, "preparation")
    for item, _ in s.checklist(c.id):
        s.answer_check(c.id, item.id, "met", note="Prövat.")
    s.decide(c.id, "start", "Behovet finns.", "Alternativen prövade.", confirm=True)
    return c.id


def _orgnr(n: int) -> str:
    from stdnum import luhn

    base = f"802{n:06d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


def agree(s: Services, cid: int) -> None:
    s.record_agreement(cid, signed_on=LATER_2025 - dt.timedelta(days=2), start=LATER_2025,
                       end=LATER_2025 + dt.timedelta(days=365), goals="Mätbara mål")


def rule_ids(refused: pytest.ExceptionInfo) -> dict[str, bool]:
    return {f.rule_id: f.blocking for f in refused.value.findings}


# -- a decision stays judged by its version ------------------------------------------------


def test_a_collaboration_decided_under_a_version_is_judged_by_it_after_a_newer_one_is_installed(
        install, tmp_path):
    db = tmp_path / "versionby.db"
    install(V1, "0.1.0")
    s = session(db, DECIDED_2023)
    old = decided_iop(s, 1, "Läxhjälp, beslutad 2023")
    assert s.state(old).decision.decided_on == DECIDED_2023
    s.store.close()

    install(V2, "0.2.0")  # the guidelines of November 2024 arrive
    s = session(db, LATER_2025)
    new = decided_iop(s, 2, "Språkcafé, beslutat 2025")
    for cid in (old, new):
        agree(s, cid)

    # decided in 2023: the 2020 version, whose contribution rule blocks; no consultation rule
    with pytest.raises(TransitionRefused) as refused:
        s.advance(old, "agreement")
    assert rule_ids(refused) == {"versionby.iop.both_contribute": True}
    assert "Båda parter ska bidra" in refused.value.findings[0].message
    assert "VB 2020/4" in str(refused.value.findings[0].source)

    # decided in 2025: the 2024 version, consultation required, the contribution only advised
    with pytest.raises(TransitionRefused) as refused:
        s.advance(new, "agreement")
    assert rule_ids(refused) == {"versionby.iop.consultation": True, "versionby.iop.both_contribute": False}

    # the old one passes once both contribute, without the consultation it was never asked for
    s.set_contributions(old, [{"party": "kommunen", "category": "money", "amount": 100_000},
                              {"party": "Förening 1", "category": "staff", "amount": 90_000}])
    moved, findings = s.advance(old, "agreement")
    assert moved.stage == "agreement" and findings == []

    # what `collab check` shows follows the same dates
    [(_, _, shown)] = s.check(new, "agreement")
    assert {f.rule_id for f in shown} == {"versionby.iop.consultation", "versionby.iop.both_contribute"}
    s.add_record(new, "consultation", {"date": (LATER_2025 - dt.timedelta(days=5)).isoformat()})
    with pytest.raises(ConfirmationNeeded):
        s.advance(new, "agreement")
    assert s.advance(new, "agreement", confirm=True)[0].stage == "agreement"


def test_the_detail_names_the_document_versions_that_applied(install, tmp_path):
    db = tmp_path / "versionby.db"
    install(V1, "0.1.0")
    s = session(db, DECIDED_2023)
    old = decided_iop(s, 1, "Beslutad 2023")
    org = s.register_organisation("Förening 3", _orgnr(3))
    undecided = s.register_initiative("Ännu inte beslutad", "iop", [org.id]).id
    s.store.close()
    install(V2, "0.2.0")
    s = session(db, LATER_2025)
    new = decided_iop(s, 2, "Beslutad 2025")

    detail = s.detail(old)
    assert detail["rules_on"] == DECIDED_2023
    assert [d.key for d in detail["rule_documents"]] == ["riktlinjer_2020"]
    version = detail["rule_documents"][0].as_dict()
    assert version | {"date_note": ""} == {
        "key": "riktlinjer_2020", "title": "Riktlinjer för IOP i Versionby", "number": "VB 2020/4",
        "date": "mars 2020", "valid_from": "2020-03-01", "valid_until": "2024-10-31",
        "date_assumed": True, "date_note": ""}
    assert detail["rules"].offer.name == "Idéburet offentligt partnerskap"
    assert detail["form_name"] == "Idéburet offentligt partnerskap"

    for cid in (new, undecided):  # after the revision, and before a decision: today's
        detail = s.detail(cid)
        assert detail["rules_on"] == LATER_2025
        assert [d.key for d in detail["rule_documents"]] == ["riktlinjer_2024"]
        assert detail["form_name"] == "Idéburet offentligt partnerskap (IOP)"


def test_stockholms_iop_consultation_binds_from_the_november_2024_guidelines(make_services, tmp_path):
    """The real Stockholm data: the preparatory group's consultation before an IOP agreement
    (seed 001, November 2024) does not judge an IOP decided in 2023."""
    db = tmp_path / "stockholm.db"
    s = make_services("stockholm", db=db, today=dt.date(2023, 6, 1))
    ids = {}
    for n, title in ((1, "Beslutad 2023"),):
        org = s.register_organisation(f"Förening {n}", _orgnr(n))
        c = s.register_initiative(title, "iop", [org.id])
        s.advance(c.id, "preparation")
        s.add_record(c.id, "prestudy", {"need": "Behov", "design": "Utformning", "shared_goals": "Mål",
                                        "date": "2023-05-01"})
        for item, _ in s.checklist(c.id):
            s.answer_check(c.id, item.id, "met", note="Prövat.")
        s.decide(c.id, "start", "Behovet finns.", "Övervägandena dokumenterade.", confirm=True)
        ids[title] = c.id
    assert "stockholm.iop.consultation" not in {
        g.id for g in s.view.at(dt.date(2023, 6, 1)).gates()}
    # no delegation rule then: the delegation order decides (the core's default)
    assert s.detail(ids["Beslutad 2023"])["decision"].body == "enligt kommunens delegationsordning"
    s.store.close()

    s = make_services("stockholm", db=db, today=LATER_2025)
    org = s.register_organisation("Förening 2", _orgnr(2))
    c = s.register_initiative("Beslutad 2025", "iop", [org.id])
    s.advance(c.id, "preparation")
    s.add_record(c.id, "prestudy", {"need": "Behov", "design": "Utformning", "shared_goals": "Mål",
                                    "date": "2025-01-10"})
    for item, _ in s.checklist(c.id):
        s.answer_check(c.id, item.id, "met", note="Prövat.")
    s.decide(c.id, "start", "Behovet finns.", "Övervägandena dokumenterade.", confirm=True)
    ids["Beslutad 2025"] = c.id
    sections = {sec.key: f"Avsnittet {sec.title}" for sec in s.form_rules("iop").sections}
    for cid in ids.values():
        s.record_agreement(cid, signed_on="2025-03-01", start="2025-03-01", end="2026-02-28",
                           goals="Mätbara mål", sections=sections)

    old = {f.rule_id for _f, _t, found in s.check(ids["Beslutad 2023"], "agreement") for f in found}
    assert "stockholm.iop.consultation" not in old
    with pytest.raises(TransitionRefused) as refused:
        s.advance(ids["Beslutad 2025"], "agreement", confirm=True)
    assert rule_ids(refused).get("stockholm.iop.consultation") is True
    assert s.advance(ids["Beslutad 2023"], "agreement", confirm=True)[0].stage == "agreement"

    applied = {d.key for d in s.detail(ids["Beslutad 2023"])["rule_documents"]}
    assert "amf_2024" not in applied and {"amn_2019", "ks_2021"} <= applied
    assert "amf_2024" in {d.key for d in s.detail(ids["Beslutad 2025"])["rule_documents"]}
    assert s.state(ids["Beslutad 2025"]).decision.body == "ansvarig chef eller nämnden, enligt delegationsordningen"


# -- rules compare KEY@DATE KEY@DATE ---------------------------------------------------------


def test_rules_compare_lists_what_stockholms_2024_revision_changed(cli):
    result = cli("rules", "compare", "stockholm@2023-01-01", "stockholm@2025-01-01", db_path=None)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Ändringar från stockholm@2023-01-01 till stockholm@2025-01-01" in out
    assert "ny gate stockholm.iop.consultation" in out
    assert "ny document amf_2024" in out
    assert "ändrad rule stockholm.preparatory_body" in out
    assert "Rapporten föreslår att arbetsmarknadsförvaltningen" in out  # the 2019 version, before

    data = json.loads(cli("rules", "compare", "stockholm@2023-01-01", "stockholm@2025-01-01",
                          "--format", "json", db_path=None).output)
    assert data["comparison"] == {"a": "stockholm", "b": "stockholm", "a_on": "2023-01-01", "b_on": "2025-01-01"}
    changes = {(c["kind"], c["id"]): c for c in data["changes"]}
    consultation = changes["gate", "stockholm.iop.consultation"]
    assert consultation["status"] == "added" and consultation["before"] is None
    assert consultation["after"]["severity"] == {"decided": "advisory", "agreement": "blocking"}
    assert changes["rule", "stockholm.preparatory_body"]["status"] == "changed"
    assert ("gate", "stockholm.iop.prestudy") not in changes  # the 2019 rule, unchanged
    row = next(r for r in data["rows"] if r["topic"] == "preparatory_body")
    assert row["status"] == "different" and row["b"]["value"] is True and row["a"]["value"] is None

    toml = cli("rules", "compare", "stockholm@2023-01-01", "stockholm@2025-01-01", "--format", "toml",
               db_path=None).output
    assert any(c["id"] == "stockholm.iop.consultation" for c in tomllib.loads(toml)["changes"])
    markdown = cli("rules", "compare", "stockholm@2023-01-01", "stockholm@2025-01-01", "--format",
                   "markdown", db_path=None).output
    assert "## Ändringar" in markdown and "| ny | gate | stockholm.iop.consultation |" in markdown


def test_rules_compare_lists_what_a_newly_installed_version_changed(install, cli):
    install(V2, "0.2.0")
    result = cli("rules", "compare", "versionby@2023-05-10", "versionby@2025-03-03", db_path=None)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Ändringar från versionby@2023-05-10"))
    assert lines[start] == "Ändringar från versionby@2023-05-10 till versionby@2025-03-03: 6"
    assert [line for line in lines[start + 1:] if not line.startswith(" ")] == [
        "borttagen document riktlinjer_2020",
        "ny document riktlinjer_2024",
        "ändrad form iop",
        "ändrad rule versionby.preparatory_body",
        "ändrad gate versionby.iop.both_contribute",
        "ny gate versionby.iop.consultation",
    ]
    assert "  före: Båda parter bidrar" in result.output and "  efter: Båda parter bör bidra" in result.output

    comparison = compare(get_plugin_manager(), "versionby", "versionby", on_a=DECIDED_2023, on_b=LATER_2025)
    gate = next(c for c in comparison.changes if c.id == "versionby.iop.both_contribute")
    assert (gate.before["severity"], gate.after["severity"]) == ("blocking", "advisory")


def test_two_municipalities_and_one_at_one_date_compare_as_before(cli, registry):
    plain = compare(registry, "stockholm", "linkoping")
    assert plain.changes == [] and not plain.is_revision
    same = compare(registry, "stockholm", "stockholm", on_a=dt.date(2025, 1, 1), on_b=dt.date(2025, 6, 1))
    assert same.is_revision and same.changes == [] and same.differences() == []
    dated = cli("rules", "compare", "stockholm@2023-01-01", "linkoping@2023-01-01", "--format", "json",
                db_path=None)
    rows = json.loads(dated.output)
    assert isinstance(rows, list)  # two municipalities: the rows, as without dates
    assert next(r for r in rows if r["topic"] == "initiative")["a"]["text"] == ""  # AMF 2024 not yet


def test_a_bad_date_is_refused_naming_it(cli):
    result = cli("rules", "compare", "stockholm@2023-13-01", "stockholm", db_path=None)
    assert result.exit_code == 1
    assert "'stockholm@2023-13-01': expected KEY or KEY@YYYY-MM-DD" in result.output
    assert parse_side("linkoping") == ("linkoping", None)
    assert parse_side("linkoping@2019-12-17") == ("linkoping", dt.date(2019, 12, 17))


def test_rules_show_at_a_date_lists_what_was_in_force(cli):
    then = cli("rules", "show", "stockholm@2023-01-01", db_path=None).output
    now = cli("rules", "show", "stockholm", db_path=None).output
    assert "stockholm.iop.consultation" not in then and "stockholm.iop.consultation" in now
    assert then.startswith("Regler i kraft 2023-01-01, enligt:\n")
    assert ("Rapport gällande arbetsmarknadsförvaltningens arbetssätt för samverkan med civilsamhället "
            "(2019-11-26): gäller 2019-11-26–") in then
    assert "(datum antaget)" in then and "arbetsmarknadsförvaltningen (november 2024)" not in then.split("\n\n")[0]


# -- the shipped dates -------------------------------------------------------------------------


@pytest.mark.parametrize(("package", "expected"), [
    ("samverkan_stockholm", {
        "amf_2024": ("2024-11-01", True), "iop_2023": ("2023-01-01", True),
        "democracy_2021": ("2021-01-01", True), "amn_2019": ("2019-11-26", False),
        "amn_2017": ("2017-10-05", True), "ks_2021": ("2021-09-15", False)}),
    ("samverkan_linkoping", {
        "ks_2016_573": ("2016-01-01", True), "program_2012": ("2012-01-01", True),
        "an_2020": ("2016-01-01", True)}),
])
def test_every_shipped_document_is_dated_and_says_where_the_date_is_assumed(package, expected):
    # the software's own defaults are no dated document of the municipality's
    docs = {k: d for k, d in load_pack(package).documents.items() if not d.software}
    assert {k: (d.valid_from.isoformat(), d.date_assumed) for k, d in docs.items()} == expected
    for d in docs.values():
        assert bool(d.date_note) == d.date_assumed, d.key  # an assumption says what it rests on


def test_linkopings_2019_board_decisions_fall_under_the_2016_guidelines(registry):
    """The board's IOPs of December 2019 (the demo, seed 003) are judged under KS 2016-573,
    which the February 2020 information restates. It gives no delegation rule ("De IOP som
    nämnden har fattat beslut om" describes what was done): the delegation order decides."""
    view = registry.view("linkoping").at(dt.date(2019, 12, 17))
    assert view.decision_authority("iop").kind == "delegation"
    assert {"linkoping.iop.initiative", "linkoping.iop.no_market"} <= {g.id for g in view.gates()}
    assert registry.view("linkoping").at(dt.date(2015, 6, 1)).gates()[-1].id.startswith("core.")


def test_a_dated_view_is_kept_per_date(registry):
    view = registry.view("stockholm")
    day = dt.date(2023, 1, 1)
    assert view.at(day) is view.at(day) and view.at(None) is view
    assert view.at(day).at(day) is view.at(day) and view.at(day).at(None) is view.at(day)
    assert view.at(day).date == day and view.date == dt.date.today()
    assert len(view.at(day).checks()) < len(view.checks())


def test_validity_bounds_are_inclusive():
    v = Validity(dt.date(2019, 11, 26), dt.date(2024, 10, 31))
    assert v.in_force(dt.date(2019, 11, 26)) and v.in_force(dt.date(2024, 10, 31))
    assert not v.in_force(dt.date(2019, 11, 25)) and not v.in_force(dt.date(2024, 11, 1))
    assert not v.overlaps(Validity(dt.date(2024, 11, 1)))
    assert v.overlaps(Validity(None, dt.date(2019, 11, 26)))
    assert Validity().in_force(dt.date(1900, 1, 1)) and Validity().overlaps(v)


# -- the dates are validated -------------------------------------------------------------------


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda t: t.replace("valid_from = 2020-03-01\nvalid_until = 2024-10-31",
                         "valid_from = 2020-03-01\nvalid_until = 2019-10-31"),
     "versionby.toml:22: documents[0].valid_until: 2019-10-31 is before valid_from 2020-03-01"),
    (lambda t: t.replace('valid_from = 2024-11-01\n', 'valid_from = "november 2024"\n', 1),
     "versionby.toml:31: documents[1].valid_from: expected a date (2024-11-01), got 'november 2024'"),
    (lambda t: t.replace('message = "Båda parter bör bidra till ett IOP."\ndocument = "riktlinjer_2024"',
                         'message = "Båda parter bör bidra till ett IOP."\ndocument = "riktlinjer_2020"'),
     "versionby.toml:63: gates[1].id: duplicate id 'versionby.iop.both_contribute' (first in "
     "sv_versionby/data/versionby.toml, gates[0]): both versions are in force on the same days "
     "(2020-03-01–2024-10-31 and 2020-03-01–2024-10-31)"),
    (lambda t: t.replace('section = "3.1"', 'section = "3.1"\nvalid_from = 2024-06-01'),
     "versionby.toml:74: gates[1].valid_from: duplicate id 'versionby.iop.both_contribute'"),
    (lambda t: t.replace('text = "Föreningsrådet ska rådfrågas före varje IOP-avtal."',
                         'text = "Föreningsrådet ska rådfrågas."\nvalid_until = 2024-01-01'),
     "versionby.toml:104: rules[1].valid_until: in force until 2024-01-01, before it comes into force "
     "on 2024-11-01 (from document 'riktlinjer_2024')"),
    (lambda t: t.replace('section = "4"', 'section = "4"\ndate_assumed = "ja"'),
     "versionby.toml:90: gates[2].date_assumed: expected a bool, got 'ja'"),
])
def test_bad_dates_are_refused_naming_file_line_and_key(install, edit, expected):
    with pytest.raises(AssertionError):
        install(edit(V2), "0.2.0")
    error = get_plugin_manager().statuses["versionby"].error
    assert error.startswith(f"SchemaError: sv_versionby/data/{expected}"), error
    assert "\n" not in error


def test_the_data_written_in_the_docs_is_what_the_schema_accepts():
    text = (Path(__file__).resolve().parents[2] / "docs" / "writing-a-plugin.md").read_text(encoding="utf-8")
    section = text[text.index("## Dated versions"):]
    section = section[:section.index("\n## ", 10)]
    for key in ("valid_from", "valid_until", "date_assumed", "date_note"):
        assert f"| `{key}` |" in section
    block = section[section.index("```toml") + 8:]
    block = textwrap.dedent(block[:block.index("```")])
    doc = tomllib.loads(block)["documents"][0]
    assert doc["valid_from"] == dt.date(2024, 11, 1) and doc["date_assumed"] is True
