"""The lycée's « Suivi des inscriptions » (issue 9): who may see it, the counts per status, the
pupils grouped by collège of origin with their status and their wishes in words, the filters, the
CSV export (BOM, columns, formulas neutralised, audit line), re-opening a confirmed enrolment
(state, audit line, mail to the account that confirmed it) and its refusals (another lycée's
affectation, an enrolment not confirmed, a closed campaign), CSRF, and a constant number of
queries."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import pytest

from teleservices.core.api import pupils_by_id, pupils_of_establishment, school_time, today
from teleservices.core.tables import Compte, Courriel, Eleve, Etablissement, Journal
from teleservices.core.testing import csrf_from, last_id, run
from teleservices.plugins.inscription import suivi
from teleservices.plugins.inscription.tables import (
    InscriptionAffectation, InscriptionCampagne, InscriptionDossier, InscriptionOffre,
)

PAGE = "/administration/inscription/suivi"
EXPORT = "/administration/inscription/suivi.csv"
MEF = "20010099110"  # a MEF of the tests only: its offer is theirs
ESSAI_UAI, AUTRE_LYCEE_UAI = "0599971S", "0599972T"
HOSTILE_NOM, HOSTILE_PRENOM = '=HYPERLINK("http://exemple.invalid";"clic")', "+Zoé"
HELENE = "helene.bertin@example.org"  # demo.parent3e's address
SUJET = "Message des services en ligne - Inscription au lycée : inscription rouverte par le lycée"
CONFIRMEE = dt.datetime(2027, 6, 28, 8, 15, tzinfo=dt.timezone.utc)
OFFRE = [("lv1", "AGL1", "Anglais"), ("lv2", "ALL2", "Allemand"), ("lv2", "ESP2", "Espagnol"),
         ("option", "LATIN", "Langues et cultures de l'Antiquité : latin")]


@dataclass
class Suivi:
    """The test's affectations by letter (A not started, B in progress, C and D validated, E of
    another lycée), their pupils, and the marks to read what the test wrote."""

    lycee: int
    college: int  # the demo collège
    essai: int  # the test's collège, with a hostile name
    autre_lycee: int
    affectations: dict[str, int] = field(default_factory=dict)
    eleves: dict[str, dict[str, Any]] = field(default_factory=dict)
    marks: dict[str, int] = field(default_factory=dict)

    def dossier(self, lettre: str) -> dict[str, Any] | None:
        return run(InscriptionDossier.select().where(
            InscriptionDossier.affectation == self.affectations[lettre]).first())

    def nom(self, lettre: str) -> str:
        p = self.eleves[lettre]
        return f"{p['nom_de_famille']} {p['prenom']}"

    def journal(self) -> list[dict[str, Any]]:
        return run(Journal.select(Journal.action, Journal.detail, Journal.identifiant).where(
            (Journal.id > self.marks["journal"]) & Journal.action.like("inscription.%")).order_by(Journal.id))

    def mails(self) -> list[dict[str, Any]]:
        return run(Courriel.select(Courriel.destinataire, Courriel.sujet, Courriel.corps).where(
            Courriel.id > self.marks["courriel"]).order_by(Courriel.id))

    def campagne(self, ouverture: dt.date, fermeture: dt.date) -> None:
        run(InscriptionCampagne.update({InscriptionCampagne.ouverture: ouverture,
                                        InscriptionCampagne.fermeture: fermeture}).where(
            InscriptionCampagne.etablissement_id == self.lycee))


async def _drop_establishments() -> None:
    ids = [r["id"] for r in await Etablissement.select(Etablissement.id).where(
        Etablissement.uai.is_in([ESSAI_UAI, AUTRE_LYCEE_UAI]))]
    if ids:
        await Eleve.delete().where(Eleve.etablissement.is_in(ids))
        await Etablissement.delete().where(Etablissement.id.is_in(ids))


async def _affecter(lycee: int, eleve: int, dossier: dict[str, Any] | None) -> int:
    [row] = await InscriptionAffectation.insert(InscriptionAffectation(
        lycee_id=lycee, eleve_id=eleve, code_mef=MEF)).returning(InscriptionAffectation.id)
    if dossier is not None:
        await InscriptionDossier.insert(InscriptionDossier(affectation=row["id"], **dossier))
    return row["id"]


@pytest.fixture
def donnees(demo) -> Iterator[Suivi]:
    """Five affectations and their enrolments, the test collège with a hostile pupil's name,
    another lycée, the offer of the test MEF and an open campaign; all put back after."""
    marks = {"affectation": last_id(InscriptionAffectation), "journal": last_id(Journal),
             "courriel": last_id(Courriel)}
    campagne_avant = run(InscriptionCampagne.select().where(InscriptionCampagne.etablissement_id == demo.lycee))
    run(_drop_establishments())
    [essai] = run(Etablissement.insert(Etablissement(
        uai=ESSAI_UAI, type="college", nom="COLLEGE ESSAI SUIVI", commune="LENS", academie="LILLE",
    )).returning(Etablissement.id))
    [autre] = run(Etablissement.insert(Etablissement(
        uai=AUTRE_LYCEE_UAI, type="lycee", nom="LYCEE ESSAI AUTRE", commune="DOUAI", academie="LILLE",
    )).returning(Etablissement.id))
    [hostile] = run(Eleve.insert(Eleve(
        eleve_id="SUIVI-ESSAI-1", ine="", etablissement=essai["id"], nom_de_famille=HOSTILE_NOM,
        prenom=HOSTILE_PRENOM, code_sexe="2", date_naiss=dt.date(2012, 3, 14),
    )).returning(Eleve.id))
    deja = {r["eleve_id"] for r in run(InscriptionAffectation.select(InscriptionAffectation.eleve_id))}
    libres = [p["id"] for p in run(pupils_of_establishment(demo.college)) if p["id"] not in deja][:4]
    compte = run(Compte.select(Compte.id).where(Compte.identifiant == "demo.parent3e").first())["id"]
    made = Suivi(demo.lycee, demo.college, essai["id"], autre["id"], marks=marks)
    if campagne_avant:
        made.campagne(today() - dt.timedelta(days=5), today() + dt.timedelta(days=20))
    else:
        run(InscriptionCampagne.insert(InscriptionCampagne(
            etablissement_id=demo.lycee, rentree=today().year, ouverture=today() - dt.timedelta(days=5),
            fermeture=today() + dt.timedelta(days=20))))
    run(InscriptionOffre.insert(*[InscriptionOffre(etablissement_id=demo.lycee, code_mef=MEF, categorie=c,
                                                   code=code, libelle=libelle) for c, code, libelle in OFFRE]))
    confirme = {"etapes": [1, 2, 3, 4], "confirme_le": CONFIRMEE}
    dossiers = {
        "A": (demo.lycee, libres[0], None),
        "B": (demo.lycee, libres[1], {"etapes": [1, 2], "lv1": "AGL1", "lv2": "ESP2"}),
        "C": (demo.lycee, libres[2], {**confirme, "lv1": "AGL1", "lv2": "ALL2", "options": ["LATIN", "XYZ"],
                                      "compte_id": compte}),
        "D": (demo.lycee, hostile["id"], {**confirme, "lv1": "AGL1", "compte_id": None}),
        "E": (autre["id"], libres[3], {**confirme, "lv1": "AGL1", "compte_id": compte}),
    }
    for lettre, (lycee, eleve, dossier) in dossiers.items():
        made.affectations[lettre] = run(_affecter(lycee, eleve, dossier))
    pupils = run(pupils_by_id([eleve for _, eleve, _ in dossiers.values()]))
    made.eleves = {lettre: pupils[eleve] for lettre, (_, eleve, _) in dossiers.items()}
    yield made
    ids = [r["id"] for r in run(InscriptionAffectation.select(InscriptionAffectation.id).where(
        InscriptionAffectation.id > marks["affectation"]))]
    if ids:
        run(InscriptionDossier.delete().where(InscriptionDossier.affectation.is_in(ids)))
        run(InscriptionAffectation.delete().where(InscriptionAffectation.id.is_in(ids)))
    run(InscriptionOffre.delete().where((InscriptionOffre.etablissement_id == demo.lycee)
                                        & (InscriptionOffre.code_mef == MEF)))
    if campagne_avant:
        made.campagne(campagne_avant[0]["ouverture"], campagne_avant[0]["fermeture"])
    else:
        run(InscriptionCampagne.delete().where(InscriptionCampagne.etablissement_id == demo.lycee))
    run(Journal.delete().where(Journal.id > marks["journal"]))
    run(Courriel.delete().where(Courriel.id > marks["courriel"]))
    run(_drop_establishments())


# --- helpers ---------------------------------------------------------------------------------------------


def texte(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def ligne(page: str, affectation_id: int) -> str | None:
    """The text of a pupil's row, or None when the page does not show it."""
    match = re.search(rf'<tr id="affectation-{affectation_id}"[^>]*>(.*?)</tr>', page, re.S)
    return texte(match.group(1)) if match else None


