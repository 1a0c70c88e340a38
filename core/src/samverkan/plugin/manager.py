"""Plugin loading and per-municipality views.

:func:`get_plugin_manager` builds the manager once: the hook specifications, the
built-in plugins (:data:`DEFAULT_PLUGINS`), then every entry point in the ``samverkan``
group, each loaded under its own ``try`` so that a broken plugin is reported by name
and the others keep working. ``SAMVERKAN_LOAD_PLUGINS`` (comma-separated entry-point
names) restricts which entry points are loaded.

:class:`MunicipalityView` calls hooks for one municipality: its own plugin plus the
always-on plugins (those that do not implement ``municipality``). ``view.at(date)`` is
the same view asking for the rules in force on that date (a collaboration's decision
date); a view without a date asks for today's.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import traceback
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from samverkan.domain.errors import SamverkanError, ValidationError
from samverkan.domain.form_guide import GuideRule
from samverkan.domain.lifecycle import CORE_GATES, Gate
from samverkan.domain.model import FORM_KEYS, CheckItem, Source
from samverkan.domain.rules import (
    RETAINED,
    AgreementSection,
    DecisionAuthority,
    Document,
    FollowUpPolicy,
    FormOffer,
    Interface,
    Municipality,
    RecordKind,
    Report,
    Retention,
    RuleText,
)
from samverkan.domain.topics import TOPICS, Topic, extra_topic_error, value_error
from samverkan.i18n import msg
from samverkan.plugin import hookspecs
from samverkan.plugin.schema import retention_error

ENTRY_POINT_GROUP = "samverkan"
DEFAULT_PLUGINS = ("samverkan.plugin.national",)
#: how many dated views a view keeps (one per decision date asked for, least recent dropped)
DATED_VIEWS = 64
#: the source of the retention of a record the municipality's plan says nothing about
UNSTATED_RETENTION = Source("samverkan: kommunens dokumenthanteringsplan anger ingen gallring", level="default")


@dataclass
class PluginStatus:
    """What happened when a plugin was loaded (shown by ``samverkan plugins``)."""

    name: str
    ok: bool = True
    error: str = ""
    municipality: Municipality | None = None
    dist: Any = field(default=None, repr=False, compare=False)

    # Read from the distribution's metadata only when asked: parsing every plugin's
    # METADATA file costs the TUI's start-up time and only `samverkan plugins` shows it.
    @property
    def distribution(self) -> str:
        """The name of the installed distribution that provides the plugin."""
        return self.dist.name if self.dist is not None else ""

    @property
    def version(self) -> str:
        """The installed distribution's version."""
        return self.dist.version if self.dist is not None else ""


@dataclass
class PluginProblem:
    """A plugin raised in a hook or registered an invalid object."""

    plugin: str
    hook: str
    error: str


