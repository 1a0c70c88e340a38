"""Refusal messages as English templates with parameters, translatable by an interface.

The core raises its errors with :func:`msg`: the result *is* the English text (a
``str``), so the CLI, logs and tests use it as before, and it also keeps the template
and the parameters, so an interface in another language can :func:`translate` it
through the core's catalogue ``locale/<lang>/LC_MESSAGES/samverkan.po`` (msgid: the
English template, msgstr: the translation, python-brace-format placeholders).

Babel is imported only by the first :func:`translate` into a language other than
English: importing this module and calling :func:`msg` stay as cheap as an f-string,
because every core module uses them and the TUI's start-up time is measured.

Extraction: ``pybabel extract -k msg -o samverkan.pot core/src/samverkan``.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

DOMAIN = "samverkan"
SOURCE_LANGUAGE = "en"

_catalogues: dict[str, dict[str, str]] = {}


class Message(str):
    """English text that remembers the template and parameters it was made from."""

    template: str
    params: dict[str, Any]

    def __new__(cls, text: str, template: str | None = None,
                params: dict[str, Any] | None = None) -> Message:
        self = super().__new__(cls, text)
        self.template = text if template is None else template
        self.params = dict(params or {})
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as what it is (exceptions cross threads and, in tests, processes)
        return (Message, (str(self), self.template, self.params))


def msg(template: str, **params: Any) -> Message:
    """The English message ``template.format(**params)``, translatable later.

    Keep expressions out of the template (pass ``kind=type(v).__name__``, not
    ``{type(v).__name__}``): the template is the catalogue's msgid. A parameter that is
    itself a :class:`Message` (e.g. a reason) is translated with the outer message.
    """
    return Message(template.format(**params), template, params)


def read_catalogue(package: str, domain: str, lang: str) -> dict[str, str]:
    """``package``'s translations for ``lang`` (``locale/<lang>/LC_MESSAGES/<domain>.po``)
    as msgid -> msgstr, leaving out fuzzy and empty ones; empty if there is no file.

    The ``.po`` file is read with Babel at run time (no ``.mo`` build step), and Babel is
    imported only here, when a translation is first needed. The TUI reads its own
    catalogue through this too.
    """
    path = resources.files(package).joinpath(f"locale/{lang}/LC_MESSAGES/{domain}.po")
    if not path.is_file():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=domain)
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def load_catalogue(lang: str) -> dict[str, str]:
    """The translations for ``lang`` (template -> translated template); empty if none."""
    return read_catalogue("samverkan", DOMAIN, lang)


def _catalogue(lang: str) -> dict[str, str]:
    if lang not in _catalogues:
        _catalogues[lang] = load_catalogue(lang)
    return _catalogues[lang]


def message_of(value: str | BaseException) -> str:
    """The message an exception was raised with (a :class:`Message` when it has one).

    ``str(exc)`` returns a plain copy of the text, which has lost its template.
    """
    if isinstance(value, BaseException):
        if value.args and isinstance(value.args[0], str):
            return value.args[0]
        return str(value)
    return value


def translate(text: str | BaseException, lang: str | None) -> str:
    """``text`` in ``lang`` (``sv``, ``en`` …); an exception stands for its message.

    A :class:`Message` is looked up by its template and formatted with its parameters,
    those that are messages translated too; without a translation it stays English.
    Plain text (data, plugin texts, messages not made with :func:`msg`) is returned as is.
    """
    text = message_of(text)
    if not isinstance(text, Message):
        return str(text)
    lang = (lang or SOURCE_LANGUAGE).split("_")[0].lower()
    if lang == SOURCE_LANGUAGE:
        return str(text)
    template = _catalogue(lang).get(text.template, text.template)
    params = {k: translate(v, lang) if isinstance(v, Message) else v
              for k, v in text.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):  # a broken translation must not hide the error
        return str(text)
