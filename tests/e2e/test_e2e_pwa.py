"""The installable app in Chromium: install criteria, pages read offline under their banner, the
offline page, nothing left for the next account, and a new version announced, never mixed in."""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from pathlib import Path
from typing import Any, Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e_portail import Pupil
from teleservices.core import pwa
from teleservices.core.testing import login_as

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
OFFLINE_BANNER = re.compile(r"^hors ligne — données du (\d\d)/(\d\d) à (\d\d):(\d\d)$")

KEPT = """async (path) => {
  const url = new URL(path, location.href).href;
  for (const name of await caches.keys()) {
    if (!name.startsWith("ts-pages-")) continue;
    if (await (await caches.open(name)).match(url, { ignoreVary: true })) return name;
  }
  return null;
}"""
PAGE_CACHES = """async () => (await caches.keys()).filter((name) => name.startsWith("ts-pages-"))"""
# The page's stylesheets: [address, loaded with its rules].
STYLESHEETS = """() => [...document.querySelectorAll('link[rel="stylesheet"]')]
  .map((link) => [link.getAttribute("href"), Boolean(link.sheet && link.sheet.cssRules.length)])"""
# The static files the worker keeps (path and query).
STATIC_KEPT = """async () => {
  const name = (await caches.keys()).find((name) => name.startsWith("ts-static-"));
  if (!name) return [];
  return (await (await caches.open(name)).keys()).map((request) => new URL(request.url))
    .filter((url) => url.pathname.startsWith("/static/")).map((url) => url.pathname + url.search);
}"""
VERSIONED = re.compile(r"^/static/[^?]+\?v=[0-9a-f]{10}$")


def styled_offline(page: Page) -> list[str]:
    """Every stylesheet of the page loaded at its versioned address (from the worker's cache
    when offline); their addresses."""
    sheets = page.evaluate(STYLESHEETS)
    assert sheets and all(VERSIONED.match(href) and loaded for href, loaded in sheets), sheets
    return [href for href, _ in sheets]


def banner(page: Page):
    return page.locator("#pwa-bandeau")


def controlled(page: Page) -> None:
    """Wait until the service worker is in charge of the page."""
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def until(page: Page, script: str, arg: Any = None, timeout: float = 10) -> Any:
    """Evaluate ``script`` (a function, maybe async: page.wait_for_function would take its
    promise for a truthy value) until it answers something truthy; that answer."""
    deadline = time.monotonic() + timeout
    while True:
        answer = page.evaluate(script, arg)
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"toujours faux après {timeout} s : {script}")
        time.sleep(0.1)


def kept(page: Page, path: str) -> str:
    """Wait until the worker has kept the page at ``path``; the name of its cache."""
    return until(page, KEPT, path)


