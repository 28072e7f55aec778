"""The teachers' page of the LPC, « Validation du livret personnel de compétences », under
``/administration/lpc/`` (teachers, the head and the academy administrator pass the guard).

A class, a palier (3, the collège's, by default; 2 for the 6e pupils whose palier 2 is still
being validated) and a compétence of that palier are chosen (htmx swaps only the region and
updates the URL). The grid has, for each pupil, a box per item of the compétence, the
compétence's own box with its date and, for compétence 2, the language validated at the
palier's CECRL level. One form saves the whole class.

A teacher works only on the classes of their own teaching services (another class answers 404,
as an unknown one does); the head works on every class. A ticked box keeps the date it was
validated on; a newly ticked item gets the school's day, as does a compétence whose date is left
empty; an unticked box deletes its row (last save wins, as on the absences' page). A page or a
save costs the same number of queries whatever the size of the class: the class's rows are read
in one query per table and written with one upsert and one DELETE per table. Every save goes to
the audit log in its transaction; a refused form comes back with everything as typed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    StaffRole, audit, gettext as _, htmx_target, lazy_gettext as _l, now, pupils_of_structure, read_date, render,
    staff_establishment, structures, subjects, teaching_services, today, write_transaction,
)
from teleservices.plugins.lpc.grille import NIVEAU_LANGUE, Competence, grille
from teleservices.plugins.lpc.rules import LANGUE_MAX, PALIER_PAR_DEFAUT, erreur_code, erreur_date, erreur_langue
from teleservices.plugins.lpc.tables import LpcLangue, LpcValidation

PAGE = "/administration/lpc/"
SAISIE = "lpc-saisie"  # the region (choice of class, palier and compétence, grid) that htmx swaps
PALIERS = (3, 2)  # the collège's palier first; palier 2 for 6e pupils still validating it
COMPTES = ("items_valides", "items_retires", "competences_validees", "competences_modifiees",
           "competences_retirees")
INCHANGE = _l("Aucune validation n'a changé : rien n'a été enregistré.")
CHOIX_REFUSE = _l("Le formulaire ne nomme pas une classe, un palier et une compétence de la grille : "
                  "rien n'a été enregistré.")
ELEVE_ETRANGER = _l("Le formulaire nomme un élève qui n'est pas dans cette classe : rien n'a été enregistré.")


def go(url: str) -> Response:
    """After a POST: a 303 to the page that shows the result (htmx follows it)."""
    return Redirect(url, status_code=303)


def back(choice: dict[str, str], ok: str, **counts: int) -> str:
    return f"{PAGE}?{urlencode({**{k: v for k, v in choice.items() if v}, 'ok': ok, **counts})}"


# --- the class, the palier and the compétence -----------------------------------------------------------


async def classes_offertes(request: Request, etablissement_id: int) -> list[dict]:
    """The classes (type "D") this staff member may work on: a teacher's are those of their
    teaching services, the head's are all of the establishment."""
    classes = [s for s in await structures(etablissement_id) if s["type_structure"] == "D"]
    viewer = request.user
    if viewer.role != StaffRole.ENSEIGNANT:
        return classes
    if not viewer.enseignant_id:
        return []
    siennes = {s["division_id"] for s in await teaching_services(etablissement_id, viewer.enseignant_id)}
    return [c for c in classes if c["id"] in siennes]


@dataclass
class Choix:
    """The class, palier and compétence asked for, as typed; what they name once checked; errors."""

    classes: list[dict]
    valeurs: dict[str, str]
    division: dict | None = None
    palier: int = PALIER_PAR_DEFAUT
    competence: Competence | None = None
    erreurs: dict[str, str] = field(default_factory=dict)

    @property
    def classe(self) -> str:
        return (self.division["libelle"] or self.division["code_structure"]) if self.division else ""

    @property
    def competences(self) -> tuple[Competence, ...]:
        """The compétences the form offers: the chosen palier's."""
        return grille().palier(self.palier).competences


