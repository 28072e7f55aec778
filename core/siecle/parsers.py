"""From a SIECLE XML tree to checked rows, one parser per kind of export.

Every value is checked before anything is written: its length against its column, codes
against their lists (CODE_SEXE 1 or 2, TYPE_STRUCTURE D or G...), dates as dates, and no markup
anywhere (a SIECLE name never contains < or >; names may only hold letters, digits, spaces,
apostrophes, hyphens and dots). The first bad value refuses the whole file, naming its line.

Structures (after SACoche's and GEPI's importers of the same exports):
- BEE_ELEVES: PARAMETRES/UAJ; DONNEES/ELEVES/ELEVE[@ELEVE_ID];
  DONNEES/STRUCTURES/STRUCTURES_ELEVE[@ELEVE_ID]/STRUCTURE (CODE_STRUCTURE, TYPE_STRUCTURE).
- BEE_RESPONSABLES: DONNEES/PERSONNES/PERSONNE[@PERSONNE_ID] (ADRESSE_ID),
  DONNEES/RESPONSABLES/RESPONSABLE_ELEVE, DONNEES/ADRESSES/ADRESSE[@ADRESSE_ID]. Older exports
  say RESP_LEGAL (1, 2 or 0); newer ones NIVEAU_RESPONSABILITE (1 = responsable légal) and
  sometimes a LEGAL flag, the guardians of a pupil being numbered in the file's order.
- BEE_NOMENCLATURES: DONNEES/MEFS/MEF[@CODE_MEF], DONNEES/MATIERES/MATIERE[@CODE_MATIERE].
- STS_EDT (sts_emp_<UAI>_<année>.xml): PARAMETRES/UAJ (text or CODE attribute), NOMENCLATURES/
  MATIERES/MATIERE[@CODE]; DONNEES/INDIVIDUS/INDIVIDU[@ID][@TYPE] (FONCTION ENS: a teacher,
  PROFS_PRINC/PROF_PRINC/CODE_STRUCTURE: professeur principal); DONNEES/STRUCTURE/DIVISIONS/
  DIVISION[@CODE] and GROUPES/GROUPE[@CODE], each with MEFS_APPARTENANCE and
  SERVICES/SERVICE[@CODE_MATIERE]/ENSEIGNANTS/ENSEIGNANT[@ID].
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from teleservices.core.i18n import gettext as _
from teleservices.core.siecle.files import Refused

MAX_RECORDS = 20_000  # per list: a big lycée has 2,500 pupils
NAME = re.compile(r"^[\w '’.\-]*$")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CODE = re.compile(r"^[0-9A-Za-z]+$")

Element = etree._Element


@dataclass
class Parsed:
    """One file, checked: its rows per entity, what it skipped and why, what it says of the
    establishment (to create it when the CLI meets a new UAI)."""

    kind: str
    uaj: str
    uaj_line: int
    rows: dict[str, Any] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    etablissement: dict[str, str] = field(default_factory=dict)


def refuse(element: Element, tag: str, why: str) -> Refused:
    return Refused(_("ligne %(ligne)s : balise %(balise)s : %(raison)s",
                     ligne=element.sourceline, balise=tag, raison=why))


def check_text(element: Element, tag: str, value: str, limit: int, name: bool = False) -> str:
    if "<" in value or ">" in value:
        raise refuse(element, tag, _("balisage interdit dans « %(valeur)s »", valeur=value[:40]))
    if CONTROL.search(value):
        raise refuse(element, tag, _("caractère de contrôle interdit"))
    if len(value) > limit:
        raise refuse(element, tag, _("valeur trop longue (%(longueur)s caractères, au plus %(max)s)",
                                     longueur=len(value), max=limit))
    if name and not NAME.match(value):
        raise refuse(element, tag, _("caractères interdits dans le nom « %(valeur)s »", valeur=value[:40]))
    return value


class Fields:
    """The checked values of one element's children."""

    def __init__(self, element: Element) -> None:
        self.element = element

    def _child(self, tags: tuple[str, ...]) -> tuple[Element, str, str]:
        for tag in tags:
            child = self.element.find(tag)
            if child is not None:
                return child, tag, (child.text or "").strip()
        return self.element, tags[0], ""

    def text(self, *tags: str, limit: int, required: bool = False, name: bool = False, default: str = "") -> str:
        where, tag, value = self._child(tags)
        if not value:
            if required:
                raise refuse(where, tag, _("valeur obligatoire absente"))
            return default
        return check_text(where, tag, value, limit, name)

    def choice(self, tag: str, choices: dict[str, Any], *, default: Any = None) -> Any:
        where, _tag, value = self._child((tag,))
        if not value and default is not None:
            return default
        if value not in choices:
            expected = ", ".join(choices)
            raise refuse(where, tag, _("code « %(code)s » inconnu (attendu : %(attendus)s)",
                                       code=value[:20], attendus=expected))
        return choices[value]

    def date(self, tag: str, *, required: bool = False) -> dt.date | None:
        where, _tag, value = self._child((tag,))
        if not value:
            if required:
                raise refuse(where, tag, _("date obligatoire absente"))
            return None
        try:
            return dt.datetime.strptime(value, "%d/%m/%Y").date()
        except ValueError:
            raise refuse(where, tag, _("« %(valeur)s » n'est pas une date (JJ/MM/AAAA)", valeur=value[:20])) from None


