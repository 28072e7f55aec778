"""Plugin discovery (entry points, allow-list) and the checks that refuse a faulty plugin at start-up."""

from __future__ import annotations

import logging
import sys
import types
from dataclasses import replace
from types import SimpleNamespace

import pytest
from piccolo.columns import Varchar
from piccolo.conf.apps import AppConfig
from piccolo.table import Table

import plugin_casse
from plugin_casse import STARTUP_HOOKS, startup_failure
from teleservices.core import defaults, plugins as plugins_module
from teleservices.core.api import FAMILIES, MenuItem, ServiceSpec, UserType, Viewer, hookimpl
from teleservices.core.plugins import PluginError, PluginFailure, load_plugins
from teleservices.core.rendering import menu_for
from teleservices.core.settings import Settings
from teleservices.core.testing import run

IN_TREE = ["notes", "absences", "lpc", "fiche", "inscription"]


@pytest.fixture
def settings(tmp_path):
    """Settings that every installed plugin is enabled in (no database is touched)."""
    return Settings(database_url=f"sqlite:///{tmp_path / 'unused.sqlite3'}", secret_key="clé", var_dir=tmp_path)


def plugin(**hooks):
    """A module-like plugin object whose functions are hook implementations."""
    return SimpleNamespace(**{name: hookimpl(function) for name, function in hooks.items()})


def offering(*specs: ServiceSpec):
    return plugin(services=lambda: list(specs))


# --- discovery ------------------------------------------------------------------------------


def test_in_tree_services_are_found_through_their_entry_points(settings):
    loaded = load_plugins(settings)
    for key in IN_TREE:
        assert loaded.service_owner[key] == key
    registered = {name for name, _ in loaded.pm.list_name_plugin()}
    assert {"core", *IN_TREE} <= registered


@pytest.mark.parametrize(
    ("key", "audiences", "national"),
    [
        ("notes", FAMILIES, True),
        ("absences", FAMILIES, True),
        ("lpc", FAMILIES, True),
        ("fiche", frozenset({UserType.PARENT}), False),
        ("inscription", frozenset({UserType.PARENT}), False),
    ],
)
def test_in_tree_services_declare_their_audiences_and_national_flag(settings, key, audiences, national):
    spec = load_plugins(settings).services[key]
    assert spec.audiences == audiences
    assert spec.national is national


def test_third_party_plugin_is_found_through_its_entry_point(settings):
    loaded = load_plugins(settings)
    assert loaded.service_owner["ent_exemple"] == "ent_exemple"
    assert loaded.services["ent_exemple"].label == "ENT de l'académie"
    assert "teleservices_ent_exemple.piccolo_app" in loaded.piccolo_apps


def test_in_tree_services_come_in_the_guide_order(settings):
    keys = list(load_plugins(settings).services)
    assert [k for k in keys if k in IN_TREE] == IN_TREE


def test_services_are_sorted_by_order_then_key(settings):
    extra = {
        "premier": offering(ServiceSpec("zz_premier", "Premier", order=1)),
        "dernier": offering(ServiceSpec("aa_dernier", "Dernier", order=10_000)),
        "egal": offering(ServiceSpec("bb_egal", "B", order=500), ServiceSpec("ab_egal", "A", order=500)),
    }
    keys = list(load_plugins(settings, extra=extra).services)
    assert keys[0] == "zz_premier"
    assert keys[-3:] == ["ab_egal", "bb_egal", "aa_dernier"]


def test_static_folders_of_core_and_plugins_are_collected(settings):
    static = load_plugins(settings).static_dirs
    assert {"core", *IN_TREE} <= set(static)
    assert (static["notes"] / "icon.svg").is_file()


# --- allow-list -----------------------------------------------------------------------------


def test_allow_list_enables_only_the_named_plugins_and_the_core(settings):
    loaded = load_plugins(replace(settings, plugins=("notes",)))
    assert list(loaded.services) == ["notes"]
    assert {name for name, _ in loaded.pm.list_name_plugin()} == {"core", "notes"}


def test_allow_list_naming_an_uninstalled_plugin_is_refused(settings):
    with pytest.raises(PluginError, match="TELESERVICES_PLUGINS") as error:
        load_plugins(replace(settings, plugins=("notes", "fantome")))
    assert "fantome" in str(error.value)


def test_installed_plugin_that_fails_to_import_is_named(settings, monkeypatch):
    class BrokenEntryPoint:
        name = "casse"

        def load(self):
            raise ImportError("module introuvable")

    monkeypatch.setattr(plugins_module, "entry_points", lambda group: [BrokenEntryPoint()])
    with pytest.raises(PluginError, match="« casse » n'a pas pu être chargé"):
        load_plugins(settings)


# --- validation -----------------------------------------------------------------------------


def test_unknown_hook_name_is_refused_naming_the_plugin(settings):
    with pytest.raises(PluginError, match="« fautif »") as error:
        load_plugins(settings, extra={"fautif": plugin(servicez=lambda: [])})
    assert "servicez" in str(error.value)


