"""The API is exempt from the CSRF check only because it never reads the session: every other
unsafe request of the portal still needs its CSRF token (a regression test over every route)."""

from __future__ import annotations

import re

import pytest

from teleservices.core.apiv1 import is_api_path
from teleservices.core.tables import CleApi
from teleservices.core.testing import run

CSRF_REFUSED = "La page a expiré ou le formulaire n'est pas valide."
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")


def concrete(path: str) -> str:
    return PARAM.sub(lambda m: "1" if m.group(2) == "int" else "x", path)


def unsafe_routes(app) -> list[tuple[str, str]]:
    return sorted(
        (method, concrete(route.path))
        for route in app.routes
        for method in getattr(route, "methods", ()) if method in UNSAFE and not is_api_path(route.path)
    )


def test_there_are_unsafe_routes_to_check(portal_app):
    routes = unsafe_routes(portal_app)
    assert ("POST", "/connexion") in routes and ("POST", "/administration/api") in routes
    assert ("POST", "/administration/api/1/revoquer") in routes


def test_every_unsafe_request_outside_the_api_needs_its_csrf_token(client_as, portal_app, text):
    chef = client_as("demo.chef")
    keys_before = run(CleApi.count())
    for method, path in unsafe_routes(portal_app):
        response = chef.request(method, path, data={"nom": "x", "portees": "ent_exemple"}, follow_redirects=False)
        assert response.status_code == 403, (method, path, response.status_code)
        assert CSRF_REFUSED in text(response), (method, path)
    assert run(CleApi.count()) == keys_before
    assert chef.get("/compte").status_code == 200  # still logged in: the logout was refused too


@pytest.mark.parametrize("path, api", [
    ("/api/v1/etablissement", True),
    ("/api/schema/openapi.json", True),
    ("/api", False),
    ("/apiv1/x", False),
    ("//api/v1/x", False),
    ("/administration/api", False),
    ("/api/../connexion", False),
    ("/api/v1/../../administration/api", False),
])
def test_only_api_paths_are_exempt(path, api):
    assert is_api_path(path) is api
