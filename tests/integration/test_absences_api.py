"""The absences' push API: ``PUT /api/v1/absences/evenements`` upserts absence events by the
software's reference, idempotent, and withdraws those sent with « supprime »; every bad row is
listed in a 422 and nothing is written; only the key's establishment, only with the « absences »
scope; the same number of queries whatever the number of events; and the family page counts
only the half-days the guide counts (constatée, classée, motif légitime)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

import pytest

from absences_support import absences_cleaned, journal_actions  # noqa: F401
from api_support import api_key, bearer, other_school  # noqa: F401
from notifications_support import notifications  # noqa: F401 (fixture)
from teleservices.core import clock
from teleservices.core.api import Periode, periods, pupils_of_structure, structures
from teleservices.core.tables import Eleve, ServiceActivation
from teleservices.core.testing import run
from teleservices.plugins.absences.tables import DEMI_JOURNEES, ETATS, AbsencesAbsence

pytestmark = pytest.mark.usefixtures("absences_cleaned")
URL = "/api/v1/absences/evenements"
PREFIX = "TEST-API-ABS-"
UTC = dt.timezone.utc
DIMANCHE = 6


@dataclass(frozen=True)
class Annee:
    """The collège's school year, seen on the day the test's clock says."""

    debut: dt.date
    fin: dt.date
    aujourdhui: dt.date

    def jours_passes(self) -> list[dt.date]:
        """The school days gone (Monday to Saturday), from the first."""
        jours = (self.debut + dt.timedelta(days=i) for i in range((self.aujourdhui - self.debut).days))
        return [jour for jour in jours if jour.weekday() != DIMANCHE]

    def a_venir(self) -> dt.date:
        jour = self.aujourdhui + dt.timedelta(days=1)
        return jour + dt.timedelta(days=1) if jour.weekday() == DIMANCHE else jour

    def dimanche(self) -> dt.date:
        return self.debut + dt.timedelta(days=(DIMANCHE - self.debut.weekday()) % 7)

    def avant(self) -> dt.date:
        """A day before the school year that is not a Sunday."""
        jour = self.debut - dt.timedelta(days=1)
        return jour - dt.timedelta(days=1) if jour.weekday() == DIMANCHE else jour

    def apres(self) -> dt.date:
        """A day after the school year that is not a Sunday."""
        jour = self.fin + dt.timedelta(days=1)
        return jour + dt.timedelta(days=1) if jour.weekday() == DIMANCHE else jour


@pytest.fixture
def annee(demo: Any, monkeypatch: pytest.MonkeyPatch) -> Annee:
    """The portal's clock set to the tenth day of T2, at 10:00 UTC: the school year then has days
    gone and days to come, whatever the day the tests run."""
    periodes = [Periode.de_ligne(row) for row in run(periods(demo.college))]
    aujourdhui = periodes[1].debut + dt.timedelta(days=10)
    monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(aujourdhui, dt.time(10), tzinfo=UTC))
    return Annee(periodes[0].debut, periodes[-1].fin, aujourdhui)


@pytest.fixture(scope="module")
def classe(demo: Any) -> list[dict]:
    """The pupils of Léa's class at the collège (Léa first): id and SIECLE eleve_id."""
    division = run(Eleve.select(Eleve.division).where(Eleve.id == demo.lea).first())["division"]
    pupils = run(pupils_of_structure(division))
    return sorted(pupils, key=lambda p: p["id"] != demo.lea)


@pytest.fixture
def sorti(classe: list[dict]) -> Iterator[dict]:
    """A pupil of the class who has left the establishment; back after the test."""
    pupil = classe[-1]
    run(Eleve.update({Eleve.date_sortie: dt.date(2026, 9, 15)}).where(Eleve.id == pupil["id"]))
    yield pupil
    run(Eleve.update({Eleve.date_sortie: None}).where(Eleve.id == pupil["id"]))


@pytest.fixture
def publication(demo: Any) -> Iterator[None]:
    """The collège's vie scolaire authorised the absences' publication; its options come back after."""
    where = (ServiceActivation.etablissement == demo.college) & (ServiceActivation.service == "absences")
    before = run(ServiceActivation.select(ServiceActivation.options, ServiceActivation.ouvert).where(where).first())
    options = json.loads(before["options"]) if isinstance(before["options"], str) else dict(before["options"] or {})
    run(ServiceActivation.update({ServiceActivation.options: json.dumps({**options, "publication": True}),
                                  ServiceActivation.ouvert: True}).where(where))
    yield
    run(ServiceActivation.update({ServiceActivation.options: before["options"],
                                  ServiceActivation.ouvert: before["ouvert"]}).where(where))


