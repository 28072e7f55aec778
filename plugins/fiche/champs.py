"""The fields of the two forms as the guide names them (« Mise à jour élève », « Mise à jour
responsable légal 1/2 »), grouped in the guide's sections; the keys are the record's fields
(core's PUPIL_FIELDS and GUARDIAN_FIELDS)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from teleservices.core.api import GUARDIAN_FIELDS, PUPIL_FIELDS, lazy_gettext as _l


@dataclass(frozen=True)
class Champ:
    nom: str
    libelle: Any  # a lazy string: shown in the page's language
    obligatoire: bool = False


ELEVE_SECTIONS: tuple[tuple[Any, tuple[Champ, ...]], ...] = (
    (_l("Identité"), (
        Champ("nom_de_famille", _l("Nom de famille"), True), Champ("prenom", _l("1er prénom"), True),
        Champ("prenom2", _l("2ème prénom")), Champ("prenom3", _l("3ème prénom")),
        Champ("code_sexe", _l("Sexe"), True),
        Champ("date_naiss", _l("Né le"), True), Champ("code_pays_naiss", _l("Pays de naissance"), True),
        Champ("ville_naiss", _l("Commune")),
    )),
    (_l("Adresse"), (Champ("adresse_resp1", _l("Identique à celle du responsable légal 1")),)),
    (_l("Téléphone & Courriel"), (
        Champ("tel_domicile", _l("Tél. Domicile")), Champ("tel_travail", _l("Tél. Travail")),
        Champ("tel_portable", _l("Tél. Mobile")), Champ("mel", _l("Courriel")),
    )),
)
RESPONSABLE_SECTIONS: tuple[tuple[Any, tuple[Champ, ...]], ...] = (
    (_l("Identité"), (
        Champ("code_parente", _l("Lien avec l'élève"), True), Champ("lc_civilite", _l("Civilité"), True),
        Champ("nom_de_famille", _l("Nom de famille"), True), Champ("prenom", _l("Prénom"), True),
    )),
    (_l("Profession"), (Champ("code_profession", _l("Profession")),)),
    (_l("Adresse"), (
        Champ("ligne1_adresse", _l("Adresse")), Champ("ligne2_adresse", _l("Adresse (suite)")),
        Champ("ligne3_adresse", _l("Adresse (suite)")), Champ("ligne4_adresse", _l("Adresse (suite)")),
        Champ("code_postal", _l("CP"), True), Champ("libelle_postal", _l("Commune"), True),
        Champ("code_pays", _l("Pays"), True),
        Champ("communication_adresse", _l("Autorise à communiquer son adresse")),
    )),
    (_l("Téléphone & Courriel"), (
        Champ("tel_personnel", _l("Tél. Domicile")), Champ("tel_professionnel", _l("Tél. Travail")),
        Champ("tel_portable", _l("Tél. Mobile")), Champ("accepte_sms", _l("Accepte les SMS")),
        Champ("mel", _l("Courriel")),
    )),
)

ELEVE_CHAMPS = {c.nom: c for _, champs in ELEVE_SECTIONS for c in champs}
RESPONSABLE_CHAMPS = {c.nom: c for _, champs in RESPONSABLE_SECTIONS for c in champs}
assert set(ELEVE_CHAMPS) == set(PUPIL_FIELDS), "the pupil's form and the record's fields differ"
assert set(RESPONSABLE_CHAMPS) == set(GUARDIAN_FIELDS), "the guardian's form and the record's fields differ"


def libelle(cible: str, champ: str) -> Any:
    """« Tél. Mobile », for the staff queue and the mails (lazy: in the language it is shown in)."""
    champs = ELEVE_CHAMPS if cible == "eleve" else RESPONSABLE_CHAMPS
    return champs[champ].libelle if champ in champs else champ
