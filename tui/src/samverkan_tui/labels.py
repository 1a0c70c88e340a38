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
