"""« Liens externes » (/administration/liens/): who may configure the links (the academy
administrator: their academy and the establishment they work on; the head: their establishment's
own, the academy's read-only; nobody else), a link of another academy or establishment never
shown nor changed, the address checked (web addresses only), refused forms kept as typed, and
every change in the journal."""

from __future__ import annotations

import html
import re

import pytest

from admin_support import OTHER_ADMIN, other, journal_cleaned  # noqa: F401
from liens_support import (  # noqa: F401
    ENT, PAGE, SITE_DU_LYCEE, demo_link, form, journal_liens, lien, liens_cleaned, post_form, working_on,
)
from teleservices.core.testing import run
from teleservices.plugins.liens.regles import erreur_url
from teleservices.plugins.liens.tables import LiensLien

pytestmark = pytest.mark.usefixtures("liens_cleaned")


def rows(**where) -> list[dict]:
    query = LiensLien.select()
    for name, value in where.items():
        query = query.where(getattr(LiensLien, name) == value)
    return run(query.order_by(LiensLien.id))


def page_of(response) -> str:
    return html.unescape(response.text)


@pytest.fixture
def chef(client_as):
    return client_as("demo.chef")


@pytest.fixture
def academie(client_as, demo):
    """The academy administrator of LILLE, working on the collège."""
    return working_on(client_as("demo.academie"), demo.college)


# --- who may come ------------------------------------------------------------------------------------


@pytest.mark.parametrize("identifiant", ["demo.secretariat", "demo.cpe", "demo.prof", "demo.lycee"])
def test_other_staff_roles_are_refused(client_as, identifiant):
    client = client_as(identifiant)
    for path in (PAGE, PAGE + "nouveau", PAGE + f"{demo_link(ENT)['id']}"):
        assert client.get(path, follow_redirects=False).status_code == 403, path
    assert client.post(PAGE + "nouveau", data=form(client_as("demo.chef")), follow_redirects=False).status_code == 403
    assert "Liens externes" not in page_of(client.get("/"))


@pytest.mark.parametrize("identifiant", ["demo.parent", "demo.eleve"])
def test_families_are_refused(client_as, identifiant):
    assert client_as(identifiant).get(PAGE, follow_redirects=False).status_code == 403


def test_a_visitor_is_sent_to_the_login_page(client):
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"].startswith("/connexion")


def test_the_academy_administrator_chooses_an_establishment_first(client_as, demo):
    client = client_as("demo.academie")
    response = client.get(PAGE, follow_redirects=False)
    assert response.headers["location"] == "/administration/etablissements"
    working_on(client, demo.lycee)
    assert client.get(PAGE).status_code == 200


def test_the_head_and_the_academy_administrator_find_the_page_on_their_home(chef, academie):
    for client in (chef, academie):
        assert f'<a href="/administration/liens">Liens externes (ENT)</a>' in page_of(client.get("/"))
    # Not a service families are given: nothing to open on « Administration Téléservices ».
    assert "Liens externes" not in page_of(chef.get("/administration/services"))


# --- the list ------------------------------------------------------------------------------------------


def test_the_head_sees_the_academy_links_read_only_and_their_own(chef, demo, lien, other):
    propre = lien("Bibliothèque du collège", etablissement_id=demo.college)
    amiens = lien("ENT Amiens", academie="AMIENS")
    arras = lien("Site du lycée d'Arras", etablissement_id=other.etablissement)
    page = page_of(chef.get(PAGE))
    academy, own = page.split('id="titre-academie"', 1)[1].split('id="titre-etablissement"', 1)
    assert "Liens de l'académie LILLE" in academy and ENT in academy and "vous ne pouvez pas les modifier" in academy
    assert f'{PAGE}{demo_link(ENT)["id"]}"' not in page  # no « Modifier » for the academy's link
    assert "Bibliothèque du collège" in own and f'href="{PAGE}{propre}"' in own and f'href="{PAGE}{propre}/supprimer"' in own
    # The lycée's link, another academy's and another establishment's are not shown.
    for absent in (SITE_DU_LYCEE, "ENT Amiens", "Site du lycée d'Arras"):
        assert absent not in page
    assert amiens and arras


def test_the_academy_administrator_sees_the_academy_and_the_chosen_establishment(client_as, demo):
    client = working_on(client_as("demo.academie"), demo.lycee)
    page = page_of(client.get(PAGE))
    assert ENT in page and SITE_DU_LYCEE in page
    assert f'href="{PAGE}{demo_link(ENT)["id"]}"' in page and f'href="{PAGE}{demo_link(SITE_DU_LYCEE)["id"]}"' in page
    working_on(client, demo.college)
    page = page_of(client.get(PAGE))
    assert ENT in page and SITE_DU_LYCEE not in page


