"""The notes' push API: ``PUT /api/v1/notes/devoirs`` upserts devoirs and their grades by the
software's reference, idempotent; every bad row is listed in a 422 and nothing is written; only
the key's establishment, only with the « notes » scope."""

from __future__ import annotations

import copy

import pytest

from api_support import api_key, bearer, other_school  # noqa: F401
from notifications_support import notifications  # noqa: F401 (fixture)
from notes_support import a_school_day, devoirs_cleaned, grades_of, journal_actions, services  # noqa: F401
from teleservices.core.api import pupils_of_structure, structures
from teleservices.core.testing import run
from teleservices.plugins.notes.tables import NotesDevoir

pytestmark = pytest.mark.usefixtures("devoirs_cleaned")
URL = "/api/v1/notes/devoirs"


@pytest.fixture
def body(demo, services):
    """A push of two devoirs of demo.prof's class, with the pupils' SIECLE ids."""
    division = services.mine
    pupils = run(pupils_of_structure(division["division_id"]))
    day = a_school_day(demo.college).isoformat()
    return {
        "pupils": pupils,
        "json": {"devoirs": [
            {"reference": "TEST-API-1", "code_structure": division["code_structure"], "matiere": division["code_gestion"],
             "libelle": "Contrôle envoyé", "date": day, "coefficient": 2, "bareme": 20, "publie": True,
             "notes": [{"eleve_id": pupils[0]["eleve_id"], "note": 14.5}, {"eleve_id": pupils[1]["eleve_id"], "note": "ABS"},
                       {"eleve_id": pupils[2]["eleve_id"], "note": "12,5"}]},
            {"reference": "TEST-API-2", "code_structure": division["code_structure"], "matiere": division["code_gestion"],
             "libelle": "Interrogation", "date": day,
             "notes": [{"eleve_id": pupils[0]["eleve_id"], "note": "N.NOT"}]},
        ]},
    }


def devoirs_by_reference(etablissement_id: int) -> dict[str, dict]:
    rows = run(NotesDevoir.select().where(
        (NotesDevoir.etablissement_id == etablissement_id) & NotesDevoir.reference.like("TEST-API-%")))
    return {row["reference"]: row for row in rows}


def test_a_push_creates_then_the_same_push_changes_nothing(client, api_key, demo, services, body):
    key = api_key(demo.college, ["notes"])
    first = client.put(URL, json=body["json"], headers=bearer(key))
    assert first.status_code == 200, first.text
    assert first.json() == {"crees": 2, "modifies": 0, "inchanges": 0, "notes_ajoutees": 4, "notes_modifiees": 0,
                            "notes_supprimees": 0}
    devoirs = devoirs_by_reference(demo.college)
    one = devoirs["TEST-API-1"]
    assert (one["division_id"], one["matiere_id"], one["enseignant_id"]) == (
        services.mine["division_id"], services.mine["matiere_id"], services.mine["enseignant_id"])
    assert one["publie"] is True and one["publie_le"] is not None and one["coefficient"] == 2.0
    assert devoirs["TEST-API-2"]["publie"] is False and devoirs["TEST-API-2"]["bareme"] == 20
    pupils = body["pupils"]
    assert grades_of(one["id"]) == {pupils[0]["id"]: (14.5, ""), pupils[1]["id"]: (None, "ABS"),
                                    pupils[2]["id"]: (12.5, "")}
    state = {ref: grades_of(row["id"]) for ref, row in devoirs.items()}

    second = client.put(URL, json=body["json"], headers=bearer(key))
    assert second.json() == {"crees": 0, "modifies": 0, "inchanges": 2, "notes_ajoutees": 0, "notes_modifiees": 0,
                             "notes_supprimees": 0}
    again = devoirs_by_reference(demo.college)
    assert {ref: grades_of(row["id"]) for ref, row in again.items()} == state
    assert again["TEST-API-1"]["publie_le"] == one["publie_le"]
    [line1, line2] = journal_actions("notes.api")
    assert line1["identifiant"] == "clé d'API « Logiciel de test »"
    assert "2 créé(s)" in line1["detail"] and "0 créé(s), 0 modifié(s), 2 inchangé(s)" in line2["detail"]


