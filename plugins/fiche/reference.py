"""The reference lists of the fiche de renseignements (guide 3.3), as SIECLE codes them: the
lists the forms offer and the labels the pages, the staff queue and the mails show. Each is
loaded once (``functools.cache``) from ``data/`` (see ``data/SOURCES.md``) or written here with
its source:

- countries (CODE_PAYS, INSEE codes: 100 FRANCE) and professions (CODE_PROFESSION, PCS; 99 is
  « non renseignée »): the lists of betagouv/dossiersco, MIT;
- civilités as SIECLE stores them (LC_CIVILITE « M. », « MME »), shown « M. », « Mme »;
- liens de parenté (CODE_PARENTE of RESPONSABLE_ELEVE, the BCN's N_LIEN_ELEVE_RESPONSABLE);
- régimes (CODE_REGIME, shown read-only), sexes (CODE_SEXE);
- French postcodes and their communes (``data/codes_postaux.json``), compared as families type
  them: without accents, case, hyphens or apostrophes, « ST » for « SAINT »; a commune is stored
  in upper case as the reference writes it (« SAINT-DENIS »).
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from teleservices.core.api import gettext as _, lazy_gettext as _l

DATA = Path(__file__).resolve().parent / "data"
FRANCE = "100"
PROFESSION_NON_RENSEIGNEE = "99"

# The labels are shown in the page's language (``civilites()`` and the others translate them when
# called); the codes are SIECLE's.
CIVILITES = {"M.": _l("M."), "MME": _l("Mme")}
SEXES = {"1": _l("Masculin"), "2": _l("Féminin")}

# CODE_PARENTE. Sources (data/SOURCES.md): betagouv/dossiersco app/models/resp_legal.rb
# (RespLegal::CODE_PARENTE, the codes it writes back to SIECLE) and laclasse-com/LaclasseService
# Aaf/Synchronizer.cs (the BCN table N_LIEN_ELEVE_RESPONSABLE, which adds 43). No source has 30:
# « autre membre de la famille » is 39.
LIENS = {
    "10": _l("Mère"),
    "20": _l("Père"),
    "37": _l("Frère ou sœur"),
    "38": _l("Ascendant (grand-parent…)"),
    "39": _l("Autre membre de la famille"),
    "41": _l("Éducateur"),
    "42": _l("Assistant familial"),
    "43": _l("Garde d'enfant"),
    "50": _l("Tuteur"),
    "51": _l("Aide sociale à l'enfance"),
    "70": _l("Élève lui-même"),
    "90": _l("Autre lien"),
}

# CODE_REGIME, the SIECLE (Sconet) nomenclature as GEPI lists it (tbelliard/gepi,
# lib/share.inc.php, traite_regime_sconet), accents restored. What the numbers 1 to 6 of 21-26
# stand for is not in the source: its wording is kept.
REGIMES = {
    "0": _l("Externe libre"),
    "1": _l("Externe surveillé"),
    "2": _l("Demi-pensionnaire dans l'établissement"),
    **{f"2{n}": _l("Demi-pensionnaire dans l'établissement %(n)s", n=n) for n in range(1, 7)},
    "29": _l("Demi-pensionnaire au ticket"),
    "3": _l("Interne dans l'établissement"),
    "31": _l("Interne 1 jour"),
    **{f"3{n}": _l("Interne %(n)s jours", n=n) for n in range(2, 7)},
    "38": _l("Demi-interne"),
    "39": _l("Interne week-end"),
    "4": _l("Interne externé"),
    "5": _l("Interne hébergé"),
    "6": _l("Demi-pensionnaire hors de l'établissement"),
}

# The labels of data/dossiersco_professions.csv (capitalised as ``professions()`` shows them),
# marked here so that ``make messages`` extracts them: the list is shown in the page's language.
PROFESSIONS_A_TRADUIRE = (
    _l("Agriculteur exploitant"), _l("Artisan"), _l("Commerçant et assimilé"),
    _l("Chef d'entreprise de 10 salariés et+"), _l("Profession libérale"), _l("Cadre de la fonction publique"),
    _l("Professeur, profession scientifique"), _l("Profession de l'information, des arts et des spectacles"),
    _l("Cadre administratif, commercial d'entreprise"), _l("Ingénieur, cadre technique d'entreprise"),
    _l("Instituteur et assimilé"), _l("Profession intermédiaire de la santé et du travail social"),
    _l("Clergé, religieux"), _l("Profession intermédiaire administrative de la fonction publique"),
    _l("Profession intermédiaire administrative et commerciale des entreprises"), _l("Technicien"),
    _l("Contremaître, agent de maîtrise"), _l("Employé civil et agent de service de la fonction publique"),
    _l("Policier, militaire"), _l("Employé administratif d'entreprise"), _l("Employé de commerce"),
    _l("Personnel service direct aux particuliers"), _l("Ouvrier qualifié - industrie"),
    _l("Ouvrier qualifié - artisanal"), _l("Ouvrier qualifié - magasinage"),
    _l("Ouvrier non qualifié de type industriel"), _l("Ouvrier non qualifié de type artisanal"),
    _l("Ouvrier agricole"), _l("Retraité agriculteur exploitant"),
    _l("Retraité artisan, commerçant, chef d'entreprise"), _l("Retraité cadre"),
    _l("Retraité profession intermédiaire"), _l("Retraité employé"), _l("Retraité ouvrier"),
    _l("Personne sans activité professionnelle < 60 ans"), _l("Personne sans activité professionnelle > 60 ans"),
)


def _csv(name: str) -> list[tuple[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter=";")
        next(rows)  # the header
        return [(code.strip(), libelle.strip()) for code, libelle in rows]


def _sans_accents(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c))


@cache
def pays() -> dict[str, str]:
    """CODE_PAYS → label as SIECLE writes it, FRANCE first, then by label. (The source lists 121
    twice, SERBIE then YOUGOSLAVIE: the first is kept.)"""
    rows: dict[str, str] = {}
    for code, libelle in _csv("dossiersco_code_pays.csv"):
        rows.setdefault(code, libelle)
    autres = sorted((c for c in rows if c != FRANCE), key=lambda c: _sans_accents(rows[c]).upper())
    return {FRANCE: rows[FRANCE], **{c: rows[c] for c in autres}}


@cache
def _professions() -> dict[str, str]:
    return {
        code: libelle[:1].upper() + libelle[1:]
        for code, libelle in _csv("dossiersco_professions.csv") if code != PROFESSION_NON_RENSEIGNEE
    }


def professions() -> dict[str, str]:
    """CODE_PROFESSION → label (capitalised, in the current language), by code; 99 (« non
    renseignée », a blank label in the source) is left out: the forms offer it as their empty choice."""
    return {code: _(libelle) for code, libelle in _professions().items()}


def _traduits(labels: dict[str, object]) -> dict[str, str]:
    return {code: str(libelle) for code, libelle in labels.items()}


def civilites() -> dict[str, str]:
    return _traduits(CIVILITES)


def sexes() -> dict[str, str]:
    return _traduits(SEXES)


def liens() -> dict[str, str]:
    return _traduits(LIENS)


def regimes() -> dict[str, str]:
    return _traduits(REGIMES)


def regime(code: str | None) -> str:
    """« Demi-pensionnaire au ticket »; an unknown code « Régime (code 77) », none an empty text."""
    code = (code or "").strip()
    if not code:
        return ""
    return str(REGIMES[code]) if code in REGIMES else _("Régime (code %(code)s)", code=code)


# The coded fields of the forms, for ``libelle_code``: field → (its list, what to call an unknown code).
_CODES = {
    "code_pays": (pays, _l("Pays (code %(code)s)")), "code_pays_naiss": (pays, _l("Pays (code %(code)s)")),
    "code_profession": (professions, _l("Profession (code %(code)s)")),
    "code_parente": (liens, _l("Lien (code %(code)s)")), "lc_civilite": (civilites, _l("Civilité (code %(code)s)")),
    "code_sexe": (sexes, _l("Sexe (code %(code)s)")),
}


def code_connu(champ: str, code: str | None) -> bool:
    """Whether a coded field's value is one of its list's codes."""
    return champ in _CODES and (code or "").strip() in _CODES[champ][0]()


def libelle_code(champ: str, code: str | None) -> str:
    """The label of a coded field's value (« FRANCE » for code_pays 100), for the pages, the staff
    queue and the mails; an unknown code « Profession (code 81) »; any other field's value as is."""
    if champ not in _CODES:
        return code or ""
    liste, inconnu = _CODES[champ]
    code = (code or "").strip()
    if not code or (champ == "code_profession" and code == PROFESSION_NON_RENSEIGNEE):
        return ""
    return liste().get(code) or str(inconnu) % {"code": code}


