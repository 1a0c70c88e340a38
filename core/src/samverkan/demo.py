"""Loading a municipality's demo data into a database."""

from __future__ import annotations

from samverkan.errors import SamverkanError, ValidationError
from samverkan.i18n import msg
from samverkan.services import Services


def load_demo(services: Services, municipality: str, *, force: bool = False) -> dict[str, int]:
    """Record ``municipality`` on the database and let its plugin fill in the demo data.

    Refuses a database that already holds data unless ``force`` is given, so demo rows
    never mix silently with real ones.
    """
    if not services.store.is_empty() and not force:
        raise ValidationError(
            msg("{path} already holds data; use a new database file or --force",
                path=services.store.path), "db")
    services.set_municipality(municipality)
    services.view.call("load_demo", services=services)
    problems = [p for p in services.registry.problems if p.hook == "load_demo"]
    if problems:
        raise SamverkanError(msg("demo data of {plugin} failed: {error}",
                                 plugin=problems[0].plugin, error=problems[0].error))
    from samverkan.store.store import CollabQuery

    return {
        "organisations": services.count_organisations(),
        "collaborations": services.count_collaborations(CollabQuery()),
    }
