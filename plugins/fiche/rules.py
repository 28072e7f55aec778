"""The rules of the fiche de renseignements (guide 3.3), as pure functions: how a field's value
is kept as text in a request, the last change that wins, the guardians' turns on the pupil's
record, and when « Identique à celle du responsable légal 1 » is greyed.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any, Mapping

from teleservices.core.api import lazy_gettext as _l

DATES = ("date_naiss",)
BOOLEENS = ("adresse_resp1", "communication_adresse", "accepte_sms")
ADRESSE = ("ligne1_adresse", "ligne2_adresse", "ligne3_adresse", "ligne4_adresse", "code_postal", "libelle_postal",
           "code_pays")

DEJA_TRAITEE = _l("L'établissement vient de traiter vos modifications précédentes : vérifiez la fiche, puis "
                  "validez de nouveau ce que vous souhaitez changer.")
EN_COURS = _l("Des modifications de la fiche de l'élève sont en cours de traitement par l'établissement : vous "
              "pourrez la modifier à votre tour lorsqu'elles auront été traitées.")


def texte(champ: str, valeur: Any) -> str:
    """A value as a request keeps it: ISO dates, « 1 »/« 0 » for a checkbox, text otherwise."""
    if valeur is None:
        return ""
    if champ in BOOLEENS:
        return "1" if valeur else "0"
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    return str(valeur)


def valeur(champ: str, text: str) -> Any:
    """A kept value back in the record's type."""
    if champ in BOOLEENS:
        return text == "1"
    if champ in DATES:
        return dt.date.fromisoformat(text)
    return text


def changements(
    actuel: Mapping[str, Any], soumis: Mapping[str, Any], en_attente: Mapping[str, tuple[str, str]],
) -> dict[str, tuple[str, str]]:
    """The fields a request asks to change after this submission, as (value in the record, value
    asked): a field changed again keeps only the last value asked (guide 3.3), and a field put
    back to the record's value is no longer a change."""
    resultat = dict(en_attente)
    for champ, nouvelle in soumis.items():
        ancienne, demandee = texte(champ, actuel.get(champ)), texte(champ, nouvelle)
        if demandee == ancienne:
            resultat.pop(champ, None)
        else:
            resultat[champ] = (ancienne, demandee)
    return resultat


def bloque(demandeur_en_attente: int | None, compte_id: int) -> bool:
    """Guide 3.3: both guardians may update the pupil's data, not at the same time. Another
    account's pending request on the pupil's record blocks this one until it is processed."""
    return demandeur_en_attente is not None and demandeur_en_attente != compte_id


def _norme(text: Any) -> str:
    plain = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return " ".join(plain.upper().replace("-", " ").split())


def meme_adresse(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Two guardians live at the same address (lines, postcode, commune, country; accents, case
    and hyphens aside)."""
    return all(_norme(a.get(champ)) == _norme(b.get(champ)) for champ in ADRESSE)


def case_adresse_grisee(detenus: set[int], gardiens: list[Mapping[str, Any]]) -> bool:
    """Guide 3.3: « Identique à celle du responsable légal 1 » is greyed when guardian 2 reaches
    the fiche through an account of their own and lives at guardian 1's address."""
    par_niveau = {g["resp_legal"]: g for g in gardiens}
    un, deux = par_niveau.get(1), par_niveau.get(2)
    if not un or not deux:
        return False
    return deux["id"] in detenus and un["id"] not in detenus and meme_adresse(un, deux)
