"""Demo absences for ``teleservices demo``: from the start of the school year to today, a
realistic spread per pupil (most have few absences, some many), half of them over consecutive
half-days (an illness), and the ones that must not be counted: signalées not yet seen,
constatées not yet classées, classées without motif légitime, and several absences in one
half-day (the software records hours). The demo persona's child has absences in the current
month. Publication is authorised in both demo schools. Deterministic and idempotent.
"""

from __future__ import annotations

import datetime as dt
import random

from teleservices.core.api import (
    DemoContext, periods, pupils_of_structure, save_establishment_options, structures, today, write_transaction,
)
from teleservices.plugins.absences.tables import APRES_MIDI, CONSTATEE, MATIN, SIGNALEE, AbsencesAbsence

MOTIFS_LEGITIMES = ("Maladie", "Rendez-vous médical", "Raison familiale", "Convocation officielle")
MOTIFS_NON_LEGITIMES = ("Réveil tardif", "Motif non recevable", "Convenance personnelle")
SAISIE = "Logiciel vie scolaire (démo)"


async def load(context: DemoContext) -> None:
    for kind, etablissement_id in sorted(context.etablissements.items()):
        if await AbsencesAbsence.exists().where(AbsencesAbsence.etablissement_id == etablissement_id):
            continue  # already loaded: a second run changes nothing, not even the publication
        async with write_transaction():
            await save_establishment_options(etablissement_id, "absences", {"publication": True})
        await _etablissement(etablissement_id, random.Random(f"absences-{kind}"), set(context.eleves.values()))


def _jours_de_classe(debut: dt.date, fin: dt.date) -> list[dt.date]:
    """Monday to Friday, and Saturday morning's not used by the demo: weekdays only."""
    return [debut + dt.timedelta(days=i) for i in range((fin - debut).days + 1) if (debut + dt.timedelta(days=i)).weekday() < 5]


async def _etablissement(etablissement_id: int, rng: random.Random, personas: set[int]) -> None:
    annee = await periods(etablissement_id)
    if not annee:
        return
    aujourdhui = today()
    debut = min(p["debut"] for p in annee)
    jours = _jours_de_classe(debut, min(aujourdhui, max(p["fin"] for p in annee)))
    if not jours:
        return
    recents = [j for j in jours if (j.year, j.month) == (aujourdhui.year, aujourdhui.month)]
    lignes: list[AbsencesAbsence] = []
    for division in await structures(etablissement_id):
        if division["type_structure"] != "D":
            continue
        for eleve in await pupils_of_structure(division["id"]):
            episodes = 3 if eleve["id"] in personas else min(int(rng.expovariate(0.6)), 6)
            for numero in range(episodes):
                # A persona's child: a first, counted episode in the current month, for the default filter.
                premier = numero == 0 and eleve["id"] in personas
                jour = rng.choice(recents) if premier and recents else rng.choice(jours)
                lignes += _episode(etablissement_id, eleve["id"], jour, jours, rng, f"{eleve['id']}-{numero}", premier)
    for i in range(0, len(lignes), 500):
        await AbsencesAbsence.insert(*lignes[i:i + 500])


def _episode(etablissement_id: int, eleve_id: int, jour: dt.date, jours: list[dt.date], rng: random.Random,
             ref: str, comptee: bool = False) -> list[AbsencesAbsence]:
    """An absence of one to four consecutive half-days, processed or not (counted when ``comptee``)."""
    demis = [(j, d) for j in jours[jours.index(jour):jours.index(jour) + 2] for d in (MATIN, APRES_MIDI)]
    demis = demis[rng.randrange(2):][: rng.randint(1, 4)]
    sorte = 0.0 if comptee else rng.random()
    if sorte < 0.65:  # counted: constatée, classée, motif légitime
        etat, classee, legitime, motif = CONSTATEE, True, True, rng.choice(MOTIFS_LEGITIMES)
    elif sorte < 0.78:  # classée, but without motif légitime: not counted
        etat, classee, legitime, motif = CONSTATEE, True, False, rng.choice(MOTIFS_NON_LEGITIMES)
    elif sorte < 0.9:  # seen in class, not processed yet: not counted
        etat, classee, legitime, motif = CONSTATEE, False, False, ""
    else:  # announced by the family only: not counted
        etat, classee, legitime, motif = SIGNALEE, False, False, "Prévenu par la famille"
    lignes = []
    for rang, (date, demi) in enumerate(demis):
        # The software records absences per hour: two events for some half-days, counted once.
        for heure in range(2 if rng.random() < 0.3 else 1):
            lignes.append(AbsencesAbsence(
                etablissement_id=etablissement_id, eleve_id=eleve_id, date=date, demi_journee=demi, etat=etat,
                classee=classee, motif_legitime=legitime, motif=motif, saisie_par=SAISIE,
                reference=f"DEMO-{ref}-{rang}-{heure}",
            ))
    return lignes
