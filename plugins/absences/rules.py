"""The rules of the absences service, as pure functions (no database, no request): which
absences count, the weeks of a filter, the count per week, and the iCalendar export.

Counting (guide 3.5): only absences constatées, classées, and for which the CPE ticked « motif
légitime » count. What is counted is half-days: a half-day with several absences counts once.

Weeks: ISO 8601 weeks (Monday to Sunday, numbered 1 to 52 or 53, week 1 holding the year's
first Thursday); the page shows each from its Monday to its Saturday, as the guide does.
A week belongs to a filter (a month, a period, the school year) when at least one of its days
from Monday to Saturday is inside the filter, and it then counts only its half-days inside the
filter. A week that straddles two months, or two periods, is therefore listed in both, each
with its own days: the totals of the months (or of the periods) add up to the year's, and no
absence is counted in a month or a period it does not belong to. Such a week is marked « semaine
partagée » with the days it counts. Weeks that have not started yet are not listed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from teleservices.core.api import format_date
from teleservices.core.api import gettext as _
from teleservices.core.api import lazy_gettext as _l
from teleservices.plugins.absences.tables import APRES_MIDI, CONSTATEE, DEMI_JOURNEES, MATIN

JOURS_LONGS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")  # the API's messages (French)
JOUR_LONG = "EEEE dd/MM/y"  # « lundi 23/06/2014 » (a Babel pattern for format_date)
DEMI_JOURNEE_LIBELLE = {MATIN: _l("matin"), APRES_MIDI: _l("après-midi")}
SAMEDI = 5  # weekday(): a school week runs from Monday (0) to Saturday (5)

DemiJournee = tuple[dt.date, str]  # (day, MATIN | APRES_MIDI)


def est_comptee(etat: str, classee: bool, motif_legitime: bool) -> bool:
    """Guide 3.5: constatée, classée, and motif légitime ticked by the CPE."""
    return etat == CONSTATEE and bool(classee) and bool(motif_legitime)


def demi_journees(absences: Iterable[tuple[dt.date, str, str, bool, bool]]) -> set[DemiJournee]:
    """The half-days counted among absences (day, half-day, état, classée, motif légitime):
    several absences of the same half-day make one."""
    return {(jour, demi) for jour, demi, etat, classee, legitime in absences if est_comptee(etat, classee, legitime)}


def chronologique(absence: tuple) -> tuple[dt.date, int]:
    """Sort key of (day, half-day, ...): the morning before the afternoon."""
    return absence[0], DEMI_JOURNEES.index(absence[1])


def jour_court(jour: dt.date) -> str:
    """« lun. 23/06/2014 », as the guide's table writes a day (« Mon 23/06/2014 » in English)."""
    return format_date(jour, "jour")


def jour_long(jour: dt.date) -> str:
    """« lundi 23/06/2014 » (« Monday 23/06/2014 » in English)."""
    return format_date(jour, JOUR_LONG)


@dataclass(frozen=True)
class Semaine:
    """An ISO week as a filter sees it: its days from ``debut`` to ``fin`` are counted."""

    annee: int  # the ISO year (the week 1 of 2027 may begin in December 2026)
    numero: int
    lundi: dt.date
    debut: dt.date
    fin: dt.date

    @property
    def samedi(self) -> dt.date:
        return self.lundi + dt.timedelta(days=SAMEDI)

    @property
    def cle(self) -> str:
        """« 2026-W48 », the ISO 8601 name, used in URLs."""
        return f"{self.annee}-W{self.numero:02d}"

    @property
    def partagee(self) -> bool:
        """The filter keeps only some of its days (the week straddles two months or periods)."""
        return self.debut > self.lundi or self.fin < self.samedi

    def garde(self, jour: dt.date) -> bool:
        return self.debut <= jour <= self.fin


