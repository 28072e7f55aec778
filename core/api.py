"""The public facade: the only module a plugin imports from Téléservices.

Keep it small and stable (CKAN's toolkit is the model): a plugin that imports only from here
keeps working when the core's insides move.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Iterable, Sequence

import pluggy
from litestar.di import NamedDependency

# The school year's periods and months, and the « Filtre par » choice (pure functions).
from teleservices.core.periodes import (
    MOIS, PAR_MOIS, PAR_PERIODE, TOUTES, Filtre, Periode, filtre, mois_de_l_annee, periode_courante, periode_de,
)
# The fields of the administrative record a family may ask to change (the fiche).
from teleservices.core.records import GUARDIAN_FIELDS, PUPIL_FIELDS
# Reads shared by the guard and the page within one request (see core/memo.py).
from teleservices.core.memo import per_request
# Translation and the language's dates and numbers (the request's language; see core/i18n.py).
from teleservices.core.i18n import (
    current_language, format_date, format_number, format_time, gettext, lazy_gettext, ngettext,
)

hookimpl = pluggy.HookimplMarker("teleservices")


class UserType(StrEnum):
    PARENT = "parent"
    ELEVE = "eleve"
    PERSONNEL = "personnel"


FAMILIES = frozenset({UserType.PARENT, UserType.ELEVE})


class StaffRole(StrEnum):
    """What a staff account may do. Each role is scoped to one establishment, except the
    academy administrator's, which covers every establishment of the academy."""

    CHEF = "chef"  # head of establishment: everything of the establishment
    SECRETARIAT = "secretariat"  # processes the changes families submit
    VIE_SCOLAIRE = "vie_scolaire"  # vie scolaire / CPE: absences
    ENSEIGNANT = "enseignant"  # a teacher: their own classes' assessments
    ADMIN_ACADEMIQUE = "admin_academique"  # all establishments of the academy

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


# Lazy strings: each shown in the page's language (``str(label)`` to store or compare one).
ROLE_LABELS = {
    StaffRole.CHEF: lazy_gettext("Chef d'établissement"),
    StaffRole.SECRETARIAT: lazy_gettext("Secrétariat"),
    StaffRole.VIE_SCOLAIRE: lazy_gettext("Vie scolaire (CPE)"),
    StaffRole.ENSEIGNANT: lazy_gettext("Enseignant"),
    StaffRole.ADMIN_ACADEMIQUE: lazy_gettext("Administrateur académique"),
}


@dataclass(frozen=True)
class ServiceOption:
    """A per-establishment setting a service declares; the administration page shows it as a
    form field. ``kind`` is "bool" (a checkbox), "choice" (radio buttons over ``choices``, pairs
    of value and label), "date" or "text"."""

    key: str
    label: str
    kind: str = "bool"
    default: Any = False
    choices: tuple[tuple[str, str], ...] = ()
    help: str = ""


