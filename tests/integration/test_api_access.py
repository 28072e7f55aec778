"""The JSON API from the outside: a key works on its scope and its establishment only; a missing,
garbage, revoked or cookie-only call gets a 401, a key without the service's scope a 403; a
refused body writes nothing; errors are JSON. The example plugin's push endpoint,
PUT /api/v1/ent_exemple/liens, is what school software would call."""

from __future__ import annotations

import datetime as dt

import pytest

from api_support import api_key, bearer, links_of, links_restored, other_school  # noqa: F401 (fixtures)
from teleservices.core import clock
from teleservices.core.security import token_hash
from teleservices.core.tables import CleApi, Journal
from teleservices.core.testing import csrf_from, run

LINKS = "/api/v1/ent_exemple/liens"
ENT = {"liens": [
    {"libelle": "Cahier de textes", "url": "https://ent.example.org/cdt"},
    {"libelle": "Messagerie", "url": "https://ent.example.org/mel"},
]}


def assert_refused(response, status: int) -> None:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["status_code"] == status and response.json()["detail"]


def test_a_key_pushes_the_links_of_its_establishment(client, client_as, api_key, demo, links_restored, main_text,
                                                     service_opened):
    key = api_key(demo.college, ["ent_exemple"])
    before = run(Journal.select(Journal.id).order_by(Journal.id, ascending=False).first())
    response = client.put(LINKS, json=ENT, headers=bearer(key))
    assert response.status_code == 200 and response.json() == {"liens": 2}
    assert links_of(demo.college) == [("Cahier de textes", "https://ent.example.org/cdt"),
                                      ("Messagerie", "https://ent.example.org/mel")]
    # The family sees them at once.
    service_opened(demo.college, "ent_exemple")
    page = main_text(client_as("demo.parent").get(f"/eleves/{demo.lea}/ent_exemple/"))
    assert "Cahier de textes" in page and "https://ent.example.org/mel" in page

    assert client.put(LINKS, json={"liens": []}, headers=bearer(key)).json() == {"liens": 0}
    assert links_of(demo.college) == []

    # Each push is in the establishment's audit log, under the key's name.
    lines = run(Journal.select(Journal.identifiant, Journal.compte, Journal.detail, Journal.adresse).where(
        (Journal.etablissement == demo.college) & (Journal.action == "ent_exemple.liens")
        & (Journal.id > (before["id"] if before else 0))
    ).order_by(Journal.id))
    assert [(line["identifiant"], line["compte"], line["detail"]) for line in lines] == [
        ("clé d'API « Logiciel de test »", None, "2 lien(s) ENT publiés"),
        ("clé d'API « Logiciel de test »", None, "0 lien(s) ENT publiés"),
    ]
    assert all(line["adresse"] for line in lines)


def test_another_establishment_s_key_writes_only_to_its_own(client, api_key, demo, other_school, links_restored):
    college_before, lycee_before = links_of(demo.college), links_of(demo.lycee)
    key = api_key(other_school, ["ent_exemple"])
    response = client.put(LINKS, json=ENT, headers=bearer(key))
    assert response.status_code == 200
    assert links_of(other_school) == [(link["libelle"], link["url"]) for link in ENT["liens"]]
    assert links_of(demo.college) == college_before and links_of(demo.lycee) == lycee_before
    assert client.get("/api/v1/etablissement", headers=bearer(key)).json()["uai"] == "0599977X"


def test_a_key_without_the_service_s_scope_is_refused(client, api_key, demo, links_restored):
    before = links_of(demo.college)
    key = api_key(demo.college, [])
    response = client.put(LINKS, json=ENT, headers=bearer(key))
    assert_refused(response, 403)
    assert "ent_exemple" in response.json()["detail"]
    assert "www-authenticate" not in response.headers
    assert links_of(demo.college) == before
    # The key is still a valid key: it may describe itself.
    assert client.get("/api/v1/etablissement", headers=bearer(key)).json()["portees"] == []


