"""The lycée's « Élèves affectés » (issue 9): who may see and change it, adding a pupil of
another establishment by INE or SIECLE number with every refusal next to its field, importing a
CSV file (its encodings, its refused lines, its size, a constant number of queries), removing an
affectation the family has not confirmed, and CSRF. Every row made is deleted after its test."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator

import pytest

from admin_support import journal_cleaned, other, post_with_csrf  # noqa: F401
from teleservices.core.tables import Eleve
from teleservices.core.testing import csrf_from, last_id, run
from teleservices.plugins.inscription import affectations
from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionDossier

PAGE = "/administration/inscription/affectations"
SECONDE, PREMIERE = "20010018110", "21110016110"  # MEFs of the demo lycée's classes (2NDE1, 1ERE2)


# The last affectation before the test: the demo's own are left alone and out of the comparisons.
AVANT = {"id": 0}


@pytest.fixture(autouse=True)
def affectations_deleted() -> Iterator[None]:
    """The affectations made during the test are deleted after it (their dossiers cascade)."""
    AVANT["id"] = last_id(InscriptionAffectation)
    yield
    run(InscriptionAffectation.delete().where(InscriptionAffectation.id > AVANT["id"]))


def eleve(eleve_id: int) -> dict[str, Any]:
    return run(Eleve.select(Eleve.id, Eleve.eleve_id, Eleve.ine, Eleve.nom_de_famille, Eleve.prenom).where(
        Eleve.id == eleve_id).first())


def collegiens(demo, n: int) -> list[dict[str, Any]]:
    """``n`` pupils of the collège besides Léa, who have not left, with no affectation yet (the demo
    may assign some)."""
    pris = {row["eleve_id"] for row in run(InscriptionAffectation.select(InscriptionAffectation.eleve_id))}
    rows = run(Eleve.select(Eleve.id, Eleve.eleve_id, Eleve.ine, Eleve.nom_de_famille, Eleve.prenom).where(
        (Eleve.etablissement == demo.college) & Eleve.date_sortie.is_null()).order_by(Eleve.id))
    libres = [row for row in rows if row["id"] not in pris | {demo.lea} and row["ine"]]
    assert len(libres) >= n
    return libres[:n]


def de_ce_lycee(lycee_id: int) -> dict[int, str]:
    """The lycée's affectations made during the test: pupil id -> MEF."""
    rows = run(InscriptionAffectation.select().where(
        (InscriptionAffectation.lycee_id == lycee_id) & (InscriptionAffectation.id > AVANT["id"])))
    return {row["eleve_id"]: row["code_mef"] for row in rows}


def affecter(lycee_id: int, eleve_id: int, code_mef: str = SECONDE) -> int:
    [row] = run(InscriptionAffectation.insert(InscriptionAffectation(
        lycee_id=lycee_id, eleve_id=eleve_id, code_mef=code_mef)).returning(InscriptionAffectation.id))
    return row["id"]


def ajouter(client, numero: str, code_mef: str = SECONDE):
    token = csrf_from(client.get(PAGE).text)
    return client.post(PAGE, data={"_csrf": token, "numero": numero, "code_mef": code_mef}, follow_redirects=False)


def importer(client, contenu: bytes, nom: str = "affelnet.csv"):
    token = csrf_from(client.get(PAGE).text)
    return client.post(PAGE + "/import", data={"_csrf": token}, files={"fichier": (nom, contenu, "text/csv")},
                       follow_redirects=False)


def retirer(client, affectation_id: int):
    token = csrf_from(client.get(PAGE).text)
    return client.post(f"{PAGE}/{affectation_id}/retirer", data={"_csrf": token}, follow_redirects=False)


def erreur_du_champ(page: str, nom: str) -> str:
    match = re.search(rf'<span class="erreur-champ" id="erreur-{nom}">(.*?)</span>', page, re.S)
    assert match, f"no error next to {nom}"
    return match.group(1)


# Who may see and change it ------------------------------------------------------------------------


