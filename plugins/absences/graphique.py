"""The half-days per week as a bar chart, drawn on the server as SVG (no chart library reaches
the browser). The table under it gives the same figures, for screen readers and for anyone who
prefers numbers: the SVG is one labelled image."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from teleservices.core.api import gettext as _
from teleservices.plugins.absences.rules import LigneSemaine

HAUTEUR = 140
GAUCHE, DROITE, HAUT, BAS = 26, 6, 14, 22
PAS_MIN = 22  # the narrowest slot of a week: a year's 45 weeks still fit one viewBox
LARGEUR_MIN = 320  # a month's four or five weeks get wider slots, not a tiny chart
ECHELLE_MIN = 4  # the scale shows at least 0 to 4 half-days, so that a single one is not a wall


@dataclass(frozen=True)
class Barre:
    x: float
    y: float
    largeur: float
    hauteur: float
    nombre: int
    numero: int
    partagee: bool


@dataclass(frozen=True)
class Barres:
    barres: list[Barre]
    graduations: list[tuple[float, int]]  # y, value
    largeur: int
    hauteur: int = HAUTEUR
    gauche: int = GAUCHE

    @property
    def droite(self) -> int:
        return self.largeur - DROITE

    @property
    def description(self) -> str:
        semaines = ", ".join(
            _("semaine %(numero)s : %(nombre)s", numero=b.numero, nombre=b.nombre) for b in self.barres)
        return _("Nombre de demi-journées d'absence par semaine, de la plus ancienne à la plus récente : %(semaines)s.",
                 semaines=semaines)


def barres(lignes: Sequence[LigneSemaine]) -> Barres | None:
    """The chart of these weeks, oldest first; None when there is no week to draw."""
    if not lignes:
        return None
    echelle = max(ECHELLE_MIN, max(l.nombre for l in lignes))
    pas = max(PAS_MIN, (LARGEUR_MIN - GAUCHE - DROITE) / len(lignes))
    largeur = round(GAUCHE + DROITE + pas * len(lignes))
    utile = HAUTEUR - HAUT - BAS

    def y(valeur: float) -> float:
        return HAUT + utile * (1 - valeur / echelle)

    resultat = [
        Barre(
            x=GAUCHE + i * pas + pas * 0.2, y=y(l.nombre), largeur=pas * 0.6, hauteur=utile * l.nombre / echelle,
            nombre=l.nombre, numero=l.semaine.numero, partagee=l.semaine.partagee,
        )
        for i, l in enumerate(lignes)
    ]
    cran = 1 if echelle <= 6 else 2 if echelle <= 12 else 5
    return Barres(resultat, [(y(v), v) for v in range(0, echelle + 1, cran)], largeur)
