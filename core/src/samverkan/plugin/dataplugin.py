"""A plugin made of rule data: the hooks served from a package's ``data/`` folder.

A municipality whose rules are all data needs one line of Python, the object its entry
point names::

    # samverkan_exempelby/__init__.py
    from samverkan.plugin.dataplugin import DataPlugin

    plugin = DataPlugin("samverkan_exempelby")

    # pyproject.toml
    [project.entry-points.samverkan]
    exempelby = "samverkan_exempelby:plugin"

The data is read and validated when the object is made (when the entry point loads), so
a mistake is reported with the plugin's name, the file, the line and the key. The
object implements only the hooks its data declares (a pack without ``[demo]`` has no
``load_demo``). A plugin that needs a hook the data cannot express subclasses
:class:`DataPlugin` and adds ``@hookimpl`` methods.

The hooks that state rules take ``on``, the date whose rules are asked for, and answer
with the versions in force that day (see "Dated versions" in docs/writing-a-plugin.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from samverkan.plugin import national
from samverkan.plugin.datapack import DataPack, load_pack
from samverkan.plugin.hookspecs import hookimpl

if TYPE_CHECKING:
    from samverkan.domain.lifecycle import GateContext
    from samverkan.domain.model import Notification
    from samverkan.domain.rules import (
        AgreementSection,
        DecisionAuthority,
        FollowUpPolicy,
        Municipality,
    )

#: hook -> the table (or tables) whose presence in the data makes the plugin implement it
_DECLARED_BY = {
    "municipality": "municipality", "register_forms": "forms", "register_checks": "checks",
    "register_record_kinds": "record_kinds", "agreement_sections": "agreement_sections",
    "decision_authority": "decision_authority", "follow_up_policy": "follow_up_policy",
    "register_rules": "rules", "register_topics": "topics", "register_gates": "gates",
    "register_reports": "reports", "lifecycle_event": "notifications", "load_demo": "demo",
    "register_form_guide": "form_guide", "periodic_notifications": "notifications",
    "register_retention": "retention",
}


class DataPlugin:
    """The hooks of the rule data in ``package``'s ``folder``.

    :param package: the import name of the package holding the data (``"samverkan_exempelby"``).
    :param folder: the data folder inside it.
    :raises SchemaError: when the data does not follow the schema.
    """

    def __init__(self, package: str, folder: str = "data"):
        self.__name__ = package
        self.pack: DataPack = load_pack(package, folder)

    def __repr__(self) -> str:
        return f"DataPlugin({self.pack.package!r}, {self.pack.folder!r})"

    def __dir__(self) -> list[str]:
        # pluggy finds hook implementations through dir(): leave out the hooks whose data
        # is not declared, unless a subclass implements them itself
        hidden = {hook for hook, table in _DECLARED_BY.items()
                  if not self.pack.tables[table] and getattr(type(self), hook) is getattr(DataPlugin, hook)}
        return [name for name in super().__dir__() if name not in hidden]

    @hookimpl
    def municipality(self) -> Municipality | None:
        """The ``[municipality]`` with its ``[[documents]]``."""
        return self.pack.municipality

    @hookimpl
    def register_forms(self, register: Callable[[Any], None], on: dt.date | None) -> None:
        """The ``[[forms]]`` in force on ``on``."""
        for offer in self.pack.forms_on(on):
            register(offer)

    @hookimpl
    def register_checks(self, register: Callable[[Any], None], on: dt.date | None) -> None:
        """The ``[[checks]]`` in force on ``on``, and those of the national sets the data
        adopts (``[[adopt]]``)."""
        for item in self.pack.checks_on(on):
            register(item)
        for name, adoption in self.pack.adoptions.items():
            for item in national.adopted_checks(name, adoption, on):
                register(item)

    @hookimpl
    def register_record_kinds(self, register: Callable[[Any], None]) -> None:
        """The ``[[record_kinds]]``."""
        for kind in self.pack.record_kinds.values():
            register(kind)

    @hookimpl
    def register_retention(self, register: Callable[[Any], None]) -> None:
        """The ``[[retention]]`` entries, one per record."""
        for rule in self.pack.retention.values():
            register(rule)

    @hookimpl
    def agreement_sections(self, form: str, on: dt.date | None) -> list[AgreementSection]:
        """The ``[[agreement_sections]]`` of ``form`` in force on ``on``."""
        return self.pack.agreement_sections(form, on)

    @hookimpl
    def decision_authority(self, form: str, on: dt.date | None) -> DecisionAuthority | None:
        """The first ``[[decision_authority]]`` for ``form`` in force on ``on``."""
        return self.pack.decision_authority(form, on)

    @hookimpl
    def follow_up_policy(self, form: str, on: dt.date | None) -> FollowUpPolicy | None:
        """The first ``[[follow_up_policy]]`` for ``form`` in force on ``on``."""
        return self.pack.follow_up_policy(form, on)

    @hookimpl
    def register_form_guide(self, register: Callable[[Any], None], on: dt.date | None) -> None:
        """The ``[[form_guide]]`` rules in force on ``on``."""
        for rule in self.pack.form_guide_on(on):
            register(rule)

    @hookimpl
    def register_rules(self, register: Callable[[Any], None], on: dt.date | None) -> None:
        """The ``[[rules]]`` in force on ``on``."""
        for rule in self.pack.rules_on(on):
            register(rule)

    @hookimpl
    def register_topics(self, register: Callable[[Any], None]) -> None:
        """The ``[[topics]]``."""
        for t in self.pack.topics:
            register(t)

    @hookimpl
    def register_gates(self, register: Callable[[Any], None], on: dt.date | None) -> None:
        """The ``[[gates]]`` in force on ``on``, evaluated by the core's gate kinds."""
        for gate in self.pack.gates(on):
            register(gate)

    @hookimpl
    def register_reports(self, register: Callable[[Any], None]) -> None:
        """The ``[[reports]]``, built by the Python they name."""
        for report in self.pack.reports:
            register(report)

    @hookimpl
    def lifecycle_event(self, event: str, context: GateContext) -> list[Notification] | None:
        """The notifications ``[notifications] render`` makes of ``event``."""
        return self.pack.render(event, context)

    @hookimpl
    def periodic_notifications(self, on: dt.date, reads: Any) -> list[Notification] | None:
        """The notifications ``[notifications] periodic`` makes for the day ``on``."""
        make = self.pack.periodic
        return make(on, reads) if make is not None else None

    @hookimpl
    def load_demo(self, services: Any) -> None:
        """The demo data ``[demo] load`` enters."""
        self.pack.load_demo(services)
