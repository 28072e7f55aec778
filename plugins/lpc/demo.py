"""Demo LPC for ``teleservices demo``: the collège's pupils at every stage. In 6e the collège is
still validating palier 2 (palier 1 done at school); in 5e palier 2 is done and palier 3 begins;
in 4e it is half-way (Léa among them); in 3e nearly done, and the last pupil of 3e has it all,
language level A2 included. Every fifth pupil has nothing validated at all. Dates are school days
before today. Deterministic and idempotent (an establishment with validations is left alone).
"""

from __future__ import annotations

import datetime as dt
import random

from teleservices.core.api import DemoContext, periods, pupils_of_structure, structures, today
from teleservices.plugins.lpc.grille import NIVEAU_LANGUE, Palier, grille
from teleservices.plugins.lpc.tables import LpcLangue, LpcValidation

SAISIE = "Logiciel LPC (démo)"
# By the class's level (first character of its code): how far palier 3 (or palier 2 in 6e) is.
AVANCEMENT = {"6": 0.55, "5": 0.15, "4": 0.45, "3": 0.85}
LANGUE = "ANGLAIS LV1"


async def load(context: DemoContext) -> None:
    etablissement_id = context.etablissements.get("college")
    if etablissement_id is None or await LpcValidation.exists().where(LpcValidation.etablissement_id == etablissement_id):
        return
    rng = random.Random("lpc-college")
    annee = await periods(etablissement_id)
    rentree = min(p["debut"] for p in annee) if annee else today()
    validations: list[LpcValidation] = []
    langues: list[LpcLangue] = []
    classes = [s for s in await structures(etablissement_id) if s["type_structure"] == "D"]
    for classe in classes:
        niveau = classe["code_structure"][:1]
        if niveau not in AVANCEMENT:
            continue
        eleves = await pupils_of_structure(classe["id"])
        for rang, eleve in enumerate(eleves):
            if rang % 5 == 4:
                continue  # nothing validated yet
            complet = niveau == "3" and rang == len(eleves) - 1
            parcours = Parcours(etablissement_id, eleve["id"], rng, validations, langues)
            parcours.palier(grille().palier(1), 1.0, _juin(rentree, niveau, 1))
            if niveau == "6":  # the collège validates palier 2 in 6e
                parcours.palier(grille().palier(2), AVANCEMENT[niveau], None)
                continue
            parcours.palier(grille().palier(2), 1.0, _juin(rentree, niveau, 2))
            parcours.palier(grille().palier(3), 1.0 if complet else AVANCEMENT[niveau], None)
    for i in range(0, len(validations), 500):
        await LpcValidation.insert(*validations[i:i + 500])
    if langues:
        await LpcLangue.insert(*langues)


def _juin(rentree: dt.date, niveau: str, palier: int) -> dt.date:
    """The end of CE1 (palier 1) or CM2 (palier 2) of a pupil now in this level: a June before."""
    annees = {"6": 0, "5": 1, "4": 2, "3": 3}[niveau] + (3 if palier == 1 else 0)
    return dt.date(rentree.year - annees, 6, 20)


class Parcours:
    """One pupil's validations, added to the lists to insert."""

    def __init__(self, etablissement_id: int, eleve_id: int, rng: random.Random, validations: list, langues: list):
        self.etablissement_id, self.eleve_id, self.rng = etablissement_id, eleve_id, rng
        self.validations, self.langues = validations, langues

    def _jour(self, fixe: dt.date | None) -> dt.date:
        """A fixed day (a palier done at school), or a school day of the last year and a half."""
        if fixe:
            return fixe
        jour = today() - dt.timedelta(days=self.rng.randint(1, 540))
        return jour - dt.timedelta(days=max(0, jour.weekday() - 4))

    def _valide(self, code: str, jour: dt.date) -> None:
        self.validations.append(LpcValidation(
            etablissement_id=self.etablissement_id, eleve_id=self.eleve_id, code=code, date=jour, saisie_par=SAISIE))

    def palier(self, palier: Palier, avancement: float, fixe: dt.date | None) -> None:
        """Each item validated with probability ``avancement``; a compétence once most of its
        items are; compétence 2 with its language level."""
        for competence in palier.competences:
            jours = []
            for item in competence.items:
                if avancement >= 1 or self.rng.random() < avancement:
                    jours.append(self._jour(fixe))
                    self._valide(item.code, jours[-1])
            if jours and (avancement >= 1 or len(jours) >= 0.8 * len(competence.items)):
                jour = max(jours)
                self._valide(competence.code, jour)
                if competence.langue and palier.numero in NIVEAU_LANGUE:
                    self.langues.append(LpcLangue(
                        etablissement_id=self.etablissement_id, eleve_id=self.eleve_id, palier=palier.numero,
                        langue=LANGUE, niveau=NIVEAU_LANGUE[palier.numero], date=jour, saisie_par=SAISIE))