FLAGS = {"0": False, "1": True, "false": False, "true": True, "N": False, "O": True}


def attribute(element: Element, name: str, limit: int = 20, pattern: re.Pattern = CODE) -> str:
    value = (element.get(name) or "").strip()
    if not value:
        raise refuse(element, element.tag, _("attribut %(attribut)s absent", attribut=name))
    check_text(element, element.tag, value, limit)
    if not pattern.match(value):
        raise refuse(element, element.tag, _("attribut %(attribut)s « %(valeur)s » invalide",
                                             attribut=name, valeur=value[:20]))
    return value


def _all(root: Element, path: str) -> list[Element]:
    found = root.findall(path)
    if len(found) > MAX_RECORDS:
        raise refuse(found[MAX_RECORDS], found[0].tag, _("plus de %(max)s éléments : fichier démesuré", max=MAX_RECORDS))
    return found


def uaj_of(root: Element) -> tuple[str, int]:
    """The UAI the file comes from, and its line."""
    uaj = root.find("PARAMETRES/UAJ")
    if uaj is None:
        raise refuse(root, "PARAMETRES", _("balise UAJ absente : on ne sait pas de quel établissement vient ce fichier"))
    value = (uaj.get("CODE") or uaj.text or "").strip().upper()
    return check_text(uaj, "UAJ", value, 8), uaj.sourceline


def establishment_hints(sigle: str, principal: str, complement: str, **extra: str) -> dict[str, str]:
    nom = " ".join(p for p in (principal, complement) if p)
    kind = "college" if sigle.upper() == "CLG" or "COLLEGE" in nom.upper() else "lycee" if nom else ""
    return {k: v for k, v in {"sigle": sigle, "nom": nom, "type": kind, **extra}.items() if v}


# --- BEE_NOMENCLATURES -----------------------------------------------------------------------------------


def matiere_row(element: Element, code: str) -> dict[str, str]:
    f = Fields(element)
    court = f.text("LIBELLE_COURT", limit=40)
    gestion = f.text("CODE_GESTION", limit=10, required=True)
    return {
        "code_matiere": code,
        "code_gestion": gestion,
        "libelle": f.text("LIBELLE_EDITION", limit=60) or court or gestion,
        "libelle_court": court,
        "libelle_long": f.text("LIBELLE_LONG", limit=120),
    }


