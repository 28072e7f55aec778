"""The rules of the LPC, as pure functions (no database, no request): the pupil's current palier,
the colours of the paliers, the progress of a compétence, and what a validation must respect.

Current palier: the highest palier the pupil has anything validated in (a compétence, an item
or a language level); with nothing validated yet, palier 3, the collège's. A 6e pupil whose
palier 2 the collège is still validating thus sees palier 2 until palier 3 begins; the earlier
paliers with validations are the history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable

from teleservices.core.api import gettext as _, lazy_gettext as _l
from teleservices.plugins.lpc.grille import NIVEAU_LANGUE, Competence, Grille, palier_du_code

PALIER_PAR_DEFAUT = 3
LANGUE_MAX = 60


@dataclass(frozen=True)
class Couleur:
    """How a palier is shown: a CSS class for its background and its name in words (never the
    colour alone)."""

    classe: str
    nom: Any  # a lazy string: shown in the page's language


COULEURS = {
    3: Couleur("palier-3", _l("vert")),
    2: Couleur("palier-2", _l("orange")),
    1: Couleur("palier-1", _l("bleu")),
}


def couleur(palier: int) -> Couleur:
    """Guide 3.6: green for palier 3, orange for palier 2, blue for palier 1."""
    return COULEURS[palier]


def paliers_renseignes(codes: Iterable[str], paliers_langue: Iterable[int]) -> set[int]:
    """The paliers with at least one validation."""
    return {p for p in (palier_du_code(c) for c in codes) if p} | set(paliers_langue)


def palier_courant(codes: Iterable[str], paliers_langue: Iterable[int] = ()) -> int:
    return max(paliers_renseignes(codes, paliers_langue), default=PALIER_PAR_DEFAUT)


def historique(codes: Iterable[str], paliers_langue: Iterable[int], courant: int) -> list[int]:
    """The earlier paliers with validations, latest first."""
    return sorted((p for p in paliers_renseignes(codes, paliers_langue) if p < courant), reverse=True)


@dataclass(frozen=True)
class Progression:
    valides: int
    total: int

    @property
    def pourcentage(self) -> int:
        return round(100 * self.valides / self.total) if self.total else 0


def progression(competence: Competence, valides: Iterable[str]) -> Progression:
    """Items of the compétence validated, out of all its items."""
    codes = set(valides)
    return Progression(sum(1 for item in competence.items if item.code in codes), len(competence.items))


# What a validation must respect (staff page, import, API): each returns the reason in the request's
# language, or None (the API's requests are always French: its messages stay French).


def erreur_code(code: str, grille: Grille) -> str | None:
    if code not in grille.competences and code not in grille.items:
        return _("Code inconnu dans la grille du LPC : %(code)s.", code=code)
    return None


# The socle commun dates from 2006 (decree of 11 July 2006): no validation is older.
PREMIER_JOUR = dt.date(2006, 7, 11)


def erreur_date(date: dt.date, aujourdhui: dt.date) -> str | None:
    if date > aujourdhui:
        return _("La date de validation ne peut pas être dans le futur.")
    if date < PREMIER_JOUR:
        return _("La date de validation ne peut pas précéder le socle commun (11/07/2006) : vérifiez l'année.")
    return None


def erreur_langue(palier: int, langue: str, niveau: str) -> str | None:
    """Compétence 2 is validated in a named language at the palier's level (A1, A2)."""
    attendu = NIVEAU_LANGUE.get(palier)
    if attendu is None:
        return _("Le palier %(palier)s ne valide pas de niveau de langue.", palier=palier)
    if niveau != attendu:
        return _("Au palier %(palier)s, le niveau validé est %(niveau)s.", palier=palier, niveau=attendu)
    if not langue.strip():
        return _("Indiquez la langue (par exemple « ANGLAIS LV1 »).")
    if len(langue.strip()) > LANGUE_MAX:
        return _("Le nom de la langue ne dépasse pas %(max)s caractères.", max=LANGUE_MAX)
    return None
