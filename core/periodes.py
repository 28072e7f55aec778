"""The school year as families filter it: its periods (T1, T2, T3 or S1, S2), its months, and the
« Filtre par » choice of a period, a month or the whole year. Pure functions, shared by the
services through ``teleservices.core.api`` (the grades filter by period by default, the
absences by month).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Sequence

from teleservices.core.i18n import format_date, gettext as _

# The French names of the months (kept for plugins that still import them: a month's label in the
# page's language is ``mois_de_l_annee``'s).
MOIS = ("Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre",
        "Octobre", "Novembre", "Décembre")

TOUTES = "toutes"
PAR_PERIODE = "periode"
PAR_MOIS = "mois"


@dataclass(frozen=True)
class Periode:
    code: str  # "T1"
    libelle: str  # "1er trimestre"
    debut: dt.date
    fin: dt.date

    def contient(self, jour: dt.date) -> bool:
        return self.debut <= jour <= self.fin

    @classmethod
    def de_ligne(cls, row: dict[str, Any]) -> Periode:
        """From a row of ``periods()`` (SQLite may give dates as text)."""
        return cls(row["code"], row["libelle"], _date(row["debut"]), _date(row["fin"]))


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def periode_de(jour: dt.date, periodes: Sequence[Periode]) -> Periode | None:
    """The period whose [debut, fin] contains this day, if any."""
    return next((p for p in periodes if p.contient(jour)), None)


def periode_courante(aujourdhui: dt.date, periodes: Sequence[Periode]) -> Periode | None:
    """The period in progress (trimestre en cours); between two periods the last one begun;
    before the first one, the first one."""
    commencees = [p for p in periodes if p.debut <= aujourdhui]
    if commencees:
        return max(commencees, key=lambda p: p.debut)
    return min(periodes, key=lambda p: p.debut, default=None)


def mois_de_l_annee(periodes: Sequence[Periode]) -> list[tuple[str, str]]:
    """The months of the school year, from the first period's start to the last one's end, as
    (value, label): ("2026-09", "Septembre 2026")."""
    if not periodes:
        return []
    debut = min(p.debut for p in periodes)
    fin = max(p.fin for p in periodes)
    mois, annee, numero = [], debut.year, debut.month
    while (annee, numero) <= (fin.year, fin.month):
        mois.append((f"{annee}-{numero:02d}", nom_du_mois(annee, numero)))
        annee, numero = (annee + 1, 1) if numero == 12 else (annee, numero + 1)
    return mois


def nom_du_mois(annee: int, numero: int) -> str:
    """« Septembre 2026 » (« September 2026 »): a month and its year, capitalised, as a choice."""
    label = format_date(dt.date(annee, numero, 1), "mois")
    return label[:1].upper() + label[1:]


@dataclass(frozen=True)
class Filtre:
    """The « Filtre par » choice: a period, a month, or the whole school year."""

    valeur: str  # "T2", "2026-09" or "toutes"
    libelle: str  # "T2", "Septembre 2026", "toutes les périodes"
    debut: dt.date | None
    fin: dt.date | None

    def garde(self, jour: dt.date) -> bool:
        return (self.debut is None or self.debut <= jour) and (self.fin is None or jour <= self.fin)


def _filtre_du_mois(code: str, libelle: str) -> Filtre:
    annee, numero = map(int, code.split("-"))
    fin = dt.date(annee + numero // 12, numero % 12 + 1, 1) - dt.timedelta(days=1)
    return Filtre(code, libelle, dt.date(annee, numero, 1), fin)


def _toute_l_annee(periodes: Sequence[Periode]) -> Filtre:
    debut = min((p.debut for p in periodes), default=None)
    fin = max((p.fin for p in periodes), default=None)
    return Filtre(TOUTES, _("toutes les périodes"), debut, fin)


def filtre(valeur: str | None, periodes: Sequence[Periode], aujourdhui: dt.date, par_defaut: str = PAR_PERIODE) -> Filtre:
    """The filter a « periode » parameter asks for. By default (or when it names nothing we
    know): the period in progress, or with ``par_defaut=PAR_MOIS`` the month in progress (the
    school year's first or last month outside it)."""
    for p in periodes:
        if valeur == p.code:
            return Filtre(p.code, p.code, p.debut, p.fin)
    mois = mois_de_l_annee(periodes)
    for code, libelle in mois:
        if valeur == code:
            return _filtre_du_mois(code, libelle)
    if valeur == TOUTES or not periodes:
        return _toute_l_annee(periodes)
    if par_defaut == PAR_MOIS:
        courant = f"{aujourdhui.year}-{aujourdhui.month:02d}"
        code, libelle = next((m for m in mois if m[0] == courant), mois[0] if courant < mois[0][0] else mois[-1])
        return _filtre_du_mois(code, libelle)
    courante = periode_courante(aujourdhui, periodes)
    return Filtre(courante.code, courante.code, courante.debut, courante.fin)