@dataclass(frozen=True)
class ServiceSpec:
    """A service offered to families, opened or not by each establishment.

    ``national`` marks the national follow-up services (notes, absences, LPC): a pupil whose
    access the school removed no longer sees them. ``routes`` are Litestar route handlers,
    mounted under ``/eleves/{eleve_id}/{key}/`` behind the core's guard; the service's entry
    on the home screen links to that prefix when it has routes.
    """

    key: str
    label: str
    icon: str = ""  # a static path such as "notes/icon.svg", served under /static/
    audiences: frozenset[UserType] = FAMILIES
    national: bool = False
    mobile: bool = False
    order: int = 100
    description: str = ""
    routes: Sequence[Any] = ()
    # Per-establishment settings, shown on the "Administration Téléservices" page.
    options: Sequence[ServiceOption] = ()
    # Staff pages, mounted under ``/administration/{key}/``, for these roles only (the head and
    # the academy administrator always pass).
    staff_routes: Sequence[Any] = ()
    staff_roles: frozenset[StaffRole] = frozenset()
    # JSON push endpoints for school software, mounted under ``/api/v1/{key}/`` behind an API
    # key of the establishment whose scope includes this service; a handler declares
    # ``api_client: CurrentApiClient`` and writes only to its establishment.
    api_routes: Sequence[Any] = ()
    # Which establishment offers the service to a child, when it is not the child's own (the
    # lycée of a 3e pupil's affectation offers the online enrolment): ``async (child) -> id``, or
    # None when no establishment offers it to this child. The activation and the options are then
    # that establishment's: the core reads them (one query more), unless ``offered_by`` answers
    # ``OpenedAt(id, options)`` because its own query read them (``service_activation``, opened).
    # One query at most: it runs on the home screen and in the guard (``per_request`` lets the
    # page reuse it).
    offered_by: Any = None
    # The kinds of establishment (« college », « lycee ») whose « Administration Téléservices »
    # offers to open it; empty: every kind. A collège has no lycée enrolment to open.
    establishment_types: frozenset[str] = frozenset()
    # The audit actions the service writes, with their French label for the head's journal:
    # (("notes.saisie", "Notes saisies"), ...).
    audit_actions: Sequence[tuple[str, str]] = ()
    # Feeds fetched without a session (a calendar subscription), mounted under
    # ``/flux/{key}/{jeton}/``: the private link's token names an account and a child, and the
    # core re-checks at each fetch that the account may still see them (``child: CurrentChild``).
    # GET only. A page of the service manages the link with ``private_link_*``.
    feed_routes: Sequence[Any] = ()
    # The notifications the service sends families, with their French label for « gérer son
    # compte », each type named « <key>.<event> »: (("notes.publiees", "Nouvelles notes publiées"),
    # ...). The service emits them with ``notify``; each family chooses per type how to be mailed.
    notifications: Sequence[tuple[str, str]] = ()

    def visible_to(self, user_type: UserType) -> bool:
        return user_type in self.audiences


@dataclass(frozen=True)
class OpenedAt:
    """An answer of ``ServiceSpec.offered_by``: this establishment offers the service to the
    child and has opened it, with these stored options (read by the plugin's own query)."""

    etablissement_id: int
    options: Any = None  # the ``service_activation.options`` column as read: JSON text or a dict


@dataclass(frozen=True)
class MenuItem:
    label: str
    href: str
    order: int = 100
    post: bool = False  # rendered as a small form (logout must not be a GET)
    # A count shown beside the label (the unread notifications), None for none; from the viewer,
    # never from a query (``menu_items`` runs on every page).
    badge: int | None = None


@dataclass(frozen=True)
class Viewer:
    """Who is looking: the logged-in account."""

    compte_id: int
    identifiant: str
    type: UserType
    etat: str
    # For staff: the establishment they work on (an academy administrator chooses it).
    etablissement_id: int | None = None
    role: StaffRole | None = None
    academie: str = ""
    # The establishment a staff page works on, for the header of staff pages.
    etablissement_nom: str = ""
    etablissement_uai: str = ""
    # For a teacher's account: their STS-web teacher row (their classes are its teaching services).
    enseignant_id: int | None = None
    # For a family account: its unread notifications (read with the session, no query of its own).
    notifications_non_lues: int = 0
    # The language the account chose (« »: none, the browser's); read with the session too.
    langue: str = ""
    # The address the account's mails go to (« »: none yet); read with the session too.
    mel: str = ""


@dataclass(frozen=True)
class Etablissement:
    id: int
    uai: str
    type: str
    nom: str
    adresse_ligne1: str
    adresse_ligne2: str
    code_postal: str
    commune: str
    telephone: str
    telecopie: str
    mel: str
    vie_scolaire_mel: str
    vie_scolaire_telephone: str
    afficher_contact: bool
    message_accueil: str = ""  # plain text written by the head, shown on the home screen
    academie: str = ""  # the academy, e.g. "LILLE" ("" when unknown)


