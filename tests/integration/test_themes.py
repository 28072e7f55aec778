"""Themes: the academy's theme dresses every page with templates and static files only, over the
default theme; « Contraste élevé » is a per-browser choice, made by a form, read by every page."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
from pathlib import Path
from typing import Any, Iterator

import pytest
from litestar.testing import TestClient

from teleservices.core.app import create_app
from teleservices.core.testing import csrf_from

ROOT = Path(__file__).resolve().parents[2]
THEMES = ROOT / "themes"
BASE_URL = "http://127.0.0.1:8000"

ACADEMY_FOOTER = ["Mentions légales", "Accessibilité : partiellement conforme", "Contact"]

# Pages of every kind of visitor: (persona or None, path with {lea}/{hugo}, text of the page).
PAGES = [
    (None, "/connexion", "Accès aux services en ligne"),
    (None, "/aide", "Aide"),
    (None, "/mot-de-passe-oublie", "Mot de passe oublié"),
    ("demo.parent", "/eleves/{lea}/", "Les services en ligne"),
    ("demo.parent", "/eleves/{hugo}/", "Les services en ligne"),
    ("demo.parent", "/eleves/{lea}/notes/", "Les notes : liste des notes"),
    ("demo.parent", "/eleves/{lea}/absences/", "demi-journées"),
    ("demo.parent", "/eleves/{lea}/lpc/", "Le livret personnel de compétences"),
    ("demo.parent", "/eleves/{lea}/fiche/", "La fiche de renseignements"),
    ("demo.parent", "/compte", "Gérer son compte"),
    ("demo.eleve", "/eleves/{lea}/", "Les services en ligne"),
    ("demo.eleve", "/eleves/{lea}/notes/", "Les notes : liste des notes"),
    ("demo.chef", "/", "Accueil des personnels"),
    ("demo.chef", "/administration/services", "Administration Téléservices"),
    ("demo.chef", "/administration/comptes", "Comptes des familles"),
    ("demo.chef", "/administration/journal", "Journal des actions"),
    ("demo.prof", "/administration/notes/", "Les notes : devoirs"),
    ("demo.prof", "/administration/lpc/", "Validation du livret personnel de compétences"),
    ("demo.cpe", "/administration/absences/", "Saisie des absences"),
    ("demo.secretariat", "/administration/fiche/", "Fiches de renseignements à traiter"),
    ("demo.lycee", "/administration/inscription/", "L'inscription au lycée"),
    ("demo.academie", "/administration/etablissements", "Choisir un établissement"),
]


@pytest.fixture(scope="module")
def academie_app(portal_settings: Any) -> Any:
    """The same portal, database and plugins, dressed by the academy's theme (without a mail
    sender of its own: the session's portal sends the mails)."""
    return create_app(dataclasses.replace(portal_settings, theme="academie", smtp_url=""))


@pytest.fixture(scope="module")
def academie_clients(academie_app: Any) -> Iterator[dict[str | None, TestClient]]:
    """One client per persona of PAGES on the academy's portal, logged in once for the module."""
    clients: dict[str | None, TestClient] = {}
    with TestClient(app=academie_app, base_url=BASE_URL) as anonymous:
        clients[None] = anonymous
        try:
            for persona in sorted({p for p, _, _ in PAGES if p}):
                client = TestClient(app=academie_app, base_url=BASE_URL).__enter__()
                clients[persona] = client
                form = client.get("/connexion")
                answer = client.post("/connexion", data={
                    "_csrf": csrf_from(form.text), "identifiant": persona, "mot_de_passe": "Bienvenue-2026",
                })
                assert "/connexion" not in str(answer.url), f"{persona} n'a pas pu se connecter"
            yield clients
        finally:
            for persona, client in clients.items():
                if persona:
                    client.__exit__(None, None, None)


def _html(response: Any) -> str:
    import html

    return html.unescape(response.text)


