"""Who reaches the staff pages: each role sees only what it may, on its own establishment; an
academy administrator works on an establishment of their academy only, once chosen."""

from __future__ import annotations

import pytest
from litestar import Request, Response, get

from admin_support import OTHER_ADMIN, college_settings_kept, journal_cleaned, other, post_with_csrf  # noqa: F401
from teleservices.core.api import ServiceSpec, StaffRole, hookimpl, render, staff_establishment
from teleservices.core.app import create_app
from teleservices.core.security import token_hash
from teleservices.core.tables import Compte, Session
from teleservices.core.testing import run

MANAGER_PAGES = [
    "/administration/services", "/administration/personnels", "/administration/journal", "/administration/comptes",
]
WRONG_ROLES = ["demo.secretariat", "demo.cpe", "demo.prof"]
FAMILIES = ["demo.parent", "demo.eleve"]


@pytest.mark.parametrize("identifiant", FAMILIES + WRONG_ROLES)
@pytest.mark.parametrize("path", MANAGER_PAGES + ["/administration/etablissements"])
def test_manager_pages_are_refused_to_families_and_other_roles(client_as, text, identifiant, path):
    response = client_as(identifiant).get(path, follow_redirects=False)
    assert response.status_code == 403
    assert "Accès refusé" in text(response)


@pytest.mark.parametrize("identifiant", FAMILIES + WRONG_ROLES)
@pytest.mark.parametrize("path", [
    "/administration/services", "/administration/personnels", "/administration/comptes/1/desactiver",
    "/administration/personnels/1/desactiver", "/administration/etablissements",
])
def test_manager_actions_are_refused_to_families_and_other_roles(client_as, identifiant, path):
    response = post_with_csrf(client_as(identifiant), path, {"etablissement": "1"})
    assert response.status_code == 403


def test_a_staff_account_without_a_role_is_refused_everything(new_client, login, text, demo):
    run(Compte.update({Compte.role: ""}).where(Compte.identifiant == "demo.secretariat"))
    try:
        client = new_client()
        assert login(client, "demo.secretariat").status_code == 403
        for path in ["/", *MANAGER_PAGES]:
            response = client.get(path, follow_redirects=False)
            assert response.status_code == 403, path
        assert "n'a pas de rôle" in text(client.get("/"))
    finally:
        run(Compte.update({Compte.role: "secretariat"}).where(Compte.identifiant == "demo.secretariat"))


def test_the_staff_home_shows_what_each_role_may_use(client_as, text):
    head = text(client_as("demo.chef").get("/"))
    for label in ("Administration Téléservices", "Gérer les comptes des familles", "Import SIECLE", "Clés d'API",
                  "Journal des actions", "Personnels"):
        assert label in head
    assert "Établissement : <strong>COLLEGE JEAN MOULIN</strong> (0599901K)" in head
    for identifiant in WRONG_ROLES:
        page = text(client_as(identifiant).get("/"))
        assert "COLLEGE JEAN MOULIN" in page
        for label in ("Administration Téléservices", "Journal des actions", "Personnels", "Clés d'API"):
            assert label not in page, (identifiant, label)


def test_a_head_of_another_establishment_works_on_their_own_only(client_as, text, other, demo, journal_cleaned):
    client = client_as(other.head)
    assert "LYCEE ESSAI ARRAS" in text(client.get("/"))
    personnels = text(client.get("/administration/personnels"))
    assert "demo.secretariat" not in personnels and "demo.chef" not in personnels
    secretariat = run(Compte.select(Compte.id).where(Compte.identifiant == "demo.secretariat").first())["id"]
    parent = run(Compte.select(Compte.id).where(Compte.identifiant == "demo.parent2").first())["id"]
    for path in (f"/administration/personnels/{secretariat}/desactiver",
                 f"/administration/personnels/{secretariat}/mot-de-passe",
                 f"/administration/comptes/{parent}/desactiver",
                 f"/administration/eleves/{demo.lea}/acces-suivi/retirer"):
        assert post_with_csrf(client, path).status_code == 404, path
    etats = run(Compte.select(Compte.identifiant, Compte.etat).where(
        Compte.identifiant.is_in(["demo.secretariat", "demo.parent2"])))
    assert {row["etat"] for row in etats} == {"actif"}
    journal = text(client.get("/administration/journal"))
    assert "demo.chef" not in journal
    services = text(client.get("/administration/services"))
    assert "LYCEE ESSAI ARRAS" in services and "COLLEGE JEAN MOULIN" not in services.split("<main", 1)[1]


