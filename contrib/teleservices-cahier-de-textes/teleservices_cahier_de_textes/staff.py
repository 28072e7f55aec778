"""The teachers' pages of the cahier de textes, under ``/administration/cahier/`` (teachers, and the
head and the academy administrator, who read every class and write nothing).

A teacher chooses one of their classes or groups (their teaching services, from STS-web: the
facade's ``teaching_services(etablissement_id, enseignant_id)``), sees its week — every teacher's
lessons and homework, so that the class's workload shows — and adds, edits and deletes their own:
a lesson (date, subject, « Travail fait en classe ») or homework (given on, due for, subject,
description, links). The subjects offered are those they teach to that class. Another teacher's
entry, an entry pushed by the school software, or a class they do not teach answers 404, as an
unknown one does. Every change is one write transaction with its audit line, then a 303 to the
week with a confirmation; a refused form comes back (422) with every value as typed and each
error next to its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    StaffRole, audit, format_date, gettext as _, lazy_gettext as _l, now, periods, read_date, render,
    staff_establishment, structures, teaching_services, today, write_transaction,
)
from teleservices_cahier_de_textes import avis, donnees, rules
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait, CahierSeance

PAGE = "/administration/cahier"
MESSAGES = {
    "seance_ajoutee": _l("La séance est ajoutée au cahier de textes."),
    "seance_modifiee": _l("La séance est modifiée."),
    "seance_supprimee": _l("La séance est supprimée."),
    "devoir_ajoute": _l("Le travail à faire est ajouté au cahier de textes."),
    "devoir_modifie": _l("Le travail à faire est modifié."),
    "devoir_supprime": _l("Le travail à faire est supprimé."),
    "inchange": _l("Rien n'a changé : rien n'a été enregistré."),
}
LIGNES_LIENS = 3  # empty link rows a new homework's form shows (up to rules.LIENS_MAX)


# --- who may read and write what ---------------------------------------------------------------------


@dataclass
class Portee:
    """What a staff member works on: a teacher's teaching services (they write in them), or every
    class of the establishment for the head (read only)."""

    etablissement_id: int
    enseignant_id: int | None
    services: list[dict]
    classes: list[dict] = field(default_factory=list)  # {"id", "libelle", "type_structure"}

    @property
    def ecrit(self) -> bool:
        return self.enseignant_id is not None

    def classe(self, valeur: Any) -> dict | None:
        return next((c for c in self.classes if str(c["id"]) == str(valeur or "").strip()), None)

    def matieres(self, division_id: int) -> list[tuple[int, str]]:
        """The subjects this teacher teaches to this class or group."""
        vues = {s["matiere_id"]: s["matiere_libelle"] for s in self.services if s["division_id"] == division_id}
        return sorted(vues.items(), key=lambda m: m[1].casefold())

    def enseigne(self, division_id: int, matiere_id: int) -> bool:
        return self.ecrit and any(
            s["division_id"] == division_id and s["matiere_id"] == matiere_id for s in self.services)


async def portee_de(request: Request) -> Portee:
    etablissement_id = staff_establishment(request)
    viewer = request.user
    if viewer.role == StaffRole.ENSEIGNANT:
        services = await teaching_services(etablissement_id, viewer.enseignant_id) if viewer.enseignant_id else []
        classes: dict[int, dict] = {}
        for s in services:
            classes.setdefault(s["division_id"], {"id": s["division_id"], "type_structure": s["type_structure"],
                                                  "libelle": s["division_libelle"] or s["code_structure"]})
        ordre = sorted(classes.values(), key=lambda c: (c["type_structure"], c["libelle"]))
        return Portee(etablissement_id, viewer.enseignant_id if services else None, services, ordre)
    lues = [{"id": s["id"], "type_structure": s["type_structure"], "libelle": s["libelle"] or s["code_structure"]}
            for s in await structures(etablissement_id)]
    return Portee(etablissement_id, None, [], lues)


def classe_ou_404(portee: Portee, valeur: Any) -> dict:
    classe = portee.classe(valeur)
    if classe is None:
        raise NotFoundException(_("Classe ou groupe introuvable parmi vos classes."))
    return classe


ENTREE_SQL = {
    "seance": "SELECT id, division_id, matiere_id, enseignant_id, date, contenu, reference "
              "FROM cahier_seance WHERE id = {} AND etablissement_id = {}",
    "devoir": "SELECT id, division_id, matiere_id, enseignant_id, donne_le, pour_le, description, liens, reference "
              "FROM cahier_devoir WHERE id = {} AND etablissement_id = {}",
}


async def entree_ou_404(portee: Portee, sorte: str, entree_id: int) -> dict:
    """A lesson or homework this teacher wrote on the portal, in a class and subject they teach;
    404 for anything else (another teacher's, the software's, another establishment's)."""
    table = CahierSeance if sorte == "seance" else CahierDevoir
    rows = await table.raw(ENTREE_SQL[sorte], entree_id, portee.etablissement_id)
    if not rows:
        raise NotFoundException(_("Entrée introuvable."))
    row = rows[0]
    if (row["reference"] or row["enseignant_id"] != portee.enseignant_id or portee.classe(row["division_id"]) is None
            or not portee.enseigne(row["division_id"], row["matiere_id"])):
        raise NotFoundException(_("Entrée introuvable parmi les vôtres."))
    for colonne in ("date", "donne_le", "pour_le"):
        if colonne in row:
            row[colonne] = donnees.as_date(row[colonne])
    if "liens" in row:
        row["liens"] = rules.liens_de_json(row["liens"])
    return row


def semaine_de(request: Request) -> dt.date:
    return rules.lundi_de_cle(request.query_params.get("semaine")) or rules.semaine_par_defaut(today())


def vers_semaine(division_id: int, jour: dt.date, ok: str, ancre: str = "") -> Response:
    """After a POST: a 303 to the week of ``jour`` of the class, with the confirmation."""
    requete = urlencode({"division": division_id, "semaine": rules.cle_semaine(rules.lundi_de(jour)), "ok": ok})
    return Redirect(f"{PAGE}/?{requete}{'#' + ancre if ancre else ''}", status_code=303)


# --- the week of a class -----------------------------------------------------------------------------


@get("/", name="cahier:personnels")
async def semaine_page(request: Request) -> Response:
    """« Le cahier de textes »: the class or group chosen (``?division=``) and its week."""
    portee = await portee_de(request)
    demande = request.query_params.get("division")
    classe = portee.classe(demande) if demande else (portee.classes[0] if len(portee.classes) == 1 else None)
    if demande and classe is None:
        raise NotFoundException(_("Classe ou groupe introuvable parmi vos classes."))
    lundi = semaine_de(request)
    jours: list[rules.Jour] = []
    if classe:
        filtre = donnees.Filtre(portee.etablissement_id, [classe["id"]], lundi, lundi + dt.timedelta(days=6))
        seances = await donnees.seances(filtre)
        devoirs = await donnees.devoirs(filtre)
        donnees.nommer(seances + devoirs, *await donnees.noms(seances + devoirs))
        for entree in seances + devoirs:
            entree["modifiable"] = (portee.ecrit and not entree["reference"]
                                    and entree["enseignant_id"] == portee.enseignant_id
                                    and portee.enseigne(classe["id"], entree["matiere_id"]))
        jours = rules.semaine(lundi, seances, devoirs)

    def lien(semaine: dt.date) -> str:
        return "?" + urlencode({**({"division": classe["id"]} if classe else {}), "semaine": rules.cle_semaine(semaine)})

    return render(request, "cahier/personnels/semaine.html", {
        "portee": portee, "classe": classe, "jours": jours, "lundi": lundi,
        "titre_semaine": rules.titre_semaine(lundi), "cle": rules.cle_semaine(lundi),
        "precedente": lien(lundi - dt.timedelta(days=7)), "suivante": lien(lundi + dt.timedelta(days=7)),
        "jour_propose": rules.jour_propose(lundi, today()).isoformat(),
        "matieres": portee.matieres(classe["id"]) if classe else [],
        "message": MESSAGES.get(request.query_params.get("ok") or "", ""),
        "jour_long": rules.jour_long,
    })


# --- the forms ------------------------------------------------------------------------------------------


@dataclass
class Formulaire:
    """A lesson's or homework's form as typed, what it means once read, and its errors."""

    valeurs: dict[str, str]
    erreurs: dict[str, str] = field(default_factory=dict)
    liens: list[tuple[str, str]] = field(default_factory=list)  # the link rows as typed
    lus: list[rules.Lien] = field(default_factory=list)
    matiere_id: int | None = None
    date: dt.date | None = None
    donne_le: dt.date | None = None
    pour_le: dt.date | None = None


async def annee_scolaire(etablissement_id: int) -> tuple[dt.date | None, dt.date | None]:
    annee = await periods(etablissement_id)
    if not annee:
        return None, None
    return min(donnees.as_date(p["debut"]) for p in annee), max(donnees.as_date(p["fin"]) for p in annee)


def _matiere(form: Formulaire, portee: Portee, classe: dict) -> None:
    choisie = form.valeurs["matiere"]
    form.matiere_id = next((i for i, _ in portee.matieres(classe["id"]) if str(i) == choisie), None)
    if form.matiere_id is None:
        form.erreurs["matiere"] = _("Choisissez une matière que vous enseignez en %(classe)s.", classe=classe["libelle"])


def _jour(form: Formulaire, nom: str, annee: tuple, quoi: str) -> dt.date | None:
    jour = read_date(form.valeurs[nom])
    if jour is not None:
        form.valeurs[nom] = jour.isoformat()
    if message := rules.erreur_jour(jour, *annee, quoi):
        form.erreurs[nom] = message
        return None
    return jour


async def lire_seance(source: Any, portee: Portee, classe: dict) -> Formulaire:
    form = Formulaire({"matiere": str(source.get("matiere") or "").strip()[:20],
                       "date": str(source.get("date") or "").strip()[:20],
                       "contenu": rules.texte_saisi(source.get("contenu"))})
    _matiere(form, portee, classe)
    form.date = _jour(form, "date", await annee_scolaire(portee.etablissement_id), _("la séance"))
    if message := rules.erreur_texte(form.valeurs["contenu"], _("Décrivez le travail fait en classe.")):
        form.erreurs["contenu"] = message
    return form


async def lire_devoir(source: Any, portee: Portee, classe: dict) -> Formulaire:
    form = Formulaire({"matiere": str(source.get("matiere") or "").strip()[:20],
                       "donne_le": str(source.get("donne_le") or "").strip()[:20],
                       "pour_le": str(source.get("pour_le") or "").strip()[:20],
                       "description": rules.texte_saisi(source.get("description"))})
    _matiere(form, portee, classe)
    annee = await annee_scolaire(portee.etablissement_id)
    form.donne_le = _jour(form, "donne_le", annee, _("ce travail (le jour où il est donné)"))
    form.pour_le = _jour(form, "pour_le", annee, _("ce travail (le jour où il est à faire)"))
    if form.donne_le and form.pour_le and form.pour_le < form.donne_le:
        form.erreurs["pour_le"] = _("Le travail ne peut pas être à faire avant d'être donné, le %(date)s : "
                                    "choisissez un jour qui suit.", date=format_date(form.donne_le))
    if message := rules.erreur_texte(form.valeurs["description"], _("Décrivez le travail à faire.")):
        form.erreurs["description"] = message
    form.liens = [(str(source.get(f"lien_libelle_{i}") or "")[:rules.LIBELLE_LIEN_MAX * 2],
                   str(source.get(f"lien_url_{i}") or "")[:rules.URL_MAX * 2]) for i in range(rules.LIENS_MAX)]
    form.lus, erreurs = rules.lire_liens(form.liens)
    form.erreurs.update(erreurs)
    return form


def _lignes_liens(liens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The link rows the form shows: those typed or stored, then empty ones (``LIGNES_LIENS`` at
    least, one more than used, ``rules.LIENS_MAX`` at most)."""
    utiles = [l for l in liens if l[0] or l[1]]
    nombre = min(rules.LIENS_MAX, max(LIGNES_LIENS, len(utiles) + 1))
    return (utiles + [("", "")] * rules.LIENS_MAX)[:nombre]


def _page_formulaire(request: Request, sorte: str, portee: Portee, classe: dict, form: Formulaire,
                     entree: dict | None, status_code: int = 200) -> Response:
    return render(request, f"cahier/personnels/{sorte}.html", {
        "classe": classe, "entree": entree, "form": form.valeurs, "erreurs": form.erreurs,
        "matieres": portee.matieres(classe["id"]), "liens": _lignes_liens(form.liens),
        "contenu_max": rules.CONTENU_MAX, "retour": f"{PAGE}/?" + urlencode({
            "division": classe["id"], "semaine": rules.cle_semaine(rules.lundi_de(
                read_date(form.valeurs.get("date") or form.valeurs.get("pour_le") or "") or today()))}),
    }, status_code=status_code)


def _resume(classe: dict, matiere: str, texte: str) -> str:
    return f"{classe['libelle']}, {matiere}, {texte}"


def _nom_matiere(portee: Portee, classe: dict, matiere_id: int) -> str:
    return dict(portee.matieres(classe["id"])).get(matiere_id, "")


def _premiere_matiere(portee: Portee, classe: dict, demandee: Any = "") -> str:
    matieres = portee.matieres(classe["id"])
    if any(str(i) == str(demandee) for i, _ in matieres):
        return str(demandee)
    return str(matieres[0][0]) if len(matieres) == 1 else ""


async def classe_pour_ecrire(request: Request, valeur: Any) -> tuple[Portee, dict]:
    """The teacher's scope and the class they write in; 404 for the head, or a class not theirs."""
    portee = await portee_de(request)
    classe = classe_ou_404(portee, valeur)
    if not portee.ecrit or not portee.matieres(classe["id"]):
        raise NotFoundException(_("Seuls les enseignants de la classe écrivent dans son cahier de textes."))
    return portee, classe


# --- lessons ---------------------------------------------------------------------------------------------


@get("/seances/nouvelle", name="cahier:nouvelle-seance")
async def nouvelle_seance_page(request: Request) -> Response:
    portee, classe = await classe_pour_ecrire(request, request.query_params.get("division"))
    jour = read_date(request.query_params.get("date") or "") or rules.jour_ouvre(today())
    form = Formulaire({"matiere": _premiere_matiere(portee, classe, request.query_params.get("matiere")),
                       "date": jour.isoformat(), "contenu": ""})
    return _page_formulaire(request, "seance", portee, classe, form, None)


@post("/seances/nouvelle")
async def ajouter_seance(request: Request) -> Response:
    source = await request.form()
    portee, classe = await classe_pour_ecrire(request, source.get("division"))
    form = await lire_seance(source, portee, classe)
    if form.erreurs:
        return _page_formulaire(request, "seance", portee, classe, form, None, 422)
    quand = now()
    async with write_transaction():
        [row] = await CahierSeance.insert(CahierSeance(
            etablissement_id=portee.etablissement_id, division_id=classe["id"], matiere_id=form.matiere_id,
            enseignant_id=portee.enseignant_id, date=form.date, contenu=form.valeurs["contenu"],
            saisie_par=request.user.identifiant[:120], reference="", cree_le=quand, modifie_le=quand,
        )).returning(CahierSeance.id)
        await audit(request, "cahier.seance.ajouter", "Séance ajoutée : " + _resume(
            classe, _nom_matiere(portee, classe, form.matiere_id), f"{form.date:%d/%m/%Y}."))
    return vers_semaine(classe["id"], form.date, "seance_ajoutee", f"seance-{row['id']}")


@get("/seances/{seance_id:int}/modifier", name="cahier:modifier-seance")
async def modifier_seance_page(request: Request) -> Response:
    portee = await portee_de(request)
    seance = await entree_ou_404(portee, "seance", request.path_params["seance_id"])
    classe = classe_ou_404(portee, seance["division_id"])
    form = Formulaire({"matiere": str(seance["matiere_id"]), "date": seance["date"].isoformat(),
                       "contenu": seance["contenu"]})
    return _page_formulaire(request, "seance", portee, classe, form, seance)


@post("/seances/{seance_id:int}/modifier")
async def modifier_seance(request: Request) -> Response:
    portee = await portee_de(request)
    seance = await entree_ou_404(portee, "seance", request.path_params["seance_id"])
    classe = classe_ou_404(portee, seance["division_id"])
    form = await lire_seance(await request.form(), portee, classe)
    if form.erreurs:
        return _page_formulaire(request, "seance", portee, classe, form, seance, 422)
    avant = (seance["matiere_id"], seance["date"], seance["contenu"])
    if avant == (form.matiere_id, form.date, form.valeurs["contenu"]):
        return vers_semaine(classe["id"], form.date, "inchange", f"seance-{seance['id']}")
    async with write_transaction():
        await CahierSeance.update({
            CahierSeance.matiere_id: form.matiere_id, CahierSeance.date: form.date,
            CahierSeance.contenu: form.valeurs["contenu"], CahierSeance.modifie_le: now(),
        }).where((CahierSeance.id == seance["id"]) & (CahierSeance.enseignant_id == portee.enseignant_id))
        await audit(request, "cahier.seance.modifier", "Séance modifiée : " + _resume(
            classe, _nom_matiere(portee, classe, form.matiere_id), f"{form.date:%d/%m/%Y}."))
    return vers_semaine(classe["id"], form.date, "seance_modifiee", f"seance-{seance['id']}")


async def _confirmer_suppression(request: Request, sorte: str, entree_id: int, titre: str, jour: str) -> Response:
    """« Supprimer … ? » for one of the teacher's own entries (a lesson, or homework), dated by
    its ``jour`` column, with the way back to its week; ``titre`` is the page's heading and its
    button (« Supprimer la séance »)."""
    portee = await portee_de(request)
    entree = await entree_ou_404(portee, sorte, entree_id)
    classe = classe_ou_404(portee, entree["division_id"])
    return render(request, "cahier/personnels/supprimer.html", {
        "sorte": sorte, "titre": titre, "entree": entree, "classe": classe,
        "matiere": _nom_matiere(portee, classe, entree["matiere_id"]), "jour": rules.jour_long(entree[jour]),
        "retour": f"{PAGE}/?" + urlencode({"division": classe["id"],
                                          "semaine": rules.cle_semaine(rules.lundi_de(entree[jour]))}),
    })


@get("/seances/{seance_id:int}/supprimer", name="cahier:supprimer-seance")
async def supprimer_seance_page(request: Request) -> Response:
    return await _confirmer_suppression(request, "seance", request.path_params["seance_id"],
                                        _("Supprimer la séance"), "date")


@post("/seances/{seance_id:int}/supprimer")
async def supprimer_seance(request: Request) -> Response:
    portee = await portee_de(request)
    seance = await entree_ou_404(portee, "seance", request.path_params["seance_id"])
    classe = classe_ou_404(portee, seance["division_id"])
    async with write_transaction():
        await CahierSeance.delete().where(
            (CahierSeance.id == seance["id"]) & (CahierSeance.enseignant_id == portee.enseignant_id))
        await audit(request, "cahier.seance.supprimer", "Séance supprimée : " + _resume(
            classe, _nom_matiere(portee, classe, seance["matiere_id"]),
            f"{seance['date']:%d/%m/%Y}."))
    return vers_semaine(classe["id"], seance["date"], "seance_supprimee")


# --- homework ----------------------------------------------------------------------------------------------


@get("/devoirs/nouveau", name="cahier:nouveau-devoir")
async def nouveau_devoir_page(request: Request) -> Response:
    portee, classe = await classe_pour_ecrire(request, request.query_params.get("division"))
    donne_le = read_date(request.query_params.get("donne_le") or "") or rules.jour_ouvre(today())
    pour_le = read_date(request.query_params.get("pour_le") or "") or rules.jour_de_classe_apres(donne_le)
    form = Formulaire({"matiere": _premiere_matiere(portee, classe, request.query_params.get("matiere")),
                       "donne_le": donne_le.isoformat(), "pour_le": pour_le.isoformat(), "description": ""})
    return _page_formulaire(request, "devoir", portee, classe, form, None)


def _detail_devoir(classe: dict, matiere: str, donne_le: dt.date, pour_le: dt.date, liens: int) -> str:
    # The journal's line, in French whatever the teacher's language (a record): dates as numbers.
    return _resume(classe, matiere, f"pour le {pour_le:%d/%m/%Y} (donné le {donne_le:%d/%m/%Y}), {liens} lien(s).")


@post("/devoirs/nouveau")
async def ajouter_devoir(request: Request) -> Response:
    source = await request.form()
    portee, classe = await classe_pour_ecrire(request, source.get("division"))
    form = await lire_devoir(source, portee, classe)
    if form.erreurs:
        return _page_formulaire(request, "devoir", portee, classe, form, None, 422)
    quand = now()
    async with write_transaction():
        [row] = await CahierDevoir.insert(CahierDevoir(
            etablissement_id=portee.etablissement_id, division_id=classe["id"], matiere_id=form.matiere_id,
            enseignant_id=portee.enseignant_id, donne_le=form.donne_le, pour_le=form.pour_le,
            description=form.valeurs["description"], liens=rules.liens_en_json(form.lus),
            saisie_par=request.user.identifiant[:120], reference="", cree_le=quand, modifie_le=quand,
        )).returning(CahierDevoir.id)
        await audit(request, "cahier.devoir.ajouter", "Travail à faire ajouté : " + _detail_devoir(
            classe, _nom_matiere(portee, classe, form.matiere_id), form.donne_le, form.pour_le, len(form.lus)))
        await avis.tell_homework(request, [(classe["id"], form.matiere_id, form.pour_le)])
    return vers_semaine(classe["id"], form.pour_le, "devoir_ajoute", f"devoir-{row['id']}")


@get("/devoirs/{devoir_id:int}/modifier", name="cahier:modifier-devoir")
async def modifier_devoir_page(request: Request) -> Response:
    portee = await portee_de(request)
    devoir = await entree_ou_404(portee, "devoir", request.path_params["devoir_id"])
    classe = classe_ou_404(portee, devoir["division_id"])
    form = Formulaire({"matiere": str(devoir["matiere_id"]), "donne_le": devoir["donne_le"].isoformat(),
                       "pour_le": devoir["pour_le"].isoformat(), "description": devoir["description"]},
                      liens=[(l.libelle, l.url) for l in devoir["liens"]])
    return _page_formulaire(request, "devoir", portee, classe, form, devoir)


@post("/devoirs/{devoir_id:int}/modifier")
async def modifier_devoir(request: Request) -> Response:
    portee = await portee_de(request)
    devoir = await entree_ou_404(portee, "devoir", request.path_params["devoir_id"])
    classe = classe_ou_404(portee, devoir["division_id"])
    form = await lire_devoir(await request.form(), portee, classe)
    if form.erreurs:
        return _page_formulaire(request, "devoir", portee, classe, form, devoir, 422)
    avant = (devoir["matiere_id"], devoir["donne_le"], devoir["pour_le"], devoir["description"], devoir["liens"])
    if avant == (form.matiere_id, form.donne_le, form.pour_le, form.valeurs["description"], form.lus):
        return vers_semaine(classe["id"], form.pour_le, "inchange", f"devoir-{devoir['id']}")
    async with write_transaction():
        await CahierDevoir.update({
            CahierDevoir.matiere_id: form.matiere_id, CahierDevoir.donne_le: form.donne_le,
            CahierDevoir.pour_le: form.pour_le, CahierDevoir.description: form.valeurs["description"],
            CahierDevoir.liens: rules.liens_en_json(form.lus), CahierDevoir.modifie_le: now(),
        }).where((CahierDevoir.id == devoir["id"]) & (CahierDevoir.enseignant_id == portee.enseignant_id))
        await audit(request, "cahier.devoir.modifier", "Travail à faire modifié : " + _detail_devoir(
            classe, _nom_matiere(portee, classe, form.matiere_id), form.donne_le, form.pour_le, len(form.lus)))
    return vers_semaine(classe["id"], form.pour_le, "devoir_modifie", f"devoir-{devoir['id']}")


@get("/devoirs/{devoir_id:int}/supprimer", name="cahier:supprimer-devoir")
async def supprimer_devoir_page(request: Request) -> Response:
    return await _confirmer_suppression(request, "devoir", request.path_params["devoir_id"],
                                        _("Supprimer le travail à faire"), "pour_le")


@post("/devoirs/{devoir_id:int}/supprimer")
async def supprimer_devoir(request: Request) -> Response:
    """The homework and its pupils' « fait » marks, together."""
    portee = await portee_de(request)
    devoir = await entree_ou_404(portee, "devoir", request.path_params["devoir_id"])
    classe = classe_ou_404(portee, devoir["division_id"])
    async with write_transaction():
        await CahierFait.delete().where(CahierFait.devoir_id == devoir["id"])
        await CahierDevoir.delete().where(
            (CahierDevoir.id == devoir["id"]) & (CahierDevoir.enseignant_id == portee.enseignant_id))
        await audit(request, "cahier.devoir.supprimer", "Travail à faire supprimé : " + _detail_devoir(
            classe, _nom_matiere(portee, classe, devoir["matiere_id"]), devoir["donne_le"], devoir["pour_le"],
            len(devoir["liens"])))
    return vers_semaine(classe["id"], devoir["pour_le"], "devoir_supprime")


ROUTES = [
    semaine_page,
    nouvelle_seance_page, ajouter_seance, modifier_seance_page, modifier_seance, supprimer_seance_page,
    supprimer_seance,
    nouveau_devoir_page, ajouter_devoir, modifier_devoir_page, modifier_devoir, supprimer_devoir_page,
    supprimer_devoir,
]
