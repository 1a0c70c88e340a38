"""A follow-up's evaluation as a form (samverkan.domain.evaluation): typed text in, the
``evaluation`` dict out; every refusal names the field by its label, a row by its number,
and reads in Swedish through the core's catalogue."""

from __future__ import annotations

import pytest

from samverkan.domain.errors import ValidationError
from samverkan.domain.evaluation import (
    describe,
    display,
    entered,
    headers_match,
    read_form,
    rows_from_text,
    summarise,
)
from samverkan.domain.model import Source
from samverkan.domain.rules import EvaluationField, EvaluationForm, FollowUpPolicy, ReportTable
from samverkan.i18n import translate

FORM = EvaluationForm(
    "Utvärdering",
    fields=(
        EvaluationField("cost", "Kostnad (kr)", "kronor", minimum=1),
        EvaluationField("years", "År", "integer", minimum=1, maximum=5),
        EvaluationField("rate", "Ränta (%)", "percent", required=False, minimum=0, maximum=100, default=0.035),
        EvaluationField("note", "Anteckning", "text", required=False),
    ),
    rows_key="effects",
    row_label="Effekt",
    columns=(
        EvaluationField("name", "Beskrivning", "text", header="Effekt"),
        EvaluationField("people", "Antal personer", "integer", header="Antal", minimum=0),
        EvaluationField("share", "Andel (%)", "percent", header="Andel", minimum=0, maximum=100),
        EvaluationField("factor", "Faktor", "number", required=False),
        EvaluationField("span", "Varaktighet (år)", "integer", header="År", required=False,
                        minimum=1, maximum="years"),
    ),
)
FIGURES = {"cost": "400 000 kr", "years": "3"}


def refusal(values, rows) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        read_form(FORM, values, rows)
    return exc.value


def test_typed_text_becomes_the_stored_evaluation():
    evaluation = read_form(FORM, {**FIGURES, "note": " Första året "}, [
        {"name": "Deltagare i arbete", "people": "10", "share": "25 %", "factor": "1,5", "span": "2"},
        {},  # an empty row is skipped
        {"name": "Minskat stöd", "people": " 4 ", "share": "2,5", "factor": "", "span": ""},
    ])
    assert evaluation == {
        "cost": 400_000, "years": 3, "rate": 0.035, "note": "Första året",
        "effects": [{"name": "Deltagare i arbete", "people": 10, "share": 0.25, "factor": 1.5, "span": 2},
                    {"name": "Minskat stöd", "people": 4, "share": 0.025}],
    }
    assert isinstance(evaluation["effects"][1]["people"], int)


def test_a_typed_rate_replaces_the_default_and_numbers_are_accepted_too():
    assert read_form(FORM, {**FIGURES, "rate": "0"}, [{"name": "A", "people": 1, "share": 100}]) == {
        "cost": 400_000, "years": 3, "rate": 0.0, "effects": [{"name": "A", "people": 1, "share": 1.0}]}


