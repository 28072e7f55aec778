"""The families' pages of the fiche de renseignements (guide 3.3), under
``/eleves/{eleve_id}/fiche/``, behind the core's service guard (parents only): the fiche with
its records, « Mise à jour élève », « Mise à jour responsable légal 1/2 », and the check of one
field as the family types (htmx).

What a family submits never overwrites the record: it becomes (or updates) a change request the
school processes. A guardian sees and changes only the records their account holds (with
separate accounts, never the other guardian's: any other guardian's form answers 404, like an
unknown one). Only the form's fields are read; a request carrying any other field is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from litestar import Request, Response, get, post
from litestar.exceptions import HTTPException, NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    CurrentChild, gettext as _, htmx_target, lazy_gettext as _l, pupil_and_guardians, render,
)
from teleservices.plugins.fiche import reference, rules, validation
from teleservices.plugins.fiche.champs import ELEVE_CHAMPS, ELEVE_SECTIONS, RESPONSABLE_CHAMPS, RESPONSABLE_SECTIONS
from teleservices.plugins.fiche.demandes import Attentes, DejaTraitee, Demandeur, Verrouillee, en_attente, soumettre
from teleservices.plugins.fiche.tables import ELEVE, RESPONSABLE

MESSAGES = {
    "eleve": _l("Vos modifications de la fiche de l'élève sont transmises à l'établissement, qui les traitera."),
    "responsable": _l("Vos modifications sont transmises à l'établissement, qui les traitera."),
    "inchange": _l("Aucune modification : la fiche est identique à celle de l'établissement."),
}
ALWAYS_ALLOWED = {"_csrf"}
TITRE = _l("La fiche de renseignements")


@dataclass(frozen=True)
class Cadre:
    """Where the fiche's update forms are used: the fiche itself, or the third step of the online
    enrolment in lycée, whose requests go to the lycée's queue. ``base`` prefixes the forms' URLs
    (``{base}/eleve``, ``{base}/responsable/1``, ``{base}/verifier/…``; a saved form goes back to
    ``{base}/``); ``fil`` is the breadcrumb before the form's own name, ``titre`` the page title's start."""

    base: str
    etablissement_id: int
    fil: tuple[tuple[Any, str], ...]
    titre: Any = field(default_factory=lambda: TITRE)  # lazy strings, shown in the page's language


def cadre_de_la_fiche(child: Any) -> Cadre:
    base = f"/eleves/{child.id}/fiche"
    return Cadre(base, child.etablissement.id, ((TITRE, f"{base}/"),))


@dataclass
class Fiche:
    """What the account may see of the pupil's fiche, read in four queries."""

    eleve: dict[str, Any]
    responsables: list[dict[str, Any]]  # the ones this account holds, 1 then 2
    tous: list[dict[str, Any]]  # every legal guardian (for the greyed checkbox rule only; never shown)
    detenus: set[int]
    attentes: Attentes

    def responsable(self, niveau: int) -> dict[str, Any] | None:
        return next((r for r in self.responsables if r["resp_legal"] == niveau), None)

    @property
    def case_grisee(self) -> bool:
        return rules.case_adresse_grisee(self.detenus, self.tous)

    def eleve_bloque(self, compte_id: int) -> bool:
        attente = self.attentes.eleve
        return attente is not None and rules.bloque(attente.compte_id, compte_id)


async def lire(request: Request, child: Any) -> Fiche:
    eleve, tous = await pupil_and_guardians(child.id, held_by=request.user.compte_id)
    if eleve is None:
        raise NotFoundException(_("Élève introuvable."))
    detenus = {g["id"] for g in tous if g["detenu"]}
    responsables = [g for g in tous if g["id"] in detenus]
    attentes = await en_attente(child.id, [g["id"] for g in responsables])
    return Fiche(eleve, responsables, tous, detenus, attentes)


def _demandeur(request: Request, child: Any, cadre: Cadre) -> Demandeur:
    return Demandeur(cadre.etablissement_id, child.id, request.user.compte_id, request.user.identifiant)


def libelles() -> dict[str, Any]:
    """What the fiche's cards (``fiche/_fiches.html``) need besides the fiche read."""
    return {"libelle_eleve": ELEVE_CHAMPS, "libelle_responsable": RESPONSABLE_CHAMPS, "reference": reference}


def modifications_en_attente(lue: Fiche) -> list[tuple[str, list[tuple[str, str]]]]:
    """The pending changes of the records this account holds, in words, record by record:
    (« L'élève », [(« Téléphone portable », « 06 12 34 56 78 »)…])."""
    from teleservices.plugins.fiche.staff import affichage

    fiches = []
    if lue.attentes.eleve and lue.attentes.eleve.changes:
        fiches.append((_("L'élève"), lue.attentes.eleve.changes, ELEVE_CHAMPS))
    for r in lue.responsables:
        attente = lue.attentes.responsables.get(r["id"])
        if attente and attente.changes:
            fiches.append((_("Responsable légal %(niveau)s", niveau=r["resp_legal"]), attente.changes,
                           RESPONSABLE_CHAMPS))
    return [(titre, [(champs[c].libelle, affichage(c, nouvelle) or _("(vide)"))
                     for c, (_, nouvelle) in changes.items() if c in champs])
            for titre, changes, champs in fiches]


