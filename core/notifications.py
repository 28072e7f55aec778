"""Notifications from the source (issue 11): a service tells the families that something happened
— new grades published, absences counted, a decision on a fiche request, the enrolment campaign
opened, homework in the cahier de textes — and the core stores, shows and mails it.

- A service declares its types (``ServiceSpec.notifications``) and calls ``notify`` (the facade)
  inside the transaction of its change. :func:`emit` finds in one query every account that may
  see the pupil and the service — the home screen's rule: the service's audiences, opened by the
  establishment that offers it, not a pupil whose follow-up access was removed for a national
  service, not a pupil who left — stores one row per account and pupil in a second, and puts the
  immediate mails in the outbox in a third, all in the caller's transaction.
- Each account chooses per type how it is mailed (``NotificationPreference``): « aucun »,
  « immediat » or, by default, « resume_quotidien »: the portal always shows every notification,
  and one mail a day sums up the new ones. The choice (« aucun » without a confirmed address) is
  copied to each notification when it is emitted.
- ``teleservices notifications digest`` (a daily timer) mails each account, once, everything of
  « resume_quotidien » not mailed yet: one UPDATE claims the rows, so that a digest run twice, or
  two at once, never mails a notification twice.
- The « Notifications » page lists them newest first, per child, each linked to the page
  concerned through ``/notifications/<id>`` (which marks it read); the header's badge counts the
  unread ones, read in the session's own query (``sessions.VIEWER_SQL``): no query of its own.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment
from litestar import Request, Response, get, post
from litestar.enums import MediaType
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.response import Redirect

from teleservices.core import clock, i18n
from teleservices.core.api import Child, Notice, ServiceSpec, UserType, Viewer
from teleservices.core.db import write_transaction
from teleservices.core.family import children_of
from teleservices.core.guards import login_required, viewer_of
from teleservices.core.identity.mail import compose
from teleservices.core.plugins import Plugins
from teleservices.core.rendering import catalogs_for, is_fragment_request, make_environment, render
from teleservices.core.settings import Settings
from teleservices.core.tables import Courriel, Notification, NotificationPreference

log = logging.getLogger(__name__)

AUCUN, IMMEDIAT, RESUME = "aucun", "immediat", "resume_quotidien"
# The e-mail channels, as « gérer son compte » offers them.
CANAUX = {
    AUCUN: i18n.lazy_gettext("Pas de courriel"),
    IMMEDIAT: i18n.lazy_gettext("Un courriel à chaque notification"),
    RESUME: i18n.lazy_gettext("Un courriel par jour qui les résume"),
}
PAR_DEFAUT = RESUME
TITRE_MAX, LIEN_MAX = 200, 300
# Rows of one INSERT, parameters of one IN (…): well under SQLite's and PostgreSQL's limits.
CHUNK = 500
PAGE_MAX = 100  # the newest notifications the page shows
RESUME_MAX = 50  # the lines of one digest mail; the others are on the page
MAIL_IMMEDIAT = "notifications/mails/immediat.txt"
MAIL_RESUME = "notifications/mails/resume.txt"
PREFERENCES = "/compte#notifications"


# --- the types the services declare -----------------------------------------------------------------


@dataclass(frozen=True)
class NotificationType:
    """A type of notification a service declared: « notes.publiees », its label, its service."""

    key: str
    label: str
    service: ServiceSpec


def declared_types(services: dict[str, ServiceSpec]) -> dict[str, NotificationType]:
    """Every declared type, in the services' order, then their declarations' (checked at start-up)."""
    return {kind: NotificationType(kind, label, spec) for spec in services.values() for kind, label in spec.notifications}


def canal_effectif(choisi: str | None, adresse_confirmee: bool) -> str:
    """How a notification is mailed: the account's choice for its type (the default when it made
    none or an unknown one), never at all without a confirmed address."""
    if not adresse_confirmee:
        return AUCUN
    return choisi if choisi in CANAUX else PAR_DEFAUT


def lien_de(modele: str, eleve_id: int) -> str:
    """The link of one pupil's notification: « {eleve} » in the model is the pupil's id."""
    return modele.replace("{eleve}", str(eleve_id))


def chemin_local(lien: str) -> bool:
    """A path of the portal, never another site (the page redirects there)."""
    return (
        lien.startswith("/") and not lien.startswith("//") and "\\" not in lien and len(lien) <= LIEN_MAX
        and not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in lien)
    )


# --- the portal a notification is emitted in --------------------------------------------------------


@dataclass(frozen=True)
class Portal:
    settings: Settings
    plugins: Plugins
    env: Environment
    catalogs: i18n.Catalogs


_loaded: dict[str, Any] = {}


def remember(settings: Settings, plugins: Plugins) -> None:
    """The portal loaded last in this process (``load_plugins``): ``notify`` without a request
    (a command, a job) emits there."""
    _loaded.clear()
    _loaded.update(settings=settings, plugins=plugins)


def portal_of(request: Any) -> Portal:
    if request is not None:
        state = request.app.state
        return Portal(state.settings, state.plugins, state.jinja, state.catalogs)
    if "plugins" not in _loaded:
        raise RuntimeError("Aucun portail chargé : notify(None, …) s'appelle après load_plugins().")
    if "env" not in _loaded:
        _loaded["env"] = make_environment(_loaded["settings"].theme, _loaded["plugins"])
        _loaded["catalogs"] = catalogs_for(_loaded["settings"].theme, _loaded["plugins"])
    return Portal(_loaded["settings"], _loaded["plugins"], _loaded["env"], _loaded["catalogs"])


def _url(settings: Settings, path: str) -> str:
    return f"{settings.base_url.rstrip('/')}{path}"


# --- emitting ------------------------------------------------------------------------------------------------

# Who gets a notification of a service about some pupils: the home screen's rule, in one query.
# The placeholders of the optional parts are added by ``_fanout``.
FANOUT_SQL = """
SELECT DISTINCT c.id AS compte, c.mel, c.mel_verifie, c.langue, e.id AS eleve, e.prenom, e.nom_de_famille, p.canal
FROM compte_eleve ce
JOIN compte c ON c.id = ce.compte
JOIN eleve e ON e.id = ce.eleve
JOIN service_activation sa ON sa.etablissement = {etablissement} AND sa.service = {{}} AND sa.ouvert = {{}}
LEFT JOIN notification_preference p ON p.compte = c.id AND p.type = {{}}
WHERE ce.eleve IN ({eleves}) AND c.etat = {{}} AND c.type IN ({types})
  AND (e.date_sortie IS NULL OR e.date_sortie > {{}}){national}{comptes}
