"""How pages go out: whole or as an htmx fragment, with security headers, static files, and a
header menu that survives a broken plugin."""

from __future__ import annotations

import logging
import re
from types import SimpleNamespace

import pytest

from teleservices.core.api import MenuItem, hookimpl
from teleservices.core.app import create_app


@pytest.fixture
def parent(client_as):
    return client_as("demo.parent")


# --- htmx fragments -------------------------------------------------------------------------


def test_htmx_request_gets_only_the_page_fragment(parent, demo, text):
    response = parent.get(f"/eleves/{demo.lea}/", headers={"HX-Request": "true"})
    assert response.status_code == 200
    page = text(response)
    assert "<html" not in page and "<head>" not in page and "<!doctype" not in page.lower()
    assert "la scolarité de" in page and "Léa D." in page
    assert "Les notes" in page and "La fiche de renseignements" in page
    assert "se déconnecter" in page  # the header menu is part of the fragment


def test_fragment_carries_the_page_title(parent, demo, text):
    page = text(parent.get(f"/eleves/{demo.lea}/", headers={"HX-Request": "true"}))
    assert "<title>La scolarité de Léa D. – Téléservices</title>" in page


def test_fragment_and_full_page_vary_on_hx_request(parent, demo):
    for headers in ({}, {"HX-Request": "true"}):
        assert "HX-Request" in parent.get(f"/eleves/{demo.lea}/", headers=headers).headers["vary"]


def test_plain_request_gets_the_full_page(parent, demo):
    html = parent.get(f"/eleves/{demo.lea}/").text
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert re.search(r'<link rel="stylesheet" href="/static/theme/portal\.css\?v=[0-9a-f]{10}">', html)


@pytest.mark.parametrize("extra", [{"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}])
def test_boosted_navigation_and_history_restore_get_the_full_page(parent, demo, extra):
    html = parent.get(f"/eleves/{demo.lea}/", headers={"HX-Request": "true", **extra}).text
    assert "<html" in html
    assert "la scolarité de" in html


def test_error_page_as_a_fragment(parent, text):
    response = parent.get("/eleves/999999/", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.text
    assert "Page introuvable" in text(response)


# --- security headers -----------------------------------------------------------------------


def assert_security_headers(response) -> None:
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")


def test_security_headers_on_a_page(parent, demo):
    assert_security_headers(parent.get(f"/eleves/{demo.lea}/"))


def test_security_headers_on_the_public_login_page(client):
    assert_security_headers(client.get("/connexion"))


def test_security_headers_on_a_not_found_page(client, text):
    response = client.get("/cette-page-n-existe-pas")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)
    assert_security_headers(response)


def test_security_headers_on_a_redirect_and_a_static_file(client):
    assert_security_headers(client.get("/", follow_redirects=False))
    assert_security_headers(client.get("/static/theme/portal.css"))


def test_personal_pages_are_not_cached(parent, demo):
    assert "no-store" in parent.get(f"/eleves/{demo.lea}/").headers["cache-control"]


@pytest.mark.parametrize("path", ["/eleves/{lea}/", "/compte", "/aide"])
def test_pages_have_nothing_inline_that_the_csp_would_block(parent, demo, path):
    html = parent.get(path.format(lea=demo.lea)).text
    assert "<script>" not in html and " onclick=" not in html and " hx-on" not in html
    assert "<style" not in html and " style=" not in html


# --- static files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "media_type", "content"),
    [
        ("/static/vendor/htmx.min.js", "javascript", "htmx"),
        ("/static/theme/portal.css", "text/css", "{"),
        ("/static/notes/icon.svg", "image/svg+xml", "<svg"),
        ("/static/core/mobile.svg", "image/svg+xml", "<svg"),
    ],
)
def test_static_files_are_served(client, path, media_type, content):
    response = client.get(path)
    assert response.status_code == 200
    assert media_type in response.headers["content-type"]
    assert content in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/static/notes/..%2F__init__.py",
        "/static/notes/%2e%2e/__init__.py",
        "/static/notes/..%2F..%2F..%2Fcore%2Fsettings.py",
        "/static/theme/..%2F..%2F..%2Fpyproject.toml",
        "/static/notes/..%5C__init__.py",
    ],
)
def test_path_traversal_under_static_is_refused(client, path):
    response = client.get(path)
    assert response.status_code in (400, 403, 404)
    assert "hookimpl" not in response.text and "[project]" not in response.text and "PREFIX" not in response.text


def test_encoded_path_is_decoded_inside_a_static_folder(client):
    """The traversal tests above mean something: "..%2F" does reach the static handler as "../"."""
    response = client.get("/static/notes/..%2Fstatic%2Ficon.svg")
    assert response.status_code == 200
    assert "<svg" in response.text


# --- a plugin whose menu_items fails --------------------------------------------------------


def failing_menu(viewer):
    raise RuntimeError("panne du plugin de menu")


@pytest.fixture(scope="module")
def app_with_broken_menu(portal_settings):
    return create_app(portal_settings, extra_plugins={
        "menu_casse": SimpleNamespace(menu_items=hookimpl(failing_menu)),
        "menu_ent": SimpleNamespace(menu_items=hookimpl(lambda viewer: [MenuItem("mon ENT", "/ent", order=15)])),
    })


def test_failing_menu_plugin_is_logged_and_left_out(client_as, app_with_broken_menu, demo, caplog, text):
    parent = client_as("demo.parent", app=app_with_broken_menu)
    with caplog.at_level(logging.ERROR):
        response = parent.get(f"/eleves/{demo.lea}/")
    assert response.status_code == 200
    page = text(response)
    for link in ('<a href="/aide">aide</a>', "se déconnecter", '<a href="/compte">gérer son compte</a>',
                 '<a href="/ent">mon ENT</a>'):
        assert link in page
    assert "la scolarité de" in page and "Les notes" in page
    failures = [r for r in caplog.records if "menu_casse" in r.getMessage()]
    assert failures, "the failing plugin should be logged by name"
    assert failures[0].levelno >= logging.ERROR
    assert "panne du plugin de menu" in str(failures[0].exc_info[1])


def test_menu_items_are_sorted_by_order(client_as, app_with_broken_menu, demo):
    page = client_as("demo.parent", app=app_with_broken_menu).get(f"/eleves/{demo.lea}/").text
    positions = [page.index(label) for label in (">aide<", ">mon ENT<", "se déconnecter", ">gérer son compte<")]
    assert positions == sorted(positions)
