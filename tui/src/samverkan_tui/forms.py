"""The forms of every action: which fields each asks for and which service it calls.

A follow-up with its evaluation and a document are in :mod:`samverkan_tui.case_forms`.
Each factory returns a :class:`~samverkan_tui.screens.form.FormScreen`; its submit
function runs in a worker thread and calls exactly one service method, so the change
and its audit event are one transaction in the core.
"""

from __future__ import annotations

from typing import Any

from samverkan.domain import lifecycle
from samverkan.domain.model import FORMS, LEGAL_FORMS
from samverkan_tui import labels
from samverkan_tui.i18n import _
from samverkan_tui.screens.form import Field, FormScreen


def filter_form(query: Any, overdue: bool, units: list[str]) -> FormScreen:
    """Filters of the collaboration list (no database work)."""
    fields = [
        Field("stage", _("Steg"), "choice", value=query.stage,
              choices=[(labels.stage(s), s) for s in lifecycle.STAGES]),
        Field("form", _("Form"), "choice", value=query.form, choices=labels.choices(labels.FORMS)),
        Field("unit", _("Enhet"), "choice", value=query.unit, choices=[(u, u) for u in units]),
        Field("overdue", _("Bara försenad uppföljning"), "bool", value=overdue),
    ]
    return FormScreen(_("Filter"), fields, lambda values, confirm: values)


def organisation_form(services: Any) -> FormScreen:
    """Register an organisation."""
    fields = [
        Field("name", _("Namn"), required=True),
        Field("orgnr", _("Organisationsnummer"), required=True, placeholder="NNNNNN-NNNN"),
        Field("legal_form", _("Juridisk form"), "choice", required=True, value=LEGAL_FORMS[0],
              choices=[(f, f) for f in LEGAL_FORMS]),
        # one contact person, registered with the organisation: the core tells the name,
        # the e-mail address and the number apart; more are added on the organisation
        Field("contact", _("Kontaktperson"), placeholder=_("namn, e-post, telefon")),
    ]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        return services.register_organisation(v["name"], v["orgnr"], v["legal_form"], v["contact"])

    return FormScreen(_("Ny organisation"), fields, submit)


def contact_form(services: Any, org: Any, contact: Any = None) -> FormScreen:
    """Add a contact person to ``org``, or change ``contact``: name, role, e-mail
    address and telephone number (one service call, audited).

    A change sends only the fields that changed, with the version that was shown, so a
    change someone else made meanwhile is refused instead of overwritten.
    """
    fields = [
        Field("name", _("Namn"), required=True, value=contact.name if contact else None),
        Field("role", _("Roll"), value=contact.role if contact else None, placeholder=_("t.ex. ordförande")),
        Field("email", _("E-post"), value=contact.email if contact else None, placeholder="namn@exempel.se"),
        Field("phone", _("Telefon"), value=contact.phone if contact else None, placeholder="070-123 45 67"),
    ]
    if contact is None:
        def add(v: dict[str, Any], confirm: bool) -> Any:
            return services.add_contact(org.id, v["name"], role=v["role"], email=v["email"], phone=v["phone"])

        return FormScreen(_("Ny kontaktperson"), fields, add, intro=org.name)

    def change(v: dict[str, Any], confirm: bool) -> Any:
        changes = _changes(fields, v)
        if not changes:
            return UNCHANGED
        return services.update_contact(contact.id, version=contact.version, **changes)

    return FormScreen(_("Ändra kontaktperson"), fields, change, intro=org.name)


def describe_contact(contact: Any) -> str:
    """A contact person in one line: 'Anna Svensson (ordförande), anna@example.se, 070-…'."""
    who = f"{contact.name} ({contact.role})" if contact.role else contact.name
    return ", ".join([who, *(p for p in (contact.email, contact.phone) if p and p != contact.name)])


def remove_contact_form(services: Any, contact: Any) -> FormScreen:
    """Confirm removing a contact person (ctrl+s removes it; the audit log keeps it)."""
    def submit(v: dict[str, Any], confirm: bool) -> Any:
        return services.remove_contact(contact.id)

    intro = describe_contact(contact) + "\n" + _("Kontaktpersonen tas bort. Granskningsloggen behåller vad "
                                                  "som var registrerat.")
    return FormScreen(_("Ta bort kontaktperson?"), [], submit, intro=intro,
                      save_label=_("tar bort kontaktpersonen"))


