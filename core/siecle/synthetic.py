"""Synthetic SIECLE exports, shaped like the real ones (see shared/data/siecle-samples and
``parsers.py``), with made-up people: for the tests and the import benchmark.

``school(uai, pupils=1500)`` gives the four files of a collège (nomenclature, pupils with their
structures, two guardians per pupil, STS-web services) as ISO-8859-15 bytes, the way SIECLE
exports them. The lower-level builders take plain dicts so that a test can craft one odd pupil.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, Iterable

from lxml import etree

ENCODING = "ISO-8859-15"
LEVELS = [  # (prefix, MEF, FORMATION, LIBELLE_LONG, birth year offset)
    ("6", "10010012110", "6EME", "6EME", 11),
    ("5", "10110001110", "5G", "5EME", 12),
    ("4", "10210001110", "4G", "4EME", 13),
    ("3", "10310019110", "3EME", "3EME", 14),
]
MATIERES = [  # (CODE_MATIERE, CODE_GESTION, LIBELLE_COURT, LIBELLE_EDITION)
    ("020700", "FRANC", "FRANCAIS", "Français"),
    ("061300", "MATHS", "MATHEMATIQUES", "Mathématiques"),
    ("030201", "AGL1", "ANGLAIS LV1", "Anglais LV1"),
    ("030602", "ESP2", "ESPAGNOL LV2", "Espagnol LV2"),
    ("040300", "HIGEO", "HISTOIRE-GEOGRAPHIE", "Histoire-géographie"),
    ("062900", "SVT", "SCIENCES VIE & TERRE", "Sciences de la vie et de la Terre"),
    ("063700", "PH-CH", "PHYSIQUE-CHIMIE", "Physique-chimie"),
    ("100100", "EPS", "ED.PHYSIQUE & SPORT.", "Éducation physique et sportive"),
]
NOMS = [
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEFÈVRE", "MOREAU",
    "GARNIER", "FAURE", "ROUSSEAU", "BLANC", "GUÉRIN", "MULLER", "HENRY", "ROUSSEL", "NICOLAS", "PERRIN",
    "N'DIAYE", "LE GOFF-KERVELLA", "ÇELIK", "NGUYEN", "DA SILVA", "OUÉDRAOGO", "BENOÎT", "LECŒUR",
]
PRENOMS_F = ["Léa", "Chloé", "Éloïse", "Inès", "Zoé", "Maëlle", "Anaïs", "Noémie", "Clémence", "Océane", "Héloïse"]
PRENOMS_M = ["Hugo", "Lucas", "Noé", "Théo", "Maël", "Jérôme", "François", "Loïc", "Aurélien", "Gaëtan", "Joël"]
VILLES = [("59350", "LILLE"), ("59100", "ROUBAIX"), ("59200", "TOURCOING"), ("59650", "VILLENEUVE D'ASCQ")]


def _date(value: dt.date | str | None) -> str:
    """A date as SIECLE writes it; a string is kept as is (tests write impossible dates)."""
    return value if isinstance(value, str) else value.strftime("%d/%m/%Y") if value else ""


def _add(parent: etree._Element, tag: str, text: Any = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, **attributes)
    if text is not None:
        element.text = str(text)
    return element


def _document(root_tag: str, uai: str, version: str) -> tuple[etree._Element, etree._Element]:
    root = etree.Element(root_tag, VERSION=version)
    parameters = _add(root, "PARAMETRES")
    _add(parameters, "UAJ", uai)
    _add(parameters, "ANNEE_SCOLAIRE", "2026")
    _add(parameters, "DATE_EXPORT", "01/09/2026")
    return root, _add(root, "DONNEES")


def serialise(root: etree._Element, encoding: str = ENCODING) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding=encoding, pretty_print=True)


def nomenclature_xml(uai: str, levels: Iterable[tuple] = LEVELS, matieres: Iterable[tuple] = MATIERES) -> bytes:
    root, data = _document("BEE_NOMENCLATURES", uai, "3.1")
    mefs = _add(data, "MEFS")
    for _, code, formation, libelle, _ in levels:
        mef = _add(mefs, "MEF", CODE_MEF=code)
        _add(mef, "FORMATION", formation)
        _add(mef, "LIBELLE_LONG", libelle)
        _add(mef, "LIBELLE_EDITION", libelle.capitalize())
        _add(mef, "MEF_RATTACHEMENT", code)
    subjects = _add(data, "MATIERES")
    for code, gestion, court, edition in matieres:
        matiere = _add(subjects, "MATIERE", CODE_MATIERE=code)
        _add(matiere, "CODE_GESTION", gestion)
        _add(matiere, "LIBELLE_COURT", court)
        _add(matiere, "LIBELLE_LONG", court)
        _add(matiere, "LIBELLE_EDITION", edition)
    return serialise(root)


def eleves_xml(uai: str, pupils: list[dict], encoding: str = ENCODING) -> bytes:
    """Pupils as dicts: eleve_id, nom, prenom, sexe, naissance (date), mef, division (or None),
    groupes, and optionally ine, sortie (date), regime, prenom2."""
    root, data = _document("BEE_ELEVES", uai, "3.0")
    eleves = _add(data, "ELEVES")
    for pupil in pupils:
        eleve = _add(eleves, "ELEVE", ELEVE_ID=pupil["eleve_id"])
        _add(eleve, "ID_NATIONAL", pupil.get("ine", f"{int(pupil['eleve_id']):09d}AB"[-11:]))
        _add(eleve, "NOM_DE_FAMILLE", pupil["nom"])
        _add(eleve, "PRENOM", pupil["prenom"])
        if pupil.get("prenom2"):
            _add(eleve, "PRENOM2", pupil["prenom2"])
        _add(eleve, "DATE_NAISS", _date(pupil["naissance"]))
        _add(eleve, "CODE_PAYS", "100")
        _add(eleve, "CODE_REGIME", pupil.get("regime", "2"))
        _add(eleve, "DATE_ENTREE", "01/09/2026")
        if pupil.get("sortie"):
            _add(eleve, "DATE_SORTIE", _date(pupil["sortie"]))
        _add(eleve, "VILLE_NAISS", pupil.get("ville", ""))
        _add(eleve, "CODE_SEXE", pupil["sexe"])
        _add(eleve, "CODE_MEF", pupil["mef"])
        _add(eleve, "CODE_COMMUNE_INSEE_NAISS", "59350")
    structures = _add(data, "STRUCTURES")
    for pupil in pupils:
        block = _add(structures, "STRUCTURES_ELEVE", ELEVE_ID=pupil["eleve_id"])
        codes = ([(pupil["division"], "D")] if pupil.get("division") else []) + [(g, "G") for g in pupil.get("groupes", [])]
        for code, kind in codes:
            structure = _add(block, "STRUCTURE")
            _add(structure, "CODE_STRUCTURE", code)
            _add(structure, "TYPE_STRUCTURE", kind)
    return serialise(root, encoding)


def responsables_xml(uai: str, persons: list[dict], links: list[dict], style: str = "nouveau") -> bytes:
    """Persons: personne_id, civilite, nom, prenom, mel, portable, adresse (ligne1, cp, ville).
    Links: eleve_id, personne_id, legal (1, 2 or 0), parente. ``style`` "ancien" writes
    RESP_LEGAL, "nouveau" NIVEAU_RESPONSABILITE (1 for a legal guardian, 2 otherwise)."""
    root, data = _document("BEE_RESPONSABLES", uai, "2.1" if style == "nouveau" else "1.9")
    people = _add(data, "PERSONNES")
    for person in persons:
        element = _add(people, "PERSONNE", PERSONNE_ID=person["personne_id"])
        _add(element, "LC_CIVILITE", person["civilite"])
        _add(element, "NOM_DE_FAMILLE", person["nom"])
        _add(element, "PRENOM", person["prenom"])
        _add(element, "TEL_PORTABLE", person.get("portable", ""))
        _add(element, "ACCEPTE_SMS", "1")
        _add(element, "MEL", person.get("mel", ""))
        _add(element, "COMMUNICATION_ADRESSE", "1")
        _add(element, "ADRESSE_ID", f"A{person['personne_id']}")
        _add(element, "CODE_PROFESSION", "38")
    guardians = _add(data, "RESPONSABLES")
    for link in links:
        element = _add(guardians, "RESPONSABLE_ELEVE")
        _add(element, "ELEVE_ID", link["eleve_id"])
        _add(element, "PERSONNE_ID", link["personne_id"])
        if style == "ancien":
            _add(element, "RESP_LEGAL", link["legal"])
        else:
            _add(element, "NIVEAU_RESPONSABILITE", 1 if link["legal"] else 2)
        _add(element, "CODE_PARENTE", link.get("parente", "10"))
    addresses = _add(data, "ADRESSES")
    for person in persons:
        ligne1, code_postal, ville = person["adresse"]
        element = _add(addresses, "ADRESSE", ADRESSE_ID=f"A{person['personne_id']}")
        _add(element, "LIGNE1_ADRESSE", ligne1)
        _add(element, "CODE_POSTAL", code_postal)
        _add(element, "CODE_PAYS", "100")
        _add(element, "LIBELLE_POSTAL", ville)
    return serialise(root)


def sts_xml(uai: str, nom: str, teachers: list[dict], divisions: list[dict], groups: list[dict]) -> bytes:
    """Teachers: id, civilite (1 or 2), nom, prenom, principal (division codes). Divisions and
    groups: code, mef, services [(code_matiere, teacher id)]."""
    root = etree.Element("STS_EDT")
    parameters = _add(root, "PARAMETRES")
    uaj = _add(parameters, "UAJ", CODE=uai)
    _add(uaj, "SIGLE", "CLG")
    _add(uaj, "DENOM_PRINC", "COLLEGE")
    _add(uaj, "DENOM_COMPL", nom)
    academie = _add(uaj, "ACADEMIE")
    _add(academie, "LIBELLE", "LILLE")
    _add(parameters, "ANNEE_SCOLAIRE", ANNEE="2026")
    matieres = _add(_add(root, "NOMENCLATURES"), "MATIERES")
    for code, gestion, court, edition in MATIERES:
        matiere = _add(matieres, "MATIERE", CODE=code)
        _add(matiere, "CODE_GESTION", gestion)
        _add(matiere, "LIBELLE_COURT", court)
        _add(matiere, "LIBELLE_LONG", court)
        _add(matiere, "LIBELLE_EDITION", edition)
    data = _add(root, "DONNEES")
    individus = _add(data, "INDIVIDUS")
    for teacher in teachers:
        individu = _add(individus, "INDIVIDU", ID=teacher["id"], TYPE="epp")
        _add(individu, "SEXE", teacher["civilite"])
        _add(individu, "CIVILITE", teacher["civilite"])
        _add(individu, "NOM_USAGE", teacher["nom"])
        _add(individu, "PRENOM", teacher["prenom"])
        _add(individu, "FONCTION", teacher.get("fonction", "ENS"))
        if teacher.get("principal"):
            principals = _add(individu, "PROFS_PRINC")
            for code in teacher["principal"]:
                principal = _add(principals, "PROF_PRINC")
                _add(principal, "CODE_STRUCTURE", code)
                _add(principal, "DATE_DEBUT", "2026-09-01")
                _add(principal, "DATE_FIN", "2027-08-31")
    structure = _add(data, "STRUCTURE")
    for container, tag, items in (("DIVISIONS", "DIVISION", divisions), ("GROUPES", "GROUPE", groups)):
        parent = _add(structure, container)
        for item in items:
            element = _add(parent, tag, CODE=item["code"])
            _add(element, "LIBELLE_LONG", item["code"])
            _add(_add(element, "MEFS_APPARTENANCE"), "MEF_APPARTENANCE", CODE=item["mef"])
            services = _add(element, "SERVICES")
            for code_matiere, teacher_id in item["services"]:
                service = _add(services, "SERVICE", CODE_MATIERE=code_matiere, CODE_MOD_COURS="CG")
                _add(_add(service, "ENSEIGNANTS"), "ENSEIGNANT", ID=teacher_id, TYPE="epp")
    return serialise(root)


def school(uai: str, pupils: int = 1500, *, first_id: int = 9_000_000, seed: int = 2026,
           nom: str = "JULES FERRY") -> dict[str, bytes]:
    """The four exports of a made-up collège: 28 pupils a class, two guardians each."""
    rng = random.Random(seed)
    per_level = -(-pupils // len(LEVELS))
    classes = -(-per_level // 28)
    eleves, persons, links = [], [], []
    divisions: dict[str, dict] = {}
    groups: dict[str, dict] = {}
    for n in range(pupils):
        prefix, mef, _, _, age = LEVELS[n * len(LEVELS) // pupils]
        division = f"{prefix}{chr(ord('A') + n % classes)}"
        group = f"{prefix}ESP{n % 2 + 1}"
        divisions.setdefault(division, {"code": division, "mef": mef, "services": []})
        groups.setdefault(group, {"code": group, "mef": mef, "services": []})
        sexe = rng.choice("12")
        nom_famille = rng.choice(NOMS)
        eleve_id = str(first_id + n)
        eleves.append({
            "eleve_id": eleve_id, "nom": nom_famille, "sexe": sexe,
            "prenom": rng.choice(PRENOMS_M if sexe == "1" else PRENOMS_F),
            "naissance": dt.date(2026 - age, rng.randint(1, 12), rng.randint(1, 28)),
            "mef": mef, "division": division, "groupes": [group],
        })
        code_postal, ville = rng.choice(VILLES)
        address = (f"{rng.randint(1, 200)} rue de l'Égalité", code_postal, ville)
        for legal, civilite, prenoms, parente in ((1, "MME", PRENOMS_F, "10"), (2, "M.", PRENOMS_M, "20")):
            personne_id = str(first_id + 2 * n + legal - 1)
            prenom = rng.choice(prenoms)
            persons.append({
                "personne_id": personne_id, "civilite": civilite, "nom": nom_famille, "prenom": prenom,
                "mel": f"parent{personne_id}@example.org", "portable": f"06{rng.randint(10**7, 10**8 - 1)}",
                "adresse": address,
            })
            links.append({"eleve_id": eleve_id, "personne_id": personne_id, "legal": legal, "parente": parente})
    teachers = _teachers(rng, divisions, groups)
    return {
        "Nomenclature.xml": nomenclature_xml(uai),
        "ElevesSansAdresses.xml": eleves_xml(uai, eleves),
        "ResponsablesAvecAdresses.xml": responsables_xml(uai, persons, links),
        f"sts_emp_{uai}_2026.xml": sts_xml(uai, nom, teachers, list(divisions.values()), list(groups.values())),
    }


def _teachers(rng: random.Random, divisions: dict[str, dict], groups: dict[str, dict]) -> list[dict]:
    """One teacher per subject for every four classes; the French teacher is professeur principal."""
    teachers: list[dict] = []
    for index, division in enumerate(sorted(divisions)):
        for code_matiere, *_ in MATIERES:
            if code_matiere == "030602":
                continue  # Spanish is taught to the groups
            slot = f"{code_matiere}-{index // 4}"
            teacher = next((t for t in teachers if t["slot"] == slot), None)
            if teacher is None:
                civilite = rng.choice("12")
                teacher = {
                    "id": str(50_000 + len(teachers)), "slot": slot, "civilite": civilite, "nom": rng.choice(NOMS),
                    "prenom": rng.choice(PRENOMS_M if civilite == "1" else PRENOMS_F), "principal": [],
                }
                teachers.append(teacher)
            divisions[division]["services"].append((code_matiere, teacher["id"]))
            if code_matiere == "020700":
                teacher["principal"].append(division)
    spanish = {"id": str(50_000 + len(teachers)), "slot": "esp", "civilite": "2", "nom": "GARCÍA", "prenom": "Inès",
               "principal": []}
    teachers.append(spanish)
    for group in groups.values():
        group["services"].append(("030602", spanish["id"]))
    return teachers
