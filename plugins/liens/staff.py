"""« Liens externes », under ``/administration/liens/``: the links families see on their child's
home screen (the ENT of the academy, an academic service, the school's site).

Who does what (the core's staff guard lets only the head and the academy administrator in):

- the academy administrator manages the links of their whole academy (shown in every
  establishment of the academy) and those of the establishment they work on (chosen at
  ``/administration/etablissements``, as for every other staff page);
- the head of an establishment sees the academy's links that apply to their establishment,
  read-only, and manages their establishment's own links.

A link the viewer may not see (another academy's, another establishment's) answers 404, as an
unknown one does; an academy link the head sees but may not change answers 403. Each page costs
two queries (the establishment, the links); each save is one write in one transaction with its
journal line, then a 303 to the list with its confirmation. A refused form comes back (422)
with the errors next to their fields and everything as typed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect

from teleservices.core.api import (
    Etablissement, StaffRole, audit, establishment, gettext as _, lazy_gettext as _l, now, render,
    staff_establishment, write_transaction,
)
from teleservices.plugins.liens.regles import (
    ACADEMIE, ETABLISSEMENT, ICONES, ORDRE_MAX, N_, Saisie, differences, icone, lire, publics,
)
from teleservices.plugins.liens.tables import LIBELLE_MAX, URL_MAX, LiensLien

PAGE = "/administration/liens/"
MESSAGES = {
    "ajoute": _l("Le lien est ajouté : il s'affiche dès maintenant aux familles concernées."),
    "modifie": _l("Le lien est enregistré : la modification s'applique dès maintenant aux familles."),
    "inchange": _l("Le lien n'a pas changé : rien n'a été enregistré."),
    "supprime": _l("Le lien est supprimé : il n'apparaît plus aux familles."),
}
# The scope in words: in French for the journal, translated on the pages.
PORTEES = {
    ACADEMIE: N_("toute l'académie %(academie)s"),
    ETABLISSEMENT: N_("l'établissement %(nom)s (%(uai)s)"),
}
COLONNES = "id, libelle, url, icone, parents, eleves, academie, etablissement_id, ordre, actif"
LISTE_SQL = f"""
SELECT {COLONNES} FROM liens_lien
WHERE etablissement_id = {{}} OR (academie <> '' AND academie = {{}})
ORDER BY ordre, libelle, id
"""
LIEN_SQL = f"SELECT {COLONNES} FROM liens_lien WHERE id = {{}}"
ID_MAX = 2**31 - 1  # an id in the URL beyond the column's integers is unknown, not an error


@dataclass(frozen=True)
class Droits:
    """What the viewer may see and change, for the establishment they work on."""

    etablissement: Etablissement
    academie: str  # the academy whose links apply here ("" when the establishment has none)
    gere_academie: bool  # the academy administrator of this academy

    @property
    def portees(self) -> tuple[str, ...]:
        return (ACADEMIE, ETABLISSEMENT) if self.gere_academie else (ETABLISSEMENT,)

    def voit(self, row: dict[str, Any]) -> bool:
        return row["etablissement_id"] == self.etablissement.id or bool(
            self.academie and row["etablissement_id"] is None and row["academie"] == self.academie)

    def modifie(self, row: dict[str, Any]) -> bool:
        return row["etablissement_id"] == self.etablissement.id or (self.gere_academie and self.voit(row))

    def portee(self, portee: str, traduite: bool = False) -> str:
        """The scope in words: in French for the journal, in the page's language when ``traduite``."""
        texte = PORTEES[ACADEMIE if portee == ACADEMIE else ETABLISSEMENT]
        valeurs = {"academie": self.academie, "nom": self.etablissement.nom, "uai": self.etablissement.uai}
        return _(texte, **valeurs) if traduite else texte % valeurs


async def droits(request: Request) -> Droits:
    viewer = request.user
    etab = await establishment(staff_establishment(request))
    if etab is None:
        raise NotFoundException(_("Établissement introuvable."))
    gere = viewer.role == StaffRole.ADMIN_ACADEMIQUE and bool(viewer.academie)
    # The session guarantees that an academy administrator works on an establishment of their academy.
    return Droits(etab, viewer.academie if gere else etab.academie, gere)


async def lien_modifiable(d: Droits, lien_id: int) -> dict[str, Any]:
    """The link, if the viewer may change it: 404 when they may not even see it, 403 for an
    academy link shown to the head."""
    rows = await LiensLien.raw(LIEN_SQL, lien_id) if 0 < lien_id <= ID_MAX else []
    if not rows or not d.voit(rows[0]):
        raise NotFoundException(_("Lien introuvable."))
    if not d.modifie(rows[0]):
        raise PermissionDeniedException(_(
            "Ce lien est géré par l'administrateur académique : il s'affiche dans tous les établissements de l'académie."))
    return rows[0]


def vue(d: Droits, row: dict[str, Any]) -> dict[str, Any]:
    """A link as the list shows it."""
    return {
        **row, "icone_url": icone(row["icone"]), "publics": _(publics(bool(row["parents"]), bool(row["eleves"]))),
        "actif": bool(row["actif"]), "modifiable": d.modifie(row),
    }


def go(ok: str) -> Response:
    return Redirect(f"{PAGE}?ok={ok}", status_code=303)


# --- the list ---------------------------------------------------------------------------------------


