"""The app factory: ``create_app(settings)`` composes the portal from the core and its plugins."""

from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, quote

from litestar import Litestar, Request, Response, Router
from litestar.config.app import AppConfig
from litestar.config.compression import CompressionConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.di import Provide
from litestar.enums import MediaType
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.middleware.compression import CompressionMiddleware
from litestar.plugins import InitPluginProtocol
from litestar.static_files import create_static_files_router
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine

from teleservices.core.api import Child
from teleservices.core.apiv1 import is_api_path, pages as api_pages
from teleservices.core.apparence import ROUTES as APPARENCE_ROUTES
from teleservices.core.apiv1.routes import STATUS_DETAILS as API_STATUS_DETAILS, api_error, api_router, openapi_config
from teleservices.core.db import bind, engine_from_url
from teleservices.core.administration import ROUTES as ADMINISTRATION_ROUTES
from teleservices.core.i18n import gettext as _, lazy_gettext as _l
from teleservices.core.guards import ChooseEstablishment, FirstConnectionRequired, service_guard, staff_guard
from teleservices.core.private_links import feed_routers
from teleservices.core import pwa
from teleservices.core.identity.mail import sender_loop
from teleservices.core.identity.routes import identity_routes
from teleservices.core.middleware import SessionMiddleware
from teleservices.core.plugins import PluginFailure, Plugins, all_tables, load_plugins, summary
from teleservices.core.rendering import (
    StaticUrls, catalogs_for, is_fragment_request, make_environment, navigate, render, static_folders,
)
from teleservices.core.sessions import SessionStoreMiddleware, make_store
from teleservices.core.settings import Settings
from teleservices.core.siecle.web import ROUTES as SIECLE_ROUTES
from teleservices.core.views import CORE_ROUTES

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; "
        "frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] == "http.response.start":
        headers = message.setdefault("headers", [])
        present = {name.lower() for name, _ in headers}
        for name, value in SECURITY_HEADERS.items():
            if name.encode() not in present:
                headers.append((name.encode(), value.encode()))


def current_child(request: Request) -> Child:
    """Dependency for service handlers: the child the guard has checked."""
    return request.state.child


def service_routers(plugins: Plugins) -> list[Router]:
    return [
        Router(
            path=f"/eleves/{{eleve_id:int}}/{key}",
            route_handlers=list(spec.routes),
            guards=[service_guard],
            opt={"service_key": key},
            dependencies={"child": Provide(current_child, sync_to_thread=False)},
        )
        for key, spec in plugins.services.items()
        if spec.routes
    ]


def staff_routers(plugins: Plugins) -> list[Router]:
    """Each service's staff pages, under ``/administration/{key}``, for the roles it names.
    (A key that is one of the core's own paths there is refused at start-up, in plugins.py.)"""
    return [
        Router(
            path=f"/administration/{key}",
            route_handlers=list(spec.staff_routes),
            guards=[staff_guard(*spec.staff_roles)],
            opt={"service_key": key},
        )
        for key, spec in plugins.services.items()
        if spec.staff_routes
    ]


def static_routers(settings: Settings, plugins: Plugins) -> list[Router]:
    # /static/theme/… is the theme's file, or the default theme's when the theme has none;
    # /static/vendor/… the front-end packages (htmx). The same folders as the templates' static().
    folders = static_folders(settings.theme, plugins)
    cache_headers = static_cache_headers(StaticUrls(folders))
    return [
        create_static_files_router(
            path=f"/static/{name}", directories=paths, name=f"static-{name}", resolve_symlinks=False,
            middleware=[cache_headers],
        )
        for name, paths in folders.items()
    ]


# A static file asked at its versioned address (``static()`` in the templates: ``?v=`` and the
# digest of its content) never changes: browsers keep it a year without asking again. Any other
# address (no ``v``, or an old or unknown digest: a page of another deployment) is revalidated.
IMMUTABLE = b"public, max-age=31536000, immutable"
REVALIDATE = b"no-cache"


