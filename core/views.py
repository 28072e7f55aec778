"""The core's pages: login, logout, the home screen of each child, the account, the help."""

from __future__ import annotations

import inspect
import logging

from litestar import Request, Response, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.response import Redirect

from teleservices.core import notifications, sessions
from teleservices.core.identity import throttle
from teleservices.core.api import Child, HomeLink, ServiceSpec, StaffRole, UserType, Viewer
from teleservices.core.family import children_of, offered_services, opened_services, visible_services
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.guards import (
    ESTABLISHMENT_MANAGERS, ChooseEstablishment, family_guard, login_required, session_required, viewer_of,
)
from teleservices.core.rendering import navigate, render
from teleservices.core.security import check_password_async, hash_password_async, needs_rehash
from teleservices.core.tables import Compte

log = logging.getLogger("teleservices.auth")
plugin_log = logging.getLogger("teleservices.plugins")

LOGIN_FAILED = _l("Identifiant ou mot de passe incorrect.")


def safe_next(target: str | None) -> str:
    """Only a path of this site: never an open redirect to another host.

    Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"), so any blank or
    control character makes the target unsafe too.
    """
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target)
    ):
        return target
    return "/"


@get("/connexion", name="connexion")
async def login_form(request: Request) -> Response:
    suivant = request.query_params.get("suivant")
    if request.scope.get("user") is not None:
        return Redirect(safe_next(suivant))
    return render(request, "connexion.html", {"suivant": safe_next(suivant), "identifiant": ""})


@post("/connexion")
async def login(request: Request) -> Response:
    form = await request.form()
    identifiant = (form.get("identifiant") or "").strip().lower()
    password = form.get("mot_de_passe") or ""
    suivant = safe_next(form.get("suivant"))
    client = sessions.client_address(request)

    def refused(message: str) -> Response:
        return render(request, "connexion.html", {"suivant": suivant, "identifiant": identifiant, "erreur": message})

    wait = await throttle.seconds_to_wait(identifiant, client)
    if wait:
        log.info("connexion différée (%d s) pour un client trop insistant", wait)
        return refused(throttle.wait_message(wait))
    compte = await Compte.select(Compte.id, Compte.mot_de_passe, Compte.etat).where(
        Compte.identifiant == identifiant
    ).first()
    # The hash is checked even for an unknown or disabled account: same answer, same time.
    ok = await check_password_async(compte["mot_de_passe"] if compte else None, password)
    if not ok or compte is None or compte["etat"] == "desactive":
        await throttle.failed(identifiant, client)
        log.info("connexion refusée pour un identifiant (%d caractères)", len(identifiant))
        return refused(LOGIN_FAILED)
    await throttle.succeeded(identifiant, client)
    if needs_rehash(compte["mot_de_passe"]):
        hashed = await hash_password_async(password)
        await Compte.update({Compte.mot_de_passe: hashed}).where(Compte.id == compte["id"])
    log.info("connexion réussie : compte %s", compte["id"])
    return await sessions.sign_in(request, compte["id"], suivant)


@post("/deconnexion", guards=[session_required])
async def logout(request: Request) -> Response:
    token = request.scope["state"].get("session_token")
    if token:
        await sessions.close_session(token)
    response = navigate(request, "/connexion?deconnecte=1")
    response.delete_cookie(sessions.SESSION_COOKIE, path="/")
    # A shared family device keeps nothing of this account: the browser empties its caches and
    # storage, the service worker's kept pages included (and the next page tells the worker too).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@get("/", guards=[login_required], name="accueil")