def evenement(reference: str, eleve: dict, jour: dt.date, demi: str = "matin", etat: str = "constatee",
              **champs: Any) -> dict:
    return {"reference": PREFIX + reference, "eleve_id": eleve["eleve_id"], "date": jour.isoformat(),
            "demi_journee": demi, "etat": etat, **champs}


def rows_of(etablissement_id: int) -> dict[str, dict]:
    rows = run(AbsencesAbsence.select().where(
        (AbsencesAbsence.etablissement_id == etablissement_id) & AbsencesAbsence.reference.like(f"{PREFIX}%")))
    return {row["reference"].removeprefix(PREFIX): row for row in rows}


def bilan(crees: int = 0, modifies: int = 0, inchanges: int = 0, supprimes: int = 0) -> dict[str, int]:
    return {"crees": crees, "modifies": modifies, "inchanges": inchanges, "supprimes": supprimes}


def test_a_push_creates_then_the_same_push_changes_nothing(client, api_key, demo, annee, classe):
    key = api_key(demo.college, ["absences"])
    jours = annee.jours_passes()
    body = {"evenements": [
        evenement("1", classe[0], jours[3], classee=True, motif_legitime=True, motif=" Maladie ", saisie_par="M. CPE"),
        evenement("2", classe[1], jours[4], "apres_midi", "signalee", motif="Rendez-vous médical"),
        evenement("3", classe[2], annee.a_venir(), etat="signalee"),  # announced by the family, to come
    ]}
    first = client.put(URL, json=body, headers=bearer(key))
    assert first.status_code == 200, first.text
    assert first.json() == bilan(crees=3)
    rows = rows_of(demo.college)
    assert {k: (r["eleve_id"], r["date"], r["demi_journee"], r["etat"], r["classee"], r["motif_legitime"], r["motif"],
                r["saisie_par"]) for k, r in rows.items()} == {
        "1": (classe[0]["id"], jours[3], "matin", "constatee", True, True, "Maladie", "M. CPE"),
        # No saisie_par: the key's name says who recorded it.
        "2": (classe[1]["id"], jours[4], "apres_midi", "signalee", False, False, "Rendez-vous médical",
              "Logiciel de test"),
        "3": (classe[2]["id"], annee.a_venir(), "matin", "signalee", False, False, "", "Logiciel de test"),
    }

    second = client.put(URL, json=body, headers=bearer(key))
    assert second.json() == bilan(inchanges=3)
    assert rows_of(demo.college) == rows
    [line1, line2] = journal_actions("absences.api")
    assert line1["identifiant"] == "clé d'API « Logiciel de test »"
    assert "3 événement(s)" in line1["detail"] and "3 créé(s)" in line1["detail"]
    assert "0 créé(s), 0 modifié(s), 3 inchangé(s), 0 supprimé(s)" in line2["detail"]


