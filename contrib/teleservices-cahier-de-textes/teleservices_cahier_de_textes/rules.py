"""The rules of the cahier de textes, as pure functions (no database, no request).

Weeks are ISO 8601 weeks, named « 2026-W48 » in URLs. The week a family sees first is the one of
today; on a Sunday, the week that begins the next day (what is due on Monday matters more than
the week just ended). A week shows Monday to Friday, and its Saturday too when something is
written on it.

Links (the « pièces jointes » of a homework) are a label and an address: only ``http`` and
``https`` addresses of a named host, without spaces, without a user name or password before the
host (``https://ac-lille.fr@exemple.com`` would show one host and open another); at most
``LIENS_MAX`` per homework. They are checked when written, and again when read: a link stored
by an older version or edited by hand in the database is never shown unless it passes.

Days, dates and messages are in the current language (the facade's ``format_date`` and
``gettext``): French outside a request, as the push API always speaks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

from teleservices.core.api import format_date, gettext as _

VENDREDI, SAMEDI, DIMANCHE = 4, 5, 6

CONTENU_MAX = 4000  # « Travail fait en classe », and a homework's description
LIENS_MAX = 5
LIBELLE_LIEN_MAX = 100
URL_MAX = 500
CLE_SEMAINE = re.compile(r"^(\d{4})-W(\d{2})$")
ANNEES = range(2000, 2101)


# --- days and weeks -------------------------------------------------------------------------------


def jour_long(jour: dt.date) -> str:
    """« lundi 30 novembre », « mardi 1er décembre » (Monday 30 November, Tuesday 1 December), in
    the current language. The first of the month has a pattern of its own (« 1er » in French)."""
    if jour.day == 1:
        # A Babel date pattern: « 1er » in French, « 1 » in English.
        return format_date(jour, _("EEEE d'er' MMMM"))
    return format_date(jour, "EEEE d MMMM")


def jour_titre(jour: dt.date) -> str:
    """« Lundi 30 novembre », a day's heading."""
    texte = jour_long(jour)
    return texte[:1].upper() + texte[1:]


def jour_court(jour: dt.date) -> str:
    """« lun. 30/11 » (Mon 30/11)."""
    return format_date(jour, "EEE dd/MM")


def lundi_de(jour: dt.date) -> dt.date:
    return jour - dt.timedelta(days=jour.weekday())


def semaine_par_defaut(aujourdhui: dt.date) -> dt.date:
    """The Monday of the week shown first: this week's, or on a Sunday the next one's."""
    if aujourdhui.weekday() == DIMANCHE:
        return aujourdhui + dt.timedelta(days=1)
    return lundi_de(aujourdhui)


def cle_semaine(lundi: dt.date) -> str:
    """« 2026-W48 »: the ISO name of the week (its year is the ISO year, which for the week of
    a 31 December may be the next one)."""
    annee, numero, _ = lundi.isocalendar()
    return f"{annee}-W{numero:02d}"


def lundi_de_cle(texte: str | None) -> dt.date | None:
    """The Monday of the week « 2026-W48 », or None for anything else (week 53 of a year that
    has none included)."""
    match = CLE_SEMAINE.match((texte or "").strip())
    if not match or int(match[1]) not in ANNEES:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def jours_affiches(lundi: dt.date, samedi_occupe: bool) -> list[dt.date]:
    """Monday to Friday, and Saturday when something is written on it."""
    dernier = SAMEDI if samedi_occupe else VENDREDI
    return [lundi + dt.timedelta(days=i) for i in range(dernier + 1)]


def titre_semaine(lundi: dt.date) -> str:
    """« Semaine du lundi 30 novembre au vendredi 4 décembre 2026 »."""
    vendredi = lundi + dt.timedelta(days=VENDREDI)
    return _("Semaine du %(lundi)s au %(vendredi)s %(annee)s", lundi=jour_long(lundi), vendredi=jour_long(vendredi),
             annee=vendredi.year)


def jour_ouvre(jour: dt.date) -> dt.date:
    """The day itself, or the Monday after a Sunday (a Sunday is never a school day)."""
    return jour + dt.timedelta(days=1) if jour.weekday() == DIMANCHE else jour


