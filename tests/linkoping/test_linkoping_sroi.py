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


# -- the evaluation as a form and its result as a table ----------------------------------

TYPED = ({"investment": "400 000", "years": "3", "discount_rate": "3,5"}, [
    {"name": "Deltagare i arbete", "quantity": "10", "proxy": "50 000", "deadweight": "20",
     "displacement": "10", "attribution": "25", "drop_off": "50", "duration": ""},
    {"name": "Minskat försörjningsstöd", "quantity": "4", "proxy": "25000 kr", "deadweight": "0",
     "displacement": "0", "attribution": "0", "drop_off": "0", "duration": "1"},
])


def test_the_form_declares_every_input_with_a_swedish_label_and_bounds():
    form = sroi.form()
    assert [f.key for f in form.fields] == ["investment", "years", "discount_rate"]
    assert [c.key for c in form.columns] == [  # the CLI's column order: the method's order
        "name", "quantity", "proxy", "deadweight", "displacement", "attribution", "drop_off", "duration"]
    assert {c.key for c in form.columns} == set(sroi.OUTCOME_KEYS)
    assert [c.label for c in form.columns] == [
        "Beskrivning av utfallet", "Antal personer", "Värde per person och år (kr)", "Dödvikt (%)",
        "Undanträngning (%)", "Tillskrivning (%)", "Avtagande per år (%)", "Varaktighet (år)"]
    years = form.fields[1]
    assert (years.minimum, years.maximum) == (1, 10)  # value_model.toml: max_years
    assert form.fields[2].default == 0.035 and not form.fields[2].required
    assert all((c.kind, c.minimum, c.maximum) == ("percent", 0, 100) for c in form.columns[3:7])
    assert form.columns[-1].maximum == "years"


def test_the_hand_calculated_example_typed_into_the_form():
    from samverkan.domain.evaluation import read_form

    evaluation = read_form(sroi.form(), *TYPED)
    assert sroi.validate(evaluation) == sroi.validate(EXAMPLE)
    assert sroi.evaluate(evaluation) == sroi.evaluate(EXAMPLE)


def test_the_form_refuses_what_evaluate_would_refuse_naming_row_and_field_in_swedish():
    from samverkan.domain.evaluation import read_form
    from samverkan.i18n import translate

    figures, rows = TYPED
    bad = [rows[0], {**rows[1], "quantity": "8 deltagare"}]
    with pytest.raises(ValidationError) as exc:
        read_form(sroi.form(), figures, bad)
    assert exc.value.field == "outcomes[1].quantity"
    assert translate(exc.value, "sv") == "Utfall 2, Antal personer: inte ett heltal: '8 deltagare'"
    assert str(exc.value) == "Utfall 2, Antal personer: not a whole number: '8 deltagare'"
    for field, value, swedish in [
        ("deadweight", "120", "Utfall 1, Dödvikt (%): får vara högst 100, inte 120"),
        ("duration", "4", "Utfall 1, Varaktighet (år): får vara högst 3, inte 4"),
        ("proxy", "-50 000", "Utfall 1, Värde per person och år (kr): beloppet får inte vara negativt: '-50 000'"),
    ]:
        with pytest.raises(ValidationError) as exc:
            read_form(sroi.form(), figures, [{**rows[0], field: value}])
        assert translate(exc.value, "sv") == swedish
    with pytest.raises(ValidationError) as exc:
        read_form(sroi.form(), {**figures, "investment": "0"}, rows)
    assert translate(exc.value, "sv") == "Investering (kr): måste vara minst 1, inte 0"
    with pytest.raises(ValidationError) as exc:
        read_form(sroi.form(), {**figures, "years": "11"}, rows)
    assert translate(exc.value, "sv") == "Antal år som räknas: får vara högst 10, inte 11"


def test_the_result_table_has_the_key_figures_then_each_outcome_and_year():
    table = sroi.summarise({**EXAMPLE, **sroi.evaluate(EXAMPLE)})
    assert table.columns == [("figure", "Mått"), ("value", "Värde")]
    assert [(r["figure"], r["value"]) for r in table.rows] == [
        ("Investering (kr)", 400_000), ("Nuvärde (kr)", 544_393), ("Nettonuvärde (kr)", 144_393),
        ("SROI-kvot (nuvärde per investerad krona)", 1.36), ("Antal år", 3), ("Diskonteringsränta (%)", "3,5")]
    outcomes, years = table.sections
    assert [r["present_value"] for r in outcomes.rows] == [447_775, 96_618]
    assert outcomes.totals == {"name": "Summa", "present_value": 544_393}
    assert [(r["year"], r["value"]) for r in years.rows] == [(1, 370_000), (2, 135_000), (3, 67_500)]
    assert sroi.summarise(EXAMPLE) is None  # the input alone: nothing computed to show


def test_the_policy_offers_the_form_and_the_summary(make_services):
    s = make_services("linkoping")
    policy = s.form_rules("iop").follow_up
    assert policy.evaluation_form is sroi.form() and policy.summarise is sroi.summarise
    assert s.form_rules("procurement").follow_up is None
