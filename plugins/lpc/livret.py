"""A pupil's livret as the pages and the PDF show it: the reference grid with the pupil's
validations, read in one query whatever their number (compétences, items and language levels)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from teleservices.plugins.lpc import rules
from teleservices.plugins.lpc.grille import Competence, Palier, grille
from teleservices.plugins.lpc.tables import LpcValidation

VALIDATIONS_SQL = """
SELECT 'validation' AS sorte, code, date, 0 AS palier, '' AS langue, '' AS niveau
FROM lpc_validation WHERE eleve_id = {}
UNION ALL
SELECT 'langue' AS sorte, '' AS code, date, palier, langue, niveau FROM lpc_langue WHERE eleve_id = {}
"""


@dataclass(frozen=True)
class Langue:
    langue: str
    niveau: str
    date: dt.date


@dataclass(frozen=True)
class CompetenceLue:
    """A compétence of the grid with what the pupil has validated of it."""

    competence: Competence
    validee_le: dt.date | None
    items: dict[str, dt.date]  # validated items: code -> date
    langue: Langue | None  # compétence 2 only

    @property
    def progression(self) -> rules.Progression:
        return rules.progression(self.competence, self.items)

    @property
    def ancre(self) -> str:
        """An HTML id: « P3-C1 »."""
        return self.competence.code.replace(".", "-")


@dataclass(frozen=True)
class PalierLu:
    palier: Palier
    competences: list[CompetenceLue]

    @property
    def couleur(self) -> rules.Couleur:
        return rules.couleur(self.palier.numero)

    def competence(self, code: str) -> CompetenceLue | None:
        return next((c for c in self.competences if c.competence.code == code), None)


@dataclass(frozen=True)
class Livret:
    courant: PalierLu
    historique: list[PalierLu]  # earlier paliers with validations, latest first


def _jour(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def lire(eleve_id: int) -> Livret:
    rows = await LpcValidation.raw(VALIDATIONS_SQL, eleve_id, eleve_id)
    dates = {r["code"]: _jour(r["date"]) for r in rows if r["sorte"] == "validation"}
    langues = {r["palier"]: Langue(r["langue"], r["niveau"], _jour(r["date"])) for r in rows if r["sorte"] == "langue"}
    return livret(dates, langues)


def livret(dates: dict[str, dt.date], langues: dict[int, Langue]) -> Livret:
    """The livret of these validations (code -> date) and language levels (palier -> Langue)."""
    courant = rules.palier_courant(dates, langues)
    return Livret(
        courant=_palier(courant, dates, langues),
        historique=[_palier(p, dates, langues) for p in rules.historique(dates, langues, courant)],
    )


def _palier(numero: int, dates: dict[str, dt.date], langues: dict[int, Langue]) -> PalierLu:
    palier = grille().palier(numero)
    return PalierLu(palier, [
        CompetenceLue(
            competence=c, validee_le=dates.get(c.code),
            items={i.code: dates[i.code] for i in c.items if i.code in dates},
            langue=langues.get(numero) if c.langue else None,
        )
        for c in palier.competences
    ])
