"""Demo data: the board's IOPs and other projects of February 2020, through the services.

Everything goes through the session's use cases (a
:class:`~samverkan.domain.reading.WorkSession`), so the audit log holds a real history:
organisations registered, initiatives, contributions, check answers, the legal
assessment, the board's decision (meeting date and paragraph), the agreement and the
moves to active. The figures and texts are seed 003's (``data/demo.toml``); what the
seed does not give is example data, listed at the top of that file.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from samverkan.domain.money import format_kronor
from samverkan_linkoping import data
from samverkan_linkoping.valuation import percent

if TYPE_CHECKING:
    from samverkan.domain.reading import WorkSession

#: First three digits of the generated organisation numbers, by legal form (the first
#: digit of a Swedish organisation number tells the kind of legal person).
ORGNR_PREFIX = {"aktiebolag": "556", "annan": "222"}
DEFAULT_PREFIX = "802"  # ideella föreningar and stiftelser


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (as used by Swedish organisation numbers)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return str((10 - total % 10) % 10)


def example_orgnr(legal_form: str, n: int) -> str:
    """A valid, made-up organisation number for example organisation ``n``."""
    base = ORGNR_PREFIX.get(legal_form, DEFAULT_PREFIX) + f"{990000 + n:06d}"
    full = base + luhn_digit(base)
    return f"{full[:6]}-{full[6:]}"


def _note(answers: dict[str, str], check_id: str, values: dict[str, Any]) -> str:
    return answers.get(check_id, answers["default"]).format(**values)


def _answer_all(services: WorkSession, collab_id: int, answers: dict[str, str], values: dict[str, Any]) -> None:
    for item, _answer in services.checklist(collab_id):
        services.answer_check(collab_id, item.id, "met", _note(answers, item.id, values))


def load(services: WorkSession) -> None:
    """Load the demo data of ``demo.toml`` (its ``[demo]`` table) into ``services``' (empty) database."""
    demo = data.demo()
    orgs: dict[str, int] = {}
    for n, entry in enumerate(demo["organisations"], start=1):
        org = services.register_organisation(
            entry["name"], example_orgnr(entry["legal_form"], n), entry["legal_form"], is_example=True)
        orgs[entry["key"]] = org.id
        for person in entry.get("contacts", ()):
            services.add_contact(org.id, person["name"], role=person.get("role", ""),
                                 email=person.get("email", ""), phone=person.get("phone", ""))
    for entry in demo["iops"]:
        _iop(services, demo, entry, orgs)
    for entry in demo["projects"]:
        _project(services, demo, entry, orgs)


def _iop(services: WorkSession, demo: dict[str, Any], entry: dict[str, Any], orgs: dict[str, int]) -> None:
    split = demo["split"]
    names = [o["name"] for key in entry["organisations"] for o in demo["organisations"] if o["key"] == key]
    c = services.register_initiative(
        entry["title"], "iop", [orgs[k] for k in entry["organisations"]], initiator="organisation",
        unit=demo["unit"], policy_link=demo["policy_link"], participants=entry["participants"],
        target_group=entry["target_group"], referral=entry["referral"], activity=entry["activity"],
        is_example=True)
    services.advance(c.id, "preparation")
    value, cost = entry["value"], entry["board_cost"]
    services.set_contributions(c.id, [
        {"party": split["municipality_party"], "category": split["municipality_category"],
         "amount": cost, "is_municipality": True},
        {"party": " och ".join(names), "category": split["partner_category"], "amount": value - cost},
    ])
    values = {"title": c.title, "activity": c.activity, "value": format_kronor(value),
              "board_cost": format_kronor(cost), "share": percent(cost, value)}
    _answer_all(services, c.id, demo["answers"], values)
    services.add_record(c.id, data.LEGAL_ASSESSMENT, dict(demo["legal_assessment"]))
    # confirm: the "about half" finding is advisory; the board decides knowing it.
    services.decide(c.id, "start", demo["decision"]["motivation"],
                    demo["decision"]["considerations"].format(**values),
                    decided_on=entry["meeting_date"], meeting_date=entry["meeting_date"],
                    minute_paragraph=entry["minute_paragraph"], confirm=True)
    _agree_and_start(services, c.id, entry["agreement_start"], entry["agreement_end"],
                     entry["meeting_date"], demo["agreement"]["goals"])


def _project(services: WorkSession, demo: dict[str, Any], entry: dict[str, Any], orgs: dict[str, int]) -> None:
    c = services.register_initiative(
        entry["title"], entry["form"], [orgs[k] for k in entry["organisations"]],
        unit=demo["unit"], policy_link=demo["policy_link"], participants=entry["participants"],
        activity=entry["activity"], purpose=entry.get("purpose", ""), referral=entry.get("referral", ""),
        start=entry["start"], end=entry["until"], is_example=True)
    services.advance(c.id, "preparation")
    answers = {**demo["answers"], **entry.get("answers", {})}
    _answer_all(services, c.id, answers, {"title": c.title, "activity": c.activity})
    for cost in entry["costs"]:
        services.add_record(c.id, data.PROJECT_COST, {
            "year": str(cost["year"]), "item": cost.get("item", ""), "amount": str(cost["amount"])})
    # money from an external funder (ESF): the project's, not the board's cost
    for funding in entry.get("funding", ()):
        services.add_record(c.id, data.EXTERNAL_FUNDING, {
            "year": str(funding["year"]), "funder": funding["funder"], "amount": str(funding["amount"])})
    decided_on = entry["start"] - dt.timedelta(days=1)
    services.decide(c.id, "start", demo["decision"]["project_motivation"],
                    demo["decision"]["project_considerations"], decided_on=decided_on, confirm=True)
    _agree_and_start(services, c.id, entry["start"], entry["until"], decided_on, demo["agreement"]["goals"])


def _agree_and_start(services: WorkSession, collab_id: int, start: dt.date, end: dt.date,
                     signed_on: dt.date, goals: str) -> None:
    services.record_agreement(collab_id, signed_on=signed_on, start=start, end=end, goals=goals)
    services.advance(collab_id, "agreement")
    services.advance(collab_id, "active", confirm=True)