@dataclass(frozen=True)
class Child:
    """A pupil as seen by an account that may see them."""

    id: int
    eleve_id: str
    nom_de_famille: str
    prenom: str
    code_sexe: str
    date_naiss: dt.date
    division: str
    acces_suivi_retire: bool
    etablissement: Etablissement
    # Read with the child, in the same query (``children_of``), so that a family page needs no
    # query of its own for them; None when the child was made otherwise (``periods_of`` reads them).
    services_ouverts: dict[str, dict[str, Any]] | None = field(default=None, compare=False, repr=False)
    periodes: tuple[Periode, ...] | None = field(default=None, compare=False, repr=False)
    structures: tuple[int, ...] | None = field(default=None, compare=False, repr=False)  # class and groups' ids

    @property
    def nom_court(self) -> str:
        """"Prénom N." as in the guide's header."""
        return f"{self.prenom} {self.nom_de_famille[:1]}."

    @property
    def ne_ou_nee(self) -> str:
        return "née" if self.code_sexe == "2" else "né"


@dataclass(frozen=True)
class HomeLink:
    """A link on a child's home screen, beside the services (hook ``home_links``): the ENT, an
    academic service, a site. It opens in a new tab; ``url`` is an ``https://`` (or ``http://``)
    address, any other is left out. ``icon`` is a static path such as "liens/ent.svg", served
    under /static/. Links are shown by ``order``, then ``label``."""

    label: str
    url: str
    icon: str = ""
    order: int = 100


@dataclass(frozen=True)
class Notice:
    """A notification as ``notify`` stored it for one family account (hook ``notified``): the
    account, the pupil, its type (« notes.publiees »), title, link (a path of the portal) and the
    e-mail channel the account chose (« aucun », « immediat », « resume_quotidien »)."""

    id: int
    compte_id: int
    eleve_id: int
    type: str
    titre: str
    lien: str
    canal: str


@dataclass(frozen=True)
class ApiClient:
    """The school software calling the JSON API, as its key says. An ``api_routes`` handler
    declares ``api_client: CurrentApiClient`` and writes only to ``etablissement_id``, never to an
    establishment named by the request; the core has already checked that ``portees`` covers
    the handler's service."""

    cle_id: int
    nom: str
    etablissement_id: int
    portees: frozenset[str]


# An API handler declares ``api_client: CurrentApiClient`` to receive the key's ApiClient.
CurrentApiClient = NamedDependency[ApiClient]


# A service handler declares ``child: CurrentChild`` to receive the child its guard checked.
CurrentChild = NamedDependency[Child]


@dataclass
class DemoContext:
    """Handed to ``demo_data``: the demo establishments and pupils, by role."""

    etablissements: dict[str, int] = field(default_factory=dict)  # "college"/"lycee" -> id
    eleves: dict[str, int] = field(default_factory=dict)  # persona -> eleve id
    today: dt.date = field(default_factory=dt.date.today)

    async def open_service(self, etablissement: str, key: str) -> None:
        """Open service ``key`` at a demo establishment ("college" or "lycee"), as its head
        would in « Administration Téléservices » (a plugin installed after the core's demo)."""
        from teleservices.core.demo import open_service

        await open_service(self.etablissements[etablissement], key)