def static_cache_headers(urls: StaticUrls) -> Any:
    """Middleware of the static routers: the ``Cache-Control`` of a static file's answer."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def with_cache_control(scope: Scope, receive: Receive, send: Send) -> None:
            async def send_with_header(message: Message) -> None:
                if message["type"] == "http.response.start" and message["status"] < 400:
                    asked = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"))).get("v")
                    current = urls.digest(scope["path"].removeprefix("/static/")) if asked else ""
                    headers = MutableScopeHeaders.from_message(message)
                    headers["cache-control"] = (IMMUTABLE if asked and asked == current else REVALIDATE).decode()
                await send(message)

            await app(scope, receive, send_with_header)

        return with_cache_control

    return middleware


# What is worth compressing: text (pages, htmx fragments, CSS, JavaScript, CSV), SVG, JSON and
# the manifest. Images, PDF letters and fonts are compressed already.
COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/manifest+json",
                "application/xml", "image/svg+xml", "application/problem+json", "application/vnd.oai.openapi+json")


def compressible(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind.startswith(COMPRESSIBLE[0]) or kind in COMPRESSIBLE[1:]


class TextCompression(CompressionMiddleware):
    """Litestar's gzip, for the types above only, and saying ``Vary: Accept-Encoding`` on each of
    them, compressed or not (a shared cache must not give a gzip answer to a client without
    gzip). A compressed answer's ETag becomes weak: its bytes are not the file's."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                if compressible(headers.get("content-type", "")):
                    vary = headers.get("vary", "")
                    if "accept-encoding" not in vary.lower():
                        headers["vary"] = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
                etag = headers.get("etag")
                if headers.get("content-encoding") and etag and not etag.startswith("W/"):
                    headers["etag"] = "W/" + etag
            await send(message)

        await super().__call__(scope, receive, send_with_vary)

    def create_compression_send_wrapper(self, send: Send, compression_encoding: Any, scope: Scope) -> Send:
        compressing = super().create_compression_send_wrapper(send, compression_encoding, scope)
        target = send

        async def send_compressed_if_text(message: Message) -> None:
            nonlocal target
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                text = compressible(headers.get("content-type", "")) and "content-encoding" not in headers
                target = compressing if text else send
            await target(message)

        return send_compressed_if_text


# gzip level 6 (zlib's default): nearly level 9's size for about half its time. An answer under
# 500 bytes is sent as is (gzip's own 20 bytes and the work are not worth it).
COMPRESSION = CompressionConfig(backend="gzip", minimum_size=500, gzip_compress_level=6, middleware_class=TextCompression)


def error_page(request: Request, exc: Exception) -> Response:
    """Error pages in the page's language; an anonymous visitor is sent to the login page instead.
    The API answers in JSON. A service that fails has its own error page (``service_error_page``)."""
    at_fault = failing_service(request, exc)
    if at_fault is not None:
        return service_error_page(request, exc, *at_fault)
    if is_api_path(request.url.path):
        return api_error(request, exc)
    if isinstance(exc, FirstConnectionRequired):
        return navigate(request, "/premiere-connexion")
    if isinstance(exc, ChooseEstablishment):
        return navigate(request, "/administration/etablissements")
    if isinstance(exc, NotAuthorizedException):
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return navigate(request, f"/connexion?suivant={quote(here, safe='/')}")
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 500:
        log.exception("Erreur interne sur %s", logged_path(request), exc_info=exc)
    detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else ""
    if detail == _phrase(status):  # the framework's own English words
        detail = FRAMEWORK_DETAILS.get(status, "")
    return render(request, "erreur.html", {"status": status, "detail": detail}, status_code=status)