def parse_nomenclature(root: Element) -> Parsed:
    parsed = Parsed("nomenclature", *uaj_of(root))
    mefs = []
    for mef in _all(root, "DONNEES/MEFS/MEF"):
        f = Fields(mef)
        mefs.append({
            "code_mef": attribute(mef, "CODE_MEF", 11),
            "formation": f.text("FORMATION", limit=40),
            "libelle_long": f.text("LIBELLE_LONG", limit=120),
            "libelle_edition": f.text("LIBELLE_EDITION", limit=120),
            "mef_rattachement": f.text("MEF_RATTACHEMENT", limit=11),
        })
    parsed.rows["mefs"] = mefs
    parsed.rows["matieres"] = [
        matiere_row(m, attribute(m, "CODE_MATIERE", 6)) for m in _all(root, "DONNEES/MATIERES/MATIERE")
    ]
    return parsed


# --- BEE_ELEVES ----------------------------------------------------------------------------------------------

SEXES = {"1": "1", "2": "2"}
STRUCTURE_TYPES = {"D": "D", "G": "G"}


def _pupil(element: Element) -> dict[str, Any]:
    f = Fields(element)
    return {
        "eleve_id": attribute(element, "ELEVE_ID"),
        "ine": f.text("ID_NATIONAL", limit=11),
        "nom_de_famille": f.text("NOM_DE_FAMILLE", "NOM", limit=100, required=True, name=True),
        "prenom": f.text("PRENOM", limit=60, required=True, name=True),
        "prenom2": f.text("PRENOM2", limit=60, name=True),
        "prenom3": f.text("PRENOM3", limit=60, name=True),
        "code_sexe": f.choice("CODE_SEXE", SEXES),
        "date_naiss": f.date("DATE_NAISS", required=True),
        "code_pays_naiss": f.text("CODE_PAYS", limit=3, default="100"),
        "ville_naiss": f.text("VILLE_NAISS", limit=80),
        "code_commune_insee_naiss": f.text("CODE_COMMUNE_INSEE_NAISS", limit=5),
        "code_regime": f.text("CODE_REGIME", limit=3),
        "code_mef": f.text("CODE_MEF", limit=11),
        "date_entree": f.date("DATE_ENTREE"),
        "date_sortie": f.date("DATE_SORTIE"),
    }


def _own_school(root: Element, uaj: str) -> dict[str, str]:
    """What the pupils' last-year schooling says of this establishment, when it was this one."""
    for previous in root.iterfind("DONNEES/ELEVES/ELEVE/SCOLARITE_AN_DERNIER"):
        f = Fields(previous)
        if f.text("CODE_RNE", limit=8).upper() == uaj:
            return establishment_hints(
                f.text("SIGLE", limit=10), f.text("DENOM_PRINC", limit=60), f.text("DENOM_COMPL", limit=60),
                adresse_ligne1=f.text("LIGNE1_ADRESSE", limit=120), commune=f.text("LL_COMMUNE_INSEE", limit=80),
                mel=f.text("MEL", limit=120), telephone=f.text("TELEPHONE", limit=20),
            )
    return {}


def _mef_type(code_mef: str) -> str:
    return {"1": "college", "2": "lycee"}.get(code_mef[:1], "")


def parse_eleves(root: Element) -> Parsed:
    parsed = Parsed("eleves", *uaj_of(root))
    structures: dict[str, dict[str, Any]] = {}  # ELEVE_ID -> {"division": code, "groupes": [...]}
    for block in _all(root, "DONNEES/STRUCTURES/STRUCTURES_ELEVE"):
        mine = structures.setdefault(attribute(block, "ELEVE_ID"), {"division": None, "groupes": []})
        for structure in block.iterfind("STRUCTURE"):
            f = Fields(structure)
            code = f.text("CODE_STRUCTURE", limit=20, required=True)
            if f.choice("TYPE_STRUCTURE", STRUCTURE_TYPES) == "D":
                mine["division"] = code
            else:
                mine["groupes"].append(code)
    pupils, divisions = [], {}
    for element in _all(root, "DONNEES/ELEVES/ELEVE"):
        pupil = _pupil(element)
        pupil.update(structures.get(pupil["eleve_id"], {"division": None, "groupes": []}))
        pupils.append(pupil)
        for code in [pupil["division"], *pupil["groupes"]]:
            if code:
                kind = "D" if code == pupil["division"] else "G"
                divisions.setdefault(code, {"code_structure": code, "type_structure": kind, "code_mef": ""})
        if pupil["division"] and pupil["code_mef"]:
            divisions[pupil["division"]]["code_mef"] = pupil["code_mef"]
    parsed.rows["eleves"] = pupils
    parsed.rows["divisions"] = list(divisions.values())
    parsed.etablissement = _own_school(root, parsed.uaj)
    if "type" not in parsed.etablissement:
        kinds = [_mef_type(p["code_mef"]) for p in pupils if _mef_type(p["code_mef"])]
        if kinds:
            parsed.etablissement["type"] = max(set(kinds), key=kinds.count)
    return parsed


