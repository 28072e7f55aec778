"""The fields of the two forms as the guide names them (« Mise à jour élève », « Mise à jour
responsable légal 1/2 »), grouped in the guide's sections; the keys are the record's fields
(core's PUPIL_FIELDS and GUARDIAN_FIELDS)."""

from __future__ import annotations

from dataclasses import dataclass

from teleservices.core.api import GUARDIAN_FIELDS, PUPIL_FIELDS


@dataclass(frozen=True)
class Champ:
    nom: str
    libelle: str
    obligatoire: bool = False


ELEVE_SECTIONS: tuple[tuple[str, tuple[Champ, ...]], ...] = (
    ("Identité", (
        Champ("nom_de_famille", "Nom de famille", True), Champ("prenom", "1er prénom", True),
        Champ("prenom2", "2ème prénom"), Champ("prenom3", "3ème prénom"), Champ("code_sexe", "Sexe", True),
        Champ("date_naiss", "Né le", True), Champ("code_pays_naiss", "Pays de naissance", True),
        Champ("ville_naiss", "Commune"),
    )),
    ("Adresse", (Champ("adresse_resp1", "Identique à celle du responsable légal 1"),)),
    ("Téléphone & Courriel", (
        Champ("tel_domicile", "Tél. Domicile"), Champ("tel_travail", "Tél. Travail"),
        Champ("tel_portable", "Tél. Mobile"), Champ("mel", "Courriel"),
    )),
)
RESPONSABLE_SECTIONS: tuple[tuple[str, tuple[Champ, ...]], ...] = (
    ("Identité", (
        Champ("code_parente", "Lien avec l'élève", True), Champ("lc_civilite", "Civilité", True),
        Champ("nom_de_famille", "Nom de famille", True), Champ("prenom", "Prénom", True),
    )),
    ("Profession", (Champ("code_profession", "Profession"),)),
    ("Adresse", (
        Champ("ligne1_adresse", "Adresse"), Champ("ligne2_adresse", "Adresse (suite)"),
        Champ("ligne3_adresse", "Adresse (suite)"), Champ("ligne4_adresse", "Adresse (suite)"),
        Champ("code_postal", "CP", True), Champ("libelle_postal", "Commune", True), Champ("code_pays", "Pays", True),
        Champ("communication_adresse", "Autorise à communiquer son adresse"),
    )),
    ("Téléphone & Courriel", (
        Champ("tel_personnel", "Tél. Domicile"), Champ("tel_professionnel", "Tél. Travail"),
        Champ("tel_portable", "Tél. Mobile"), Champ("accepte_sms", "Accepte les SMS"), Champ("mel", "Courriel"),
    )),
)

ELEVE_CHAMPS = {c.nom: c for _, champs in ELEVE_SECTIONS for c in champs}
RESPONSABLE_CHAMPS = {c.nom: c for _, champs in RESPONSABLE_SECTIONS for c in champs}
assert set(ELEVE_CHAMPS) == set(PUPIL_FIELDS), "the pupil's form and the record's fields differ"
assert set(RESPONSABLE_CHAMPS) == set(GUARDIAN_FIELDS), "the guardian's form and the record's fields differ"


def libelle(cible: str, champ: str) -> str:
    """« Tél. Mobile », for the staff queue and the mails."""
    champs = ELEVE_CHAMPS if cible == "eleve" else RESPONSABLE_CHAMPS
    return champs[champ].libelle if champ in champs else champ