def jour_propose(lundi: dt.date, aujourdhui: dt.date) -> dt.date:
    """The day a new entry of this week starts with: today when it is a weekday of the week,
    else the week's Monday."""
    if lundi <= aujourdhui <= lundi + dt.timedelta(days=SAMEDI):
        return aujourdhui
    return lundi


def jour_de_classe_avant(jour: dt.date) -> dt.date:
    """The weekday before (Friday before a Monday, a Saturday or a Sunday)."""
    recul = {0: 3, SAMEDI: 1, DIMANCHE: 2}.get(jour.weekday(), 1)
    return jour - dt.timedelta(days=recul)


def jour_de_classe_apres(jour: dt.date) -> dt.date:
    """The weekday after (Monday after a Friday, a Saturday or a Sunday)."""
    avance = {VENDREDI: 3, SAMEDI: 2, DIMANCHE: 1}.get(jour.weekday(), 1)
    return jour + dt.timedelta(days=avance)


def erreur_jour(jour: dt.date | None, debut_annee: dt.date | None, fin_annee: dt.date | None, quoi: str) -> str:
    """Why an entry cannot be dated ``jour`` ("" when it can): a day of the school year, never
    a Sunday. ``quoi`` names the date in the message (« la séance », « le travail à faire »), in
    the current language."""
    if jour is None:
        return _("Saisissez la date de %(quoi)s, au format jj/mm/aaaa.", quoi=quoi)
    if jour.weekday() == DIMANCHE:
        return _("Le dimanche n'est pas un jour de classe : choisissez un autre jour pour %(quoi)s.", quoi=quoi)
    if debut_annee and fin_annee and not debut_annee <= jour <= fin_annee:
        return _("Choisissez un jour de l'année scolaire, du %(debut)s au %(fin)s.",
                 debut=format_date(debut_annee), fin=format_date(fin_annee))
    return ""


def erreur_texte(texte: str, manque: str) -> str:
    """A lesson's content or a homework's description: required, ``CONTENU_MAX`` characters at most."""
    if not texte.strip():
        return manque
    if len(texte) > CONTENU_MAX:
        return _("%(max)d caractères au plus (ici %(longueur)d).", max=CONTENU_MAX, longueur=len(texte))
    return ""


def texte_saisi(valeur: Any) -> str:
    """Text typed in a textarea: Windows line ends made plain, spaces around trimmed, kept whole
    (up to a bound) so that a text too long comes back to be shortened."""
    return str(valeur or "").replace("\r\n", "\n").replace("\r", "\n").strip()[: CONTENU_MAX * 4]


# --- links -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lien:
    libelle: str
    url: str


def erreur_url(url: str) -> str:
    """Why ``url`` may not be a homework's link ("" when it may)."""
    if not url:
        return _("Saisissez l'adresse du lien, qui commence par https:// (ou http://).")
    if len(url) > URL_MAX:
        return _("L'adresse fait au plus %(max)d caractères.", max=URL_MAX)
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return _("L'adresse ne doit pas contenir d'espace.")
    try:
        parties = urlsplit(url)
        hote = parties.hostname
    except ValueError:
        return _("Cette adresse n'est pas valide.")
    if not url.lower().startswith(("http://", "https://")):
        return _("Seules les adresses web sont acceptées : elles commencent par https:// (ou http://).")
    if "@" in parties.netloc:
        return _("L'adresse ne doit pas contenir de nom d'utilisateur ni de mot de passe avant le nom du site.")
    if not hote or "." not in hote.strip("."):
        return _("L'adresse doit nommer un site, par exemple https://www.ac-lille.fr/…")
    return ""


def erreur_libelle_lien(libelle: str) -> str:
    if not libelle:
        return _("Donnez un libellé au lien (par exemple « Fiche d'exercices »).")
    if len(libelle) > LIBELLE_LIEN_MAX:
        return _("Le libellé fait au plus %(max)d caractères.", max=LIBELLE_LIEN_MAX)
    return ""


