"""SROI: the computation against a hand calculation, and bad input refused."""

from __future__ import annotations

import copy

import pytest

from samverkan.domain.errors import ValidationError
from samverkan_linkoping import sroi

# Hand calculation (SROI Guide): investment 400 000 kr over 3 years at 3.5 %.
#
# Outcome A "Deltagare i arbete": 10 × 50 000 kr = 500 000 kr gross.
#   impact = 500 000 × (1 − 0.20 deadweight) × (1 − 0.10 displacement) × (1 − 0.25 attribution)
#          = 500 000 × 0.8 × 0.9 × 0.75 = 270 000 kr in year 1;
#   drop-off 50 %: year 2 = 135 000, year 3 = 67 500.
#   PV = 270 000 / 1.035 + 135 000 / 1.035² + 67 500 / 1.035³
#      = 260 869.57 + 126 023.94 + 60 881.13 = 447 774.64 → 447 775 kr.
# Outcome B "Minskat försörjningsstöd": 4 × 25 000 = 100 000 kr, nothing deducted, lasts 1 year.
#   PV = 100 000 / 1.035 = 96 618.36 → 96 618 kr.
# Total PV = 544 393.00 → 544 393 kr; NPV = 144 393 kr; ratio 544 393 / 400 000 = 1.36.
EXAMPLE = {
    "investment": 400_000,
    "years": 3,
    "discount_rate": 0.035,
    "outcomes": [
        {"name": "Deltagare i arbete", "quantity": 10, "proxy": 50_000, "deadweight": 0.2,
         "attribution": 0.25, "displacement": 0.1, "drop_off": 0.5},
        {"name": "Minskat försörjningsstöd", "quantity": 4, "proxy": 25_000, "deadweight": 0,
         "attribution": 0, "displacement": 0, "drop_off": 0, "duration": 1},
    ],
}


def test_hand_calculated_example():
    result = sroi.evaluate(EXAMPLE)["sroi"]
    assert result["outcomes"] == [
        {"name": "Deltagare i arbete", "gross_value": 500_000, "impact": 270_000, "present_value": 447_775},
        {"name": "Minskat försörjningsstöd", "gross_value": 100_000, "impact": 100_000, "present_value": 96_618},
    ]
    assert result["value_per_year"] == [370_000, 135_000, 67_500]
    assert result["present_value"] == 544_393
    assert result["net_present_value"] == 144_393
    assert result["ratio"] == 1.36
    assert result["discount_rate"] == 0.035 and result["investment"] == 400_000


def test_without_discounting_the_values_simply_add_up():
    example = {**EXAMPLE, "discount_rate": 0}
    result = sroi.evaluate(example)["sroi"]
    assert result["present_value"] == 270_000 + 135_000 + 67_500 + 100_000  # 572 500
    assert result["ratio"] == 1.43  # 572 500 / 400 000 = 1.43125


def test_default_discount_rate_is_three_and_a_half_percent():
    example = {k: v for k, v in EXAMPLE.items() if k != "discount_rate"}
    assert sroi.evaluate(example)["sroi"] == sroi.evaluate(EXAMPLE)["sroi"]


def _with(path: tuple, value):
    data = copy.deepcopy(EXAMPLE)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(("path", "value", "message"), [
    (("investment",), -5, "investment: amount must not be negative"),
    (("investment",), 0, "investment: must be more than 0 kr"),
    (("investment",), 10.5, "investment: amounts are whole kronor"),
    (("investment",), KeyError, "investment: required"),
    (("years",), 0, "years: must be between 1 and 10"),
    (("years",), 2.5, "years: expected a whole number of years"),
    (("discount_rate",), 3.5, "discount_rate: a percentage is given as a fraction between 0 and 1"),
    (("discount_rate",), -0.01, "discount_rate: a percentage is given as a fraction"),
    (("outcomes",), [], "outcomes: give at least one outcome"),
    (("outcomes", 0, "quantity"), -1, "outcomes[0].quantity: must not be negative"),
    (("outcomes", 0, "proxy"), -50_000, "outcomes[0].proxy: must not be negative"),
    (("outcomes", 0, "proxy"), "50 000", "outcomes[0].proxy: expected a number"),
    (("outcomes", 0, "deadweight"), 20, "outcomes[0].deadweight: a percentage is given as a fraction between 0 and 1"),
    (("outcomes", 0, "attribution"), -0.1, "outcomes[0].attribution: a percentage"),
    (("outcomes", 1, "displacement"), 1.5, "outcomes[1].displacement: a percentage"),
    (("outcomes", 0, "drop_off"), float("nan"), "outcomes[0].drop_off: expected a finite number"),
    (("outcomes", 0, "drop_off"), KeyError, "outcomes[0]: missing drop_off"),
    (("outcomes", 0, "name"), " ", "outcomes[0].name: give the outcome a name"),
    (("outcomes", 1, "duration"), 4, "outcomes[1].duration: must be between 1 and 3"),
    (("outcomes", 0, "dead_weight"), 0.1, "outcomes[0]: unknown field(s) dead_weight"),
    (("rate",), 0.1, "unknown SROI field(s): rate"),
])
def test_bad_input_is_refused_with_a_clear_message(path, value, message):
    with pytest.raises(ValidationError) as exc:
        sroi.evaluate(_with(path, value))
    assert str(exc.value).startswith(message)


def test_not_a_table_is_refused():
    with pytest.raises(ValidationError, match="must be a table of values"):
        sroi.evaluate([1, 2])  # type: ignore[arg-type]
