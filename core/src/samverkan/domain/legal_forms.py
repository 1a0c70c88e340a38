"""What an organisation number's group digit says about the legal form.

The first digit of a Swedish organisation number (the group digit) is public and tells
which kind of legal person the number was given to. When it contradicts the legal
form an officer chose, the officer is told: advisory only, never blocking, because the
register is the authority and the choice may be deliberate ("annan").
"""

from __future__ import annotations

from typing import Any

from samverkan.i18n import msg

#: group digit -> (what the register gives it to, the legal forms of ours it fits)
GROUPS: dict[str, tuple[Any, frozenset[str]]] = {
    "2": (msg("state, regions, municipalities and parishes"), frozenset({"kommunalförbund"})),
    "5": (msg("aktiebolag, including those with special profit-distribution limits"),
          frozenset({"aktiebolag", "aktiebolag med särskild vinstutdelningsbegränsning"})),
    "7": (msg("ekonomisk förening"), frozenset({"ekonomisk förening"})),
    "8": (msg("ideell förening and stiftelse"), frozenset({"ideell förening", "stiftelse"})),
    "9": (msg("handelsbolag and kommanditbolag"), frozenset()),
}

#: forms whose group digit is not checked: "annan" is a deliberate choice, and the
#: group digits of registered religious communities and joint property associations
#: are not in the sources this was checked against
UNCHECKED = frozenset({"annan", "registrerat trossamfund", "samfällighet"})


def legal_form_advice(orgnr: str, legal_form: str) -> str | None:
    """An advisory when ``orgnr``'s group digit contradicts ``legal_form``, else None."""
    digit = (orgnr or "").strip()[:1]
    if legal_form in UNCHECKED or digit not in GROUPS:
        return None
    given_to, fits = GROUPS[digit]
    if legal_form in fits:
        return None
    return msg("organisation number {orgnr} has group digit {digit}, given to {given_to}; "
               "check the legal form {legal_form!r}",
               orgnr=orgnr, digit=digit, given_to=given_to, legal_form=legal_form)
