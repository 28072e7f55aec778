"""The lycée's « Offre de formation » for the online enrolment, under
``/administration/inscription/offre`` (the secretariat, the head, the academy administrator):
for each MEF of the lycée's classes, the languages (LV1, LV2) and the enseignements
d'exploration or options its families choose among in their pedagogical wishes; and the pairs of
options that cannot be taken together, kept on the lycée's campaign row beside how many options a
pupil chooses.

A category a MEF offers nothing in is not asked of its families (``rules.erreurs_voeux``). Each
change is one write with its audit line, answered by a 303 to a confirmation; a refused form comes
back with everything as typed and each error next to its field (422). The page makes three
queries whatever the offer's size: the campaign, the offer's rows, the MEFs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.response import Redirect

from teleservices.core.api import (
    audit, gettext as _, lazy_gettext as _l, mefs, ngettext, render, staff_establishment, write_transaction,
)
from teleservices.plugins.inscription import rules
from teleservices.plugins.inscription.staff import campagne_de
from teleservices.plugins.inscription.tables import InscriptionCampagne, InscriptionOffre

PAGE = "/administration/inscription/offre"
CODE = re.compile(r"[A-Z0-9-]{1,20}")
LIBELLE_MAX = 120
MESSAGES = {
    "ajout": _l("L'enseignement est ajouté à l'offre de formation."),
    "retrait": _l("L'enseignement est retiré de l'offre de formation."),
    "paire": _l("La paire d'options incompatibles est enregistrée."),
    "paire_retiree": _l("Les deux options peuvent de nouveau être choisies ensemble."),
}
# The categories in the journal's French (audit lines are records, never translated).
CATEGORIES_JOURNAL = {rules.LV1: "langue vivante 1", rules.LV2: "langue vivante 2",
                      rules.OPTION: "enseignement d'exploration ou option"}
# The categories inside a sentence (« Retirer AGL1 (langue vivante 1) de 2NDE1 »), in the page's language.
CATEGORIES_MINUSCULES = {rules.LV1: _l("langue vivante 1"), rules.LV2: _l("langue vivante 2"),
                         rules.OPTION: _l("enseignement d'exploration ou option")}
# « AGL1 est déjà proposé en langue vivante 1 pour cette formation. », per category.
DEJA_PROPOSE = {
    rules.LV1: _l("%(code)s est déjà proposé en langue vivante 1 pour cette formation."),
    rules.LV2: _l("%(code)s est déjà proposé en langue vivante 2 pour cette formation."),
    rules.OPTION: _l("%(code)s est déjà proposé en enseignement d'exploration ou option pour cette formation."),
}

# The forms, as typed ---------------------------------------------------------------------------


@dataclass
class Saisie:
    """« Ajouter un enseignement », as typed."""

    code_mef: str = ""
    categorie: str = ""
    code: str = ""
    libelle: str = ""
    erreurs: dict[str, str] = field(default_factory=dict)


@dataclass
class SaisiePaire:
    """« Ajouter une paire d'options incompatibles », as chosen."""

    option_a: str = ""
    option_b: str = ""
    erreurs: dict[str, str] = field(default_factory=dict)
    general: str = ""


def _champ(form: Mapping[str, Any], nom: str) -> str:
    return str(form.get(nom) or "").strip()