async def lire_choix(request: Request, source: Any) -> Choix:
    """The choice named by ``division``, ``palier`` and ``competence`` (its ref, « 1 », « 3a »)
    of a query string or a form. A class this staff member may not work on is not found (404);
    the palier defaults to 3 and the compétence to the palier's first."""
    classes = await classes_offertes(request, staff_establishment(request))
    valeurs = {cle: (source.get(cle) or "").strip()[:20] for cle in ("division", "palier", "competence")}
    choix = Choix(classes, valeurs)
    if valeurs["division"]:
        choix.division = next((c for c in classes if str(c["id"]) == valeurs["division"]), None)
        if choix.division is None:
            raise NotFoundException(_("Classe introuvable parmi vos classes."))
    if valeurs["palier"] and valeurs["palier"] not in {str(p) for p in PALIERS}:
        choix.erreurs["palier"] = _("Choisissez le palier 3 ou le palier 2.")
        return choix
    choix.palier = int(valeurs["palier"] or PALIER_PAR_DEFAUT)
    ref = valeurs["competence"] or choix.competences[0].ref
    choix.competence = grille().competences.get(f"P{choix.palier}.C{ref}")
    if choix.competence is None:
        choix.erreurs["competence"] = _("Choisissez une compétence du palier %(palier)s.", palier=choix.palier)
    else:
        valeurs["palier"], valeurs["competence"] = str(choix.palier), ref
    return choix


# --- what is stored -----------------------------------------------------------------------------------------


@dataclass
class Etat:
    """A pupil's stored validations of the compétence: its items' and its own (row ids kept for
    deleting), and the language level of compétence 2 as (langue, niveau, date)."""

    items: dict[str, dt.date] = field(default_factory=dict)
    date: dt.date | None = None
    ids: dict[str, int] = field(default_factory=dict)
    langue: tuple[str, str, dt.date] | None = None
    langue_id: int | None = None


VALIDATIONS_SQL = """
SELECT id, eleve_id, code, date FROM lpc_validation WHERE eleve_id IN ({eleves}) AND code IN ({codes})
"""
LANGUES_SQL = """
SELECT id, eleve_id, langue, niveau, date FROM lpc_langue WHERE palier = {} AND eleve_id IN ({eleves})
"""


def _marques(valeurs: list) -> str:
    return ", ".join("{}" for _ in valeurs)


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def lire_etats(competence: Competence, palier: int, eleves: list[dict]) -> dict[int, Etat]:
    """The class's rows of the compétence: one query, and one more for compétence 2's language."""
    etats: dict[int, Etat] = {e["id"]: Etat() for e in eleves}
    if not eleves:
        return etats
    ids = [e["id"] for e in eleves]
    codes = [competence.code, *(item.code for item in competence.items)]
    sql = VALIDATIONS_SQL.replace("{eleves}", _marques(ids)).replace("{codes}", _marques(codes))
    for row in await LpcValidation.raw(sql, *ids, *codes):
        etat = etats[row["eleve_id"]]
        etat.ids[row["code"]] = row["id"]
        if row["code"] == competence.code:
            etat.date = _date(row["date"])
        else:
            etat.items[row["code"]] = _date(row["date"])
    if competence.langue:
        for row in await LpcLangue.raw(LANGUES_SQL.replace("{eleves}", _marques(ids)), palier, *ids):
            etats[row["eleve_id"]].langue = (row["langue"], row["niveau"], _date(row["date"]))
            etats[row["eleve_id"]].langue_id = row["id"]
    return etats


# --- the grid as typed --------------------------------------------------------------------------------------

CHAMP_ELEVE = re.compile(r"^(?:item|competence|date|langue)-(\d+)(?:-|$)")
CHAMP_ITEM = re.compile(r"^item-\d+-(.+)$")


@dataclass(frozen=True)
class Saisie:
    """A pupil's row of the grid: the items ticked, the compétence's box, date and language."""

    items: frozenset[str] = frozenset()
    validee: bool = False
    date: str = ""  # as typed; empty: the school's day
    langue: str = ""


def saisie_stockee(etat: Etat) -> Saisie:
    return Saisie(frozenset(etat.items), etat.date is not None, etat.date.isoformat() if etat.date else "",
                  etat.langue[0] if etat.langue else "")


def champ(nom: str, eleve_id: int) -> str:
    return f"{nom}-{eleve_id}"


def intrus(form: Any, eleves: list[dict], competence: Competence) -> str:
    """Why the form cannot be from this grid ("" when it can): a pupil who is not in the class,
    or an item that is not one of the compétence's (forged)."""
    ids = {str(e["id"]) for e in eleves}
    noms = list(form.keys())
    if any(i not in ids for i in form.getall("eleve", [])) or any(
            m[1] not in ids for m in map(CHAMP_ELEVE.match, noms) if m):
        return str(ELEVE_ETRANGER)
    attendus = {item.code for item in competence.items}
    for code in (m[1] for m in map(CHAMP_ITEM.match, noms) if m):
        if code not in attendus:
            raison = erreur_code(code, grille()) or _("L'item %(code)s n'est pas un item de la %(competence)s.",
                                                      code=code, competence=competence.libelle)
            return _("%(raison)s Rien n'a été enregistré.", raison=raison)
    return ""


