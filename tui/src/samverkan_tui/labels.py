"""Display names for the core's stable keys (stages, answers, forms …), translated."""

from __future__ import annotations

from samverkan_tui.i18n import N_, _

STAGES = {
    "initiative": N_("Initiativ"),
    "preparation": N_("Beredning"),
    "decided": N_("Beslutad"),
    "declined": N_("Avböjd"),
    "agreement": N_("Avtal"),
    "active": N_("Aktiv"),
    "ended": N_("Avslutad"),
}
ANSWERS = {
    "met": N_("Uppfylld"),
    "not_met": N_("Ej uppfylld"),
    "not_applicable": N_("Ej tillämplig"),
}
FORMS = {
    "informal": N_("Informell samverkan"),
    "grant": N_("Föreningsbidrag"),
    "procurement": N_("Upphandling"),
    "iop": N_("IOP"),
    "external": N_("Externt finansierat projekt"),
    "employer": N_("Civilsamhället som arbetsgivare"),
}
INITIATORS = {"organisation": N_("Organisationen"), "municipality": N_("Kommunen")}
#: obligation levels: what the source's verb makes a rule (a requirement blocks, a
#: recommendation advises, guidance only helps)
LEVELS = {
    "requirement": N_("krav (ska)"),
    "recommendation": N_("rekommendation (bör)"),
    "guidance": N_("vägledning (kan)"),
    "default": N_("programmets standard"),
}
OUTCOMES = {"start": N_("Starta"), "decline": N_("Avböj")}
END_KINDS = {"expired": N_("Löpt ut"), "terminated": N_("Avslutad i förtid")}
DOCUMENT_KINDS = {
    "agreement": N_("Överenskommelse"),
    "minutes": N_("Protokoll"),
    "memo": N_("Tjänsteutlåtande"),
    "follow_up_report": N_("Uppföljningsrapport"),
    "decision": N_("Beslut"),
    "other": N_("Övrigt"),
}
CATEGORIES = {
    "money": N_("Pengar"),
    "staff": N_("Personal"),
    "premises": N_("Lokaler"),
    "administration": N_("Administration"),
    "material": N_("Material"),
}


def stage(key: str | None) -> str:
    """The stage's display name."""
    return _(STAGES.get(key or "", key or ""))


def answer(key: str | None) -> str:
    """An answer's display name ('–' when unanswered)."""
    return _(ANSWERS[key]) if key in ANSWERS else "–"


def form(key: str) -> str:
    """A form's short display name (the municipality's own name is shown where known)."""
    return _(FORMS.get(key, key))


def choices(table: dict[str, str]) -> list[tuple[str, str]]:
    """(label, key) pairs for a select field."""
    return [(_(label), key) for key, label in table.items()]


AUTHORITIES = {"manager": N_("ansvarig chef"), "board": N_("nämnden")}
ENTITIES = {
    "collaboration": N_("samverkan"),
    "organisation": N_("organisation"),
    "contact": N_("kontaktperson"),
    "user": N_("användare"),
    "notification": N_("meddelande"),
    "meta": N_("inställning"),
    "database": N_("databas"),
}
#: the tables whose records the audit chain covers, in words (store.coverage)
RECORD_TABLES = {
    "organisations": N_("organisation"),
    "collaborations": N_("samverkan"),
    "collaboration_organisations": N_("samverkans organisation"),
    "check_answers": N_("svar i checklistan"),
    "decisions": N_("beslut"),
    "agreements": N_("avtal"),
    "contributions": N_("bidrag"),
    "follow_ups": N_("uppföljning"),
    "terminations": N_("avslut"),
    "conflicts": N_("jävsanmälan"),
    "documents": N_("dokument"),
    "records": N_("post"),
    "users": N_("användare"),
    "contacts": N_("kontaktperson"),
}
#: the audit log's actions (transitions and plugin records are named by :func:`event`)
EVENTS = {
    "collaboration.create": N_("Samverkan registrerad"),
    "collaboration.update": N_("Uppgifter ändrade"),
    "organisation.create": N_("Organisation registrerad"),
    "organisation.update": N_("Organisation ändrad"),
    "contact.add": N_("Kontaktperson tillagd"),
    "contact.update": N_("Kontaktperson ändrad"),
    "contact.remove": N_("Kontaktperson borttagen"),
    "check.answer": N_("Kontrollpunkt besvarad"),
    "contributions.replace": N_("Bidrag ersatta"),
    "contribution.add": N_("Bidragsrad tillagd"),
    "contribution.update": N_("Bidragsrad rättad"),
    "contribution.remove": N_("Bidragsrad borttagen"),
    "decision.record": N_("Beslut registrerat"),
    "decision.refused_jaev": N_("Beslut stoppat av jäv"),
    "agreement.record": N_("Avtal registrerat"),
    "follow_up.record": N_("Uppföljning registrerad"),
    "termination.record": N_("Avslut registrerat"),
    "conflict.declare": N_("Jäv anmält"),
    "document.attach": N_("Dokument bifogat"),
    "transition.confirm_advisory": N_("Råd bekräftade"),
    "permission.refused": N_("Nekad: saknar behörighet"),
    "notification.queue": N_("Meddelande köat"),
    "notification.sent": N_("Meddelande skickat"),
    "notification.failed": N_("Meddelande gick inte att skicka"),
    "user.create": N_("Användare tillagd"),
    "user.update": N_("Användare ändrad"),
    "user.remove": N_("Användare borttagen"),
    "meta.set": N_("Inställning ändrad"),
    "backup": N_("Säkerhetskopia"),
}


