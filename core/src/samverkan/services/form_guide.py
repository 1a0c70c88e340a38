"""Use cases of the form questionnaire: the questions, and what the municipality's rules
make of a set of answers (see :mod:`samverkan.domain.form_guide`).

The recommendation comes from the municipality's ``[[form_guide]]`` rules in force
today; only forms the municipality offers are recommended, and every form a rule rules
out is listed with the rule's reason and the sentence it quotes.
"""

from __future__ import annotations

from samverkan.domain import form_guide
from samverkan.domain.form_guide import GuideQuestion, GuideResult
from samverkan.services.session import Session, use_case


class FormGuideUseCases(Session):
    """The form questionnaire (mixed into :class:`samverkan.services.Services`)."""

    @use_case("read")
    def form_questions(self) -> tuple[GuideQuestion, ...]:
        """The questionnaire's questions, in the order they are asked."""
        return form_guide.QUESTIONS

    @use_case("read")
    def recommend_form(self, answers: dict[str, str]) -> GuideResult:
        """What the municipality's rules make of ``answers``: the recommended forms (only
        those it offers, best first) and every form's verdict with its rules."""
        offers = self.view.forms()
        result = form_guide.recommend(self.view.form_guide(), answers, [f.form for f in offers])
        offered = {f.form for f in offers if f.offered}
        result.recommended = [f for f in result.recommended if f in offered]
        return result
