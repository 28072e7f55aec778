"""The installable app over HTTP: the manifest, the service worker and the offline page served
with their headers, the session's cache marker, and logout emptying the browser's storage."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from teleservices.core import pwa
from teleservices.core.testing import csrf_from

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "themes" / "default" / "static" / "icons"
MARKER = re.compile(r'<meta name="ts-cache" content="([^"]*)">')


def marker_of(response: Any) -> str:
    found = MARKER.findall(response.text)
    assert len(found) == 1, "one <meta name=\"ts-cache\"> per page"
    return found[0]


def test_the_manifest_names_the_app_its_icons_and_colours(client: Any) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response.text)
    assert manifest["name"] == "Téléservices"
    assert 0 < len(manifest["short_name"]) <= 12
    assert (manifest["start_url"], manifest["scope"], manifest["display"], manifest["lang"]) == ("/", "/", "standalone", "fr")
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"]) and re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    pngs = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"), ("512x512", "maskable")} <= set(pngs)
    assert any(icon["type"] == "image/svg+xml" for icon in manifest["icons"])
    for icon in manifest["icons"]:  # every icon is served, a PNG of the size it claims
        served = client.get(icon["src"])
        assert served.status_code == 200, icon["src"]
        if icon["type"] == "image/png":
            assert served.content[:8] == b"\x89PNG\r\n\x1a\n"
            width = int.from_bytes(served.content[16:20], "big")
            height = int.from_bytes(served.content[20:24], "big")
            assert f"{width}x{height}" == icon["sizes"]
        else:
            assert served.text.startswith("<svg")


def test_every_page_links_the_manifest_the_theme_colour_and_the_script(client: Any, text: Callable[[Any], str]) -> None:
    page = text(client.get("/connexion"))
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<meta name="theme-color" content="#0a4f8a">' in page
    script_tag = re.search(r'<script src="(/static/core/pwa/pwa\.js\?v=[0-9a-f]{10})" defer></script>', page)
    assert script_tag, "the app's script, at its versioned address"
    assert '<div id="pwa-bandeau" class="pwa-bandeau" role="status" hidden></div>' in page
    script = client.get(script_tag.group(1))
    assert script.status_code == 200 and 'register("/sw.js", { scope: "/"' in script.text


def test_the_worker_is_served_at_the_root_with_its_version(client: Any, portal_app: Any) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    version = pwa.worker_version(portal_app)
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert f'const VERSION = "{version}";' in response.text
    assert "__VERSION__" not in response.text
    # What the worker does: static files cached, pages from the network first, the offline page,
    # the pages kept per session marker, and a new version waiting for the family.
    for part in ('"ts-static-" + VERSION', 'const OFFLINE_URL = "/hors-ligne"', "hors ligne — données du ",
                 '<meta name="ts-cache" content="([0-9a-f]*)">', 'data.type === "activer"', "self.skipWaiting()"):
        assert part in response.text, part
    assert response.text.count("skipWaiting") == 1, "never skipWaiting() but when the family asks"


def test_a_changed_front_end_file_is_a_new_version(portal_app: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = pwa.worker_version(portal_app)
    extra = tmp_path / "theme.css"
    extra.write_text("a { color: red; }")
    files = pwa._front_end_files(portal_app)
    monkeypatch.setattr(pwa, "_front_end_files", lambda app: [*files, extra])
    changed = pwa.worker_version(portal_app)
    assert changed != before
    extra.write_text("a { color: blue; }")
    assert pwa.worker_version(portal_app) not in (before, changed)


def test_the_offline_page_is_nobodys(client_as: Callable[..., Any], text: Callable[[Any], str]) -> None:
    parent = client_as("demo.parent")
    response = parent.get("/hors-ligne")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Vous êtes hors ligne</h1>" in page
    assert 'name="ts-cache"' not in page  # showing it changes nothing to the pages kept
    assert "se déconnecter" not in page and "Votre compte" not in page and "Sophie" not in page
    assert 'id="pwa-pages"' in page and 'id="pwa-reessayer"' in page


def test_the_cache_marker_differs_for_every_account_and_every_session(
    client: Any, client_as: Callable[..., Any], demo: Any,
) -> None:
    assert marker_of(client.get("/connexion")) == ""  # nobody: the worker keeps nothing
    first = client_as("demo.parent")
    home = first.get(f"/eleves/{demo.lea}/")
    marker = marker_of(home)
    assert re.fullmatch(r"[0-9a-f]{32}", marker)
    assert marker_of(first.get(f"/eleves/{demo.lea}/notes/")) == marker  # the same for the whole session
    other_account = marker_of(client_as("demo.parent2").get(f"/eleves/{demo.lea}/"))
    other_session = marker_of(client_as("demo.parent").get(f"/eleves/{demo.lea}/"))
    assert len({marker, other_account, other_session}) == 3
    # Opaque: neither the session's token nor the account can be read in it.
    token = first.cookies.get("ts_session")
    assert token and token not in marker and marker not in token
    assert "demo" not in marker


def test_logout_empties_the_browsers_caches_and_storage(
    client_as: Callable[..., Any], demo: Any, text: Callable[[Any], str],
) -> None:
    parent = client_as("demo.parent")
    token = csrf_from(parent.get(f"/eleves/{demo.lea}/").text)
    response = parent.post("/deconnexion", data={"_csrf": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["clear-site-data"] == '"cache", "storage"'
    after = parent.get(response.headers["location"])
    assert "Vous êtes déconnecté" in text(after)
    assert marker_of(after) == ""  # the page after logout tells the worker to forget every page


def test_logout_through_htmx_empties_them_too(client_as: Callable[..., Any], demo: Any) -> None:
    parent = client_as("demo.parent")
    token = csrf_from(parent.get(f"/eleves/{demo.lea}/").text)
    response = parent.post("/deconnexion", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert response.headers["hx-redirect"] == "/connexion?deconnecte=1"
    assert response.headers["clear-site-data"] == '"cache", "storage"'


def test_the_icons_are_drawn_by_the_committed_script(tmp_path: Path) -> None:
    from teleservices.core.pwa_icons import write_icons

    written = write_icons(tmp_path)
    assert sorted(path.name for path in written) == ["icon-192.png", "icon-512.png", "icon.svg"]
    for path in written:
        assert path.read_bytes() == (ICONS / path.name).read_bytes(), f"{path.name}: run python -m teleservices.core.pwa_icons"