def lire_saisie(form: Any, eleve_id: int, competence: Competence) -> Saisie:
    return Saisie(
        items=frozenset(item.code for item in competence.items if form.get(f"item-{eleve_id}-{item.code}")),
        validee=bool(form.get(champ("competence", eleve_id))),
        date=(form.get(champ("date", eleve_id)) or "").strip()[:20],
        # Kept whole (up to a bound) so that a name too long comes back to be shortened.
        langue=" ".join((form.get(champ("langue", eleve_id)) or "").split())[:500],
    )


def erreurs_de_saisie(saisie: Saisie, etat: Etat, competence: Competence, palier: int) -> dict[str, str]:
    """The errors of one pupil's compétence, by field ("date", "langue")."""
    erreurs = {}
    date = read_date(saisie.date)
    if not saisie.validee:
        # A date or a language typed without the box: the teacher meant something; ask.
        if saisie.date and date != etat.date:
            erreurs["date"] = _("Cochez « Compétence validée » pour la valider à cette date, ou videz la date.")
        if competence.langue and saisie.langue and saisie.langue != (etat.langue[0] if etat.langue else ""):
            erreurs["langue"] = _("Cochez « Compétence validée » pour valider ce niveau de langue, "
                                   "ou videz la langue.")
        return erreurs
    if saisie.date and date is None:
        erreurs["date"] = _("Saisissez la date de validation au format jj/mm/aaaa.")
    elif date and (erreur := erreur_date(date, today())):
        erreurs["date"] = erreur
    if competence.langue and (erreur := erreur_langue(palier, saisie.langue, NIVEAU_LANGUE[palier])):
        erreurs["langue"] = erreur
    return erreurs


def lire_grille(form: Any, eleves: list[dict], etats: dict[int, Etat], competence: Competence,
                palier: int) -> tuple[dict[int, Saisie], dict[str, str]]:
    """The rows typed for the pupils of the class, and the errors by field name. A pupil the form
    does not list (one who joined the class after the page was shown) is left as they are."""
    listes = set(form.getall("eleve", []))
    saisies, erreurs = {}, {}
    for eleve in eleves:
        if str(eleve["id"]) not in listes:
            continue
        saisie = saisies[eleve["id"]] = lire_saisie(form, eleve["id"], competence)
        for nom, texte in erreurs_de_saisie(saisie, etats[eleve["id"]], competence, palier).items():
            erreurs[champ(nom, eleve["id"])] = texte
    return saisies, erreurs


# --- writing ----------------------------------------------------------------------------------------------------


@dataclass
class Ecritures:
    """What a save changes: validation rows to write (pupil, code, date) and to delete (ids), the
    language rows likewise, and the counts the confirmation and the journal give."""

    validations: list[tuple[int, str, dt.date]] = field(default_factory=list)
    retraits: list[int] = field(default_factory=list)
    langues: list[tuple[int, str, str, dt.date]] = field(default_factory=list)
    langues_retirees: list[int] = field(default_factory=list)
    comptes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COMPTES, 0))

    @property
    def total(self) -> int:
        return len(self.validations) + len(self.retraits) + len(self.langues) + len(self.langues_retirees)


def ecrire_items(changes: Ecritures, eleve_id: int, saisie: Saisie, etat: Etat, competence: Competence,
                 jour: dt.date) -> None:
    """A newly ticked item is validated today; a ticked one keeps its date; an unticked one goes."""
    for item in competence.items:
        coche, stocke = item.code in saisie.items, item.code in etat.items
        if coche and not stocke:
            changes.validations.append((eleve_id, item.code, jour))
            changes.comptes["items_valides"] += 1
        elif stocke and not coche:
            changes.retraits.append(etat.ids[item.code])
            changes.comptes["items_retires"] += 1