def level(key: str) -> str:
    """An obligation level in words: 'krav (ska)', 'rekommendation (bör)' …; empty when none."""
    return _(LEVELS[key]) if key in LEVELS else ""


#: the levels in the source's own verb, for a narrow column (the software's own
#: defaults have no verb of a source)
VERBS = {"requirement": N_("ska"), "recommendation": N_("bör"), "guidance": N_("kan")}


def verb(key: str) -> str:
    """An obligation level as the source's verb: 'ska', 'bör', 'kan'; empty when none."""
    return _(VERBS[key]) if key in VERBS else ""


def source_lines(source) -> list[tuple[str, str]]:
    """(label, text) of a rule's level, quote and source, for a facts block: the
    sentence the rule rests on before the document's long title."""
    out = [(_("Nivå"), level(source.level))] if source.level else []
    if source.quote:
        out.append((_("Citat"), f"»{source.quote}«"))
    out.append((_("Källa"), str(source)))
    return out


def authority(key: str) -> str:
    """Who decides, when the municipality named no body: 'ansvarig chef' or 'nämnden'."""
    return _(AUTHORITIES.get(key, key))


def entity(key: str, entity_id: object = "") -> str:
    """An audited object: 'samverkan 3', 'organisation 2'."""
    return f"{_(ENTITIES.get(key, key))} {entity_id}".strip()


def event(action: str, record_kinds: dict[str, str] | None = None) -> str:
    """An audit event's action in words: 'Steg: Initiativ → Beredning', 'Post: Samråd …'.

    ``record_kinds``: the municipality's record kinds by key -> label (an unknown kind
    keeps its key, as does an action this version does not know).
    """
    if action in EVENTS:
        return _(EVENTS[action])
    kind, _sep, rest = action.partition(".")
    if kind == "transition" and rest.count(".") == 1:
        start, end = rest.split(".")
        return _("Steg: {start} → {end}").format(start=stage(start), end=stage(end))
    if kind == "record" and rest:
        return _("Post: {kind}").format(kind=(record_kinds or {}).get(rest, rest))
    return action


def yes_no(value: object) -> str:
    """A stored value as shown: a yes/no flag in words, anything else as it is."""
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    return str(value)


