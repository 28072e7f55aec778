"""The staff's page of family accounts (guide 1.2, "Administration Téléservices").

Behind ``staff_guard`` (managers only) and limited to the staff member's own establishment: the list of the
family accounts by class, "Créer les comptes" (with a confirmation page), the letters (PDF) and
the CSV for mail merge, making an account unusable after a refusal coupon (its sessions end at
once) or usable again, removing a pupil's access to the national follow-up services (notes,
absences, LPC) or giving it back. The guards read the database on every request, so both take
effect at once for sessions already open.

Every action is a POST with the CSRF field, answered by a 303 to the list with ``?ok=...``,
which selects a fixed French message. The letters are the exception: printing them gives new
provisional passwords, so it is a POST (never a link a browser might prefetch) whose answer is
the file itself.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException

from teleservices.core import clock
from teleservices.core.audit import audit
from teleservices.core.db import write_transaction
from teleservices.core.family import opened_services
from teleservices.core.guards import staff_establishment, staff_guard
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.identity import creation
from teleservices.core.rendering import navigate, render
from teleservices.core.sessions import close_all_sessions
from teleservices.core.tables import Compte, Division, Eleve, Jeton


PAGE = "/administration/comptes"

MESSAGES = {
    "crees": _l("Les comptes ont été créés. Imprimez maintenant les courriers à remettre aux familles."),
    "rien": _l("Il n'y avait aucun compte à créer : chaque élève et chaque responsable légal a déjà le sien."),
    "desactive": _l("Le compte est désormais inutilisable : ses sessions ouvertes ont été fermées."),
    "reactive": _l("Le compte est de nouveau utilisable."),
    "acces_retire": _l("L'accès de l'élève aux services de suivi (notes, absences, livret de compétences) est retiré."),
    "acces_retabli": _l("L'accès de l'élève aux services de suivi est rétabli."),
}
ETATS = {
    "provisoire": _l("première connexion à faire"),
    "en_attente": _l("en attente de confirmation de l'adresse e-mail"),
    "actif": _l("actif"),
    "desactive": _l("inutilisable (refus)"),
}
FAMILY_TYPES = ("parent", "eleve")


# The accounts of families are the head's (and the academy administrator's) business.
MANAGERS = staff_guard()
_establishment_id = staff_establishment


def _division_param(value: Any) -> int | None:
    """A class id from a form or the query string; "" means the whole establishment."""
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFoundException(_("Classe introuvable.")) from None


async def _division(etablissement_id: int, value: Any) -> dict | None:
    division_id = _division_param(value)
    if division_id is None:
        return None
    try:
        return await creation.division_of(etablissement_id, division_id=division_id)
    except creation.NotFound:
        raise NotFoundException(_("Classe introuvable dans votre établissement.")) from None


async def _pupil(etablissement_id: int, value: Any) -> dict | None:
    """A pupil of this establishment from a form or the query string ("" means none)."""
    value = (value or "").strip() if isinstance(value, str) else value
    if not value:
        return None
    row = None
    if str(value).isdigit() and len(str(value)) < 12:
        row = await Eleve.select(Eleve.id, Eleve.prenom, Eleve.nom_de_famille).where(
            (Eleve.id == int(value)) & (Eleve.etablissement == etablissement_id)
        ).first()
    if row is None:
        raise NotFoundException(_("Élève introuvable dans votre établissement."))
    return row


def _back(division_id: int | None, ok: str, anchor: str = "", **counts: int) -> str:
    params: dict[str, Any] = {}
    if division_id is not None:
        params["division"] = division_id
    params["ok"] = ok
    params.update(counts)
    return f"{PAGE}?{urlencode(params)}" + (f"#{anchor}" if anchor else "")


def _count(value: str | None) -> int:
    return int(value) if value and value.isdigit() and len(value) < 7 else 0


# --- the list ---------------------------------------------------------------------------------------

PUPILS_SQL = """
SELECT e.id, e.prenom, e.nom_de_famille, e.acces_suivi_retire, COALESCE(d.libelle, '') AS division
FROM eleve e LEFT JOIN division d ON d.id = e.division
WHERE {scope}
ORDER BY COALESCE(d.code_structure, ''), e.nom_de_famille, e.prenom, e.id
"""
ACCOUNTS_SQL = """
SELECT ce.eleve, c.id, c.identifiant, c.type, c.etat, c.mel_verifie, c.mel,
       COALESCE(re.resp_legal, 0) AS resp_legal,
       COALESCE(lr.lc_civilite, r.lc_civilite, '') AS civilite,
       COALESCE(lr.prenom, r.prenom, '') AS prenom,
       COALESCE(lr.nom_de_famille, r.nom_de_famille, '') AS nom