def failing_service(request: Request, exc: Exception) -> tuple[str, str] | None:
    """(service key, plugin name) when ``exc`` is a failure of a plugin's service: a
    :class:`PluginFailure` naming one (its ``offered_by`` raised), or a 5xx (any exception that
    is not an HTTP refusal) out of a route the service mounted — its family pages, staff pages,
    feeds or API endpoints, whose routers carry its key in ``opt``. A 4xx the service raised on
    purpose (« introuvable ») keeps the ordinary error page."""
    plugins: Plugins = request.app.state.plugins
    if isinstance(exc, PluginFailure):
        key = exc.service
    elif isinstance(exc, HTTPException) and exc.status_code < 500:
        return None
    else:
        opt = getattr(request.scope.get("route_handler"), "opt", None) or {}
        key = opt.get("service_key") or opt.get("api_scope")
    if key not in plugins.services:
        return None
    return key, plugins.service_owner[key]


# Path parameters that are secrets (a private link's token): never written to the log.
SECRET_PARAMETERS = frozenset({"jeton", "token"})


def logged_path(request: Request) -> str:
    """The request's path for the log: no query string, no secret path parameter."""
    path = request.url.path
    for name, value in (request.scope.get("path_params") or {}).items():
        if name in SECRET_PARAMETERS and str(value):
            path = path.replace(str(value), "…")
    return path


def service_error_page(request: Request, exc: Exception, key: str, plugin: str) -> Response:
    """One service failed: its error page names it, says the others still work and links back
    to the child's home (family pages) or the portal's home (staff pages); the API answers its
    usual JSON 500. Logged as an ERROR naming the plugin, the method and the path.

    htmx 2 drops a 5xx answer (the layout's ``responseHandling``): an htmx request gets the same
    page with status 200, so that the family sees it (a fragment request into ``#page``); the
    address loaded directly answers 500."""
    plugins: Plugins = request.app.state.plugins
    spec = plugins.services[key]
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    path = logged_path(request)
    if getattr(exc, "logged", False):  # the cause was logged with its traceback where it was caught
        log.error("Le plugin « %s » : le service « %s » répond par une page d'erreur sur %s %s",
                  plugin, key, request.method, path)
    else:
        log.error("Le plugin « %s » a échoué sur %s %s (service « %s ») : %s",
                  plugin, request.method, path, key, summary(exc), exc_info=exc)
    if is_api_path(request.url.path):
        return Response({"status_code": status, "detail": API_STATUS_DETAILS[500]}, status_code=status,
                        media_type="application/json")
    child = getattr(request.state, "child", None)
    if request.url.path.startswith("/administration/") or child is None:
        back, back_label = "/", _("Retour à l'accueil")
    else:
        back, back_label = f"/eleves/{child.id}/", _("Retour aux services de %(prenom)s", prenom=child.prenom)
    context = {"service": spec.label, "retour": back, "retour_libelle": back_label}
    htmx = request.headers.get("hx-request") == "true"
    headers = {"HX-Retarget": "#page", "HX-Reswap": "innerHTML"} if is_fragment_request(request) else {}
    try:
        return render(request, "erreur_service.html", context, status_code=200 if htmx else status, headers=headers)
    except Exception:  # a theme's broken layout: still say it, in words
        log.exception("La page d'erreur du service « %s » n'a pas pu être affichée", key)
        return Response(_("Le service « %(service)s » a rencontré une erreur. Les autres services restent disponibles.",
                          service=spec.label), status_code=status, media_type=MediaType.TEXT)


