"""Stockholm's demo data: example collaborations of every offered form at every stage.

Everything goes through the services (register, answer, record, decide, agree, advance,
follow up, end), so the audit log, the outbox and the follow-up dates are real. Every
organisation and collaboration is marked ``is_example`` and named "(exempel)". Dates are
relative to ``services.today`` so that some yearly IOP follow-ups are always overdue.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from stdnum import luhn

from samverkan.domain.followups import add_months

if TYPE_CHECKING:
    from samverkan.domain.reading import WorkSession

UNIT = "Jobbtorg Stockholm (exempel)"
MANAGER = "Enhetschef (exempel)"
GROUP = "Beredningsgruppen (exempel)"

#: Motivations for the checks that need one; the rest are answered "met" without a note.
_NOTES = {
    "national.procurement_duty": "Ingen beställning av en tjänst: båda parter bidrar och verksamheten köps inte på en marknad.",
    "national.state_aid": "Förvaltningens insats ryms inom de minimis-undantaget.",
    "stockholm.no_favour": "Flera organisationer har fått samma information; ingen organisation särbehandlas.",
    "stockholm.added_value": "Når en målgrupp som förvaltningen inte når i egen regi eller genom upphandlad verksamhet.",
    "stockholm.exclusion.finances": "Årsredovisning och revisionsberättelse för de två senaste åren granskade utan anmärkning.",
    "stockholm.welfare_crime": "Kontroll mot Skatteverket och Kronofogden utan anmärkning; inga varningssignaler.",
    "stockholm.iop.no_market": "Verksamheten köps inte på någon marknad och har inte upphandlats.",
}
#: The roles of the example organisations' contact persons, in turn.
_ROLES = ("Verksamhetsledare", "Ordförande", "Samordnare")

#: Answered "not applicable" unless a collaboration says otherwise.
_NOT_APPLICABLE = {"stockholm.basic.minors", "stockholm.external.risk_assessment"}

_SECTIONS = {
    "roles": "Organisationen leder verksamheten; förvaltningen anvisar deltagare och utser en kontaktperson.",
    "budget": "Förvaltningens ersättning och parternas övriga insatser per år enligt bilaga.",
    "follow_up": "Gemensam uppföljning minst en gång per år mot målen i avsnittet Mål.",
    "termination": "Tre månaders ömsesidig uppsägningstid; förtida uppsägning efter dialog, med inköp och upphandling.",
    "challenge": "Långvarigt arbetslösa nyanlända; koppling till arbetsmarknadsnämndens verksamhetsplan.",
    "contributions": "Förvaltningen bidrar med ersättning och lokaler, organisationen med personal och volontärer.",
}


def orgnr(n: int) -> str:
    """A valid example organisation number (legal-person range 802…, distinct per ``n``)."""
    base = f"8029{n:05d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


class _Demo:
    """Helpers that walk one collaboration through the lifecycle via the services."""

    def __init__(self, services: WorkSession):
        self.s = services
        self.today = services.today

    def months_ago(self, months: int) -> dt.date:
        """The date ``months`` calendar months before today."""
        return add_months(self.today, -months)

    def org(self, n: int, name: str, legal_form: str = "ideell förening") -> int:
        """Register example organisation ``n`` with its contact person; return its id.

        The numbers are from the series the Swedish regulator keeps for fiction
        (070-174 06 05 to 070-174 06 99), so no real subscriber is ever shown.
        """
        o = self.s.register_organisation(f"{name} (exempel)", orgnr(n), legal_form, is_example=True)
        self.s.add_contact(o.id, f"Kontaktperson {n} (exempel)", role=_ROLES[(n - 1) % len(_ROLES)],
                           email=f"kontakt{n}@exempel.invalid", phone=f"070-174 06 {10 + n:02d}")
        return o.id

    def initiative(self, title: str, form: str, orgs: list[int], **fields: Any) -> int:
        """Register an example initiative and move it to preparation; return its id."""
        fields.setdefault("unit", UNIT)
        fields.setdefault("manager", MANAGER)
        fields.setdefault("compensated", form != "informal")
        c = self.s.register_initiative(f"{title} (exempel)", form, orgs, is_example=True, **fields)
        self.s.advance(c.id, "preparation")
        return c.id

    def answer_all(self, cid: int, overrides: dict[str, tuple[str, str]] | None = None,
                   skip: tuple[str, ...] = ()) -> None:
        """Answer the checklist: met (with a motivation where needed), except ``overrides``/``skip``."""
        overrides = overrides or {}
        for item, _answer in self.s.checklist(cid):
            if item.id in skip:
                continue
            answer, note = overrides.get(item.id, (
                "not_applicable" if item.id in _NOT_APPLICABLE else "met", _NOTES.get(item.id, "")))
            if item.needs_note and not note:
                note = "Bedömt av handläggaren."
            self.s.answer_check(cid, item.id, answer, note)

    def consult(self, cid: int, on: dt.date, topic: str, advice: str,
                recommendation: str = "supports") -> None:
        """Record a consultation with the preparatory group."""
        self.s.add_record(cid, "consultation", {
            "topic": topic, "advice": advice, "recommendation": recommendation,
            "by": GROUP, "date": on.isoformat()})

    def prestudy(self, cid: int, on: dt.date, need: str, design: str, goals: str) -> None:
        """Record a pre-study (need, design, shared goals)."""
        self.s.add_record(cid, "prestudy", {
            "need": need, "design": design, "shared_goals": goals, "date": on.isoformat()})

    def follow_up_plan(self, cid: int, how: str) -> None:
        """Record how an informal collaboration is to be followed up (AMF 2024 s. 7)."""
        self.s.add_record(cid, "follow_up_plan", {"how": how, "by": MANAGER})

    def decide(self, cid: int, on: dt.date, motivation: str, considerations: str,
               policy_link: str = "Arbetsmarknadsnämndens verksamhetsplan (exempel)") -> None:
        """Decide to start, with considerations and policy link, confirming advisories."""
        self.s.decide(cid, "start", motivation, considerations, policy_link=policy_link,
                      decided_on=on, confirm=True)

    def agree(self, cid: int, signed: dt.date, start: dt.date, end: dt.date, goals: str,
              municipal: int, partner: int, party: str) -> None:
        """Record both parties' contributions and the signed agreement; move to ``agreement``."""
        form = self.s.collaboration(cid).form
        sections = {k: v for k, v in _SECTIONS.items()
                    if k in {s.key for s in self.s.form_rules(form).sections}}
        self.s.set_contributions(cid, [
            {"party": "Arbetsmarknadsförvaltningen", "category": "money", "amount": municipal,
             "is_municipality": True},
            {"party": party, "category": "staff", "amount": partner},
        ])
        self.s.record_agreement(cid, signed_on=signed, start=start, end=end, goals=goals,
                                sections=sections)
        self.s.advance(cid, "agreement", confirm=True)