FROM compte_eleve ce
JOIN compte c ON c.id = ce.compte
JOIN eleve e ON e.id = ce.eleve
LEFT JOIN responsable_eleve re ON re.id = ce.responsable_eleve
LEFT JOIN responsable lr ON lr.id = re.responsable
LEFT JOIN responsable r ON r.id = c.responsable
WHERE {scope} AND c.type IN ('parent', 'eleve')
ORDER BY c.type, COALESCE(re.resp_legal, 0), c.identifiant
"""
# Legal guardians of these pupils that no account reaches through their guardian link.
WITHOUT_ACCOUNT_SQL = """
SELECT re.eleve, re.resp_legal, r.lc_civilite AS civilite, r.prenom, r.nom_de_famille AS nom
FROM responsable_eleve re
JOIN eleve e ON e.id = re.eleve
JOIN responsable r ON r.id = re.responsable
WHERE {scope} AND re.resp_legal IN (1, 2)
  AND NOT EXISTS (SELECT 1 FROM compte_eleve ce WHERE ce.responsable_eleve = re.id)
ORDER BY re.resp_legal, r.nom_de_famille, r.prenom
"""


def _who(row: dict) -> str:
    civilite = {"M.": _("M."), "M": _("M."), "MME": _("Mme")}.get((row["civilite"] or "").upper(), "")
    return " ".join(p for p in (civilite, row["prenom"], row["nom"]) if p)


def _mel_state(row: dict) -> str:
    if not row["mel"]:
        return _("pas d'adresse e-mail")
    return _("adresse e-mail vérifiée") if row["mel_verifie"] else _("adresse e-mail non vérifiée")


# Activation per class: how many pupils, how many accounts, how many of them active.
RATES_SQL = """
SELECT d.id, d.code_structure, d.libelle, COUNT(DISTINCT e.id) AS eleves,
       COUNT(DISTINCT CASE WHEN c.type = 'eleve' THEN c.id END) AS comptes_eleves,
       COUNT(DISTINCT CASE WHEN c.type = 'eleve' AND c.etat = 'actif' THEN c.id END) AS eleves_actifs,
       COUNT(DISTINCT CASE WHEN c.type = 'parent' THEN c.id END) AS comptes_parents,
       COUNT(DISTINCT CASE WHEN c.type = 'parent' AND c.etat = 'actif' THEN c.id END) AS parents_actifs
