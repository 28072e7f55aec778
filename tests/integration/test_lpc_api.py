"""The LPC's push API: ``PUT /api/v1/lpc/validations`` validates compétences, items and language
levels by the grid's codes, withdraws those sent with a null date, idempotent; every bad row is
listed in a 422 and nothing is written; a malformed body is a 400; only the key's establishment,
only with the « lpc » scope; the same number of queries whatever the number of pupils and codes."""

from __future__ import annotations

import datetime as dt

import pytest

from api_support import api_key, bearer, other_school  # noqa: F401
from lpc_support import journal_actions, langues_of, lpc_journal, lpc_pupils, validations_of  # noqa: F401
from teleservices.core import clock
from teleservices.core.api import pupils_of_establishment
from teleservices.core.testing import run
from teleservices.plugins.lpc import api as lpc_api
from teleservices.plugins.lpc.grille import grille

pytestmark = pytest.mark.usefixtures("lpc_journal")
URL = "/api/v1/lpc/validations"
UTC = dt.timezone.utc
AUJOURDHUI = dt.date(2026, 11, 20)
HIER = AUJOURDHUI - dt.timedelta(days=1)
DEMAIN = AUJOURDHUI + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def horloge(monkeypatch: pytest.MonkeyPatch) -> None:
    """The portal's clock on AUJOURDHUI at 10:00 UTC (11:00 at the school)."""
    monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(AUJOURDHUI, dt.time(10), tzinfo=UTC))


def bilan(validees: int = 0, modifiees: int = 0, inchangees: int = 0, retirees: int = 0) -> dict[str, int]:
    return {"validees": validees, "modifiees": modifiees, "inchangees": inchangees, "retirees": retirees}


def eleve(pupil: dict, validations: dict[str, dt.date | None] | None = None, langues: list[dict] | None = None,
          ) -> dict:
    """A pupil of the body: their codes with a date (or None), their language levels."""
    sent = [{"code": code, "date": jour and jour.isoformat()} for code, jour in (validations or {}).items()]
    return {"eleve_id": pupil["eleve_id"], "validations": sent, "langues": langues or []}


def langue(palier: int = 3, jour: dt.date | None = HIER, nom: str = "ANGLAIS LV1", niveau: str = "A2") -> dict:
    if jour is None:
        return {"palier": palier, "date": None}
    return {"palier": palier, "langue": nom, "niveau": niveau, "date": jour.isoformat()}


def dates(eleve_ids: list[int]) -> dict[tuple[int, str], dt.date]:
    return {key: row["date"] for key, row in validations_of(eleve_ids).items()}


def test_a_push_validates_then_the_same_push_changes_nothing(client, api_key, demo, lpc_pupils):
    a, b = lpc_pupils(demo.college, 2)
    key = api_key(demo.college, ["lpc"])
    jour = dt.date(2026, 10, 12)
    body = {"eleves": [
        eleve(a, {"P3.C1.D1.I2": jour, "P3.C1": HIER, "P2.C3a": dt.date(2024, 6, 3)}, [langue()]),
        eleve(b, {"P3.C7.D1.I1": AUJOURDHUI}),  # today is not the future
    ]}
    first = client.put(URL, json=body, headers=bearer(key))
    assert first.status_code == 200, first.text
    assert first.json() == bilan(validees=5)
    ids = [a["id"], b["id"]]
    rows = validations_of(ids)
    assert {k: (r["date"], r["etablissement_id"], r["saisie_par"]) for k, r in rows.items()} == {
        (a["id"], "P3.C1.D1.I2"): (jour, demo.college, "Logiciel de test"),
        (a["id"], "P3.C1"): (HIER, demo.college, "Logiciel de test"),
        (a["id"], "P2.C3a"): (dt.date(2024, 6, 3), demo.college, "Logiciel de test"),
        (b["id"], "P3.C7.D1.I1"): (AUJOURDHUI, demo.college, "Logiciel de test"),
    }
    niveaux = langues_of(ids)
    assert {k: (r["langue"], r["niveau"], r["date"], r["saisie_par"]) for k, r in niveaux.items()} == {
        (a["id"], 3): ("ANGLAIS LV1", "A2", HIER, "Logiciel de test"),
    }

    second = client.put(URL, json=body, headers=bearer(key))
    assert second.json() == bilan(inchangees=5)
    assert validations_of(ids) == rows and langues_of(ids) == niveaux
    [line1, line2] = journal_actions("lpc.api")
    assert line1["identifiant"] == "clé d'API « Logiciel de test »"
    assert line1["detail"] == ("Envoi LPC pour 2 élève(s) : 5 validée(s), 0 modifiée(s), 0 inchangée(s), "
                               "0 retirée(s).")
    assert "0 validée(s), 0 modifiée(s), 5 inchangée(s), 0 retirée(s)" in line2["detail"]