ORDER BY c.id, e.id
"""


def _placeholders(values: list[Any]) -> str:
    return ", ".join("{}" for _ in values)


async def _fanout(spec: ServiceSpec, kind: str, eleves: list[int], offered_by: int | None,
                  comptes: list[int] | None) -> list[dict[str, Any]]:
    types = sorted(t.value for t in spec.audiences if t != UserType.PERSONNEL)
    if not types:
        return []
    args: list[Any] = [offered_by] if offered_by is not None else []
    args += [spec.key, True, kind, *eleves, "actif", *types, clock.now().date()]
    national = ""
    if spec.national:  # guide 1.2: a pupil whose access was removed loses the follow-up services
        national = "\n  AND NOT (c.type = {} AND e.acces_suivi_retire = {})"
        args += [UserType.ELEVE.value, True]
    only = ""
    if comptes is not None:
        only = f"\n  AND c.id IN ({_placeholders(comptes)})"
        args += comptes
    sql = FANOUT_SQL.format(
        etablissement="{}" if offered_by is not None else "e.etablissement",
        eleves=_placeholders(eleves), types=_placeholders(types), national=national, comptes=only,
    )
    return list(await Notification.raw(sql, *args))


async def emit(request: Any, eleve_id: int | Iterable[int], kind: str, titre: str, lien: str = "", *,
               offered_by: int | None = None, accounts: Iterable[int] | None = None,
               mailed: Iterable[int] = ()) -> list[Notice]:
    """``notify`` of the facade (its docstring says the rules)."""
    portal = portal_of(request)
    declared = declared_types(portal.plugins.services).get(kind)
    if declared is None:
        raise ValueError(f"Type de notification non déclaré : {kind!r} (ServiceSpec.notifications)")
    spec = declared.service
    if spec.offered_by is not None and offered_by is None:
        raise ValueError(f"Le service « {spec.key} » est offert par un autre établissement : précisez offered_by.")
    titres = _titles(titre, portal.catalogs)
    if not titres[i18n.DEFAULT_LANGUAGE]:
        raise ValueError("Une notification a un titre.")
    modele = lien or (f"/eleves/{{eleve}}/{spec.key}/" if spec.routes else "/eleves/{eleve}/")
    if not chemin_local(lien_de(modele, 0)):
        raise ValueError(f"Le lien d'une notification est une page du portail (« /eleves/… ») : {modele!r}")
    eleves = sorted({eleve_id} if isinstance(eleve_id, int) else {int(e) for e in eleve_id})
    comptes = None if accounts is None else sorted({int(c) for c in accounts})
    if not eleves or comptes == []:
        return []
    rows: list[dict[str, Any]] = []
    for part in _chunks(eleves):
        rows += await _fanout(spec, kind, part, offered_by, comptes)
    if not rows:
        return []
    deja = set(mailed)
    now = clock.now()
    prepared = []
    for row in rows:
        canal = canal_effectif(row["canal"], bool(row["mel"]) and bool(row["mel_verifie"]))
        told = row["compte"] in deja
        prepared.append((row, canal, now if told or canal == IMMEDIAT else None, not told and canal == IMMEDIAT))
    ids: dict[tuple[int, int], int] = {}
    for part in _chunks(prepared):
        stored = await Notification.insert(*(
            Notification(compte=row["compte"], eleve=row["eleve"], type=kind, titre=_title_for(titres, row),
                         titres=titres,
                         lien=lien_de(modele, row["eleve"]), canal=canal, cree_le=now, envoyee_le=envoyee)
            for row, canal, envoyee, _ in part
        )).returning(Notification.id, Notification.compte, Notification.eleve)
        ids.update({(r["compte"], r["eleve"]): r["id"] for r in stored})
    notices = [
        Notice(id=ids[(row["compte"], row["eleve"])], compte_id=row["compte"], eleve_id=row["eleve"], type=kind,
               titre=_title_for(titres, row), lien=lien_de(modele, row["eleve"]), canal=canal)
        for row, canal, _, _ in prepared
    ]
    mails = [
        _immediate_mail(portal, declared, notice, row)
        for (row, _, _, mail), notice in zip(prepared, notices) if mail
    ]
    for part in _chunks(mails):
        await Courriel.insert(*part)
    await _tell_plugins(portal.plugins, notices)
    return notices


def _titles(titre: Any, catalogs: i18n.Catalogs) -> dict[str, str]:
    """The title in each language: a lazy string (``lazy_gettext``) is written in each one, a
    plain string is the same in all."""
    titles = {}
    for language in i18n.LANGUAGES:
        with i18n.use_language(language, catalogs):
            titles[language] = " ".join(str(titre).split())[:TITRE_MAX]
    return titles


def _title_for(titles: dict[str, str], row: dict[str, Any]) -> str:
    """What the account reads: the title in the language it chose (French if none: a notification
    is written before anyone reads it, and the account's browser is not known then)."""
    return titles.get(row["langue"] or i18n.DEFAULT_LANGUAGE, titles[i18n.DEFAULT_LANGUAGE])


def _immediate_mail(portal: Portal, declared: NotificationType, notice: Notice, row: dict[str, Any]) -> Courriel:
    with i18n.use_language(row["langue"] or i18n.DEFAULT_LANGUAGE, portal.catalogs):
        sujet, corps = compose(
            portal.env, MAIL_IMMEDIAT, titre=notice.titre, type_libelle=str(declared.label),
            service=str(declared.service.label), eleve=f"{row['prenom']} {row['nom_de_famille']}",
            prenom=row["prenom"], lien=_url(portal.settings, f"/notifications/{notice.id}"),
            preferences=_url(portal.settings, PREFERENCES),
        )
    return Courriel(destinataire=row["mel"], sujet=sujet, corps=corps, cree_le=clock.now(), prochain_essai=clock.now())


async def _tell_plugins(plugins: Plugins, notices: list[Notice]) -> None:
    """Hook ``notified``: each plugin that delivers through another channel; one that raises is
    logged and left out (the notifications stay)."""
    for impl in plugins.pm.hook.notified.get_hookimpls():
        try:
            result = impl.function(**{name: {"notices": notices}[name] for name in impl.argnames})
            if inspect.isawaitable(result):
                await result
        except Exception:
            log.exception("Le plugin « %s » a échoué dans notified ; sa distribution est omise", impl.plugin_name)


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


# --- the daily digest --------------------------------------------------------------------------------------

# Claimed in one statement: a concurrent digest skips what this one took.
CLAIM_SQL = """
UPDATE notification SET envoyee_le = {}
WHERE envoyee_le IS NULL AND canal = {} AND cree_le <= {}
RETURNING id, compte, eleve, type, titre, titres, cree_le
"""
# The accounts of the claimed notifications, with the children they may still see.
RECIPIENTS_SQL = """
SELECT ce.compte, ce.eleve, c.mel, c.mel_verifie, c.etat, c.langue, e.prenom, e.nom_de_famille, e.date_sortie
FROM compte_eleve ce JOIN compte c ON c.id = ce.compte JOIN eleve e ON e.id = ce.eleve
WHERE ce.compte IN ({})
"""


@dataclass
class Resume:
    """One account's digest: its address and its notifications, per child."""

    mel: str
    langue: str = i18n.DEFAULT_LANGUAGE  # the account's: its digest is written in it
    enfants: dict[int, str] = field(default_factory=dict)  # eleve id -> « Léa DUPONT »
    notifications: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # per eleve id

    @property
    def nombre(self) -> int:
        return sum(len(items) for items in self.notifications.values())


def as_moment(value: Any) -> dt.datetime:
    """A timestamp as a raw query gives it back (a datetime, or text on SQLite), in UTC."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def as_day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def batches(claimed: list[dict[str, Any]], recipients: list[dict[str, Any]], today: dt.date) -> dict[int, Resume]:
    """The digests to mail, per account, from the claimed notifications: only to an active
    account with a confirmed address, and only about a child it may still see (linked, not
    left); newest last within each child, children in the order of their first notification."""
    links: dict[int, dict[int, dict[str, Any]]] = {}
    for row in recipients:
        links.setdefault(row["compte"], {})[row["eleve"]] = row
    resumes: dict[int, Resume] = {}
    for item in sorted(claimed, key=lambda r: (as_moment(r["cree_le"]), r["id"])):
        link = links.get(item["compte"], {}).get(item["eleve"])
        if link is None or link["etat"] != "actif" or not link["mel"] or not link["mel_verifie"]:
            continue
        left = as_day(link["date_sortie"])
        if left is not None and left <= today:
            continue
        resume = resumes.setdefault(item["compte"], Resume(mel=link["mel"], langue=link.get("langue") or i18n.DEFAULT_LANGUAGE))
        resume.enfants.setdefault(item["eleve"], f"{link['prenom']} {link['nom_de_famille']}")
        resume.notifications.setdefault(item["eleve"], []).append(item)
    return resumes


async def digest(settings: Settings, plugins: Plugins, env: Environment | None = None) -> tuple[int, int]:
    """Mail each account the notifications of its daily digest not mailed yet, one mail per
    account, in the outbox (the sender delivers them). Returns (mails, notifications mailed)."""
    env = env or make_environment(settings.theme, plugins)
    catalogs = catalogs_for(settings.theme, plugins)
    types = {kind: t.label for kind, t in declared_types(plugins.services).items()}
    now = clock.now()
    async with write_transaction():
        claimed = list(await Notification.raw(CLAIM_SQL, now, RESUME, now))
        comptes = sorted({row["compte"] for row in claimed})
        recipients: list[dict[str, Any]] = []
        for part in _chunks(comptes):
            recipients += await Notification.raw(RECIPIENTS_SQL.format(_placeholders(part)), *part)
        resumes = batches(claimed, recipients, now.date())
        mails = []
        for resume in resumes.values():
            with i18n.use_language(resume.langue, catalogs):
                mails.append(_digest_mail(env, settings, resume, types, now))
        for part in _chunks(mails):
            await Courriel.insert(*part)
    return len(mails), sum(resume.nombre for resume in resumes.values())


def _moment(local: dt.datetime) -> str:
    """« 12/03 à 10:15 », « 12/03 at 10:15 »: when a notification came, in the digest's language."""
    return i18n.gettext("%(date)s à %(heure)s", date=i18n.format_date(local, "dd/MM"), heure=local.strftime("%H:%M"))


def _digest_mail(env: Environment, settings: Settings, resume: Resume, types: dict[str, str],
                 now: dt.datetime) -> Courriel:
    shown, left = [], RESUME_MAX
    for eleve_id, items in resume.notifications.items():
        lines = [{
            "quand": _moment(clock.local(as_moment(item["cree_le"]))),
            "type": types.get(item["type"], ""), "titre": title_read(item),
            "lien": _url(settings, f"/notifications/{item['id']}"),
        } for item in items[:max(left, 0)]]
        left -= len(lines)
        if lines:
            shown.append((resume.enfants[eleve_id], lines))
    sujet, corps = compose(
        env, MAIL_RESUME, enfants=shown, nombre=resume.nombre, autres=resume.nombre - min(resume.nombre, RESUME_MAX),
        jour=i18n.format_date(clock.local(now)), page=_url(settings, "/notifications"),
        preferences=_url(settings, PREFERENCES),
    )
    return Courriel(destinataire=resume.mel, sujet=sujet, corps=corps, cree_le=now, prochain_essai=now)


# --- merging two accounts -----------------------------------------------------------------------------------


async def move(kept: int, merged: int, shared: list[int]) -> None:
    """A parent merges ``merged`` into ``kept`` (in the merge's transaction): its notifications
    follow, except those about the children ``kept`` already sees (it has its own); its
    preferences go with it (the kept account's apply)."""
    if shared:
        await Notification.delete().where((Notification.compte == merged) & Notification.eleve.is_in(shared))
    await Notification.update({Notification.compte: kept}).where(Notification.compte == merged)


# --- the « Notifications » page -------------------------------------------------------------------------------

LIST_SQL = """
SELECT id, eleve, type, titre, titres, lien, cree_le, lue_le FROM notification
WHERE compte = {{}} AND eleve IN ({eleves})
ORDER BY cree_le DESC, id DESC
LIMIT {{}}
"""
MESSAGES = {"lue": i18n.lazy_gettext("La notification est marquée comme lue."),
            "toutes": i18n.lazy_gettext("Toutes les notifications sont marquées comme lues.")}


def family_viewer(request: Request) -> Viewer:
    viewer = viewer_of(request)
    if viewer.type == UserType.PERSONNEL:
        raise PermissionDeniedException(i18n.gettext("Les notifications sont celles des familles : parents et élèves."))
    return viewer


def title_read(row: dict[str, Any]) -> str:
    """The title in the language the page is read in, else the one stored for the account."""
    titres = row.get("titres")
    if isinstance(titres, str):  # a JSON column as a raw query reads it, on both engines
        titres = json.loads(titres or "{}")
    return (titres or {}).get(i18n.current_language()) or row["titre"]


def shown(row: dict[str, Any], types: dict[str, NotificationType]) -> dict[str, Any]:
    """A notification as the page shows it."""
    quand = clock.local(as_moment(row["cree_le"]))
    declared = types.get(row["type"])
    return {
        "id": row["id"], "titre": title_read(row), "lue": row["lue_le"] is not None,
        "type_libelle": declared.label if declared else "",
        "service": declared.service.label if declared else "",
        "quand": i18n.gettext("%(date)s à %(heure)s", date=i18n.format_date(quand), heure=quand.strftime("%H:%M")),
        "iso": quand.isoformat(timespec="minutes"),
    }


def grouped(rows: list[dict[str, Any]], children: list[Child], types: dict[str, NotificationType]) -> list[dict]:
    """Per child (in the order of the account's children), newest first."""
    by_child: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_child.setdefault(row["eleve"], []).append(shown(row, types))
    return [{"child": child, "notifications": by_child[child.id]} for child in children if child.id in by_child]


@get("/notifications", guards=[login_required], name="notifications")
async def centre(request: Request) -> Response:
    """« Notifications »: the newest first, per child; marked read one by one or all at once."""
    viewer = family_viewer(request)
    children = await children_of(viewer)
    ids = [child.id for child in children]
    rows = await Notification.raw(LIST_SQL.format(eleves=_placeholders(ids)), viewer.compte_id, *ids, PAGE_MAX) if ids else []
    types = declared_types(request.app.state.plugins.services)
    groupes = grouped(rows, children, types)
    return render(request, "notifications/centre.html", {
        "groupes": groupes, "non_lues": viewer.notifications_non_lues, "page_max": PAGE_MAX, "nombre": len(rows),
        "message": MESSAGES.get(request.query_params.get("ok") or ""),
    })


async def _own(viewer: Viewer, notification_id: int) -> dict[str, Any]:
    row = await Notification.select(Notification.id, Notification.eleve, Notification.type, Notification.titre,
                                    Notification.titres,
                                    Notification.lien, Notification.cree_le, Notification.lue_le).where(
        (Notification.id == notification_id) & (Notification.compte == viewer.compte_id)).first()
    if row is None:
        raise NotFoundException(i18n.gettext("Notification introuvable."))
    return row


async def _mark_read(viewer: Viewer, notification_id: int) -> bool:
    """Mark it read; whether it was unread."""
    async with write_transaction():
        changed = await Notification.update({Notification.lue_le: clock.now()}).where(
            (Notification.id == notification_id) & (Notification.compte == viewer.compte_id)
            & Notification.lue_le.is_null()).returning(Notification.id)
    return bool(changed)


@get("/notifications/{notification_id:int}", guards=[login_required], name="notification")
async def open_notification(request: Request) -> Response:
    """The link of a notification (on the page, in a mail): marked read, then its page."""
    notification_id = request.path_params["notification_id"]
    viewer = family_viewer(request)
    row = await _own(viewer, notification_id)
    if row["lue_le"] is None:
        await _mark_read(viewer, notification_id)
    target = row["lien"] if chemin_local(row["lien"]) else "/notifications"
    return Redirect(target, status_code=303)


@post("/notifications/{notification_id:int}/lue", guards=[login_required])
async def mark_read(request: Request) -> Response:
    """« marquer comme lue »: for htmx, the notification again and, out of band, the header's
    badge, the « tout marquer comme lu » form and a status for screen readers; else a 303."""
    notification_id = request.path_params["notification_id"]
    viewer = family_viewer(request)
    row = await _own(viewer, notification_id)
    was_unread = await _mark_read(viewer, notification_id)
    if not is_fragment_request(request):
        return Redirect("/notifications?ok=lue", status_code=303)
    non_lues = max(viewer.notifications_non_lues - (1 if was_unread else 0), 0)
    row["lue_le"] = row["lue_le"] or clock.now()
    env: Environment = request.app.state.jinja
    html = env.get_template("notifications/_lue.html").render({
        "n": shown(row, declared_types(request.app.state.plugins.services)), "non_lues": non_lues,
        "csrf_token": request.scope.get("state", {}).get("csrf_token", ""), "message": MESSAGES["lue"],
    })
    return Response(html, status_code=200, media_type=MediaType.HTML,
                    headers={"Vary": "HX-Request", "Cache-Control": "no-store"})


@post("/notifications/lues", guards=[login_required])
async def mark_all_read(request: Request) -> Response:
    """« tout marquer comme lu »."""
    viewer = family_viewer(request)
    async with write_transaction():
        await Notification.update({Notification.lue_le: clock.now()}).where(
            (Notification.compte == viewer.compte_id) & Notification.lue_le.is_null())
    return Redirect("/notifications?ok=toutes", status_code=303)


# --- the preferences, in « gérer son compte » ------------------------------------------------------------------

PREFERENCES_SQL = """
SELECT c.mel, c.mel_verifie, p.type, p.canal
FROM compte c LEFT JOIN notification_preference p ON p.compte = c.id
WHERE c.id = {}
"""
CHOIX_INVALIDE = i18n.lazy_gettext("Choisissez l'une des possibilités proposées.")


def types_for(viewer: Viewer, services: dict[str, ServiceSpec]) -> list[NotificationType]:
    """The types an account may receive: those of the services its type may see."""
    return [t for t in declared_types(services).values() if t.service.visible_to(viewer.type)]


async def preferences(viewer: Viewer, services: dict[str, ServiceSpec], saisis: dict[str, str] | None = None,
                      erreurs: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The preferences' part of « gérer son compte » (None for a staff account): one query."""
    if viewer.type == UserType.PERSONNEL:
        return None
    rows = await NotificationPreference.raw(PREFERENCES_SQL, viewer.compte_id)
    chosen = {row["type"]: row["canal"] for row in rows if row["type"]}
    types = types_for(viewer, services)
    return {
        "types": [{"key": t.key, "label": t.label, "service": t.service.label,
                   "champ": t.key.replace(".", "-").replace("_", "-")} for t in types],
        "choix": {t.key: (saisis or {}).get(t.key) or (chosen.get(t.key) if chosen.get(t.key) in CANAUX else PAR_DEFAUT)
                  for t in types},
        "canaux": list(CANAUX.items()),
        "adresse": bool(rows and rows[0]["mel"] and rows[0]["mel_verifie"]),
        "erreurs": erreurs or {},
    }


@post("/compte/notifications", guards=[login_required], name="compte-notifications")
async def save_preferences(request: Request) -> Response:
    """One form: per type, its e-mail channel. Only a choice other than the default is stored; a
    type now « aucun » leaves the next digest."""
    viewer = family_viewer(request)
    form = await request.form()
    types = types_for(viewer, request.app.state.plugins.services)
    saisis = {t.key: str(form.get(t.key) or "").strip() for t in types if form.get(t.key) is not None}
    erreurs = {key: CHOIX_INVALIDE for key, value in saisis.items() if value not in CANAUX}
    if erreurs:
        from teleservices.core.views import account_context

        context = await account_context(request, notifications=await preferences(
            viewer, request.app.state.plugins.services, saisis, erreurs))
        return render(request, "compte.html", context, status_code=422)
    async with write_transaction():
        if saisis:
            await NotificationPreference.delete().where(
                (NotificationPreference.compte == viewer.compte_id) & NotificationPreference.type.is_in(list(saisis)))
        kept = [NotificationPreference(compte=viewer.compte_id, type=key, canal=canal)
                for key, canal in saisis.items() if canal != PAR_DEFAUT]
        if kept:
            await NotificationPreference.insert(*kept)
        silenced = [key for key, canal in saisis.items() if canal == AUCUN]
        if silenced:
            await Notification.update({Notification.canal: AUCUN}).where(
                (Notification.compte == viewer.compte_id) & Notification.envoyee_le.is_null()
                & (Notification.canal == RESUME) & Notification.type.is_in(silenced))
    return Redirect("/compte?modification=notifications#notifications", status_code=303)


ROUTES = [centre, open_notification, mark_read, mark_all_read, save_preferences]
