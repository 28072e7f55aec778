"""Static files over HTTP: versioned addresses (``static()``), their cache headers, gzip, and
the weight of a family's first page and of an htmx fragment (issue 12: at most 60 KB for the
first page, gzip, fonts aside; at most 8 KB for a fragment)."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import re
from pathlib import Path
from typing import Any, Callable

import pytest
from litestar.testing import TestClient

from teleservices.core.api import hookimpl
from teleservices.core.app import create_app
from teleservices.core.rendering import StaticUrls

ROOT = Path(__file__).resolve().parents[2]
THEMES = ROOT / "themes"
BASE_URL = "http://127.0.0.1:8000"
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}
IMMUTABLE = "public, max-age=31536000, immutable"
ASSET = re.compile(r'(?:href|src)="(/static/[^"#]+)"')
FONT = re.compile(r"\.(?:woff2?|ttf|otf|eot)(?:\?|$)")
FIRST_PAGE_BUDGET = 60 * 1024
FRAGMENT_BUDGET = 8 * 1024


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10]


def assets_of(page: str) -> list[str]:
    """The static addresses a page loads (stylesheets, scripts, images, icons), entities decoded."""
    return sorted({url.replace("&amp;", "&") for url in ASSET.findall(page)})


def transferred(response: Any) -> int:
    """The bytes on the wire for a response's body, as sent (compressed or not)."""
    return response.num_bytes_downloaded


# --- Versioned addresses ------------------------------------------------------------------------


def test_pages_name_static_files_at_their_versioned_address(client_as: Callable[..., Any], demo: Any) -> None:
    page = client_as("demo.parent").get(f"/eleves/{demo.lea}/").text
    css = THEMES / "default" / "static" / "portal.css"
    assert f'<link rel="stylesheet" href="/static/theme/portal.css?v={digest(css)}">' in page
    htmx = ROOT / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    assert f'src="/static/vendor/htmx.min.js?v={digest(htmx)}"' in page
    mobile = ROOT / "core" / "static" / "mobile.svg"
    assert f'src="/static/core/mobile.svg?v={digest(mobile)}"' in page  # a plugin's (core's) folder
    notes_icon = ROOT / "plugins" / "notes" / "static" / "icon.svg"
    assert f'src="/static/notes/icon.svg?v={digest(notes_icon)}"' in page  # a service's icon: static(service.icon)
    unversioned = [url for url in assets_of(page) if not re.search(r"\?v=[0-9a-f]{10}$", url)]
    assert unversioned == []


def test_the_theme_s_own_file_is_versioned_by_its_content_the_rest_by_the_default_theme_s(portal_settings: Any) -> None:
    app = create_app(dataclasses.replace(portal_settings, theme="academie", smtp_url=""))
    static = app.state.jinja.globals["static"]
    assert static("theme/favicon.svg") == f"/static/theme/favicon.svg?v={digest(THEMES / 'academie' / 'static' / 'favicon.svg')}"
    assert static("theme/portal.css") == f"/static/theme/portal.css?v={digest(THEMES / 'default' / 'static' / 'portal.css')}"


def test_an_unknown_or_escaping_path_is_the_plain_address() -> None:
    static = StaticUrls({"theme": [THEMES / "default" / "static"]})
    assert static("theme/nulle-part.css") == "/static/theme/nulle-part.css"
    assert static("inconnu/portal.css") == "/static/inconnu/portal.css"
    assert static("theme/../templates/layout.html") == "/static/theme/../templates/layout.html"
    assert static("theme/icons") == "/static/theme/icons"  # a folder is no file
    assert static("theme/portal.css").startswith("/static/theme/portal.css?v=")


def folder_plugin(folder: Path) -> Any:
    class Essai:
        @hookimpl
        def static_dirs(self) -> dict[str, str]:
            return {"essai": str(folder)}

    return Essai()