@get("/", name="liens:liste")
async def liste(request: Request) -> Response:
    d = await droits(request)
    rows = [vue(d, row) for row in await LiensLien.raw(LISTE_SQL, d.etablissement.id, d.academie)]
    return render(request, "liens/staff/liste.html", {
        "droits": d,
        "academiques": [r for r in rows if r["etablissement_id"] is None],
        "locaux": [r for r in rows if r["etablissement_id"] is not None],
        "message": MESSAGES.get(request.query_params.get("ok") or "", ""),
    })


# --- the form -------------------------------------------------------------------------------------------


def formulaire(request: Request, d: Droits, saisie: Saisie, lien: dict[str, Any] | None = None) -> Response:
    return render(request, "liens/staff/formulaire.html", {
        "droits": d, "saisie": saisie, "erreurs": saisie.erreurs, "lien": lien,
        "action": f"{PAGE}{lien['id']}" if lien else f"{PAGE}nouveau",
        "icones": [(cle, _(libelle), icone(cle)) for cle, libelle in ICONES.items()],
        "libelle_max": LIBELLE_MAX, "url_max": URL_MAX, "ordre_max": ORDRE_MAX,
    }, status_code=422 if saisie.erreurs else 200)


def colonnes(d: Droits, saisie: Saisie) -> dict[Any, Any]:
    academique = saisie.portee == ACADEMIE
    return {
        LiensLien.libelle: saisie.libelle, LiensLien.url: saisie.url, LiensLien.icone: saisie.icone,
        LiensLien.parents: saisie.parents, LiensLien.eleves: saisie.eleves,
        LiensLien.academie: d.academie if academique else "",
        LiensLien.etablissement_id: None if academique else d.etablissement.id,
        LiensLien.ordre: saisie.ordre_nombre, LiensLien.actif: saisie.actif, LiensLien.modifie_le: now(),
    }


def resume(d: Droits, saisie: Saisie) -> str:
    return (f"{d.portee(saisie.portee)} ; {saisie.url} ; {publics(saisie.parents, saisie.eleves).lower()} ; "
            f"ordre {saisie.ordre_nombre} ; {'affiché' if saisie.actif else 'masqué'} aux familles")


@get("/nouveau", name="liens:nouveau")
async def nouveau(request: Request) -> Response:
    d = await droits(request)
    # The academy administrator adds, by default, a link of the whole academy (the ENT...).
    return formulaire(request, d, Saisie(portee=ACADEMIE if d.gere_academie else ETABLISSEMENT))


@post("/nouveau", name="liens:ajouter")
async def ajouter(request: Request) -> Response:
    d = await droits(request)
    saisie = lire(await request.form(), d.portees)
    if saisie.erreurs:
        return formulaire(request, d, saisie)
    async with write_transaction():
        await LiensLien.insert(LiensLien(**{column._meta.name: value for column, value in colonnes(d, saisie).items()}))
        await audit(request, "liens.ajouter", f"Lien « {saisie.libelle} » ajouté : {resume(d, saisie)}.")
    return go("ajoute")


@get("/{lien_id:int}", name="liens:lien")
async def lien(request: Request) -> Response:
    lien_id = request.path_params["lien_id"]
    d = await droits(request)
    row = await lien_modifiable(d, lien_id)
    return formulaire(request, d, Saisie.de_ligne(row), row)


@post("/{lien_id:int}", name="liens:modifier")
async def modifier(request: Request) -> Response:
    lien_id = request.path_params["lien_id"]
    d = await droits(request)
    row = await lien_modifiable(d, lien_id)
    saisie = lire(await request.form(), d.portees)
    if saisie.erreurs:
        return formulaire(request, d, saisie, row)
    async with write_transaction():
        # Read again inside the transaction: the link may have changed or gone meanwhile.
        row = await lien_modifiable(d, lien_id)
        changes = differences(Saisie.de_ligne(row), saisie)
        if changes:
            await LiensLien.update(colonnes(d, saisie)).where(LiensLien.id == lien_id)
            await audit(request, "liens.modifier", f"Lien « {row['libelle']} » modifié : {', '.join(changes)}.")
    return go("modifie" if changes else "inchange")


@get("/{lien_id:int}/supprimer", name="liens:confirmer")
async def confirmer(request: Request) -> Response:
    lien_id = request.path_params["lien_id"]
    d = await droits(request)
    row = await lien_modifiable(d, lien_id)
    portee = ACADEMIE if row["etablissement_id"] is None else ETABLISSEMENT
    return render(request, "liens/staff/supprimer.html",
                  {"lien": vue(d, row), "portee": d.portee(portee, traduite=True)})


@post("/{lien_id:int}/supprimer", name="liens:supprimer")
async def supprimer(request: Request) -> Response:
    lien_id = request.path_params["lien_id"]
    d = await droits(request)
    async with write_transaction():
        row = await lien_modifiable(d, lien_id)
        await LiensLien.delete().where(LiensLien.id == lien_id)
        portee = ACADEMIE if row["etablissement_id"] is None else ETABLISSEMENT
        await audit(request, "liens.supprimer", f"Lien « {row['libelle']} » supprimé ({d.portee(portee)}) : {row['url']}.")
    return go("supprime")


ROUTES = [liste, nouveau, ajouter, lien, modifier, confirmer, supprimer]