def read_notes(page: Page, lea: Pupil) -> None:
    """On Léa's home screen, open « Les notes » as a family does (htmx's boosted navigation)."""
    page.goto(lea.home)
    controlled(page)
    page.get_by_role("main").get_by_role("link", name=re.compile("^Les notes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les notes : liste des notes")
    expect(page).to_have_url(re.compile(rf"{lea.home}notes/$"))
    kept(page, f"{lea.home}notes/")


@pytest.fixture
def family(new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """``family("demo.parent", width=1280)``: a fresh browser (its own worker and caches), logged in."""

    def make(identifiant: str, width: int = 1280) -> Page:
        context = new_context(viewport={"width": width, "height": 900 if width > 400 else 740})
        return login_as(context.new_page(), identifiant)

    return make


def test_the_portal_is_installable_from_chromium(
    browser_type: Any, browser_type_launch_args: dict[str, Any], live_portal: str, tmp_path: Path,
) -> None:
    # A profile of its own: Chromium installs no app from an incognito context (Playwright's
    # ordinary contexts are), it says « in-incognito ».
    context = browser_type.launch_persistent_context(str(tmp_path / "profil"), base_url=live_portal, **browser_type_launch_args)
    try:
        page = context.new_page()
        page.goto("/connexion")
        installable(page)
    finally:
        context.close()


def installable(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []


def test_the_worker_keeps_the_offline_page_s_files_at_their_versioned_address(
    new_context: Callable[..., BrowserContext],
) -> None:
    """Installed from the login page (whose own files were loaded before the worker), the static
    cache holds what the offline page uses, at the addresses the pages write (query included)."""
    page = new_context().new_page()
    page.goto("/connexion")
    until(page, "() => navigator.serviceWorker.controller !== null")  # installed and in charge
    static_kept = until(page, STATIC_KEPT)
    assert all(VERSIONED.match(path) for path in static_kept), static_kept
    for name in ("/static/theme/portal.css?v=", "/static/vendor/htmx.min.js?v=", "/static/core/pwa/pwa.js?v="):
        assert any(path.startswith(name) for path in static_kept), (name, static_kept)


@pytest.mark.parametrize("width", [360, 1280])
def test_the_last_notes_read_show_offline_under_their_banner(family: Callable[..., Page], lea: Pupil, width: int) -> None:
    page = family("demo.parent", width)
    read_notes(page, lea)
    read_at = page.evaluate("Date.now()")
    page.context.set_offline(True)

    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les notes : liste des notes")
    # Its static files, at their versioned addresses (query included), come from the worker's cache.
    assert any("/notes/notes.css?v=" in href for href in styled_offline(page))
    static_kept = page.evaluate(STATIC_KEPT)
    assert static_kept and all(VERSIONED.match(path) for path in static_kept), static_kept
    expect(banner(page)).to_be_in_viewport()  # in sight, even where the reload kept the page scrolled
    expect(banner(page)).to_have_text(OFFLINE_BANNER)
    day, month, hour, minute = map(int, OFFLINE_BANNER.match(banner(page).inner_text()).groups())
    shown = page.evaluate(  # the time the page was read, as the family's device tells it
        "([d, mo, h, mi]) => { const t = new Date(); t.setMonth(mo - 1, d); t.setHours(h, mi, 0, 0); return t.getTime(); }",
        [day, month, hour, minute])
    assert abs(shown - read_at) < 2 * 60 * 1000
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"pwa-hors-ligne-notes-{width}.png")  # the banner, at the top

    # A page never read in this session: the offline page, listing what can be read.
    page.goto(f"{lea.home}fiche/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")
    assert any("/theme/portal.css?v=" in href for href in styled_offline(page))  # precached with the offline page
    expect(banner(page)).to_be_hidden()
    kept_pages = page.get_by_role("region", name="Pages disponibles hors ligne")
    expect(kept_pages.get_by_role("link", name=re.compile(r"^Les notes : liste des notes — Léa D\."))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SCREENSHOTS / f"pwa-page-hors-ligne-{width}.png", full_page=True)

    # From there, the kept page opens as the family clicks (htmx's boosted navigation).
    kept_pages.get_by_role("link", name=re.compile("^Les notes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les notes : liste des notes")
    expect(banner(page)).to_have_text(OFFLINE_BANNER)

    page.context.set_offline(False)
    page.reload()
    expect(banner(page)).to_be_hidden()  # online again: the live page, no banner


def test_after_logout_the_next_parent_gets_nothing_of_the_first_family(
    family: Callable[..., Page], lea: Pupil, live_portal: str,
) -> None:
    page = family("demo.parent")
    read_notes(page, lea)
    page.get_by_role("navigation", name="Votre compte").get_by_role("button", name="se déconnecter").click()
    expect(page).to_have_url(f"{live_portal}/connexion?deconnecte=1")
    expect(page.get_by_role("status").filter(has_text="Vous êtes déconnecté")).to_be_visible()
    until(page, f"async () => ({PAGE_CACHES})().then((names) => names.length === 0)")

    login_as(page, "demo.parent2")  # Marc Dupont, Léa's other guardian, on the same device
    controlled(page)
    page.goto(lea.home)
    kept(page, lea.home)
    page.context.set_offline(True)
    page.goto(f"{lea.home}notes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")
    expect(page.get_by_text("Sophie")).to_have_count(0)


def test_without_clear_site_data_the_page_after_logout_empties_the_kept_pages(family: Callable[..., Page], lea: Pupil) -> None:
    """A browser that ignores Clear-Site-Data (simulated: the header removed from the answer):
    the page after logout, nobody's, makes the worker and the page forget every kept page."""
    page = family("demo.parent")
    read_notes(page, lea)

    def without_header(route: Any) -> None:
        response = route.fetch()
        headers = {name: value for name, value in response.headers.items() if name.lower() != "clear-site-data"}
        assert len(headers) == len(response.headers) - 1
        route.fulfill(response=response, headers=headers)

    page.route("**/deconnexion", without_header)
    page.get_by_role("navigation", name="Votre compte").get_by_role("button", name="se déconnecter").click()
    expect(page.get_by_role("status").filter(has_text="Vous êtes déconnecté")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r !== undefined)")
    until(page, f"async () => ({PAGE_CACHES})().then((names) => names.length === 0)")
    page.context.set_offline(True)
    page.goto(f"{lea.home}notes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")


def test_another_session_on_the_device_deletes_the_pages_kept_for_the_first(
    family: Callable[..., Page], new_context: Callable[..., BrowserContext], lea: Pupil,
) -> None:
    """Even without logout (another account's session cookie in the same browser), a page of
    another session makes the worker forget what it kept: no page is ever shared."""
    page = family("demo.parent")
    read_notes(page, lea)
    first_cache = kept(page, f"{lea.home}notes/")
    other = login_as(new_context().new_page(), "demo.parent2")
    page.context.clear_cookies()
    page.context.add_cookies(other.context.cookies())
    page.goto(lea.home)  # Marc's session, never through an anonymous page
    second_cache = kept(page, lea.home)
    assert second_cache != first_cache
    assert page.evaluate(PAGE_CACHES) == [second_cache]
    page.context.set_offline(True)
    page.goto(f"{lea.home}notes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vous êtes hors ligne")


def test_a_new_version_is_announced_and_taken_only_when_asked(
    family: Callable[..., Page], portal_app: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = family("demo.parent")
    controlled(page)
    old_cache = "ts-static-" + pwa.worker_version(portal_app)
    assert old_cache in page.evaluate("caches.keys()")
    # Every change of worker in charge of the page, counted from the start of each page.
    page.add_init_script("window.changes = 0; navigator.serviceWorker.addEventListener('controllerchange', () => window.changes++);")
    monkeypatch.setattr(pwa, "worker_version", lambda app: "0123456789abcdef")  # a deployment

    page.reload()
    expect(banner(page)).to_have_text("Une nouvelle version est disponible — Recharger")
    expect(banner(page).get_by_role("button", name="Recharger")).to_be_visible()
    # It waits, not mixed in: the page keeps the worker and the files it started with.
    page.wait_for_timeout(3000)
    assert page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")
    assert page.evaluate("window.changes") == 0
    assert old_cache in page.evaluate("caches.keys()")
    # Still announced after a boosted navigation (htmx swaps the body, the banner with it).
    page.get_by_role("main").get_by_role("link", name=re.compile("^Les notes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les notes : liste des notes")
    expect(banner(page)).to_contain_text("Une nouvelle version est disponible")
    assert page.evaluate("window.changes") == 0

    with page.expect_navigation():
        banner(page).get_by_role("button", name="Recharger").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les notes : liste des notes")
    expect(banner(page)).to_be_hidden()
    until(page, "async () => (await caches.keys()).includes('ts-static-0123456789abcdef')")
    until(page, "async (old) => !(await caches.keys()).includes(old)", old_cache)
    assert not page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)")