def collaboration_form(services: Any, offers: list[Any], org: str = "", *, form: str | None = None,
                       answers: dict[str, str] | None = None) -> FormScreen:
    """Register a new initiative; ``offers`` are ``services.offered_forms()``.

    ``form`` and ``answers``: the form chosen with the questionnaire and its answers,
    which are registered with the initiative (shown to the decider).
    """
    form_choices = [(o.name, o.form) for o in offers] or labels.choices(labels.FORMS)
    chosen = form if form in {v for _label, v in form_choices} else form_choices[0][1]
    fields = [
        Field("title", _("Titel"), required=True),
        Field("form", _("Form"), "choice", required=True, value=chosen, choices=form_choices),
        Field("org", _("Organisation (org.nr eller nr)"), required=True, value=org,
              aliases=("organisations", "orgnr")),
        Field("initiator", _("Initiativtagare"), "choice", required=True, value="organisation",
              choices=labels.choices(labels.INITIATORS)),
        *_fact_fields(None),
    ]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        orgs = [o.strip() for o in v.pop("org").split(",") if o.strip()]
        title, form = v.pop("title"), v.pop("form")
        extra = {k: val for k, val in v.items() if val not in (None, "")}
        if answers:
            extra["form_answers"] = answers
        return services.register_initiative(title, form, orgs, **extra)

    intro = _("Formen valdes med frågorna om samverkansform; svaren sparas med initiativet.") if answers else ""
    return FormScreen(_("Ny samverkan"), fields, submit, intro=intro)


def _fact_fields(collab: Any, flags: bool = False) -> list[Field]:
    """The descriptive facts of a collaboration, prefilled from ``collab`` (None: empty).

    ``flags`` adds the two facts informal collaboration depends on (does the
    municipality give staff or money; is one organisation singled out). They are
    offered when a collaboration is corrected, not when it is registered (both start
    as no, which is what an initiative is until someone finds otherwise).
    """
    def value(name: str) -> Any:
        v = getattr(collab, name) if collab is not None else None
        if name in ("start", "end"):
            return v.isoformat() if v else ""
        return v if collab is not None else None

    fields = [
        Field("case_number", _("Diarienummer"), value=value("case_number")),
        Field("unit", _("Ansvarig enhet"), value=value("unit")),
        Field("manager", _("Ansvarig chef"), value=value("manager")),
        Field("purpose", _("Syfte och gemensamt mål"), "area", value=value("purpose")),
        Field("challenge", _("Samhällsutmaning"), "area", value=value("challenge")),
        Field("policy_link", _("Politiskt program eller budgetuppdrag (med hänvisning)"),
              value=value("policy_link")),
        Field("target_group", _("Målgrupp"), value=value("target_group")),
        Field("activity", _("Verksamhet"), "area", value=value("activity")),
        Field("participants", _("Deltagare (t.ex. 8 deltagare per år)"), value=value("participants")),
        Field("referral", _("Anvisning (t.ex. via Jobbtorg)"), value=value("referral")),
        Field("start", _("Start"), "date", value=value("start")),
        Field("end", _("Slut"), "date", value=value("end")),
    ]
    if flags:
        fields += [
            Field("compensated", _("Ersättning utgår (personal eller budgetmedel)"), "bool",
                  value=bool(collab.compensated) if collab is not None else False),
            Field("singles_out", _("En organisation särskiljs så att andra missgynnas"), "bool",
                  value=bool(collab.singles_out) if collab is not None else False),
        ]
    return fields


#: What an edit form's submit returns when nothing was changed (no service was called).
UNCHANGED = object()


def _changes(fields: list[Field], values: dict[str, Any]) -> dict[str, Any]:
    """The fields whose typed value differs from the value the form was opened with.

    An emptied date is sent as None (no date); other emptied fields as empty text.
    """
    changes: dict[str, Any] = {}
    for f in fields:
        before = "" if f.value is None else f.value
        typed = "" if values[f.key] is None else values[f.key]
        if typed != before:
            changes[f.key] = None if (f.kind == "date" and typed == "") else typed
    return changes