# --- adding, changing, deleting ------------------------------------------------------------------------


def test_the_academy_administrator_adds_a_link_for_the_whole_academy(academie, demo):
    blank = page_of(academie.get(PAGE + "nouveau"))
    assert 'id="portee-academie" name="portee" value="academie" checked' in blank  # the default for them
    assert re.search(r'<img src="/static/liens/ent\.svg\?v=[0-9a-f]{10}" alt="" width="32" height="32"> ENT', blank)  # icons with previews
    response = post_form(academie, portee="academie", libelle="Orientation  académique", icone="calendrier",
                         eleves=None)
    assert response.status_code == 303 and response.headers["location"] == PAGE + "?ok=ajoute"
    [row] = rows(libelle="Orientation académique")
    assert (row["academie"], row["etablissement_id"], row["icone"], row["parents"], row["eleves"], row["ordre"],
            row["actif"]) == ("LILLE", None, "calendrier", True, False, 30, True)
    listed = page_of(academie.get(response.headers["location"]))
    assert '<p class="confirmation" role="status">Le lien est ajouté' in listed and "Orientation académique" in listed
    [line] = journal_liens()
    assert line["action"] == "liens.ajouter" and line["identifiant"] == "demo.academie"
    assert "« Orientation académique »" in line["detail"] and "toute l'académie LILLE" in line["detail"]
    assert "https://cahier.ac-lille.fr/" in line["detail"] and line["etablissement"] == demo.college


def test_the_academy_administrator_adds_a_link_of_the_chosen_establishment(client_as, demo):
    client = working_on(client_as("demo.academie"), demo.lycee)
    assert post_form(client, portee="etablissement", libelle="Restauration").status_code == 303
    [row] = rows(libelle="Restauration")
    assert (row["academie"], row["etablissement_id"]) == ("", demo.lycee)


def test_the_head_adds_only_links_of_their_establishment(chef, demo):
    blank = page_of(chef.get(PAGE + "nouveau"))
    assert 'name="portee"' not in blank and "seulement l'établissement COLLEGE JEAN MOULIN" in blank
    # A forged scope is not theirs to choose: the link is the collège's.
    assert post_form(chef, portee="academie", libelle="Foyer socio-éducatif").status_code == 303
    [row] = rows(libelle="Foyer socio-éducatif")
    assert (row["academie"], row["etablissement_id"]) == ("", demo.college)
    [line] = journal_liens()
    assert line["identifiant"] == "demo.chef" and "COLLEGE JEAN MOULIN" in line["detail"]


def test_a_link_is_changed_then_deleted_with_their_journal_lines(chef, demo, lien):
    lien_id = lien("Bibliothèque", etablissement_id=demo.college, url="https://bib.example.org/", ordre=40)
    edit = page_of(chef.get(f"{PAGE}{lien_id}"))
    assert "Modifier le lien « Bibliothèque »" in edit and 'value="https://bib.example.org/"' in edit
    response = post_form(chef, f"{PAGE}{lien_id}", libelle="Bibliothèque (CDI)", url="https://cdi.example.org/",
                         icone="ecole", ordre="5", actif=None, parents=None)
    assert response.status_code == 303 and response.headers["location"] == PAGE + "?ok=modifie"
    [row] = rows(id=lien_id)
    assert (row["libelle"], row["url"], row["icone"], row["ordre"], row["actif"], row["parents"], row["eleves"]) == (
        "Bibliothèque (CDI)", "https://cdi.example.org/", "ecole", 5, False, False, True)
    assert "(masqué aux familles)" in page_of(chef.get(PAGE))
    # The same form again changes nothing and writes nothing.
    again = post_form(chef, f"{PAGE}{lien_id}", libelle="Bibliothèque (CDI)", url="https://cdi.example.org/",
                      icone="ecole", ordre="005", actif=None, parents=None)
    assert again.headers["location"] == PAGE + "?ok=inchange"
    confirm = page_of(chef.get(f"{PAGE}{lien_id}/supprimer"))
    assert "Supprimer le lien « Bibliothèque (CDI) » ?" in confirm
    deleted = chef.post(f"{PAGE}{lien_id}/supprimer", data=form(chef), follow_redirects=False)
    assert deleted.status_code == 303 and deleted.headers["location"] == PAGE + "?ok=supprime"
    assert rows(id=lien_id) == []
    modified, removed = journal_liens()
    assert modified["action"] == "liens.modifier" and "libellé « Bibliothèque (CDI) »" in modified["detail"]
    assert "adresse https://cdi.example.org/" in modified["detail"] and "masqué aux familles" in modified["detail"]
    assert "public : élèves" in modified["detail"] and "ordre 5" in modified["detail"]
    assert removed["action"] == "liens.supprimer" and "« Bibliothèque (CDI) »" in removed["detail"]