#: the stored fields an audit event's before and after hold, by key
FIELDS = {
    "id": N_("Nr"), "version": N_("Version"), "title": N_("Titel"), "form": N_("Form"),
    "stage": N_("Steg"), "organisation_ids": N_("Organisationer"), "initiator": N_("Initiativtagare"),
    "unit": N_("Enhet"), "manager": N_("Ansvarig chef"), "target_group": N_("Målgrupp"),
    "purpose": N_("Syfte"), "challenge": N_("Samhällsutmaning"), "policy_link": N_("Politisk koppling"),
    "referral": N_("Anvisning"), "activity": N_("Verksamhet"), "participants": N_("Deltagare"),
    "case_number": N_("Diarienummer"), "start": N_("Start"), "end": N_("Slut"),
    "compensated": N_("Ersättning utgår"), "singles_out": N_("En org. särskiljs"),
    "is_example": N_("Exempeldata"), "created_at": N_("Skapad"), "updated_at": N_("Ändrad"),
    "next_follow_up": N_("Nästa uppföljning"),
    "name": N_("Namn"), "orgnr": N_("Org.nr"), "legal_form": N_("Juridisk form"), "contact": N_("Kontakt"),
    "role": N_("Roll"), "email": N_("E-post"), "phone": N_("Telefon"),
    "collaboration_id": N_("Samverkan"), "organisation_id": N_("Organisation"),
    "check_id": N_("Kontrollpunkt"), "answer": N_("Svar"), "note": N_("Anteckning"),
    "answered_by": N_("Besvarad av"), "answered_at": N_("Besvarad"),
    "party": N_("Part"), "category": N_("Kategori"), "amount": N_("Belopp per år (kr)"),
    "is_municipality": N_("Kommunen"), "outcome": N_("Beslut"), "decided_by": N_("Beslutat av"),
    "authority": N_("Beslutas av"), "motivation": N_("Motivering"), "considerations": N_("Överväganden"),
    "decided_on": N_("Beslutsdatum"), "body": N_("Organ"), "meeting_date": N_("Sammanträdesdatum"),
    "minute_paragraph": N_("Protokollsparagraf"), "signed_on": N_("Undertecknat"), "goals": N_("Mätbara mål"),
    "sections": N_("Avsnitt"), "signed_by": N_("Registrerat av"), "done_on": N_("Datum"),
    "summary": N_("Sammanfattning"), "goals_met": N_("Måluppfyllelse"), "evaluation": N_("Utvärdering"),
    "recorded_by": N_("Registrerad av"), "recorded_at": N_("Registrerad"), "joint": N_("Gemensam"),
    "ended_on": N_("Avslutad"), "kind": N_("Slag"), "reason": N_("Skäl"),
    "procurement_unit_involved": N_("Upphandlingsenheten delaktig"), "data": N_("Uppgifter"),
    "filename": N_("Filnamn"), "media_type": N_("Filtyp"), "size": N_("Storlek (byte)"),
    "sha256": N_("SHA-256"), "reference": N_("Diarienummer"), "user": N_("Användare"),
    "declared_at": N_("Anmäld"), "roles": N_("Roller"), "to": N_("Till"), "subject": N_("Ämne"),
    "recipient": N_("Mottagare"), "value": N_("Värde"), "action": N_("Händelse"), "status": N_("Status"),
}
ROLES = {
    "reader": N_("läsare"), "officer": N_("handläggare"), "manager": N_("chef"),
    "preparatory": N_("beredningsgrupp"), "admin": N_("administratör"),
}
#: stored values shown by their label, by the field they are stored in
VALUES = {
    "roles": ROLES,
    "stage": STAGES, "form": FORMS, "answer": ANSWERS, "category": CATEGORIES, "initiator": INITIATORS,
    "outcome": OUTCOMES, "authority": AUTHORITIES, "kind": {**END_KINDS, **DOCUMENT_KINDS},
}


def field_name(key: str) -> str:
    """A stored field's label (an unknown field keeps its key)."""
    return _(FIELDS[key]) if key in FIELDS else key


def stored_value(key: str, value: object) -> str:
    """A stored value of field ``key`` as shown: a key by its label, a flag in words,
    a list joined, a table as compact JSON."""
    import json

    table = VALUES.get(key, {})
    if isinstance(value, str) and value in table:
        return _(table[value])
    if isinstance(value, list):
        return ", ".join(stored_value(key, v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else yes_no(value)


#: the tables a parameter of a core message is looked up in, by the parameter's name
#: (a list of choices, "allowed" or "known", in every table; any other name in none:
#: "{field}" is a field's key, which the form shows by its place)
PARAMETERS = {
    "stage": STAGES, "start": STAGES, "target": STAGES, "to_stage": STAGES, "from_stage": STAGES,
    "form": FORMS, "answer": ANSWERS, "category": CATEGORIES, "initiator": INITIATORS,
    "outcome": OUTCOMES, "kind": {**END_KINDS, **DOCUMENT_KINDS}, "role": ROLES, "roles": ROLES,
    "first": ROLES, "second": ROLES,
}
_ANY = {**STAGES, **FORMS, **ANSWERS, **CATEGORIES, **INITIATORS, **OUTCOMES, **END_KINDS}
#: the operating system's reasons a file cannot be read (``{error}`` of "cannot read {path}")
OS_ERRORS = {
    "No such file or directory": N_("filen finns inte"),
    "Permission denied": N_("behörighet saknas"),
    "Is a directory": N_("det är en mapp"),
    "Not a directory": N_("en del av sökvägen är ingen mapp"),
    "File name too long": N_("namnet är för långt"),
}
PARAMETERS["error"] = OS_ERRORS


def parameter(name: str, value: object) -> object:
    """A core message's parameter as shown: a stable key (``"ended"``), or a list of keys
    joined by ", " (``"met, not_met"``), by its label; anything else as it is (a date, a
    name, a municipality's own name for a form)."""
    if not isinstance(value, str) or not value:
        return value
    table = PARAMETERS.get(name, _ANY if name in ("allowed", "known") else {})
    if table is OS_ERRORS:
        return _(OS_ERRORS[value]) if value in OS_ERRORS else value
    parts = value.split(", ")
    if all(p in table for p in parts):
        return ", ".join(_in_sentence(_(table[p])) for p in parts)
    return value


def _in_sentence(label: str) -> str:
    """A label inside a sentence: 'Avslutad' as 'avslutad', an acronym ('IOP') as it is."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]
