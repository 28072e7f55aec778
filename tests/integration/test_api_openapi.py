"""The OpenAPI description of the API: served as JSON at a stable path, bearer security, the
API's paths only (no HTML page of the portal), no HTML renderer that would need a CDN."""

from __future__ import annotations

import pytest

SCHEMA = "/api/schema/openapi.json"


@pytest.fixture
def schema(client):
    response = client.get(SCHEMA)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_schema_describes_the_api(schema):
    assert schema["info"]["title"] == "Téléservices API"
    assert schema["info"]["version"]
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/etablissement" in schema["paths"]
    push = schema["paths"]["/api/v1/ent_exemple/liens"]["put"]
    assert push["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Liens"}
    assert "400" in push["responses"]


def test_every_operation_needs_the_bearer_key(schema):
    assert schema["components"]["securitySchemes"]["cle_api"] == {
        "type": "http", "scheme": "bearer", "description": "Clé d'API de l'établissement (ts_…).",
    }
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert operations and all(op["security"] == [{"cle_api": []}] for op in operations)


def test_no_html_route_is_in_the_schema(schema, portal_app):
    assert all(path.startswith("/api/v1/") for path in schema["paths"])
    html_paths = {route.path for route in portal_app.routes if not route.path.startswith("/api/")}
    assert "/administration/api" in html_paths and "/connexion" in html_paths
    assert not html_paths & set(schema["paths"])


def test_the_schema_is_public_and_sets_no_cookie(client):
    response = client.get(SCHEMA)
    assert response.status_code == 200 and "set-cookie" not in response.headers


@pytest.mark.parametrize("renderer", ["swagger", "redoc", "elements", "rapidoc", "scalar"])
def test_no_html_renderer_loading_scripts_from_a_cdn(client, renderer):
    response = client.get(f"/api/schema/{renderer}")
    assert response.status_code == 404
    assert "cdn" not in response.text and "unpkg" not in response.text


def test_litestar_s_default_schema_path_is_gone(client):
    assert client.get("/schema/openapi.json", follow_redirects=False).status_code in (302, 404)