# --- the fiche ------------------------------------------------------------------------------------


@get("/", name="fiche:fiche")
async def fiche(request: Request, child: CurrentChild) -> Response:
    """« La fiche de renseignements »: the records this account may update, and what waits."""
    lue = await lire(request, child)
    return render(request, "fiche/fiche.html", {
        "child": child, "base": cadre_de_la_fiche(child).base, "fiche": lue,
        "eleve_bloque": lue.eleve_bloque(request.user.compte_id),
        "message": MESSAGES.get(request.query_params.get("ok") or "", ""), **libelles(),
    })


# --- « Mise à jour élève » ------------------------------------------------------------------------


def _affichees(valeurs: dict[str, str]) -> dict[str, str]:
    """Values as the form shows them: a date as « jj/mm/aaaa »."""
    for champ in rules.DATES:
        if valeurs.get(champ) and "-" in valeurs[champ]:
            annee, mois, jour = valeurs[champ].split("-")
            valeurs[champ] = f"{jour}/{mois}/{annee}"
    return valeurs


def _valeurs_eleve(lue: Fiche, compte_id: int) -> dict[str, str]:
    """The form's values: the record's, with this account's own pending changes (never another's)."""
    valeurs = {c: rules.texte(c, lue.eleve.get(c)) for c in ELEVE_CHAMPS}
    attente = lue.attentes.eleve
    if attente and attente.compte_id == compte_id:
        valeurs.update({c: nouvelle for c, (_, nouvelle) in attente.changes.items()})
    return _affichees(valeurs)


def _page_eleve(request: Request, child: Any, cadre: Cadre, lue: Fiche, valeurs: Mapping[str, str],
                erreurs: Mapping[str, str] | None = None, general: str = "", status: int = 200) -> Response:
    compte_id = request.user.compte_id
    attente = lue.attentes.eleve
    mes_attentes = attente.changes if attente and attente.compte_id == compte_id else {}
    return render(request, "fiche/eleve.html", {
        "child": child, "base": cadre.base, "cadre": cadre, "fiche": lue, "valeurs": valeurs, "erreurs": erreurs or {},
        "general": general, "sections": ELEVE_SECTIONS, "reference": reference,
        "bloque": lue.eleve_bloque(compte_id), "en_cours": rules.EN_COURS,
        "mes_attentes": mes_attentes, "en_attente_libelles": [ELEVE_CHAMPS[c].libelle for c in mes_attentes],
        "resp1": lue.responsable(1), "case_grisee": lue.case_grisee,
    }, status_code=status)


async def page_eleve(request: Request, child: Any, cadre: Cadre) -> Response:
    """« Mise à jour élève », with the record and this account's pending changes."""
    lue = await lire(request, child)
    return _page_eleve(request, child, cadre, lue, _valeurs_eleve(lue, request.user.compte_id))


@get("/eleve", name="fiche:eleve")
async def eleve(request: Request, child: CurrentChild) -> Response:
    return await page_eleve(request, child, cadre_de_la_fiche(child))


async def _formulaire(request: Request, champs: Mapping[str, Any]) -> dict[str, str]:
    """The submitted form, refused whole when it carries a field that is not on it (a crafted
    request for the régime or the class, say)."""
    form = await request.form()
    etrangers = sorted(set(form.keys()) - set(champs) - ALWAYS_ALLOWED)
    if etrangers:
        raise HTTPException(status_code=400,
                            detail=_("Champ non modifiable : %(champs)s.", champs=", ".join(etrangers)))
    return {k: form.get(k) for k in form.keys() if k in champs}


async def soumettre_eleve(request: Request, child: Any, cadre: Cadre) -> Response:
    """The pupil's form submitted: checked, then merged into the pending request (303 to
    ``{base}/``), or shown again with its errors."""
    lue = await lire(request, child)
    saisi = await _formulaire(request, ELEVE_CHAMPS)
    if lue.case_grisee:  # a greyed checkbox keeps the record's value, whatever is sent
        saisi["adresse_resp1"] = "1" if lue.eleve["adresse_resp1"] else ""
    propres, erreurs = validation.valider_eleve(saisi, actuel=lue.eleve)
    if lue.eleve_bloque(request.user.compte_id):
        return _page_eleve(request, child, cadre, lue, saisi, erreurs, rules.EN_COURS, status=409)
    if erreurs:
        return _page_eleve(request, child, cadre, lue, saisi, erreurs, status=422)
    try:
        changes = await soumettre(_demandeur(request, child, cadre), ELEVE, lue.eleve, propres, lue.attentes.eleve)
    except Verrouillee:
        return _page_eleve(request, child, cadre, lue, saisi, {}, rules.EN_COURS, status=409)
    except DejaTraitee:
        return _page_eleve(request, child, cadre, await lire(request, child), saisi, {}, rules.DEJA_TRAITEE,
                           status=409)
    return Redirect(f"{cadre.base}/?ok={'eleve' if changes else 'inchange'}", status_code=303)


