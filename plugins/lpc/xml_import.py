"""Reading the LPC exchange XML that academic tools export: root ``lpc`` in the namespace
``urn:ac-grenoble.fr:lpc:import:v1.0``, a header (``entete``: the establishment's UAI), then in
``donnees`` one ``eleve`` per pupil (by SIECLE ELEVE_ID) with its ``palier``s, their
``competence``s (a ``validation`` with its date) and items (a ``renseignement`` with its date).

How the file names the grid (see tests/data/lpc/README.md): a palier by its number, a compétence
by its number in the palier (« 1 », « 3a »), an item by its place « domaine.item » counted from 1
in the grid's order; ``etat`` 1 (the default) validates on the date, 0 withdraws. What the file
does not name is left as stored.

Pure functions, like the notes' CSV import: the page gives the establishment's pupils, its UAI
and the school's day, and gets back every validation read and every error with its line. The
parser never fetches anything nor expands entities, and refuses a DOCTYPE and a file above
MAX_BYTES. Its messages are in the request's language (the head reads them on the import page).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from lxml import etree

from teleservices.core.api import gettext as _
from teleservices.plugins.lpc import rules
from teleservices.plugins.lpc.api import Validation
from teleservices.plugins.lpc.grille import Grille

NAMESPACE = "urn:ac-grenoble.fr:lpc:import:v1.0"
MAX_BYTES = 5 * 1024 * 1024
MAX_ERREURS = 200  # a wrong file says enough with that many
ITEM = re.compile(r"^(\d{1,2})\.(\d{1,2})$")
ETATS = {"1": True, "0": False}


def _tag(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


@dataclass(frozen=True)
class Erreur:
    ligne: int  # 0: the whole file
    message: str


@dataclass
class EleveLu:
    """A pupil of the file: who, and what the file says of their LPC."""

    id: int
    nom: str
    prenom: str
    competences: int = 0  # compétences validated
    items: int = 0  # items validated
    retraits: int = 0  # compétences and items « non validé »


@dataclass
class Apercu:
    """Everything read from the file."""

    uai: str = ""
    application: str = ""
    eleves: list[EleveLu] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    erreurs: list[Erreur] = field(default_factory=list)

    @property
    def valide(self) -> bool:
        return not self.erreurs and bool(self.validations)

    def erreur(self, element: Any, message: str) -> None:
        if len(self.erreurs) < MAX_ERREURS:
            self.erreurs.append(Erreur(getattr(element, "sourceline", 0) or 0, message))


@dataclass(frozen=True)
class Contexte:
    """What a file is checked against."""

    eleves: dict[str, dict]  # the establishment's pupils who have not left, by SIECLE ELEVE_ID
    uai: str
    grille: Grille
    aujourdhui: dt.date


def parser() -> etree.XMLParser:
    """No entity expansion, no network, no DTD: a file can only describe itself."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def lire(data: bytes, contexte: Contexte) -> Apercu:
    """The file read against the establishment's pupils and the grid."""
    apercu = Apercu()
    racine = _racine(data, apercu)
    if racine is None:
        return apercu
    _entete(racine, contexte, apercu)
    if apercu.erreurs:
        return apercu
    eleves = racine.findall(f"{_tag('donnees')}/{_tag('eleve')}")
    vus: dict[str, int] = {}
    for element in eleves:
        _eleve(element, contexte, apercu, vus)
    if not apercu.erreurs and not apercu.validations:
        apercu.erreur(None, _("Le fichier ne contient aucune validation ni aucun renseignement d'item."))
    return apercu