def test_a_revoked_key_is_refused(client, api_key, demo, links_restored):
    before = links_of(demo.college)
    key = api_key(demo.college, ["ent_exemple"])
    run(CleApi.update({CleApi.revoquee_le: clock.now()}).where(CleApi.token_hash == token_hash(key)))
    for response in (client.put(LINKS, json=ENT, headers=bearer(key)),
                     client.get("/api/v1/etablissement", headers=bearer(key))):
        assert_refused(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert links_of(demo.college) == before


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer n'importe-quoi"},
    {"Authorization": "Basic ZGVtby5jaGVmOkJpZW52ZW51ZS0yMDI2"},
    {"Authorization": "Bearer ts_0123abcd_" + "A" * 43},  # well formed, unknown
    {"Authorization": "Bearer ts_0123abcd_" + "A" * 43 + "' OR 1=1 --"},
], ids=["none", "empty", "garbage", "basic", "unknown", "injection"])
def test_calls_without_a_valid_key_are_refused(client, demo, headers, links_restored):
    before = links_of(demo.college)
    for response in (client.put(LINKS, json=ENT, headers=headers), client.get("/api/v1/etablissement", headers=headers)):
        assert_refused(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert links_of(demo.college) == before


def test_a_session_cookie_alone_opens_nothing(client_as, demo, links_restored):
    """Logged in as the head, with the page's CSRF token too: the API still wants a key."""
    before = links_of(demo.college)
    chef = client_as("demo.chef")
    token = csrf_from(chef.get("/administration/api").text)
    for response in (chef.get("/api/v1/etablissement"),
                     chef.put(LINKS, json=ENT, headers={"X-CSRF-Token": token})):
        assert_refused(response, 401)
    assert links_of(demo.college) == before
    # And the API sets no cookie of its own.
    assert "set-cookie" not in chef.get("/api/v1/etablissement").headers


@pytest.mark.parametrize("body, where", [
    ({"liens": [{"libelle": "ENT", "url": "javascript:alert(1)"}]}, "liens[0].url"),
    ({"liens": [{"libelle": "", "url": "https://ent.example.org"}]}, "liens[0].libelle"),
    ({"liens": [{"libelle": "ENT"}]}, "url"),
    ({"liens": "tous"}, "liens"),
    ({"liens": [], "etablissement_id": 1}, "etablissement_id"),
    ({"liens": [{"libelle": "x", "url": "https://e.org"}] * 201}, "liens"),
], ids=["scheme", "empty-label", "missing-url", "not-a-list", "unknown-field", "too-many"])
def test_an_invalid_body_is_refused_with_details_and_writes_nothing(client, api_key, demo, links_restored, body,
                                                                    where):
    before = links_of(demo.college)
    key = api_key(demo.college, ["ent_exemple"])
    response = client.put(LINKS, json=body, headers=bearer(key))
    assert_refused(response, 400)
    assert "rien n'a été enregistré" in response.json()["detail"]
    assert any(where == error["key"] or f"`{where}`" in error["message"] for error in response.json()["extra"])
    assert links_of(demo.college) == before


def test_a_body_that_is_not_json_is_refused(client, api_key, demo, links_restored):
    before = links_of(demo.college)
    key = api_key(demo.college, ["ent_exemple"])
    response = client.put(LINKS, content=b"{pas du json", headers={**bearer(key), "Content-Type": "application/json"})
    assert_refused(response, 400)
    assert links_of(demo.college) == before


def test_api_errors_are_json_not_the_html_page(client, api_key, demo):
    key = api_key(demo.college, ["ent_exemple"])
    assert_refused(client.get("/api/v1/inconnu", headers=bearer(key)), 404)
    assert client.get("/api/v1/inconnu", headers=bearer(key)).json()["detail"] == "Adresse inconnue de l'API."
    assert_refused(client.delete(LINKS, headers=bearer(key)), 405)


def test_last_use_is_written_at_most_once_a_minute(client, api_key, demo, monkeypatch):
    key = api_key(demo.college, [])

    def last_use():
        row = run(CleApi.select(CleApi.utilisee_le).where(CleApi.token_hash == token_hash(key)).first())
        return row["utilisee_le"]

    assert last_use() is None
    client.get("/api/v1/etablissement", headers=bearer(key))
    first = last_use()
    assert first is not None
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(seconds=50))
    client.get("/api/v1/etablissement", headers=bearer(key))
    assert last_use() == first
    monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(minutes=2))
    client.get("/api/v1/etablissement", headers=bearer(key))
    assert last_use() > first
