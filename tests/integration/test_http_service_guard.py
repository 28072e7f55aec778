"""The guard in front of every service route: logged in, a child of this account, the service
opened by the child's school, the right user type, the pupil's access not removed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from litestar import get

from teleservices.core.api import CurrentChild, ServiceSpec, UserType, hookimpl
from teleservices.core.app import create_app
from teleservices.core.tables import ServiceActivation
from teleservices.core.testing import run

NOT_OPENED = "Ce service n'est pas ouvert par l'établissement."
WRONG_TYPE = "Ce service n'est pas proposé à votre type de compte."
ACCESS_REMOVED = "L'établissement a retiré l'accès à ce service."


def echo_route():
    @get("/")
    async def page(child: CurrentChild) -> str:
        return f"Page du service pour {child.prenom}"

    return page


def failing_route():
    @get("/")
    async def page(child: CurrentChild) -> str:
        raise RuntimeError("détail interne à ne pas montrer")

    return page


def guarded_services_plugin():
    """A parent-only service, a national one and a broken one, each with a route."""
    return SimpleNamespace(services=hookimpl(lambda: [
        ServiceSpec("test_parents", "Réservé aux parents", audiences=frozenset({UserType.PARENT}), routes=[echo_route()]),
        ServiceSpec("test_suivi", "Suivi national de test", national=True, routes=[echo_route()]),
        ServiceSpec("test_panne", "Service en panne", routes=[failing_route()]),
    ]))


@pytest.fixture(scope="module")
def guarded_app(portal_settings, demo):
    """A portal with the plugin above, both services opened at Léa's collège (rows removed after)."""
    app = create_app(portal_settings, extra_plugins={"test_garde": guarded_services_plugin()})
    keys = ["test_parents", "test_suivi", "test_panne"]
    run(ServiceActivation.insert(*[
        ServiceActivation(etablissement=demo.college, service=key, ouvert=True) for key in keys
    ]).run())
    yield app
    run(ServiceActivation.delete().where(ServiceActivation.service.is_in(keys)).run())


# --- with the example plugin ent_exemple, closed everywhere in the demo ---------------------