@pytest.mark.parametrize(("persona", "path", "heading"), PAGES, ids=[f"{p or 'anonyme'} {u}" for p, u, _ in PAGES])
def test_every_page_wears_the_academy_theme(academie_clients, demo, persona, path, heading):
    response = academie_clients[persona].get(path.format(lea=demo.lea, hugo=demo.hugo))
    assert response.status_code == 200, response.text[:500]
    page = _html(response)
    assert heading in page
    assert page.count('<main id="contenu"') == 1
    # The academy's logo and name in the header, its links in the footer, its stylesheet after
    # the default theme's (whose dark mode and high contrast it keeps).
    assert '<img src="/static/theme/logo.svg?v=' in page
    assert "Académie de Lille" in page.split("</header>")[0]
    footer = page.split('<footer class="pied">')[1]
    for label in ACADEMY_FOOTER:
        assert f">{label}</a>" in footer
    assert "Contraste élevé" in footer
    head = page.split("</head>")[0]
    assert head.index("/static/theme/portal.css") < head.index("/static/theme/academie.css")
    assert '<link rel="icon" href="/static/theme/favicon.svg?v=' in head


def test_the_default_theme_has_none_of_it(client_as, demo, text):
    page = text(client_as("demo.parent").get(f"/eleves/{demo.lea}/notes/"))
    assert "Académie de Lille" not in page and "academie.css" not in page and "logo.svg" not in page
    assert "Contraste élevé" in page
    assert '<a class="marque" href="/">scolarité <strong>services</strong></a>' in page


def test_an_htmx_fragment_keeps_the_academy_header(academie_clients, demo):
    """The header is in the part htmx swaps: the block the academy overrides two templates up
    (academie → default → core layout) is found for a fragment too."""
    response = academie_clients["demo.parent"].get(f"/eleves/{demo.lea}/notes/", headers={"HX-Request": "true"})
    page = _html(response)
    assert "<html" not in page
    assert '<a class="marque marque-academie" href="/">' in page
    assert "Les notes : liste des notes" in page


def test_static_files_are_the_theme_s_then_the_default_theme_s(academie_clients):
    client = academie_clients[None]
    own = client.get("/static/theme/favicon.svg")
    assert own.status_code == 200
    assert own.content == (THEMES / "academie" / "static" / "favicon.svg").read_bytes()
    assert own.content != (THEMES / "default" / "static" / "favicon.svg").read_bytes()
    assert client.get("/static/theme/academie.css").status_code == 200
    for inherited in ("portal.css", "contraste.js"):
        response = client.get(f"/static/theme/{inherited}")
        assert response.status_code == 200
        assert response.content == (THEMES / "default" / "static" / inherited).read_bytes()
    for escape in ("..%2Ftemplates%2Flayout.html", "..%2F..%2Facademie%2Ftemplates%2Flayout.html", "..%2F..%2F..%2Fpyproject.toml"):
        assert client.get(f"/static/theme/{escape}").status_code == 404


def test_the_installable_app_wears_the_academy_s_name_colour_and_icons(academie_clients):
    client = academie_clients[None]
    manifest = json.loads(client.get("/manifest.webmanifest").text)
    assert manifest["name"].startswith("Académie de Lille") and manifest["theme_color"] == "#7a1f3d"
    assert '<meta name="theme-color" content="#7a1f3d">' in client.get("/connexion").text
    icons = {icon["src"] for icon in manifest["icons"]}
    assert {src.split("?v=")[0] for src in icons} == {
        "/static/theme/icons/icon-192.png", "/static/theme/icons/icon-512.png", "/static/theme/icons/icon.svg"}
    for src in icons:  # versioned with the academy's own files
        path, version = src.removeprefix("/static/theme/").split("?v=")
        own = THEMES / "academie" / "static" / path
        default = THEMES / "default" / "static" / path
        assert version == hashlib.sha256(own.read_bytes()).hexdigest()[:10]
        served = client.get(src)
        assert served.status_code == 200
        assert served.content == own.read_bytes() != default.read_bytes()
    for size in (192, 512):  # the PNGs are the sizes the manifest says
        header = (THEMES / "academie" / "static" / "icons" / f"icon-{size}.png").read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", header[16:24]) == (size, size)


def test_the_default_portal_does_not_serve_the_academy_s_files(client):
    assert client.get("/static/theme/academie.css").status_code == 404
    assert client.get("/static/theme/logo.svg").status_code == 404