def test_the_head_may_not_change_the_academy_links(chef):
    ent = demo_link(ENT)
    for response in (
        chef.get(f"{PAGE}{ent['id']}"),
        post_form(chef, f"{PAGE}{ent['id']}", libelle="ENT détourné"),
        chef.get(f"{PAGE}{ent['id']}/supprimer"),
        chef.post(f"{PAGE}{ent['id']}/supprimer", data=form(chef), follow_redirects=False),
    ):
        assert response.status_code == 403
    assert demo_link(ENT) == ent and journal_liens() == []


def test_links_of_another_establishment_or_academy_are_never_reached(chef, client_as, demo, lien, other):
    """Unknown, another establishment's and another academy's links answer the same 404."""
    arras = lien("Site d'Arras", etablissement_id=other.etablissement)
    amiens = lien("ENT Amiens", academie="AMIENS")
    lycee = demo_link(SITE_DU_LYCEE)["id"]
    academie = working_on(client_as("demo.academie"), demo.college)
    amiens_admin = working_on(client_as(OTHER_ADMIN), other.etablissement)
    cases = [(chef, [lycee, arras, amiens]), (academie, [lycee, arras, amiens]),
             (amiens_admin, [demo_link(ENT)["id"], lycee]), (chef, [999_999_999, 2**63 + 1])]
    for client, ids in cases:
        for lien_id in ids:
            assert client.get(f"{PAGE}{lien_id}").status_code == 404
            assert post_form(client, f"{PAGE}{lien_id}", libelle="Pris").status_code == 404
            assert client.get(f"{PAGE}{lien_id}/supprimer").status_code == 404
            assert client.post(f"{PAGE}{lien_id}/supprimer", data=form(client), follow_redirects=False).status_code == 404
    assert rows(libelle="Pris") == [] and len(rows(id=arras)) == 1 and len(rows(id=amiens)) == 1
    # AMIENS's administrator sees their own academy's link, never LILLE's.
    page = page_of(amiens_admin.get(PAGE))
    assert "ENT Amiens" in page and "Site d'Arras" in page and ENT not in page and SITE_DU_LYCEE not in page
    assert journal_liens() == []


def test_a_form_without_its_csrf_token_is_refused(chef):
    data = form(chef)
    data.pop("_csrf")
    assert chef.post(PAGE + "nouveau", data=data, follow_redirects=False).status_code == 403
    assert rows(libelle=data["libelle"]) == []


# --- the address and the other fields ----------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(document.cookie)", " javascript:alert(1)", "jav\tascript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "ftp://ftp.ac-lille.fr/",
    "https://ent lille.fr/", "https://enthdf.fr/ page", "https://enthdf.fr/\nx", "enthdf.fr", "//enthdf.fr/",
    "https://", "https://localhost/", "https://ent.fr@autre.example.org/", "https://ent.fr\\@autre.example.org/",
    "https://enthdf.fr:port/", "https://" + "a" * 500 + ".fr/", "",
])
def test_only_web_addresses_are_accepted(chef, url):
    response = post_form(chef, url=url, libelle="Lien piégé")
    assert response.status_code == 422
    page = page_of(response)
    assert '<span class="erreur-champ" id="erreur-url">' in page and 'aria-invalid="true"' in page
    assert 'value="Lien piégé"' in page  # everything typed is kept
    assert rows(libelle="Lien piégé") == [] and journal_liens() == []


@pytest.mark.parametrize("url", [
    "https://enthdf.fr/", "http://www.ac-lille.fr/", "HTTPS://ENTHDF.FR/Connexion?service=x&y=1#z",
    "https://sous.domaine.ac-lille.fr:8443/chemin", "https://éducation.example.fr/", "  https://enthdf.fr/  ",
])
def test_web_addresses_are_accepted(url):
    assert erreur_url(url.strip()) == ""


def test_errors_are_shown_next_to_their_fields_with_everything_kept(academie):
    response = post_form(academie, libelle="   ", icone="tete-de-mort", parents=None, eleves=None, ordre="dix",
                         portee="planete", url="https://ok.example.org/")
    assert response.status_code == 422
    page = page_of(response)
    assert "Le formulaire contient 5 erreurs" in page
    for champ in ("libelle", "icone", "publics", "ordre", "portee"):
        assert f'id="erreur-{champ}"' in page, champ
    assert 'value="https://ok.example.org/"' in page and 'value="dix"' in page
    assert 'name="parents" value="1" checked' not in page and 'name="actif" value="1" checked' in page
    long = post_form(academie, libelle="L" * 81, ordre="1000")
    assert long.status_code == 422 and "81 caractères : 80 au plus" in page_of(long)
    assert "de 0 à 999" in page_of(long)
    assert rows(libelle="L" * 81) == []