FROM division d
JOIN eleve e ON e.division = d.id
LEFT JOIN compte_eleve ce ON ce.eleve = e.id
LEFT JOIN compte c ON c.id = ce.compte
WHERE {scope}
GROUP BY d.id, d.code_structure, d.libelle
ORDER BY d.code_structure
"""


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


async def activation_rates(etablissement_id: int, division_id: int | None) -> list[dict]:
    """Per class: pupils, accounts created and active, by kind, with the activation rate (the
    share of created accounts whose first connection is complete). One query."""
    scope, args = creation._scope(etablissement_id, division_id)
    rows = await Eleve.raw(RATES_SQL.format(scope=scope), *args)
    return [{
        **row,
        "taux_eleves": _percent(row["eleves_actifs"], row["comptes_eleves"]),
        "taux_parents": _percent(row["parents_actifs"], row["comptes_parents"]),
    } for row in rows]


@dataclass(frozen=True)
class Filters:
    """The list's search: by kind of account, by state, by name or identifier."""

    type: str = ""  # "" | "parent" | "eleve"
    etat: str = ""  # "" | a key of ETATS | "aucun" (no account yet)
    texte: str = ""

    @classmethod
    def from_query(cls, params: Any) -> "Filters":
        kind = params.get("type") or ""
        etat = params.get("etat") or ""
        return cls(
            type=kind if kind in FAMILY_TYPES else "",
            etat=etat if etat in ETATS or etat == "aucun" else "",
            texte=" ".join((params.get("q") or "").split())[:80],
        )

    @property
    def active(self) -> bool:
        return bool(self.type or self.etat or self.texte)

    def keeps(self, account: dict) -> bool:
        return (not self.type or account["type"] == self.type) and (not self.etat or account["etat"] == self.etat)

    def apply(self, families: list[dict]) -> list[dict]:
        """The pupils matching the search, each with only the matching rows."""
        if not self.active:
            return families
        words = _folded(self.texte).split()
        kept = []
        for family in families:
            comptes = [c for c in family["comptes"] if self.keeps(c)]
            sans_compte = list(family["sans_compte"]) if self.etat in ("", "aucun") and self.type != "eleve" else []
            pupil_without = self.etat in ("", "aucun") and self.type != "parent" and not any(
                c["type"] == "eleve" for c in family["comptes"])
            if self.etat == "aucun":
                comptes = []
            haystack = _folded(" ".join([family["prenom"], family["nom_de_famille"], *family["sans_compte"],
                                          *(f"{c['identifiant']} {c['qui']}" for c in family["comptes"])]))
            if words and not all(word in haystack for word in words):
                continue
            if comptes or sans_compte or pupil_without:
                kept.append({**family, "comptes": comptes, "sans_compte": sans_compte,
                             "eleve_sans_compte": pupil_without})
        return kept