# --- BEE_RESPONSABLES ----------------------------------------------------------------------------------


def _address(element: Element) -> dict[str, str]:
    f = Fields(element)
    return {
        "ligne1_adresse": f.text("LIGNE1_ADRESSE", limit=120),
        "ligne2_adresse": f.text("LIGNE2_ADRESSE", limit=120),
        "ligne3_adresse": f.text("LIGNE3_ADRESSE", limit=120),
        "ligne4_adresse": f.text("LIGNE4_ADRESSE", limit=120),
        "code_postal": f.text("CODE_POSTAL", limit=10),
        "libelle_postal": f.text("LIBELLE_POSTAL", limit=80),
        "commune_etrangere": f.text("COMMUNE_ETRANGERE", limit=80),
        "code_pays": f.text("CODE_PAYS", limit=3, default="100"),
    }


NO_ADDRESS = {key: "" for key in _address(etree.Element("ADRESSE"))} | {"code_pays": "100"}


def _person(element: Element, addresses: dict[str, dict[str, str]]) -> dict[str, Any]:
    f = Fields(element)
    address_id = f.text("ADRESSE_ID", limit=20)
    return {
        "personne_id": attribute(element, "PERSONNE_ID"),
        "lc_civilite": f.text("LC_CIVILITE", limit=4),
        "nom_de_famille": f.text("NOM_DE_FAMILLE", "NOM", limit=100, required=True, name=True),
        "prenom": f.text("PRENOM", limit=60, name=True),
        "code_profession": f.text("CODE_PROFESSION", limit=3),
        "tel_personnel": f.text("TEL_PERSONNEL", limit=20),
        "tel_professionnel": f.text("TEL_PROFESSIONNEL", limit=20),
        "tel_portable": f.text("TEL_PORTABLE", limit=20),
        "accepte_sms": f.choice("ACCEPTE_SMS", FLAGS, default=False),
        "mel": f.text("MEL", limit=120),
        "communication_adresse": f.choice("COMMUNICATION_ADRESSE", FLAGS, default=False),
        **addresses.get(address_id, NO_ADDRESS),
    }


LEVELS = {"1": 1, "2": 2, "3": 3}
RESP_LEGAL = {"0": 0, "1": 1, "2": 2}


def _links(root: Element) -> list[dict[str, Any]]:
    """The guardian links, old style (RESP_LEGAL) or new (NIVEAU_RESPONSABILITE, LEGAL)."""
    links, legal_count = [], {}
    for element in _all(root, "DONNEES/RESPONSABLES/RESPONSABLE_ELEVE"):
        f = Fields(element)
        link = {
            "eleve_id": f.text("ELEVE_ID", limit=20, required=True),
            "personne_id": f.text("PERSONNE_ID", limit=20, required=True),
            "code_parente": f.text("CODE_PARENTE", limit=2),
        }
        if element.find("RESP_LEGAL") is not None:
            link["resp_legal"] = f.choice("RESP_LEGAL", RESP_LEGAL)
            link["niveau_responsabilite"] = 1 if link["resp_legal"] else 2
        else:
            level = f.choice("NIVEAU_RESPONSABILITE", LEVELS)
            legal = level == 1 or f.choice("LEGAL", FLAGS, default=False)
            rank = legal_count.get(link["eleve_id"], 0) + 1 if legal else 0
            if legal:
                legal_count[link["eleve_id"]] = rank
            link["niveau_responsabilite"] = level
            link["resp_legal"] = rank if rank <= 2 else 0
        links.append(link)
    return links


