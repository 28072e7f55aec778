"""The SIECLE import into the database: samples, re-import, left pupils, guardians, refusals, zip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest

from siecle_support import MALFORMED, RESPONSABLES, drop_school, old_style, pupil, pupils_of_responsables_sample, sample
from teleservices.core import clock
from teleservices.core.api import UserType, Viewer
from teleservices.core.family import children_of
from teleservices.core.security import hash_password
from teleservices.core.siecle import synthetic
from teleservices.core.siecle.importer import import_files
from teleservices.core.tables import (
    Compte, CompteEleve, Division, Eleve, EleveGroupe, Enseignant, Enseignement, Etablissement, Matiere, Mef,
    Responsable, ResponsableEleve,
)
from teleservices.core.testing import run

UAI = "0599990X"


def imported(uai: str, files: dict[str, bytes], **options: Any):
    return run(import_files(uai, list(files.items()), create=True, **options))


@pytest.fixture
def school(portal_settings: Any):
    """A test establishment, deleted afterwards with the guardians and accounts the test made."""
    made: dict[str, list[str]] = {"uai": [UAI], "personnes": [], "comptes": []}
    yield made
    for uai in made["uai"]:
        run(drop_school(uai, made["personnes"], made["comptes"]))


def count(table, *where) -> int:
    query = table.count()
    for clause in where:
        query = query.where(clause)
    return run(query.run())


def etab_id(uai: str) -> int:
    return run(Etablissement.select(Etablissement.id).where(Etablissement.uai == uai).first().run())["id"]


def test_nomenclature_samples(school) -> None:
    school["uai"].append("0140070A")
    for name, mefs in (("dossiersco_nomenclature_simple.xml", 1), ("dossiersco_nomenclature_tout_niveau.xml", 4),
                       ("dossiersco_nomenclature_code_modalite_elec_double.xml", 1)):
        summary = imported("0140070A", {name: sample(name)})
        assert not summary.refuses, summary.fichiers[0].erreur
    where = Mef.etablissement == etab_id("0140070A")
    assert count(Mef, where) == 5  # 5EME is in two files, once in the database
    latin = run(Matiere.select().where(Matiere.code_matiere == "020300").first().run())
    assert (latin["code_gestion"], latin["libelle"]) == ("LCALA", "Langues et cultures de l'Antiquité LATIN")


def test_pupil_sample_creates_the_establishment_with_its_name(school) -> None:
    school["uai"].append("0660864F")
    name = "dossiersco_eleves_avec_adresse_avec_double_structure.xml"
    summary = imported("0660864F", {name: sample(name)})
    assert summary.etablissement_cree and not summary.refuses
    assert summary.fichiers[0].crees == {"classes et groupes": 2, "élèves": 1, "appartenances à un groupe": 1}
    etab = run(Etablissement.select().where(Etablissement.uai == "0660864F").first().run())
    assert (etab["nom"], etab["type"], etab["sigle"]) == ("COLLEGE FRANCOIS MITTERRAND", "college", "CLG")
    eleve = run(Eleve.select(Eleve.nom_de_famille, Eleve.division.code_structure, Eleve.date_naiss).where(
        Eleve.eleve_id == "1541944").first().run())
    assert eleve == {"nom_de_famille": "ESCAGLIA", "division.code_structure": "301", "date_naiss": dt.date(2002, 6, 21)}
    assert count(EleveGroupe, EleveGroupe.division.code_structure == "_301P1") == 1


def test_the_malformed_sample_imports_nothing(school) -> None:
    school["uai"].append("0752387M")
    summary = run(import_files("0752387M", [(MALFORMED, sample(MALFORMED))], create=True))
    assert summary.refuses and summary.fichiers[0].erreur.startswith("ligne 139 : balise STRICTURES_ELEVE")
    assert count(Eleve, Eleve.eleve_id.is_in(["1826500", "1559191"])) == 0
    assert count(Etablissement, Etablissement.uai == "0752387M") == 0


@pytest.mark.parametrize("style", ["nouveau", "ancien"])
def test_guardians_sample_in_both_styles(school, style: str) -> None:
    school["uai"].append("0140070A")
    school["personnes"] += ["209400", "209401", "209406"]
    guardians = sample(RESPONSABLES) if style == "nouveau" else old_style(sample(RESPONSABLES))
    # In any order: the pupils are applied before their guardians.
    summary = imported("0140070A", {"ResponsablesAvecAdresses.xml": guardians, "ElevesSansAdresses.xml": pupils_of_responsables_sample()})
    assert not summary.refuses
    assert [f.type for f in summary.fichiers] == ["responsables", "eleves"]
    assert summary.fichiers[0].crees == {"responsables": 3, "liens élève-responsable": 3}
    links = run(ResponsableEleve.select(
        ResponsableEleve.eleve.eleve_id, ResponsableEleve.responsable.personne_id, ResponsableEleve.resp_legal,
        ResponsableEleve.code_parente,
    ).run())
    found = {(r["eleve.eleve_id"], r["responsable.personne_id"]): r["resp_legal"] for r in links
             if r["responsable.personne_id"] in {"209400", "209401", "209406"}}
    assert found == {("610308", "209401"): 1, ("610308", "209406"): 2, ("610305", "209400"): 1}
    rock = run(Responsable.select().where(Responsable.personne_id == "209401").first().run())
    assert (rock["nom_de_famille"], rock["mel"], rock["accepte_sms"], rock["libelle_postal"]) == (
        "ROCK", "rock33445570@hotmail.fr", True, "MEZIDON VALLEE D AUGE")


def test_guardians_of_unknown_pupils_are_skipped_and_listed(school) -> None:
    school["uai"].append("0140070A")
    imported("0140070A", {"Nomenclature.xml": sample("dossiersco_nomenclature_simple.xml")})
    summary = imported("0140070A", {"Responsables.xml": sample(RESPONSABLES)})
    [fichier] = summary.fichiers
    assert fichier.total_crees == 0 and fichier.ignores_total == 6
    assert "lien du responsable 209401 avec l'élève 610308 : élève inconnu dans l'établissement, ignoré" in fichier.ignores
    assert count(Responsable, Responsable.personne_id == "209401") == 0


def test_sts_sample_teachers_services_and_principal(school) -> None:
    from siecle_support import DATA

    summary = imported(UAI, {"sts_emp_0599990X_2026.xml": (DATA / "sts_emp_0599990X_2026.xml").read_bytes()})
    assert not summary.refuses and summary.etablissement_cree
    etab = run(Etablissement.select().where(Etablissement.uai == UAI).first().run())
    assert (etab["nom"], etab["academie"]) == ("COLLEGE EMILIE DU CHATELET", "LILLE")
    assert count(Enseignant, Enseignant.etablissement == etab["id"]) == 3
    services = run(Enseignement.select(
        Enseignement.enseignant.nom, Enseignement.matiere.code_gestion, Enseignement.division.code_structure,
        Enseignement.professeur_principal,
    ).where(Enseignement.division.etablissement == etab["id"]).run())
    assert len(services) == 5
    assert {"enseignant.nom": "DESCHAMPS", "matiere.code_gestion": "FRANC", "division.code_structure": "3A",
            "professeur_principal": True} in services
    assert {"enseignant.nom": "N'DIAYE", "matiere.code_gestion": "MATHS", "division.code_structure": "3A",
            "professeur_principal": False} in services


def _small_school(pupils: int = 40) -> dict[str, bytes]:
    return synthetic.school(UAI, pupils, first_id=7_700_000)


def _personnes(files: dict[str, bytes]) -> list[str]:
    import re
    return re.findall(r'PERSONNE_ID="(\d+)"', files["ResponsablesAvecAdresses.xml"].decode("iso-8859-15"))


def test_reimporting_the_same_files_creates_and_changes_nothing(school) -> None:
    files = _small_school()
    school["personnes"] += _personnes(files)
    first = imported(UAI, files)
    assert not first.refuses and first.fichiers[1].crees["élèves"] == 40
    where = Eleve.etablissement == etab_id(UAI)
    before = (count(Eleve, where), count(Responsable), count(ResponsableEleve), count(Division), count(Enseignement))
    second = imported(UAI, dict(reversed(list(files.items()))))
    assert [f.total_crees for f in second.fichiers] == [0, 0, 0, 0]
    assert [f.total_mis_a_jour for f in second.fichiers] == [0, 0, 0, 0]
    assert not any(f.supprimes for f in second.fichiers)
    assert (count(Eleve, where), count(Responsable), count(ResponsableEleve), count(Division), count(Enseignement)) == before


def _family_account(school, eleve_id: str, identifiant: str) -> int:
    school["comptes"].append(identifiant)
    compte = run(Compte.insert(Compte(identifiant=identifiant, mot_de_passe=hash_password("Bienvenue-2026"),
                                      type="parent", etat="actif")).run())[0]["id"]
    eleve = run(Eleve.select(Eleve.id).where(Eleve.eleve_id == eleve_id).first().run())["id"]
    run(CompteEleve.insert(CompteEleve(compte=compte, eleve=eleve)).run())
    return compte


def _viewer(compte: int, identifiant: str) -> Viewer:
    return Viewer(compte_id=compte, identifiant=identifiant, type=UserType.PARENT, etat="actif")


def test_a_left_pupil_is_kept_hidden_from_families_and_accounts_survive(school) -> None:
    files = _small_school(8)
    school["personnes"] += _personnes(files)
    imported(UAI, files)
    compte = _family_account(school, "7700003", "test.import.parent")
    assert [c.eleve_id for c in run(children_of(_viewer(compte, "test.import.parent")))] == ["7700003"]
    pupils = [pupil(str(7_700_000 + n), division="6A") for n in range(8) if n != 5]  # 7700005 left the export
    today = clock.now().date()
    pupils[3]["sortie"] = today
    summary = imported(UAI, {"ElevesSansAdresses.xml": synthetic.eleves_xml(UAI, pupils)})
    [fichier] = summary.fichiers
    assert fichier.sortis == 1 and fichier.mis_a_jour["élèves"] == 7
    assert "1 élève(s) de l'établissement absent(s) de ce fichier : conservé(s), rien n'est supprimé." in fichier.remarques
    assert run(children_of(_viewer(compte, "test.import.parent"))) == []
    assert count(Eleve, Eleve.eleve_id.is_in(["7700003", "7700005"])) == 2  # history kept
    assert count(CompteEleve, CompteEleve.compte == compte) == 1 and count(Compte, Compte.id == compte) == 1
    assert count(ResponsableEleve, ResponsableEleve.eleve.eleve_id == "7700003") == 2
    # Leaving tomorrow: still there today.
    pupils[3]["sortie"] = today + dt.timedelta(days=1)
    imported(UAI, {"ElevesSansAdresses.xml": synthetic.eleves_xml(UAI, pupils)})
    assert len(run(children_of(_viewer(compte, "test.import.parent")))) == 1


def test_pupils_without_a_division_are_skipped_and_listed(school) -> None:
    pupils = [pupil("7710001"), pupil("7710002", "SANS", "Classe", division=None)]
    summary = imported(UAI, {"Eleves.xml": synthetic.eleves_xml(UAI, pupils)})
    [fichier] = summary.fichiers
    assert fichier.crees["élèves"] == 1
    assert fichier.ignores == ["SANS Classe (ELEVE_ID 7710002) : sans division (aucune structure de type D), ignoré"]
    assert count(Eleve, Eleve.eleve_id == "7710002") == 0


def test_a_pupil_of_another_establishment_is_not_taken(school, demo) -> None:
    lea = run(Eleve.select(Eleve.eleve_id, Eleve.nom_de_famille).where(Eleve.id == demo.lea).first().run())
    summary = imported(UAI, {"Eleves.xml": synthetic.eleves_xml(UAI, [pupil(lea["eleve_id"], "AUTRE")])})
    assert "inscrit dans un autre établissement" in summary.fichiers[0].ignores[0]
    assert run(Eleve.select(Eleve.nom_de_famille, Eleve.etablissement).where(Eleve.id == demo.lea).first().run()) == {
        "nom_de_famille": lea["nom_de_famille"], "etablissement": demo.college}


def test_wrong_uai_imports_nothing(school) -> None:
    summary = run(import_files(UAI, [("Nomenclature.xml", sample("dossiersco_nomenclature_simple.xml"))], create=True))
    assert summary.fichiers[0].erreur == "ligne 4 : balise UAJ : ce fichier vient de l'établissement 0140070A, pas de 0599990X"
    assert count(Etablissement, Etablissement.uai == UAI) == 0


def test_accents_in_iso_8859_15_are_stored_right(school) -> None:
    data = synthetic.eleves_xml(UAI, [pupil("7720001", "LECŒUR", "Éloïse"), pupil("7720002", "ÇELIK", "Noël")])
    imported(UAI, {"Eleves.xml": data})
    names = run(Eleve.select(Eleve.nom_de_famille, Eleve.prenom).where(Eleve.eleve_id.is_in(["7720001", "7720002"]))
                .order_by(Eleve.eleve_id).run())
    assert names == [{"nom_de_famille": "LECŒUR", "prenom": "Éloïse"}, {"nom_de_famille": "ÇELIK", "prenom": "Noël"}]


def test_a_hostile_file_imports_nothing_and_the_others_still_do(school) -> None:
    good = synthetic.eleves_xml(UAI, [pupil("7730001")])
    bad = synthetic.eleves_xml(UAI, [pupil("7730002"), pupil("7730003", "<img src=x onerror=alert(1)>")])
    summary = imported(UAI, {"bon.xml": good, "mauvais.xml": bad})
    refused = next(f for f in summary.fichiers if f.erreur)
    assert refused.fichier == "mauvais.xml" and "balisage interdit" in refused.erreur and refused.erreur.startswith("ligne ")
    assert count(Eleve, Eleve.eleve_id.is_in(["7730002", "7730003"])) == 0
    assert count(Eleve, Eleve.eleve_id == "7730001") == 1


def test_a_file_failing_while_written_leaves_nothing(school, monkeypatch: pytest.MonkeyPatch) -> None:
    from teleservices.core.siecle import store

    async def broken(*args: Any) -> None:
        raise RuntimeError("panne")

    monkeypatch.setattr(store, "_sync_groups", broken)
    summary = imported(UAI, {"Eleves.xml": synthetic.eleves_xml(UAI, [pupil("7740001")])})
    assert summary.fichiers[0].erreur == "erreur inattendue pendant l'écriture en base"
    assert count(Eleve, Eleve.eleve_id == "7740001") == 0 and count(Division, Division.etablissement == etab_id(UAI)) == 0


def test_a_zip_as_exported(school) -> None:
    files = _small_school(12)
    school["personnes"] += _personnes(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(f"export_siecle/{name}", data)
    summary = imported(UAI, {"export.zip": buffer.getvalue()})
    assert not summary.refuses and [f.type for f in summary.fichiers] == ["nomenclature", "eleves", "responsables", "sts"]
    assert count(Eleve, Eleve.etablissement == etab_id(UAI)) == 12


def test_a_synthetic_school_of_1500_pupils(school) -> None:
    files = synthetic.school(UAI, 1500, first_id=7_800_000)
    school["personnes"] += _personnes(files)
    summary = imported(UAI, files)
    assert not summary.refuses
    etab = etab_id(UAI)
    assert count(Eleve, Eleve.etablissement == etab) == 1500
    assert count(ResponsableEleve, ResponsableEleve.eleve.etablissement == etab) == 3000
    assert count(EleveGroupe, EleveGroupe.eleve.etablissement == etab) == 1500
    assert summary.fichiers[3].crees["services d'enseignement"] == 400
