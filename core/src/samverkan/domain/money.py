"""Money: whole Swedish kronor as ``int``.

The guidelines and value tables this product works from give every figure in whole
kronor (seed 003's value table: "2 080 500 kr"), and municipal budgets are set in
kronor, so öre would add precision nobody records. Amounts are never negative.
"""

from __future__ import annotations

from samverkan.domain.errors import ValidationError
from samverkan.i18n import msg

#: the largest amount accepted, in kronor (a thousand billion)
MAX_KRONOR = 10**12


def parse_kronor(value: object, field: str = "amount") -> int:
    """Return ``value`` as whole kronor, refusing negatives, fractions and non-numbers.

    Accepts ints and strings such as ``"2 080 500"``, ``"2080500 kr"`` or ``"1 100 000"``.
    """
    if isinstance(value, bool):
        raise ValidationError(msg("{field}: expected an amount in kronor, got {value!r}", field=field, value=value), field)
    if isinstance(value, int):
        amount = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(msg("{field}: amounts are whole kronor, got {value}", field=field, value=value), field)
        amount = int(value)
    elif isinstance(value, str):
        text = value.strip().lower().removesuffix("kr").replace("\u00a0", "").replace(" ", "")
        if text.startswith("-"):
            raise ValidationError(msg("{field}: amount must not be negative: {value!r}", field=field, value=value), field)
        if not text.isdigit():
            raise ValidationError(msg("{field}: not an amount in whole kronor: {value!r}", field=field, value=value), field)
        amount = int(text)
    else:
        raise ValidationError(msg("{field}: expected an amount in kronor, got {value!r}", field=field, value=value), field)
    if amount < 0:
        raise ValidationError(msg("{field}: amount must not be negative: {amount}", field=field, amount=amount), field)
    if amount > MAX_KRONOR:
        # above any municipality's budget; SQLite's integers end at 2**63 - 1 anyway
        raise ValidationError(msg("{field}: {amount} kronor is more than the largest amount accepted "
                                  "(1 000 000 000 000 kr)", field=field, amount=amount), field)
    return amount


def format_kronor(amount: int) -> str:
    """Format whole kronor the Swedish way: ``2 080 500 kr`` (narrow spaces avoided for terminals)."""
    return f"{amount:,}".replace(",", " ") + " kr"