def lire_enseignement(form: Mapping[str, Any], codes_mef: Iterable[str],
                      offre: Iterable[Mapping[str, Any]]) -> tuple[Saisie, dict[str, str]]:
    """The typed course and, when nothing is wrong, the row's values (the code in capitals).
    ``codes_mef``: the MEFs of the lycée's classes; ``offre``: the lycée's offered rows."""
    saisie = Saisie(*(_champ(form, nom) for nom in ("code_mef", "categorie", "code", "libelle")))
    erreurs: dict[str, str] = {}
    code = saisie.code.upper()
    if not saisie.code_mef:
        erreurs["code_mef"] = _("Choisissez la formation.")
    elif saisie.code_mef not in set(codes_mef):
        erreurs["code_mef"] = _("Aucune classe du lycée n'est dans cette formation : choisissez-la dans la liste.")
    if saisie.categorie not in rules.CATEGORIES:
        erreurs["categorie"] = _("Choisissez la catégorie : langue vivante 1, langue vivante 2 ou option.")
    if not code:
        erreurs["code"] = _("Indiquez le code de l'enseignement, par exemple « AGL1 ».")
    elif not (code.isascii() and CODE.fullmatch(code)):
        erreurs["code"] = _("Le code compte au plus 20 caractères : lettres sans accent, chiffres ou tiret, "
                            "par exemple « AGL1 ».")
    if not saisie.libelle:
        erreurs["libelle"] = _("Indiquez le libellé, par exemple « Anglais ».")
    elif len(saisie.libelle) > LIBELLE_MAX:
        erreurs["libelle"] = _("Le libellé ne dépasse pas %(max)s caractères (%(saisis)s saisis).", max=LIBELLE_MAX,
                               saisis=len(saisie.libelle))
    if not erreurs and any((r["code_mef"], r["categorie"], r["code"]) == (saisie.code_mef, saisie.categorie, code)
                           for r in offre):
        erreurs["code"] = str(DEJA_PROPOSE[saisie.categorie]) % {"code": code}
    saisie.erreurs = erreurs
    if erreurs:
        return saisie, {}
    return saisie, {"code_mef": saisie.code_mef, "categorie": saisie.categorie, "code": code,
                    "libelle": saisie.libelle}