def test_an_academy_administrator_chooses_an_establishment_of_their_academy(client_as, text, demo, other, journal_cleaned):
    client = client_as("demo.academie")
    # Nothing is chosen yet: every staff page leads to the chooser.
    for path in ("/", "/administration/services"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code in (302, 303) and response.headers["location"] == "/administration/etablissements"
    chooser = text(client.get("/administration/etablissements"))
    assert "COLLEGE JEAN MOULIN" in chooser and "LYCEE MARIE CURIE" in chooser
    assert "LYCEE ESSAI ARRAS" not in chooser

    refused = post_with_csrf(client, "/administration/etablissements", {"etablissement": str(other.etablissement)})
    assert refused.status_code == 404
    assert client.get("/administration/services", follow_redirects=False).status_code in (302, 303)

    chosen = post_with_csrf(client, "/administration/etablissements", {"etablissement": str(demo.college)})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/?ok=etablissement"
    home = text(client.get(chosen.headers["location"]))
    assert "Vous travaillez désormais sur cet établissement." in home
    assert "COLLEGE JEAN MOULIN" in home and "changer d'établissement" in home
    for path in MANAGER_PAGES:
        assert client.get(path, follow_redirects=False).status_code == 200, path
    [line] = [row for row in journal_cleaned() if row["action"] == "etablissements.choisir"]
    assert line["identifiant"] == "demo.academie" and line["etablissement"] == demo.college


def test_an_establishment_of_another_academy_is_never_reached(client_as, demo, other):
    """Even a session row pointing at another academy's establishment (written by hand here)
    gives no access: the session's query checks the academy on every request."""
    client = client_as("demo.academie")
    token = client.cookies.get("ts_session")
    run(Session.update({Session.etablissement: other.etablissement}).where(Session.token_hash == token_hash(token)))
    response = client.get("/administration/services", follow_redirects=False)
    assert response.headers["location"] == "/administration/etablissements"

    amiens = client_as(OTHER_ADMIN)
    assert "COLLEGE JEAN MOULIN" not in amiens.get("/administration/etablissements").text
    assert post_with_csrf(amiens, "/administration/etablissements", {"etablissement": str(demo.college)}).status_code == 404
    assert post_with_csrf(amiens, "/administration/etablissements", {"etablissement": str(other.etablissement)}).status_code == 303
    assert "LYCEE ESSAI ARRAS" in amiens.get("/administration/services").text


@get("/")
async def appel(request: Request) -> Response:
    return render(request, "erreur.html", {"status": 404, "detail": f"appel de l'établissement {staff_establishment(request)}"})


class CahierDAppel:
    @hookimpl
    def services(self):
        return [ServiceSpec(key="appel", label="Cahier d'appel", staff_routes=[appel],
                            staff_roles=frozenset({StaffRole.VIE_SCOLAIRE}))]


def test_a_service_staff_pages_are_for_its_roles(client_as, text, portal_settings, demo):
    app = create_app(portal_settings, extra_plugins={"appel": CahierDAppel()})
    for identifiant in ("demo.cpe", "demo.chef"):
        client = client_as(identifiant, app=app)
        assert f"appel de l'établissement {demo.college}" in text(client.get("/administration/appel"))
        assert 'href="/administration/appel"' in client.get("/").text
    for identifiant in ("demo.prof", "demo.secretariat", "demo.parent"):
        client = client_as(identifiant, app=app)
        assert client.get("/administration/appel", follow_redirects=False).status_code == 403, identifiant
    assert 'href="/administration/appel"' not in client_as("demo.prof", app=app).get("/").text