@dataclass
class Registry:
    """The plugin manager plus what loading it found out."""

    pm: pluggy.PluginManager
    statuses: dict[str, PluginStatus] = field(default_factory=dict)
    problems: list[PluginProblem] = field(default_factory=list)

    def municipalities(self) -> dict[str, Municipality]:
        """Installed municipality plugins that loaded, by key, sorted by key."""
        return {
            k: s.municipality
            for k, s in sorted(self.statuses.items())
            if s.ok and s.municipality is not None
        }

    def view(self, key: str) -> MunicipalityView:
        """A view that calls hooks for municipality ``key`` plus the always-on plugins.

        :raises SamverkanError: naming the installed municipalities when ``key`` is not one.
        """
        munis = self.municipalities()
        if key not in munis:
            installed = ", ".join(munis) or msg("none")
            raise SamverkanError(msg(
                "no municipality plugin {key!r} is installed (installed: {installed})",
                key=key, installed=installed))
        return MunicipalityView(self, key, munis[key])

    def always_on(self) -> MunicipalityView:
        """A view over the always-on plugins only (no municipality)."""
        return MunicipalityView(self, None, None)

    def add(self, plugin: Any, name: str) -> PluginStatus:
        """Register an in-process plugin object under ``name`` (tests, embedding).

        Installed plugins come through entry points; this is for plugins that live in a
        test module. The result is recorded exactly as for an entry point.
        """
        status = PluginStatus(name)
        self.statuses[name] = status
        self.pm.register(plugin, name=name)
        if _refuse_unknown_hooks(self.pm, status):
            return status
        if _implements(self.pm, name, "municipality"):
            try:
                status.municipality = _identity(plugin, name)
            except Exception as exc:
                status.ok, status.error = False, _describe(exc)
                self.pm.unregister(name=name)
        return status

    def probe(self) -> list[PluginProblem]:
        """Call every municipality's hooks once, so that a plugin that raises is reported.

        Used by ``samverkan plugins``: a plugin can load and still fail in, say,
        ``register_checks``; this surfaces it (in :attr:`problems`) before an officer meets it.
        """
        for key in self.municipalities():
            view = self.view(key)
            view.forms(), view.checks(), view.gates(), view.record_kinds(), view.rules(), view.reports()
            view.topics(), view.retention()
            for form in FORM_KEYS:
                view.decision_authority(form), view.agreement_sections(form), view.follow_up_policy(form)
        return self.problems

    def interfaces(self) -> dict[str, Interface]:
        """User interfaces registered by always-on plugins."""
        found: dict[str, Interface] = {}
        self.always_on()._register("register_interfaces", Interface, lambda i: found.setdefault(i.key, i))
        return found


_REGISTRY: Registry | None = None