def test_anonymous_visitor_on_a_service_route_is_sent_to_login(client, demo):
    response = client.get(f"/eleves/{demo.hugo}/ent_exemple/", follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"].startswith("/connexion?suivant=")


def test_child_of_another_account_is_not_found(client_as, demo, text):
    parent2 = client_as("demo.parent2")
    response = parent2.get(f"/eleves/{demo.hugo}/")
    assert response.status_code == 404
    assert "Élève introuvable." in text(response)


def test_child_of_another_account_is_not_found_on_a_service_route(client_as, demo, service_opened):
    service_opened(demo.lycee, "ent_exemple")
    assert client_as("demo.parent2").get(f"/eleves/{demo.hugo}/ent_exemple/").status_code == 404


def test_unknown_child_answers_like_someone_elses(client_as, demo):
    parent2 = client_as("demo.parent2")
    unknown = parent2.get("/eleves/999999/")
    other = parent2.get(f"/eleves/{demo.hugo}/")
    assert unknown.status_code == other.status_code == 404
    assert unknown.text == other.text


def test_service_closed_by_the_school_is_forbidden(client_as, demo, text):
    response = client_as("demo.parent").get(f"/eleves/{demo.lea}/ent_exemple/")
    assert response.status_code == 403
    assert NOT_OPENED in text(response)
    assert "n'est pas ouvert" in text(response)


def test_service_opened_by_one_school_only_shows_for_its_pupils(client_as, demo, service_opened, main_text):
    service_opened(demo.lycee, "ent_exemple")
    parent = client_as("demo.parent")
    assert "ENT de l'académie" in main_text(parent.get(f"/eleves/{demo.hugo}/"))
    assert f'href="/eleves/{demo.hugo}/ent_exemple/"' in parent.get(f"/eleves/{demo.hugo}/").text
    ent = parent.get(f"/eleves/{demo.hugo}/ent_exemple/")
    assert ent.status_code == 200
    assert "Espace numérique (lycee)" in main_text(ent)
    assert "Espace numérique (college)" not in ent.text
    assert "ENT de l'académie" not in main_text(parent.get(f"/eleves/{demo.lea}/"))
    refused = parent.get(f"/eleves/{demo.lea}/ent_exemple/")
    assert refused.status_code == 403
    assert NOT_OPENED in main_text(refused)


def test_third_party_page_shows_the_child_header(client_as, demo, service_opened, text):
    service_opened(demo.lycee, "ent_exemple")
    page = text(client_as("demo.parent").get(f"/eleves/{demo.hugo}/ent_exemple/"))
    assert "la scolarité de" in page and "Hugo D." in page and "LYCEE MARIE CURIE" in page


def test_third_party_page_as_an_htmx_fragment(client_as, demo, service_opened, text):
    service_opened(demo.lycee, "ent_exemple")
    response = client_as("demo.parent").get(f"/eleves/{demo.hugo}/ent_exemple/", headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert "Hugo D." in text(response) and "Espace numérique (lycee)" in text(response)


def test_removed_pupil_access_keeps_other_service_routes(client_as, demo, service_opened, pupil_access_removed):
    service_opened(demo.college, "ent_exemple")
    pupil_access_removed(demo.lea)
    response = client_as("demo.eleve").get(f"/eleves/{demo.lea}/ent_exemple/")
    assert response.status_code == 200
    assert "Espace numérique (college)" in response.text


# --- with services registered for these tests -----------------------------------------------


def test_parent_only_service_is_served_to_the_parent(client_as, guarded_app, demo):
    response = client_as("demo.parent", app=guarded_app).get(f"/eleves/{demo.lea}/test_parents/")
    assert response.status_code == 200
    assert response.text == "Page du service pour Léa"


def test_parent_only_service_is_forbidden_to_the_pupil(client_as, guarded_app, demo, text):
    response = client_as("demo.eleve", app=guarded_app).get(f"/eleves/{demo.lea}/test_parents/")
    assert response.status_code == 403
    assert WRONG_TYPE in text(response)


def test_national_service_is_served_to_the_pupil(client_as, guarded_app, demo):
    response = client_as("demo.eleve", app=guarded_app).get(f"/eleves/{demo.lea}/test_suivi/")
    assert response.status_code == 200


def test_removed_pupil_access_forbids_national_service_routes(client_as, guarded_app, demo, pupil_access_removed, text):
    pupil = client_as("demo.eleve", app=guarded_app)
    pupil_access_removed(demo.lea)
    response = pupil.get(f"/eleves/{demo.lea}/test_suivi/")
    assert response.status_code == 403
    assert ACCESS_REMOVED in text(response)


def test_removed_pupil_access_does_not_forbid_the_parent(client_as, guarded_app, demo, pupil_access_removed):
    pupil_access_removed(demo.lea)
    response = client_as("demo.parent", app=guarded_app).get(f"/eleves/{demo.lea}/test_suivi/")
    assert response.status_code == 200


def test_service_route_of_a_school_that_did_not_open_it(client_as, guarded_app, demo, text):
    response = client_as("demo.parent", app=guarded_app).get(f"/eleves/{demo.hugo}/test_suivi/")
    assert response.status_code == 403
    assert NOT_OPENED in text(response)


def test_service_with_routes_is_linked_from_the_home_screen(client_as, guarded_app, demo):
    page = client_as("demo.parent", app=guarded_app).get(f"/eleves/{demo.lea}/").text
    assert f'<a href="/eleves/{demo.lea}/test_parents/">Réservé aux parents</a>' in page
    assert f'<a href="/eleves/{demo.lea}/test_suivi/">Suivi national de test</a>' in page


def test_failing_service_route_gives_the_french_error_page(client_as, guarded_app, demo, text, caplog):
    response = client_as("demo.parent", app=guarded_app).get(f"/eleves/{demo.lea}/test_panne/")
    assert response.status_code == 500
    assert "Une erreur est survenue" in text(response)
    assert "détail interne" not in text(response) and "Traceback" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert any("détail interne à ne pas montrer" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