def edit_organisation_form(services: Any, org: Any) -> FormScreen:
    """Edit an organisation's name, number and legal form (its contact persons are
    changed one by one on the organisation: :func:`contact_form`).

    Only changed fields are sent, together with the version that was shown, so a change
    someone else made meanwhile is refused (StaleUpdate) instead of overwritten.
    """
    # A legal form entered through the CLI may be outside the list; keep it selectable so
    # opening the form does not blank a required field.
    legal_forms = list(LEGAL_FORMS) if org.legal_form in LEGAL_FORMS else [*LEGAL_FORMS, org.legal_form]
    fields = [
        Field("name", _("Namn"), required=True, value=org.name),
        Field("orgnr", _("Organisationsnummer"), required=True, value=org.orgnr,
              placeholder="NNNNNN-NNNN"),
        Field("legal_form", _("Juridisk form"), "choice", required=True, value=org.legal_form,
              choices=[(f, f) for f in legal_forms]),
    ]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        changes = _changes(fields, v)
        if "orgnr" in changes:
            _same_orgnr(org, changes)
        if not changes:
            return UNCHANGED
        return services.update_organisation(org.id, org.version, **changes)

    return FormScreen(_("Ändra organisation"), fields, submit)


def _same_orgnr(org: Any, changes: dict[str, Any]) -> None:
    """Drop an organisation number that is only written differently (no dash: no change).

    A number another organisation has is refused by the store inside its transaction,
    under this field and in the interface's language (the core's catalogue).
    """
    from samverkan.domain.model import validate_orgnr

    if validate_orgnr(changes["orgnr"]) == org.orgnr:  # invalid: the message under the field
        del changes["orgnr"]


def edit_collaboration_form(services: Any, collab: Any, rules: Any) -> FormScreen:
    """Edit every descriptive fact of a collaboration (``rules``: the form's, from
    ``services.detail``): title, initiator, case number, unit, manager, purpose,
    challenge, policy link, target group, activity, participants, referral, period, and
    whether it is compensated or singles an organisation out.

    Neither the stage nor the form is offered: the stage changes only through a
    transition, and the form decides which gates, checks and agreement apply, so it is
    part of the lifecycle rules. The organisations are not offered either (the store does
    not change them on update).
    """
    fields = [
        Field("title", _("Titel"), required=True, value=collab.title),
        Field("initiator", _("Initiativtagare"), "choice", required=True, value=collab.initiator,
              choices=labels.choices(labels.INITIATORS)),
        *_fact_fields(collab, flags=True),
    ]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        changes = _changes(fields, v)
        if not changes:
            return UNCHANGED
        return services.update_collaboration(collab.id, collab.version, **changes)

    offer = rules.offer  # the municipality's own name for the form
    intro = _("{form}, steget {stage}. Form och steg ändras inte här.").format(
        form=offer.name if offer else labels.form(collab.form), stage=labels.stage(collab.stage))
    return FormScreen(_("Ändra samverkan {n}").format(n=collab.id), fields, submit, intro=intro)


def answer_form(services: Any, collab_id: int, item: Any, answer: Any) -> FormScreen:
    """Answer one checklist item."""
    fields = [
        Field("answer", _("Svar"), "choice", required=True,
              value=answer.answer if answer else "met", choices=labels.choices(labels.ANSWERS)),
        Field("note", _("Anteckning") + (" (" + _("motivering krävs") + ")" if item.needs_note else ""),
              "area", required=item.needs_note, value=answer.note if answer else ""),
    ]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        return services.answer_check(collab_id, item.id, v["answer"], v["note"])

    intro = "\n".join([item.text, *(f"{label}: {value}" for label, value in labels.source_lines(item.source))])
    return FormScreen(_("Besvara kontrollpunkt"), fields, submit, intro=intro)