def test_a_push_changes_dates_and_null_withdraws(client, api_key, demo, lpc_pupils, monkeypatch):
    [a] = lpc_pupils(demo.college, 1)
    key = api_key(demo.college, ["lpc"], nom="Logiciel A")
    client.put(URL, json={"eleves": [eleve(a, {"P3.C1": HIER, "P3.C2": HIER, "P3.C3": HIER},
                                           [langue(2, dt.date(2024, 5, 2), "ALLEMAND LV1", "A1"), langue()])]},
               headers=bearer(key))
    before = validations_of([a["id"]])
    later = clock.now() + dt.timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    other_key = api_key(demo.college, ["lpc"], nom="Logiciel B")
    changed = {"eleves": [eleve(a, {"P3.C1": HIER, "P3.C2": dt.date(2026, 11, 2), "P3.C3": None, "P3.C4": None},
                                [langue(nom="ESPAGNOL LV2"), langue(2, None)])]}
    response = client.put(URL, json=changed, headers=bearer(other_key))
    assert response.json() == bilan(modifiees=2, inchangees=2, retirees=2)

    after = validations_of([a["id"]])
    assert set(after) == {(a["id"], "P3.C1"), (a["id"], "P3.C2")}
    assert after[(a["id"], "P3.C1")] == before[(a["id"], "P3.C1")]  # unchanged: not even who nor when
    two = after[(a["id"], "P3.C2")]
    assert (two["id"], two["date"], two["saisie_par"], two["modifie_le"]) == (
        before[(a["id"], "P3.C2")]["id"], dt.date(2026, 11, 2), "Logiciel B", later)
    assert {k: (r["langue"], r["niveau"], r["date"], r["saisie_par"]) for k, r in langues_of([a["id"]]).items()} == {
        (a["id"], 3): ("ESPAGNOL LV2", "A2", HIER, "Logiciel B"),
    }
    again = client.put(URL, json=changed, headers=bearer(other_key))
    assert again.json() == bilan(inchangees=6)
    assert "2 modifiée(s), 2 inchangée(s), 2 retirée(s)" in journal_actions("lpc.api")[1]["detail"]


def test_every_bad_row_is_listed_and_nothing_is_written(client, api_key, demo, lpc_pupils):
    a, b, c = lpc_pupils(demo.college, 3)
    lycee_pupil = run(pupils_of_establishment(demo.lycee))[0]
    body = {"eleves": [
        eleve({"eleve_id": "999999"}, {"P3.C1": HIER}),
        eleve(lycee_pupil, {"P3.C1": HIER}),  # another establishment's pupil is unknown here
        eleve(a, {"P3.C9": HIER, "P3.C1.D1.I99": HIER, "P3.C2": DEMAIN, "P3.C3": None}),
        eleve(b, {"P3.C1": HIER}, [langue(niveau="A1"), langue(1), langue(3, DEMAIN, nom="X" * 61)]),
        eleve(c, langues=[langue(2, nom="  ", niveau="A1")]),
        eleve(a, {"P3.C5": HIER}),
    ]}
    body["eleves"][3]["validations"].append({"code": "P3.C1", "date": None})
    response = client.put(URL, json=body, headers=bearer(api_key(demo.college, ["lpc"])))
    assert response.status_code == 422, response.text
    payload = response.json()
    assert payload["status_code"] == 422 and payload["detail"].startswith("Envoi refusé")
    rows = [(row["index"], row["champ"], row["raison"]) for row in payload["extra"]]
    assert rows == [
        (0, "eleve_id", "Élève inconnu dans l'établissement, ou sorti : 999999."),
        (1, "eleve_id", f"Élève inconnu dans l'établissement, ou sorti : {lycee_pupil['eleve_id']}."),
        (2, "validations[0].code", "Code inconnu dans la grille du LPC : P3.C9."),
        (2, "validations[1].code", "Code inconnu dans la grille du LPC : P3.C1.D1.I99."),
        (2, "validations[2].date", "La date de validation ne peut pas être dans le futur."),
        (3, "validations[1].code", "Code déjà envoyé pour cet élève (validations[0])."),
        (3, "langues[0].niveau", "Au palier 3, le niveau validé est A2."),
        (3, "langues[1].palier", "Le palier 1 ne valide pas de niveau de langue."),
        (3, "langues[2].langue", "Le nom de la langue ne dépasse pas 60 caractères."),
        (3, "langues[2].date", "La date de validation ne peut pas être dans le futur."),
        (3, "langues[2].palier", "Palier déjà envoyé pour cet élève (langues[0])."),
        (4, "langues[0].langue", "Indiquez la langue (par exemple « ANGLAIS LV1 »)."),
        (5, "eleve_id", "Élève déjà envoyé dans ce même envoi (élève 2)."),
    ]
    ids = [a["id"], b["id"], c["id"]]
    assert validations_of(ids) == {} and langues_of(ids) == {}
    assert journal_actions("lpc.api") == []


