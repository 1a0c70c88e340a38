"""A contact person of an organisation, and reading one out of free text.

Contact persons are the personal data the core holds most directly (GDPR): name, role,
e-mail address and telephone number, each marked personal in the store
(:data:`samverkan.store.privacy.PERSONAL`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.model import clean_text
from samverkan.i18n import msg

#: the fields of a contact person that can be given and changed
CONTACT_FIELDS = ("name", "role", "email", "phone")

#: a whole e-mail address: no spaces, one "@", a domain of at least two dot-separated parts
_EMAIL = re.compile(r"[^\s@<>(),;:\"\[\]]+@[^\s@<>(),;:\"\[\].]+(?:\.[^\s@<>(),;:\"\[\].]+)+")
#: an e-mail address inside free text
_EMAIL_IN_TEXT = re.compile(r"[\w.+%'-]+@[\w-]+(?:\.[\w-]+)+")
#: what a telephone number is written with: digits, spaces, a leading "+", "-" and parentheses
_PHONE = re.compile(r"\+?[\d ()-]+")
#: a telephone number inside free text (its digit count is checked afterwards)
_PHONE_IN_TEXT = re.compile(r"\+?\(?\d[\d \t()-]*\d\)?")
PHONE_DIGITS = (6, 20)
#: a date, which has the digits of a telephone number but is none
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: what separates the parts of a free-text contact ("Anna Svensson, anna@x.se; 070-…"); a
#: slash only with a space beside it ("Anna / 070-…", not "Anna/Bertil")
_CONTACT_PARTS = re.compile(r"[,;|\n\t]+|\s+/\s*|\s*/\s+")
#: labels free text puts before an address or a number ("tel.", "e-post:"), dropped
_CONTACT_LABELS = {"tel", "tfn", "telefon", "mobil", "mob", "mobiltelefon", "phone", "e-post", "epost",
                   "e-mail", "email", "mail", "mejl", "kontakt", "kontaktperson"}


def validate_email(value: Any, field: str = "email") -> str:
    """An e-mail address as given, stripped ("" for none); a plain syntactic check.

    :raises ValidationError: one line naming the field and the value.
    """
    text = clean_text(value, field, max_length=254)
    if text and not _EMAIL.fullmatch(text):
        raise ValidationError(msg("{field}: not an e-mail address (name@example.se): {value!r}",
                                  field=field, value=text), field)
    return text


def normalise_phone(value: Any, field: str = "phone") -> str:
    """A telephone number with its spaces made single ("" for none).

    Digits, spaces, a leading "+", "-" and parentheses, with 6 to 20 digits.

    :raises ValidationError: one line naming the field and the value.
    """
    text = " ".join(clean_text(value, field, max_length=40).split())
    if not text:
        return ""
    digits = sum(ch.isdigit() for ch in text)
    if not _PHONE.fullmatch(text) or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]:
        raise ValidationError(msg("{field}: not a telephone number (digits, spaces, +, - and "
                                  "parentheses; {low} to {high} digits): {value!r}", field=field,
                                  low=PHONE_DIGITS[0], high=PHONE_DIGITS[1], value=text), field)
    return text


@dataclass
class Contact:
    """A contact person of an organisation: a name (required), their role, an e-mail
    address and a telephone number (both checked)."""

    organisation_id: int
    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    id: int | None = None
    version: int = 1

    def __post_init__(self) -> None:
        self.name = clean_text(self.name, "name", required=True, max_length=500)
        self.role = clean_text(self.role, "role", max_length=200)
        self.email = validate_email(self.email)
        self.phone = normalise_phone(self.phone)


def parse_contact(text: Any) -> dict[str, str] | None:
    """The contact person in a free-text contact ("Anna Svensson, anna@example.se,
    070-123 45 67"): ``{"name", "email", "phone"}``, or None for empty text.

    The first e-mail address and the first telephone number (6 to 20 digits) are taken
    out; what remains, without separators (``, ; / |``) and labels such as "tel.", is the
    name. With no name left, the e-mail address (else the number) is the name. Never
    raises for text: what is not an address or a number stays in the name.
    """
    if not isinstance(text, str):
        return None
    rest = whole = clean_text(text, "contact", max_length=len(text) + 1)
    if not rest:
        return None
    email = phone = ""
    found = _EMAIL_IN_TEXT.search(rest)
    if found and _EMAIL.fullmatch(found.group()) and len(found.group()) <= 254:
        email = found.group()
        rest = rest[:found.start()] + "\n" + rest[found.end():]
    for found in _PHONE_IN_TEXT.finditer(rest):
        candidate = _paired(found.group())
        if _ISO_DATE.fullmatch(candidate):
            continue
        try:
            phone = normalise_phone(candidate)
        except ValidationError:
            continue
        rest = rest[:found.start()] + "\n" + rest[found.end():]
        break
    parts = []
    for part in _CONTACT_PARTS.split(rest):
        words = " ".join(part.split()).split(" ")
        while words and words[0].lower().rstrip(".:") in _CONTACT_LABELS:  # "tel.", "e-post:"
            words.pop(0)
        while words and words[-1].lower().rstrip(".:") in _CONTACT_LABELS:
            words.pop()
        part = _trim(" ".join(words))
        if part:
            parts.append(part)
    name = ", ".join(parts) or email or phone or " ".join(whole.split())  # labels only: kept as given
    return {"name": name, "email": email, "phone": phone}


def _paired(number: str) -> str:
    """A number found in text without a bracket around it or left over at its edge:
    "(070-123 45 67)" and "070-123 45 67)" as "070-123 45 67", "(08) 123 45" as it is."""
    inner = number[1:-1]
    if number.startswith("(") and number.endswith(")") and "(" not in inner and ")" not in inner:
        return inner
    if number.count(")") > number.count("(") and number.endswith(")"):
        return number[:-1]
    if number.count("(") > number.count(")") and number.startswith("("):
        return number[1:]
    return number


def _trim(part: str) -> str:
    """A part of a free-text contact without what its address or number left at its
    edges: dashes, colons, angle brackets, and brackets that no longer pair up."""
    part = part.strip(" -:<>")
    for left, right in ("()", "[]"):
        if part.count(left) != part.count(right):
            part = part.strip(f" {left}{right}").strip(" -:<>")
    return part