def test_the_academy_theme_holds_no_python():
    """What an academy changes without touching any Python: templates and static files (and the
    English of its texts, a catalog in locale/)."""
    folder = THEMES / "academie"
    files = [path for path in folder.rglob("*") if path.is_file()]
    assert {path.relative_to(folder).parts[0] for path in files} == {"templates", "static", "locale"}
    allowed = {".html", ".css", ".svg", ".png", ".webmanifest", ".ico", ".woff2", ".po"}
    assert sorted(path.name for path in files if path.suffix not in allowed) == []
    for path in files:
        if path.suffix in {".html", ".css", ".svg", ".webmanifest"}:
            assert "<script" not in path.read_text(encoding="utf-8"), path  # nor scripts: a CSP-clean theme


# --- « Contraste élevé » ---------------------------------------------------------------------


def _contrast_form(page: str) -> str:
    return page.split('<form class="contraste"')[1].split("</form>")[0]


def _choose(client: TestClient, page_path: str, value: str, **headers: str) -> Any:
    page = client.get(page_path).text
    return client.post("/preferences/contraste", headers=headers, data={
        "_csrf": csrf_from(page), "contraste": value, "retour": page_path,
    })


def test_high_contrast_is_off_by_default(client):
    page = client.get("/aide").text
    assert '<html lang="fr">' in page
    form = _contrast_form(page)
    assert 'action="/preferences/contraste"' in form and 'hx-boost="false"' in form
    assert 'name="contraste" value="eleve" aria-pressed="false"' in form
    assert '<input type="hidden" name="retour" value="/aide">' in form


def test_high_contrast_is_chosen_and_given_up_without_javascript(client):
    response = client.post("/preferences/contraste", follow_redirects=False, data={
        "_csrf": csrf_from(client.get("/aide").text), "contraste": "eleve", "retour": "/aide",
    })
    assert response.status_code == 303 and response.headers["location"] == "/aide"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("contraste=eleve;") and "Path=/" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and "Max-Age=31536000" in cookie
    page = client.get("/aide").text
    assert '<html lang="fr" class="contraste-eleve">' in page
    assert 'name="contraste" value="normal" aria-pressed="true"' in _contrast_form(page)

    response = _choose(client, "/aide", "normal")
    assert response.status_code == 200 and str(response.url).endswith("/aide")
    page = response.text
    assert '<html lang="fr">' in page
    assert 'aria-pressed="false"' in _contrast_form(page)


def test_high_contrast_follows_the_browser_through_login(client, login, demo):
    _choose(client, "/connexion", "eleve")
    assert 'class="contraste-eleve"' in client.get("/connexion").text
    login(client, "demo.parent")
    page = client.get(f"/eleves/{demo.lea}/").text
    assert '<html lang="fr" class="contraste-eleve">' in page
    assert f'name="retour" value="/eleves/{demo.lea}/"' in _contrast_form(page)


def test_the_script_asks_for_json(client):
    response = _choose(client, "/aide", "eleve", accept="application/json")
    assert response.status_code == 200
    assert json.loads(response.text) == {"contraste": "eleve"}
    assert response.headers["set-cookie"].startswith("contraste=eleve;")
    response = _choose(client, "/aide", "normal", accept="application/json")
    assert json.loads(response.text) == {"contraste": "normal"}
    assert 'class="contraste-eleve"' not in client.get("/aide").text


def test_the_cookie_is_read_as_eleve_only(client):
    client.cookies.set("contraste", "<script>")
    assert '<html lang="fr">' in client.get("/aide").text


@pytest.mark.parametrize("retour", ["//autre.example/", "https://autre.example/", "/\\autre.example", ""])
def test_the_way_back_stays_on_the_portal(client, retour):
    response = client.post("/preferences/contraste", follow_redirects=False, data={
        "_csrf": csrf_from(client.get("/aide").text), "contraste": "eleve", "retour": retour,
    })
    assert response.status_code == 303 and response.headers["location"] == "/"


def test_the_choice_needs_the_form_s_token(client):
    client.get("/aide")
    response = client.post("/preferences/contraste", data={"contraste": "eleve", "retour": "/aide"})
    assert response.status_code == 403
    assert "set-cookie" not in response.headers or "contraste=" not in response.headers["set-cookie"]


def test_the_academy_keeps_the_contrast_switch(academie_clients):
    client = TestClient(app=academie_clients[None].app, base_url=BASE_URL)
    with client:
        _choose(client, "/connexion", "eleve")
        page = client.get("/connexion").text
        assert '<html lang="fr" class="contraste-eleve">' in page
        assert 'aria-pressed="true"' in _contrast_form(page)
