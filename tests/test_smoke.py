"""A first end-to-end pass through the CLI on a real database file."""


def test_plugins_lists_both_municipalities(cli):
    result = cli("plugins", db_path=None)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(line.startswith("stockholm\tStockholms stad\t") and line.endswith("\tok") for line in lines)
    assert any(line.startswith("linkoping\tLinköpings kommun\t") and line.endswith("\tok") for line in lines)
    assert "  - Riktlinjer för idéburet offentligt partnerskap (IOP) i Linköpings kommun (KS 2016-573, 2016)" in lines


def test_invalid_orgnr_is_refused_with_exit_1(cli, orgnr):
    assert cli("init", "--municipality", "stockholm").exit_code == 0
    bad = cli("org", "add", "Förening", "--orgnr", "802012-3456")
    assert bad.exit_code == 1
    assert "invalid organisation number '802012-3456': the check digit is wrong" in bad.output
    good = cli("org", "add", "Förening", "--orgnr", orgnr(1))
    assert good.exit_code == 0 and good.output.strip() == "1"
