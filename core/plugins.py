"""Discovering, validating and calling plugins (pluggy), after pytest and Datasette.

Four levels of "on": installed (an entry point in the ``teleservices`` group), enabled on this
instance (the ``TELESERVICES_PLUGINS`` allow-list), opened by an establishment (a
ServiceActivation row) and visible to a user type (``ServiceSpec.audiences``).
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Iterator

import pluggy

from teleservices.core import hookspecs
from teleservices.core.api import ServiceSpec
from teleservices.core.settings import Settings

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "teleservices"
SERVICE_KEY = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class PluginError(RuntimeError):
    """Start-up refused: the message names the plugin at fault."""


@dataclass
class Plugins:
    """The plugins of one portal, loaded and checked, and what they contributed."""

    pm: pluggy.PluginManager
    services: dict[str, ServiceSpec] = field(default_factory=dict)
    service_owner: dict[str, str] = field(default_factory=dict)
    template_dirs: dict[str, list[Path]] = field(default_factory=dict)
    static_dirs: dict[str, Path] = field(default_factory=dict)
    piccolo_apps: list[str] = field(default_factory=list)

    def results(self, hook: str, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Call ``hook`` on each plugin in registration order, yielding (plugin name, result).

        Unlike ``pm.hook.X()``, an exception can be blamed on the plugin that raised it.
        """
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            args = {name: kwargs[name] for name in impl.argnames}
            try:
                yield impl.plugin_name, impl.function(**args)
            except Exception as exc:
                exc.add_note(f"(plugin « {impl.plugin_name} », hook {hook})")
                raise

    async def call_async(self, hook: str, **kwargs: Any) -> None:
        """Call a hook whose implementations may be coroutine functions, in order."""
        for _, result in self.results(hook, **kwargs):
            if inspect.isawaitable(result):
                await result


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
    return plugins


def _collect(plugins: Plugins) -> None:
    try:
        _collect_services(plugins)
        _collect_folders(plugins)
        _collect_apps(plugins)
    except PluginError:
        raise
    except Exception as exc:
        raise PluginError(f"Échec au démarrage : {exc} {' '.join(getattr(exc, '__notes__', []))}") from exc


# The core's own paths under /administration/ and /api/v1/, where services mount their staff
# pages and push endpoints: no service key may take one.
RESERVED_KEYS = frozenset({
    "api", "comptes", "eleves", "etablissements", "import", "journal", "personnels", "services",
    "etablissement", "schema",
})


def _collect_services(plugins: Plugins) -> None:
    for name, specs in plugins.results("services"):
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
            plugins.services[spec.key] = spec
            plugins.service_owner[spec.key] = name
    plugins.services = dict(sorted(plugins.services.items(), key=lambda kv: (kv[1].order, kv[0])))


def _package_folder(plugin: object) -> Path | None:
    """The folder of a plugin that is a package (its ``__init__.py``), if it is one."""
    file = getattr(plugin, "__file__", None)
    return Path(file).resolve().parent if file and file.endswith("__init__.py") else None


def _collect_folders(plugins: Plugins) -> None:
    """A package's own ``templates/`` and ``static/`` folders are picked up as Datasette does
    (static under ``/static/<plugin name>/``); the hooks add any others."""
    for name, plugin in plugins.pm.list_name_plugin():
        folder = _package_folder(plugin)
        if folder and (folder / "templates").is_dir():
            plugins.template_dirs[name] = [folder / "templates"]
        if folder and (folder / "static").is_dir():
            plugins.static_dirs[name] = folder / "static"
    for name, dirs in plugins.results("template_dirs"):
        plugins.template_dirs.setdefault(name, []).extend(Path(d) for d in dirs or [])
    for name, dirs in plugins.results("static_dirs"):
        for static_name, path in (dirs or {}).items():
            if static_name in plugins.static_dirs:
                raise PluginError(f"Plugin « {name} » : dossier statique « {static_name} » déjà pris")
            plugins.static_dirs[static_name] = Path(path)


def _collect_apps(plugins: Plugins) -> None:
    for name, app_paths in plugins.results("piccolo_apps"):
        for app_path in app_paths or []:
            app_config = importlib.import_module(app_path).APP_CONFIG
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