def groupes(page: str) -> list[str]:
    """The headings of the collèges of origin, in order."""
    return [texte(h) for h in re.findall(r'<h3 id="groupe-[^"]*">(.*?)</h3>', page, re.S)]


def comptes(page: str) -> dict[str, int]:
    return {cle: int(n) for cle, n in re.findall(r'<td id="compte-([a-z_]+)">(\d+)</td>', page)}


def lire_csv(response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


def rouvrir(client, affectation_id: int, **fields: str):
    token = csrf_from(client.get(PAGE).text)
    return client.post(f"{PAGE}/{affectation_id}/rouvrir", data={"_csrf": token, **fields}, follow_redirects=False)


def etapes(dossier: dict[str, Any]) -> list[int]:
    """A dossier's steps done (the JSON column is read as text)."""
    value = dossier["etapes"]
    return json.loads(value) if isinstance(value, str) else value


def a_la_lycee(local: dt.datetime) -> str:
    return school_time(local).strftime("%d/%m/%Y à %H:%M")


# --- who may use the page --------------------------------------------------------------------------------


@pytest.mark.parametrize("identifiant", ["demo.parent", "demo.parent3e", "demo.eleve", "demo.prof", "demo.cpe"])
def test_families_teachers_and_the_vie_scolaire_are_refused(client_as, donnees, identifiant):
    other = client_as(identifiant)
    for path in (PAGE, EXPORT):
        assert other.get(path, follow_redirects=False).status_code in (403, 404), path
    token = csrf_from(other.get("/compte").text)
    refused = other.post(f"{PAGE}/{donnees.affectations['C']}/rouvrir", data={"_csrf": token},
                         follow_redirects=False)
    assert refused.status_code in (403, 404)
    assert donnees.dossier("C")["confirme_le"] is not None and donnees.journal() == []


def test_the_college_secretariat_sees_none_of_the_lycees_pupils_and_cannot_reopen(client_as, text, donnees):
    college = client_as("demo.secretariat")
    page = text(college.get(PAGE))
    assert all(ligne(page, a) is None for a in donnees.affectations.values())
    assert rouvrir(college, donnees.affectations["C"]).status_code == 404
    assert donnees.dossier("C")["confirme_le"] is not None and donnees.mails() == []


# --- the page --------------------------------------------------------------------------------------------


def test_the_pupils_are_grouped_by_college_with_their_status_and_wishes_in_words(client_as, text, donnees, demo):
    response = client_as("demo.lycee").get(PAGE)
    assert response.status_code == 200
    page = text(response)
    assert "<h1>L'inscription au lycée</h1>" in page
    assert '<a href="/administration/inscription/suivi" aria-current="page">' in page
    assert 'href="/static/inscription/suivi.css?v=' in page
    noms = groupes(page)
    essai = next(i for i, g in enumerate(noms) if g.startswith("COLLEGE ESSAI SUIVI – LENS"))
    moulin = next(i for i, g in enumerate(noms) if g.startswith("COLLEGE JEAN MOULIN"))
    assert essai < moulin and noms[essai].endswith("(1 élève)")
    section = page[page.index('id="groupe-%d"' % demo.college):]
    section = section[:section.index("</section>")]
    for lettre in "ABC":  # the demo collège's pupils in its table, the test collège's not
        assert f'id="affectation-{donnees.affectations[lettre]}"' in section
    assert f'id="affectation-{donnees.affectations["D"]}"' not in section
    a, b, c, d = (ligne(page, donnees.affectations[l]) for l in "ABCD")
    assert a.startswith(donnees.nom("A")) and "Non commencée" in a and "aucun souhait saisi" in a
    assert donnees.eleves["A"]["division"] and donnees.eleves["A"]["division"] in a
    assert "En cours étape : Données administratives" in b and "LV1 : Anglais LV2 : Espagnol" in b
    assert f"Validée le {a_la_lycee(CONFIRMEE)}" in c
    assert "LV1 : Anglais LV2 : Allemand Options : Langues et cultures de l'Antiquité : latin, XYZ" in c
    assert "Rouvrir l'inscription de" in c and "Rouvrir" not in b and "rouverte" not in c
    assert d.startswith(f"{HOSTILE_NOM} {HOSTILE_PRENOM}") and "Validée" in d
    assert ligne(page, donnees.affectations["E"]) is None  # another lycée's pupil
    assert HOSTILE_NOM not in response.text  # escaped in the HTML


def test_the_counts_add_up_over_every_assigned_pupil(client_as, text, donnees, demo):
    page = text(client_as("demo.lycee").get(PAGE + "?statut=en_cours"))  # the counts ignore the filters
    lignes = run(suivi.lignes_du_lycee(demo.lycee))
    mine = set(donnees.affectations.values())
    avant = {cle: sum(1 for l in lignes if l.statut == cle and l.affectation_id not in mine) for cle in suivi.STATUTS}
    assert comptes(page) == {"non_commencee": avant["non_commencee"] + 1, "en_cours": avant["en_cours"] + 1,
                             "validee": avant["validee"] + 2, "total": sum(avant.values()) + 4}


def test_the_filters_by_status_and_by_college(client_as, text, donnees, demo):
    lycee = client_as("demo.lycee")

    def shown(page: str) -> set[str]:
        return {lettre for lettre, a in donnees.affectations.items() if ligne(page, a) is not None}

    page = text(lycee.get(PAGE + "?statut=validee"))
    assert shown(page) == {"C", "D"} and '<option value="validee" selected>' in page
    page = text(lycee.get(PAGE + f"?statut=&college={demo.college}"))
    assert shown(page) == {"A", "B", "C"} and f'<option value="{demo.college}" selected>' in page
    assert f'href="{EXPORT}?college={demo.college}"' in page  # the export keeps the filters
    page = text(lycee.get(PAGE + f"?statut=en_cours&college={donnees.essai}"))
    assert shown(page) == set() and "Aucun élève ne correspond à ces critères." in page
    refused = lycee.get(PAGE + f"?statut=perdu&college={donnees.autre_lycee}")
    page = text(refused)
    assert refused.status_code == 400 and shown(page) == set()
    assert 'id="erreur-statut"' in page and 'id="erreur-college"' in page
    assert '<form method="get" action="/administration/inscription/suivi"' in page  # works without JavaScript


def test_the_page_costs_the_same_queries_whatever_the_number_of_pupils(client_as, donnees, demo, queries_of):
    lycee = client_as("demo.lycee")
    [avant] = queries_of(lycee, PAGE)
    deja = {r["eleve_id"] for r in run(InscriptionAffectation.select(InscriptionAffectation.eleve_id))}
    libres = [p["id"] for p in run(pupils_of_establishment(demo.college)) if p["id"] not in deja]
    for eleve in libres[:3]:
        run(_affecter(demo.lycee, eleve, {"etapes": [1], "lv1": "AGL1"}))
    [apres] = queries_of(lycee, PAGE)
    assert apres == avant


# --- the export ------------------------------------------------------------------------------------------


def test_the_csv_export_of_the_wishes(client_as, donnees, demo):
    response = client_as("demo.lycee").get(EXPORT)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert f'filename="inscriptions-0599902L-{today():%Y%m%d}.csv"' in response.headers["content-disposition"]
    rows = lire_csv(response)
    assert rows[0] == list(suivi.CSV_COLONNES)
    par_id = {row[3]: row for row in rows[1:]}
    c, d = donnees.eleves["C"], donnees.eleves["D"]
    assert par_id[c["eleve_id"]] == [
        "0599901K", "COLLEGE JEAN MOULIN", c["ine"], c["eleve_id"], c["nom_de_famille"], c["prenom"],
        dt.date.fromisoformat(str(c["date_naiss"])[:10]).strftime("%d/%m/%Y"), c["division"], MEF, "validée",
        "AGL1", "ALL2", "LATIN, XYZ", school_time(CONFIRMEE).strftime("%d/%m/%Y %H:%M")]
    hostile = par_id["SUIVI-ESSAI-1"]
    assert hostile[:2] == [ESSAI_UAI, "COLLEGE ESSAI SUIVI"]
    assert hostile[4:7] == ["'" + HOSTILE_NOM, "'" + HOSTILE_PRENOM, "14/03/2012"]  # no formula runs
    assert par_id[donnees.eleves["B"]["eleve_id"]][9:13] == ["en cours", "AGL1", "ESP2", ""]
    assert par_id[donnees.eleves["A"]["eleve_id"]][9:] == ["non commencée", "", "", "", ""]
    assert donnees.eleves["E"]["eleve_id"] not in par_id  # another lycée's pupil
    assert all(cell[:1] not in ("=", "+", "-", "@") for row in rows for cell in row)
    [line] = donnees.journal()
    assert line["action"] == "inscription.export" and line["identifiant"] == "demo.lycee"
    assert f": {len(rows) - 1} ligne(s)." in line["detail"]


def test_the_export_honours_the_filters(client_as, donnees, demo):
    lycee = client_as("demo.lycee")
    rows = lire_csv(lycee.get(EXPORT + f"?statut=validee&college={donnees.essai}"))
    assert [row[3] for row in rows[1:]] == ["SUIVI-ESSAI-1"]
    [line] = donnees.journal()
    assert "inscriptions validées, COLLEGE ESSAI SUIVI (LENS) : 1 ligne(s)." in line["detail"]
    refused = lycee.get(EXPORT + "?statut=perdu")
    assert refused.status_code == 400 and "text/html" in refused.headers["content-type"]
    assert len(donnees.journal()) == 1


# --- re-opening ------------------------------------------------------------------------------------------


def test_reopening_a_confirmed_enrolment(client_as, text, donnees, demo):
    lycee = client_as("demo.lycee")
    response = rouvrir(lycee, donnees.affectations["C"], statut="validee")
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith(PAGE + "?statut=validee&ok=rouverte&affectation=")
    dossier = donnees.dossier("C")
    assert etapes(dossier) == [1, 2, 3]
    assert dossier["confirme_le"] is None and dossier["rouvert"] is True
    assert (dossier["lv1"], dossier["lv2"]) == ("AGL1", "ALL2")  # the wishes stay
    [line] = donnees.journal()
    assert line["action"] == "inscription.reouverture" and line["identifiant"] == "demo.lycee"
    assert donnees.nom("C") in line["detail"] and "COLLEGE JEAN MOULIN" in line["detail"]
    [mail] = donnees.mails()
    fermeture = (today() + dt.timedelta(days=20)).strftime("%d/%m/%Y")
    assert mail["destinataire"] == HELENE and mail["sujet"] == SUJET
    prenom_nom = f"{donnees.eleves['C']['prenom']} {donnees.eleves['C']['nom_de_famille']}"
    assert f"le LYCEE MARIE CURIE a rouvert l'inscription de {prenom_nom}" in mail["corps"]
    assert f"que vous aviez confirmée le {a_la_lycee(CONFIRMEE)}" in mail["corps"]
    assert f"confirmez-la à nouveau au plus tard le {fermeture}" in mail["corps"]
    page = text(lycee.get(location))
    assert f"L'inscription de {prenom_nom} est rouverte : un courriel demande à la famille" in page
    assert f"au plus tard le {fermeture}." in page
    assert ligne(page, donnees.affectations["C"]) is None  # no longer validated: the filter hides it
    c = ligne(text(lycee.get(PAGE)), donnees.affectations["C"])
    assert "En cours étape : Récapitulatif et confirmation rouverte par le lycée" in c and "Rouvrir" not in c
    again = rouvrir(lycee, donnees.affectations["C"])  # twice: refused, nothing more written
    assert again.status_code == 409 and "n'est pas confirmée : il n'y a rien à rouvrir" in text(again)
    assert len(donnees.journal()) == 1 and len(donnees.mails()) == 1


def test_reopening_for_an_account_without_an_address_says_no_mail_went(client_as, text, donnees):
    lycee = client_as("demo.lycee")
    response = rouvrir(lycee, donnees.affectations["D"])
    assert response.status_code == 303 and "ok=sans_courriel" in response.headers["location"]
    assert donnees.dossier("D")["confirme_le"] is None and donnees.mails() == []
    page = text(lycee.get(response.headers["location"]))
    assert "aucun courriel n'a été envoyé, prévenez la famille autrement" in page


def test_another_lycees_affectation_is_not_found_and_an_unconfirmed_one_is_refused(client_as, text, donnees):
    lycee = client_as("demo.lycee")
    assert rouvrir(lycee, donnees.affectations["E"]).status_code == 404
    assert donnees.dossier("E")["confirme_le"] is not None
    assert rouvrir(lycee, max(donnees.affectations.values()) + 1000).status_code == 404
    for lettre in "AB":
        refused = rouvrir(lycee, donnees.affectations[lettre])
        assert refused.status_code == 409
        assert "n'est pas confirmée : il n'y a rien à rouvrir" in text(refused)
    assert donnees.dossier("A") is None and etapes(donnees.dossier("B")) == [1, 2]
    assert donnees.journal() == [] and donnees.mails() == []


def test_a_closed_campaign_cannot_reopen(client_as, text, donnees):
    donnees.campagne(today() - dt.timedelta(days=30), today() - dt.timedelta(days=1))
    lycee = client_as("demo.lycee")
    page = text(lycee.get(PAGE))
    assert 'id="non-rouvrable"' in page and "Rouvrir" not in ligne(page, donnees.affectations["C"])
    refused = rouvrir(lycee, donnees.affectations["C"])
    assert refused.status_code == 409 and "Reportez d'abord le dernier jour de la campagne" in text(refused)
    assert donnees.dossier("C")["confirme_le"] is not None and donnees.journal() == [] and donnees.mails() == []


def test_without_its_csrf_token_nothing_is_reopened(client_as, donnees):
    response = client_as("demo.lycee").post(f"{PAGE}/{donnees.affectations['C']}/rouvrir", data={},
                                            follow_redirects=False)
    assert response.status_code == 403
    assert donnees.dossier("C")["confirme_le"] is not None and donnees.journal() == [] and donnees.mails() == []
