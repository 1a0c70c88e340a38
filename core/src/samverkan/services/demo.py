"""Loading a municipality's demo data into a database (a use case like any other)."""

from __future__ import annotations

from typing import Any

from samverkan.domain.errors import SamverkanError, ValidationError
from samverkan.i18n import msg
from samverkan.services.session import Session, use_case


class DemoUseCases(Session):
    """Demo data (mixed into :class:`samverkan.services.Services`)."""

    @use_case("municipality.set", on="database")
    def load_demo(self, municipality: str, *, force: bool = False) -> dict[str, int]:
        """Record ``municipality`` on the database and let its plugin fill in the demo data.

        The plugin enters it through the same use cases as an officer (so it is validated
        and audited). Refuses a database that already holds data unless ``force`` is
        given, so demo rows never mix silently with real ones.
        """
        if not self.store.is_empty() and not force:
            raise ValidationError(
                msg("{path} already holds data; use a new database file or --force",
                    path=self.store.path), "db")
        self.set_municipality(municipality)
        self.view.call("load_demo", services=self)
        problems = [p for p in self.registry.problems if p.hook == "load_demo"]
        if problems:
            raise SamverkanError(msg("demo data of {plugin} failed: {error}",
                                     plugin=problems[0].plugin, error=problems[0].error))
        return {"organisations": self.store.count_organisations(),
                "collaborations": len(self.store.collaboration_ids())}


def load_demo(services: Any, municipality: str, *, force: bool = False) -> dict[str, int]:
    """Load ``municipality``'s demo data through ``services`` (see :meth:`DemoUseCases.load_demo`)."""
    return services.load_demo(municipality, force=force)
