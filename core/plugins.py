"""Discovering, validating and calling plugins (pluggy), after pytest and Datasette.

Four levels of "on": installed (an entry point in the ``teleservices`` group), enabled on this
instance (the ``TELESERVICES_PLUGINS`` allow-list), opened by an establishment (a
ServiceActivation row) and visible to a user type (``ServiceSpec.audiences``).

Two kinds of faults, two answers:

- an INVALID plugin (an unknown hook name, a duplicate service key, a table outside the
  plugin's prefix, a module that cannot be imported) is a programming error: start-up fails
  with a :class:`PluginError` naming the plugin, before anything is served;
- a plugin that RAISES while the portal runs its hooks is isolated: at start-up (``services``,
  ``template_dirs``, ``static_dirs``, ``piccolo_apps``) it is disabled, every contribution of
  it dropped (``Plugins.disabled``); later, its contribution to that call is left out
  (``Plugins.isolated``, ``Plugins.call_async``), except for the hooks of
  ``ABORTING_HOOKS``, whose failure aborts the operation (:class:`PluginFailure`). Each time,
  an ERROR line names the plugin and the hook. (``family.offered_services`` and the app's
  error handler isolate ``ServiceSpec.offered_by`` and the services' pages the same way.)
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
import re
from dataclasses import dataclass, field, replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Callable, Iterator

import pluggy
from babel.support import LazyProxy

from teleservices.core import hookspecs
from teleservices.core.api import ServiceSpec
from teleservices.core.i18n import LOCALE_FOLDER
from teleservices.core.settings import Settings

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "teleservices"
SERVICE_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
# A notification type: « <service key>.<event> » (notes.publiees), 60 characters at most.
NOTIFICATION_TYPE = re.compile(r"^[a-z][a-z0-9_]{1,39}\.[a-z][a-z0-9_.]{0,40}$")

# The hooks called once at start-up: a plugin raising in one of them is disabled.
STARTUP_HOOKS = ("services", "template_dirs", "static_dirs", "piccolo_apps")
# The hooks whose failure aborts the operation that called them (the merge of two accounts is
# all or nothing); a failure of any other hook only leaves that plugin's contribution out.
ABORTING_HOOKS = frozenset({"accounts_merged"})


class PluginError(RuntimeError):
    """Start-up refused: the message names the plugin at fault."""


class PluginFailure(Exception):
    """A plugin raised in a hook or in one of its services; the original exception is the
    ``__cause__``. ``label`` is what to call it in front of a family: its service's label.
    ``logged`` tells that the failure was already logged with its traceback."""

    def __init__(self, plugin: str, hook: str, *, service: str | None = None, label: str = "", logged: bool = False):
        where = f" (service « {service} »)" if service else ""
        super().__init__(f"Le plugin « {plugin} » a échoué dans {hook}{where}")
        self.plugin = plugin
        self.hook = hook
        self.service = service
        self.label = label or plugin
        self.logged = logged


def summary(exc: BaseException) -> str:
    """One line about an exception, for a log message (its traceback follows the line)."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


@dataclass
class Plugins:
    """The plugins of one portal, loaded and checked, and what they contributed."""

    pm: pluggy.PluginManager
    services: dict[str, ServiceSpec] = field(default_factory=dict)
    service_owner: dict[str, str] = field(default_factory=dict)
    template_dirs: dict[str, list[Path]] = field(default_factory=dict)
    static_dirs: dict[str, Path] = field(default_factory=dict)
    locale_dirs: list[Path] = field(default_factory=list)  # each package's catalogs (core.i18n)
    piccolo_apps: list[str] = field(default_factory=list)
    # The plugins disabled at start-up because a hook raised: {plugin name: "hook : error"}.
    disabled: dict[str, str] = field(default_factory=dict)

    def label(self, plugin: str) -> str:
        """What a family calls this plugin: the label of its first service, else its name."""
        return next((self.services[key].label for key, owner in self.service_owner.items() if owner == plugin), plugin)

    def _calls(self, hook: str, kwargs: dict[str, Any]) -> Iterator[tuple[str, Callable[[], Any]]]:
        """Each implementation of ``hook`` in registration order, as (plugin name, call)."""
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            args = {name: kwargs[name] for name in impl.argnames}
            yield impl.plugin_name, functools.partial(impl.function, **args)

    def isolated(
        self, hook: str, consequence: str, *, shape: Callable[[Any], Any] = list, **kwargs: Any
    ) -> Iterator[tuple[str, Any]]:
        """Call a synchronous hook on each plugin, yielding (plugin name, ``shape(result or
        [])``). A plugin that raises, or whose result ``shape`` refuses, is logged (« … ;
        ``consequence`` ») and left out: the others still answer."""
        for name, call in self._calls(hook, kwargs):
            try:
                result = shape(call() or [])
            except Exception as exc:
                log.error("Le plugin « %s » a échoué dans %s : %s ; %s", name, hook, summary(exc), consequence, exc_info=exc)
                continue
            yield name, result

    async def call_async(self, hook: str, **kwargs: Any) -> list[PluginFailure]:
        """Call a hook whose implementations may be coroutine functions, in order.

        A plugin that raises is logged and the next one is called; the failures are returned.
        For a hook of ``ABORTING_HOOKS`` the first failure is raised instead, as a
        :class:`PluginFailure`, so that the caller's transaction is rolled back.
        """
        failures: list[PluginFailure] = []
        for name, call in self._calls(hook, kwargs):
            try:
                result = call()
                if inspect.isawaitable(result):
                    await result
            except Exception as exc:
                aborting = hook in ABORTING_HOOKS
                log.error(
                    "Le plugin « %s » a échoué dans %s : %s ; %s", name, hook, summary(exc),
                    "l'opération est annulée" if aborting else "sa contribution est omise", exc_info=exc,
                )
                failure = PluginFailure(name, hook, label=self.label(name), logged=True)
                if aborting:
                    raise failure from exc
                failure.__cause__ = exc
                failures.append(failure)
        return failures