@pytest.mark.parametrize(("values", "rows", "field", "english", "swedish"), [
    ({**FIGURES, "cost": "0"}, [], "cost",
     "Kostnad (kr): must be at least 1, got 0", "Kostnad (kr): måste vara minst 1, inte 0"),
    ({**FIGURES, "cost": "12,50"}, [], "cost",
     "Kostnad (kr): not an amount in whole kronor: '12,50'", None),
    ({"cost": "1"}, [], "years", "År: must not be empty", "År: får inte vara tomt"),
    ({**FIGURES, "years": "2.5"}, [], "years", "År: not a whole number: '2.5'", "År: inte ett heltal: '2.5'"),
    ({**FIGURES, "years": "6"}, [], "years", "År: must be at most 5, got 6", "År: får vara högst 5, inte 6"),
    ({**FIGURES, "rate": "3,5 procent"}, [], "rate", "Ränta (%): not a number: '3,5 procent'",
     "Ränta (%): inte ett tal: '3,5 procent'"),
    ({**FIGURES, "budget": "1"}, [], "budget", "unknown field 'budget'; the form has: cost, note, rate, years",
     "okänt fält 'budget'; formuläret har: cost, note, rate, years"),
    (FIGURES, [{}], "effects", "Effekt: give at least one row", "Effekt: fyll i minst en rad"),
    (FIGURES, [{"name": "A", "people": "1", "share": "1"}, {"name": "B", "people": "8 deltagare", "share": "1"}],
     "effects[1].people", "Effekt 2, Antal personer: not a whole number: '8 deltagare'",
     "Effekt 2, Antal personer: inte ett heltal: '8 deltagare'"),
    (FIGURES, [{}, {"name": "B", "people": "1", "share": "120"}], "effects[1].share",
     "Effekt 2, Andel (%): must be at most 100, got 120", "Effekt 2, Andel (%): får vara högst 100, inte 120"),
    (FIGURES, [{"name": "B", "people": "-1", "share": "1"}], "effects[0].people",
     "Effekt 1, Antal personer: must be at least 0, got -1", None),
    (FIGURES, [{"name": "", "people": "1", "share": "1"}], "effects[0].name",
     "Effekt 1, Beskrivning: must not be empty", "Effekt 1, Beskrivning: får inte vara tomt"),
    (FIGURES, [{"name": "A", "people": "1"}], "effects[0].share",
     "Effekt 1, Andel (%): must not be empty", None),
    (FIGURES, [{"name": "A", "people": "1", "share": "1", "span": "4"}], "effects[0].span",
     "Effekt 1, Varaktighet (år): must be at most 3, got 4", None),  # at most the form's years
    (FIGURES, [{"name": "A", "people": "1", "share": "1", "factor": "nan"}], "effects[0].factor",
     "Effekt 1, Faktor: not a number: 'nan'", None),
    (FIGURES, [{"name": "A", "people": "1", "share": "1", "weight": "2"}], "effects[0].weight",
     "Effekt 1, unknown field 'weight'; the form has: name, people, share, factor, span", None),
])
def test_a_refusal_names_the_field_and_the_row(values, rows, field, english, swedish):
    exc = refusal(values, rows)
    assert exc.field == field
    assert str(exc) == english
    if swedish:
        assert translate(exc, "sv") == swedish


def test_a_row_on_one_line_in_column_order_or_as_pairs():
    assert rows_from_text(FORM, "Deltagare i arbete;10;25") == {"name": "Deltagare i arbete", "people": "10",
                                                                "share": "25"}
    assert rows_from_text(FORM, "share=25; name=Deltagare i arbete ;people=10") == {
        "share": "25", "name": "Deltagare i arbete", "people": "10"}
    with pytest.raises(ValidationError, match="6 values, but a row has 5"):
        rows_from_text(FORM, "a;1;2;3;4;5")
    with pytest.raises(ValidationError, match="write every value as key=value"):
        rows_from_text(FORM, "name=A;10")


def test_csv_headings_are_keys_labels_or_short_headers():
    assert headers_match(FORM, ["Beskrivning", " antal ", "share", "År"]) == ["name", "people", "share", "span"]
    with pytest.raises(ValidationError, match="unknown column 'Vikt'"):
        headers_match(FORM, ["name", "Vikt"])


def test_stored_values_are_shown_as_typed():
    rate, cost = FORM.fields[2], FORM.fields[0]
    assert (display(rate, 0.035), display(rate, 0.25), display(cost, 400_000), display(rate, None)) == (
        "3,5", "25", "400 000", "")
    pairs, rows = entered(FORM, {"cost": 400_000, "years": 3, "rate": 0.035,
                                 "effects": [{"name": "A", "people": 2, "share": 0.5}]})
    assert pairs == [("Kostnad (kr)", "400 000"), ("År", "3"), ("Ränta (%)", "3,5")]
    assert rows.columns[:3] == [("name", "Effekt"), ("people", "Antal"), ("share", "Andel")]
    assert rows.rows == [{"name": "A", "people": "2", "share": "50", "factor": "", "span": ""}]
    assert describe(FORM)[0] == "Utvärdering" and any(line.startswith("  span") for line in describe(FORM))


def test_a_summary_the_policy_cannot_read_is_no_summary():
    def summary(evaluation):
        return ReportTable("R", [("k", "K")], [{"k": evaluation["result"]["value"]}])

    policy = FollowUpPolicy(12, "Mått", Source("Riktlinjer"), evaluation_form=FORM, summarise=summary)
    assert summarise(policy, {"result": {"value": 3}}).rows == [{"k": 3}]
    assert summarise(policy, {"cost": 1}) is None  # stored before the policy computed a result
    assert summarise(policy, {}) is None
    assert summarise(FollowUpPolicy(12, "Mått", Source("Riktlinjer")), {"result": 1}) is None


def test_an_unknown_kind_is_refused_when_declared():
    with pytest.raises(ValidationError, match="unknown evaluation field kind 'money'"):
        EvaluationField("x", "X", "money")
