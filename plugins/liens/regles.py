"""What a link may be: its built-in icons, its audiences and scope, and the checks of the form
(pure functions, no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from teleservices.core.api import gettext as _
from teleservices.plugins.liens.tables import LIBELLE_MAX, URL_MAX


def N_(texte: str) -> str:
    """A French text marked for translation (``make messages`` extracts it) and kept as it is:
    the journal records it in French, the pages show it translated (``gettext(texte)``)."""
    return texte


# The built-in icons, by key: their label in the form; the file is static/<key>.svg.
ICONES = {
    "ent": N_("ENT (espace numérique de travail)"),
    "ecole": N_("École, livre"),
    "calendrier": N_("Calendrier"),
    "lien": N_("Lien"),
}
ICONE_PAR_DEFAUT = "lien"

ACADEMIE, ETABLISSEMENT = "academie", "etablissement"
ORDRE_PAR_DEFAUT = 10
ORDRE_MAX = 999

# A host name: labels of letters (accented too), digits and hyphens, with at least one dot.
HOTE = re.compile(r"^(?=.{1,253}$)([\w-]{1,63}\.)+[\w-]{1,63}$")


def icone(cle: str) -> str:
    """The static path of an icon ("liens/ent.svg"); the generic link for an unknown key."""
    return f"liens/{cle if cle in ICONES else ICONE_PAR_DEFAUT}.svg"


def publics(parents: bool, eleves: bool) -> str:
    """Who sees a link, in French (the journal's words; the pages show ``gettext`` of it)."""
    if parents and eleves:
        return N_("Parents et élèves")
    return N_("Parents") if parents else N_("Élèves") if eleves else N_("Personne")


def erreur_url(url: str) -> str:
    """Why this address cannot be a link ("" when it can): a web address only (https:// or
    http://), never ``javascript:``, ``data:`` or another scheme, without spaces, without an
    identifier or password before the host (« https://ent.fr@autre.site » hides where it goes)."""
    if not url:
        return _("Saisissez l'adresse du lien, par exemple https://enthdf.fr/.")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return _("L'adresse ne doit contenir ni espace ni retour à la ligne.")
    if len(url) > URL_MAX:
        return _("L'adresse fait %(longueur)d caractères : %(max)d au plus.", longueur=len(url), max=URL_MAX)
    if not re.match(r"^https?://", url, re.IGNORECASE):
        return _("L'adresse doit commencer par https:// (ou http://) : les autres adresses, comme « javascript: » "
                 "ou « data: », ne sont pas acceptées.")
    if "\\" in url:
        return _("L'adresse ne doit pas contenir de barre oblique inversée (« \\ »).")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 — raises on a port that is no number
    except ValueError:
        return _("Cette adresse n'est pas valide : vérifiez-la, par exemple https://enthdf.fr/.")
    if "@" in parts.netloc:
        return _("L'adresse ne doit pas contenir d'identifiant ni de mot de passe avant le nom du site (« @ »).")
    if not parts.hostname or not HOTE.match(parts.hostname):
        return _("Indiquez le nom complet du site après https://, par exemple https://enthdf.fr/.")
    return ""


@dataclass
class Saisie:
    """A link as typed in the form (kept as typed when refused)."""

    libelle: str = ""
    url: str = ""
    icone: str = ICONE_PAR_DEFAUT
    parents: bool = True
    eleves: bool = True
    portee: str = ETABLISSEMENT
    ordre: str = str(ORDRE_PAR_DEFAUT)
    actif: bool = True
    erreurs: dict[str, str] = field(default_factory=dict)

    @property
    def ordre_nombre(self) -> int:
        return int(self.ordre)

    @classmethod
    def de_ligne(cls, row: dict[str, Any]) -> "Saisie":
        return cls(
            libelle=row["libelle"], url=row["url"], icone=row["icone"], parents=bool(row["parents"]),
            eleves=bool(row["eleves"]), portee=ETABLISSEMENT if row["etablissement_id"] is not None else ACADEMIE,
            ordre=str(row["ordre"]), actif=bool(row["actif"]),
        )


def lire(form: Any, portees: tuple[str, ...]) -> Saisie:
    """The link typed in ``form`` and its errors by field. ``portees`` are the scopes this viewer
    may choose (the academy administrator: both; the head: the establishment only, whatever the
    form says)."""
    saisie = Saisie(
        libelle=" ".join((form.get("libelle") or "").split())[:1000],
        url=(form.get("url") or "").strip()[:2000],
        icone=(form.get("icone") or "").strip()[:20],
        parents=form.get("parents") is not None,
        eleves=form.get("eleves") is not None,
        portee=(form.get("portee") or "").strip()[:20] if len(portees) > 1 else portees[0],
        ordre=(form.get("ordre") or "").strip()[:20],
        actif=form.get("actif") is not None,
    )
    erreurs = saisie.erreurs
    if not saisie.libelle:
        erreurs["libelle"] = _("Saisissez le libellé du lien, par exemple « ENT Lille ».")
    elif len(saisie.libelle) > LIBELLE_MAX:
        erreurs["libelle"] = _("Le libellé fait %(longueur)d caractères : %(max)d au plus.",
                               longueur=len(saisie.libelle), max=LIBELLE_MAX)
    if erreur := erreur_url(saisie.url):
        erreurs["url"] = erreur
    if saisie.icone not in ICONES:
        erreurs["icone"] = _("Choisissez l'une des icônes proposées.")
    if not (saisie.parents or saisie.eleves):
        erreurs["publics"] = _("Cochez au moins un public : les parents, les élèves ou les deux.")
    if saisie.portee not in portees:
        erreurs["portee"] = _("Choisissez où le lien s'affiche : dans toute l'académie ou dans cet établissement.")
    if not (saisie.ordre.isdigit() and int(saisie.ordre) <= ORDRE_MAX):
        erreurs["ordre"] = _("Saisissez un nombre entier de 0 à %(max)d, par exemple %(exemple)d.",
                             max=ORDRE_MAX, exemple=ORDRE_PAR_DEFAUT)
    return saisie


def differences(avant: Saisie, apres: Saisie) -> list[str]:
    """What an edit changed, in words for the journal (in French, as every journal line)."""
    lignes = []
    if avant.libelle != apres.libelle:
        lignes.append(f"libellé « {apres.libelle} »")
    if avant.url != apres.url:
        lignes.append(f"adresse {apres.url}")
    if avant.icone != apres.icone:
        lignes.append(f"icône « {ICONES[apres.icone]} »")
    if (avant.parents, avant.eleves) != (apres.parents, apres.eleves):
        lignes.append(f"public : {publics(apres.parents, apres.eleves).lower()}")
    if avant.portee != apres.portee:
        lignes.append("portée : " + ("toute l'académie" if apres.portee == ACADEMIE else "cet établissement"))
    if avant.ordre_nombre != apres.ordre_nombre:
        lignes.append(f"ordre {apres.ordre_nombre}")
    if avant.actif != apres.actif:
        lignes.append("affiché aux familles" if apres.actif else "masqué aux familles")
    return lignes