@pytest.mark.parametrize("identifiant", ["demo.parent", "demo.parent3e", "demo.eleve", "demo.prof", "demo.cpe"])
def test_families_pupils_teachers_and_the_cpe_are_refused(client_as, demo, identifiant):
    client = client_as(identifiant)
    assert client.get(PAGE).status_code in (403, 404)
    lea = eleve(demo.lea)
    token = csrf_from(client.get("/").text)
    posted = client.post(PAGE, data={"_csrf": token, "numero": lea["ine"], "code_mef": SECONDE}, follow_redirects=False)
    assert posted.status_code in (403, 404)
    assert demo.lea not in de_ce_lycee(demo.lycee)


def test_the_lycee_and_the_academy_administrator_see_the_page(client_as, text, demo, journal_cleaned):
    affecter(demo.lycee, demo.lea, PREMIERE)
    page = text(client_as("demo.lycee").get(PAGE))
    assert "<h1>L'inscription au lycée</h1>" in page
    assert '<a href="/administration/inscription/affectations" aria-current="page">' in page
    assert "DUPONT Léa" in page and "Ajouter un élève" in page and "Importer un fichier" in page
    admin = client_as("demo.academie")
    assert post_with_csrf(admin, "/administration/etablissements", {"etablissement": str(demo.lycee)},
                          page="/administration/etablissements").status_code == 303
    assert "DUPONT Léa" in text(admin.get(PAGE))
    # The collège's head works on the collège: no pupil is assigned to it.
    assert "DUPONT Léa" not in text(client_as("demo.chef").get(PAGE))


# The list -----------------------------------------------------------------------------------------


def test_the_list_names_each_pupil_their_origin_mef_and_status(client_as, text, demo, queries_of):
    client = client_as("demo.lycee")
    lea = eleve(demo.lea)
    en_cours = affecter(demo.lycee, demo.lea, PREMIERE)
    run(InscriptionDossier.insert(InscriptionDossier(affectation=en_cours, etapes=[1, 2])))
    [un] = queries_of(client, PAGE)
    autres = collegiens(demo, 3)
    valide = affecter(demo.lycee, autres[0]["id"])
    run(InscriptionDossier.insert(InscriptionDossier(affectation=valide, etapes=[1, 2, 3, 4],
                                                     confirme_le=dt.datetime.now(dt.timezone.utc))))
    for row in autres[1:]:
        affecter(demo.lycee, row["id"])
    page = text(client.get(PAGE))
    n = run(InscriptionAffectation.count().where(InscriptionAffectation.lycee_id == demo.lycee))
    assert f"{n} élèves affectés au lycée." in page
    ligne_lea = page.split("DUPONT Léa", 1)[1].split("</tr>", 1)[0]
    assert "née le 14/03/2013" in ligne_lea and f"INE {lea['ine']}" in ligne_lea
    assert "COLLEGE JEAN MOULIN (LILLE), classe 4G" in ligne_lea
    assert "1ERE2" in ligne_lea and "Inscription : <strong>en cours</strong>" in ligne_lea and "Retirer" in ligne_lea
    nom = f"{autres[0]['nom_de_famille']} {autres[0]['prenom']}"
    ligne_valide = page.split(nom, 1)[1].split("</tr>", 1)[0]
    assert "<strong>validée</strong>" in ligne_valide and "ne peut plus être retirée" in ligne_valide
    assert "<strong>non commencée</strong>" in page
    # Three queries for the list, its pupils and the MEFs: as many for four pupils as for one.
    assert queries_of(client, PAGE) == [un]


# « Ajouter un élève » -----------------------------------------------------------------------------


