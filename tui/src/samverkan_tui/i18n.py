"""Translations of the interface text (gettext message catalogues).

Source strings are Swedish; ``locale/<lang>/LC_MESSAGES/samverkan_tui.po`` holds the
translations. The ``.po`` file is read at run time with Babel's ``pofile`` reader, so
no build step (``.mo`` compilation) is needed; Babel is imported only when a language
other than Swedish is selected, which keeps the default start-up lean.

Extraction: ``pybabel extract -k _ -k N_ -o samverkan_tui.pot tui/src/samverkan_tui``.

Binding descriptions are marked with :func:`N_` and translated when shown (see
``screens.base.BaseScreen.active_bindings``), because Textual reads ``BINDINGS`` when
the class is created, before the language of the run is known.

Plugin-supplied texts (rule texts, form names, check items) are never translated here.

The core's refusal messages are English templates (:func:`samverkan.i18n.msg`) with
their own catalogue in the core; :func:`core_text` shows one in the interface language.
"""

from __future__ import annotations

from typing import Any

DOMAIN = "samverkan_tui"
SOURCE_LANGUAGE = "sv"

_catalogue: dict[str, str] = {}
_language = SOURCE_LANGUAGE


def load_catalogue(lang: str) -> dict[str, str]:
    """The translations for ``lang`` as a dict (empty for Swedish or a missing catalogue)."""
    if lang == SOURCE_LANGUAGE:
        return {}
    from samverkan.i18n import read_catalogue  # Babel only for a non-Swedish interface

    return read_catalogue("samverkan_tui", DOMAIN, lang)


def set_language(lang: str | None) -> str:
    """Select the interface language (``sv`` or ``en``); returns the one in effect."""
    global _catalogue, _language
    lang = (lang or SOURCE_LANGUAGE).split("_")[0].lower()
    _catalogue = load_catalogue(lang)
    _language = lang if (lang == SOURCE_LANGUAGE or _catalogue) else SOURCE_LANGUAGE
    return _language


def language() -> str:
    """The language in effect."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` (Swedish source text) into the selected language."""
    return _catalogue.get(message, message) if _catalogue else message


def core_text(message: str | BaseException) -> str:
    """A refusal from the core (an exception or its message) in the interface language.

    A parameter that is one of the core's stable keys (a stage, a form, an answer …) is
    shown by its label, so a Swedish refusal reads "samverkan 8 är Avslutad", never
    "är ended" (:func:`samverkan_tui.labels.parameter`).
    """
    from samverkan.i18n import Message, message_of, translate  # cheap: Babel loads only when shown

    text = message_of(message)
    if not isinstance(text, Message):
        return str(text)
    text = _labelled(text)
    if _language == "en":  # the core's own language: its template, with the labels
        return _english(text)
    return translate(text, _language)


def _labelled(message: Any) -> Any:
    """``message`` with each parameter that is a stable key replaced by its label."""
    from samverkan.i18n import Message
    from samverkan_tui import labels

    params = {k: _labelled(v) if isinstance(v, Message) else labels.parameter(k, v)
              for k, v in message.params.items()}
    return Message(str(message), message.template, params)


def _english(message: Any) -> str:
    from samverkan.i18n import Message

    params = {k: _english(v) if isinstance(v, Message) else v for k, v in message.params.items()}
    try:
        return message.template.format(**params)
    except (KeyError, IndexError, ValueError):
        return str(message)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for extraction without translating it now."""
    return message
