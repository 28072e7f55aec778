"""The rules of the online enrolment in lycée (guide 3.2), as pure functions: the campaign's
dates, the four steps a parent goes through and in which order, and the lycée's offer with its
rules for the pedagogical wishes.

Steps: 1 « Valider l'inscription » in the assigned lycée, 2 the pedagogical wishes, 3 the
administrative data (the fiche's forms), 4 the summary, confirmed once. Each step is saved as
the parent goes: coming back resumes at the first step not done. A step is reachable once the
ones before it are done; a confirmed enrolment is read-only until the lycée re-opens it; after
the closing date, everything is read-only.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from teleservices.core.api import gettext as _, lazy_gettext as _l, ngettext

VALIDATION, VOEUX, FICHE, RECAPITULATIF = 1, 2, 3, 4
ETAPES = {VALIDATION: _l("Valider l'inscription"), VOEUX: _l("Souhaits pédagogiques"),
          FICHE: _l("Données administratives"), RECAPITULATIF: _l("Récapitulatif et confirmation")}
LV1, LV2, OPTION = "lv1", "lv2", "option"
CATEGORIES = {LV1: _l("Langue vivante 1"), LV2: _l("Langue vivante 2"), OPTION: _l("Enseignement d'exploration ou option")}
# The wishes' errors of each language, whole sentences (word order differs between languages).
CHOISIR = {LV1: _l("Choisissez la langue vivante 1."), LV2: _l("Choisissez la langue vivante 2.")}
NON_PROPOSEE = {LV1: _l("Le lycée ne propose pas cette langue vivante 1."),
                LV2: _l("Le lycée ne propose pas cette langue vivante 2.")}
# Avancement.statut (a French key, the follow-up's) in the page's language.
STATUTS = {"non commencée": _l("non commencée"), "en cours": _l("en cours"), "validée": _l("validée")}

# Campaign ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Campagne:
    ouverture: dt.date
    fermeture: dt.date  # the last day families may write

    def etat(self, aujourdhui: dt.date) -> str:
        """« a_venir », « ouverte » or « fermee »."""
        if aujourdhui < self.ouverture:
            return "a_venir"
        return "ouverte" if aujourdhui <= self.fermeture else "fermee"

    def ouverte(self, aujourdhui: dt.date) -> bool:
        return self.etat(aujourdhui) == "ouverte"


def erreur_dates(ouverture: dt.date | None, fermeture: dt.date | None) -> dict[str, str]:
    """What the lycée's campaign form must respect."""
    erreurs = {}
    if ouverture is None:
        erreurs["ouverture"] = _("Indiquez le jour d'ouverture de la campagne (jj/mm/aaaa).")
    if fermeture is None:
        erreurs["fermeture"] = _("Indiquez le dernier jour de la campagne (jj/mm/aaaa).")
    if ouverture and fermeture and fermeture < ouverture:
        erreurs["fermeture"] = _("La campagne se termine avant de commencer : corrigez l'une des deux dates.")
    return erreurs


# Steps ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Avancement:
    """Where a family's enrolment stands."""

    faites: frozenset[int] = frozenset()  # steps done
    confirmee: bool = False

    @property
    def prochaine(self) -> int:
        """The step to resume at: the first not done (the summary once all are)."""
        return next((e for e in ETAPES if e not in self.faites), RECAPITULATIF)

    def accessible(self, etape: int) -> bool:
        """A step is reachable once every step before it is done."""
        return etape in ETAPES and all(e in self.faites for e in ETAPES if e < etape)

    def faite(self, etape: int) -> Avancement:
        return Avancement(self.faites | {etape}, self.confirmee or etape == RECAPITULATIF)

    @property
    def statut(self) -> str:
        """For the lycée's follow-up: « non commencée », « en cours », « validée »."""
        if self.confirmee:
            return "validée"
        return "en cours" if self.faites else "non commencée"

    @property
    def statut_libelle(self) -> str:
        """The status in the page's language."""
        return str(STATUTS[self.statut])


def avancement_de(etapes: Iterable[int] | str | None, confirme_le: object) -> Avancement:
    """A dossier row's progress: its JSON list of steps done (text from a raw query on either
    engine, or already decoded) and whether it is confirmed."""
    if isinstance(etapes, str):
        etapes = json.loads(etapes or "[]")
    return Avancement(frozenset(int(e) for e in etapes or () if int(e) in ETAPES), confirme_le is not None)