def _racine(data: bytes, apercu: Apercu) -> Any:
    """The root ``lpc`` of the right namespace, or None with the reason."""
    if len(data) > MAX_BYTES:
        apercu.erreur(None, _("Le fichier dépasse %(max)s Mo.", max=MAX_BYTES // (1024 * 1024)))
        return None
    if not data.strip():
        apercu.erreur(None, _("Le fichier est vide."))
        return None
    try:
        arbre = etree.fromstring(data, parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        ligne = exc.lineno or 0
        apercu.erreurs.append(Erreur(ligne, _("Le fichier n'est pas un XML bien formé (erreur à la ligne "
                                              "%(ligne)s, colonne %(colonne)s) : vérifiez qu'il est complet.",
                                              ligne=ligne, colonne=exc.offset or 0)))
        return None
    if arbre.docinfo.doctype:
        apercu.erreur(None, _("Le fichier contient une déclaration DOCTYPE, que l'import refuse."))
        return None
    racine = arbre.getroot()
    nom = etree.QName(racine)
    if nom.localname != "lpc":
        apercu.erreur(racine, _("Ce n'est pas un fichier d'échange du LPC : l'élément racine est « %(nom)s » "
                                "au lieu de « lpc ».", nom=nom.localname))
        return None
    if nom.namespace != NAMESPACE:
        apercu.erreur(racine, _("Espace de noms inattendu : « %(espace)s » au lieu de « %(attendu)s ».",
                                espace=nom.namespace or _("aucun"), attendu=NAMESPACE))
        return None
    return racine


def _texte(element: Any, chemin: str) -> str:
    found = element.find("/".join(_tag(part) for part in chemin.split("/")))
    return (found.text or "").strip() if found is not None else ""


def _entete(racine: Any, contexte: Contexte, apercu: Apercu) -> None:
    """The header's UAI, when there is one, must be the establishment's."""
    apercu.uai = _texte(racine, "entete/etablissement")[:20]
    apercu.application = _texte(racine, "entete/application")[:80]
    if apercu.uai and apercu.uai.upper() != contexte.uai.upper():
        apercu.erreur(racine.find(_tag("entete")), _("Ce fichier est celui de l'établissement %(uai)s, pas du "
                                                     "vôtre (%(votre)s) : rien n'est importé.",
                                                     uai=apercu.uai, votre=contexte.uai))
    if racine.find(_tag("donnees")) is None:
        apercu.erreur(racine, _("Le fichier n'a pas d'élément « donnees »."))


def _eleve(element: Any, contexte: Contexte, apercu: Apercu, vus: dict[str, int]) -> None:
    eleve_id = (element.get("id") or "").strip()
    nom = f"{element.get('nom') or ''} {element.get('prenom') or ''}".strip()
    qui = f"{eleve_id} ({nom})" if nom else eleve_id or _("sans identifiant")
    pupil = contexte.eleves.get(eleve_id)
    if pupil is None:
        apercu.erreur(element, _("Élève inconnu dans l'établissement, ou sorti : ELEVE_ID %(eleve)s.", eleve=qui))
        return
    if eleve_id in vus:
        apercu.erreur(element, _("L'élève %(eleve)s figure déjà ligne %(ligne)s.", eleve=qui, ligne=vus[eleve_id]))
        return
    vus[eleve_id] = element.sourceline or 0
    lu = EleveLu(pupil["id"], pupil["nom_de_famille"], pupil["prenom"])
    codes: set[str] = set()
    for palier in element.findall(_tag("palier")):
        for competence in palier.findall(_tag("competence")):
            _competence(palier, competence, lu, contexte, apercu, codes)
    apercu.eleves.append(lu)


def _competence(palier: Any, element: Any, lu: EleveLu, contexte: Contexte, apercu: Apercu, codes: set[str]) -> None:
    numero, ref = (palier.get("id") or "").strip(), (element.get("id") or "").strip()
    if numero not in ("1", "2", "3"):
        apercu.erreur(palier, _("Palier inconnu « %(palier)s » : 1, 2 ou 3.", palier=numero[:10]))
        return
    code = f"P{numero}.C{ref}"
    if code not in contexte.grille.competences:
        refs = ", ".join(c.ref for c in contexte.grille.palier(int(numero)).competences)
        apercu.erreur(element, _("Compétence inconnue au palier %(palier)s : « %(ref)s » (compétences : %(refs)s).",
                                 palier=numero, ref=ref[:10], refs=refs))
        return
    validation = element.find(_tag("validation"))
    if validation is not None:
        _retenir(validation, code, lu, contexte, apercu, codes)
    for item in element.findall(_tag("item")):
        item_code = _item(item, code, contexte, apercu)
        renseignement = item.find(_tag("renseignement"))
        if item_code and renseignement is None:
            apercu.erreur(item, _("L'item %(item)s de la compétence %(code)s n'a pas de « renseignement ».",
                                  item=item.get("id"), code=code))
        elif item_code:
            _retenir(renseignement, item_code, lu, contexte, apercu, codes)


def _item(element: Any, competence: str, contexte: Contexte, apercu: Apercu) -> str | None:
    """The item's grid code from its place « domaine.item », or None with the reason."""
    ident = (element.get("id") or "").strip()
    match = ITEM.match(ident)
    if not match:
        apercu.erreur(element, _("Identifiant d'item « %(item)s » illisible : attendu « domaine.item », "
                                 "par exemple « 2.4 » pour le 4e item du 2e domaine.", item=ident[:20]))
        return None
    code = f"{competence}.D{int(match.group(1))}.I{int(match.group(2))}"
    if erreur := rules.erreur_code(code, contexte.grille):
        apercu.erreur(element, _("Item « %(item)s » : %(erreur)s", item=ident, erreur=erreur))
        return None
    return code


def _retenir(element: Any, code: str, lu: EleveLu, contexte: Contexte, apercu: Apercu, codes: set[str]) -> None:
    """A ``validation`` or ``renseignement``: its date and its state, checked, then kept."""
    texte, etat = _texte(element, "date"), _texte(element, "etat") or "1"
    if not texte:
        apercu.erreur(element, _("%(code)s : la date manque.", code=code))
        return
    try:
        jour = dt.date.fromisoformat(texte)
    except ValueError:
        apercu.erreur(element, _("%(code)s : date illisible « %(date)s » (attendue sous la forme AAAA-MM-JJ).",
                                 code=code, date=texte[:20]))
        return
    if erreur := rules.erreur_date(jour, contexte.aujourdhui):
        apercu.erreur(element, _("%(code)s : %(erreur)s", code=code, erreur=erreur))
        return
    if etat not in ETATS:
        apercu.erreur(element, _("%(code)s : état « %(etat)s » inconnu (1 : validé, 0 : non validé).",
                                 code=code, etat=etat[:10]))
        return
    if code in codes:
        apercu.erreur(element, _("%(code)s figure deux fois pour cet élève.", code=code))
        return
    codes.add(code)
    valide = ETATS[etat]
    apercu.validations.append(Validation(lu.id, code, jour if valide else None))
    if not valide:
        lu.retraits += 1
    elif code.count(".") == 1:
        lu.competences += 1
    else:
        lu.items += 1


def contexte_de(rows: Iterable[dict], uai: str, grille: Grille, aujourdhui: dt.date) -> Contexte:
    """From the facade's ``pupils_of_establishment`` rows."""
    return Contexte({row["eleve_id"].strip(): row for row in rows}, uai, grille, aujourdhui)