def render(request: Any, template: str, context: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """Render a page: the full page, or its ``page`` block for an htmx fragment request.

    The context always holds ``viewer``, ``csrf_token`` and ``menu``; service handlers usually
    pass ``child``, which ``_entete_eleve.html`` (the guide's header) displays.
    """
    from teleservices.core.rendering import render as render_page

    return render_page(request, template, context, **kwargs)


def download(content: bytes, filename: str, media_type: str) -> Any:
    """A response that saves ``content`` as a file (a PDF, a CSV export), never cached, its
    name reduced to what every browser saves as is (« inscription-lycee-melanie-bertin.pdf »)."""
    from teleservices.core.rendering import download as response

    return response(content, filename, media_type)


def staff_guard(*roles: StaffRole) -> Any:
    """The guard of a staff page: a staff account with one of ``roles``, working on an
    establishment (the head and the academy administrator always pass)."""
    from teleservices.core.guards import staff_guard as guard

    return guard(*roles)


def staff_establishment(request: Any) -> int:
    """The id of the establishment a staff page works on. Never take it from the request."""
    from teleservices.core.guards import staff_establishment as current

    return current(request)


def htmx_target(request: Any, target: str) -> bool:
    """An htmx request for the element ``target`` of the page (not a boosted navigation nor a
    history restore): answer with that part alone."""
    from teleservices.core.rendering import is_fragment_request

    return is_fragment_request(request) and request.headers.get("hx-target") == target


def service_options(request: Any) -> dict[str, Any]:
    """In a service route: the options the child's establishment set for this service (the
    declared default for each option it did not set), read by the guard in the same query as
    the opened services."""
    return request.state.service_options


async def establishment_options(etablissement_id: int, key: str, request: Any) -> dict[str, Any]:
    """In a staff page (or anywhere): the options of service ``key`` for an establishment,
    defaults filled from the service's declaration."""
    from teleservices.core.family import establishment_options as read

    return await read(request.app.state.plugins.services[key], etablissement_id)


async def save_establishment_options(etablissement_id: int, key: str, values: dict[str, Any]) -> dict[str, Any]:
    """Save options of service ``key`` for an establishment (the others are kept), e.g. from a
    staff page of the service: inside ``write_transaction()``, with an ``audit`` line. Returns
    the options stored before."""
    from teleservices.core.family import store_options

    return await store_options(etablissement_id, key, values)


async def audit(request: Any, action: str, detail: str = "") -> None:
    """Write a staff action, or an API push, to the audit log (who, what, when, from where)."""
    from teleservices.core.audit import audit as write

    await write(request, action, detail)


def write_transaction() -> Any:
    """``async with write_transaction():`` the transaction of a change and its audit line. On
    SQLite it takes the write lock at once, so that it waits for a concurrent writer instead of
    failing with "database is locked"."""
    from teleservices.core.db import write_transaction as transaction

    return transaction()


def sql_json_list(*expressions: str) -> str:
    """An SQL aggregate, in the dialect of the database in use, making the rows a JSON list of
    lists of these expressions: to read a row's children in the same query (a subquery). Read
    the value with ``read_json_list``."""
    from teleservices.core import db

    return db.json_list(*expressions)


def sql_true() -> str:
    """The boolean true, as the database in use writes it in SQL."""
    from teleservices.core import db

    return db.sql_true()


def read_json_list(value: Any) -> list[list[Any]]:
    """The value of a ``sql_json_list`` column: its lists (none when there was no row)."""
    from teleservices.core import db

    return db.read_json(value, [])


# Private links to a service's feeds, for the child of a service page and the logged-in account.


async def private_link_created(request: Any, child: Child) -> dt.datetime | None:
    """When the account made its link to this child's feed of the current service, or None."""
    from teleservices.core import private_links

    return await private_links.created_at(request.user.compte_id, child.id, request.route_handler.opt["service_key"])


async def new_private_link(request: Any, child: Child) -> str:
    """A new link (revoking the previous one): the full URL, to show once (only a hash is kept)."""
    from teleservices.core import private_links

    key = request.route_handler.opt["service_key"]
    token = await private_links.create(request.user.compte_id, child.id, key)
    return str(request.base_url).rstrip("/") + f"/flux/{key}/{token}/"


async def revoke_private_link(request: Any, child: Child) -> None:
    from teleservices.core import private_links

    await private_links.revoke(request.user.compte_id, child.id, request.route_handler.opt["service_key"])


# The administrative record of a pupil and their guardians (the fiche de renseignements).


async def pupil_record(eleve_id: int) -> dict[str, Any] | None:
    """The pupil's record: id, code_regime (read-only) and every field of ``PUPIL_FIELDS``."""
    from teleservices.core import records

    return await records.pupil_record(eleve_id)


async def pupil_and_guardians(eleve_id: int, held_by: int | None = None) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """``pupil_record`` and ``guardians`` in one query: (record or None, guardians)."""
    from teleservices.core import records

    return await records.pupil_and_guardians(eleve_id, held_by)


async def guardians(eleve_id: int, held_by: int | None = None) -> list[dict[str, Any]]:
    """The pupil's legal guardians, 1 then 2: id (the person), lien_id, resp_legal, ``GUARDIAN_FIELDS``
    and ``detenu``: whether the account ``held_by`` holds them (``held_guardians``, no other query)."""
    from teleservices.core import records

    return await records.guardians(eleve_id, held_by)


async def held_guardians(compte_id: int, eleve_id: int) -> set[int]:
    """The guardians (person ids) this account holds for this pupil: with separate accounts, a
    guardian sees and changes only their own data."""
    from teleservices.core import records

    return await records.held_guardians(compte_id, eleve_id)


async def update_pupil_record(eleve_id: int, values: dict[str, Any]) -> None:
    """Write accepted changes to the pupil's record; a field outside ``PUPIL_FIELDS`` is an error."""
    from teleservices.core import records

    await records.update_pupil(eleve_id, values)


async def update_guardian_record(responsable_id: int, eleve_id: int, values: dict[str, Any]) -> None:
    """Write accepted changes to a guardian's record; a field outside ``GUARDIAN_FIELDS`` is an error."""
    from teleservices.core import records

    await records.update_guardian(responsable_id, eleve_id, values)


async def guardian_names(ids: Any) -> dict[int, dict[str, Any]]:
    """Guardians by id: lc_civilite, nom_de_famille, prenom (one query for a whole page)."""
    from teleservices.core import records

    return await records.guardian_names(ids)


async def account_contact(compte_id: int) -> dict[str, str] | None:
    """An account's identifiant, mel (the address its mails go to) and langue (the language it
    chose, « » for none: give it to ``send_mail``), or None if it is gone."""
    from teleservices.core import records

    return await records.account_contact(compte_id)


async def notify(
    request: Any, eleve_id: int | Iterable[int], type: str, titre: str, lien: str = "", *,
    offered_by: int | None = None, accounts: Iterable[int] | None = None, mailed: Iterable[int] = (),
) -> list[Notice]:
    """Tell the families of a pupil (or of several: one call for a whole class) that something
    happened, inside the transaction of the change that caused it.

    ``type`` is one of the service's ``ServiceSpec.notifications``; ``titre`` what the family
    reads (no grade, no private detail: it may go by e-mail); ``lien`` the page concerned, a path
    where « {eleve} » stands for each pupil's id (by default the service's page of the pupil).
    Every account that may see the pupil and the service gets it — the home screen's rule: the
    pupil's parents and the pupil, as the service's audiences allow, the service opened by the
    establishment (``offered_by``: the one that offers it, for a service offered by another
    establishment), not a pupil whose access to the national follow-up services was removed, not
    a pupil who left — or only those of ``accounts``. An account that chose « immediat » gets its
    mail in the outbox now; the others wait for the daily digest, or are never mailed; the
    accounts of ``mailed`` were already told by the service's own mail and are not mailed again.
    Two queries, and one more for the immediate mails. Returns what was stored."""
    from teleservices.core import notifications

    return await notifications.emit(
        request, eleve_id, type, titre, lien, offered_by=offered_by, accounts=accounts, mailed=mailed,
    )


def portal_url(request: Any, path: str) -> str:
    """An absolute link to a page of the portal, for a mail: from the configured address
    (TELESERVICES_BASE_URL), never from the request's Host header."""
    return f"{request.app.state.settings.base_url.rstrip('/')}{path}"


async def send_mail(request: Any, to: str, template: str, **context: Any) -> None:
    """Put a mail in the outbox, inside the transaction of the change it tells. ``template`` is
    a plain-text template with the blocks ``sujet`` and ``corps`` (a plugin's ``mails/…``),
    written in the request's language; staff writing to a family send it ``in_language`` of the
    family's account."""
    from teleservices.core.identity.family_forms import send

    await send(request, to, template, **context)


def in_language(request: Any, language: str | None) -> Any:
    """A ``with`` block in another language than the request's: a mail staff send to a family,
    in the language its account chose (``account_contact(…)["langue"]``; « » or None: French).
    Everything translated or formatted inside the block — the mail's context too — follows it."""
    from teleservices.core import i18n

    return i18n.use_language(language or i18n.DEFAULT_LANGUAGE, request.app.state.catalogs)


# The school's data, read by services (one query each; rows as dicts, see core/school.py).


async def periods(etablissement_id: int) -> list[dict[str, Any]]:
    """The periods of the school year, in order: id, code ("T1"...), libelle, debut, fin."""
    from teleservices.core import school

    return await school.periods(etablissement_id)


async def periods_of(child: Child) -> list[Periode]:
    """The periods of the child's school year, in order: read with the child (no query), or
    from its establishment."""
    if child.periodes is not None:
        return list(child.periodes)
    return [Periode.de_ligne(row) for row in await periods(child.etablissement.id)]


async def structures_of(child: Child) -> list[int]:
    """The ids of the child's class and groups: read with the child (no query), or from the school."""
    if child.structures is not None:
        return list(child.structures)
    return [row["id"] for row in await pupil_structures(child.id)]


async def structures(etablissement_id: int) -> list[dict[str, Any]]:
    """The classes (type_structure "D") and groups ("G"): id, code_structure, libelle, type_structure."""
    from teleservices.core import school

    return await school.structures(etablissement_id)


async def subjects(etablissement_id: int) -> list[dict[str, Any]]:
    """The subjects: id, code_matiere, code_gestion, libelle."""
    from teleservices.core import school

    return await school.subjects(etablissement_id)


async def pupils_of_structure(division_id: int) -> list[dict[str, Any]]:
    """The pupils of a class or group who have not left: id, eleve_id, ine, nom_de_famille, prenom."""
    from teleservices.core import school

    return await school.pupils_of_structure(division_id)


async def pupils_of_establishment(etablissement_id: int) -> list[dict[str, Any]]:
    """Every pupil who has not left: id, eleve_id, ine, nom_de_famille, prenom, division_id."""
    from teleservices.core import school

    return await school.pupils_of_establishment(etablissement_id)


async def teaching_services(etablissement_id: int, enseignant_id: int | None = None) -> list[dict[str, Any]]:
    """Who teaches which subject to which class or group (optionally one teacher's only)."""
    from teleservices.core import school

    return await school.teaching_services(etablissement_id, enseignant_id)


async def pupil_structures(eleve_id: int) -> list[dict[str, Any]]:
    """A pupil's class and groups: id, code_structure, libelle, type_structure ("D" or "G")."""
    from teleservices.core import school

    return await school.pupil_structures(eleve_id)


async def pupil_teaching_team(eleve_id: int) -> list[dict[str, Any]]:
    """Who teaches a pupil (class and groups), by subject: division_id, code_structure,
    matiere_id, matiere_libelle, enseignant_id, civilite, nom, prenom, professeur_principal."""
    from teleservices.core import school

    return await school.pupil_teaching_team(eleve_id)


async def labels(matiere_ids: Any, enseignant_ids: Any) -> dict[str, dict[int, dict[str, Any]]]:
    """Subjects and teachers by id, in one query: ``{"matiere": {id: {"libelle"}},
    "enseignant": {id: {"civilite", "nom", "prenom"}}}``."""
    from teleservices.core import school

    return await school.labels(matiere_ids, enseignant_ids)


async def pupils_by_id(ids: Any) -> dict[int, dict[str, Any]]:
    """Pupils of any establishment by id, in one query: id, eleve_id, ine, nom_de_famille,
    prenom, code_sexe, date_naiss, division, etablissement_id, etablissement_uai,
    etablissement_nom, etablissement_commune (a lycée names the pupils assigned to it)."""
    from teleservices.core import school

    return await school.pupils_by_id(ids)


async def find_pupils(ines: Any = (), eleve_ids: Any = ()) -> list[dict[str, Any]]:
    """Pupils of any establishment who have not left, by INE or SIECLE ELEVE_ID (columns of
    ``pupils_by_id``), in one query: to import affectations."""
    from teleservices.core import school

    return await school.find_pupils(ines, eleve_ids)


async def mefs(etablissement_id: int) -> list[dict[str, Any]]:
    """The MEFs of an establishment's classes: code_mef, libelle, divisions (the classes' codes)."""
    from teleservices.core import school

    return await school.mefs(etablissement_id)


async def establishment(etablissement_id: int) -> Etablissement | None:
    """An establishment by id (its name and address for a page, a mail or a PDF), or None."""
    from teleservices.core import school

    return await school.establishment(etablissement_id)


def teacher_name(row: dict[str, Any] | None) -> str:
    """« Mme PETIT » from a row with civilite and nom (of ``pupil_teaching_team``, ``labels``...)."""
    from teleservices.core import school

    return school.teacher_name(row)


def now() -> dt.datetime:
    """The portal's clock (UTC): services read the time here, so that tests can travel in it."""
    from teleservices.core import clock

    return clock.now()


def today() -> dt.date:
    """The school's day now (its time zone's date, not UTC's)."""
    from teleservices.core import clock

    return clock.today()


def pdf_document() -> Any:
    """A new A4 PDF (fpdf2's FPDF) with the portal's Unicode fonts « sans » (and « B ») and
    « mono »; ``line_text(text, size, style)`` writes a paragraph with French spacing."""
    from teleservices.core.pdf import PdfDocument

    return PdfDocument()


def read_date(text: str) -> dt.date | None:
    """A day as a family or a staff member gives it: « 14/03/2013 » (or 14-03-2013, 14.03.2013,
    14032013) typed, « 2013-03-14 » from a date field; None when it is no day."""
    from teleservices.core.identity.family_forms import parse_date

    return parse_date(text)


def school_time(moment: dt.datetime) -> dt.datetime:
    """A stored moment (UTC) on the schools' clock (TELESERVICES_FUSEAU), for display."""
    from teleservices.core import clock

    return clock.local(moment)


def school_day_start(day: dt.date) -> dt.datetime:
    """The first moment of a school day, as a UTC moment (to compare with stored ones)."""
    from teleservices.core import clock

    return dt.datetime.combine(day, dt.time(), clock.FUSEAU).astimezone(dt.timezone.utc)


def plugin_folder(module_file: str, name: str) -> Path:
    """The ``name`` sub-folder (templates, static) of the plugin whose ``__file__`` is given."""
    return Path(module_file).resolve().parent / name


__all__ = [
    "current_language",
    "in_language",
    "format_date",
    "format_number",
    "format_time",
    "gettext",
    "lazy_gettext",
    "ngettext",
    "FAMILIES",
    "GUARDIAN_FIELDS",
    "PUPIL_FIELDS",
    "account_contact",
    "guardian_names",
    "guardians",
    "held_guardians",
    "pupil_record",
    "send_mail",
    "update_guardian_record",
    "update_pupil_record",
    "MOIS",
    "PAR_MOIS",
    "PAR_PERIODE",
    "TOUTES",
    "Filtre",
    "Periode",
    "periods_of",
    "pupil_and_guardians",
    "read_json_list",
    "sql_json_list",
    "sql_true",
    "OpenedAt",
    "per_request",
    "structures_of",
    "filtre",
    "mois_de_l_annee",
    "periode_courante",
    "periode_de",
    "ApiClient",
    "Child",
    "CurrentApiClient",
    "CurrentChild",
    "DemoContext",
    "Etablissement",
    "HomeLink",
    "MenuItem",
    "Notice",
    "ROLE_LABELS",
    "ServiceOption",
    "ServiceSpec",
    "StaffRole",
    "UserType",
    "Viewer",
    "audit",
    "download",
    "establishment",
    "establishment_options",
    "find_pupils",
    "mefs",
    "pupils_by_id",
    "hookimpl",
    "htmx_target",
    "new_private_link",
    "notify",
    "private_link_created",
    "revoke_private_link",
    "labels",
    "now",
    "staff_establishment",
    "staff_guard",
    "pdf_document",
    "portal_url",
    "periods",
    "plugin_folder",
    "pupil_structures",
    "pupil_teaching_team",
    "pupils_of_establishment",
    "pupils_of_structure",
    "read_date",
    "render",
    "school_day_start",
    "school_time",
    "save_establishment_options",
    "service_options",
    "structures",
    "subjects",
    "teacher_name",
    "teaching_services",
    "today",
    "write_transaction",
]