def test_a_push_updates_by_reference_and_replaces_the_grades(client, api_key, demo, body):
    key = api_key(demo.college, ["notes"])
    client.put(URL, json=body["json"], headers=bearer(key))
    changed = copy.deepcopy(body["json"])
    first = changed["devoirs"][0]
    first.update(libelle="Contrôle corrigé", publie=False)
    first["notes"] = [{"eleve_id": body["pupils"][0]["eleve_id"], "note": 16}, first["notes"][1]]
    response = client.put(URL, json=changed, headers=bearer(key))
    assert response.json() == {"crees": 0, "modifies": 1, "inchanges": 1, "notes_ajoutees": 0,
                               "notes_modifiees": 1, "notes_supprimees": 1}
    row = devoirs_by_reference(demo.college)["TEST-API-1"]
    assert row["libelle"] == "Contrôle corrigé" and row["publie"] is False and row["publie_le"] is None
    assert grades_of(row["id"]) == {body["pupils"][0]["id"]: (16.0, ""), body["pupils"][1]["id"]: (None, "ABS")}


def test_the_families_learn_of_the_grades_a_push_publishes_as_from_the_teachers_page(
        client, api_key, demo, body, notifications):
    key = api_key(demo.college, ["notes"])
    from teleservices.core.tables import CompteEleve

    # A pupil of the class whose family has an active account.
    pupil = next(p for p in body["pupils"] if run(CompteEleve.exists().where(
        (CompteEleve.eleve == p["id"]) & (CompteEleve.compte.etat == "actif"))))
    push = copy.deepcopy(body["json"])
    push["devoirs"][0]["notes"] = [n for n in push["devoirs"][0]["notes"] if n["eleve_id"] != pupil["eleve_id"]]
    push["devoirs"][0]["notes"].append({"eleve_id": pupil["eleve_id"], "note": 11})
    client.put(URL, json=push, headers=bearer(key))
    devoir = devoirs_by_reference(demo.college)["TEST-API-1"]
    assert notifications.recipients(eleve=pupil["id"])
    assert {row["eleve"] for row in notifications.rows()} <= {n["id"] for n in body["pupils"]}
    assert {row["type"] for row in notifications.rows()} == {"notes.publiees"}
    assert f"« Contrôle envoyé » du {devoir['date']:%d/%m/%Y}" in notifications.rows()[0]["titre"]
    count = len(notifications.rows())
    client.put(URL, json=push, headers=bearer(key))
    assert len(notifications.rows()) == count  # the same push again: nobody told twice
    push["devoirs"][1]["notes"].append({"eleve_id": pupil["eleve_id"], "note": 9})  # unpublished: nothing to tell
    client.put(URL, json=push, headers=bearer(key))
    assert len(notifications.rows()) == count
    push["devoirs"][0]["notes"][-1]["note"] = 13  # their grade changed on the published devoir
    client.put(URL, json=push, headers=bearer(key))
    assert {row["eleve"] for row in notifications.rows()[count:]} == {pupil["id"]}


def test_every_bad_row_is_listed_and_nothing_is_written(client, api_key, demo, body):
    bad = copy.deepcopy(body["json"])
    bad["devoirs"][0]["notes"] += [{"eleve_id": "999999", "note": 10}, {"eleve_id": body["pupils"][3]["eleve_id"], "note": 21},
                                   {"eleve_id": body["pupils"][0]["eleve_id"], "note": 3}]
    bad["devoirs"][1].update(code_structure="9Z", matiere="LATIN")
    bad["devoirs"].append({**bad["devoirs"][0], "notes": [], "date": "1999-01-01"})
    response = client.put(URL, json=bad, headers=bearer(api_key(demo.college, ["notes"])))
    assert response.status_code == 422
    payload = response.json()
    assert payload["detail"].startswith("Envoi refusé") and payload["status_code"] == 422
    refused = {(row["index"], row["champ"]) for row in payload["extra"]}
    assert refused == {(0, "notes[3].eleve_id"), (0, "notes[4].note"), (0, "notes[5].eleve_id"),
                       (1, "code_structure"), (1, "matiere"), (2, "reference"), (2, "date")}
    reasons = {row["champ"]: row["raison"] for row in payload["extra"]}
    assert "999999" in reasons["notes[3].eleve_id"] and "entre 0 et 20" in reasons["notes[4].note"]
    assert "9Z" in reasons["code_structure"] and "LATIN" in reasons["matiere"]
    assert devoirs_by_reference(demo.college) == {} and journal_actions("notes.api") == []