def test_hook_argument_missing_from_the_spec_is_refused(settings):
    def menu_items(viewer, langue):
        return []

    with pytest.raises(PluginError, match="« bavard »") as error:
        load_plugins(settings, extra={"bavard": plugin(menu_items=menu_items)})
    assert "langue" in str(error.value)


def test_hook_using_a_subset_of_the_spec_arguments_is_accepted(settings):
    loaded = load_plugins(settings, extra={"sobre": plugin(menu_items=lambda: [])})
    assert "sobre" in {name for name, _ in loaded.pm.list_name_plugin()}


def test_duplicate_service_key_is_refused_naming_both_plugins(settings):
    extra = {
        "alpha": offering(ServiceSpec("doublon", "Service A")),
        "beta": offering(ServiceSpec("doublon", "Service B")),
    }
    with pytest.raises(PluginError, match="doublon") as error:
        load_plugins(settings, extra=extra)
    assert "« alpha »" in str(error.value)
    assert "« beta »" in str(error.value)


def test_key_taken_by_an_installed_plugin_is_refused(settings):
    with pytest.raises(PluginError) as error:
        load_plugins(settings, extra={"imposteur": offering(ServiceSpec("notes", "Mes notes"))})
    assert "« imposteur »" in str(error.value)
    assert "« notes »" in str(error.value)


def test_services_returning_something_else_than_service_specs_is_refused(settings):
    with pytest.raises(PluginError, match="« brouillon » : services\\(\\) doit renvoyer des ServiceSpec"):
        load_plugins(settings, extra={"brouillon": plugin(services=lambda: [{"key": "brouillon"}])})


@pytest.mark.parametrize("key", ["Notes", "a", "1notes", "mes-notes", "notes perso", "x" * 41, ""])
def test_invalid_service_key_is_refused(settings, key):
    with pytest.raises(PluginError, match="clé de service invalide") as error:
        load_plugins(settings, extra={"cles": offering(ServiceSpec(key, "Service"))})
    assert "« cles »" in str(error.value)


@pytest.mark.parametrize("hook", STARTUP_HOOKS)
def test_a_start_up_hook_that_raises_disables_its_plugin_only(settings, hook, caplog):
    """Raising is not declaring something invalid: the portal starts without the plugin,
    nothing of what it declared is kept, and the log says which plugin and which hook."""
    with caplog.at_level(logging.ERROR, logger="teleservices.core.plugins"):
        loaded = load_plugins(settings, extra={"casse": startup_failure(hook)})
    assert "casse_demarrage" not in loaded.services and "casse_demarrage" not in loaded.service_owner
    assert "casse_demarrage" not in loaded.static_dirs and "casse" not in loaded.template_dirs
    assert "casse" not in {name for name, _ in loaded.pm.list_name_plugin()}, "its other hooks are no longer called"
    assert loaded.disabled == {"casse": f"{hook} : Panne: {hook} en panne"}
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"Le plugin « casse » a échoué dans {hook} : Panne: {hook} en panne ; il est désactivé"
    ]
    for key in IN_TREE:
        assert loaded.service_owner[key] == key
    assert "teleservices_ent_exemple.piccolo_app" in loaded.piccolo_apps and "notes" in loaded.static_dirs


def test_the_same_plugin_is_kept_when_no_start_up_hook_raises(settings):
    """The test above means something: this plugin's declarations are all used when they work."""
    loaded = load_plugins(settings, extra={"casse": startup_failure("aucun")})
    assert loaded.service_owner["casse_demarrage"] == "casse" and loaded.disabled == {}
    assert "casse_demarrage" in loaded.static_dirs and "casse" in loaded.template_dirs


def test_a_disabled_plugin_does_not_count_for_duplicate_keys(settings):
    extra = {"casse": startup_failure("template_dirs"), "autre": offering(ServiceSpec("casse_demarrage", "Autre"))}
    assert load_plugins(settings, extra=extra).service_owner["casse_demarrage"] == "autre"


def test_a_plugin_that_raises_is_disabled_but_an_invalid_one_still_stops_start_up(settings):
    extra = {"casse": startup_failure("services"), "imposteur": offering(ServiceSpec("notes", "Mes notes"))}
    with pytest.raises(PluginError, match="« imposteur »"):
        load_plugins(settings, extra=extra)


def test_a_start_up_hook_of_the_core_that_raises_stops_start_up(settings, monkeypatch):
    def static_dirs():
        raise OSError("disque illisible")

    monkeypatch.setattr(defaults, "static_dirs", hookimpl(static_dirs))
    with pytest.raises(PluginError, match="cœur du portail a échoué dans static_dirs"):
        load_plugins(settings)


def test_a_piccolo_app_that_cannot_be_imported_stops_start_up_naming_the_plugin(settings):
    with pytest.raises(PluginError, match="« rangee » : l'application Piccolo « ts_test_app_absente »"):
        load_plugins(settings, extra={"rangee": plugin(piccolo_apps=lambda: ["ts_test_app_absente"])})


