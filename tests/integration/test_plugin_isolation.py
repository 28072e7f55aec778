"""One plugin's failure never breaks the portal (issue 10, « Isolation »).

« casse » (tests/plugin_casse) raises in every hook it implements and in every page: the home
screen and the other services keep working, each failure is logged as an ERROR naming the plugin,
and the family or the staff read a French error page naming that service only.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any, Callable, Iterator

import pytest

import plugin_casse
from api_support import api_key, bearer  # noqa: F401
from plugin_casse import STARTUP_HOOKS, startup_failure
from teleservices.core import plugins as plugins_module, private_links
from teleservices.core.api import hookimpl
from teleservices.core.app import create_app
from teleservices.core.security import hash_password
from teleservices.core.tables import Compte, CompteEleve, Eleve
from teleservices.core.testing import csrf_from, invoke_cli, run

SERVICE_ERROR = "Le service « {} » a rencontré une erreur. Les autres services restent disponibles."
HTMX_BOOST = {"HX-Request": "true", "HX-Boosted": "true"}
HTMX_FRAGMENT = {"HX-Request": "true"}


@pytest.fixture(scope="module")
def app(portal_settings: Any) -> Any:
    return create_app(portal_settings, extra_plugins={"casse": plugin_casse})


@pytest.fixture
def casse_opened(demo: Any, service_opened: Callable[..., None]) -> None:
    """« Casse » opened at Léa's collège (as it was after the test)."""
    service_opened(demo.college, plugin_casse.KEY)


@pytest.fixture
def errors(caplog: pytest.LogCaptureFixture) -> Callable[[], list[logging.LogRecord]]:
    """``errors()``: the ERROR records logged so far by the test."""
    caplog.set_level(logging.ERROR)
    return lambda: [record for record in caplog.records if record.levelno >= logging.ERROR]


def blaming_casse(records: list[logging.LogRecord], *words: str) -> list[logging.LogRecord]:
    return [r for r in records if "« casse »" in r.getMessage() and all(w in r.getMessage() for w in words)]


def assert_service_error_page(response: Any, text: Callable[[Any], str], label: str, status: int = 500) -> str:
    page = text(response)
    assert response.status_code == status
    assert SERVICE_ERROR.format(label) in page
    assert "<h1>Une erreur est survenue</h1>" in page
    assert "Panne" not in page and "en panne" not in page and "Traceback" not in page, "nothing of the error shown"
    return page


# --- the home screen ------------------------------------------------------------------------------


def test_the_home_screen_shows_every_other_service(client_as, app, demo, casse_opened, text, errors):
    """offered_by and menu_items raise: « Casse ailleurs » and casse's menu links are left out,
    everything else is there."""
    page = text(client_as("demo.parent", app=app).get(f"/eleves/{demo.lea}/"))
    for service in ("Les notes", "Les absences", "Casse"):
        assert service in page
    assert f'href="/eleves/{demo.lea}/casse/"' in page
    assert "Casse ailleurs" not in page
    assert "se déconnecter" in page and '<a href="/aide">aide</a>' in page
    assert blaming_casse(errors(), "offered_by", "casse_ailleurs", "le service est omis")
    assert blaming_casse(errors(), "menu_items", "ses liens sont omis")
    assert all(str(r.exc_info[1]) == "offered_by en panne" for r in blaming_casse(errors(), "offered_by")), (
        "logged with its traceback")


def test_the_other_child_and_the_pupil_keep_their_home_screen(client_as, app, demo, text):
    assert "Les notes" in text(client_as("demo.parent", app=app).get(f"/eleves/{demo.hugo}/"))
    assert "Les notes" in text(client_as("demo.eleve", app=app).get(f"/eleves/{demo.lea}/"))


# --- a family page that raises ---------------------------------------------------------------------


def test_a_family_page_that_raises_names_the_service_only(client_as, app, demo, casse_opened, text, errors):
    parent = client_as("demo.parent", app=app)
    page = assert_service_error_page(parent.get(f"/eleves/{demo.lea}/casse/"), text, "Casse")
    assert f'href="/eleves/{demo.lea}/">Retour aux services de Léa</a>' in page
    [record] = blaming_casse(errors(), f"GET /eleves/{demo.lea}/casse ")
    assert "(service « casse »)" in record.getMessage()
    assert str(record.exc_info[1]) == "page de Léa en panne"
    assert parent.cookies.get("ts_session") not in record.getMessage()
    # The same portal, the same family: the other services answer.
    assert parent.get(f"/eleves/{demo.lea}/notes/").status_code == 200
    assert parent.get(f"/eleves/{demo.lea}/absences/").status_code == 200
    assert parent.get(f"/eleves/{demo.lea}/").status_code == 200