def decision_form(services: Any, collab: Any, rules: Any) -> FormScreen:
    """Decide to start or decline: motivation and considerations (board: meeting data).

    ``rules``: the form's rules from ``services.detail`` (who decides).
    """
    authority = rules.authority
    fields = [
        Field("outcome", _("Beslut"), "choice", required=True, value="start",
              choices=labels.choices(labels.OUTCOMES)),
        Field("motivation", _("Motivering"), "area", required=True),
        # not required here: the municipality's gates say when considerations must be
        # documented (the services judge it, so the CLI and the TUI refuse alike), and
        # the audit report lists decisions without them
        Field("considerations", _("Överväganden (varför samverkan, form och part; risker)"), "area"),
        Field("policy_link", _("Koppling till politiskt mål eller budgetuppdrag"),
              value=collab.policy_link),
        Field("decided_on", _("Beslutsdatum"), "date", value=services.today.isoformat()),
    ]
    if authority.kind == "board":
        fields += [
            Field("meeting_date", _("Sammanträdesdatum"), "date", required=True),
            Field("minute_paragraph", _("Protokollsparagraf (t.ex. § 12)"), required=True),
        ]
    elif authority.kind == "delegation":
        # the delegation order names the manager or the board; a board decision is
        # recorded with its meeting (the services refuse one without)
        fields += [
            Field("authority", _("Beslutande"), "choice", required=True, value="manager",
                  choices=labels.choices(labels.AUTHORITIES)),
            Field("meeting_date", _("Sammanträdesdatum (nämnden)"), "date"),
            Field("minute_paragraph", _("Protokollsparagraf (nämnden, t.ex. § 12)")),
        ]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        return services.decide(collab.id, v.pop("outcome"), v.pop("motivation"),
                               v.pop("considerations"), version=collab.version, confirm=confirm,
                               **{k: val for k, val in v.items() if val not in (None, "")})

    intro = _("Beslutas av") + f": {authority.body or authority.kind} ({authority.source})"
    return FormScreen(_("Beslut"), fields, submit, intro=intro)


def agreement_form(services: Any, collab: Any, agreement: Any, rules: Any, advance: bool) -> FormScreen:
    """Record the signed agreement; ``advance`` also moves the collaboration to ``agreement``.

    ``rules``: the form's rules from ``services.detail`` (the sections the agreement needs).
    """
    today = services.today.isoformat()
    sections = rules.sections
    fields = [
        Field("signed_on", _("Undertecknat"), "date", required=True,
              value=agreement.signed_on.isoformat() if agreement and agreement.signed_on else today),
        Field("start", _("Avtalsperiodens start"), "date", required=True,
              value=agreement.start.isoformat() if agreement and agreement.start else today),
        # an agreement may run until terminated: the guidelines set no longest period
        Field("end", _("Avtalsperiodens slut (om avtalet anger ett)"), "date",
              value=agreement.end.isoformat() if agreement and agreement.end else ""),
        Field("goals", _("Mätbara mål"), "area", value=agreement.goals if agreement else ""),
    ]
    existing = agreement.sections if agreement else {}
    for s in sections:
        fields.append(Field(f"section:{s.key}", s.title, "area",
                            required=s.required and s.source.level != "guidance",
                            value=existing.get(s.key, ""), aliases=(s.key,)))

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        secs = {k.split(":", 1)[1]: val for k, val in v.items() if k.startswith("section:") and val}
        recorded = services.record_agreement(collab.id, signed_on=v["signed_on"], start=v["start"],
                                             end=v["end"] or None, goals=v["goals"], sections=secs)
        if advance:
            return services.advance(collab.id, "agreement", confirm=confirm)
        return recorded

    return FormScreen(_("Avtal"), fields, submit)


def end_form(services: Any, collab: Any, agreement: Any = None) -> FormScreen:
    """End an active collaboration (expired or terminated, with the reason).

    It "expires" on or after its agreement's end date; before that, ending it is a
    termination (the services refuse an early expiry), so that is what is offered.
    """
    today = services.today
    early = agreement is not None and agreement.end is not None and agreement.end > today
    fields = [
        Field("reason", _("Skäl"), "area", required=True),
        Field("kind", _("Typ av avslut"), "choice", required=True,
              value="terminated" if early else "expired", choices=labels.choices(labels.END_KINDS)),
        Field("ended_on", _("Datum"), "date", value=services.today.isoformat()),
        Field("procurement_unit_involved", _("Upphandlingsenheten har varit delaktig"), "bool"),
    ]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        return services.end(collab.id, v["reason"], kind=v["kind"], ended_on=v["ended_on"] or None,
                            procurement_unit_involved=v["procurement_unit_involved"],
                            version=collab.version, confirm=confirm)

    return FormScreen(_("Avsluta samverkan"), fields, submit)


def conflict_form(services: Any, collab_id: int | None = None, org_id: int | None = None) -> FormScreen:
    """Declare the acting user's conflict of interest (jäv)."""
    fields = [Field("reason", _("Skäl till jäv"), "area", required=True)]

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        return services.declare_conflict(v["reason"], collaboration_id=collab_id, organisation_id=org_id)

    intro = _("Du anmäler jäv som {user}; du kan då inte fatta beslut i ärendet.").format(user=services.actor)
    return FormScreen(_("Anmäl jäv"), fields, submit, intro=intro)