def _folded(value: str) -> str:
    """Lower case without accents, so that "lea" finds "Léa"."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


async def _families(etablissement_id: int, division_id: int | None) -> list[dict]:
    """The pupils in scope, each with their accounts and their guardians without one: three
    queries, whatever the number of pupils."""
    scope, args = creation._scope(etablissement_id, division_id)
    pupils = await Eleve.raw(PUPILS_SQL.format(scope=scope), *args)
    accounts = await Eleve.raw(ACCOUNTS_SQL.format(scope=scope), *args)
    missing = await Eleve.raw(WITHOUT_ACCOUNT_SQL.format(scope=scope), *args)
    by_pupil: dict[int, dict] = {
        row["id"]: {**row, "acces_suivi_retire": bool(row["acces_suivi_retire"]), "comptes": [], "sans_compte": []}
        for row in pupils
    }
    for row in accounts:
        by_pupil[row["eleve"]]["comptes"].append({
            **row,
            "qui": _("Élève") if row["type"] == "eleve" else (
                _("Responsable légal %(numero)s", numero=row["resp_legal"]) if row["resp_legal"] else _("Responsable")
            ) + (_("\u00a0: %(nom)s", nom=_who(row)) if _who(row) else ""),
            "etat_libelle": ETATS.get(row["etat"], row["etat"]),
            "mel_libelle": _mel_state(row),
        })
    for row in missing:
        by_pupil[row["eleve"]]["sans_compte"].append(
            _("Responsable légal %(numero)s", numero=row["resp_legal"]) + _("\u00a0: %(nom)s", nom=_who(row)))
    for family in by_pupil.values():
        family["eleve_sans_compte"] = not any(c["type"] == "eleve" for c in family["comptes"])
    return list(by_pupil.values())


@get(PAGE, guards=[MANAGERS], name="administration-comptes")
async def accounts_page(request: Request) -> Response:
    etablissement_id = _establishment_id(request)
    etab = await creation.establishment(etablissement_id)
    divisions = await Division.select(Division.id, Division.code_structure, Division.libelle).where(
        (Division.etablissement == etablissement_id) & (Division.type_structure == "D")
    ).order_by(Division.code_structure)
    wanted = request.query_params.get("division")
    division = next((d for d in divisions if str(d["id"]) == (wanted or "").strip()), None)
    if wanted and division is None:
        raise NotFoundException(_("Classe introuvable dans votre établissement."))
    division_id = division["id"] if division else None
    families = await _families(etablissement_id, division_id)
    filters = Filters.from_query(request.query_params)
    ok = request.query_params.get("ok")
    counts = {k: _count(request.query_params.get(k)) for k in ("eleves", "parents", "rattaches")}
    comptes = [c for f in families for c in f["comptes"]]
    return render(request, "administration/comptes.html", {
        "etablissement": etab,
        "divisions": divisions,
        "division": division,
        "familles": filters.apply(families),
        "filtres": filters,
        "etats": ETATS,
        "taux": await activation_rates(etablissement_id, division_id),
        "message": MESSAGES.get(ok or ""),
        "ok": ok,
        "counts": counts,
        "totaux": {
            "eleves": len(families),
            "comptes_eleves": len({c["id"] for c in comptes if c["type"] == "eleve"}),
            "comptes_parents": len({c["id"] for c in comptes if c["type"] == "parent"}),
            "sans_compte": sum(1 for f in families if f["eleve_sans_compte"])
            + sum(len(f["sans_compte"]) for f in families),
        },
    })


# --- creating the accounts ----------------------------------------------------------------------------


@get(f"{PAGE}/creer", guards=[MANAGERS], name="administration-comptes-creer")
async def create_confirmation(request: Request) -> Response:
    etablissement_id = _establishment_id(request)
    division = await _division(etablissement_id, request.query_params.get("division"))
    pupil = await _pupil(etablissement_id, request.query_params.get("eleve"))
    preview = await creation.preview(etablissement_id, division["id"] if division else None,
                                     pupil["id"] if pupil else None)
    return render(request, "administration/creer.html", {
        "etablissement": await creation.establishment(etablissement_id),
        "division": division,
        "eleve": pupil,
        "apercu": preview,
    })


@post(f"{PAGE}/creer", guards=[MANAGERS])
async def create(request: Request) -> Response:
    etablissement_id = _establishment_id(request)
    form = await request.form()
    division = await _division(etablissement_id, form.get("division"))
    division_id = division["id"] if division else None
    pupil = await _pupil(etablissement_id, form.get("eleve"))
    result = await creation.create_accounts(etablissement_id, division_id, pupil["id"] if pupil else None)
    scope = (f"élève {pupil['prenom']} {pupil['nom_de_famille']}" if pupil
             else f"classe {division['libelle'] or division['code_structure']}" if division else "tout l'établissement")
    await audit(request, "comptes.creer", (
        f"Comptes créés ({scope}) : {result.eleves_crees} élève(s), {result.parents_crees} responsable(s), "
        f"{result.rattachements} rattachement(s)."
    ))
    anchor = f"eleve-{pupil['id']}" if pupil else ""
    if result.rien:
        return navigate(request, _back(division_id, "rien", anchor=anchor))
    return navigate(request, _back(
        division_id, "crees", anchor=anchor, eleves=result.eleves_crees, parents=result.parents_crees,
        rattaches=result.rattachements,
    ))


# --- letters -----------------------------------------------------------------------------------------------


async def service_labels(request: Request, etablissement_id: int) -> list[str]:
    """The labels of the services this establishment opened, in the portal's order."""
    opened = await opened_services(etablissement_id)
    specs = sorted(request.app.state.plugins.services.values(), key=lambda s: s.order)
    return [spec.label for spec in specs if spec.key in opened]


