"""The rules of the grades service, as pure functions (no database, no request): publication,
statistics, averages, codes, and the "nouveau" marker.

Scales: a grade, and its class statistics (Moy, Mi, Ma), are shown on their assessment's own
scale (« 7 » of an assessment « sur 10 » stays 7, with « /10 »), as the teacher wrote them.
Averages are computed on 20: each grade is first brought to 20 (7/10 → 14/20).

Averages: the average of a subject is the mean of its grades brought to 20, each weighted by its
assessment's coefficient. The general average is the plain mean of the subject averages: every
subject weighs the same, as most school software does without the report card's own
coefficients (which the portal does not know).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from teleservices.core.api import Periode, format_number, periode_de
from teleservices.core.api import gettext as _, lazy_gettext as _l

AU_FIL_DE_L_EAU = "au_fil_de_l_eau"
A_PARTIR_DU = "a_partir_du"

# The codes a grade may carry instead of a number, as shown, and what they mean.
CODES = {"ABS": "ABS", "DIS": "DIS", "NNOT": "N.NOT"}
# What each code means (a grade's « absent », not the pupil's absence).
RAISON_CODE = {"ABS": _l("absent"), "DIS": _l("dispensé"), "NNOT": _l("non noté")}
LEGENDE = tuple((shown, RAISON_CODE[code]) for code, shown in CODES.items())


# Page views closer than this belong to the same visit: filtering the table (a new page without
# JavaScript) does not make the "nouveau" badges disappear.
MEME_VISITE = dt.timedelta(minutes=30)
# At an account's first visit, what was published during the last week is "nouveau".
PREMIERE_VISITE = dt.timedelta(days=7)

# Publication ----------------------------------------------------------------------------------


def visible_le(
    publie: bool, publie_le: dt.datetime | None, jour: dt.date, options: dict[str, Any],
    periodes: Sequence[Periode],
) -> dt.datetime | None:
    """When an assessment's grades became (or become) visible to families, or None if they
    never will as things stand: the teacher did not publish it (or took the publication back),
    or the establishment publishes « à partir d'une date » and has no date for its period.

    Au fil de l'eau: from the teacher's publication. À partir d'une date: from the later of the
    teacher's publication and the date the establishment chose for the assessment's period
    (options ``publication_t1``, ``publication_t2``...: ISO dates, "" when not set).
    """
    if not publie:
        return None
    depuis = publie_le or dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    if options.get("publication", AU_FIL_DE_L_EAU) != A_PARTIR_DU:
        return depuis
    periode = periode_de(jour, periodes)
    date = _date_option(options.get(f"publication_{periode.code.lower()}") if periode else None)
    if date is None:
        return None
    return max(depuis, dt.datetime.combine(date, dt.time(), tzinfo=dt.timezone.utc))


def est_visible(visible_depuis: dt.datetime | None, maintenant: dt.datetime) -> bool:
    return visible_depuis is not None and visible_depuis <= maintenant


def _date_option(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def est_nouvelle(visible_depuis: dt.datetime, saisie_le: dt.datetime | None, nouveau_depuis: dt.datetime) -> bool:
    """A grade is "nouveau" when it became visible, or was changed, after the previous visit."""
    return max(visible_depuis, saisie_le or visible_depuis) > nouveau_depuis


# Grades, statistics, averages -----------------------------------------------------------------


def affiche(valeur: float | None, code: str = "") -> str:
    """A grade as shown: « 12,5 », « 15 » (« 12.5 » in English), or its code (« ABS », « DIS »,
    « N.NOT »)."""
    if code:
        return CODES.get(code, code)
    if valeur is None:
        return ""
    return format_number(round(valeur, 2), 2)


@dataclass(frozen=True)
class Statistiques:
    """Moy, Mi, Ma of an assessment, on its own scale, from its numeric grades only."""

    moyenne: float | None
    mini: float | None
    maxi: float | None

    @classmethod
    def agregat(cls, nombre: int, somme: float | None, mini: float | None, maxi: float | None) -> Statistiques:
        """From SQL's COUNT, SUM, MIN and MAX of the grades' values (NULL for a code)."""
        if not nombre:
            return cls(None, None, None)
        return cls(somme / nombre, mini, maxi)


def statistiques(notes: Iterable[tuple[float | None, str]]) -> Statistiques:
    """The class statistics of one assessment from its grades (value, code): codes (ABS, DIS,
    N.NOT) are left out, as SQL's aggregates leave out their NULL value."""
    valeurs = [valeur for valeur, code in notes if valeur is not None and not code]
    return Statistiques.agregat(len(valeurs), sum(valeurs), min(valeurs, default=None), max(valeurs, default=None))


@dataclass(frozen=True)
class NoteComptee:
    """A grade as an average sees it."""

    libelle: str
    date: dt.date
    valeur: float | None
    code: str
    bareme: int
    coefficient: float

    @property
    def sur_20(self) -> float | None:
        if self.valeur is None or self.code or not self.bareme:
            return None
        return self.valeur * 20 / self.bareme

    @property
    def raison_ecartee(self) -> str:
        """Why the average leaves this grade out, or "" when it counts."""
        if self.code:
            return _("%(code)s : %(raison)s", code=CODES.get(self.code, self.code),
                     raison=RAISON_CODE.get(self.code) or _("pas de note"))
        if self.sur_20 is None:
            return _("pas de note")
        if self.coefficient <= 0:
            return _("coefficient 0")
        return ""


@dataclass
class Moyenne:
    """An average on 20 and the grades it did and did not take."""

    valeur: float | None
    prises: list[NoteComptee] = field(default_factory=list)
    ecartees: list[NoteComptee] = field(default_factory=list)


def moyenne_matiere(notes: Iterable[NoteComptee]) -> Moyenne:
    """The weighted mean on 20 of a subject's grades: Σ(coefficient × note sur 20) / Σ coefficients."""
    prises, ecartees = [], []
    for note in notes:
        (ecartees if note.raison_ecartee else prises).append(note)
    poids = sum(n.coefficient for n in prises)
    valeur = sum(n.coefficient * n.sur_20 for n in prises) / poids if poids else None
    return Moyenne(valeur, prises, ecartees)


def moyenne_generale(moyennes: Iterable[float | None]) -> float | None:
    """The plain mean of the subject averages that exist: each subject weighs the same."""
    valeurs = [m for m in moyennes if m is not None]
    return sum(valeurs) / len(valeurs) if valeurs else None