@pytest.mark.parametrize(("page", "cause"), [("gabarit", "has no attribute 'absent'"), ("filtre", "filtre date en panne")])
def test_a_template_of_the_plugin_that_fails_gives_the_same_page(client_as, app, demo, casse_opened, text, errors, page, cause):
    """An undefined attribute read in a template; a filter that raises."""
    assert_service_error_page(client_as("demo.parent", app=app).get(f"/eleves/{demo.lea}/casse/{page}"), text, "Casse")
    [record] = blaming_casse(errors(), f"/eleves/{demo.lea}/casse/{page}")
    assert cause in str(record.exc_info[1])


def test_a_refusal_the_service_raises_on_purpose_keeps_the_ordinary_page(client_as, app, demo, casse_opened, text, errors):
    response = client_as("demo.parent", app=app).get(f"/eleves/{demo.lea}/casse/introuvable")
    assert response.status_code == 404
    assert "Ce devoir est introuvable." in text(response) and "a rencontré une erreur" not in text(response)
    assert not [r for r in errors() if r.name == "teleservices.core.app"]


def test_the_guard_still_comes_first(client_as, app, demo, text, errors):
    """« Casse » is not opened at the lycée: Hugo's family gets the guard's 403, not the failure."""
    response = client_as("demo.parent", app=app).get(f"/eleves/{demo.hugo}/casse/")
    assert response.status_code == 403 and "n'est pas ouvert" in text(response)
    assert not [r for r in errors() if r.name == "teleservices.core.app"]


def test_htmx_sees_the_service_error_page(client_as, app, demo, casse_opened, text):
    """htmx 2 drops a 5xx answer: a boosted navigation gets the whole page, a fragment request
    the page block retargeted to #page, both with status 200 so that they are shown."""
    parent = client_as("demo.parent", app=app)
    boosted = parent.get(f"/eleves/{demo.lea}/casse/", headers=HTMX_BOOST)
    assert_service_error_page(boosted, text, "Casse", status=200)
    assert "<html" in boosted.text and "HX-Retarget" not in boosted.headers
    fragment = parent.get(f"/eleves/{demo.lea}/casse/", headers=HTMX_FRAGMENT)
    assert_service_error_page(fragment, text, "Casse", status=200)
    assert "<html" not in fragment.text
    assert (fragment.headers["HX-Retarget"], fragment.headers["HX-Reswap"]) == ("#page", "innerHTML")


# --- offered_by that raises -----------------------------------------------------------------------


def test_the_routes_of_a_service_whose_offered_by_raises_answer_its_error_page(client_as, app, demo, text, errors):
    parent = client_as("demo.parent", app=app)
    assert_service_error_page(parent.get(f"/eleves/{demo.lea}/casse_ailleurs/"), text, "Casse ailleurs")
    assert blaming_casse(errors(), "offered_by", "casse_ailleurs")
    assert blaming_casse(errors(), f"GET /eleves/{demo.lea}/casse_ailleurs", "page d'erreur")
    assert parent.get(f"/eleves/{demo.lea}/notes/").status_code == 200


# --- staff page, feed, API --------------------------------------------------------------------------


def test_a_staff_page_that_raises_names_the_service_only(client_as, app, text, errors):
    chef = client_as("demo.chef", app=app)
    page = assert_service_error_page(chef.get("/administration/casse/"), text, "Casse")
    assert '<a class="bouton" href="/">Retour à l\'accueil</a>' in page
    [record] = blaming_casse(errors(), "GET /administration/casse (")
    assert str(record.exc_info[1]) == "page des personnels en panne"
    assert chef.get("/").status_code == 200
    assert chef.get("/administration/services").status_code == 200
    assert chef.get("/administration/absences/").status_code == 200


def test_a_feed_that_raises_never_logs_its_token(client_as, app, demo, casse_opened, text, errors):
    compte = run(Compte.select(Compte.id).where(Compte.identifiant == "demo.parent").first())["id"]
    token = run(private_links.create(compte, demo.lea, plugin_casse.KEY))
    try:
        response = client_as("demo.parent", app=app).get(f"/flux/casse/{token}/")
    finally:
        run(private_links.revoke(compte, demo.lea, plugin_casse.KEY))
    assert_service_error_page(response, text, "Casse")
    [record] = blaming_casse(errors(), "GET /flux/casse/… (")
    assert token not in record.getMessage()


def test_an_api_endpoint_that_raises_answers_the_api_s_json_error(new_client, app, demo, api_key, errors):
    key = api_key(demo.college, [plugin_casse.KEY])
    school_software = new_client(app)
    response = school_software.get("/api/v1/casse/etat", headers=bearer(key))
    assert response.status_code == 500
    assert response.json() == {"status_code": 500, "detail": "Erreur interne du serveur."}
    [record] = blaming_casse(errors(), "GET /api/v1/casse/etat (")
    assert str(record.exc_info[1]) == "API en panne" and key not in record.getMessage()
    assert school_software.get("/api/v1/etablissement", headers=bearer(key)).status_code == 200