def test_a_new_content_is_a_new_address(portal_with: Callable[..., Any], tmp_path: Path) -> None:
    style = tmp_path / "style.css"
    style.write_text("a { color: red; }")
    before = portal_with(folder_plugin(tmp_path), name="essai_avant")
    first = before.app.state.jinja.globals["static"]("essai/style.css")
    assert first == f"/static/essai/style.css?v={digest(style)}"
    assert before.get(first).text == "a { color: red; }"
    # The address is read once: the running portal keeps it (files do not change while it runs).
    style.write_text("a { color: blue; }")
    assert before.app.state.jinja.globals["static"]("essai/style.css") == first
    # The next deployment (a new portal) gives the new content a new address.
    after = portal_with(folder_plugin(tmp_path), name="essai_apres")
    second = after.app.state.jinja.globals["static"]("essai/style.css")
    assert second == f"/static/essai/style.css?v={digest(style)}" != first
    assert after.get(second).headers["cache-control"] == IMMUTABLE
    assert after.get(first).headers["cache-control"] == "no-cache"  # an old page's address: revalidated


# --- Cache headers --------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["theme/portal.css", "vendor/htmx.min.js", "core/mobile.svg", "notes/notes.css",
                                  "theme/icons/icon-192.png"])
def test_a_versioned_file_is_kept_a_year_an_unversioned_one_revalidated(client: Any, portal_app: Any, path: str) -> None:
    versioned = portal_app.state.jinja.globals["static"](path)
    assert "?v=" in versioned
    kept = client.get(versioned)
    assert kept.status_code == 200
    assert kept.headers["cache-control"] == IMMUTABLE
    plain = client.get(f"/static/{path}")
    assert plain.status_code == 200 and plain.content == kept.content
    assert plain.headers["cache-control"] == "no-cache"
    assert plain.headers["etag"] and plain.headers["last-modified"]  # what a revalidation compares
    wrong = client.get(f"/static/{path}?v=0000000000")  # another deployment's version
    assert wrong.headers["cache-control"] == "no-cache"


def test_a_missing_static_file_is_not_cached_for_a_year(client: Any) -> None:
    response = client.get("/static/theme/nulle-part.css?v=0123456789")
    assert response.status_code == 404
    assert response.headers.get("cache-control") != IMMUTABLE


def test_pages_are_still_never_stored(client_as: Callable[..., Any], demo: Any) -> None:
    assert client_as("demo.parent").get(f"/eleves/{demo.lea}/").headers["cache-control"] == "no-store"


# --- Compression ----------------------------------------------------------------------------


def test_a_page_is_gzipped_when_the_browser_accepts_it(client_as: Callable[..., Any], demo: Any) -> None:
    parent = client_as("demo.parent")
    zipped = parent.get(f"/eleves/{demo.lea}/", headers=GZIP)
    assert zipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["vary"] and "HX-Request" in zipped.headers["vary"]
    assert transferred(zipped) < len(zipped.content) / 2
    plain = parent.get(f"/eleves/{demo.lea}/", headers=IDENTITY)
    assert "content-encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers["vary"]  # a shared cache must tell the two apart
    assert transferred(plain) == len(plain.content)
    assert "Les services en ligne" in zipped.text and "Les services en ligne" in plain.text


def test_a_stylesheet_is_gzipped_and_its_etag_becomes_weak(client: Any, portal_app: Any) -> None:
    url = portal_app.state.jinja.globals["static"]("theme/portal.css")
    source = (THEMES / "default" / "static" / "portal.css").read_bytes()
    with client.stream("GET", url, headers=GZIP) as zipped:
        raw = b"".join(zipped.iter_raw())
    assert zipped.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == source and len(raw) < len(source) / 2
    assert zipped.headers["content-type"].startswith("text/css")
    assert zipped.headers["cache-control"] == IMMUTABLE
    assert zipped.headers["etag"].startswith("W/")
    plain = client.get(url, headers={"Accept-Encoding": ""})
    assert "content-encoding" not in plain.headers and plain.content == source
    assert not plain.headers["etag"].startswith("W/")


