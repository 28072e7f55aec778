"""« Administration Téléservices » (guide 1.3 and 3.1): the services an establishment opens, the
options each service declares (a form generated from its ``ServiceOption`` list), the « contacter
l'établissement » link and the welcome message of the families' home screen.

One POST saves everything, in one transaction with its audit line. The guards read the activation
rows on every request, so a change reaches the families at once. A refused value is shown next
to its field with everything else as it was typed: nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from litestar import Request, Response, get, post
from piccolo.engine.sqlite import SQLiteEngine

from teleservices.core.api import ServiceOption, ServiceSpec, UserType
from teleservices.core.audit import audit, in_french
from teleservices.core.db import write_transaction
from teleservices.core.family import option_values, stored_options
from teleservices.core.guards import staff_establishment, staff_guard
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.identity.family_forms import Errors, parse_date
from teleservices.core.rendering import navigate, render
from teleservices.core.tables import Etablissement, ServiceActivation

PAGE = "/administration/services"
MESSAGE_MAX = 1000
TEXT_MAX = 200
MESSAGES = {
    "enregistre": _l("Les modifications sont enregistrées : elles s'appliquent dès maintenant aux familles."),
    "inchange": _l("Aucune modification : rien n'a été enregistré."),
}
AUDIENCES = {UserType.PARENT: _l("Parents"), UserType.ELEVE: _l("Élèves")}

ETAB_SQL = "SELECT id, uai, nom, mel, afficher_contact, message_accueil FROM etablissement WHERE id = {}"
ACTIVATIONS_SQL = "SELECT id, service, ouvert, options FROM service_activation WHERE etablissement = {}"


def audiences(spec: ServiceSpec) -> str:
    return ", ".join(str(label) for user_type, label in AUDIENCES.items() if user_type in spec.audiences)


def open_field(spec: ServiceSpec) -> str:
    return f"ouvert-{spec.key}"


def option_field(spec: ServiceSpec, option: ServiceOption) -> str:
    return f"option-{spec.key}-{option.key}"


@dataclass
class Configuration:
    """What the page edits: the opened services, their options, the families' home page."""

    opened: set[str]
    options: dict[str, dict[str, Any]]
    afficher_contact: bool
    message_accueil: str
    errors: Errors = field(default_factory=Errors)


async def _current(etablissement_id: int, services: list[ServiceSpec]) -> tuple[dict, dict[str, dict], Configuration]:
    """The establishment, its activation rows by service, and the settings they make."""
    etab = (await Etablissement.raw(ETAB_SQL, etablissement_id))[0]
    rows = {
        row["service"]: {**row, "ouvert": bool(row["ouvert"]), "options": stored_options(row["options"])}
        for row in await ServiceActivation.raw(ACTIVATIONS_SQL, etablissement_id)
    }
    settings = Configuration(
        opened={key for key, row in rows.items() if row["ouvert"]},
        options={spec.key: option_values(spec, rows[spec.key]["options"] if spec.key in rows else {})
                 for spec in services},
        afficher_contact=bool(etab["afficher_contact"]),
        message_accueil=etab["message_accueil"] or "",
    )
    return etab, rows, settings


# --- reading the form --------------------------------------------------------------------------


def _option_value(option: ServiceOption, raw: Any) -> tuple[Any, str | None]:
    """The value to store for one option, and the error to show next to its field."""
    if option.kind == "bool":
        return raw is not None, None
    text = (raw or "").strip()
    if option.kind == "choice":
        if text not in dict(option.choices):
            return text, _("Choisissez l'une des valeurs proposées.")
        return text, None
    if option.kind == "date":
        if not text:
            return "", None
        try:
            return dt.date.fromisoformat(text).isoformat(), None
        except ValueError:
            date = parse_date(text)  # a browser without a date picker sends what was typed
            if date is None:
                return text, _("Saisissez une date valide au format jj/mm/aaaa, par exemple 15/01/2027.")
            return date.isoformat(), None
    if len(text) > TEXT_MAX:
        return text, _("%(max)s caractères au plus.", max=TEXT_MAX)
    return text, None


def read_form(form: Any, services: list[ServiceSpec]) -> Configuration:
    submitted = Configuration(
        opened={spec.key for spec in services if form.get(open_field(spec)) is not None},
        options={},
        afficher_contact=form.get("afficher_contact") is not None,
        message_accueil=(form.get("message_accueil") or "").replace("\r\n", "\n").strip(),
    )
    for spec in services:
        values = submitted.options.setdefault(spec.key, {})
        for option in spec.options:
            name = option_field(spec, option)
            values[option.key], error = _option_value(option, form.get(name))
            submitted.errors.add(name, error)
    if len(submitted.message_accueil) > MESSAGE_MAX:
        submitted.errors.add(
            "message_accueil",
            _("Le message d'accueil fait %(longueur)s caractères : %(max)s au plus.",
              longueur=len(submitted.message_accueil), max=MESSAGE_MAX),
        )
    return submitted


# --- what changed, in words for the audit log (French, whatever the page's language) -------------


