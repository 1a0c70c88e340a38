"""SROI (social return on investment): the evaluation an IOP's follow-up may store.

Seed 003 (Bakgrund, stycke 4): a measuring tool "enligt principen för SROI" was built in
autumn 2019, to be tested in spring 2020; the aim was to implement it in the board's
systematic evaluation of its collaborations. The plugin offers it as guidance (an
evaluation form, no schedule and no obligation). The computation follows the SROI Guide
(Cabinet Office 2012 / Social Value UK):

1. gross value of an outcome = quantity × financial proxy (kronor per unit);
2. impact = gross × (1 − deadweight) × (1 − displacement) × (1 − attribution);
3. the impact in year *t* (1 … duration) is the year-1 impact × (1 − drop-off)^(t−1);
4. each year is discounted: value_t / (1 + rate)^t, and the present values are added;
5. SROI ratio = total present value ÷ investment; net present value = present value − investment.

Input (what a follow-up's ``evaluation`` holds)::

    {"investment": 400000,            # whole kronor, > 0
     "years": 3,                      # projection horizon, 1 … max_years
     "discount_rate": 0.035,          # optional, 0 … 1; default from value_model.toml
     "outcomes": [{"name": "Deltagare i arbete", "quantity": 10, "proxy": 50000,
                   "deadweight": 0.2, "attribution": 0.25, "displacement": 0.1,
                   "drop_off": 0.5, "duration": 3}]}   # duration optional, ≤ years

All four percentages are fractions between 0 and 1 and must be given (the SROI
principle "do not over-claim": leaving one out would silently count it as zero).
Figures are computed with :class:`~decimal.Decimal` and rounded to whole kronor (half up)
only in the result, the ratio to two decimals.

An officer does not write this by hand: :func:`form` declares the inputs with Swedish
labels, kinds and bounds (percentages typed as percent, 25 for 25 %), from which the
core's interfaces build the follow-up form and the CLI's ``--figure``/``--outcome``
options; :func:`summarise` turns a stored evaluation into the result table they show.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from samverkan.domain.errors import ValidationError
from samverkan.domain.money import parse_kronor
from samverkan.domain.rules import EvaluationField, EvaluationForm, ReportTable
from samverkan_linkoping import data

PERCENTAGES = ("deadweight", "attribution", "displacement", "drop_off")
INPUT_KEYS = ("investment", "years", "discount_rate", "outcomes", "note")
OUTCOME_KEYS = ("name", "quantity", "proxy", *PERCENTAGES, "duration")
FIELDS = ("investment", "years", "discount_rate", "outcomes")


def _number(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValidationError(f"{field}: expected a number, got {value!r}", field)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"{field}: expected a finite number, got {value!r}", field)
    return Decimal(str(value))


def _non_negative(value: Any, field: str) -> Decimal:
    number = _number(value, field)
    if number < 0:
        raise ValidationError(f"{field}: must not be negative, got {value!r}", field)
    return number


def _fraction(value: Any, field: str) -> Decimal:
    number = _number(value, field)
    if not 0 <= number <= 1:
        raise ValidationError(
            f"{field}: a percentage is given as a fraction between 0 and 1 (e.g. 0.25 for 25 %), got {value!r}",
            field)
    return number


def _whole(value: Any, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{field}: expected a whole number of years, got {value!r}", field)
    if not low <= value <= high:
        raise ValidationError(f"{field}: must be between {low} and {high}, got {value}", field)
    return value


def validate(evaluation: Any) -> dict[str, Any]:
    """Check an SROI input and return it normalised (Decimals, defaults filled in).

    :raises ValidationError: naming the field (``outcomes[1].deadweight``) and the problem.
    """
    if not isinstance(evaluation, dict):
        raise ValidationError(f"the SROI evaluation must be a table of values, got {type(evaluation).__name__}")
    unknown = sorted(set(evaluation) - set(INPUT_KEYS))
    if unknown:
        raise ValidationError(
            f"unknown SROI field(s): {', '.join(unknown)}; expected: {', '.join(INPUT_KEYS)}", unknown[0])
    for key in ("investment", "years", "outcomes"):
        if key not in evaluation:
            raise ValidationError(f"{key}: required for an SROI evaluation", key)
    settings = data.sroi_settings()
    investment = parse_kronor(evaluation["investment"], "investment")
    if investment == 0:
        raise ValidationError("investment: must be more than 0 kr (the ratio divides by it)", "investment")
    years = _whole(evaluation["years"], "years", 1, int(settings["max_years"]))
    rate = _fraction(evaluation.get("discount_rate", settings["default_discount_rate"]), "discount_rate")
    outcomes = evaluation["outcomes"]
    if not isinstance(outcomes, list) or not outcomes:
        raise ValidationError("outcomes: give at least one outcome", "outcomes")
    clean = []
    for i, outcome in enumerate(outcomes):
        where = f"outcomes[{i}]"
        if not isinstance(outcome, dict):
            raise ValidationError(f"{where}: expected a table of values, got {outcome!r}", where)
        unknown = sorted(set(outcome) - set(OUTCOME_KEYS))
        if unknown:
            raise ValidationError(
                f"{where}: unknown field(s) {', '.join(unknown)}; expected: {', '.join(OUTCOME_KEYS)}",
                f"{where}.{unknown[0]}")
        missing = [k for k in ("name", "quantity", "proxy", *PERCENTAGES) if k not in outcome]
        if missing:
            raise ValidationError(f"{where}: missing {', '.join(missing)}", f"{where}.{missing[0]}")
        name = outcome["name"]
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(f"{where}.name: give the outcome a name", f"{where}.name")
        item = {
            "name": name.strip(),
            "quantity": _non_negative(outcome["quantity"], f"{where}.quantity"),
            "proxy": _non_negative(outcome["proxy"], f"{where}.proxy"),
            **{k: _fraction(outcome[k], f"{where}.{k}") for k in PERCENTAGES},
            "duration": _whole(outcome.get("duration", years), f"{where}.duration", 1, years),
        }
        clean.append(item)
    return {"investment": investment, "years": years, "discount_rate": rate, "outcomes": clean}


def _kronor(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def evaluate(evaluation: dict[str, Any]) -> dict[str, Any]:
    """Compute the SROI of a follow-up's ``evaluation`` (see the module docstring).

    :returns: ``{"sroi": {...}}`` with the present value, net present value and ratio,
        the undiscounted value per year and the figures per outcome; stored by the core
        next to the input.
    :raises ValidationError: on bad input.
    """
    spec = validate(evaluation)
    rate, years = spec["discount_rate"], spec["years"]
    yearly = [Decimal(0)] * years
    outcomes = []
    total_pv = Decimal(0)
    for o in spec["outcomes"]:
        gross = o["quantity"] * o["proxy"]
        impact = gross * (1 - o["deadweight"]) * (1 - o["displacement"]) * (1 - o["attribution"])
        pv = Decimal(0)
        for t in range(1, o["duration"] + 1):
            value = impact * (1 - o["drop_off"]) ** (t - 1)
            yearly[t - 1] += value
            pv += value / (1 + rate) ** t
        total_pv += pv
        outcomes.append({"name": o["name"], "gross_value": _kronor(gross), "impact": _kronor(impact),
                         "present_value": _kronor(pv)})
    investment = spec["investment"]
    ratio = (total_pv / investment).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return {"sroi": {
        "investment": investment,
        "years": years,
        "discount_rate": float(rate),
        "outcomes": outcomes,
        "value_per_year": [_kronor(v) for v in yearly],
        "present_value": _kronor(total_pv),
        "net_present_value": _kronor(total_pv) - investment,
        "ratio": float(ratio),
        "method": "SROI: kvantitet × finansiell proxy, minus dödvikt, undanträngning och tillskrivning; "
                  "avtagande per år; diskonterat",
    }}


# -- the form an officer fills in, and the result shown ---------------------------


def _percent(key: str, label: str, header: str, help_text: str) -> EvaluationField:
    return EvaluationField(key, label, "percent", header=header, minimum=0, maximum=100, help=help_text)


@cache
def form() -> EvaluationForm:
    """The SROI evaluation as a form: the investment, the years and the discount rate,
    then one row per outcome (the columns in the order of :data:`OUTCOME_KEYS`)."""
    settings = data.sroi_settings()
    return EvaluationForm(
        title="SROI (social avkastning på investering)",
        fields=(
            EvaluationField("investment", "Investering (kr)", "kronor", minimum=1,
                            help="Vad samverkan kostar under de år som räknas, i hela kronor"),
            EvaluationField("years", "Antal år som räknas", "integer", minimum=1,
                            maximum=int(settings["max_years"]),
                            help="Hur många år framåt utfallen räknas"),
            EvaluationField("discount_rate", "Diskonteringsränta (%)", "percent", required=False,
                            minimum=0, maximum=100, default=settings["default_discount_rate"],
                            help="Tomt: kommunens standardränta"),
        ),
        rows_key="outcomes",
        row_label="Utfall",
        columns=(
            EvaluationField("name", "Beskrivning av utfallet", "text", header="Utfall",
                            help="Vad som förändras för deltagarna, t.ex. Deltagare i arbete"),
            EvaluationField("quantity", "Antal personer", "integer", header="Antal", minimum=0,
                            help="Hur många personer utfallet gäller"),
            EvaluationField("proxy", "Värde per person och år (kr)", "kronor", header="Värde kr/år",
                            minimum=0, help="Finansiell proxy: vad utfallet är värt per person och år"),
            _percent("deadweight", "Dödvikt (%)", "Dödvikt %", "Andel som hade hänt ändå"),
            _percent("displacement", "Undanträngning (%)", "Undantr %",
                     "Andel som bara flyttas från någon annan"),
            _percent("attribution", "Tillskrivning (%)", "Tillskr %", "Andel som andra har bidragit till"),
            _percent("drop_off", "Avtagande per år (%)", "Avtag %",
                     "Hur mycket effekten minskar varje år efter det första"),
            EvaluationField("duration", "Varaktighet (år)", "integer", header="År", required=False,
                            minimum=1, maximum="years", help="Tomt: alla år som räknas"),
        ),
    )


def summarise(evaluation: dict[str, Any]) -> ReportTable | None:
    """The result of a stored evaluation: the key figures, then a section per outcome
    and one per year (None when it holds no computed SROI)."""
    result = evaluation.get("sroi")
    if not isinstance(result, dict):
        return None
    rate = Decimal(str(result["discount_rate"])) * 100
    figures = [
        ("Investering (kr)", result["investment"]),
        ("Nuvärde (kr)", result["present_value"]),
        ("Nettonuvärde (kr)", result["net_present_value"]),
        ("SROI-kvot (nuvärde per investerad krona)", result["ratio"]),
        ("Antal år", result["years"]),
        ("Diskonteringsränta (%)", f"{rate.normalize():f}".replace(".", ",")),
    ]
    outcomes = ReportTable(
        "Per utfall",
        [("name", "Utfall"), ("gross_value", "Bruttovärde år 1 (kr)"), ("impact", "Effekt år 1 (kr)"),
         ("present_value", "Nuvärde (kr)")],
        [{k: o[k] for k in ("name", "gross_value", "impact", "present_value")} for o in result["outcomes"]],
        totals={"name": "Summa", "present_value": result["present_value"]},
    )
    per_year = ReportTable(
        "Per år",
        [("year", "År"), ("value", "Värde, ej diskonterat (kr)")],
        [{"year": i, "value": v} for i, v in enumerate(result["value_per_year"], start=1)],
    )
    return ReportTable(
        "SROI",
        [("figure", "Mått"), ("value", "Värde")],
        [{"figure": name, "value": value} for name, value in figures],
        notes=[result.get("method", "")] if result.get("method") else [],
        sections=[outcomes, per_year],
    )