def record_form(services: Any, collab_id: int, kind: Any) -> FormScreen:
    """A generic form for a plugin-defined record kind (e.g. Stockholm's consultation)."""
    fields = []
    for f in kind.fields:
        ftype = {"date": "date", "bool": "bool", "choice": "choice"}.get(f.kind, "text")
        fields.append(Field(f.key, f.label, ftype, required=f.required and ftype != "bool",
                            choices=[(c, c) for c in f.choices]))

    def submit(v: dict[str, Any], confirm: bool) -> Any:
        return services.add_record(collab_id, kind.key, v)

    intro = "\n".join(p for p in (kind.description, f"{_('Källa')}: {kind.source}") if p)
    return FormScreen(kind.label, fields, submit, intro=intro)


#: the choice value of the municipality as a party (what the services read as it)
MUNICIPALITY = "kommunen"


def party_value(party: Any) -> str:
    """A party's value in a choice: the municipality's word, or the organisation's id
    (unique, where two organisations could share a name)."""
    return MUNICIPALITY if party.organisation_id is None else str(party.organisation_id)


def _line_party(line: Any, parties: list[Any]) -> str | None:
    """The choice value of the party a contribution line is from (None: a name that is
    none of the parties, such as a municipal administration entered in free text)."""
    for p in parties:
        if line.organisation_id is not None and p.organisation_id == line.organisation_id:
            return party_value(p)
    for p in parties:
        if p.name.casefold() == line.party.casefold():
            return party_value(p)
    return None


def contribution_form(services: Any, collab: Any, parties: list[Any], line: Any = None) -> FormScreen:
    """Add a contribution line, or correct ``line``: a party of the collaboration, a
    category and whole kronor per year (one service call, audited line by line).

    ``parties``: ``services.parties(collab.id)``, the municipality first. A line entered
    earlier under a party that is none of them (free text, e.g. an administration) keeps
    that name as a choice, so the form opens as the line is. Only the changed fields are
    sent: a line whose party is left as it was keeps it (the services resolve a party
    only when it is given).
    """
    choices = [(p.name, party_value(p)) for p in parties]
    party = choices[0][1] if choices else None
    if line is not None:
        party = _line_party(line, parties)
        if party is None:
            party = line.party
            choices.append((line.party, line.party))
    fields = [
        Field("party", _("Part"), "choice", required=True, value=party, choices=choices),
        Field("category", _("Kategori"), "choice", required=True,
              value=line.category if line is not None else "money",
              choices=labels.choices(labels.CATEGORIES)),
        Field("amount", _("Belopp per år (kr)"), required=True,
              value=kronor(line.amount) if line is not None else None, placeholder=_("hela kronor")),
    ]

    if line is None:
        def submit(v: dict[str, Any], confirm: bool) -> Any:
            return services.add_contribution(collab.id, v["party"], v["category"], v["amount"])

        return FormScreen(_("Nytt bidrag"), fields, submit)

    def correct(v: dict[str, Any], confirm: bool) -> Any:
        changes = _changes(fields, v)
        if not changes:
            return UNCHANGED
        return services.update_contribution(collab.id, line.id, **changes)

    return FormScreen(_("Rätta bidrag {n}").format(n=line.id), fields, correct)


def describe_contribution(line: Any) -> str:
    """One line in words, e.g. 'Rad 3: Stadsmissionen, Personal, 100 000 kr per år'."""
    return _("Rad {n}: {party}, {category}, {amount} kr per år").format(
        n=line.id, party=line.party, category=_(labels.CATEGORIES.get(line.category, line.category)),
        amount=kronor(line.amount))


def remove_contribution_form(services: Any, collab: Any, line: Any) -> FormScreen:
    """Confirm removing one contribution line (ctrl+s removes it; the audit log keeps it)."""
    def submit(v: dict[str, Any], confirm: bool) -> Any:
        services.remove_contribution(collab.id, line.id)
        return line

    intro = describe_contribution(line) + "\n" + _("Raden tas bort. Granskningsloggen behåller vad den var.")
    return FormScreen(_("Ta bort bidrag {n}?").format(n=line.id), [], submit, intro=intro,
                      save_label=_("tar bort raden"))


def kronor(amount: int) -> str:
    """Whole kronor with a space between thousands: 1 100 000."""
    return f"{amount:,}".replace(",", " ")


def written_agreement(form: str) -> bool:
    """Whether collaborations of ``form`` have a written agreement."""
    return FORMS[form].written_agreement
