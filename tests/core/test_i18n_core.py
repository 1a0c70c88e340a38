"""The core's refusal messages: English text for the CLI, translatable for the TUI.

``samverkan.i18n.msg`` keeps the template and parameters of each message; the Swedish
catalogue (``core/src/samverkan/locale/sv/LC_MESSAGES/samverkan.po``) must cover every
template in the core and hold nothing the core no longer says.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from samverkan import i18n
from samverkan.domain.errors import PermissionDenied, StaleUpdate, ValidationError
from samverkan.i18n import Message, msg, translate

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core" / "src" / "samverkan"
PO = CORE / "locale" / "sv" / "LC_MESSAGES" / "samverkan.po"


def templates() -> set[str]:
    """Every ``msg(...)`` template in the core's source."""
    from babel.messages.extract import extract_from_dir

    return {message for _fn, _line, message, _comments, _ctx in extract_from_dir(
        str(CORE), method_map=[("**.py", "python")], keywords={"msg": None})}


def catalogue() -> dict[str, str]:
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale="sv") if m.id}


def test_msg_is_the_english_text_with_its_template_and_params():
    m = msg("{field}: longer than {max_length} characters", field="name", max_length=300)
    assert isinstance(m, str) and isinstance(m, Message)
    assert m == "name: longer than 300 characters"
    assert m.template == "{field}: longer than {max_length} characters"
    assert m.params == {"field": "name", "max_length": 300}


def test_the_english_text_of_a_refusal_is_unchanged():
    from samverkan.domain.model import validate_orgnr
    from samverkan.domain.money import parse_kronor

    with pytest.raises(ValidationError) as exc:
        validate_orgnr("802000-0000")
    assert str(exc.value) == "invalid organisation number '802000-0000': the check digit is wrong"
    assert translate(exc.value, "en") == str(exc.value)
    with pytest.raises(ValidationError) as exc:
        parse_kronor("-5", "amount")
    assert str(exc.value) == "amount: amount must not be negative: '-5'"


def test_translate_to_swedish():
    from samverkan.domain.model import validate_orgnr

    with pytest.raises(ValidationError) as exc:
        validate_orgnr("802000-0000")
    # the reason is a message too, translated with the message it is part of
    assert translate(exc.value, "sv") == \
        "ogiltigt organisationsnummer '802000-0000': kontrollsiffran stämmer inte"
    assert translate(msg("{field}: must not be empty", field="name"), "sv") == "name: får inte vara tomt"


def test_nested_messages_translate():
    who = msg("{actor} is not a registered user", actor="eva")
    roles = msg("{first} or {second}", first="officer", second="admin")
    m = msg("{action} needs the role {roles}; {who}", action="x.y", roles=roles, who=who)
    assert m == "x.y needs the role officer or admin; eva is not a registered user"
    assert translate(m, "sv") == "x.y kräver rollen officer eller admin; eva är inte en registrerad användare"
    assert translate(PermissionDenied(m), "sv_SE") == translate(m, "sv")


def test_stale_update_in_swedish(make_services, orgnr):
    s = make_services("stockholm")
    org = s.register_organisation("Förening", orgnr(1))
    s.update_organisation(org.id, org.version, name="Förening två")
    with pytest.raises(StaleUpdate) as exc:
        s.update_organisation(org.id, org.version, name="Förening tre")
    assert str(exc.value).startswith(f"organisation {org.id} was changed by someone else")
    assert translate(exc.value, "sv").startswith(f"organisation {org.id} har ändrats av någon annan")


def test_plain_text_and_unknown_languages_pass_through():
    assert translate("Organisationsnumret finns redan.", "sv") == "Organisationsnumret finns redan."
    assert translate(ValueError("plain"), "sv") == "plain"
    m = msg("give at least one role")
    assert translate(m, "fr") == "give at least one role"  # no catalogue: English
    assert translate(m, None) == "give at least one role"


def test_a_message_survives_pickling():
    import pickle

    m = pickle.loads(pickle.dumps(msg("no user {name!r}", name="eva")))
    assert isinstance(m, Message) and m == "no user 'eva'" and m.params == {"name": "eva"}


def test_every_template_has_a_swedish_translation():
    found, po = templates(), catalogue()
    assert len(found) > 80
    missing = sorted(t for t in found if not po.get(t, "").strip())
    assert not missing, f"add Swedish for these to {PO.relative_to(ROOT)}: {missing}"


def test_the_catalogue_has_no_stale_entries():
    stale = sorted(set(catalogue()) - templates())
    assert not stale, f"remove from {PO.relative_to(ROOT)} (no longer in the core): {stale}"


def test_translations_keep_the_placeholders():
    import string

    def fields(text: str) -> list[str]:
        return sorted(f"{name}!{conv}" for _lit, name, _spec, conv in string.Formatter().parse(text)
                      if name is not None)

    for template, swedish in catalogue().items():
        assert fields(swedish) == fields(template), template


def test_importing_and_using_msg_does_not_import_babel():
    code = ("import sys\nfrom samverkan.i18n import msg, translate\n"
            "import samverkan.services\n"
            "m = msg('{a} b', a=1)\ntranslate(m, 'en')\n"
            "print(sorted(x for x in sys.modules if x.split('.')[0] in ('babel', 'gettext')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_catalogue_is_read_once():
    i18n._catalogues.pop("sv", None)
    translate(msg("give at least one role"), "sv")
    first = i18n._catalogues["sv"]
    translate(msg("give at least one role"), "sv")
    assert i18n._catalogues["sv"] is first


def test_the_catalogue_is_package_data():
    """The wheel ships everything under src/samverkan, so the .po goes with the code."""
    from importlib import resources

    assert resources.files("samverkan").joinpath("locale/sv/LC_MESSAGES/samverkan.po").is_file()
