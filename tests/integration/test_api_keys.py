"""The head's page of API keys, /administration/api: a key is shown once and only its hash is
kept; revoking needs a confirmation; every action is in the journal; managers only."""

from __future__ import annotations

import re

import pytest

from api_support import api_key, bearer, keys_cleaned, staff_account  # noqa: F401 (fixtures)
from teleservices.core.security import token_hash
from teleservices.core.tables import CleApi, Journal
from teleservices.core.testing import csrf_from, run

PAGE = "/administration/api"
KEY = re.compile(r"ts_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")


def create(client, nom="Logiciel de vie scolaire", portees=("ent_exemple",)):
    token = csrf_from(client.get(PAGE).text)
    return client.post(PAGE, data={"_csrf": token, "nom": nom, "portees": list(portees)})


def journal_lines(action: str) -> list[dict]:
    return run(Journal.select(Journal.identifiant, Journal.detail, Journal.etablissement).where(
        Journal.action == action
    ).order_by(Journal.id))


def test_the_staff_home_links_to_the_page(client_as, text):
    assert f'href="{PAGE}"' in client_as("demo.chef").get("/").text
    assert "Clés d'API" in text(client_as("demo.chef").get("/"))


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(client_as, demo, text, keys_cleaned):
    chef = client_as("demo.chef")
    response = create(chef)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    page = text(response)
    assert "La clé d'API « Logiciel de vie scolaire » a été créée pour : ENT de l'académie." in page
    assert "elle ne sera plus jamais affichée" in page
    key = KEY.search(page).group(0)

    row = run(CleApi.select().where(CleApi.token_hash == token_hash(key)).first())
    assert row["etablissement"] == demo.college and row["nom"] == "Logiciel de vie scolaire"
    assert key.startswith(f"ts_{row['prefixe']}_") and row["portees"] in (["ent_exemple"], '["ent_exemple"]')
    assert key not in str(row.values())  # nothing but its hash and its prefix

    listing = text(chef.get(PAGE))
    assert "Logiciel de vie scolaire" in listing and f"ts_{row['prefixe']}_…" in listing
    assert key not in listing and not KEY.search(listing)
    assert "active" in listing and "jamais" in listing

    line = journal_lines("api.cle.creer")[-1]
    assert line["identifiant"] == "demo.chef" and line["etablissement"] == demo.college
    assert "Logiciel de vie scolaire" in line["detail"] and key not in line["detail"]


def test_the_new_key_works_on_its_scope(client, client_as, keys_cleaned):
    key = KEY.search(create(client_as("demo.chef")).text).group(0)
    response = client.get("/api/v1/etablissement", headers=bearer(key))
    assert response.status_code == 200
    assert response.json() == {"uai": "0599901K", "nom": "COLLEGE JEAN MOULIN", "portees": ["ent_exemple"]}


@pytest.mark.parametrize("nom, portees, field, message", [
    ("", ("ent_exemple",), "nom", "Indiquez le nom de la clé"),
    ("x" * 81, ("ent_exemple",), "nom", "ne doit pas dépasser 80 caractères"),
    ("Logiciel", (), "portees", "Cochez au moins un service"),
    ("Logiciel", ("notes_inconnu",), "portees", "Cochez au moins un service"),
])
def test_an_invalid_form_makes_no_key_and_says_why_next_to_the_field(client_as, text, keys_cleaned, nom, portees,
                                                                      field, message):
    before = run(CleApi.count())
    response = create(client_as("demo.chef"), nom, portees)
    assert response.status_code == 200
    page = text(response)
    assert re.search(rf'id="erreur-{field}">[^<]*{re.escape(message)}', page)
    assert not KEY.search(page)
    assert run(CleApi.count()) == before


def test_revoking_asks_for_confirmation_then_the_key_is_refused(client, client_as, text, keys_cleaned):
    chef = client_as("demo.chef")
    key = KEY.search(create(chef).text).group(0)
    row = run(CleApi.select(CleApi.id, CleApi.prefixe).where(CleApi.token_hash == token_hash(key)).first())
    assert client.get("/api/v1/etablissement", headers=bearer(key)).status_code == 200

    confirmation = chef.get(f"{PAGE}/{row['id']}/revoquer")
    assert "Révoquer la clé « Logiciel de vie scolaire »" in text(confirmation)
    assert run(CleApi.select(CleApi.revoquee_le).where(CleApi.id == row["id"]).first())["revoquee_le"] is None

    response = chef.post(f"{PAGE}/{row['id']}/revoquer", data={"_csrf": csrf_from(confirmation.text)},
                         follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"{PAGE}?ok=revoquee"
    listing = text(chef.get(response.headers["location"]))
    assert "La clé a été révoquée" in listing and "révoquée le" in listing

    refused = client.get("/api/v1/etablissement", headers=bearer(key))
    assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Bearer")
    line = journal_lines("api.cle.revoquer")[-1]
    assert line["identifiant"] == "demo.chef" and f"ts_{row['prefixe']}_…" in line["detail"]
    assert key not in line["detail"]


def test_a_key_of_another_establishment_cannot_be_revoked_from_here(client_as, api_key, demo):
    key = api_key(demo.lycee, ["ent_exemple"])
    row = run(CleApi.select(CleApi.id).where(CleApi.token_hash == token_hash(key)).first())
    chef = client_as("demo.chef")  # the college's head
    assert chef.get(f"{PAGE}/{row['id']}/revoquer").status_code == 404
    token = csrf_from(chef.get(PAGE).text)
    assert chef.post(f"{PAGE}/{row['id']}/revoquer", data={"_csrf": token}).status_code == 404
    assert run(CleApi.select(CleApi.revoquee_le).where(CleApi.id == row["id"]).first())["revoquee_le"] is None
    assert "Logiciel de test" not in chef.get(PAGE).text


@pytest.mark.parametrize("identifiant", ["demo.parent", "demo.eleve"])
def test_families_are_refused(client_as, identifiant):
    family = client_as(identifiant)
    assert family.get(PAGE).status_code == 403
    token = csrf_from(family.get("/compte").text)
    assert family.post(PAGE, data={"_csrf": token, "nom": "x", "portees": "ent_exemple"}).status_code == 403


@pytest.mark.parametrize("role", ["secretariat", "vie_scolaire", "enseignant"])
def test_staff_who_are_not_managers_are_refused(client_as, staff_account, text, role):
    member = client_as(staff_account(role))
    response = member.get(PAGE)
    assert response.status_code == 403
    assert "n'est pas accessible avec votre profil" in text(response)
    token = csrf_from(member.get("/compte").text)
    before = run(CleApi.count())
    assert member.post(PAGE, data={"_csrf": token, "nom": "x", "portees": "ent_exemple"}).status_code == 403
    assert run(CleApi.count()) == before
    assert f'href="{PAGE}"' not in member.get("/").text


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(PAGE, follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"].startswith("/connexion")