def test_images_and_small_answers_are_sent_as_they_are(client: Any, portal_app: Any) -> None:
    png = client.get(portal_app.state.jinja.globals["static"]("theme/icons/icon-512.png"), headers=GZIP)
    assert png.status_code == 200 and "content-encoding" not in png.headers  # compressed already
    svg = client.get("/static/core/mobile.svg", headers=GZIP)  # 237 bytes: not worth it
    assert "content-encoding" not in svg.headers and svg.text.startswith("<svg")


def test_the_worker_and_the_manifest_are_gzipped(client: Any) -> None:
    worker = client.get("/sw.js", headers=GZIP)
    assert worker.headers["content-encoding"] == "gzip" and worker.headers["cache-control"] == "no-cache"
    assert 'const STATIC_CACHE = "ts-static-" + VERSION;' in worker.text
    manifest = client.get("/manifest.webmanifest", headers=GZIP)
    assert manifest.headers["content-encoding"] == "gzip"
    assert {"Accept-Language", "Cookie", "Accept-Encoding"} <= {v.strip() for v in manifest.headers["vary"].split(",")}
    icons = [icon["src"] for icon in manifest.json()["icons"]]
    assert icons and all(re.fullmatch(r"/static/theme/icons/icon[-0-9]*\.(png|svg)\?v=[0-9a-f]{10}", src) for src in icons)


# --- The budgets --------------------------------------------------------------------


def page_weight(client: TestClient, path: str, seen: set[str]) -> tuple[int, int, list[str]]:
    """(bytes transferred gzip, bytes uncompressed, assets fetched) for a page and the static
    files it loads that ``seen`` does not hold yet (a browser's cache: they are immutable)."""
    page = client.get(path, headers=GZIP)
    assert page.status_code == 200 and page.headers["content-encoding"] == "gzip"
    wire, raw, fetched = transferred(page), len(page.content), []
    for url in assets_of(page.text):
        if url in seen or FONT.search(url):
            continue
        seen.add(url)
        asset = client.get(url, headers=GZIP)
        assert asset.status_code == 200, url
        wire, raw = wire + transferred(asset), raw + len(asset.content)
        fetched.append(url)
    return wire, raw, fetched


def test_a_family_s_first_page_weighs_at_most_60_kb(new_client: Callable[..., TestClient], login: Callable[..., Any], demo: Any) -> None:
    browser = new_client()
    seen: set[str] = set()
    wire, raw, fetched = page_weight(browser, "/connexion", seen)
    assert any("portal.css" in url for url in fetched) and any("htmx.min.js" in url for url in fetched)
    assert wire <= FIRST_PAGE_BUDGET, f"page de connexion : {wire} octets"
    assert raw > 2 * wire  # compression did the work
    login(browser, "demo.parent")
    cold_wire, cold_raw, cold_fetched = page_weight(browser, f"/eleves/{demo.lea}/", set())  # an empty cache
    assert any("/static/notes/icon.svg" in url for url in cold_fetched)
    assert cold_wire <= FIRST_PAGE_BUDGET, f"accueil de l'enfant, cache vide : {cold_wire} octets"
    warm_wire, _, _ = page_weight(browser, f"/eleves/{demo.lea}/", seen)  # after the login page
    assert warm_wire < cold_wire


def test_a_notes_fragment_weighs_at_most_8_kb(client_as: Callable[..., Any], demo: Any) -> None:
    parent = client_as("demo.parent")
    fragment = parent.get(f"/eleves/{demo.lea}/notes/?periode=toutes",
                          headers={**GZIP, "HX-Request": "true", "HX-Target": "notes-resultats"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "notes-resultats" in fragment.text
    assert fragment.headers["content-encoding"] == "gzip"
    assert transferred(fragment) <= FRAGMENT_BUDGET, f"fragment des notes : {transferred(fragment)} octets"
