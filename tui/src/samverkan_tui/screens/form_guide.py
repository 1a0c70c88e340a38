"""Choosing the form: the core's questionnaire, then what the municipality's rules make of
the answers (``g`` from the home screen, or "Välj samverkansform" in the palette).

The questions are asked in a form; the answer is shown as the recommended forms (only
those the municipality offers), then every form a rule rules out or cautions about,
each with its reason, its source and the sentence it quotes. Enter registers a new
initiative with the highlighted recommended form; the answers go with it and are shown
to the decider.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from samverkan_tui.i18n import N_, _, core_text
from samverkan_tui.screens.base import BaseModal
from samverkan_tui.screens.form import Field, FormScreen

EFFECT_TITLES = {"rules_out": N_("Utesluts"), "caution": N_("Att pröva särskilt"), "points_to": N_("Talar för")}


def guide_form(services: Any) -> FormScreen:
    """The questionnaire as a form; saving it asks the services what the answers mean."""
    fields = []
    for q in services.form_questions():
        choices = [(core_text(label), key) for key, label in q.choices]
        default = "unsure" if any(key == "unsure" for key, _l in q.choices) else q.choices[0][0]
        fields.append(Field(q.key, core_text(q.text), "choice", required=True, value=default, choices=choices))

    def submit(values: dict[str, Any], confirm: bool) -> Any:
        # "vet inte" is an answer too: a source may ask for care where it is not known
        answers = {k: v for k, v in values.items() if v}
        return services.recommend_form(answers), answers

    return FormScreen(_("Välj samverkansform"), fields, submit,
                      intro=_("Svaren prövas mot kommunens riktlinjer. Förslaget är ett stöd; "
                              "beslutet fattas av den som har rätt att besluta."))


class GuideResultScreen(BaseModal[tuple[str, dict[str, str]] | None]):
    """The recommendation with its reasons; enter registers with the highlighted form."""

    BINDINGS = [
        Binding("enter", "choose", N_("Registrera med formen"), id="guide.choose",
                tooltip=N_("Registrera ett nytt initiativ med den markerade formen och svaren")),
        Binding("escape", "close", N_("Stäng"), id="guide.close", tooltip=N_("Tillbaka utan att registrera")),
    ]

    def __init__(self, result: Any, answers: dict[str, str], names: dict[str, str]) -> None:
        super().__init__()
        self.result = result
        self.answers = answers
        self.names = names

    def compose(self) -> ComposeResult:
        with Vertical(id="guide-box"):
            yield Label(Text(_("Förslag till samverkansform")), id="guide-title")
            options = [Option(Text(self.names.get(f, f), style="bold"), id=f) for f in self.result.recommended]
            if options:
                yield OptionList(*options, id="guide-forms")
            else:
                yield Static(Text(_("Ingen form som kommunen erbjuder återstår med dessa svar.")))
            with VerticalScroll(id="guide-reasons"):
                yield Static(self.reasons(), id="guide-text")
            yield Label(Text(_("enter registrerar med markerad form · esc stänger")), id="guide-hint")

    def reasons(self) -> Text:
        """Every rule that applied, per form: ruled out, cautions, then what speaks for it."""
        out = Text()
        for form, verdict in self.result.verdicts.items():
            for effect in ("rules_out", "caution", "points_to"):
                for rule in getattr(verdict, effect):
                    if out:
                        out.append("\n\n")
                    out.append(f"{_(EFFECT_TITLES[effect])}: {self.names.get(form, form)}\n", style="bold")
                    out.append(f"{rule.reason}\n")
                    out.append(f"«{rule.quote}»\n", style="italic")
                    out.append(f"{rule.source} ({rule.id})", style="dim")
        return out or Text(_("Inga regler gäller för dessa svar."))

    def on_mount(self) -> None:
        if self.result.recommended:
            self.query_one("#guide-forms", OptionList).focus()

    @on(OptionList.OptionSelected, "#guide-forms")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((event.option.id, self.answers))

    def action_choose(self) -> None:
        if not self.result.recommended:
            return
        options = self.query_one("#guide-forms", OptionList)
        index = options.highlighted if options.highlighted is not None else 0
        self.dismiss((options.get_option_at_index(index).id, self.answers))

    def action_close(self) -> None:
        self.dismiss(None)