# What the framework refuses by itself, in the page's language (its details are HTTP's English
# phrases, the same whatever the language).
FRAMEWORK_DETAILS = {
    400: _l("La demande est incorrecte."),
    405: _l("Cette action n'est pas possible sur cette page."),
    413: _l("Le fichier envoyé est trop volumineux."),
    415: _l("Ce type de contenu n'est pas accepté."),
}


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class TeleservicesInit(InitPluginProtocol):
    """Composes the app in one place, as litestar-fullstack does."""

    def __init__(self, settings: Settings, plugins: Plugins) -> None:
        self.settings = settings
        self.plugins = plugins

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.route_handlers.extend(CORE_ROUTES)
        app_config.route_handlers.extend(APPARENCE_ROUTES)
        app_config.route_handlers.extend(identity_routes(self.settings))
        app_config.route_handlers.extend(service_routers(self.plugins))
        app_config.route_handlers.extend(ADMINISTRATION_ROUTES)
        app_config.route_handlers.extend(SIECLE_ROUTES)
        app_config.route_handlers.extend(staff_routers(self.plugins))
        app_config.route_handlers.extend(feed_routers(self.plugins))
        app_config.route_handlers.extend(static_routers(self.settings, self.plugins))
        app_config.route_handlers.extend(api_pages.ROUTES)
        app_config.route_handlers.append(api_router(self.plugins))
        # Only the API is described: every HTML page is left out of the OpenAPI schema.
        app_config.openapi_config = openapi_config()
        app_config.include_in_schema = False
        catalogs = catalogs_for(self.settings.theme, self.plugins)
        # The sessions' store (the database, or Redis when a Redis URL is set), with the app.
        store = make_store(self.settings)
        app_config.on_startup.append(store.start)
        app_config.on_shutdown.append(store.stop)
        app_config.middleware.append(SessionStoreMiddleware(store))
        app_config.middleware.append(SessionMiddleware(self.settings, catalogs))
        app_config.before_send.append(add_security_headers)
        app_config.compression_config = COMPRESSION
        app_config.exception_handlers[HTTPException] = error_page
        app_config.exception_handlers[Exception] = error_page
        app_config.state.update(
            settings=self.settings,
            plugins=self.plugins,
            jinja=make_environment(self.settings.theme, self.plugins),
            catalogs=catalogs,
            session_store=store,
        )
        pwa.register(app_config)  # /manifest.webmanifest, /sw.js, /hors-ligne; the session's cache marker
        return app_config


def connection_pool(engine: Engine, size: int) -> tuple[list, list]:
    """Startup and shutdown hooks keeping a PostgreSQL pool open while the app runs.

    Without it every query opens a connection (about 8 ms). The pool belongs to the server's
    event loop: code running on another loop (a test's setup) must use an app without one.
    """
    if not isinstance(engine, PostgresEngine) or size <= 0:
        return [], []

    async def start() -> None:
        await engine.start_connection_pool(min_size=1, max_size=size)

    async def stop() -> None:
        await engine.close_connection_pool()

    return [start], [stop]


def mail_sender(settings: Settings) -> tuple[list, list]:
    """Startup and shutdown hooks running the outbox sender with the server, if SMTP is set."""
    if not settings.smtp_url:
        return [], []
    # One sender per event loop: the same app may run in several loops at once (test clients).
    tasks: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}

    async def start() -> None:
        tasks[asyncio.get_running_loop()] = asyncio.create_task(sender_loop(settings, settings.mail_interval))

    async def stop() -> None:
        task = tasks.pop(asyncio.get_running_loop(), None)
        # A cancellation can be swallowed by a library's wait_for (Python 3.11): cancel again
        # until the task ends, for ten seconds at most, rather than wait on it forever.
        for _ in range(20):
            if task is None or task.done():
                break
            task.cancel()
            await asyncio.wait({task}, timeout=0.5)
        if task and not task.done():
            log.error("L'expéditeur de courriels ne s'est pas arrêté")

    return [start], [stop]


def create_app(settings: Settings | None = None, extra_plugins: dict[str, Any] | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    plugins = load_plugins(settings, extra_plugins)
    engine = engine_from_url(settings.database_url)
    bind(engine, all_tables(plugins))
    pool_start, pool_stop = connection_pool(engine, settings.db_pool_max)
    mail_start, mail_stop = mail_sender(settings)
    on_startup, on_shutdown = pool_start + mail_start, mail_stop + pool_stop
    return Litestar(
        plugins=[TeleservicesInit(settings, plugins)], debug=settings.debug,
        on_startup=on_startup, on_shutdown=on_shutdown,
    )


def app_from_env() -> Litestar:
    """Factory for ``uvicorn --factory`` (``teleservices serve``)."""
    return create_app()
