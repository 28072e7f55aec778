"""The parsers: values, codes, both guardian styles, encodings, hostile values."""

from __future__ import annotations

import datetime as dt

import pytest

from siecle_support import DATA, RESPONSABLES, old_style, pupil, sample
from teleservices.core.siecle import synthetic
from teleservices.core.siecle.files import Refused, parse_xml
from teleservices.core.siecle.importer import prepare
from teleservices.core.siecle.parsers import PARSERS


def parse(data: bytes):
    root = parse_xml(data)
    return PARSERS[{"BEE_ELEVES": "eleves", "BEE_RESPONSABLES": "responsables", "BEE_NOMENCLATURES": "nomenclature",
                    "STS_EDT": "sts"}[root.tag]](root)


def test_pupils_with_their_division_groups_and_last_year_school() -> None:
    parsed = parse(sample("dossiersco_eleves_avec_adresse_avec_double_structure.xml"))
    [eleve] = parsed.rows["eleves"]
    assert parsed.uaj == "0660864F"
    assert eleve["eleve_id"] == "1541944" and eleve["ine"] == "070876696HA"
    assert (eleve["nom_de_famille"], eleve["prenom"], eleve["code_sexe"]) == ("ESCAGLIA", "Jeanine", "1")
    assert eleve["date_naiss"] == dt.date(2002, 6, 21) and eleve["date_entree"] == dt.date(2016, 9, 1)
    assert (eleve["division"], eleve["groupes"], eleve["code_regime"]) == ("301", ["_301P1"], "24")
    assert {d["code_structure"]: d["type_structure"] for d in parsed.rows["divisions"]} == {"301": "D", "_301P1": "G"}
    # Last year's school was this one: its name and address name the establishment.
    assert parsed.etablissement["nom"] == "COLLEGE FRANCOIS MITTERRAND"
    assert parsed.etablissement["type"] == "college"
    assert parsed.etablissement["adresse_ligne1"] == "Allée DE BARCELONE"  # ISO-8859-15 decoded


def test_nomenclature_accents_come_out_right() -> None:
    parsed = parse(sample("dossiersco_nomenclature_simple.xml"))
    assert parsed.rows["mefs"][0]["libelle_edition"] == "5ème"
    assert parsed.rows["matieres"][0]["libelle"] == "Langues et cultures de l'Antiquité LATIN"
    tout = parse(sample("dossiersco_nomenclature_tout_niveau.xml"))
    assert [m["code_mef"] for m in tout.rows["mefs"]] == ["10010012110", "10110001110", "10210001110", "10310019110"]


def test_an_iso_8859_15_file_keeps_oe_and_accents() -> None:
    data = synthetic.eleves_xml("0599990X", [pupil("1", "LECŒUR", "Éloïse")])
    assert "ISO-8859-15".encode() in data[:60] and "Œ".encode("iso-8859-15") in data
    [eleve] = parse(data).rows["eleves"]
    assert (eleve["nom_de_famille"], eleve["prenom"]) == ("LECŒUR", "Éloïse")


def test_new_style_guardians_are_numbered_in_the_file_order() -> None:
    parsed = parse(sample(RESPONSABLES))
    links = {(l["eleve_id"], l["personne_id"]): (l["resp_legal"], l["niveau_responsabilite"]) for l in parsed.rows["liens"]}
    assert links == {("610308", "209401"): (1, 1), ("610308", "209406"): (2, 1), ("610305", "209400"): (1, 1)}
    rock = next(p for p in parsed.rows["personnes"] if p["personne_id"] == "209401")
    assert (rock["lc_civilite"], rock["accepte_sms"], rock["communication_adresse"]) == ("MME", True, True)
    assert (rock["ligne1_adresse"], rock["code_postal"], rock["libelle_postal"]) == (
        "18 RUE DES HOMMETS", "14270", "MEZIDON VALLEE D AUGE")


def test_old_style_guardians_give_the_same_links() -> None:
    old, new = parse(old_style(sample(RESPONSABLES))), parse(sample(RESPONSABLES))
    assert b"RESP_LEGAL" in old_style(sample(RESPONSABLES))
    assert old.rows["liens"] == new.rows["liens"]
    assert old.rows["personnes"] == new.rows["personnes"]