def load(services: WorkSession) -> None:
    """Fill an empty database with Stockholm's example collaborations."""
    d = _Demo(services)
    sprak = d.org(1, "Språkcafé Söder")
    vagen = d.org(2, "Stiftelsen Vägen till jobb", "stiftelse")
    framat = d.org(3, "Idrottsföreningen Framåt")
    nystart = d.org(4, "Kooperativet Nystart", "ekonomisk förening")
    mentor = d.org(5, "Föreningen Mentorskap i Stockholm")
    butik = d.org(6, "Gemenskap Second hand AB (svb)", "aktiebolag med särskild vinstutdelningsbegränsning")

    # -- informal: active, ended, just registered ------------------------------------
    cid = d.initiative("Aktivitetsmässa för arbetssökande", "informal", [sprak],
                       initiator="municipality", target_group="Arbetssökande vuxna",
                       purpose="Organisationer presenterar sina aktiviteter på förvaltningens mässa.")
    d.answer_all(cid)
    d.follow_up_plan(cid, "Utvärdering med de deltagande organisationerna efter mässan.")
    d.decide(cid, d.months_ago(3), "Mässan ingår i uppdraget att bredda samverkan med ideell sektor.",
             "Alla organisationer i området bjuds in på samma villkor; ingen ersättning utgår.")
    services.advance(cid, "active", confirm=True)

    cid = d.initiative("Samråd om feriejobb för unga", "informal", [framat],
                       initiator="municipality", target_group="Ungdomar 16–19 år",
                       purpose="Samråd om hur föreningar kan ta emot feriejobbare.")
    d.answer_all(cid, {"stockholm.basic.minors": ("met", "Ledarna har utdrag ur belastningsregistret.")})
    d.follow_up_plan(cid, "Avstämning med föreningarna efter sommarens feriejobb.")
    d.decide(cid, d.months_ago(10), "Feriejobb för unga ingår i nämndens uppdrag.",
             "Samrådet är öppet för alla föreningar i stadsdelen; ingen ersättning.")
    services.advance(cid, "active", confirm=True)
    services.end(cid, "Samrådet är genomfört.", kind="expired", ended_on=d.months_ago(2))

    services.register_initiative("Informationsträff om mentorskap (exempel)", "informal", [mentor],
                                 unit=UNIT, manager=MANAGER, is_example=True,
                                 purpose="Föreningen vill informera deltagare om sitt mentorsprogram.")

    # -- IOP: active and overdue, active and followed up, in preparation, declined, ended
    cid = d.initiative("Språkträning med barnpassning", "iop", [sprak],
                       target_group="Föräldralediga nyanlända",
                       purpose="Språkträning dagtid med barnpassning.",
                       challenge="Föräldralediga nyanlända kommer sent in i sfi och arbete.",
                       policy_link="Budget 2024: vidareutveckla samverkan med ideell sektor (exempel)")
    d.prestudy(cid, d.months_ago(26), "Föräldralediga når inte sfi.", "Språkcafé med barnpassning tre dagar i veckan.",
               "60 deltagare per år; hälften vidare till sfi.")
    d.consult(cid, d.months_ago(25), "Är IOP en lämplig samverkansform?",
              "IOP är lämpligt: ingen marknad, båda parter bidrar.")
    d.answer_all(cid)
    d.decide(cid, d.months_ago(24), "Möter budgetuppdraget om integration.",
             "Förstudien visar ett behov som förvaltningen inte möter; beredningsgruppen tillstyrkte; ingen marknad finns.")
    d.agree(cid, d.months_ago(23), d.months_ago(22), add_months(d.today, 14),
            "60 deltagare per år; 30 vidare till sfi inom ett år.", 590_000, 310_000, "Språkcafé Söder (exempel)")
    services.advance(cid, "active", confirm=True)  # never followed up: overdue

    cid = d.initiative("Arbetsträning i second hand-butik", "iop", [butik],
                       target_group="Långvarigt arbetslösa med försörjningsstöd",
                       purpose="Arbetsträning i butik och kafé.",
                       policy_link="Arbetsmarknadsnämndens verksamhetsplan 2025 (exempel)")
    d.prestudy(cid, d.months_ago(18), "Behov av arbetsträning nära arbetsmarknaden.",
               "Arbetslag i butik och kafé.", "25 deltagare per år; 5 till arbete.")
    d.consult(cid, d.months_ago(17), "Är IOP en lämplig samverkansform?", "Lämpligt.")
    d.answer_all(cid)
    d.decide(cid, d.months_ago(16), "Ger arbetsträning som förvaltningen inte har i egen regi.",
             "Organisationen har lång erfarenhet; ekonomin är granskad; inga jävsförhållanden.")
    d.agree(cid, d.months_ago(16), d.months_ago(15), add_months(d.today, 21),
            "25 deltagare per år; 5 i arbete eller studier.", 1_100_000, 980_000, "Gemenskap Second hand AB (svb) (exempel)")
    services.advance(cid, "active", confirm=True)
    services.record_follow_up(cid, "Årlig uppföljning: 27 deltagare, 6 i arbete.", done_on=d.months_ago(3),
                              goals_met="Målen uppnådda.")

    cid = d.initiative("Uppsökande information om samhällsorientering", "iop", [mentor],
                       target_group="Anhöriginvandrare", purpose="Nå fler deltagare till samhällsorienteringen.")
    d.prestudy(cid, d.months_ago(1), "Anhöriginvandrare når inte samhällsorienteringen.",
               "Informatörer med språkkompetens.", "100 nya deltagare per år.")
    d.answer_all(cid, skip=("stockholm.welfare_crime",))  # still open: no consultation, one check left

    cid = d.initiative("Samhällsorienteringskurs i föreningsregi", "iop", [vagen],
                       target_group="Nyanlända", purpose="Föreningen vill ge kursen i samhällsorientering.")
    d.answer_all(cid, {"stockholm.iop.no_market": (
        "not_met", "Kursen upphandlas sedan flera år; det finns en marknad.")})
    services.decide(cid, "decline", "Tjänsten köps på en marknad och är inte lämplig för IOP.",
                    "Utredningen 2019 visar att samhällsorienteringen upphandlas; studiebesök kan prövas i stället.",
                    decided_on=d.months_ago(5), confirm=True)

    cid = d.initiative("Mentorskap för nyanlända", "iop", [mentor],
                       target_group="Nyanlända vuxna", purpose="Mentorskap mot arbete.",
                       policy_link="Integrationspakten (exempel)")
    d.prestudy(cid, d.months_ago(30), "Nyanlända saknar nätverk.", "Mentorspar.", "50 matchningar per år.")
    d.consult(cid, d.months_ago(29), "Är IOP en lämplig samverkansform?", "Lämpligt.")
    d.answer_all(cid)
    d.decide(cid, d.months_ago(28), "Mentorskap ingår i integrationspakten.", "Ingen marknad; båda bidrar.")
    d.agree(cid, d.months_ago(28), d.months_ago(27), add_months(d.today, 9),
            "50 matchningar per år.", 400_000, 350_000, "Föreningen Mentorskap i Stockholm (exempel)")
    services.advance(cid, "active", confirm=True)
    services.record_follow_up(cid, "Årlig uppföljning: 44 matchningar.", done_on=d.months_ago(15))
    services.add_record(cid, "ending_assessment", {
        "assessment": "Årsredovisningen visar att organisationen inte längre kan uppvisa god ekonomisk ordning.",
        "dialogue": "Möte med föreningens styrelse och beredningsgruppen.",
        "date": d.months_ago(2).isoformat()})
    services.end(cid, "Organisationen kan inte längre uppvisa god ekonomisk ordning.",
                 kind="terminated", ended_on=d.months_ago(1), procurement_unit_involved=True)

    # -- procurement: agreement signed, period not yet begun ----------------------------
    cid = d.initiative("Jobbcoachning för unga vuxna", "procurement", [nystart],
                       target_group="Unga vuxna 18–24 år", purpose="Köp av jobbcoachning.")
    d.answer_all(cid, {"national.procurement_duty": ("met", "Upphandlas enligt LOU, direktupphandling under gränsvärdet.")})
    d.decide(cid, add_months(d.today, -1), "Behov anmält via Behovshubben.",
             "Inköp och upphandling har bedömt formen; kooperativet lämnade det bästa anbudet.")
    d.agree(cid, d.today - dt.timedelta(days=7), add_months(d.today, 1), add_months(d.today, 13),
            "40 unga vuxna i arbete eller studier.", 800_000, 0, "Kooperativet Nystart (exempel)")

    # -- external funding: decided after consulting the group -------------------------
    cid = d.initiative("ESF-projekt Vägar till arbete", "external", [vagen],
                       initiator="municipality", target_group="Långtidsarbetslösa",
                       purpose="Gemensam ansökan till Europeiska socialfonden.")
    d.consult(cid, d.months_ago(2), "Ansökan om ESF-medel tillsammans med stiftelsen",
              "Inga invändningar; informera gruppen när projektet startar.")
    d.answer_all(cid)
    d.decide(cid, d.today - dt.timedelta(days=14), "Projektet stödjer nämndens budgetuppdrag.",
             "Beredningsgruppen rådfrågades före ansökan; stiftelsen valdes för sin erfarenhet av målgruppen.")

    # -- civil society as employer: active, no follow-up schedule ---------------------
    cid = d.initiative("Stockholmsjobb i idrottsföreningen", "employer", [framat],
                       target_group="Stockholmsjobbare", purpose="Föreningen tar emot två stockholmsjobbare.")
    d.answer_all(cid)
    d.decide(cid, d.months_ago(15), "Ger arbetslivserfarenhet i en ideell verksamhet.",
             "Ordinarie rutiner för stockholmsjobb följs; föreningen har handledare.")
    d.agree(cid, d.months_ago(15), d.months_ago(14), add_months(d.today, 10),
            "Två stockholmsjobbare per år; båda vidare till arbete eller studier.", 0, 120_000,
            "Idrottsföreningen Framåt (exempel)")
    # evaluated regularly, with no interval set (AMF 2024 s. 10): never overdue
    services.advance(cid, "active", confirm=True)
