"""The lycée's campaign of online enrolment (issue 9): who may set it, saved and read back with
its audit line, errors next to their field with everything kept, and CSRF."""

from __future__ import annotations

import datetime as dt

import pytest

from admin_support import journal_cleaned  # noqa: F401
from teleservices.core.api import today
from teleservices.core.testing import csrf_from, run
from teleservices.plugins.inscription.tables import InscriptionCampagne

PAGE = "/administration/inscription/"


@pytest.fixture(autouse=True)
def campaigns_deleted(demo):
    """The collège's campaign made by a test is gone after it (the lycée's is the demo's)."""
    yield
    run(InscriptionCampagne.delete().where(InscriptionCampagne.etablissement_id == demo.college))


def post(client, **fields):
    token = csrf_from(client.get(PAGE).text)
    return client.post(PAGE + "campagne", data={"_csrf": token, **fields}, follow_redirects=False)


VALID = {"rentree": "2027", "ouverture": "25/06/2027", "fermeture": "2027-07-08",
         "message": "Rentrée le mercredi 1er septembre.\nChoix de langues possibles : AGL1 et ALL2",
         "options_min": "1", "options_max": "2"}


@pytest.mark.parametrize("identifiant", ["demo.prof", "demo.cpe", "demo.parent", "demo.eleve"])
def test_only_the_secretariat_and_the_head(client_as, identifiant):
    assert client_as(identifiant).get(PAGE).status_code in (403, 404)


def test_the_campaign_is_saved_and_read_back(client_as, text, demo, journal_cleaned):
    secretariat = client_as("demo.secretariat")
    page = text(secretariat.get(PAGE))
    assert "<h1>L'inscription au lycée</h1>" in page and "Campagne d'inscription" in page
    aujourdhui = today()
    assert f'value="{aujourdhui.year + (aujourdhui.month >= 9)}"' in page  # the next rentrée by default
    saved = post(secretariat, **VALID)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?ok=campagne")
    [row] = run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.college))
    assert (row["rentree"], row["ouverture"], row["fermeture"], row["options_min"], row["options_max"]) == (
        2027, dt.date(2027, 6, 25), dt.date(2027, 7, 8), 1, 2)
    assert "AGL1 et ALL2" in row["message"]
    page = text(secretariat.get(saved.headers["location"]))
    assert "La campagne d'inscription est enregistrée." in page and 'value="25/06/2027"' in page
    assert "La campagne est <strong>à venir</strong>" in page  # it opens next June
    assert post(secretariat, **VALID).headers["location"].endswith("?ok=inchangee")
    [line] = [l for l in journal_cleaned() if l["action"] == "inscription.campagne"]
    assert "rentrée 2027 : du 25/06/2027 au 08/07/2027" in line["detail"]


def test_errors_are_next_to_their_field_and_nothing_is_lost(client_as, text, demo):
    response = post(client_as("demo.chef"), **{**VALID, "rentree": "27", "fermeture": "01/06/2027",
                                                "options_min": "3", "options_max": "2", "message": "<b>Bonjour</b>"})
    page = text(response)
    assert response.status_code == 422 and "Le formulaire contient 3 erreurs" in page
    assert 'id="erreur-rentree"' in page and "avant de commencer" in page and "inférieur au minimum" in page
    assert 'value="01/06/2027"' in page and "&lt;b&gt;Bonjour&lt;/b&gt;" in response.text
    assert not run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.college))


def test_without_its_csrf_token_nothing_is_saved(client_as, demo):
    response = client_as("demo.secretariat").post(PAGE + "campagne", data=VALID, follow_redirects=False)
    assert response.status_code == 403
    assert not run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.college))