def test_old_style_other_persons_are_not_legal_guardians() -> None:
    persons = [{"personne_id": "7", "civilite": "M.", "nom": "ONCLE", "prenom": "Paul", "adresse": ("1 rue", "59000", "LILLE")}]
    data = synthetic.responsables_xml("0599990X", persons, [{"eleve_id": "1", "personne_id": "7", "legal": 0}], style="ancien")
    [link] = parse(data).rows["liens"]
    assert (link["resp_legal"], link["niveau_responsabilite"]) == (0, 2)


def test_sts_teachers_services_and_principal_teachers() -> None:
    parsed = parse((DATA / "sts_emp_0599990X_2026.xml").read_bytes())
    assert parsed.uaj == "0599990X"
    assert parsed.etablissement == {"sigle": "CLG", "nom": "COLLEGE EMILIE DU CHATELET", "type": "college", "academie": "LILLE"}
    teachers = {t["sts_id"]: t for t in parsed.rows["enseignants"]}
    assert set(teachers) == {"51001", "51002", "51003"}  # the DIR is not a teacher
    assert (teachers["51002"]["nom"], teachers["51002"]["prenom"], teachers["51002"]["civilite"]) == (
        "LE GOFF-KERVELLA", "Loïc", "M.")
    assert ("51003", "061300", "3B") in parsed.rows["services"] and ("51002", "030602", "3ESP1") in parsed.rows["services"]
    assert set(parsed.rows["principaux"]) == {("51001", "3A"), ("51002", "3B")}
    assert {d["code_structure"]: d["type_structure"] for d in parsed.rows["divisions"]} == {"3A": "D", "3B": "D", "3ESP1": "G"}


def _one_pupil(**changes) -> bytes:
    return synthetic.eleves_xml("0599990X", [pupil("42", **changes)])


@pytest.mark.parametrize("changes, message", [
    ({"sexe": "3"}, "balise CODE_SEXE : code « 3 » inconnu"),
    ({"naissance": "31/02/2012"}, "balise DATE_NAISS : « 31/02/2012 » n'est pas une date"),
    ({"nom": "<script>alert(1)</script>"}, "balise NOM_DE_FAMILLE : balisage interdit"),
    ({"prenom": 'Léa" hx-get="/administration/comptes'}, "balise PRENOM : caractères interdits"),
    ({"nom": "X" * 101}, "balise NOM_DE_FAMILLE : valeur trop longue (101 caractères, au plus 100)"),
    ({"nom": ""}, "balise NOM_DE_FAMILLE : valeur obligatoire absente"),
])
def test_a_bad_value_refuses_the_file_naming_its_line(changes: dict, message: str) -> None:
    data = _one_pupil(**changes)
    with pytest.raises(Refused) as refused:
        parse(data)
    assert message in str(refused.value)
    assert str(refused.value).startswith("ligne ")
    line = int(str(refused.value).split()[1])
    tag = message.split()[1]
    assert tag.encode() in data.splitlines()[line - 1]


def test_an_unknown_structure_type_is_refused() -> None:
    data = _one_pupil().replace(b"<TYPE_STRUCTURE>D<", b"<TYPE_STRUCTURE>X<")
    with pytest.raises(Refused, match="balise TYPE_STRUCTURE : code « X » inconnu"):
        parse(data)


def test_another_schools_file_is_refused_naming_the_uaj() -> None:
    [item] = prepare("0599901K", [("Nomenclature.xml", sample("dossiersco_nomenclature_simple.xml"))])
    assert item.parsed is None
    assert item.summary.erreur == (
        "ligne 4 : balise UAJ : ce fichier vient de l'établissement 0140070A, pas de 0599901K")


def test_a_synthetic_school_has_the_announced_size() -> None:
    school = synthetic.school("0599990X", 1500)
    eleves = parse(school["ElevesSansAdresses.xml"])
    responsables = parse(school["ResponsablesAvecAdresses.xml"])
    assert len(eleves.rows["eleves"]) == 1500 and len(responsables.rows["personnes"]) == 3000
    assert all(p["division"] for p in eleves.rows["eleves"])
    assert len(parse(school["sts_emp_0599990X_2026.xml"]).rows["services"]) >= 400
