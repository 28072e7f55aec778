"""The push API of the cahier de textes: ``PUT /api/v1/cahier/seances`` and ``/devoirs``, with a key
the collège's head makes on « Clés d'API » (and revokes after the test)."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Callable, Iterator

import pytest

from cahier_outils import post_form
from teleservices.core.api import pupil_structures
from teleservices.core.testing import run
from teleservices_cahier_de_textes import rules
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait, CahierSeance

pytestmark = pytest.mark.usefixtures("cahier_ouvert")
SEANCES, DEVOIRS = "/api/v1/cahier/seances", "/api/v1/cahier/devoirs"


@pytest.fixture
def cle_api(client_of) -> Iterator[Callable[..., str]]:
    """``cle_api(["cahier"])``: a key of the collège made by its head; revoked after the test."""
    chef = client_of("demo.chef")
    faites: list[str] = []

    def make(portees: list[str], nom: str = "Logiciel d'emploi du temps (test)") -> str:
        page = post_form(chef, "/administration/api", {"nom": nom, "portees": portees})
        assert page.status_code == 200, page.text
        faites.append(nom)
        return re.search(r'id="cle" type="text" value="([^"]+)"', page.text)[1]

    yield make
    liste = html.unescape(chef.get("/administration/api").text)
    for nom in faites:
        for cle_id in re.findall(rf'href="/administration/api/(\d+)/revoquer" aria-label="Révoquer la clé {re.escape(nom)}"', liste):
            post_form(chef, f"/administration/api/{cle_id}/revoquer", {})


def entete(cle: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {cle}"}


def seance(reference: str, jour: dt.date, **champs) -> dict:
    return {"reference": reference, "classe": "4G", "matiere": "MATHS", "date": jour.isoformat(),
            "contenu": "Théorème de Thalès : introduction.", **champs}


def test_lessons_are_upserted_by_reference(client, client_of, cle_api, demo, semaine, entrees_nettoyees):
    cle = cle_api(["cahier"])
    corps = {"seances": [seance("EDT-T-1", semaine), seance("EDT-T-2", semaine, matiere="061300",
                                                            contenu="Exercices 1 à 4\np. 120")]}
    premier = client.put(SEANCES, json=corps, headers=entete(cle))
    assert premier.status_code == 200, premier.text
    assert premier.json() == {"crees": 2, "modifies": 0, "inchanges": 0, "supprimes": 0}
    assert client.put(SEANCES, json=corps, headers=entete(cle)).json() == {
        "crees": 0, "modifies": 0, "inchanges": 2, "supprimes": 0}
    corps["seances"][0]["contenu"] = "Théorème de Thalès : démonstration."
    corps["seances"].append({"reference": "EDT-T-2", "supprime": True})
    corps["seances"].pop(1)
    assert client.put(SEANCES, json=corps, headers=entete(cle)).json() == {
        "crees": 0, "modifies": 1, "inchanges": 0, "supprimes": 1}
    rows = run(CahierSeance.select().where(CahierSeance.reference.like("EDT-T-%")))
    assert [(r["reference"], r["contenu"]) for r in rows] == [("EDT-T-1", "Théorème de Thalès : démonstration.")]
    assert rows[0]["enseignant_id"] is not None  # M. FOURNIER teaches maths in 4G
    assert rows[0]["saisie_par"] == "Logiciel d'emploi du temps (test)"
    # The family reads it; the teachers' page shows it read-only, with its origin.
    assert "Théorème de Thalès : démonstration." in html.unescape(
        client_of("demo.eleve").get(f"/eleves/{demo.lea}/cahier/?semaine={rules.cle_semaine(semaine)}").text)
    g4 = next(s for s in run(pupil_structures(demo.lea)) if s["type_structure"] == "D")
    page = html.unescape(client_of("demo.chef").get(
        f"/administration/cahier/?division={g4['id']}&semaine={rules.cle_semaine(semaine)}").text)
    assert "Reçue du logiciel de l'établissement (référence EDT-T-1)." in page
    journal = html.unescape(client_of("demo.chef").get("/administration/journal").text)
    assert "Envoi de 2 séance(s) au cahier de textes : 0 créé(s), 1 modifié(s)" in journal


def test_a_push_is_checked_whole_and_refused_row_by_row(client, cle_api, semaine, entrees_nettoyees):
    cle = cle_api(["cahier"])
    dimanche = semaine - dt.timedelta(days=1)
    corps = {"seances": [
        seance("EDT-R-0", semaine),
        seance("EDT-R-1", semaine, classe="2NDE1"),  # the lycée's class: not of the key's establishment
        seance("EDT-R-2", semaine, matiere="LATIN"),
        seance("EDT-R-3", semaine, date=dimanche.isoformat(), contenu="  "),
        seance("EDT-R-0", semaine),
        {"reference": "EDT-R-5"},
    ]}
    refus = client.put(SEANCES, json=corps, headers=entete(cle))
    assert refus.status_code == 422
    corps_refus = refus.json()
    assert corps_refus["detail"].startswith("Envoi refusé")
    lignes = {(l["index"], l["champ"]) for l in corps_refus["extra"]}
    assert lignes == {(1, "classe"), (2, "matiere"), (3, "date"), (3, "contenu"), (4, "reference"),
                      (5, "classe"), (5, "matiere"), (5, "date"), (5, "contenu")}
    assert "Classe ou groupe inconnu dans l'établissement : 2NDE1." in str(corps_refus["extra"])
    assert run(CahierSeance.count().where(CahierSeance.reference.like("EDT-R-%"))) == 0
    # A malformed body: refused by msgspec before anything is read.
    assert client.put(SEANCES, json={"seances": [seance("X", semaine, couleur="rouge")]}, headers=entete(cle)).status_code == 400
    assert client.put(SEANCES, json={"seances": []}, headers=entete(cle)).status_code == 400


def test_homework_with_links_and_its_withdrawal(client, client_of, cle_api, demo, semaine, entrees_nettoyees):
    cle = cle_api(["cahier"])
    devoir = {"reference": "CDT-T-1", "classe": "4g", "matiere": "AGL1", "donne_le": semaine.isoformat(),
              "pour_le": (semaine + dt.timedelta(days=2)).isoformat(), "description": "Learn the vocabulary p. 35.",
              "liens": [{"libelle": "Liste de vocabulaire", "url": "https://exemple.fr/vocabulaire"}]}
    refus = client.put(DEVOIRS, json={"devoirs": [{**devoir, "liens": [{"libelle": "x", "url": "javascript:alert(1)"}],
                                                   "pour_le": (semaine - dt.timedelta(days=3)).isoformat()}]},
                       headers=entete(cle))
    assert refus.status_code == 422
    assert {l["champ"] for l in refus.json()["extra"]} == {"liens[0].url", "pour_le"}
    assert client.put(DEVOIRS, json={"devoirs": [devoir]}, headers=entete(cle)).json()["crees"] == 1
    stocke = run(CahierDevoir.select().where(CahierDevoir.reference == "CDT-T-1").first())
    assert rules.liens_de_json(stocke["liens"]) == [rules.Lien("Liste de vocabulaire", "https://exemple.fr/vocabulaire")]
    page = html.unescape(client_of("demo.eleve").get(f"/eleves/{demo.lea}/cahier/?semaine={rules.cle_semaine(semaine)}").text)
    assert '<a href="https://exemple.fr/vocabulaire" target="_blank" rel="noopener noreferrer">' in page
    run(CahierFait.insert(CahierFait(devoir_id=stocke["id"], eleve_id=demo.lea)))
    retrait = client.put(DEVOIRS, json={"devoirs": [{"reference": "CDT-T-1", "supprime": True}]}, headers=entete(cle))
    assert retrait.json() == {"crees": 0, "modifies": 0, "inchanges": 0, "supprimes": 1}
    assert run(CahierFait.count().where(CahierFait.devoir_id == stocke["id"])) == 0


def test_new_homework_pushed_is_told_to_the_families_once(client, cle_api, demo, semaine, entrees_nettoyees):
    from teleservices.core.tables import Notification
    from teleservices.core.testing import last_id

    mark = last_id(Notification)
    cle = cle_api(["cahier"])
    pour_le = semaine + dt.timedelta(days=2)
    devoir = {"reference": "CDT-T-2", "classe": "4g", "matiere": "AGL1", "donne_le": semaine.isoformat(),
              "pour_le": pour_le.isoformat(), "description": "Learn the irregular verbs."}
    assert client.put(DEVOIRS, json={"devoirs": [devoir]}, headers=entete(cle)).json()["crees"] == 1
    rows = run(Notification.select(Notification.eleve, Notification.type, Notification.lien).where(
        Notification.id > mark))
    assert {row["type"] for row in rows} == {"cahier.devoir"}
    assert f"/eleves/{demo.lea}/cahier/jour/{pour_le.isoformat()}" in {row["lien"] for row in rows}
    changed = {**devoir, "description": "Learn the irregular verbs, p. 36."}
    assert client.put(DEVOIRS, json={"devoirs": [changed]}, headers=entete(cle)).json()["modifies"] == 1
    assert run(Notification.count().where(Notification.id > mark)) == len(rows)  # told once


def test_a_key_writes_only_where_its_scope_says(client, cle_api, semaine, entrees_nettoyees):
    autre = cle_api(["absences"], nom="Vie scolaire (test)")
    assert client.put(SEANCES, json={"seances": [seance("EDT-S-1", semaine)]}, headers=entete(autre)).status_code == 403
    assert client.put(SEANCES, json={"seances": [seance("EDT-S-1", semaine)]}).status_code == 401
    assert run(CahierSeance.count().where(CahierSeance.reference == "EDT-S-1")) == 0


def test_the_endpoints_are_documented_in_french(client):
    schema = client.get("/api/schema/openapi.json").json()
    for chemin, resume in ((SEANCES, "Envoie des séances du cahier de textes"),
                           (DEVOIRS, "Envoie le travail à faire du cahier de textes")):
        operation = schema["paths"][chemin]["put"]
        assert operation["summary"] == resume
        assert "reference" in operation["description"] and "422" in operation["responses"]