def lire_liens(paires: Sequence[tuple[str, str]]) -> tuple[list[Lien], dict[str, str]]:
    """The links typed in the rows of a form, as (label, address) pairs: a row left empty is
    ignored. Returns the links, and the errors by field name (``lien_libelle_<i>``,
    ``lien_url_<i>``)."""
    liens: list[Lien] = []
    erreurs: dict[str, str] = {}
    for index, (libelle, url) in enumerate(paires):
        libelle, url = " ".join((libelle or "").split()), (url or "").strip()
        if not libelle and not url:
            continue
        if message := erreur_libelle_lien(libelle):
            erreurs[f"lien_libelle_{index}"] = message
        if message := erreur_url(url):
            erreurs[f"lien_url_{index}"] = message
        liens.append(Lien(libelle, url))
    if len(liens) > LIENS_MAX:
        erreurs["liens"] = _("%(max)d liens au plus par travail à faire.", max=LIENS_MAX)
    return liens, erreurs


def liens_en_json(liens: Iterable[Lien]) -> str:
    return json.dumps([{"libelle": l.libelle, "url": l.url} for l in liens], ensure_ascii=False)


def liens_de_json(texte: Any) -> list[Lien]:
    """The stored links that may be shown: well formed, http or https, ``LIENS_MAX`` at most."""
    try:
        valeurs = json.loads(texte) if isinstance(texte, str) else (texte or [])
    except ValueError:
        return []
    liens = []
    for valeur in valeurs if isinstance(valeurs, list) else []:
        if not isinstance(valeur, dict):
            continue
        libelle, url = str(valeur.get("libelle") or "").strip(), str(valeur.get("url") or "").strip()
        if libelle and not erreur_url(url):
            liens.append(Lien(libelle[:LIBELLE_LIEN_MAX], url))
    return liens[:LIENS_MAX]


# --- the week, by day and by subject ----------------------------------------------------------------


@dataclass
class Jour:
    """A day of the week as families read it: its lessons, and the homework due that day."""

    date: dt.date
    seances: list[dict] = field(default_factory=list)
    devoirs: list[dict] = field(default_factory=list)

    @property
    def titre(self) -> str:
        return jour_titre(self.date)

    @property
    def vide(self) -> bool:
        return not self.seances and not self.devoirs


def _ordre(entree: dict) -> tuple[str, int]:
    return entree["matiere"].casefold(), entree["id"]


def samedi_occupe(lundi: dt.date, seances: Iterable[dict], devoirs: Iterable[dict]) -> bool:
    samedi = lundi + dt.timedelta(days=SAMEDI)
    return any(s["date"] == samedi for s in seances) or any(d["pour_le"] == samedi for d in devoirs)


def semaine(lundi: dt.date, seances: Sequence[dict], devoirs: Sequence[dict]) -> list[Jour]:
    """The days shown (Monday to Friday, Saturday if used), each with its lessons (by ``date``)
    and the homework due that day (by ``pour_le``), by subject then in the order written."""
    jours = {jour: Jour(jour) for jour in jours_affiches(lundi, samedi_occupe(lundi, seances, devoirs))}
    for seance in seances:
        if seance["date"] in jours:
            jours[seance["date"]].seances.append(seance)
    for devoir in devoirs:
        if devoir["pour_le"] in jours:
            jours[devoir["pour_le"]].devoirs.append(devoir)
    for jour in jours.values():
        jour.seances.sort(key=_ordre)
        jour.devoirs.sort(key=_ordre)
    return list(jours.values())


@dataclass
class Matiere:
    """A subject on a day's page: its lesson, the homework due that day, and the homework given
    that day for later."""

    libelle: str
    enseignant: str = ""
    seances: list[dict] = field(default_factory=list)
    pour_ce_jour: list[dict] = field(default_factory=list)
    donnes: list[dict] = field(default_factory=list)


def par_matiere(jour: dt.date, seances: Sequence[dict], devoirs: Sequence[dict]) -> list[Matiere]:
    """A day « per subject »: each subject that has something that day, in alphabetical order."""
    matieres: dict[str, Matiere] = {}

    def de(entree: dict) -> Matiere:
        return matieres.setdefault(entree["matiere"], Matiere(entree["matiere"], entree.get("enseignant", "")))

    for seance in sorted(seances, key=_ordre):
        if seance["date"] == jour:
            de(seance).seances.append(seance)
    for devoir in sorted(devoirs, key=_ordre):
        if devoir["pour_le"] == jour:
            de(devoir).pour_ce_jour.append(devoir)
        elif devoir["donne_le"] == jour:
            de(devoir).donnes.append(devoir)
    return sorted(matieres.values(), key=lambda m: m.libelle.casefold())