def test_a_withdrawal_needs_only_the_palier(client, api_key, demo, lpc_pupils):
    [a] = lpc_pupils(demo.college, 1)
    key = api_key(demo.college, ["lpc"])
    client.put(URL, json={"eleves": [eleve(a, langues=[langue()])]}, headers=bearer(key))
    withdrawal = {"eleves": [eleve(a, langues=[{"palier": 3, "date": None, "langue": "", "niveau": "B1"}])]}
    assert client.put(URL, json=withdrawal, headers=bearer(key)).json() == bilan(retirees=1)
    assert langues_of([a["id"]]) == {}
    refused = client.put(URL, json={"eleves": [eleve(a, langues=[langue(1, None)])]}, headers=bearer(key))
    assert refused.status_code == 422 and refused.json()["extra"][0]["champ"] == "langues[0].palier"


def _valid(pupil: dict) -> dict:
    return {"eleve_id": pupil["eleve_id"], "validations": [{"code": "P3.C1", "date": HIER.isoformat()}]}


@pytest.mark.parametrize("change", [
    lambda v: {"eleves": []},
    lambda v: {"autre": 1},
    lambda v: {"eleves": [v] * 1001},
    lambda v: {"eleves": [{**v, "nom": "DUPONT"}]},
    lambda v: {"eleves": [{**v, "eleve_id": ""}]},
    lambda v: {"eleves": [{**v, "validations": [{"code": "P3.C1"}]}]},
    lambda v: {"eleves": [{**v, "validations": [{"code": "P3.C1", "date": "2026-13-01"}]}]},
    lambda v: {"eleves": [{**v, "validations": [{"code": "P3.C1", "date": "hier"}]}]},
    lambda v: {"eleves": [{**v, "validations": [{"code": "", "date": None}]}]},
    lambda v: {"eleves": [{**v, "validations": [{"code": "P3.C1" * 5, "date": None}]}]},
    lambda v: {"eleves": [{**v, "validations": [{"code": "P3.C1", "date": None, "valide": True}]}]},
    lambda v: {"eleves": [{**v, "validations": [{"code": "P3.C1", "date": None}] * 301}]},
    lambda v: {"eleves": [{**v, "validations": "P3.C1"}]},
    lambda v: {"eleves": [{**v, "langues": [{"palier": 4, "date": None}]}]},
    lambda v: {"eleves": [{**v, "langues": [{"palier": "trois", "date": None}]}]},
    lambda v: {"eleves": [{**v, "langues": [{"palier": 3}]}]},
    lambda v: {"eleves": [{**v, "langues": [{"palier": 3, "date": None, "niveau": "A2+"}]}]},
], ids=["vide", "champ-inconnu", "trop-d-eleves", "champ-en-trop", "eleve-id-vide", "sans-date", "date-impossible",
        "date-illisible", "code-vide", "code-trop-long", "champ-de-validation-en-trop", "trop-de-codes",
        "pas-une-liste", "palier-4", "palier-illisible", "langue-sans-date", "niveau-trop-long"])
def test_a_malformed_body_is_a_400(client, api_key, demo, lpc_pupils, change):
    [a] = lpc_pupils(demo.college, 1)
    response = client.put(URL, json=change(_valid(a)), headers=bearer(api_key(demo.college, ["lpc"])))
    assert response.status_code == 400 and response.json()["detail"].startswith("Requête refusée")
    assert validations_of([a["id"]]) == {}