def semaine_de(jour: dt.date, debut: dt.date | None = None, fin: dt.date | None = None) -> Semaine:
    """The week of a day, counting the days from ``debut`` to ``fin`` (the whole week by default)."""
    lundi = jour - dt.timedelta(days=jour.weekday())
    annee, numero, _ = jour.isocalendar()
    dimanche = lundi + dt.timedelta(days=6)
    return Semaine(annee, numero, lundi, max(lundi, debut or lundi), min(dimanche, fin or dimanche))


def semaine_de_cle(cle: str) -> dt.date | None:
    """The Monday of the week « 2026-W48 », or None if it names no week."""
    try:
        annee, numero = cle.split("-W")
        return dt.date.fromisocalendar(int(annee), int(numero), 1)
    except ValueError:
        return None


def semaines(debut: dt.date, fin: dt.date, aujourdhui: dt.date) -> list[Semaine]:
    """The weeks of the filter [debut, fin], most recent first (as in the guide): those with a
    day from Monday to Saturday inside it, and already begun."""
    resultat = []
    lundi = debut - dt.timedelta(days=debut.weekday())
    if debut.weekday() == 6:  # a Sunday: its week has no school day inside the filter
        lundi += dt.timedelta(days=7)
    while lundi <= fin and lundi <= aujourdhui:
        resultat.append(semaine_de(lundi, debut, fin))
        lundi += dt.timedelta(days=7)
    return resultat[::-1]


@dataclass(frozen=True)
class LigneSemaine:
    semaine: Semaine
    nombre: int  # half-days counted


def par_semaine(weeks: Iterable[Semaine], comptees: set[DemiJournee]) -> list[LigneSemaine]:
    """The number of counted half-days of each week, among its days inside the filter."""
    return [LigneSemaine(s, sum(1 for jour, _ in comptees if s.garde(jour))) for s in weeks]


# iCalendar (RFC 5545) -------------------------------------------------------------------------

# The hours a half-day covers in a calendar ("floating" local times: the school's own clock).
HEURES = {MATIN: (dt.time(8, 0), dt.time(12, 0)), APRES_MIDI: (dt.time(13, 30), dt.time(17, 30))}


def _texte(valeur: str) -> str:
    """A TEXT value: backslash, semicolon, comma and newline escaped; other controls dropped."""
    valeur = "".join(c for c in valeur if c >= " " or c == "\n")
    return valeur.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _plier(ligne: str) -> str:
    """Lines longer than 75 octets are folded (CRLF and a space), never inside a character."""
    morceaux, courant = [], b""
    for caractere in ligne:
        octets = caractere.encode()
        if len(courant) + len(octets) > (75 if not morceaux else 74):
            morceaux.append(courant.decode())
            courant = b""
        courant += octets
    morceaux.append(courant.decode())
    return "\r\n ".join(morceaux)


def calendrier(
    nom: str, absences: Iterable[tuple[dt.date, str, str]], uid: str, maintenant: dt.datetime,
) -> str:
    """A VCALENDAR of counted half-days (day, half-day, reason's label); ``uid`` makes each
    event's UID stable, so that a calendar updates events instead of duplicating them."""
    stamp = maintenant.astimezone(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    lignes = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Teleservices//Absences//FR", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", f"X-WR-CALNAME:{_texte(nom)}",
    ]
    for jour, demi, motif in sorted(absences, key=chronologique):
        debut, fin = HEURES[demi]
        resume = _("Absence (%(demi_journee)s)", demi_journee=DEMI_JOURNEE_LIBELLE[demi])
        description = _("Motif : %(motif)s", motif=motif)
        lignes += [
            "BEGIN:VEVENT",
            f"UID:{jour:%Y%m%d}-{demi}-{uid}@teleservices",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{dt.datetime.combine(jour, debut):%Y%m%dT%H%M%S}",
            f"DTEND:{dt.datetime.combine(jour, fin):%Y%m%dT%H%M%S}",
            f"SUMMARY:{_texte(resume)}",
            *([f"DESCRIPTION:{_texte(description)}"] if motif else []),
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lignes.append("END:VCALENDAR")
    return "".join(_plier(ligne) + "\r\n" for ligne in lignes)
