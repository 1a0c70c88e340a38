"""Helpers for the core tests: throwaway distributions and driving collaborations.

A throwaway plugin is installed the way pip would leave it: its modules plus a
``<name>-<version>.dist-info`` directory with ``METADATA`` and ``entry_points.txt`` in a
directory that is then put on ``sys.path`` (or ``PYTHONPATH`` for a subprocess).
"""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

from samverkan.services import Services

HERE = Path(__file__).parent
TESTBY_SRC = HERE / "data" / "testby" / "src" / "samverkan_testby"
TODAY = dt.date(2026, 11, 22)


def install_distribution(root: Path, name: str, version: str, entry_points: dict[str, str],
                         modules: dict[str, str] | None = None, packages: dict[str, Path] | None = None,
                         group: str = "samverkan") -> Path:
    """Write a distribution into ``root``: its modules, packages and dist-info metadata.

    :param entry_points: entry-point name -> ``module`` or ``module:attr`` in ``group``.
    :param modules: module file name (``"x.py"``) -> source (dedented).
    :param packages: package name -> directory to copy.
    :returns: ``root``, ready for ``sys.path``.
    """
    root.mkdir(parents=True, exist_ok=True)
    for filename, source in (modules or {}).items():
        (root / filename).write_text(textwrap.dedent(source), encoding="utf-8")
    for pkg, src in (packages or {}).items():
        shutil.copytree(src, root / pkg, ignore=shutil.ignore_patterns("__pycache__"), dirs_exist_ok=True)
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    lines = [f"[{group}]"] + [f"{k} = {v}" for k, v in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def install_testby(root: Path) -> Path:
    """Install the Testby municipality plugin (tests/core/data/testby) into ``root``."""
    return install_distribution(root, "samverkan-testby", "0.3.0", {"testby": "samverkan_testby.plugin"},
                                packages={"samverkan_testby": TESTBY_SRC})


# -- driving collaborations through the services ------------------------------------------

_orgs = iter(range(1, 10**6))


def orgnr(n: int) -> str:
    """A valid organisation number, distinct per ``n`` (same scheme as tests/conftest.py)."""
    from stdnum import luhn

    base = f"802{n:06d}"
    full = base + luhn.calc_check_digit(base)
    return f"{full[:6]}-{full[6:]}"


def new_org(s: Services, n: int | None = None, name: str | None = None):
    """Register an organisation with a fresh, valid number."""
    n = n if n is not None else next(_orgs)
    while s.store.find_organisation(orgnr(n)) is not None:
        n = next(_orgs)
    return s.register_organisation(name or f"Förening {n}", orgnr(n))


def new_collab(s: Services, form: str = "informal", initiator: str = "organisation", **fields):
    """Register an initiative with a new organisation."""
    org = new_org(s)
    return s.register_initiative(fields.pop("title", f"Samverkan {form}"), form, [org.id], initiator, **fields)


def answer_all(s: Services, cid: int, answer: str = "met") -> None:
    """Answer every check on the collaboration's checklist (with a note)."""
    for item, _ in s.checklist(cid):
        s.answer_check(cid, item.id, answer, note="Prövat av handläggaren.")


def decide_start(s: Services, cid: int, **kwargs):
    """Decide to start, as a board when the form needs it (Testby: IOP)."""
    c = s.collaboration(cid)
    if s.view.decision_authority(c.form).kind == "board":
        kwargs.setdefault("meeting_date", TODAY - dt.timedelta(days=7))
        kwargs.setdefault("minute_paragraph", "§ 12")
    return s.decide(cid, "start", "Samverkan möter ett behov i målgruppen.", "Alternativ prövade.", **kwargs)


def consult(s: Services, cid: int):
    """Testby's consultation record (needed before an IOP agreement)."""
    return s.add_record(cid, "consultation", {"topic": "IOP", "held_on": "2026-11-01", "advice": "Tillstyrkt"})


def agree(s: Services, cid: int, start: str = "2026-11-01", end: str = "2027-10-31"):
    """Record a signed agreement whose period has started, with every section of its form."""
    form = s.collaboration(cid).form
    sections = {section.key: f"Avsnittet {section.title}" for section in s.form_rules(form).sections}
    return s.record_agreement(cid, signed_on="2026-10-20", start=start, end=end, goals="Mätbara mål",
                              sections=sections)


def drive(s: Services, cid: int, target: str):
    """Move a collaboration along the happy path until it reaches ``target``."""
    c = s.collaboration(cid)
    order = ["initiative", "preparation", "decided", "agreement", "active", "ended"]
    while c.stage != target:
        if c.stage == "initiative":
            c, _ = s.advance(cid, "preparation")
        elif c.stage == "preparation":
            answer_all(s, cid)
            c, _ = decide_start(s, cid)
        elif c.stage == "decided":
            if c.form == "informal":
                c, _ = s.advance(cid, "active")
            else:
                if c.form == "iop" and not s.store.records(cid, "consultation"):
                    consult(s, cid)
                agree(s, cid)
                c, _ = s.advance(cid, "agreement")
        elif c.stage == "agreement":
            c, _ = s.advance(cid, "active")
        elif c.stage == "active":
            # an agreement runs until its end date: ending it before is a termination
            kind = "expired" if c.form == "informal" else "terminated"
            c, _ = s.end(cid, "Perioden är slut.", kind=kind)
        else:
            raise AssertionError(f"cannot drive from {c.stage} to {target}")
        assert order.index(c.stage) <= order.index(target) or target == "declined"
    return c
