"""The JSON API for school software: ``/api/v1``, behind an API key, described by OpenAPI.

Every call carries ``Authorization: Bearer <key>``. A missing, malformed, unknown or revoked key
gets a 401 (with ``WWW-Authenticate: Bearer``); a key whose scopes do not cover the service gets
a 403. Each service's ``api_routes`` are mounted under ``/api/v1/{key}``; their handlers declare
``api_client: CurrentApiClient`` and write only to its establishment. Errors are JSON, never the
HTML error page. The OpenAPI description is served at ``/api/schema/openapi.json``.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import msgspec
from litestar import Request, Response, Router, get
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.handlers import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from teleservices.core.api import ApiClient, CurrentApiClient
from teleservices.core.apiv1.keys import client_for
from teleservices.core.plugins import Plugins
from teleservices.core.tables import Etablissement

log = logging.getLogger("teleservices.api")

VERSION = "1.0.0"
SCHEMA_PATH = "/api/schema"  # the JSON is at /api/schema/openapi.json
SECURITY_SCHEME = "cle_api"
BEARER_CHALLENGE = 'Bearer realm="teleservices"'

MISSING_KEY = "Clé d'API manquante : envoyez l'en-tête « Authorization: Bearer <clé> »."
REFUSED_KEY = "Clé d'API inconnue, révoquée ou mal formée."
INVALID_REQUEST = "Requête refusée : corrigez les erreurs listées dans « extra » ; rien n'a été enregistré."
# Litestar's own messages are English status phrases: the API answers in French.
STATUS_DETAILS = {
    400: "Requête invalide.",
    401: REFUSED_KEY,
    403: "Accès refusé.",
    404: "Adresse inconnue de l'API.",
    405: "Méthode non autorisée pour cette adresse.",
    413: "Requête trop volumineuse.",
    415: "Type de contenu non pris en charge : envoyez du JSON.",
    500: "Erreur interne du serveur.",
}


class ApiKeyRefused(NotAuthorizedException):
    """No usable API key in the request."""


async def api_key_guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Who calls: the key of ``Authorization: Bearer``, never a session cookie."""
    scheme, _, key = connection.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiKeyRefused(MISSING_KEY)
    client = await client_for(key.strip())
    if client is None:
        raise ApiKeyRefused(REFUSED_KEY)
    connection.state.api_client = client


async def scope_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """The key's scopes must cover the service whose endpoint is called."""
    service = handler.opt["api_scope"]
    if service not in connection.state.api_client.portees:
        raise PermissionDeniedException(f"Cette clé d'API ne donne pas accès au service « {service} ».")


def current_client(request: Request) -> ApiClient:
    return request.state.api_client


class EtablissementInfo(msgspec.Struct):
    uai: str
    nom: str
    portees: list[str]


@get("/etablissement", summary="L'établissement de la clé", description=(
    "L'établissement (UAI, nom) de la clé et les services auxquels elle peut envoyer des données. "
    "Toute clé valide peut l'appeler, pour vérifier sa configuration."
))
async def etablissement(api_client: CurrentApiClient) -> EtablissementInfo:
    """The establishment the key belongs to and the services it may push to. Every valid key
    may call it (to check its set-up): it only tells the key about itself."""
    row = (await Etablissement.raw("SELECT uai, nom FROM etablissement WHERE id = {}", api_client.etablissement_id))[0]
    return EtablissementInfo(uai=row["uai"], nom=row["nom"], portees=sorted(api_client.portees))


def api_router(plugins: Plugins) -> Router:
    """``/api/v1``: the core's endpoint and each service's ``api_routes`` under its key."""
    services = [
        Router(
            path=f"/{key}", route_handlers=list(spec.api_routes), guards=[scope_guard],
            opt={"api_scope": key}, tags=[str(spec.label)],  # the API's schema is French
        )
        for key, spec in plugins.services.items()
        if spec.api_routes
    ]
    return Router(
        path="/api/v1",
        route_handlers=[etablissement, *services],
        guards=[api_key_guard],
        dependencies={"api_client": Provide(current_client, sync_to_thread=False)},
        security=[{SECURITY_SCHEME: []}],
        include_in_schema=True,  # the app leaves every HTML page out of the schema
    )


def openapi_config() -> OpenAPIConfig:
    """Only the JSON schema: Litestar's HTML renderers (Swagger, ReDoc, Scalar, RapiDoc,
    Elements) load their scripts from CDNs and run inline scripts, which the portal's CSP and
    offline school networks forbid."""
    return OpenAPIConfig(
        title="Téléservices API",
        version=VERSION,
        description=(
            "API des logiciels de l'établissement : chaque appel porte une clé d'API créée par le "
            "chef d'établissement (Administration Téléservices › Clés d'API), dans l'en-tête "
            "« Authorization: Bearer <clé> ». Une clé n'écrit que dans son établissement et "
            "seulement pour les services de sa portée."
        ),
        path=SCHEMA_PATH,
        render_plugins=[JsonRenderPlugin()],
        components=Components(security_schemes={
            SECURITY_SCHEME: SecurityScheme(
                type="http", scheme="bearer", description="Clé d'API de l'établissement (ts_…)."
            ),
        }),
    )


def api_error(request: Request, exc: Exception) -> Response:
    """The API's errors: ``{"status_code", "detail", "extra"?}`` in JSON, as Litestar documents
    them in the schema, with the details of a refused body."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status >= 500:
        log.exception("Erreur interne de l'API sur %s", request.url.path, exc_info=exc)
    detail = exc.detail if isinstance(exc, HTTPException) and status < 500 else ""
    if isinstance(exc, ValidationException):
        detail = INVALID_REQUEST
    if not detail or detail == HTTPStatus(status).phrase:
        detail = STATUS_DETAILS.get(status, HTTPStatus(status).phrase)
    body: dict[str, Any] = {"status_code": status, "detail": detail}
    if isinstance(exc, HTTPException) and exc.extra and status < 500:
        body["extra"] = exc.extra
    headers = {"WWW-Authenticate": BEARER_CHALLENGE} if status == 401 else {}
    return Response(body, status_code=status, headers=headers, media_type="application/json")