def _entry_points(settings: Settings) -> list[Any]:
    found = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)
    if settings.plugins is None:
        return found
    unknown = set(settings.plugins) - {ep.name for ep in found}
    if unknown:
        raise PluginError(
            "TELESERVICES_PLUGINS nomme des plugins non installés : " + ", ".join(sorted(unknown))
        )
    return [ep for ep in found if ep.name in settings.plugins]


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"Plugin « {name} » invalide : {exc}") from exc
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"Plugin « {name} » invalide : {exc}") from exc


def load_plugins(settings: Settings, extra: dict[str, object] | None = None) -> Plugins:
    """Register the core's defaults, then every enabled plugin, and check what they declare.

    ``extra`` registers plugin objects directly (tests use it); names must be unique.
    """
    from teleservices.core import defaults

    pm = pluggy.PluginManager(ENTRY_POINT_GROUP)
    pm.add_hookspecs(hookspecs)
    _register(pm, defaults, "core")
    for ep in _entry_points(settings):
        try:
            module = ep.load()
        except Exception as exc:
            raise PluginError(f"Le plugin « {ep.name} » n'a pas pu être chargé : {exc!r}") from exc
        _register(pm, module, ep.name)
    for name, plugin in (extra or {}).items():
        _register(pm, plugin, name)
    plugins = Plugins(pm=pm)
    _collect(plugins)
    from teleservices.core.notifications import remember

    remember(settings, plugins)  # ``notify`` without a request emits in the portal loaded last
    return plugins


def _collect(plugins: Plugins) -> None:
    try:
        declared = _call_startup_hooks(plugins)
        _collect_services(plugins, declared["services"])
        _collect_folders(plugins, declared["template_dirs"], declared["static_dirs"])
        _collect_apps(plugins, declared["piccolo_apps"])
    except PluginError:
        raise
    except Exception as exc:
        raise PluginError(f"Échec au démarrage : {exc} {' '.join(getattr(exc, '__notes__', []))}") from exc


def _call_startup_hooks(plugins: Plugins) -> dict[str, list[tuple[str, Any]]]:
    """Every start-up hook of every plugin, before anything is checked: a plugin that raises in
    one of them is disabled (logged, unregistered), so that none of what it declared is used —
    a service without its tables or templates would only fail later, page after page. The
    core's own hooks must not raise: start-up fails then."""
    answers: dict[str, list[tuple[str, Any]]] = {hook: [] for hook in STARTUP_HOOKS}
    for hook in STARTUP_HOOKS:
        for name, call in plugins._calls(hook, {}):
            if name in plugins.disabled:
                continue
            try:
                answers[hook].append((name, call()))
            except Exception as exc:
                if name == "core":
                    raise PluginError(f"Le cœur du portail a échoué dans {hook} : {exc!r}") from exc
                log.error("Le plugin « %s » a échoué dans %s : %s ; il est désactivé", name, hook, summary(exc), exc_info=exc)
                plugins.disabled[name] = f"{hook} : {summary(exc)}"
                plugins.pm.unregister(name=name)
    return {hook: [(name, value) for name, value in found if name not in plugins.disabled] for hook, found in answers.items()}


# The core's own paths under /administration/ and /api/v1/, where services mount their staff
# pages and push endpoints: no service key may take one.
RESERVED_KEYS = frozenset({
    "api", "comptes", "eleves", "etablissements", "import", "journal", "personnels", "services",
    "etablissement", "schema",
})


