"""The online enrolment's demo: the lycée's campaign, open today, with the guide's information
message; its offer for the seconde; every 3e pupil of the collège assigned to it; and a few
families at each step, so that the lycée's follow-up has content. Mélanie (``demo.parent3e``)
has not started: her mother goes through the four steps.
"""

from __future__ import annotations

import datetime as dt

from teleservices.core.api import DemoContext, mefs, pupils_of_structure, structures
from teleservices.plugins.inscription import rules
from teleservices.plugins.inscription.tables import (
    InscriptionAffectation, InscriptionCampagne, InscriptionDossier, InscriptionOffre,
)

MESSAGE = """Bonjour,

Rentrée le mercredi 2 septembre pour les élèves de seconde à 10h30.

Choix de langues possibles : AGL1 et ALL2, ESP2 ou ITA2.

Pour les enseignements d'exploration, consultez la présentation sur le site du lycée : l'un des deux enseignements d'économie (SES ou PFEG) est obligatoire.

Merci de retourner le dossier d'inscription complété (certificat de vaccination, attestation d'assurance, photo d'identité) pour le 10 juillet.

La demi-pension : le règlement et les tarifs sont remis le jour de la rentrée."""
OFFRE = [
    (rules.LV1, "AGL1", "Anglais"), (rules.LV1, "ALL1", "Allemand"),
    (rules.LV2, "ALL2", "Allemand"), (rules.LV2, "ESP2", "Espagnol"), (rules.LV2, "ITA2", "Italien"),
    (rules.OPTION, "SES", "Sciences économiques et sociales"),
    (rules.OPTION, "PFEG", "Principes fondamentaux de l'économie et de la gestion"),
    (rules.OPTION, "MPS", "Méthodes et pratiques scientifiques"),
    (rules.OPTION, "LS", "Littérature et société"),
    (rules.OPTION, "LATIN", "Langues et cultures de l'Antiquité : latin"),
]
# The other 3e families' progress, in turn: not started, validated, wishes given, confirmed.
PROGRES = [
    ([], None),
    ([rules.VALIDATION], None),
    ([rules.VALIDATION, rules.VOEUX], ("AGL1", "ESP2", ["SES", "MPS"])),
    ([rules.VALIDATION, rules.VOEUX, rules.FICHE, rules.RECAPITULATIF], ("AGL1", "ALL2", ["PFEG", "LS"])),
]


async def load(context: DemoContext) -> None:
    lycee, college = context.etablissements["lycee"], context.etablissements["college"]
    if await InscriptionCampagne.exists().where(InscriptionCampagne.etablissement_id == lycee):
        return
    today = context.today
    await InscriptionCampagne.insert(InscriptionCampagne(
        etablissement_id=lycee, rentree=today.year + (1 if today.month >= 8 else 0),
        ouverture=today - dt.timedelta(days=7), fermeture=today + dt.timedelta(days=30), message=MESSAGE,
        options_min=1, options_max=2, incompatibles=[["SES", "PFEG"]],
        annoncee_le=today - dt.timedelta(days=7),  # opened a week ago, and told then
    ))
    seconde = next(m["code_mef"] for m in await mefs(lycee) if any(d.startswith("2NDE") for d in m["divisions"]))
    await InscriptionOffre.insert(*[
        InscriptionOffre(etablissement_id=lycee, code_mef=seconde, categorie=c, code=code, libelle=libelle)
        for c, code, libelle in OFFRE
    ])
    troisieme = next(s["id"] for s in await structures(college) if s["code_structure"] == "3E")
    eleves = [e["id"] for e in await pupils_of_structure(troisieme)]
    for eleve_id in eleves:
        await InscriptionAffectation.insert(InscriptionAffectation(lycee_id=lycee, eleve_id=eleve_id, code_mef=seconde))
    affectations = {r["eleve_id"]: r["id"] for r in await InscriptionAffectation.select(
        InscriptionAffectation.id, InscriptionAffectation.eleve_id).where(InscriptionAffectation.lycee_id == lycee)}
    autres = [e for e in eleves if e != context.eleves.get("troisieme")]
    dossiers = []
    for n, eleve_id in enumerate(autres):
        etapes, voeux = PROGRES[n % len(PROGRES)]
        if not etapes:
            continue
        lv1, lv2, options = voeux or ("", "", [])
        confirme = rules.RECAPITULATIF in etapes
        dossiers.append(InscriptionDossier(
            affectation=affectations[eleve_id], etapes=etapes, lv1=lv1, lv2=lv2, options=options,
            confirme_le=dt.datetime.combine(today - dt.timedelta(days=2), dt.time(18, 30), dt.timezone.utc)
            if confirme else None,
        ))
    if dossiers:
        await InscriptionDossier.insert(*dossiers)
