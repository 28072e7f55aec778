"""The audit log of an establishment (``/administration/journal``), for its head: who did
what, when (Paris time) and from where, newest first, 50 lines a page, filtered by action and
by account."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from litestar import Request, Response, get

from teleservices.core import clock
from teleservices.core.guards import staff_establishment, staff_guard
from teleservices.core.i18n import format_date, lazy_gettext as _l
from teleservices.core.rendering import render
from teleservices.core.tables import Journal

PAGE = "/administration/journal"
PER_PAGE = 50
# The names of the actions, shown in the page's language (the lines themselves stay as they
# were written); an action without one (a plugin's) shows its code.
ACTIONS = {
    "services.modifier": _l("Administration Téléservices modifiée"),
    "comptes.creer": _l("Comptes des familles créés"),
    "comptes.courriers": _l("Courriers imprimés"),
    "comptes.desactiver": _l("Compte de famille rendu inutilisable"),
    "comptes.reactiver": _l("Compte de famille réactivé"),
    "eleves.acces_retire": _l("Accès aux services de suivi retiré"),
    "eleves.acces_retabli": _l("Accès aux services de suivi rétabli"),
    "personnels.creer": _l("Compte de personnel créé"),
    "personnels.mot_de_passe": _l("Nouveau mot de passe provisoire d'un personnel"),
    "personnels.desactiver": _l("Compte de personnel désactivé"),
    "personnels.reactiver": _l("Compte de personnel réactivé"),
    "etablissements.choisir": _l("Choix de l'établissement (administrateur académique)"),
    "import.siecle": _l("Import SIECLE"),
    "api.cle.creer": _l("Clé d'API créée"),
    "api.cle.revoquer": _l("Clé d'API révoquée"),
}


def action_labels(request: Request) -> dict[str, str]:
    """The core's actions and those each installed service declares, in the request's language."""
    labels = dict(ACTIONS)
    for spec in request.app.state.plugins.services.values():
        labels.update(spec.audit_actions)
    return {action: str(label) for action, label in labels.items()}

LINES_SQL = """
SELECT id, quand, identifiant, action, detail, adresse FROM journal
WHERE {where} ORDER BY quand DESC, id DESC LIMIT {limit} OFFSET {offset}
"""
FILTERS_SQL = "SELECT DISTINCT action, identifiant FROM journal WHERE etablissement = {}"


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < len(value) < 6 and int(value) > 0 else 1


def _when(value: dt.datetime) -> str:
    aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)  # stored in UTC
    local = aware.astimezone(clock.FUSEAU)
    return f"{format_date(local)} {local:%H:%M}"


@get(PAGE, guards=[staff_guard()], name="administration-journal")
async def journal_page(request: Request) -> Response:
    etablissement_id = staff_establishment(request)
    query = request.query_params
    action, compte = (query.get("action") or "").strip(), (query.get("compte") or "").strip()
    page = _page_number(query.get("page"))
    where, args = ["etablissement = {}"], [etablissement_id]
    for column, value in (("action", action), ("identifiant", compte)):
        if value:
            where.append(f"{column} = {{}}")
            args.append(value)
    sql = LINES_SQL.format(where=" AND ".join(where), limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    rows = await Journal.raw(sql, *args)
    filters = await Journal.raw(FILTERS_SQL, etablissement_id)
    labels = action_labels(request)
    filters_query = {k: v for k, v in (("action", action), ("compte", compte)) if v}
    return render(request, "administration/journal.html", {
        "lignes": [
            {**row, "quand_libelle": _when(row["quand"]), "action_libelle": labels.get(row["action"], row["action"])}
            for row in rows[:PER_PAGE]
        ],
        "actions": sorted({(r["action"], str(labels.get(r["action"], r["action"]))) for r in filters}, key=lambda a: a[1]),
        "comptes": sorted({r["identifiant"] for r in filters}),
        "action": action,
        "compte": compte,
        "page": page,
        "precedente": f"{PAGE}?{urlencode({**filters_query, 'page': page - 1})}" if page > 1 else "",
        "suivante": f"{PAGE}?{urlencode({**filters_query, 'page': page + 1})}" if len(rows) > PER_PAGE else "",
    })


ROUTES = [journal_page]