@post(f"{PAGE}/courriers", guards=[MANAGERS])
async def download_letters(request: Request) -> Response:
    etablissement_id = _establishment_id(request)
    form = await request.form()
    division = await _division(etablissement_id, form.get("division"))
    kind = form.get("format")
    if kind not in ("pdf", "csv"):
        raise NotFoundException(_("Format inconnu."))
    pupil = await _pupil(etablissement_id, form.get("eleve"))
    batch = await creation.prepare_letters(etablissement_id, division["id"] if division else None,
                                           eleve_id=pupil["id"] if pupil else None)
    return await _letters_response(request, etablissement_id, batch, kind)


async def _letters_response(request: Request, etablissement_id: int, batch: creation.Batch, kind: str) -> Response:
    """The letters as a download: the PDF to print, or the CSV for a mail merge."""
    # Imported here: the PDF library weighs about 35 MB, which a worker carries only once it prints.
    from teleservices.core.identity import letters

    base_url = request.app.state.settings.base_url
    if kind == "pdf":
        labels = await service_labels(request, etablissement_id)
        content = letters.letters_pdf(batch, base_url, labels, today=clock.now().date())
        media_type = "application/pdf"
    else:
        content = letters.letters_csv(batch, base_url)
        media_type = "text/csv; charset=utf-8"
    fresh = sum(1 for letter in batch.letters if letter.mot_de_passe)
    await audit(request, "comptes.courriers", (
        f"Courriers ({kind.upper()}{', classe ' + batch.division if batch.division else ''}) : "
        f"{len(batch.letters)} compte(s), dont {fresh} avec un nouveau mot de passe provisoire."
    ))
    return Response(content, status_code=200, media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{letters.filename(batch, kind)}"',
        "Cache-Control": "no-store",
    })


# --- refusal and access removal ------------------------------------------------------------------------


async def _family_account(etablissement_id: int, compte_id: int) -> dict:
    """A family account that sees a pupil of this establishment; 404 otherwise (another
    school's account, a staff account, an unknown id: all the same answer)."""
    row = await Compte.select(Compte.id, Compte.identifiant, Compte.etat, Compte.active_le, Compte.attente_depuis).where(
        (Compte.id == compte_id) & Compte.type.is_in(list(FAMILY_TYPES))
    ).first()
    if row is None or not await Compte.raw(
        "SELECT 1 FROM compte_eleve ce JOIN eleve e ON e.id = ce.eleve WHERE ce.compte = {} AND e.etablissement = {}",
        compte_id, etablissement_id,
    ):
        raise NotFoundException(_("Compte introuvable dans votre établissement."))
    return row


async def disable_account(compte_id: int) -> None:
    """Guide 1.2, refusal coupon: the account becomes unusable at once. Its sessions end and its
    unused links (activation, reset, new address) die, so none can bring it back."""
    async with Compte._meta.db.transaction():
        await Compte.update({Compte.etat: "desactive"}).where(Compte.id == compte_id)
        await close_all_sessions(compte_id)
        await Jeton.update({Jeton.utilise_le: clock.now()}).where(
            (Jeton.compte == compte_id) & Jeton.utilise_le.is_null()
        )


def reactivated_state(row: dict) -> str:
    """The state an account returns to: active if it had been activated; waiting for its
    e-mail confirmation if it was (the family asks for a new link from the waiting page);
    otherwise still at its first connection."""
    if row["active_le"] is not None:
        return "actif"
    if row["attente_depuis"] is not None:
        return "en_attente"
    return "provisoire"


async def _return_division(etablissement_id: int, form: Any) -> int | None:
    """The class filter to return to, checked before any change is made."""
    division = await _division(etablissement_id, form.get("division"))
    return division["id"] if division else None