# --- French postcodes and their communes ----------------------------------------------------------

_SAINTS = {"ST": "SAINT", "STE": "SAINTE", "STS": "SAINTS", "STES": "SAINTES"}


def norme_commune(nom: str) -> str:
    """A commune's name as it is compared: « St-Denis », « saint denis » and « SAINT-DENIS » are
    « SAINT DENIS »; « L'Île-Rousse » is « L ILE ROUSSE »."""
    mots = re.sub(r"[^0-9A-Z]+", " ", _sans_accents(nom).upper()).split()
    return " ".join(_SAINTS.get(mot, mot) for mot in mots)


@cache
def _codes_postaux() -> dict[str, dict[str, str]]:
    """Postcode → {compared name → the commune as stored: the reference's name in upper case}."""
    data = json.loads((DATA / "codes_postaux.json").read_text(encoding="utf-8"))
    index: dict[str, dict[str, str]] = {}
    for cp, names in data.items():
        noms = index[cp] = {}
        for entry in names:
            name, *aliases = [entry] if isinstance(entry, str) else entry
            for nom in (name, *aliases):
                noms.setdefault(norme_commune(nom), name.upper())
    return index


def code_postal_verifiable(code_postal: str) -> bool:
    """The reference covers the postcode's area: all but 98xxx (Monaco, Wallis-et-Futuna, French
    Polynesia, New Caledonia), whose communes a family types freely."""
    return not code_postal.startswith("98")


def code_postal_connu(code_postal: str) -> bool:
    return code_postal in _codes_postaux()


def communes(code_postal: str) -> list[str]:
    """The communes of a French postcode as stored (« LILLE »); none for an unknown postcode."""
    return sorted(set(_codes_postaux().get(code_postal, {}).values()))


def commune_du_code_postal(code_postal: str, saisie: str) -> str | None:
    """The commune a family typed as it is stored (« St Denis » with 97400 is « SAINT-DENIS »), or
    None when it is not one of this postcode's communes."""
    return _codes_postaux().get(code_postal, {}).get(norme_commune(saisie))
