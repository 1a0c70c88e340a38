"""The value of a partnership per year, and the municipality's share of it.

Seed 003: the value of each IOP is compiled from staff, premises, administration and
material; the benchmark is that the municipality carries about half. The value is the
sum of every party's yearly contributions (whole kronor); the municipality's share is
what the parties marked ``is_municipality`` contribute, divided by the value. Shares are
:class:`~decimal.Decimal` so that percentages round the way a person would (half up).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from samverkan.domain.model import Contribution
from samverkan_linkoping import data

CENT = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """``part`` of ``whole`` in percent with two decimals (half up); None when ``whole`` is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Valuation:
    """A partnership's yearly value, split by party and by category."""

    value: int
    municipality: int
    by_party: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    municipal_parties: frozenset[str] = frozenset()

    @property
    def partners(self) -> int:
        """What the parties other than the municipality contribute."""
        return self.value - self.municipality

    @property
    def municipal_share(self) -> Decimal | None:
        """The municipality's share of the value as a fraction (None when there is no value)."""
        return Decimal(self.municipality) / Decimal(self.value) if self.value else None

    @property
    def municipal_percent(self) -> Decimal | None:
        """The municipality's share in percent, two decimals (52.87)."""
        return percent(self.municipality, self.value)


def value_of(contributions: Iterable[Contribution]) -> Valuation:
    """Add up ``contributions`` into a :class:`Valuation`."""
    by_party: dict[str, int] = {}
    by_category: dict[str, int] = {}
    municipal: set[str] = set()
    total = muni = 0
    for c in contributions:
        total += c.amount
        by_party[c.party] = by_party.get(c.party, 0) + c.amount
        by_category[c.category] = by_category.get(c.category, 0) + c.amount
        if c.is_municipality:
            muni += c.amount
            municipal.add(c.party)
    return Valuation(total, muni, by_party, by_category, frozenset(municipal))


def add(valuations: Iterable[Valuation]) -> Valuation:
    """The sum of several partnerships' valuations (for a report's total)."""
    total = muni = 0
    for v in valuations:
        total += v.value
        muni += v.municipality
    return Valuation(total, muni)


def benchmark_position(valuation: Valuation) -> str | None:
    """Where the municipality's share lies against the benchmark: "within", "above" or "below".

    None when there is no value to compare. The bounds are inclusive: with the default
    0.5 ± 0.10, exactly 60 % is within.
    """
    share = valuation.municipal_share
    if share is None:
        return None
    target, tolerance = data.benchmark_share(), data.benchmark_tolerance()
    if share > target + tolerance:
        return "above"
    if share < target - tolerance:
        return "below"
    return "within"


POSITION_TEXT = {"within": "inom", "above": "över", "below": "under"}