# --- accounts merged ------------------------------------------------------------------------------

PASSWORD = "Fusion-des-comptes-42"


@pytest.fixture
def two_parents() -> Iterator[tuple[int, int, int, int]]:
    """Two new parent accounts, each seeing a demo pupil nobody else sees: (kept, its pupil,
    merged, its pupil); deleted after the test."""
    linked = [r["eleve"] for r in run(CompteEleve.select(CompteEleve.eleve))]
    a, b = [r["id"] for r in run(Eleve.select(Eleve.id).where(Eleve.id.not_in(linked)).order_by(Eleve.id).limit(2))]
    ids = []
    for identifiant, pupil in (("casse.garde", a), ("casse.absorbe", b)):
        compte = Compte(identifiant=identifiant, mot_de_passe=hash_password(PASSWORD), type="parent", etat="actif")
        run(compte.save())
        run(CompteEleve.insert(CompteEleve(compte=compte.id, eleve=pupil)))
        ids.append(compte.id)
    yield ids[0], a, ids[1], b
    run(Compte.delete().where(Compte.identifiant.is_in(["casse.garde", "casse.absorbe"])))


def pupils_of(compte_id: int) -> set[int]:
    return {r["eleve"] for r in run(CompteEleve.select(CompteEleve.eleve).where(CompteEleve.compte == compte_id))}


def test_a_merge_a_plugin_fails_changes_nothing_and_says_so_in_french(client_as, app, two_parents, text, errors):
    kept, a, merged, b = two_parents
    parent = client_as("casse.garde", PASSWORD, app=app)
    token = csrf_from(parent.get("/compte/regrouper").text)
    response = parent.post("/compte/regrouper", data={"_csrf": token, "identifiant": "casse.absorbe", "mot_de_passe": PASSWORD})
    assert response.status_code == 200
    assert ("Le regroupement n'a pas été fait : le service « Casse » a rencontré une erreur. "
            "Vos deux comptes restent tels qu'ils étaient ; réessayez plus tard.") in text(response)
    assert 'role="alert"' in response.text and 'value="casse.absorbe"' in response.text
    assert pupils_of(kept) == {a} and pupils_of(merged) == {b}
    assert run(Compte.exists().where(Compte.id == merged))
    assert blaming_casse(errors(), "accounts_merged", "l'opération est annulée")


# --- demo data ------------------------------------------------------------------------------------


@pytest.fixture
def cli_with_casse(portal_settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """``teleservices`` run with « casse » and a witness plugin registered after it (whose demo
    data is recorded in the list yielded); the tables get their engine back after."""
    witnessed: list[str] = []
    original = plugins_module.load_plugins
    witness = SimpleNamespace(demo_data=hookimpl(lambda context: witnessed.append(sorted(context.etablissements))))
    monkeypatch.setattr(plugins_module, "load_plugins", lambda settings, extra=None: original(
        settings, {**(extra or {}), "casse": plugin_casse, "temoin": witness}))
    tables = plugins_module.all_tables(original(portal_settings))
    engines = [t._meta.db for t in tables]
    yield witnessed
    for table, engine in zip(tables, engines):
        table._meta.db = engine


def test_demo_data_a_plugin_fails_to_load_is_reported_the_others_load(cli_with_casse, errors):
    result = invoke_cli(["demo"])
    assert result.exit_code == 0, result.output
    assert "les données de démonstration du service « Casse » n'ont pas pu être créées" in result.output
    assert cli_with_casse == [["college", "lycee"]], "the next plugin's demo data loads"
    [record] = blaming_casse(errors(), "demo_data")
    assert record.getMessage() == "Le plugin « casse » a échoué dans demo_data : Panne: demo_data en panne ; sa contribution est omise"


# --- start-up -------------------------------------------------------------------------------------


@pytest.mark.parametrize("hook", STARTUP_HOOKS)
def test_a_plugin_raising_at_start_up_is_disabled_and_the_portal_serves(portal_settings, client_as, demo, text, errors, hook):
    app = create_app(portal_settings, extra_plugins={"casse": startup_failure(hook)})
    assert blaming_casse(errors(), f"dans {hook}", "il est désactivé")
    parent = client_as("demo.parent", app=app)
    page = text(parent.get(f"/eleves/{demo.lea}/"))
    assert "Les notes" in page and "Les absences" in page
    assert "lien de casse" not in page, "its other hooks are not called"
    assert parent.get(f"/eleves/{demo.lea}/notes/").status_code == 200
    assert parent.get(f"/eleves/{demo.lea}/casse_demarrage/").status_code == 404, "its routes are not mounted"