def test_offered_by_that_raises_comes_out_blaming_its_plugin(settings):
    """The core calls offered_by through a wrapper naming the plugin and the service."""
    loaded = load_plugins(settings, extra={"casse": plugin_casse})
    with pytest.raises(PluginFailure) as failure:
        run(loaded.services["casse_ailleurs"].offered_by(SimpleNamespace(id=1)))
    assert (failure.value.plugin, failure.value.hook, failure.value.service) == ("casse", "offered_by", "casse_ailleurs")
    assert failure.value.label == "Casse ailleurs"
    assert str(failure.value.__cause__) == "offered_by en panne"


def test_menu_items_that_raise_leave_only_that_plugin_out(settings, caplog):
    loaded = load_plugins(settings, extra={"casse": plugin_casse, "autre": plugin(menu_items=lambda: [MenuItem("ENT", "/ent")])})
    viewer = Viewer(compte_id=1, identifiant="x", type=UserType.PARENT, etat="actif")
    with caplog.at_level(logging.ERROR, logger="teleservices.core.plugins"):
        labels = [item.label for item in menu_for(loaded, viewer)]
    assert labels == ["notifications", "aide", "se déconnecter", "gérer son compte", "ENT"]
    assert [r.getMessage() for r in caplog.records] == [
        "Le plugin « casse » a échoué dans menu_items : Panne: menu_items en panne ; ses liens sont omis"
    ]


def test_an_aborting_hook_raises_a_failure_naming_the_plugin_others_go_on(settings, caplog):
    calls = []
    extra = {"casse": plugin_casse, "temoin": plugin(
        demo_data=lambda context: calls.append("demo_data"), accounts_merged=lambda kept, merged: calls.append("merged"),
    )}
    loaded = load_plugins(replace(settings, plugins=()), extra=extra)  # no installed plugin: no database
    with caplog.at_level(logging.ERROR, logger="teleservices.core.plugins"):
        failures = run(loaded.call_async("demo_data", context=None))
        with pytest.raises(PluginFailure) as aborted:
            run(loaded.call_async("accounts_merged", kept=1, merged=2))
    assert [(f.plugin, f.hook) for f in failures] == [("casse", "demo_data")]
    assert calls == ["demo_data"], "the next plugin's demo data still loads; a merge stops at the failure"
    assert (aborted.value.plugin, aborted.value.label) == ("casse", "Casse")
    assert [r.getMessage() for r in caplog.records] == [
        "Le plugin « casse » a échoué dans demo_data : Panne: demo_data en panne ; sa contribution est omise",
        "Le plugin « casse » a échoué dans accounts_merged : Panne: accounts_merged en panne ; l'opération est annulée",
    ]


def test_static_folder_name_taken_twice_is_refused(settings, tmp_path):
    with pytest.raises(PluginError, match="« notes » déjà pris") as error:
        load_plugins(settings, extra={"copieur": plugin(static_dirs=lambda: {"notes": str(tmp_path)})})
    assert "« copieur »" in str(error.value)


# --- Piccolo tables -------------------------------------------------------------------------


class MauvaisNom(Table, tablename="lien_sans_prefixe"):
    libelle = Varchar(length=20)


class BonNom(Table, tablename="rangee_lien"):
    libelle = Varchar(length=20)


@pytest.fixture
def piccolo_app_module(monkeypatch, tmp_path):
    """Registers a Piccolo app module holding ``table`` under a dotted name; returns that name."""

    def register(name: str, table: type[Table]) -> str:
        module = types.ModuleType(name)
        module.APP_CONFIG = AppConfig(
            app_name=name, migrations_folder_path=str(tmp_path), table_classes=[table]
        )
        monkeypatch.setitem(sys.modules, name, module)
        return name

    return register


def test_table_without_the_plugin_name_prefix_is_refused(settings, piccolo_app_module):
    app = piccolo_app_module("ts_test_mauvais_app", MauvaisNom)
    with pytest.raises(PluginError, match="« lien_sans_prefixe » doit commencer par « rangee_ »") as error:
        load_plugins(settings, extra={"rangee": plugin(piccolo_apps=lambda: [app])})
    assert "« rangee »" in str(error.value)


def test_table_with_the_plugin_name_prefix_is_accepted(settings, piccolo_app_module):
    app = piccolo_app_module("ts_test_bon_app", BonNom)
    loaded = load_plugins(settings, extra={"rangee": plugin(piccolo_apps=lambda: [app])})
    assert app in loaded.piccolo_apps
    assert "teleservices.core.piccolo_app" in loaded.piccolo_apps


@pytest.mark.parametrize("key", ["comptes", "etablissement", "import"])
def test_a_key_that_is_a_path_of_the_portal_is_refused(settings, key):
    """Its staff pages or push endpoints would shadow the core's own (/administration/comptes,
    /api/v1/etablissement...)."""
    with pytest.raises(PluginError, match=f"« {key} » est un chemin du portail"):
        load_plugins(settings, extra={"intrus": offering(ServiceSpec(key, "Intrus"))})