def test_a_pupil_is_added_by_ine_then_another_by_siecle_number(client_as, text, demo, journal_cleaned):
    client = client_as("demo.lycee")
    lea, autre = eleve(demo.lea), collegiens(demo, 1)[0]
    ajoute = ajouter(client, f"{lea['ine'][:4]} {lea['ine'][4:].lower()}", PREMIERE)  # as typed from a paper
    assert ajoute.status_code == 303 and "ok=ajout" in ajoute.headers["location"]
    assert de_ce_lycee(demo.lycee)[demo.lea] == PREMIERE
    page = text(client.get(ajoute.headers["location"]))
    assert '<p class="confirmation" role="status">DUPONT Léa est affectée au lycée en 1ERE2.</p>' in page
    ajoute = ajouter(client, f" {autre['eleve_id']} ")
    assert ajoute.status_code == 303 and de_ce_lycee(demo.lycee)[autre["id"]] == SECONDE
    assert f"{autre['nom_de_famille']} {autre['prenom']} est" in text(client.get(ajoute.headers["location"]))
    lines = [l for l in journal_cleaned() if l["action"] == "inscription.affectation"]
    assert len(lines) == 2 and "DUPONT Léa" in lines[0]["detail"] and lea["ine"] in lines[0]["detail"]
    assert "COLLEGE JEAN MOULIN" in lines[0]["detail"] and "1ERE2 (21110016110)" in lines[0]["detail"]


def test_every_refusal_is_next_to_its_field_with_the_number_kept(client_as, text, demo, other):
    client = client_as("demo.lycee")
    lea, hugo = eleve(demo.lea), eleve(demo.hugo)
    refused = ajouter(client, "", "")
    page = text(refused)
    assert refused.status_code == 422 and "Le formulaire contient 2 erreurs" in page
    assert erreur_du_champ(page, "numero") == "Indiquez l'INE ou le numéro SIECLE de l'élève."
    assert "Choisissez la formation" in erreur_du_champ(page, "code_mef")
    for numero in ("0000000000Z", "99999999", "<b>1</b>"):
        refused = ajouter(client, numero)
        assert refused.status_code == 422
        assert erreur_du_champ(text(refused), "numero") == "Aucun élève ne correspond à ce numéro."
    assert 'value="&lt;b&gt;1&lt;/b&gt;"' in refused.text
    refused = ajouter(client, lea["ine"], "10210001110")  # the collège's 4e: not a MEF of the lycée
    assert refused.status_code == 422 and "parmi celles du lycée" in erreur_du_champ(text(refused), "code_mef")
    assert f'value="{lea["ine"]}"' in refused.text
    refused = ajouter(client, hugo["ine"])  # Hugo is a pupil of the lycée
    assert erreur_du_champ(text(refused), "numero") == "DUPONT Hugo est déjà élève du lycée."
    assert demo.lea not in de_ce_lycee(demo.lycee) and demo.hugo not in de_ce_lycee(demo.lycee)

    assert ajouter(client, lea["eleve_id"]).status_code == 303
    refused = ajouter(client, lea["ine"], PREMIERE)
    assert erreur_du_champ(text(refused), "numero") == "DUPONT Léa est déjà affectée au lycée."
    assert de_ce_lycee(demo.lycee)[demo.lea] == SECONDE

    autre = collegiens(demo, 1)[0]
    affecter(other.etablissement, autre["id"])
    refused = ajouter(client, autre["ine"])
    assert refused.status_code == 422
    assert "déjà affecté" in erreur_du_champ(text(refused), "numero")
    assert "au LYCEE ESSAI ARRAS (ARRAS) : ce lycée doit d'abord retirer son affectation." in text(refused)
    assert autre["id"] not in de_ce_lycee(demo.lycee)


# « Importer un fichier » --------------------------------------------------------------------------