@pytest.mark.parametrize("change", [
    {"devoirs": []}, {"devoirs": [{"reference": "TEST-API-X"}]}, {"autre": 1},
    {"devoirs": [{"reference": "TEST-API-X", "code_structure": "4G", "matiere": "MATHS", "libelle": "x",
                  "date": "2026-10-06", "bareme": 0}]},
])
def test_a_malformed_body_is_a_400(client, api_key, demo, change):
    response = client.put(URL, json=change, headers=bearer(api_key(demo.college, ["notes"])))
    assert response.status_code == 400 and response.json()["detail"].startswith("Requête refusée")
    assert devoirs_by_reference(demo.college) == {}


def test_the_scope_and_the_establishment_of_the_key(client, api_key, demo, other_school, body):
    refused = client.put(URL, json=body["json"], headers=bearer(api_key(demo.college, ["ent_exemple"])))
    assert refused.status_code == 403
    assert client.put(URL, json=body["json"]).status_code == 401
    # Another establishment's key does not know the collège's classes nor its pupils.
    foreign = client.put(URL, json=body["json"], headers=bearer(api_key(other_school, ["notes"])))
    assert foreign.status_code == 422
    assert {row["champ"] for row in foreign.json()["extra"]} >= {"code_structure", "matiere"}
    assert devoirs_by_reference(demo.college) == {} and devoirs_by_reference(other_school) == {}


def test_the_same_reference_in_two_establishments_is_two_devoirs(client, api_key, demo, body):
    client.put(URL, json=body["json"], headers=bearer(api_key(demo.college, ["notes"])))
    lycee_class = run(structures(demo.lycee))[0]
    pupil = run(pupils_of_structure(lycee_class["id"]))[0]
    lycee_body = {"devoirs": [{**body["json"]["devoirs"][0], "code_structure": lycee_class["code_structure"],
                               "notes": [{"eleve_id": pupil["eleve_id"], "note": 11}]}]}
    response = client.put(URL, json=lycee_body, headers=bearer(api_key(demo.lycee, ["notes"])))
    assert response.json()["crees"] == 1
    assert devoirs_by_reference(demo.college)["TEST-API-1"]["id"] != devoirs_by_reference(demo.lycee)["TEST-API-1"]["id"]
    run(NotesDevoir.delete().where((NotesDevoir.etablissement_id == demo.lycee) & (NotesDevoir.reference == "TEST-API-1")))


def test_the_endpoint_is_documented(client):
    schema = client.get("/api/schema/openapi.json").json()
    operation = schema["paths"][URL]["put"]
    assert operation["summary"] == "Envoie des devoirs et leurs notes"
    assert "idempot" in operation["description"] or "ne change rien" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"]["allOf"] == [{"$ref": "#/components/schemas/Envoi"}]
    assert body["schema"]["examples"][0]["devoirs"][0]["reference"] == "NOTES-2026-0142"
    fields = schema["components"]["schemas"]["DevoirEnvoye"]["properties"]
    assert "ELEVE_ID" in schema["components"]["schemas"]["NoteEnvoyee"]["properties"]["eleve_id"]["description"]
    assert "code gestion" in fields["matiere"]["description"]
    assert "422" in operation["responses"] and "400" in operation["responses"]
    assert operation["responses"]["422"]["content"]["application/json"].get("examples")
    assert operation["security"] == [{"cle_api": []}]