def ecrire_competence(changes: Ecritures, eleve_id: int, saisie: Saisie, etat: Etat, competence: Competence,
                      palier: int, jour: dt.date) -> None:
    """The compétence at the date typed (left empty: the date it has, or the school's day); for
    compétence 2, the language at the palier's level on the same date. Unticked: both rows go."""
    if not saisie.validee:
        if etat.date is not None:
            changes.retraits.append(etat.ids[competence.code])
            changes.comptes["competences_retirees"] += 1
        if etat.langue_id is not None:
            changes.langues_retirees.append(etat.langue_id)
        return
    date = read_date(saisie.date) or etat.date or jour  # a date emptied on a validated compétence: kept
    langue = (saisie.langue, NIVEAU_LANGUE[palier], date) if competence.langue else None
    if date != etat.date:
        changes.validations.append((eleve_id, competence.code, date))
    if langue and langue != etat.langue:
        changes.langues.append((eleve_id, *langue))
    if etat.date is None:
        changes.comptes["competences_validees"] += 1
    elif date != etat.date or (langue and langue != etat.langue):
        changes.comptes["competences_modifiees"] += 1


def ecritures(saisies: dict[int, Saisie], etats: dict[int, Etat], competence: Competence, palier: int) -> Ecritures:
    changes, jour = Ecritures(), today()
    for eleve_id, saisie in saisies.items():
        ecrire_items(changes, eleve_id, saisie, etats[eleve_id], competence, jour)
        ecrire_competence(changes, eleve_id, saisie, etats[eleve_id], competence, palier, jour)
    return changes


# One statement each, on the unique indexes (one row per pupil and code, per pupil and palier):
# a row another save made meanwhile is updated instead of failing.
UPSERT_VALIDATIONS_SQL = """
INSERT INTO lpc_validation (etablissement_id, eleve_id, code, date, saisie_par, modifie_le) VALUES {rows}
ON CONFLICT (eleve_id, code) DO UPDATE SET etablissement_id = excluded.etablissement_id, date = excluded.date,
    saisie_par = excluded.saisie_par, modifie_le = excluded.modifie_le
"""
UPSERT_LANGUES_SQL = """
INSERT INTO lpc_langue (etablissement_id, eleve_id, palier, langue, niveau, date, saisie_par, modifie_le) VALUES {rows}
ON CONFLICT (eleve_id, palier) DO UPDATE SET etablissement_id = excluded.etablissement_id, langue = excluded.langue,
    niveau = excluded.niveau, date = excluded.date, saisie_par = excluded.saisie_par, modifie_le = excluded.modifie_le
"""


def _lignes(nombre: int, largeur: int) -> str:
    return ", ".join("(" + ", ".join("{}" for _ in range(largeur)) + ")" for _ in range(nombre))


async def ecrire(etablissement_id: int, palier: int, changes: Ecritures, auteur: str) -> None:
    quand = now()
    if changes.validations:
        args = [v for eleve_id, code, date in changes.validations
                for v in (etablissement_id, eleve_id, code, date, auteur, quand)]
        await LpcValidation.raw(UPSERT_VALIDATIONS_SQL.replace("{rows}", _lignes(len(changes.validations), 6)), *args)
    if changes.retraits:
        await LpcValidation.delete().where(LpcValidation.id.is_in(changes.retraits))
    if changes.langues:
        args = [v for eleve_id, langue, niveau, date in changes.langues
                for v in (etablissement_id, eleve_id, palier, langue, niveau, date, auteur, quand)]
        await LpcLangue.raw(UPSERT_LANGUES_SQL.replace("{rows}", _lignes(len(changes.langues), 8)), *args)
    if changes.langues_retirees:
        await LpcLangue.delete().where(LpcLangue.id.is_in(changes.langues_retirees))


def resume(comptes: dict[str, int]) -> str:
    """« 3 item(s) validé(s), 1 retiré(s) ; 2 compétence(s) validée(s), 0 modifiée(s), 0 retirée(s) »: for
    the audit journal, in French (the confirmation says it in the page's language)."""
    c = comptes
    return (f"{c['items_valides']} item(s) validé(s), {c['items_retires']} retiré(s) ; "
            f"{c['competences_validees']} compétence(s) validée(s), {c['competences_modifiees']} modifiée(s), "
            f"{c['competences_retirees']} retirée(s)")


# --- the page ---------------------------------------------------------------------------------------------------


def numeros(competence: Competence) -> list[dict]:
    """The compétence's domaines with their items numbered 1, 2, 3… across the compétence: the
    grid's short column heads and the legend's entries."""
    domaines, n = [], 0
    for domaine in competence.domaines:
        items = []
        for item in domaine.items:
            n += 1
            items.append({"numero": n, "code": item.code, "libelle": item.libelle})
        domaines.append({"libelle": domaine.libelle, "items": items})
    return domaines


