"""English names (translatable) for the core's stable keys, for reports and printouts."""

from __future__ import annotations

from samverkan.i18n import msg

STAGE_NAMES = {"initiative": msg("initiative"), "preparation": msg("preparation"), "decided": msg("decided"),
               "declined": msg("declined"), "agreement": msg("agreement"), "active": msg("active"),
               "ended": msg("ended")}
OUTCOME_NAMES = {"start": msg("start"), "decline": msg("decline")}
AUTHORITY_NAMES = {"manager": msg("manager"), "board": msg("board")}