def paires_de(campagne: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """The campaign's incompatible pairs (its JSON column, as text or decoded)."""
    valeur: Any = (campagne or {}).get("incompatibles") or []
    if isinstance(valeur, str):
        try:
            valeur = json.loads(valeur or "[]")
        except ValueError:
            valeur = []
    return [(str(p[0]), str(p[1])) for p in valeur if isinstance(p, (list, tuple)) and len(p) == 2]


def _meme_paire(paire: Sequence[str], a: str, b: str) -> bool:
    return {paire[0], paire[1]} == {a, b}


def lire_paire(form: Mapping[str, Any], options: Iterable[str], paires: Iterable[tuple[str, str]],
               campagne: bool) -> tuple[SaisiePaire, tuple[str, str] | None]:
    """The chosen pair and, when it may be added, the pair. ``options``: the option codes the
    lycée offers (any MEF); ``paires``: the pairs already set; ``campagne``: whether the lycée has
    its campaign row, which holds them."""
    saisie = SaisiePaire(_champ(form, "option_a").upper(), _champ(form, "option_b").upper())
    if not campagne:
        saisie.general = _("Enregistrez d'abord la campagne d'inscription (onglet « Campagne ») : "
                           "c'est elle qui porte les règles des options.")
        return saisie, None
    proposees, erreurs = set(options), {}
    for nom in ("option_a", "option_b"):
        code = getattr(saisie, nom)
        if not code:
            erreurs[nom] = _("Choisissez une option.")
        elif code not in proposees:
            erreurs[nom] = _("Le lycée ne propose pas cette option : choisissez-la dans la liste.")
    a, b = saisie.option_a, saisie.option_b
    if not erreurs and a == b:
        erreurs["option_b"] = _("Choisissez deux options différentes.")
    elif not erreurs and any(_meme_paire(p, a, b) for p in paires):
        erreurs["option_b"] = _("Déjà enregistré : %(a)s et %(b)s ne peuvent pas être choisis ensemble.", a=a, b=b)
    saisie.erreurs = erreurs
    return saisie, None if erreurs else (a, b)


# The page --------------------------------------------------------------------------------------


@dataclass
class Donnees:
    campagne: dict[str, Any] | None
    lignes: list[dict[str, Any]]  # the lycée's offered rows
    mefs: list[dict[str, Any]]  # the MEFs of its classes

    @property
    def codes_mef(self) -> list[str]:
        return [m["code_mef"] for m in self.mefs]

    @property
    def options(self) -> dict[str, str]:
        """The option codes offered (any MEF), with a libellé: for the pairs' choices."""
        options: dict[str, str] = {}
        for r in self.lignes:
            if r["categorie"] == rules.OPTION:
                options.setdefault(r["code"], r["libelle"])
        return dict(sorted(options.items()))


async def donnees(etablissement_id: int) -> Donnees:
    """Three queries: the campaign, the offer's rows, the MEFs of the classes."""
    campagne = await campagne_de(etablissement_id)
    lignes = await InscriptionOffre.select().where(InscriptionOffre.etablissement_id == etablissement_id).order_by(
        InscriptionOffre.code_mef, InscriptionOffre.code)
    return Donnees(campagne, lignes, await mefs(etablissement_id))


def formations(d: Donnees) -> list[dict[str, Any]]:
    """Each MEF of the lycée's classes with its courses by category, then the MEFs the offer still
    has rows for though no class is in them any more (to remove them)."""
    par_mef: dict[str, list[dict[str, Any]]] = {}
    for r in d.lignes:
        par_mef.setdefault(r["code_mef"], []).append(r)
    des_classes = set(d.codes_mef)
    sans_classe = [{"code_mef": code, "libelle": _("Formation %(code)s", code=code), "divisions": [], "sans_classe": True}
                   for code in par_mef if code not in des_classes]
    minimum = int(d.campagne["options_min"]) if d.campagne else 0
    resultat = []
    for mef in [*d.mefs, *sans_classe]:
        lignes = par_mef.get(mef["code_mef"], [])
        categories = [(cle, libelle, [r for r in lignes if r["categorie"] == cle])
                      for cle, libelle in rules.CATEGORIES.items()]
        nb_options = len({r["code"] for r in lignes if r["categorie"] == rules.OPTION})
        resultat.append({**mef, "sans_classe": mef.get("sans_classe", False), "categories": categories,
                         "alerte": alerte_options(minimum, nb_options)})
    return resultat


def alerte_options(minimum: int, proposees: int) -> str:
    """When a MEF offers some options but fewer than the campaign asks each pupil to choose, its
    families must take all of them (a MEF without options asks for none)."""
    if proposees >= minimum or not proposees:
        return ""
    return ngettext("La campagne demande de choisir au moins %(num)d enseignement d'exploration ou option, mais "
                    "cette formation n'en propose que %(proposees)s : ses familles devront les choisir tous.",
                    "La campagne demande de choisir au moins %(num)d enseignements d'exploration ou options, mais "
                    "cette formation n'en propose que %(proposees)s : ses familles devront les choisir tous.",
                    minimum, proposees=proposees)


def regle_options(minimum: int, maximum: int) -> str:
    """The campaign's numbers of options, as a sentence."""
    if maximum <= 0:
        return _("Les élèves ne choisissent aucun enseignement d'exploration ou option.")
    if minimum <= 0:
        return ngettext("Chaque élève choisit jusqu'à %(num)d enseignement d'exploration ou option.",
                        "Chaque élève choisit jusqu'à %(num)d enseignements d'exploration ou options.", maximum)
    if minimum == maximum:
        return ngettext("Chaque élève choisit %(num)d enseignement d'exploration ou option.",
                        "Chaque élève choisit %(num)d enseignements d'exploration ou options.", maximum)
    return _("Chaque élève choisit de %(min)s à %(max)s enseignements d'exploration ou options.",
             min=minimum, max=maximum)


def _page(request: Request, d: Donnees, saisie: Saisie | None = None, paire: SaisiePaire | None = None,
          status: int = 200) -> Response:
    saisie, paire = saisie or Saisie(), paire or SaisiePaire()
    options = d.options
    paires = [{"a": a, "b": b, "absentes": [c for c in (a, b) if c not in options]} for a, b in paires_de(d.campagne)]
    regle = regle_options(int(d.campagne["options_min"]), int(d.campagne["options_max"])) if d.campagne else ""
    return render(request, "inscription/staff/offre.html", {
        "formations": formations(d), "mefs": d.mefs, "categories": rules.CATEGORIES,
        "categories_minuscules": CATEGORIES_MINUSCULES, "campagne": d.campagne,
        "options": options, "paires": paires, "regle_options": regle, "saisie": saisie, "erreurs": saisie.erreurs,
        "paire": paire, "libelle_max": LIBELLE_MAX,
        "confirmation": str(MESSAGES.get(request.query_params.get("ok") or "", "")),
    }, status_code=status)


@get("/offre", name="inscription:offre")
async def page(request: Request) -> Response:
    return _page(request, await donnees(staff_establishment(request)))


# The courses -----------------------------------------------------------------------------------


def _enseignement(row: Mapping[str, Any]) -> str:
    """« AGL1 (Anglais, langue vivante 1) », for the journal."""
    categorie = CATEGORIES_JOURNAL.get(row["categorie"], row["categorie"])
    return f"{row['code']} ({row['libelle']}, {categorie})"


def _libelle_mef(d: Donnees, code_mef: str) -> str:
    libelle = next((m["libelle"] for m in d.mefs if m["code_mef"] == code_mef), "")
    return f"{code_mef} ({libelle})" if libelle else code_mef


@post("/offre", name="inscription:offre-ajout")
async def ajouter(request: Request) -> Response:
    etablissement_id = staff_establishment(request)
    d = await donnees(etablissement_id)
    saisie, valeurs = lire_enseignement(await request.form(), d.codes_mef, d.lignes)
    if saisie.erreurs:
        return _page(request, d, saisie=saisie, status=422)
    async with write_transaction():
        await InscriptionOffre.insert(InscriptionOffre(etablissement_id=etablissement_id, **valeurs))
        formation = _libelle_mef(d, valeurs["code_mef"])
        await audit(request, "inscription.offre",
                    f"Offre de formation : {_enseignement(valeurs)} ajouté à la formation {formation}.")
    return Redirect(f"{PAGE}?ok=ajout", status_code=303)


@post("/offre/{offre_id:int}/retirer", name="inscription:offre-retrait")
async def retirer(request: Request) -> Response:
    etablissement_id = staff_establishment(request)
    mine = ((InscriptionOffre.id == request.path_params["offre_id"])
            & (InscriptionOffre.etablissement_id == etablissement_id))
    async with write_transaction():
        row = await InscriptionOffre.select().where(mine).first()
        if row is None:
            raise NotFoundException(_("Cet enseignement n'est pas dans l'offre du lycée."))
        await InscriptionOffre.delete().where(mine)
        await audit(request, "inscription.offre",
                    f"Offre de formation : {_enseignement(row)} retiré de la formation {row['code_mef']}.")
    return Redirect(f"{PAGE}?ok=retrait", status_code=303)


# The incompatible pairs of options ---------------------------------------------------------------


async def _paires_verrouillees(campagne_id: int) -> list[tuple[str, str]]:
    """Inside the write's transaction, the pairs as stored now (the row locked on PostgreSQL;
    SQLite's write transaction already holds the whole database)."""
    query = InscriptionCampagne.select(InscriptionCampagne.incompatibles).where(InscriptionCampagne.id == campagne_id)
    if InscriptionCampagne._meta.db.engine_type == "postgres":
        query = query.lock_rows()
    rows = await query
    return paires_de(rows[0]) if rows else []


async def _enregistrer_paires(campagne_id: int, paires: list[tuple[str, str]]) -> None:
    await InscriptionCampagne.update({InscriptionCampagne.incompatibles: json.dumps([list(p) for p in paires])}).where(
        InscriptionCampagne.id == campagne_id)


@post("/offre/incompatibles", name="inscription:offre-incompatibles")
async def ajouter_paire(request: Request) -> Response:
    d = await donnees(staff_establishment(request))
    saisie, paire = lire_paire(await request.form(), d.options, paires_de(d.campagne), d.campagne is not None)
    if paire is None:
        return _page(request, d, paire=saisie, status=422)
    async with write_transaction():
        paires = await _paires_verrouillees(d.campagne["id"])
        if not any(_meme_paire(p, *paire) for p in paires):
            await _enregistrer_paires(d.campagne["id"], [*paires, paire])
            await audit(request, "inscription.offre",
                        f"Options incompatibles : {paire[0]} et {paire[1]} ne peuvent plus être choisis ensemble.")
    return Redirect(f"{PAGE}?ok=paire", status_code=303)


@post("/offre/incompatibles/retirer", name="inscription:offre-incompatibles-retrait")
async def retirer_paire(request: Request) -> Response:
    campagne = await campagne_de(staff_establishment(request))
    form = await request.form()
    a, b = _champ(form, "option_a").upper(), _champ(form, "option_b").upper()
    async with write_transaction():
        paires = await _paires_verrouillees(campagne["id"]) if campagne else []
        restantes = [p for p in paires if not _meme_paire(p, a, b)]
        if len(restantes) == len(paires):
            raise NotFoundException(_("Cette paire d'options n'est pas enregistrée."))
        await _enregistrer_paires(campagne["id"], restantes)
        await audit(request, "inscription.offre",
                    f"Options incompatibles : {a} et {b} peuvent de nouveau être choisis ensemble.")
    return Redirect(f"{PAGE}?ok=paire_retiree", status_code=303)


ROUTES = [page, ajouter, retirer, ajouter_paire, retirer_paire]