def lignes(eleves: list[dict], etats: dict[int, Etat], saisies: dict[int, Saisie] | None) -> list[dict]:
    """Each pupil's row as typed (after a refused save) or as stored."""
    return [{"id": e["id"], "nom": f"{e['nom_de_famille']} {e['prenom']}",
             "saisie": (saisies or {}).get(e["id"]) or saisie_stockee(etats.get(e["id"], Etat()))}
            for e in eleves]


async def langues_proposees(etablissement_id: int) -> list[str]:
    """The establishment's modern language subjects (« ANGLAIS LV1 »), suggested for compétence 2."""
    return [s["libelle"] for s in await subjects(etablissement_id) if re.search(r"\bLV\s?\d", s["libelle"] or "")]


def confirmation(request: Request) -> str:
    ok = request.query_params.get("ok") or ""
    if ok == "inchange":
        return str(INCHANGE)
    if ok == "saisie":
        return _("Les validations sont enregistrées : %(items_valides)s item(s) validé(s), %(items_retires)s "
                 "retiré(s) ; %(competences_validees)s compétence(s) validée(s), %(competences_modifiees)s "
                 "modifiée(s), %(competences_retirees)s retirée(s).",
                 **{k: _nombre(request.query_params.get(k)) for k in COMPTES})
    return ""


def _nombre(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 6 else 0


@dataclass
class Refus:
    """A refused form's rows as typed and its errors."""

    saisies: dict[int, Saisie] | None = None
    erreurs: dict[str, str] = field(default_factory=dict)
    general: str = ""


async def afficher(request: Request, choix: Choix, refus: Refus | None = None,
                   eleves: list[dict] | None = None) -> Response:
    refus = refus or Refus()
    competence = choix.competence
    montrer = choix.division is not None and competence is not None
    if montrer and eleves is None:
        eleves = await pupils_of_structure(choix.division["id"])
    etats = await lire_etats(competence, choix.palier, eleves) if montrer else {}
    contexte = {
        "region": SAISIE, "choix": choix, "message": confirmation(request), "erreurs": refus.erreurs,
        "general": refus.general, "competence": competence, "paliers": [grille().palier(p) for p in PALIERS],
        "palier_nom": grille().palier(choix.palier).titre, "niveau": NIVEAU_LANGUE.get(choix.palier, ""),
        "domaines": numeros(competence) if montrer else [], "aujourdhui": today().isoformat(),
        "lignes": lignes(eleves, etats, refus.saisies) if montrer else None, "langue_max": LANGUE_MAX,
        "langues": await langues_proposees(staff_establishment(request)) if montrer and competence.langue else [],
    }
    template = "lpc/staff/saisie_fragment.html" if htmx_target(request, SAISIE) else "lpc/staff/saisie.html"
    return render(request, template, contexte)


@get("/", name="lpc:personnels")
async def saisie_page(request: Request) -> Response:
    """« Validation du livret personnel de compétences »: the choice, and its grid."""
    return await afficher(request, await lire_choix(request, request.query_params))


@post("/", name="lpc:enregistrer")
async def enregistrer(request: Request) -> Response:
    """The grid of a class and a compétence, saved at once; refused whole if any row is wrong."""
    form = await request.form()
    choix = await lire_choix(request, form)
    if choix.division is None:
        choix.erreurs.setdefault("division", _("Choisissez une classe."))
    if choix.erreurs:
        return await afficher(request, choix, Refus(general=str(CHOIX_REFUSE)))
    competence = choix.competence
    eleves = await pupils_of_structure(choix.division["id"])
    etats = await lire_etats(competence, choix.palier, eleves)
    saisies, erreurs = lire_grille(form, eleves, etats, competence, choix.palier)
    general = intrus(form, eleves, competence)
    if erreurs or general:
        return await afficher(request, choix, Refus(saisies, erreurs, general), eleves)
    async with write_transaction():
        # Read again inside the transaction: a row another save just made is updated, not duplicated.
        changes = ecritures(saisies, await lire_etats(competence, choix.palier, eleves), competence, choix.palier)
        if changes.total:
            await ecrire(staff_establishment(request), choix.palier, changes, request.user.identifiant)
            await audit(request, "lpc.validation", (
                f"LPC de la classe {choix.classe}, palier {choix.palier}, compétence {competence.ref} : "
                f"{resume(changes.comptes)}."))
    if not changes.total:
        return go(back(choix.valeurs, "inchange"))
    return go(back(choix.valeurs, "saisie", **changes.comptes))


ROUTES = [saisie_page, enregistrer]