@post("/eleve")
async def enregistrer_eleve(request: Request, child: CurrentChild) -> Response:
    return await soumettre_eleve(request, child, cadre_de_la_fiche(child))


# --- « Mise à jour responsable légal 1/2 » --------------------------------------------------------


def _responsable_ou_404(lue: Fiche, niveau: int) -> dict[str, Any]:
    """A guardian this account holds; any other answers as an unknown one does."""
    responsable = lue.responsable(niveau) if niveau in (1, 2) else None
    if responsable is None:
        raise NotFoundException(_("Fiche introuvable."))
    return responsable


def _valeurs_responsable(lue: Fiche, responsable: dict[str, Any]) -> dict[str, str]:
    valeurs = {c: rules.texte(c, responsable.get(c)) for c in RESPONSABLE_CHAMPS}
    attente = lue.attentes.responsables.get(responsable["id"])
    if attente:
        valeurs.update({c: nouvelle for c, (_, nouvelle) in attente.changes.items()})
    return _affichees(valeurs)


def _page_responsable(request: Request, child: Any, cadre: Cadre, lue: Fiche, responsable: dict[str, Any],
                      valeurs: Mapping[str, str], erreurs: Mapping[str, str] | None = None,
                      general: str = "", status: int = 200) -> Response:
    attente = lue.attentes.responsables.get(responsable["id"])
    return render(request, "fiche/responsable.html", {
        "child": child, "base": cadre.base, "cadre": cadre, "niveau": responsable["resp_legal"], "valeurs": valeurs,
        "erreurs": erreurs or {}, "general": general, "sections": RESPONSABLE_SECTIONS, "reference": reference,
        "mes_attentes": attente.changes if attente else {},
        "en_attente_libelles": [RESPONSABLE_CHAMPS[c].libelle for c in (attente.changes if attente else {})],
    }, status_code=status)


async def page_responsable(request: Request, child: Any, cadre: Cadre, niveau: int) -> Response:
    """« Mise à jour responsable légal 1/2 », for a guardian this account holds (else 404)."""
    lue = await lire(request, child)
    choisi = _responsable_ou_404(lue, niveau)
    return _page_responsable(request, child, cadre, lue, choisi, _valeurs_responsable(lue, choisi))


@get("/responsable/{niveau:int}", name="fiche:responsable")
async def responsable(request: Request, child: CurrentChild) -> Response:
    return await page_responsable(request, child, cadre_de_la_fiche(child), request.path_params["niveau"])


async def soumettre_responsable(request: Request, child: Any, cadre: Cadre, niveau: int) -> Response:
    lue = await lire(request, child)
    choisi = _responsable_ou_404(lue, niveau)
    saisi = await _formulaire(request, RESPONSABLE_CHAMPS)
    propres, erreurs = validation.valider_responsable(saisi, actuel=choisi)
    if erreurs:
        return _page_responsable(request, child, cadre, lue, choisi, saisi, erreurs, status=422)
    try:
        changes = await soumettre(_demandeur(request, child, cadre), RESPONSABLE, choisi, propres,
                                  lue.attentes.responsables.get(choisi["id"]), choisi["id"], choisi["resp_legal"])
    except DejaTraitee:
        return _page_responsable(request, child, cadre, await lire(request, child), choisi, saisi,
                                 general=rules.DEJA_TRAITEE, status=409)
    return Redirect(f"{cadre.base}/?ok={'responsable' if changes else 'inchange'}", status_code=303)


@post("/responsable/{niveau:int}")
async def enregistrer_responsable(request: Request, child: CurrentChild) -> Response:
    return await soumettre_responsable(request, child, cadre_de_la_fiche(child), request.path_params["niveau"])


# --- the check of one field as the family types ---------------------------------------------------


async def verifier_champ(request: Request) -> Response:
    """htmx, when a field loses the focus: its error (or none), swapped next to it. Reads only
    the form's own fields; nothing is stored."""
    formulaire = request.path_params["formulaire"]
    champs = {"eleve": ELEVE_CHAMPS, "responsable": RESPONSABLE_CHAMPS}.get(formulaire)
    champ = request.query_params.get("champ") or ""
    if champs is None or champ not in champs or not htmx_target(request, f"erreur-{champ}"):
        raise NotFoundException(_("Champ inconnu."))
    saisi = await _formulaire(request, champs)
    erreur = validation.verifier_champ(formulaire, champ, saisi)
    return render(request, "fiche/erreur_fragment.html", {"nom": champ, "erreur": erreur or ""})


@post("/verifier/{formulaire:str}", name="fiche:verifier")
async def verifier(request: Request, child: CurrentChild) -> Response:
    return await verifier_champ(request)


ROUTES = [fiche, eleve, enregistrer_eleve, responsable, enregistrer_responsable, verifier]