def parse_responsables(root: Element) -> Parsed:
    parsed = Parsed("responsables", *uaj_of(root))
    addresses = {attribute(a, "ADRESSE_ID"): _address(a) for a in _all(root, "DONNEES/ADRESSES/ADRESSE")}
    parsed.rows["personnes"] = [_person(p, addresses) for p in _all(root, "DONNEES/PERSONNES/PERSONNE")]
    parsed.rows["liens"] = _links(root)
    return parsed


# --- STS_EDT -------------------------------------------------------------------------------------------------

CIVILITES = {"1": "M.", "2": "MME", "3": "MME"}


def _sts_structures(root: Element, path: str, kind: str, parsed: Parsed) -> None:
    for element in _all(root, path):
        code = attribute(element, "CODE", 20, re.compile(r"^[\w .\-]+$"))
        mef = element.find("MEFS_APPARTENANCE/MEF_APPARTENANCE")
        parsed.rows["divisions"].append({
            "code_structure": code, "type_structure": kind,
            "code_mef": attribute(mef, "CODE", 11) if mef is not None else "",
        })
        for service in element.iterfind("SERVICES/SERVICE"):
            matiere = attribute(service, "CODE_MATIERE", 6)
            for teacher in service.iterfind("ENSEIGNANTS/ENSEIGNANT"):
                parsed.rows["services"].append((attribute(teacher, "ID"), matiere, code))


def parse_sts(root: Element) -> Parsed:
    parsed = Parsed("sts", *uaj_of(root), rows={"divisions": [], "services": [], "principaux": []})
    parameters = Fields(root.find("PARAMETRES"))
    parsed.etablissement = establishment_hints(
        parameters.text("UAJ/SIGLE", limit=10), parameters.text("UAJ/DENOM_PRINC", limit=60),
        parameters.text("UAJ/DENOM_COMPL", limit=60), academie=parameters.text("UAJ/ACADEMIE/LIBELLE", limit=40),
    )
    nomenclature = root.find("NOMENCLATURES")
    if nomenclature is None:
        nomenclature = root.find("DONNEES/NOMENCLATURES")
    parsed.rows["matieres"] = [
        matiere_row(m, attribute(m, "CODE", 6)) for m in (_all(nomenclature, "MATIERES/MATIERE") if nomenclature is not None else [])
    ]
    teachers = []
    for individu in _all(root, "DONNEES/INDIVIDUS/INDIVIDU"):
        f = Fields(individu)
        if f.text("FONCTION", limit=10) != "ENS":
            continue
        sts_id = attribute(individu, "ID")
        teachers.append({
            "sts_id": sts_id,
            "civilite": f.choice("CIVILITE", CIVILITES, default=""),
            "nom": f.text("NOM_USAGE", "NOM_PATRONYMIQUE", limit=80, required=True, name=True),
            "prenom": f.text("PRENOM", limit=80, name=True),
        })
        for principal in individu.iterfind("PROFS_PRINC/PROF_PRINC"):
            code = Fields(principal).text("CODE_STRUCTURE", limit=20, required=True)
            parsed.rows["principaux"].append((sts_id, code))
    parsed.rows["enseignants"] = teachers
    _sts_structures(root, "DONNEES/STRUCTURE/DIVISIONS/DIVISION", "D", parsed)
    _sts_structures(root, "DONNEES/STRUCTURE/GROUPES/GROUPE", "G", parsed)
    return parsed


PARSERS = {
    "nomenclature": parse_nomenclature,
    "eleves": parse_eleves,
    "responsables": parse_responsables,
    "sts": parse_sts,
}