async def home(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer.type == UserType.PERSONNEL:
        return await staff_home(request)
    children = await children_of(viewer)
    if not children:
        return render(request, "sans_eleve.html")
    return Redirect(f"/eleves/{children[0].id}/")


# The staff home's entries for the head and the academy administrator: (label, page, what for).
MANAGER_PAGES = [
    (_l("Administration Téléservices"), "/administration/services",
     _l("Ouvrir ou fermer les services en ligne, leurs options, le message d'accueil des familles.")),
    (_l("Gérer les comptes des familles"), "/administration/comptes",
     _l("Créer les comptes, imprimer les courriers, traiter les coupons de refus.")),
    (_l("Import SIECLE"), "/administration/import", _l("Importer les élèves, responsables et enseignants depuis SIECLE.")),
    (_l("Clés d'API"), "/administration/api", _l("Les clés des logiciels de l'établissement qui transmettent des données.")),
    (_l("Journal des actions"), "/administration/journal", _l("Qui a fait quoi, quand et depuis où.")),
    (_l("Personnels"), "/administration/personnels", _l("Les comptes des personnels de l'établissement et leurs rôles.")),
]
STAFF_MESSAGES = {"etablissement": _l("Vous travaillez désormais sur cet établissement.")}


def staff_pages(services: dict[str, ServiceSpec], role: StaffRole) -> list[tuple[str, str, str]]:
    """The entries of the staff home this role may use: everything for the head and the
    academy administrator, the services' own staff pages for the other roles."""
    managers = role in ESTABLISHMENT_MANAGERS
    own = [
        (spec.label, f"/administration/{spec.key}", spec.description)
        for spec in services.values()
        if spec.staff_routes and (managers or role in spec.staff_roles)
    ]
    return (MANAGER_PAGES if managers else []) + own


async def staff_home(request: Request) -> Response:
    viewer = viewer_of(request)
    if viewer.role is None:
        raise PermissionDeniedException(
            _("Ce compte de personnel n'a pas de rôle : demandez au chef d'établissement de vous en donner un.")
        )
    if viewer.etablissement_id is None:
        raise ChooseEstablishment(_("Choisissez d'abord un établissement."))
    services = request.app.state.plugins.services
    managers = viewer.role in ESTABLISHMENT_MANAGERS
    return render(request, "personnel.html", {
        "pages": staff_pages(services, viewer.role),
        "role": viewer.role.label,
        "message": STAFF_MESSAGES.get(request.query_params.get("ok") or ""),
        # The head sees at a glance which services the families have (not the staff tools, such
        # as the links' pages, which no family opens).
        "services": [spec for spec in services.values() if spec.audiences] if managers else [],
        "opened": await opened_services(viewer.etablissement_id) if managers else {},
    })


WEB_ADDRESS = ("https://", "http://")


async def home_links(request: Request, viewer: Viewer, child: Child) -> list[HomeLink]:
    """The links every plugin adds to the child's home screen (hook ``home_links``), by order
    then label. A plugin that fails is logged with its name and its links are left out; a link
    that is not a web address (``javascript:``...) is left out too."""
    links: list[HomeLink] = []
    for impl in request.app.state.plugins.pm.hook.home_links.get_hookimpls():
        args = {"viewer": viewer, "child": child}
        try:
            result = impl.function(**{name: args[name] for name in impl.argnames})
            if inspect.isawaitable(result):
                result = await result
            found = list(result or [])
        except Exception:
            plugin_log.exception("Le plugin « %s » a échoué dans home_links ; ses liens sont omis", impl.plugin_name)
            continue
        for link in found:
            if isinstance(link, HomeLink) and link.url.lower().startswith(WEB_ADDRESS):
                links.append(link)
            else:
                plugin_log.warning("Le plugin « %s » a donné un lien d'accueil invalide ; il est omis", impl.plugin_name)
    return sorted(links, key=lambda link: (link.order, str(link.label)))


@get("/eleves/{eleve_id:int}/", guards=[family_guard], name="eleve")
async def child_home(request: Request) -> Response:
    """Guide 3.1: only the services the establishment opened and this user type may see; then
    the plugins' links (the ENT...), kept for a pupil whose follow-up access was removed."""
    child = request.state.child
    viewer = viewer_of(request)
    opened = await offered_services(request.app.state.plugins.services, child)
    services = visible_services(request.app.state.plugins.services, viewer, child, opened)
    return render(request, "eleve.html", {
        "child": child,
        "children": request.state.children,
        "services": services,
        "links": await home_links(request, viewer, child),
    })


@get("/compte", guards=[login_required], name="compte")
async def account(request: Request) -> Response:
    return render(request, "compte.html", await account_context(request))


async def account_context(request: Request, **extra: object) -> dict[str, object]:
    """What « gérer son compte » shows: the account, its children, its notifications' preferences
    (``extra`` replaces a part: a refused form of preferences, as typed)."""
    viewer = viewer_of(request)
    compte = await Compte.select(Compte.identifiant, Compte.mel, Compte.type).where(
        Compte.id == viewer.compte_id
    ).first()
    context: dict[str, object] = {"compte": compte, "children": await children_of(viewer)}
    if "notifications" not in extra:
        context["notifications"] = await notifications.preferences(viewer, request.app.state.plugins.services)
    return {**context, **extra}


@get("/aide", name="aide")
async def help_page(request: Request) -> Response:
    return render(request, "aide.html", {"services": list(request.app.state.plugins.services.values())})


CORE_ROUTES = [login_form, login, logout, home, child_home, account, help_page, *notifications.ROUTES]