def test_the_scope_and_the_establishment_of_the_key(client, api_key, demo, lpc_pupils, other_school):
    [a] = lpc_pupils(demo.college, 1)
    body = {"eleves": [_valid(a)]}
    assert client.put(URL, json=body, headers=bearer(api_key(demo.college, ["absences", "notes"]))).status_code == 403
    assert client.put(URL, json=body).status_code == 401
    assert client.put(URL, json=body, headers=bearer("ts_cle_inventee")).status_code == 401
    assert validations_of([a["id"]]) == {}
    assert client.put(URL, json=body, headers=bearer(api_key(demo.college, ["lpc"]))).json() == bilan(validees=1)
    stored = validations_of([a["id"]])

    # Another establishment's key does not know the collège's pupils: neither validates nor withdraws.
    foreign = api_key(other_school, ["lpc"])
    for sent in (body, {"eleves": [{**_valid(a), "validations": [{"code": "P3.C1", "date": None}]}]}):
        refused = client.put(URL, json=sent, headers=bearer(foreign))
        assert refused.status_code == 422 and [row["champ"] for row in refused.json()["extra"]] == ["eleve_id"]
    assert validations_of([a["id"]]) == stored

    # The lycée's key validates the lycée's pupils only.
    [lycee_pupil] = lpc_pupils(demo.lycee, 1)
    lycee = client.put(URL, json={"eleves": [_valid(lycee_pupil)]}, headers=bearer(api_key(demo.lycee, ["lpc"])))
    assert lycee.json() == bilan(validees=1)
    assert validations_of([lycee_pupil["id"]])[(lycee_pupil["id"], "P3.C1")]["etablissement_id"] == demo.lycee
    assert validations_of([a["id"]]) == stored


# --- queries -----------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_pupils_and_codes(client, api_key, demo, lpc_pupils, queries):
    key = api_key(demo.college, ["lpc"])
    client.get("/api/v1/etablissement", headers=bearer(key))  # the key's first use is noted once
    pupils = lpc_pupils(demo.college, 12)
    palier3 = [item.code for item in grille().palier(3).items]

    def body(count: int, codes: int, jour: dt.date | None) -> dict:
        return {"eleves": [eleve(p, {code: jour for code in palier3[:codes]}, [langue(jour=jour)])
                           for p in pupils[:count]]}

    def count(sent: dict, expected: dict) -> int:
        queries.clear()
        response = client.put(URL, json=sent, headers=bearer(key))
        assert response.json() == expected, response.text
        return len(queries)

    measures = []
    for size, codes in ((1, 2), (12, 98)):
        lines = size * (codes + 1)
        measures.append((
            count(body(size, codes, HIER), bilan(validees=lines)),
            count(body(size, codes, AUJOURDHUI), bilan(modifiees=lines)),
            count(body(size, codes, AUJOURDHUI), bilan(inchangees=lines)),
            count(body(size, codes, None), bilan(retirees=lines)),
        ))
    assert measures[0] == measures[1]
    assert validations_of([p["id"] for p in pupils]) == {}


def test_a_push_larger_than_a_statement_is_written_in_batches(client, api_key, demo, lpc_pupils, monkeypatch):
    """More rows than one statement takes (CHUNK, made small here): every one written, counted unchanged
    the second time, then withdrawn."""
    monkeypatch.setattr(lpc_api, "CHUNK", 100)
    pupils = lpc_pupils(demo.college, 3)
    codes = [code for palier in (1, 2, 3) for competence in grille().palier(palier).competences
             for code in (competence.code, *(item.code for item in competence.items))]
    assert len(codes) == 272
    key = api_key(demo.college, ["lpc"])

    def push(jour: dt.date | None) -> dict:
        body = {"eleves": [eleve(p, {code: jour for code in codes}) for p in pupils]}
        return client.put(URL, json=body, headers=bearer(key)).json()

    assert push(HIER) == bilan(validees=3 * 272)
    assert len(validations_of([p["id"] for p in pupils])) == 3 * 272
    assert push(HIER) == bilan(inchangees=3 * 272)
    assert push(None) == bilan(retirees=3 * 272)
    assert validations_of([p["id"] for p in pupils]) == {}


def test_the_endpoint_is_documented(client):
    schema = client.get("/api/schema/openapi.json").json()
    operation = schema["paths"][URL]["put"]
    assert operation["summary"] == "Envoie des validations du livret personnel de compétences"
    assert "ne change rien" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"]["allOf"] == [{"$ref": "#/components/schemas/EnvoiLpc"}]
    assert body["schema"]["examples"][0]["eleves"][0]["validations"][0]["code"] == "P3.C1.D1.I2"
    components = schema["components"]["schemas"]
    assert "ELEVE_ID" in components["EleveEnvoye"]["properties"]["eleve_id"]["description"]
    assert "retire" in components["ValidationEnvoyee"]["properties"]["date"]["description"]
    assert "A2" in components["LangueEnvoyee"]["properties"]["niveau"]["description"]
    assert "400" in operation["responses"] and "422" in operation["responses"]
    assert operation["responses"]["422"]["content"]["application/json"].get("examples")
    assert operation["security"] == [{"cle_api": []}]
