"""Hook specifications: the contract between the core and its plugins.

A plugin is a module (or object) with functions marked ``@samverkan.hookimpl`` whose
names are the hooks below. Municipality plugins implement :func:`municipality` and are
called through a per-municipality view: when Stockholm is active, Linköping's hooks are
not called, and vice versa. Plugins that do not implement :func:`municipality` (the
built-in national rules, the TUI) are always on.

Hooks named ``register_*`` receive a ``register`` callback; call it once per object.
The core validates each object and reports a bad one with the plugin's name.

The hooks that state rules (forms, checks, gates, decision authority, agreement sections,
follow-up policy, rule texts) also receive ``on``, the date whose rules are asked for: a
collaboration is judged under the rules in force on its decision date. Name it to answer
with dated versions; leave it out and the same answer holds for every date.
See docs/writing-a-plugin.md for a complete example.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    import click

    from samverkan.domain.lifecycle import GateContext
    from samverkan.domain.model import Notification
    from samverkan.domain.reading import ReadSession, WorkSession
    from samverkan.domain.rules import (
        AgreementSection,
        DecisionAuthority,
        FollowUpPolicy,
        Municipality,
    )

hookspec = pluggy.HookspecMarker("samverkan")
hookimpl = pluggy.HookimplMarker("samverkan")


# -------------------------------------------------------------------------
# Identity
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def municipality() -> Municipality | None:
    """Say which municipality this plugin speaks for, and list its guideline documents.

    Implementing this hook makes a plugin a *municipality plugin*: its other hooks are
    only called when its municipality is active (or explicitly compared).

    :returns: a :class:`samverkan.domain.rules.Municipality` whose ``key`` equals the plugin's
        entry-point name. Stops at first non-None result.
    """


# -------------------------------------------------------------------------
# Forms, checklists, gates
# -------------------------------------------------------------------------


@hookspec
def register_forms(register: Callable[[Any], None], on: dt.date) -> None:
    """Register the collaboration forms the municipality offers, under their local names.

    :param register: call with a :class:`samverkan.domain.rules.FormOffer` per form. A form the
        municipality does not offer may still be registered with ``offered=False`` and a
        ``note`` saying where to turn instead.
    :param on: the date whose rules are asked for: a collaboration's decision date (before
        a decision, today). A plugin with dated versions answers with those in force that
        day; one without may leave the parameter out.
    """


@hookspec
def register_checks(register: Callable[[Any], None], on: dt.date) -> None:
    """Register checklist items (:class:`samverkan.domain.model.CheckItem`).

    Each item names the forms it applies to (none: every form), whether it must be
    answered before the decision, and whether ``not_met`` blocks the decision.

    :param register: call with one :class:`~samverkan.domain.model.CheckItem` per item.
    :param on: the date whose rules are asked for: a collaboration's decision date (before
        a decision, today). A plugin with dated versions answers with those in force that
        day; one without may leave the parameter out.
    """


@hookspec
def register_form_guide(register: Callable[[Any], None], on: dt.date) -> None:
    """Register what the answers of the core's form questionnaire mean in this municipality.

    :param register: call with one :class:`samverkan.domain.form_guide.GuideRule` per rule:
        a form it points to, rules out or cautions about for a set of answers, with the
        reason and the sentence of the source it rests on.
    :param on: the date whose rules are asked for (today when an officer asks).
    """


@hookspec
def register_gates(register: Callable[[Any], None], on: dt.date) -> None:
    """Register gates (:class:`samverkan.domain.lifecycle.Gate`) that guard lifecycle transitions.

    A gate's ``check`` receives a :class:`samverkan.domain.lifecycle.GateContext` holding the
    collaboration and all its records; it yields messages or findings. It must not touch
    the database or keep state.

    :param register: call with one :class:`~samverkan.domain.lifecycle.Gate` per rule.
    :param on: the date whose rules are asked for: a collaboration's decision date (before
        a decision, today). A plugin with dated versions answers with those in force that
        day; one without may leave the parameter out.
    """


@hookspec
def register_record_kinds(register: Callable[[Any], None]) -> None:
    """Register kinds of records the plugin keeps about collaborations.

    The core stores them (with author and time, audited) and hands them to gates via
    :meth:`GateContext.records_of`. Example: a consultation with a preparatory group.

    :param register: call with a :class:`samverkan.domain.rules.RecordKind`.
    """


@hookspec
def register_retention(register: Callable[[Any], None]) -> None:
    """Register how long each kind of record is kept and what culling (gallring) does then,
    from the municipality's information management plan (dokumenthanteringsplan).

    The core culls the records whose period has passed and answers requests for erasure
    (GDPR art. 17) with these rules. A record without a rule is kept and not erasable:
    where the plan says nothing, nothing is culled. A record kind of the plugin without a
    rule of its own follows the rule for ``"record"``.

    :param register: call with one :class:`samverkan.domain.rules.Retention` per record: a
        key of :data:`samverkan.domain.rules.RETAINED` or of one of the plugin's record
        kinds, once each. ``years`` None keeps the record for ever (bevaras); ``cull``
        ``"remove"`` is refused for the records the case's others depend on (collaboration,
        organisation, decision, agreement); a record that is not ``erasable`` needs a
        ``reason``. A refused rule is reported as a problem of the plugin.
    """


# -------------------------------------------------------------------------
# Decision, agreement, follow-up
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def decision_authority(form: str, on: dt.date) -> DecisionAuthority | None:
    """Say who decides on a collaboration of ``form`` (a manager or a board).

    :param form: the form key.
    :param on: the date whose rules are asked for: a collaboration's decision date (before
        a decision, today). A plugin with dated versions answers with those in force that
        day; one without may leave the parameter out.
    :returns: a :class:`samverkan.domain.rules.DecisionAuthority`, or None to leave it to the
        core default (the responsible manager). Stops at first non-None result.
    """


@hookspec
def agreement_sections(form: str, on: dt.date) -> list[AgreementSection] | None:
    """List the sections a written agreement of ``form`` must or should contain.

    The core enforces them (gate ``core.agreement.sections``): a missing required section
    blocks the agreement stage, a missing advised one (``required=False``) advises, and a
    section key not listed here is refused when the agreement is recorded.

    :param form: the form key.
    :param on: the date whose rules are asked for: a collaboration's decision date (before
        a decision, today). A plugin with dated versions answers with those in force that
        day; one without may leave the parameter out.
    :returns: a list of :class:`samverkan.domain.rules.AgreementSection` (results of all
        plugins are joined).
    """


@hookspec(firstresult=True)
def follow_up_policy(form: str, on: dt.date) -> FollowUpPolicy | None:
    """Say how often and how a collaboration of ``form`` is followed up.

    :param form: the form key.
    :param on: the date whose rules are asked for: a collaboration's decision date (before
        a decision, today). A plugin with dated versions answers with those in force that
        day; one without may leave the parameter out.
    :returns: a :class:`samverkan.domain.rules.FollowUpPolicy`, or None for no schedule.
        Stops at first non-None result.
    """


# -------------------------------------------------------------------------
# Rules, reports, reactions
# -------------------------------------------------------------------------


@hookspec
def register_rules(register: Callable[[Any], None], on: dt.date) -> None:
    """Register the municipality's rule texts per comparison topic.

    :param register: call with a :class:`samverkan.domain.rules.RuleText` whose ``topic`` is one
        of :data:`samverkan.domain.topics.TOPIC_KEYS` or a topic the plugin registers with
        :func:`register_topics`; give a normalised ``value`` where the rule is comparable
        as a value, from the topic's vocabulary (:class:`samverkan.domain.topics.Values`).
    :param on: the date whose rules are asked for: a collaboration's decision date (before
        a decision, today). A plugin with dated versions answers with those in force that
        day; one without may leave the parameter out.
    """


@hookspec
def register_topics(register: Callable[[Any], None]) -> None:
    """Register comparison topics of the municipality's own, beyond the core's.

    A topic has a neutral key, label and explanation, so that another municipality can
    answer it too; ``rules compare`` shows it after the core's topics, as regulated by
    one side when only one answers it.

    :param register: call with a :class:`samverkan.domain.topics.Topic` whose key is not a
        core topic's.
    """


@hookspec
def register_reports(register: Callable[[Any], None]) -> None:
    """Register reports (:class:`samverkan.domain.rules.Report`) the municipality needs.

    :param register: call with a :class:`~samverkan.domain.rules.Report`; its ``build`` is given
        the acting session to read through (:class:`samverkan.domain.reading.ReadSession`).
    """


@hookspec
def lifecycle_event(event: str, context: GateContext) -> list[Notification] | None:
    """React to a lifecycle event with notifications to write to the outbox.

    Called before the change is written, never under the database's write lock (the
    context shows the collaboration as it will be after the change); the notifications
    are then stored in the same transaction as the change, so a notification is stored
    if and only if the change is.

    :param event: ``"registered"`` (new initiative), ``"transition:<stage>"`` after a
        collaboration reached ``<stage>``, ``"decision"`` after a decision was recorded,
        ``"record:<kind>"`` after a plugin record of ``<kind>`` was added.
    :param context: the collaboration after the change, with its records.
    :returns: a list of :class:`samverkan.domain.model.Notification`, or None.
    """


@hookspec
def periodic_notifications(on: dt.date, reads: ReadSession) -> list[Notification] | None:
    """Notifications the municipality sends on a schedule, such as a list for a group.

    The delivery worker asks once per pass (``samverkan worker``), outside any
    transaction; each notification whose ``reason`` the outbox has not seen is queued,
    under the write lock, so it goes out once however often the worker runs and however
    many workers there are. Put the period in the reason (``"stockholm.iop-list:2026-11"``
    sends one a month).

    :param on: the day of the pass.
    :param reads: the session's reads (:class:`samverkan.domain.reading.ReadSession`).
    :returns: a list of :class:`samverkan.domain.model.Notification`, or None.
    """


@hookspec
def load_demo(services: WorkSession) -> None:
    """Fill an empty database with the municipality's demo data, through the services.

    :param services: the session acting as the demo user on the target database
        (:class:`samverkan.domain.reading.WorkSession`): demo data is entered through the
        same use cases as an officer's, so it is validated and audited like theirs.
    """


# -------------------------------------------------------------------------
# Interfaces and commands (always-on plugins)
# -------------------------------------------------------------------------


@hookspec
def register_interfaces(register: Callable[[Any], None]) -> None:
    """Register a user interface opened when ``samverkan`` runs without a command.

    :param register: call with a :class:`samverkan.domain.rules.Interface`.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``samverkan`` command-line group.

    :param cli: the root :class:`click.Group`; add commands with ``cli.add_command``.
    """
