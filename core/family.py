"""What an account may see: its children, their establishments, the services opened there.

Each function is one query, whatever the number of children or services.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Collection
from typing import Any

from teleservices.core import clock, db
from teleservices.core.api import Child, Etablissement, OpenedAt, ServiceSpec, UserType, Viewer
from teleservices.core.periodes import Periode
from teleservices.core.i18n import gettext as _
from teleservices.core.plugins import PluginFailure, summary
from teleservices.core.tables import CompteEleve, ServiceActivation

log = logging.getLogger(__name__)

ETAB_FIELDS = list(Etablissement.__dataclass_fields__)
PERIOD_FIELDS = ("id", "code", "libelle", "debut", "fin")

# Hand-written SQL on the hot path: Piccolo builds a joined select in about 7 ms of Python,
# ten times the cost of running it. Each child comes with what every page about them needs: the
# services its establishment opened (with their options), its periods and its groups, aggregated
# as JSON: one query for the whole family, whatever the number of children, services or periods.
CHILDREN_SQL = """
SELECT e.id, e.eleve_id, e.nom_de_famille, e.prenom, e.code_sexe, e.date_naiss,
       e.acces_suivi_retire, d.libelle AS division, e.division AS division_id, {etablissement},
       (SELECT {services} FROM service_activation sa WHERE sa.etablissement = et.id AND sa.ouvert = {true})
         AS services_ouverts,
       (SELECT {periodes} FROM periode p WHERE p.etablissement = et.id) AS periodes,
       (SELECT {groupes} FROM eleve_groupe g WHERE g.eleve = e.id) AS groupes