@post(f"{PAGE}/{{compte_id:int}}/desactiver", guards=[MANAGERS])
async def disable(request: Request) -> Response:
    compte_id = request.path_params["compte_id"]
    etablissement_id = _establishment_id(request)
    row = await _family_account(etablissement_id, compte_id)
    form = await request.form()
    division_id = await _return_division(etablissement_id, form)
    async with write_transaction():
        await disable_account(compte_id)
        await audit(request, "comptes.desactiver", f"Compte {row['identifiant']} rendu inutilisable.")
    return navigate(request, _back(division_id, "desactive", anchor=_anchor(form)))


@post(f"{PAGE}/{{compte_id:int}}/nouveau-mot-de-passe", guards=[MANAGERS])
async def new_provisional_password(request: Request) -> Response:
    """A family lost its letter or its password: the account returns to its first connection
    and its new letter, with a new provisional password, is the answer (a PDF)."""
    compte_id = request.path_params["compte_id"]
    etablissement_id = _establishment_id(request)
    row = await _family_account(etablissement_id, compte_id)
    if row["etat"] == "desactive":
        raise NotFoundException(_("Ce compte est inutilisable : réactivez-le d'abord."))
    await creation.back_to_provisional(compte_id)
    batch = await creation.prepare_letters(etablissement_id, compte_id=compte_id)
    return await _letters_response(request, etablissement_id, batch, "pdf")


@post(f"{PAGE}/{{compte_id:int}}/reactiver", guards=[MANAGERS])
async def reactivate(request: Request) -> Response:
    compte_id = request.path_params["compte_id"]
    etablissement_id = _establishment_id(request)
    row = await _family_account(etablissement_id, compte_id)
    form = await request.form()
    division_id = await _return_division(etablissement_id, form)
    if row["etat"] == "desactive":
        async with write_transaction():
            await Compte.update({Compte.etat: reactivated_state(row)}).where(
                (Compte.id == compte_id) & (Compte.etat == "desactive")
            )
            await audit(request, "comptes.reactiver", f"Compte {row['identifiant']} réactivé.")
    return navigate(request, _back(division_id, "reactive", anchor=_anchor(form)))


def _anchor(form: Any) -> str:
    """Back to the pupil's block in the list (an id we made: ``eleve-123``)."""
    value = form.get("eleve") or ""
    return f"eleve-{value}" if value.isdigit() else ""


async def _set_follow_up_access(request: Request, eleve_id: int, removed: bool) -> Response:
    etablissement_id = _establishment_id(request)
    form = await request.form()
    division_id = await _return_division(etablissement_id, form)
    async with write_transaction():
        changed = await Eleve.update({Eleve.acces_suivi_retire: removed}).where(
            (Eleve.id == eleve_id) & (Eleve.etablissement == etablissement_id)
        ).returning(Eleve.id, Eleve.prenom, Eleve.nom_de_famille)
        if not changed:
            raise NotFoundException(_("Élève introuvable dans votre établissement."))
        pupil = f"{changed[0]['prenom']} {changed[0]['nom_de_famille']}"
        await audit(request, "eleves.acces_retire" if removed else "eleves.acces_retabli",
                    f"Accès aux services de suivi {'retiré' if removed else 'rétabli'} : {pupil}.")
    return navigate(request, _back(
        division_id, "acces_retire" if removed else "acces_retabli", anchor=f"eleve-{eleve_id}"
    ))


@post("/administration/eleves/{eleve_id:int}/acces-suivi/retirer", guards=[MANAGERS])
async def remove_access(request: Request) -> Response:
    return await _set_follow_up_access(request, request.path_params["eleve_id"], True)


@post("/administration/eleves/{eleve_id:int}/acces-suivi/retablir", guards=[MANAGERS])
async def restore_access(request: Request) -> Response:
    return await _set_follow_up_access(request, request.path_params["eleve_id"], False)


ROUTES = [
    accounts_page, create_confirmation, create, download_letters, new_provisional_password, disable, reactivate,
    remove_access, restore_access,
]
