"""Choosing the form: a questionnaire whose answers lead to a recommended form.

The questions are the core's and the same in every municipality (seed 001 pp. 6–9 and
seed 003 "Bakgrund" ask them in one wording or another): will the municipality pay or
contribute staff, is there a commercial market for what is to be done, who took the
initiative, does a standardised grant cover it, and is it the organisation's own
activity rather than something the municipality orders. What an answer *means* is the
municipality's: its plugin declares :class:`GuideRule` s, each pointing to a form,
ruling one out or raising a caution, and each quoting the sentence it rests on.

The guide recommends; it never decides. Its answers are stored with the collaboration
and shown to the decider, who may choose otherwise (and says why in the decision).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from samverkan.domain.errors import ValidationError
from samverkan.domain.model import FORM_KEYS, Source
from samverkan.i18n import msg

#: what a rule does to its form
Effect = Literal["points_to", "rules_out", "caution"]
EFFECTS: tuple[str, ...] = ("points_to", "rules_out", "caution")


@dataclass(frozen=True)
class GuideQuestion:
    """One question of the guide, with the answers it accepts (key, label)."""

    key: str
    text: str
    choices: tuple[tuple[str, str], ...]
    help: str = ""

    def label(self, answer: str) -> str:
        """The label of ``answer`` (the key itself if unknown)."""
        return dict(self.choices).get(answer, answer)


YES_NO_UNSURE = (("yes", msg("yes")), ("no", msg("no")), ("unsure", msg("unsure")))

#: The core's questions, in the order they are asked.
QUESTIONS: tuple[GuideQuestion, ...] = (
    GuideQuestion("pays", msg("Will the municipality pay, or contribute staff or premises?"), YES_NO_UNSURE,
                  msg("Money, staff time, premises or material all count.")),
    GuideQuestion("market", msg("Is there a commercial market for what is to be done "
                                "(could it be put out to tender)?"), YES_NO_UNSURE),
    GuideQuestion("initiator", msg("Who took the initiative?"),
                  (("organisation", msg("the organisation")), ("municipality", msg("the municipality")))),
    GuideQuestion("standard_grant", msg("Would a standardised association grant cover it?"), YES_NO_UNSURE),
    GuideQuestion("own_activity", msg("Is it the organisation's own activity, not something the "
                                      "municipality orders and steers in detail?"), YES_NO_UNSURE),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)


def question(key: str) -> GuideQuestion:
    """The question with ``key``."""
    for q in QUESTIONS:
        if q.key == key:
            return q
    raise ValidationError(msg("unknown question {key!r}; the questions are: {known}",
                              key=key, known=", ".join(QUESTION_KEYS)), "question")


@dataclass(frozen=True)
class GuideRule:
    """What one answer means for one form in a municipality.

    :param form: the form the rule is about.
    :param when: the answers that trigger it (every one must match), e.g.
        ``{"market": "yes"}``.
    :param effect: ``points_to`` (the source names this form for the case),
        ``rules_out`` (the source says the form cannot be used; from "ska", "måste",
        "får inte") or ``caution`` (the source asks for an assessment; from "bör" or a
        described risk).
    :param reason: the consequence in the municipality's words, shown to the officer.
    :param source: the document and place; ``quote`` the sentence the rule rests on.
    """

    id: str
    form: str
    when: dict[str, str]
    effect: str
    reason: str
    source: Source
    quote: str = ""

    def __post_init__(self) -> None:
        if self.form not in FORM_KEYS:
            raise ValidationError(msg("{id}: unknown form {form!r}", id=self.id, form=self.form), "form")
        if self.effect not in EFFECTS:
            raise ValidationError(msg("{id}: unknown effect {effect!r}; one of: {known}", id=self.id,
                                      effect=self.effect, known=", ".join(EFFECTS)), "effect")
        if not self.when:
            raise ValidationError(msg("{id}: a rule needs at least one answer in 'when'", id=self.id), "when")
        for key, answer in self.when.items():
            if answer not in dict(question(key).choices):
                raise ValidationError(msg("{id}: {answer!r} is not an answer to {key!r}",
                                          id=self.id, answer=answer, key=key), "when")

    def applies(self, answers: dict[str, str]) -> bool:
        """Whether every answer in :attr:`when` was given."""
        return all(answers.get(k) == v for k, v in self.when.items())


@dataclass
class FormVerdict:
    """What the guide says about one form: the rules that point to it, rule it out or caution."""

    form: str
    points_to: list[GuideRule] = field(default_factory=list)
    rules_out: list[GuideRule] = field(default_factory=list)
    caution: list[GuideRule] = field(default_factory=list)

    @property
    def ruled_out(self) -> bool:
        """Whether a rule rules the form out."""
        return bool(self.rules_out)


@dataclass
class GuideResult:
    """The guide's answer: the recommended forms (best first), and every form's verdict."""

    answers: dict[str, str]
    recommended: list[str]
    verdicts: dict[str, FormVerdict]

    @property
    def ruled_out(self) -> list[FormVerdict]:
        """The forms ruled out, each with its reasons."""
        return [v for v in self.verdicts.values() if v.ruled_out]


def answers_in_words(answers: dict[str, str]) -> list[tuple[str, str]]:
    """Stored answers as (question, answer) texts, in the order they were given; keys
    that are no question (any more) are left out."""
    return [(question(k).text, question(k).label(v)) for k, v in answers.items() if k in QUESTION_KEYS]


def validate_answers(answers: dict[str, str]) -> dict[str, str]:
    """``answers`` checked against the questions (unanswered questions are left out)."""
    clean = {}
    for key, answer in answers.items():
        q = question(key)
        answer = (answer or "").strip()
        if not answer:
            continue
        if answer not in dict(q.choices):
            raise ValidationError(msg("{answer!r} is not an answer to {question!r}; answer one of: {known}",
                                      answer=answer, question=q.text,
                                      known=", ".join(k for k, _ in q.choices)), key)
        clean[key] = answer
    return clean


def recommend(rules: list[GuideRule], answers: dict[str, str], forms: list[str]) -> GuideResult:
    """Judge ``forms`` (the municipality's offered forms, in its order) on ``answers``.

    A form is recommended when a rule points to it and none rules it out; when no rule
    points anywhere, every form not ruled out remains, in the municipality's order.
    Forms with more pointing rules come first.
    """
    answers = validate_answers(answers)
    verdicts = {f: FormVerdict(f) for f in forms}
    for rule in rules:
        if rule.form in verdicts and rule.applies(answers):
            getattr(verdicts[rule.form], rule.effect).append(rule)
    open_forms = [f for f in forms if not verdicts[f].ruled_out]
    pointed = [f for f in open_forms if verdicts[f].points_to]
    ranked = sorted(pointed, key=lambda f: -len(verdicts[f].points_to)) if pointed else open_forms
    return GuideResult(answers=answers, recommended=ranked, verdicts=verdicts)


def rules_from_data(entries: list[dict[str, object]], source_of) -> list[GuideRule]:
    """:class:`GuideRule` s from a plugin's ``[[form_guide]]`` tables.

    :param source_of: ``(document_key, section) -> Source``, the municipality's way to
        cite its documents (an unknown document key raises, naming it).
    """
    out = []
    for n, entry in enumerate(entries, 1):
        known = {"id", "form", "when", "effect", "reason", "document", "section", "quote", "level", "deviation"}
        unknown = sorted(set(entry) - known)
        if unknown:
            raise ValidationError(msg("form_guide entry {n}: unknown key(s) {keys}; expected: {known}",
                                      n=n, keys=", ".join(unknown), known=", ".join(sorted(known))), "form_guide")
        # a rule of the software's own (level "default") quotes no municipal document
        needed = ("id", "form", "when", "effect", "reason", "document",
                  *(("quote",) if entry.get("level") != "default" else ()))
        missing = [k for k in needed if not entry.get(k)]
        if missing:
            raise ValidationError(msg("form_guide entry {n}: missing {keys}", n=n, keys=", ".join(missing)),
                                  "form_guide")
        out.append(GuideRule(
            id=str(entry["id"]), form=str(entry["form"]),
            when={str(k): str(v) for k, v in dict(entry["when"]).items()},  # type: ignore[arg-type]
            effect=str(entry["effect"]), reason=str(entry["reason"]),
            source=source_of(str(entry["document"]), str(entry.get("section", ""))),
            quote=str(entry.get("quote", ""))))
    return out