def _shown(option: ServiceOption, value: Any) -> str:
    if option.kind == "bool":
        return "oui" if value else "non"
    if option.kind == "choice":
        return dict(option.choices).get(value, str(value))
    if option.kind == "date":
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else "aucune"
    return f"« {value} »"


def changes(services: list[ServiceSpec], before: Configuration, after: Configuration) -> list[str]:
    with in_french():
        return _changes(services, before, after)


def _changes(services: list[ServiceSpec], before: Configuration, after: Configuration) -> list[str]:
    lines = []
    for spec in services:
        if (spec.key in before.opened) != (spec.key in after.opened):
            lines.append(f"{spec.label} : {'ouvert' if spec.key in after.opened else 'fermé'}")
        for option in spec.options:
            old, new = before.options[spec.key].get(option.key), after.options[spec.key][option.key]
            if old != new:
                lines.append(f"{spec.label}, {option.label} : {_shown(option, new)}")
    if before.afficher_contact != after.afficher_contact:
        lines.append("lien « contacter l'établissement » " + ("affiché" if after.afficher_contact else "masqué"))
    if before.message_accueil != after.message_accueil:
        lines.append("message d'accueil modifié" if after.message_accueil else "message d'accueil supprimé")
    return lines


# --- saving ------------------------------------------------------------------------------------------


async def _lock(etablissement_id: int) -> None:
    """Two saves of the same establishment run one after the other (SQLite's write
    transaction already does that), so that neither inserts a row the other inserts too."""
    if not isinstance(Etablissement._meta.db, SQLiteEngine):
        await Etablissement.raw("SELECT id FROM etablissement WHERE id = {} FOR UPDATE", etablissement_id)


async def save(request: Request, etablissement_id: int, services: list[ServiceSpec], submitted: Configuration) -> bool:
    """Write what changed, with its audit line; False when nothing did."""
    async with write_transaction():
        await _lock(etablissement_id)
        _etab, rows, before = await _current(etablissement_id, services)
        lines = changes(services, before, submitted)
        if not lines:
            return False
        for spec in services:
            ouvert = spec.key in submitted.opened
            row = rows.get(spec.key)
            options = {**(row["options"] if row else {}), **submitted.options[spec.key]}
            if row is None:
                await ServiceActivation.insert(ServiceActivation(
                    etablissement=etablissement_id, service=spec.key, ouvert=ouvert, options=options,
                ))
            elif row["ouvert"] != ouvert or row["options"] != options:
                await ServiceActivation.update({
                    ServiceActivation.ouvert: ouvert, ServiceActivation.options: options,
                }).where(ServiceActivation.id == row["id"])
        await Etablissement.update({
            Etablissement.afficher_contact: submitted.afficher_contact,
            Etablissement.message_accueil: submitted.message_accueil,
        }).where(Etablissement.id == etablissement_id)
        await audit(request, "services.modifier", " ; ".join(lines))
    return True


# --- the page ------------------------------------------------------------------------------------------


KIND_SQL = "SELECT type FROM etablissement WHERE id = {}"


async def _installed(request: Request, etablissement_id: int) -> list[ServiceSpec]:
    """The services this establishment's families may be given: a service meant for no family
    (the links' staff pages) has nothing to open, nor one meant for another kind of
    establishment (the lycée's enrolment, in a collège)."""
    rows = await Etablissement.raw(KIND_SQL, etablissement_id)
    kind = rows[0]["type"] if rows else ""
    services = request.app.state.plugins.services.values()
    return sorted((spec for spec in services if spec.audiences
                   and (not spec.establishment_types or kind in spec.establishment_types)),
                  key=lambda spec: (spec.order, spec.key))


def _page(request: Request, etab: dict, services: list[ServiceSpec], settings: Configuration, message: str = "") -> Response:
    return render(request, "administration/services.html", {
        "etablissement": etab,
        "services": [
            {
                "spec": spec,
                "audiences": audiences(spec),
                "ouvert_nom": open_field(spec),
                "options": [
                    {"option": option, "nom": option_field(spec, option), "valeur": settings.options[spec.key][option.key]}
                    for option in spec.options
                ],
            }
            for spec in services
        ],
        "reglages": settings,
        "erreurs": settings.errors,
        "message": message,
        "message_max": MESSAGE_MAX,
    })


@get(PAGE, guards=[staff_guard()], name="administration-services")
async def services_page(request: Request) -> Response:
    services = await _installed(request, staff_establishment(request))
    etab, _rows, settings = await _current(staff_establishment(request), services)
    return _page(request, etab, services, settings, str(MESSAGES.get(request.query_params.get("ok") or "", "")))


@post(PAGE, guards=[staff_guard()])
async def save_services(request: Request) -> Response:
    etablissement_id = staff_establishment(request)
    services = await _installed(request, etablissement_id)
    submitted = read_form(await request.form(), services)
    if submitted.errors:
        etab, _rows, _settings = await _current(etablissement_id, services)
        return _page(request, etab, services, submitted)
    changed = await save(request, etablissement_id, services, submitted)
    return navigate(request, f"{PAGE}?ok={'enregistre' if changed else 'inchange'}")


ROUTES = [services_page, save_services]
