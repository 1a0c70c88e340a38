"""English names (translatable) for the core's stable keys, for reports and printouts."""

from __future__ import annotations

from samverkan.i18n import msg

STAGE_NAMES = {"initiative": msg("initiative"), "preparation": msg("preparation"), "decided": msg("decided"),
               "declined": msg("declined"), "agreement": msg("agreement"), "active": msg("active"),
               "ended": msg("ended")}
ANSWER_NAMES = {"met": msg("met"), "not_met": msg("not met"), "not_applicable": msg("not applicable")}
OUTCOME_NAMES = {"start": msg("start"), "decline": msg("decline")}
AUTHORITY_NAMES = {"manager": msg("manager"), "board": msg("board")}
#: headings of the exported lists' columns, in words (a workbook is read by people)
LIST_HEADINGS = {"id": msg("Id"), "title": msg("Title"), "form": msg("Form"), "stage": msg("Stage"),
                 "unit": msg("Unit"), "organisations": msg("Organisations"), "start": msg("Start"),
                 "end": msg("End"), "next_follow_up": msg("Next follow-up"), "initiator": msg("Initiator"),
                 "is_example": msg("Example"), "name": msg("Name"), "orgnr": msg("Organisation number"),
                 "legal_form": msg("Legal form"), "contact": msg("Contact"), "at": msg("When"),
                 "actor": msg("Who"), "origin": msg("Origin"), "action": msg("Action"),
                 "entity": msg("Object"), "entity_id": msg("Object number")}