def _collect_services(plugins: Plugins, declared: list[tuple[str, Any]]) -> None:
    for name, specs in declared:
        for spec in specs or []:
            if not isinstance(spec, ServiceSpec):
                raise PluginError(f"Plugin « {name} » : services() doit renvoyer des ServiceSpec")
            if not SERVICE_KEY.match(spec.key):
                raise PluginError(f"Plugin « {name} » : clé de service invalide {spec.key!r}")
            if spec.key in RESERVED_KEYS:
                raise PluginError(
                    f"Plugin « {name} » : la clé de service « {spec.key} » est un chemin du portail "
                    f"(/administration/{spec.key} ou /api/v1/{spec.key})"
                )
            if spec.key in plugins.services:
                raise PluginError(
                    f"Plugin « {name} » : la clé de service « {spec.key} » est déjà déclarée "
                    f"par le plugin « {plugins.service_owner[spec.key]} »"
                )
            _check_notifications(name, spec)
            if spec.offered_by is not None:
                spec = replace(spec, offered_by=_blamed(spec.offered_by, name, spec))
            plugins.services[spec.key] = spec
            plugins.service_owner[spec.key] = name
    plugins.services = dict(sorted(plugins.services.items(), key=lambda kv: (kv[1].order, kv[0])))


def _check_notifications(name: str, spec: ServiceSpec) -> None:
    """The notification types a service declares: « <its key>.<event> », each once, labelled."""
    seen: set[str] = set()
    for declared in spec.notifications:
        kind, label = declared if isinstance(declared, tuple) and len(declared) == 2 else (repr(declared), "")
        if not (isinstance(kind, str) and len(kind) <= 60 and NOTIFICATION_TYPE.match(kind)
                and kind.startswith(f"{spec.key}.")):
            raise PluginError(
                f"Plugin « {name} » : le type de notification {kind!r} doit s'écrire « {spec.key}.<événement> » "
                "(minuscules, chiffres, _ et ., 60 caractères au plus)"
            )
        # A label is text, or a lazy translation of it (lazy_gettext).
        if not isinstance(label, (str, LazyProxy)) or not str(label).strip():
            raise PluginError(f"Plugin « {name} » : le type de notification « {kind} » n'a pas de libellé")
        if kind in seen:
            raise PluginError(f"Plugin « {name} » : le type de notification « {kind} » est déclaré deux fois")
        seen.add(kind)


def _blamed(offered_by: Callable[[Any], Any], plugin: str, spec: ServiceSpec) -> Callable[[Any], Any]:
    """``offered_by`` as the core calls it: an exception comes out as a :class:`PluginFailure`
    naming the plugin and the service (the home screen leaves the service out, its routes
    answer the service's error page)."""

    @functools.wraps(offered_by)
    async def call(child: Any) -> Any:
        try:
            result = offered_by(child)
            return await result if inspect.isawaitable(result) else result
        except Exception as exc:
            raise PluginFailure(plugin, "offered_by", service=spec.key, label=spec.label) from exc

    return call


def _package_folder(plugin: object) -> Path | None:
    """The folder of a plugin that is a package (its ``__init__.py``), if it is one."""
    file = getattr(plugin, "__file__", None)
    return Path(file).resolve().parent if file and file.endswith("__init__.py") else None


def _collect_folders(plugins: Plugins, templates: list[tuple[str, Any]], statics: list[tuple[str, Any]]) -> None:
    """A package's own ``templates/``, ``static/`` and ``locale/`` folders are picked up as Datasette does
    (static under ``/static/<plugin name>/``); the hooks add any others."""
    for name, plugin in plugins.pm.list_name_plugin():
        folder = _package_folder(plugin)
        if folder and (folder / "templates").is_dir():
            plugins.template_dirs[name] = [folder / "templates"]
        if folder and (folder / "static").is_dir():
            plugins.static_dirs[name] = folder / "static"
        if folder and (folder / LOCALE_FOLDER).is_dir():
            plugins.locale_dirs.append(folder / LOCALE_FOLDER)
    for name, dirs in templates:
        plugins.template_dirs.setdefault(name, []).extend(Path(d) for d in dirs or [])
    for name, dirs in statics:
        for static_name, path in (dirs or {}).items():
            if static_name in plugins.static_dirs:
                raise PluginError(f"Plugin « {name} » : dossier statique « {static_name} » déjà pris")
            plugins.static_dirs[static_name] = Path(path)


def _collect_apps(plugins: Plugins, declared: list[tuple[str, Any]]) -> None:
    for name, app_paths in declared:
        for app_path in app_paths or []:
            try:
                app_config = importlib.import_module(app_path).APP_CONFIG
            except Exception as exc:
                raise PluginError(
                    f"Plugin « {name} » : l'application Piccolo « {app_path} » n'a pas pu être chargée : {exc!r}"
                ) from exc
            for table in app_config.table_classes:
                if name != "core" and not table._meta.tablename.startswith(f"{name}_"):
                    raise PluginError(
                        f"Plugin « {name} » : la table « {table._meta.tablename} » doit commencer "
                        f"par « {name}_ »"
                    )
            plugins.piccolo_apps.append(app_path)


def all_tables(plugins: Plugins) -> list[Any]:
    tables = []
    for app_path in plugins.piccolo_apps:
        tables.extend(importlib.import_module(app_path).APP_CONFIG.table_classes)
    return tables