FROM compte_eleve ce
JOIN eleve e ON e.id = ce.eleve
JOIN etablissement et ON et.id = e.etablissement
LEFT JOIN division d ON d.id = e.division
WHERE ce.compte = {{}} AND (e.date_sortie IS NULL OR e.date_sortie > {{}})
ORDER BY e.date_naiss DESC, e.id
"""


@functools.cache
def children_sql(engine: str) -> str:
    return CHILDREN_SQL.format(
        etablissement=", ".join(f"et.{f} AS etab_{f}" for f in ETAB_FIELDS), true=db.sql_true(),
        services=db.json_object("sa.service", "sa.options"),
        periodes=db.json_list("p.id", "p.code", "p.libelle", "p.debut", "p.fin"),
        groupes=db.json_list("g.division"),
    )


OPENED_SQL = "SELECT service, options FROM service_activation WHERE etablissement = {} AND ouvert = {}"


async def children_of(viewer: Viewer) -> list[Child]:
    """The pupils this account may see, youngest first. A pupil who left (SIECLE's DATE_SORTIE,
    today or before) is no longer shown: the family loses access, the history stays."""
    if viewer.type == UserType.PERSONNEL:
        return []
    today = clock.now().date()
    return [_child(row) for row in await CompteEleve.raw(children_sql(db.engine_type()), viewer.compte_id, today)]


def _child(row: dict) -> Child:
    etab = Etablissement(**{f: row[f"etab_{f}"] for f in ETAB_FIELDS})
    periodes = [Periode.de_ligne(dict(zip(PERIOD_FIELDS, values))) for values in db.read_json(row["periodes"], [])]
    return Child(
        id=row["id"],
        eleve_id=row["eleve_id"],
        nom_de_famille=row["nom_de_famille"],
        prenom=row["prenom"],
        code_sexe=row["code_sexe"],
        date_naiss=row["date_naiss"],
        division=row["division"] or "",
        acces_suivi_retire=bool(row["acces_suivi_retire"]),
        etablissement=etab,
        services_ouverts={key: stored_options(value) for key, value in db.read_json(row["services_ouverts"], {}).items()},
        periodes=tuple(sorted(periodes, key=lambda p: (p.debut, p.code))),
        structures=tuple(sorted({*([row["division_id"]] if row["division_id"] else []),
                                 *(group for (group,) in db.read_json(row["groupes"], []))})),
    )


async def opened_services(etablissement_id: int) -> dict[str, dict[str, Any]]:
    """The services this establishment opened, each with its stored options (one query)."""
    rows = await ServiceActivation.raw(OPENED_SQL, etablissement_id, True)
    return {row["service"]: stored_options(row["options"]) for row in rows}


class OfferedServices(dict):
    """The services offered to a child, each with its stored options (``offered_services``).

    ``failed`` holds the services whose ``offered_by`` raised, with the failure: the home
    screen leaves them out and ``refusal`` raises it, so that their routes answer the service's
    error page rather than « not opened »."""

    def __init__(self, opened: dict[str, dict[str, Any]]) -> None:
        super().__init__(opened)
        self.failed: dict[str, PluginFailure] = {}


async def offered_services(services: dict[str, ServiceSpec], child: Child) -> OfferedServices:
    """The services offered to this child, each with its stored options: those its establishment
    opened (read with the child: no query), and each service that another establishment offers
    it (``ServiceSpec.offered_by``) if that establishment opened it: one query per such service,
    and one per other establishment unless ``offered_by`` answered ``OpenedAt``.

    An ``offered_by`` that raises is logged with its plugin's name; that service alone is not
    offered (``OfferedServices.failed``), the others are."""
    opened = child.services_ouverts
    offered = OfferedServices(dict(opened) if opened is not None else await opened_services(child.etablissement.id))
    elsewhere: dict[int, dict[str, dict[str, Any]]] = {}
    for key, spec in services.items():
        if spec.offered_by is None:
            continue
        offered.pop(key, None)  # the child's own establishment does not decide
        try:
            found = await spec.offered_by(child)
        except Exception as exc:
            # load_plugins wraps offered_by to name the plugin; a spec made by hand is not.
            failure = exc if isinstance(exc, PluginFailure) else PluginFailure("?", "offered_by", service=key, label=spec.label)
            cause = exc.__cause__ if isinstance(exc, PluginFailure) and exc.__cause__ else exc
            log.error(
                "Le plugin « %s » a échoué dans offered_by (service « %s ») : %s ; le service est omis",
                failure.plugin, key, summary(cause), exc_info=cause,
            )
            failure.logged = True
            offered.failed[key] = failure
            continue
        if isinstance(found, OpenedAt):  # read by the plugin's own query: no query here
            offered[key] = stored_options(found.options)
            continue
        etablissement_id = found
        if etablissement_id is None:
            continue
        if etablissement_id not in elsewhere:
            elsewhere[etablissement_id] = await opened_services(etablissement_id)
        if key in elsewhere[etablissement_id]:
            offered[key] = elsewhere[etablissement_id][key]
    return offered


def stored_options(value: Any) -> dict[str, Any]:
    """A JSON column as read by a raw query: text on both engines, or already decoded."""
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value if isinstance(value, dict) else {}


OPTIONS_SQL = "SELECT options FROM service_activation WHERE etablissement = {} AND service = {}"


async def establishment_options(spec: ServiceSpec, etablissement_id: int) -> dict[str, Any]:
    """The options of one service for an establishment, opened or not."""
    rows = await ServiceActivation.raw(OPTIONS_SQL, etablissement_id, spec.key)
    return option_values(spec, stored_options(rows[0]["options"]) if rows else {})


async def store_options(etablissement_id: int, key: str, values: dict[str, Any]) -> dict[str, Any]:
    """Save some options of a service for an establishment, keeping the others; the service's
    row is created, closed, when it has none. Returns the options as they were. Call it in the
    caller's write transaction, with its audit line."""
    rows = await ServiceActivation.raw(
        "SELECT id, options FROM service_activation WHERE etablissement = {} AND service = {}", etablissement_id, key,
    )
    stored = stored_options(rows[0]["options"]) if rows else {}
    if rows:
        await ServiceActivation.update({ServiceActivation.options: {**stored, **values}}).where(
            ServiceActivation.id == rows[0]["id"])
    else:
        await ServiceActivation.insert(ServiceActivation(
            etablissement=etablissement_id, service=key, ouvert=False, options=values))
    return stored


def option_values(spec: ServiceSpec, stored: dict[str, Any]) -> dict[str, Any]:
    """The options of a service for an establishment: what the head saved, the declared
    default for the rest; keys the service no longer declares are left out."""
    return {option.key: stored.get(option.key, option.default) for option in spec.options}


def refusal(spec: ServiceSpec, viewer: Viewer, child: Child, opened: Collection[str]) -> str | None:
    """Why this viewer may not use this service for this child, or None if they may.

    The one rule behind both the home screen's list and the guard of every service route. A
    service whose ``offered_by`` failed (``OfferedServices.failed``) cannot be decided: its
    :class:`PluginFailure` is raised, and the error handler answers the service's error page.
    """
    failure = getattr(opened, "failed", {}).get(spec.key)
    if failure is not None:
        raise failure
    if spec.key not in opened:
        return _("Ce service n'est pas ouvert par l'établissement.")
    if not spec.visible_to(viewer.type):
        return _("Ce service n'est pas proposé à votre type de compte.")
    if spec.national and viewer.type == UserType.ELEVE and child.acces_suivi_retire:
        return _("L'établissement a retiré l'accès à ce service.")
    return None


def visible_services(
    services: dict[str, ServiceSpec], viewer: Viewer, child: Child, opened: Collection[str]
) -> list[ServiceSpec]:
    """The services of the home screen; one whose ``offered_by`` failed is left out."""
    failed = getattr(opened, "failed", {})
    return [s for s in services.values() if s.key not in failed and refusal(s, viewer, child, opened) is None]