def test_a_file_imports_its_good_lines_and_lists_the_refused_ones(client_as, text, demo, other, journal_cleaned):
    client = client_as("demo.lycee")
    lea, hugo = eleve(demo.lea), eleve(demo.hugo)
    a, b, c, d, e = collegiens(demo, 5)
    affecter(demo.lycee, d["id"], SECONDE)  # already here: moved to 1ERE2 by the file
    affecter(other.etablissement, e["id"])  # assigned to another lycée
    contenu = "\n".join([
        "ine;Eleve_Id;Code_MEF",
        f"{lea['ine']};;{SECONDE}",  # 2: by INE
        f";{a['eleve_id']};{PREMIERE}",  # 3: by SIECLE number
        f"{b['ine'].lower()};{b['eleve_id']};{SECONDE}",  # 4: both, agreeing
        "",  # an empty line is skipped
        f"0000000000Z;;{SECONDE}",  # 6: nobody
        f"{hugo['ine']};;{SECONDE}",  # 7: a pupil of the lycée
        f"{lea['ine']};;{SECONDE}",  # 8: twice in the file
        f"{c['ine']};;10210001110",  # 9: not a MEF of the lycée
        f"{c['ine']};;",  # 10: no MEF, and the lycée has three
        f"{d['ine']};;{PREMIERE}",  # 11: already here
        f"{e['ine']};;{SECONDE}",  # 12: another lycée's
        f";;{SECONDE}",  # 13: no number
        f"{a['ine']};{b['eleve_id']};{SECONDE}",  # 14: two different pupils
    ]).encode()
    response = importer(client, contenu)
    page = text(response)
    assert response.status_code == 200, page
    assert "Fichier « affelnet.csv » : 3 élèves affectés, 1 déjà présent, 8 lignes refusées." in page
    assert de_ce_lycee(demo.lycee) == {demo.lea: SECONDE, a["id"]: PREMIERE, b["id"]: SECONDE, d["id"]: PREMIERE}
    refus = dict(re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td></tr>", page))
    assert refus == {
        "6": "Aucun élève ne correspond à l'INE « 0000000000Z ».",
        "7": "DUPONT Hugo est déjà élève du lycée.",
        "8": "DUPONT Léa figure déjà ligne 2.",
        "9": f"{c['nom_de_famille']} {c['prenom']} : « 10210001110 » n'est pas une formation (MEF) du lycée.",
        "10": (f"{c['nom_de_famille']} {c['prenom']} : la formation (CODE_MEF) est vide et le lycée en propose "
               "plusieurs : indiquez laquelle."),
        "12": f"{e['nom_de_famille']} {e['prenom']} est déjà {affecte(e)} à un autre lycée.",
        "13": "Ni INE ni numéro SIECLE : l'élève n'est pas identifié.",
        "14": "L'INE et le numéro SIECLE ne désignent pas le même élève.",
    }
    assert "DUPONT Léa" in page.split("Élèves affectés au lycée</h2>", 1)[1]  # the list below shows them
    [line] = [l for l in journal_cleaned() if l["action"] == "inscription.affectation"]
    assert line["detail"] == ("Import du fichier « affelnet.csv » : 3 élèves affectés, 1 déjà présent, "
                              "8 lignes refusées (dont 1 formation modifiée).")
    # The same file again: everything is already there, nothing is written.
    page = text(importer(client, contenu))
    assert "0 élève affecté, 4 déjà présents, 8 lignes refusées." in page
    assert len([l for l in journal_cleaned() if l["action"] == "inscription.affectation"]) == 1


def affecte(row: dict[str, Any]) -> str:
    sexe = run(Eleve.select(Eleve.code_sexe).where(Eleve.id == row["id"]).first())["code_sexe"]
    return "affectée" if sexe == "2" else "affecté"


def test_windows_1252_with_commas_and_a_bom_in_utf_8_are_read(client_as, text, demo):
    client = client_as("demo.lycee")
    a, b = collegiens(demo, 2)
    windows = f"Numéro_SIECLE,MEF\r\n{a['eleve_id']},{SECONDE}\r\n{b['eleve_id']},2NDÉ\r\n".encode("cp1252")
    page = text(importer(client, windows, "résultats.csv"))
    assert "Fichier « résultats.csv » : 1 élève affecté, 0 déjà présent, 1 ligne refusée." in page
    assert "« 2NDÉ » n'est pas une formation (MEF) du lycée." in page
    assert de_ce_lycee(demo.lycee) == {a["id"]: SECONDE}
    bom = f"\ufeffID_NATIONAL;CODE_MEF\n{b['ine']};{PREMIERE}\n".encode()
    assert "1 élève affecté, 0 déjà présent, 0 ligne refusée." in text(importer(client, bom))
    assert de_ce_lycee(demo.lycee)[b["id"]] == PREMIERE


def test_an_empty_oversized_or_headerless_file_is_refused(client_as, text, demo):
    client = client_as("demo.lycee")
    lea = eleve(demo.lea)
    for contenu, message in (
        (b"", "Le fichier est vide : rien n'a été importé."),
        (b" \n;\n", "Le fichier est vide : rien n'a été importé."),
        (b"INE;CODE_MEF\n", "Le fichier ne contient que sa ligne d'en-tête"),
        (f"NOM;PRENOM\nDUPONT;Léa\n{lea['ine']};{SECONDE}\n".encode(),
         "La première ligne du fichier doit nommer ses colonnes"),
        (b"INE\n" + b"0000000000Z\n" * 3001, "Le fichier compte plus de 3000 élèves : découpez-le."),
        (f"INE;CODE_MEF\n{lea['ine']};{SECONDE}\n".encode() + b" " * (2 * 1024 * 1024), "Le fichier dépasse 2 Mo"),
    ):
        response = importer(client, contenu)
        assert response.status_code == 422, message
        assert message in erreur_du_champ(text(response), "fichier")
        assert "Le fichier n'a pas été importé" in text(response)
    # A request far bigger than the limit is refused before it is read.
    enorme = importer(client, f"INE;CODE_MEF\n{lea['ine']};{SECONDE}\n".encode() + b" " * (4 * 1024 * 1024))
    assert enorme.status_code == 413 and "Le fichier envoyé est trop volumineux." in text(enorme)
    assert demo.lea not in de_ce_lycee(demo.lycee)
    response = client.post(PAGE + "/import", data={"_csrf": csrf_from(client.get(PAGE).text)}, follow_redirects=False)
    assert response.status_code == 422 and "Choisissez un fichier CSV." in text(response)


def test_an_import_takes_as_many_queries_for_one_line_as_for_many(client_as, text, demo, queries):
    client = client_as("demo.lycee")
    p = collegiens(demo, 8)
    for deja in p[:3]:
        affecter(demo.lycee, deja["id"], SECONDE)
    token = csrf_from(client.get(PAGE).text)

    def count(*lignes: str) -> int:
        contenu = "\n".join(["INE;CODE_MEF", *lignes]).encode()
        queries.clear()
        response = client.post(PAGE + "/import", data={"_csrf": token},
                               files={"fichier": ("a.csv", contenu, "text/csv")})
        assert response.status_code == 200 and "élève" in text(response)
        return len(queries)

    # Each file: pupils to assign, one already here to move to another MEF, refused lines.
    one = count(f"{p[3]['ine']};{SECONDE}", f"{p[0]['ine']};{PREMIERE}", "0000000000Z;")
    many = count(*(f"{row['ine']};{PREMIERE}" for row in p[4:]), f"{p[1]['ine']};{PREMIERE}",
                 f"{p[2]['ine']};{PREMIERE}", f"{p[0]['ine']};{SECONDE}", "0000000000Z;", f"{p[3]['ine']};X", ";;")
    assert one == many
    assert de_ce_lycee(demo.lycee) == {p[0]["id"]: SECONDE, p[3]["id"]: SECONDE,
                                       **{row["id"]: PREMIERE for row in (p[1], p[2], *p[4:])}}


# Removing an affectation --------------------------------------------------------------------------


def test_an_affectation_not_confirmed_is_removed_with_its_dossier(client_as, text, demo, journal_cleaned):
    client = client_as("demo.lycee")
    affectation = affecter(demo.lycee, demo.lea)
    run(InscriptionDossier.insert(InscriptionDossier(affectation=affectation, etapes=[1])))
    removed = retirer(client, affectation)
    assert removed.status_code == 303 and "ok=retrait" in removed.headers["location"]
    assert '<p class="confirmation" role="status">L\'affectation de DUPONT Léa est retirée.</p>' in text(
        client.get(removed.headers["location"]))
    assert demo.lea not in de_ce_lycee(demo.lycee)
    assert not run(InscriptionDossier.select().where(InscriptionDossier.affectation == affectation))
    [line] = [l for l in journal_cleaned() if l["action"] == "inscription.affectation"]
    assert line["detail"] == f"Affectation retirée : DUPONT Léa (COLLEGE JEAN MOULIN, 4G), en {SECONDE}."


def test_a_confirmed_enrolment_or_another_lycees_affectation_is_not_removed(client_as, text, demo, other):
    client = client_as("demo.lycee")
    confirmee = affecter(demo.lycee, demo.lea)
    run(InscriptionDossier.insert(InscriptionDossier(affectation=confirmee, etapes=[1, 2, 3, 4],
                                                     confirme_le=dt.datetime.now(dt.timezone.utc))))
    refused = retirer(client, confirmee)
    assert refused.status_code == 409
    assert "La famille de DUPONT Léa a déjà confirmé l'inscription au lycée" in text(refused)
    assert demo.lea in de_ce_lycee(demo.lycee)
    ailleurs = affecter(other.etablissement, collegiens(demo, 1)[0]["id"])
    assert retirer(client, ailleurs).status_code == 404
    assert retirer(client, ailleurs + 1000).status_code == 404
    assert run(InscriptionAffectation.select().where(InscriptionAffectation.id == ailleurs))


def test_without_its_csrf_token_nothing_is_written(client_as, demo):
    client = client_as("demo.lycee")
    lea = eleve(demo.lea)
    refused = client.post(PAGE, data={"numero": lea["ine"], "code_mef": SECONDE}, follow_redirects=False)
    assert refused.status_code == 403
    contenu = f"INE;CODE_MEF\n{lea['ine']};{SECONDE}\n".encode()
    assert client.post(PAGE + "/import", files={"fichier": ("a.csv", contenu, "text/csv")},
                       follow_redirects=False).status_code == 403
    assert demo.lea not in de_ce_lycee(demo.lycee)
    affectation = affecter(demo.lycee, demo.lea)
    assert client.post(f"{PAGE}/{affectation}/retirer", follow_redirects=False).status_code == 403
    assert demo.lea in de_ce_lycee(demo.lycee)


# The file's reading, without the database ---------------------------------------------------------


def test_a_lycee_with_a_single_mef_takes_it_for_an_empty_one():
    fichier = affectations.lire_fichier("INE;CODE_MEF\n000000001AB;\n".encode())
    eleve_ = {"id": 7, "eleve_id": "7", "ine": "000000001AB", "nom_de_famille": "A", "prenom": "B",
              "code_sexe": "1", "etablissement_id": 1}
    index = affectations.Index([eleve_])
    assert affectations.trier(fichier, index, {}, 2, [SECONDE]).nouvelles == [(eleve_, SECONDE)]
    bilan = affectations.trier(fichier, index, {}, 2, [SECONDE, PREMIERE])
    assert not bilan.nouvelles and bilan.refus[0].numero == 2
    # Already here: an empty MEF keeps theirs.
    bilan = affectations.trier(fichier, index, {7: {"id": 3, "lycee_id": 2, "code_mef": PREMIERE}}, 2, [SECONDE])
    assert bilan.presentes == 1 and not bilan.modifiees and not bilan.nouvelles
    # A lycée whose classes have no MEF yet cannot assign anyone.
    saisie = affectations.lire_saisie({"numero": "000000001AB", "code_mef": ""}, [])
    assert list(saisie.erreurs) == ["code_mef"] and "importez d'abord ses structures" in saisie.erreurs["code_mef"]