def test_a_push_updates_by_reference(client, api_key, demo, annee, classe, monkeypatch):
    key = api_key(demo.college, ["absences"])
    jours = annee.jours_passes()
    body = {"evenements": [evenement("1", classe[0], jours[5], saisie_par="Mme VIE-SCOLAIRE"),
                           evenement("2", classe[1], jours[5])]}
    client.put(URL, json=body, headers=bearer(key))
    before = rows_of(demo.college)
    later = clock.now() + dt.timedelta(hours=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    changed = copy.deepcopy(body)
    changed["evenements"][0] = evenement("1", classe[3], jours[6], "apres_midi", classee=True, motif_legitime=True,
                                         motif="Raison familiale")
    response = client.put(URL, json=changed, headers=bearer(key))
    assert response.json() == bilan(modifies=1, inchanges=1)
    after = rows_of(demo.college)
    one = after["1"]
    assert (one["id"], one["cree_le"]) == (before["1"]["id"], before["1"]["cree_le"])
    assert one["modifie_le"] == later
    assert (one["eleve_id"], one["date"], one["demi_journee"], one["classee"], one["motif_legitime"], one["motif"],
            one["saisie_par"]) == (classe[3]["id"], jours[6], "apres_midi", True, True, "Raison familiale",
                                   "Logiciel de test")
    assert after["2"] == before["2"]
    assert "1 modifié(s), 1 inchangé(s)" in journal_actions("absences.api")[-1]["detail"]


def test_supprime_withdraws_the_event_of_its_reference(client, api_key, demo, annee, classe):
    key = api_key(demo.college, ["absences"])
    jours = annee.jours_passes()
    one, two = evenement("1", classe[0], jours[7]), evenement("2", classe[1], jours[7])
    client.put(URL, json={"evenements": [one, two]}, headers=bearer(key))
    # Only the reference counts: the pupil may have left since, the software may send anything else.
    withdrawal = {**one, "eleve_id": "999999", "date": "1999-01-03", "supprime": True}
    response = client.put(URL, json={"evenements": [withdrawal, two]}, headers=bearer(key))
    assert response.json() == bilan(inchanges=1, supprimes=1)
    assert set(rows_of(demo.college)) == {"2"}
    again = client.put(URL, json={"evenements": [withdrawal, two]}, headers=bearer(key))
    assert again.json() == bilan(inchanges=2)
    assert set(rows_of(demo.college)) == {"2"}
    assert "0 créé(s), 0 modifié(s), 1 inchangé(s), 1 supprimé(s)" in journal_actions("absences.api")[1]["detail"]


def test_every_bad_row_is_listed_and_nothing_is_written(client, api_key, demo, annee, classe, sorti):
    lycee_pupil = run(pupils_of_structure(run(structures(demo.lycee))[0]["id"]))[0]
    jour = annee.jours_passes()[2]
    body = {"evenements": [
        evenement("0", {"eleve_id": "999999"}, jour),
        evenement("1", lycee_pupil, jour),  # another establishment's pupil is unknown here
        evenement("2", sorti, jour),
        evenement("3", classe[0], annee.dimanche()),
        evenement("4", classe[0], annee.avant()),
        evenement("5", classe[0], annee.a_venir()),  # constatée, yet to come
        evenement("6", classe[0], jour),
        evenement("6", classe[1], jour),
        evenement("7", classe[0], annee.apres(), etat="signalee"),
    ]}
    response = client.put(URL, json=body, headers=bearer(api_key(demo.college, ["absences"])))
    assert response.status_code == 422
    payload = response.json()
    assert payload["status_code"] == 422 and payload["detail"].startswith("Envoi refusé")
    assert [(row["index"], row["champ"]) for row in payload["extra"]] == [
        (0, "eleve_id"), (1, "eleve_id"), (2, "eleve_id"), (3, "date"), (4, "date"), (5, "etat"), (7, "reference"),
        (8, "date"),
    ]
    reasons = {row["index"]: row["raison"] for row in payload["extra"]}
    assert "999999" in reasons[0] and lycee_pupil["eleve_id"] in reasons[1] and "sorti" in reasons[2]
    assert reasons[3] == f"Le dimanche {annee.dimanche():%d/%m/%Y} n'est pas un jour de classe."
    assert f"{annee.avant():%d/%m/%Y} est en dehors de l'année scolaire" in reasons[4]
    assert f"du {annee.debut:%d/%m/%Y} au {annee.fin:%d/%m/%Y}" in reasons[4]
    assert "à venir" in reasons[5] and "(événement 6)" in reasons[7]
    assert rows_of(demo.college) == {} and journal_actions("absences.api") == []


def _sans(champ: str) -> Any:
    def change(event: dict) -> dict:
        return {"evenements": [{k: v for k, v in event.items() if k != champ}]}
    return change


@pytest.mark.parametrize("change", [
    lambda e: {"evenements": []},
    lambda e: {"autre": 1},
    lambda e: {"evenements": [e] * 5001},
    _sans("etat"),
    _sans("date"),
    lambda e: {"evenements": [{**e, "demi_journee": "soir"}]},
    lambda e: {"evenements": [{**e, "etat": "excusee"}]},
    lambda e: {"evenements": [{**e, "heure": "10:00"}]},
    lambda e: {"evenements": [{**e, "reference": ""}]},
    lambda e: {"evenements": [{**e, "date": "2026-13-01"}]},
    lambda e: {"evenements": [{**e, "motif": "x" * 121}]},
    lambda e: {"evenements": [{**e, "classee": "oui"}]},
], ids=["vide", "champ-inconnu", "trop", "sans-etat", "sans-date", "demi-journee", "etat", "champ-en-trop",
        "reference-vide", "date-illisible", "motif-trop-long", "booleen"])
def test_a_malformed_body_is_a_400(client, api_key, demo, annee, classe, change):
    body = change(evenement("X", classe[0], annee.jours_passes()[0]))
    response = client.put(URL, json=body, headers=bearer(api_key(demo.college, ["absences"])))
    assert response.status_code == 400 and response.json()["detail"].startswith("Requête refusée")
    assert rows_of(demo.college) == {}


def test_the_scope_and_the_establishment_of_the_key(client, api_key, demo, annee, classe, other_school):
    one = evenement("1", classe[0], annee.jours_passes()[1])
    body = {"evenements": [one]}
    assert client.put(URL, json=body, headers=bearer(api_key(demo.college, ["notes"]))).status_code == 403
    assert client.put(URL, json=body).status_code == 401
    assert client.put(URL, json=body, headers=bearer(api_key(demo.college, ["absences"]))).json()["crees"] == 1
    stored = rows_of(demo.college)

    # Another establishment's key does not know the collège's pupils, nor its events.
    foreign = api_key(other_school, ["absences"])
    refused = client.put(URL, json=body, headers=bearer(foreign))
    assert refused.status_code == 422 and {row["champ"] for row in refused.json()["extra"]} == {"eleve_id", "date"}
    withdrawal = client.put(URL, json={"evenements": [{**one, "supprime": True}]}, headers=bearer(foreign))
    assert withdrawal.json() == bilan(inchanges=1)
    assert rows_of(demo.college) == stored and rows_of(other_school) == {}

    # The same reference in the lycée is another event.
    lycee_pupil = run(pupils_of_structure(run(structures(demo.lycee))[0]["id"]))[0]
    lycee = client.put(URL, json={"evenements": [{**one, "eleve_id": lycee_pupil["eleve_id"]}]},
                       headers=bearer(api_key(demo.lycee, ["absences"])))
    assert lycee.json() == bilan(crees=1)
    assert rows_of(demo.lycee)["1"]["eleve_id"] == lycee_pupil["id"] and rows_of(demo.college) == stored


# --- what the family sees ----------------------------------------------------------------------------

TOTAL = re.compile(r"<strong>(\d+)</strong> demi-journées? au total")


def _jours_libres(eleve_id: int, annee: Annee, count: int) -> list[dt.date]:
    """School days gone on which the pupil has no absence at all (the demo gives them some)."""
    taken = {row["date"] for row in run(AbsencesAbsence.select(AbsencesAbsence.date).where(
        AbsencesAbsence.eleve_id == eleve_id))}
    return [jour for jour in annee.jours_passes() if jour not in taken][:count]


def test_the_family_page_counts_only_constatees_classees_with_a_motif_legitime(
        client, client_as, api_key, demo, annee, classe, publication):
    parent = client_as("demo.parent")
    page = f"/eleves/{demo.lea}/absences/?periode=toutes"

    def total() -> int:
        response = parent.get(page)
        assert response.status_code == 200
        return int(TOTAL.search(response.text).group(1))

    key = api_key(demo.college, ["absences"])
    lea = classe[0]
    d0, d1, d2 = _jours_libres(demo.lea, annee, 3)
    counted = dict(classee=True, motif_legitime=True)
    events = {
        "A": evenement("A", lea, d0, **counted),
        "A2": evenement("A2", lea, d0, **counted),  # the same half-day: counted once
        "B": evenement("B", lea, d1, classee=True),  # no motif légitime
        "C": evenement("C", lea, d1, "apres_midi", motif_legitime=True),  # not classée
        "D": evenement("D", lea, d2, etat="signalee", **counted),  # not constatée
    }

    def push(*changed: dict) -> None:
        response = client.put(URL, json={"evenements": list(changed)}, headers=bearer(key))
        assert response.status_code == 200, response.text

    before = total()
    push(*events.values())
    assert total() == before + 1
    push({**events["B"], "motif_legitime": True})
    assert total() == before + 2
    push({**events["A"], "supprime": True})
    assert total() == before + 2
    push({**events["A2"], "supprime": True})
    assert total() == before + 1


# --- queries -----------------------------------------------------------------------------------------




def test_the_number_of_queries_does_not_grow_with_the_events(client, api_key, demo, annee, classe, queries):
    key = api_key(demo.college, ["absences"])
    client.get("/api/v1/etablissement", headers=bearer(key))  # the key's first use is noted once
    jours = annee.jours_passes()

    def body(count: int, prefix: str, **champs: Any) -> dict:
        return {"evenements": [evenement(f"{prefix}{i}", classe[i % len(classe)], jours[i // len(classe)], **champs)
                               for i in range(count)]}

    def count(sent: dict, expected: dict) -> int:
        queries.clear()
        response = client.put(URL, json=sent, headers=bearer(key))
        assert response.json() == expected
        return len(queries)

    for size, prefix in ((2, "petit-"), (60, "grand-")):
        created = count(body(size, prefix), bilan(crees=size))
        updated = count(body(size, prefix, motif="Maladie"), bilan(modifies=size))
        unchanged = count(body(size, prefix, motif="Maladie"), bilan(inchanges=size))
        withdrawn = count(body(size, prefix, supprime=True), bilan(supprimes=size))
        if size == 2:
            few = (created, updated, unchanged, withdrawn)
    assert (created, updated, unchanged, withdrawn) == few


def test_a_push_of_thousands_of_events_is_written_in_batches(client, api_key, demo, annee, classe):
    key = api_key(demo.college, ["absences"])
    jours = annee.jours_passes()
    body = {"evenements": [evenement(f"lot-{i}", classe[i % len(classe)], jours[i // len(classe) % len(jours)])
                           for i in range(2500)]}
    assert client.put(URL, json=body, headers=bearer(key)).json() == bilan(crees=2500)
    assert len(rows_of(demo.college)) == 2500
    changed = copy.deepcopy(body)
    for event in changed["evenements"][:1500]:
        event["classee"] = True
    assert client.put(URL, json=changed, headers=bearer(key)).json() == bilan(modifies=1500, inchanges=1000)
    assert sum(row["classee"] for row in rows_of(demo.college).values()) == 1500


def test_the_endpoint_is_documented(client):
    schema = client.get("/api/schema/openapi.json").json()
    operation = schema["paths"][URL]["put"]
    assert operation["summary"] == "Envoie des événements d'absence"
    assert "ne change rien" in operation["description"]
    body = operation["requestBody"]["content"]["application/json"]
    assert body["schema"]["allOf"] == [{"$ref": "#/components/schemas/EnvoiEvenements"}]
    assert body["schema"]["examples"][0]["evenements"][0]["reference"] == "VS-2026-00871"
    fields = schema["components"]["schemas"]["EvenementEnvoye"]["properties"]
    assert "ELEVE_ID" in fields["eleve_id"]["description"] and "dimanche" in fields["date"]["description"]
    assert fields["demi_journee"]["enum"] == list(DEMI_JOURNEES) and fields["etat"]["enum"] == list(ETATS)
    assert "400" in operation["responses"] and "422" in operation["responses"]
    assert operation["responses"]["422"]["content"]["application/json"].get("examples")
    assert operation["security"] == [{"cle_api": []}]


def test_the_families_learn_of_the_half_days_a_push_makes_count(
        client, api_key, demo, annee, classe, publication, notifications):
    """As when the vie scolaire saves the day: only what counts (constatée, classée, motif
    légitime), once, and only once the publication is authorised (the fixture)."""
    key = api_key(demo.college, ["absences"])
    jour = annee.jours_passes()[5]
    lea = classe[0]
    signalee = {"evenements": [evenement("N1", lea, jour, etat="signalee")]}
    assert client.put(URL, json=signalee, headers=bearer(key)).status_code == 200
    assert notifications.rows() == []  # reported by the family: it does not count
    comptee = {"evenements": [evenement("N1", lea, jour, classee=True, motif_legitime=True)]}
    assert client.put(URL, json=comptee, headers=bearer(key)).status_code == 200
    assert notifications.recipients(eleve=demo.lea) == {"demo.parent", "demo.parent2", "demo.eleve"}
    assert {row["type"] for row in notifications.rows()} == {"absences.comptees"}
    assert f"{jour:%d/%m/%Y} (matin)" in notifications.rows()[0]["titre"]
    count = len(notifications.rows())
    client.put(URL, json=comptee, headers=bearer(key))  # the same push again
    changed = {"evenements": [evenement("N1", lea, jour, classee=True, motif_legitime=True, motif="Maladie")]}
    client.put(URL, json=changed, headers=bearer(key))  # still counted: nothing new to tell
    assert len(notifications.rows()) == count