def get_plugin_manager() -> Registry:
    """Build (once) and return the registry of loaded plugins."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = _build()
    return _REGISTRY


def reset_plugin_manager() -> None:
    """Forget the loaded plugins so the next call reloads them (for tests)."""
    global _REGISTRY
    _REGISTRY = None


def _build() -> Registry:
    pm = pluggy.PluginManager("samverkan")
    pm.add_hookspecs(hookspecs)
    registry = Registry(pm)
    for modname in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(modname), name=modname)
    wanted = os.environ.get("SAMVERKAN_LOAD_PLUGINS")
    allowed = {n.strip() for n in wanted.split(",") if n.strip()} if wanted is not None else None
    seen: set[str] = set()
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if ep.name in seen or (allowed is not None and ep.name not in allowed):
            continue
        seen.add(ep.name)
        status = PluginStatus(ep.name)
        status.dist = ep.dist
        registry.statuses[ep.name] = status
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
        except Exception as exc:  # any import-time failure is the plugin's, not ours
            status.ok, status.error = False, _describe(exc)
            continue
        if _refuse_unknown_hooks(pm, status):
            continue
        if pm.get_hookcallers(plugin) and _implements(pm, ep.name, "municipality"):
            try:
                status.municipality = _identity(plugin, ep.name)
            except Exception as exc:
                status.ok, status.error = False, _describe(exc)
                pm.unregister(name=ep.name)
    # every plugin left implements only hooks that exist (the others were refused above)
    pm.check_pending()
    return registry


def _refuse_unknown_hooks(pm: pluggy.PluginManager, status: PluginStatus) -> bool:
    """Refuse (unregister, mark failed) a plugin that implements a hook with no spec.

    A misspelt hook (``register_check`` for ``register_checks``) would otherwise load as
    "ok" and be silently ignored, and the municipality would run without its checks.
    This is pluggy's ``check_pending()``, asked per plugin so the report names it.
    """
    unknown = sorted(
        name for name, caller in vars(pm.hook).items()
        if isinstance(caller, pluggy.HookCaller) and not caller.has_spec()
        and any(i.plugin_name == status.name and not i.opts.get("optionalhook")
                for i in caller.get_hookimpls()))
    if not unknown:
        return False
    status.ok = False
    status.error = (f"implements {', '.join(unknown)}, which is no samverkan hook "
                    "(misspelt? see docs/writing-a-plugin.md for the hooks)")
    pm.unregister(name=status.name)
    return True


def _identity(plugin: Any, name: str) -> Municipality:
    muni = plugin.municipality()
    if not isinstance(muni, Municipality):
        raise TypeError(f"municipality() returned {type(muni).__name__}, not Municipality")
    if muni.key != name:
        raise ValueError(f"municipality key {muni.key!r} differs from plugin name {name!r}")
    return muni


def _implements(pm: pluggy.PluginManager, plugin_name: str, hook: str) -> bool:
    return any(i.plugin_name == plugin_name for i in getattr(pm.hook, hook).get_hookimpls())


def _describe(exc: BaseException) -> str:
    if getattr(exc, "located", False):  # a rule-data error names its file and line itself
        return f"{type(exc).__name__}: {exc}"
    last = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
    where = f" ({last[0].filename.rsplit('/', 1)[-1]}:{last[0].lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}"


class MunicipalityView:
    """Calls hooks for one municipality plus the always-on plugins, safely.

    Every hook implementation is called on its own: one that raises is recorded in
    :attr:`Registry.problems` with the plugin's name, and the others still answer.

    The hooks that state rules are asked for the rules in force on :attr:`on` (their
    ``on`` argument): today for a view made by :meth:`Registry.view`, a given date for one
    made by :meth:`at`. What the hooks register is collected once per view.
    """

    def __init__(self, registry: Registry, key: str | None, muni: Municipality | None,
                 on: dt.date | None = None, parent: MunicipalityView | None = None):
        self.registry = registry
        self.key = key
        self.municipality = muni
        #: the date whose rules this view answers with; None: today
        self.on = on
        if parent is None:
            self._others = [
                registry.pm.get_plugin(k)
                for k in registry.municipalities()
                if k != key and registry.pm.get_plugin(k) is not None
            ]
            self._callers: dict[str, Any] = {}
            self._dated: OrderedDict[dt.date, MunicipalityView] = OrderedDict()
        else:  # a dated view shares the plugins, the hook callers and the cache of views
            self._others, self._callers, self._dated = parent._others, parent._callers, parent._dated
        self._cache: dict[str, Any] = {}

    def at(self, on: dt.date | None) -> MunicipalityView:
        """The same municipality's rules as they were (or will be) in force on ``on``.

        A collaboration is judged under the rules of its decision date (before a decision,
        today). Views are kept per date (the :data:`DATED_VIEWS` most recent), so each
        date's hooks are collected once. ``None``: this view's own date.
        """
        if on is None or on == self.on:
            return self
        view = self._dated.get(on)
        if view is None:
            view = self._dated[on] = MunicipalityView(self.registry, self.key, self.municipality, on, self)
            while len(self._dated) > DATED_VIEWS:
                self._dated.popitem(last=False)
        else:
            self._dated.move_to_end(on)
        return view

    @property
    def date(self) -> dt.date:
        """The date whose rules this view answers with (today for an undated view)."""
        return self.on or dt.date.today()

    def documents(self) -> tuple[Document, ...]:
        """The municipality's documents whose rules are in force on this view's date: the
        versions that apply to a collaboration decided then."""
        return self.municipality.documents_on(self.date) if self.municipality else ()

    def _impls(self, hook: str) -> list[Any]:
        """The hook's implementations of this view's plugins, in pluggy's call order.

        Through one subset hook caller per hook, built once: it filters the hook's
        implementations when asked (a plugin added later is seen), and building one
        per call cost more than the call when a transition asks several hooks.
        """
        caller = self._callers.get(hook)
        if caller is None:
            caller = self._callers[hook] = self.registry.pm.subset_hook_caller(
                hook, remove_plugins=self._others)
        return list(reversed(caller.get_hookimpls()))

    # -- calling --------------------------------------------------------------

    def call(self, hook: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call ``hook`` on the plugins of this view; return (plugin name, result) pairs.

        Results of None are left out. Implementations run in pluggy's order (last
        registered first); an implementation that raises is reported and skipped.
        """
        results: list[tuple[str, Any]] = []
        kwargs = {"on": self.date, **kwargs}
        for impl in self._impls(hook):
            args = {name: kwargs[name] for name in impl.argnames if name in kwargs}
            try:
                result = impl.function(**args)
            except Exception as exc:
                self._problem(impl.plugin_name, hook, exc)
                continue
            if result is not None:
                results.append((impl.plugin_name, result))
        return results

    def first(self, hook: str, **kwargs: Any) -> Any:
        """The first non-None result of ``hook`` (plugin before built-ins), or None."""
        results = self.call(hook, **kwargs)
        return results[0][1] if results else None

    def _problem(self, plugin: str, hook: str, exc: BaseException | str) -> None:
        text = exc if isinstance(exc, str) else _describe(exc)
        problem = PluginProblem(plugin, hook, text)
        if problem not in self.registry.problems:
            self.registry.problems.append(problem)

    def _register(self, hook: str, kind: type | tuple[type, ...], sink: Callable[[Any], Any], **kwargs: Any) -> None:
        kwargs = {"on": self.date, **kwargs}
        for impl in self._impls(hook):
            def register(obj: Any, _plugin: str = impl.plugin_name) -> None:
                if not isinstance(obj, kind):
                    raise ValidationError(f"{_plugin}: {hook} registered {obj!r}, expected {kind}")
                sink(obj)
            args = {name: (register if name == "register" else kwargs.get(name)) for name in impl.argnames}
            try:
                impl.function(**args)
            except Exception as exc:
                self._problem(impl.plugin_name, hook, exc)

    def _collect(self, hook: str, kind: type, key: Callable[[Any], str], validate: Callable[[Any], None] | None = None) -> list[Any]:
        if hook not in self._cache:
            items: dict[str, Any] = {}

            def sink(obj: Any) -> None:
                if validate:
                    validate(obj)
                k = key(obj)
                if k in items:
                    raise ValidationError(f"{hook}: duplicate id {k!r}")
                items[k] = obj

            self._register(hook, kind, sink)
            self._cache[hook] = list(items.values())
        return self._cache[hook]

    # -- what the core asks for ----------------------------------------------

    def forms(self) -> list[FormOffer]:
        """The forms the municipality registered, in the core's form order."""
        offers = self._collect("register_forms", FormOffer, lambda f: f.form)
        return sorted(offers, key=lambda f: FORM_KEYS.index(f.form))

    def form(self, key: str) -> FormOffer | None:
        """The municipality's offer for form ``key``, if it registered one."""
        return next((f for f in self.forms() if f.form == key), None)

    def checks(self, form: str | None = None) -> list[CheckItem]:
        """Checklist items (national and local); only those for ``form`` when given."""
        items = self._collect("register_checks", CheckItem, lambda c: c.id)
        return [c for c in items if form is None or c.applies_to(form)]

    def gates(self) -> list[Gate]:
        """The core's gates followed by every plugin gate of this view."""
        return [*CORE_GATES, *self._collect("register_gates", Gate, lambda g: g.id)]

    def form_guide(self) -> list[GuideRule]:
        """What the answers of the form questionnaire mean here (every plugin's rules)."""
        return self._collect("register_form_guide", GuideRule, lambda r: r.id)

    def record_kinds(self) -> dict[str, RecordKind]:
        """Plugin record kinds by key."""
        return {k.key: k for k in self._collect("register_record_kinds", RecordKind, lambda k: k.key)}

    def retention(self) -> dict[str, Retention]:
        """How long each record is kept and what culling does then, as the municipality's
        information management plan says, by record (a key of
        :data:`~samverkan.domain.rules.RETAINED` or of a record kind).

        Only what the plugins register: a record without an entry is kept (bevaras) and
        not erasable, and a record kind without one follows the entry for ``"record"``;
        :meth:`retention_of` applies both. A rule for an unknown record, a second rule
        for the same record, or one :func:`~samverkan.plugin.schema.retention_error`
        refuses is reported as a problem of its plugin and left out.
        """
        kinds = self.record_kinds()

        def validate(rule: Retention) -> None:
            problem = retention_error(rule, kinds)
            if problem:
                raise ValidationError(f"retention {rule.record}: {problem[0]}: {problem[1]}")

        return {r.record: r for r in self._collect("register_retention", Retention, lambda r: r.record, validate)}

    def retention_of(self, record: str) -> Retention:
        """The retention rule that governs ``record`` (a key of
        :data:`~samverkan.domain.rules.RETAINED` or of a record kind): its own entry; for a
        record kind without one, the entry for ``"record"``; else, where the plan says
        nothing, kept for ever and not erasable.

        :raises ValidationError: when ``record`` is neither.
        """
        rules = self.retention()
        if record in rules:
            return rules[record]
        kinds = self.record_kinds()
        if record not in RETAINED and record not in kinds:
            raise ValidationError(f"unknown record {record!r}; expected one of {', '.join(RETAINED)} "
                                  f"or a record kind ({', '.join(kinds) or 'none'})")
        if record in kinds and "record" in rules:
            return rules["record"]
        return Retention(record, None, UNSTATED_RETENTION,
                         reason="Kommunens dokumenthanteringsplan anger ingen gallring: uppgifterna bevaras.")

    def topics(self) -> list[Topic]:
        """The comparison topics: the core's, then those the plugins declare (by key)."""

        def validate(t: Topic) -> None:
            problem = extra_topic_error(t)
            if problem:
                raise ValidationError(problem)

        extra = self._collect("register_topics", Topic, lambda t: t.key, validate)
        return [*TOPICS, *sorted(extra, key=lambda t: t.key)]

    def rules(self) -> list[RuleText]:
        """Rule texts per comparison topic, in topic order then id.

        A rule on a topic nobody declared, or with a value outside its topic's
        vocabulary, is refused (reported as a problem of its plugin).
        """
        topics = {t.key: t for t in self.topics()}
        order = list(topics)

        def validate(rule: RuleText) -> None:
            if rule.topic not in topics:
                raise ValidationError(f"rule {rule.id}: unknown topic {rule.topic!r}")
            problem = value_error(topics[rule.topic], rule.value)
            if problem:
                raise ValidationError(f"rule {rule.id}: {problem}")

        rules = self._collect("register_rules", RuleText, lambda r: r.id, validate)
        return sorted(rules, key=lambda r: (order.index(r.topic), r.id))

    def reports(self) -> dict[str, Report]:
        """Reports by key."""
        return {r.key: r for r in self._collect("register_reports", Report, lambda r: r.key)}

    def decision_authority(self, form: str) -> DecisionAuthority:
        """Who decides for ``form``; where the municipality says nothing, whoever its
        delegation order names (the manager or the board): the core does not guess."""
        found = self.first("decision_authority", form=form)
        if isinstance(found, DecisionAuthority):
            return found
        from samverkan.domain.lifecycle import CORE_SOURCE

        return DecisionAuthority("delegation", "enligt kommunens delegationsordning", CORE_SOURCE)

    def follow_up_policy(self, form: str) -> FollowUpPolicy | None:
        """The follow-up policy for ``form``, if the municipality sets one."""
        found = self.first("follow_up_policy", form=form)
        return found if isinstance(found, FollowUpPolicy) else None

    def agreement_sections(self, form: str) -> list[AgreementSection]:
        """Sections an agreement of ``form`` must or should contain, from every plugin."""
        sections: list[AgreementSection] = []
        for _plugin, result in self.call("agreement_sections", form=form):
            sections.extend(s for s in result if isinstance(s, AgreementSection))
        return sections

    def periodic_notifications(self, on: dt.date, reads: Any) -> list[Any]:
        """The notifications the plugins send on a schedule, for the day ``on``."""
        out: list[Any] = []
        for _plugin, result in self.call("periodic_notifications", on=on, reads=reads):
            out.extend(result)
        return out

    def notifications(self, event: str, context: Any) -> list[Any]:
        """Notifications the plugins want sent for ``event``."""
        out: list[Any] = []
        for _plugin, result in self.call("lifecycle_event", event=event, context=context):
            out.extend(result)
        return out