def rouverte(avancement: Avancement) -> Avancement:
    """Re-opened by the lycée: the family changes what it wants and confirms again (the steps
    before the summary stay done)."""
    return Avancement(avancement.faites - {RECAPITULATIF}, confirmee=False)


def modifiable(avancement: Avancement, campagne: Campagne, aujourdhui: dt.date) -> bool:
    """Families write while the campaign is open and their enrolment is not confirmed."""
    return campagne.ouverte(aujourdhui) and not avancement.confirmee


# The offer and the wishes ----------------------------------------------------------------------


@dataclass(frozen=True)
class Enseignement:
    code: str  # « AGL1 », « ALL2 », « SES »
    libelle: str
    categorie: str  # LV1 | LV2 | OPTION


@dataclass(frozen=True)
class Offre:
    """What the lycée offers for a MEF, and how many options a pupil may (must) choose; pairs of
    options that cannot be taken together."""

    enseignements: Sequence[Enseignement]
    options_min: int = 0
    options_max: int = 2
    incompatibles: Sequence[tuple[str, str]] = field(default_factory=tuple)

    def de(self, categorie: str) -> list[Enseignement]:
        return [e for e in self.enseignements if e.categorie == categorie]


def langue(code: str) -> str:
    """The language of a language course: « AGL1 » and « AGL2 » are both English."""
    return code.rstrip("0123456789")


@dataclass(frozen=True)
class Voeux:
    lv1: str = ""
    lv2: str = ""
    options: tuple[str, ...] = ()


def erreurs_voeux(offre: Offre, voeux: Voeux) -> dict[str, str]:
    """The lycée's rules, field by field, in the request's language: a LV1 and a LV2 among the offer's, in two
    different languages; options among the offer's, as many as allowed, no incompatible pair."""
    erreurs: dict[str, str] = {}
    codes = {c: {e.code for e in offre.de(c)} for c in CATEGORIES}
    for categorie, choix in ((LV1, voeux.lv1), (LV2, voeux.lv2)):
        if codes[categorie] and not choix:
            erreurs[categorie] = str(CHOISIR[categorie])
        elif choix and choix not in codes[categorie]:
            erreurs[categorie] = str(NON_PROPOSEE[categorie])
    if voeux.lv1 and voeux.lv2 and LV2 not in erreurs and langue(voeux.lv1) == langue(voeux.lv2):
        erreurs[LV2] = _("La langue vivante 2 doit être une autre langue que la langue vivante 1.")
    inconnues = [o for o in voeux.options if o not in codes[OPTION]]
    if inconnues:
        erreurs[OPTION] = _("Le lycée ne propose pas cet enseignement : choisissez parmi la liste.")
    elif len(set(voeux.options)) < min(offre.options_min, len(codes[OPTION])):
        # A MEF that offers fewer options than the campaign's minimum asks for all of them.
        erreurs[OPTION] = _au_moins(min(offre.options_min, len(codes[OPTION])))
    elif len(set(voeux.options)) > offre.options_max:
        erreurs[OPTION] = ngettext("Choisissez au plus %(num)d enseignement.", "Choisissez au plus %(num)d enseignements.",
                                   offre.options_max)
    else:
        paire = _incompatible(voeux.options, offre.incompatibles, offre)
        if paire:
            erreurs[OPTION] = paire
    return erreurs


def _au_moins(n: int) -> str:
    return ngettext("Choisissez au moins %(num)d enseignement d'exploration ou option.",
                    "Choisissez au moins %(num)d enseignements d'exploration ou options.", n)


def _incompatible(options: Iterable[str], paires: Iterable[tuple[str, str]], offre: Offre) -> str | None:
    choisies = set(options)
    noms: Mapping[str, str] = {e.code: e.libelle for e in offre.enseignements}
    for a, b in paires:
        if a in choisies and b in choisies:
            return _("« %(a)s » et « %(b)s » ne peuvent pas être suivis ensemble : gardez-en un.",
                     a=noms.get(a, a), b=noms.get(b, b))
    return None
