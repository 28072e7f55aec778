"""The looks of the portal in Chromium: light, dark (the system's preference), « Contraste élevé »
(a button of the footer, with and without JavaScript), and the academy's theme served by a second
portal on the same database. axe-core finds no serious violation in any of them (in high contrast,
its 7:1 rule too); nothing scrolls sideways at 360 px; screenshots at 360 and 1280 px.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e_portail import describe, pupil_header
from teleservices.core.testing_browser import BROWSER_LOCALE
from teleservices.core.testing import login_as

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}
ACADEMY_FOOTER = ["Mentions légales", "Accessibilité : partiellement conforme", "Contact"]


@pytest.fixture(scope="module")
def academie_portal(portal_settings: Any) -> Iterator[str]:
    """The portal dressed by themes/academie, served on a port of its own (same database)."""
    import uvicorn

    from teleservices.core.app import create_app

    app = create_app(dataclasses.replace(portal_settings, theme="academie", smtp_url=""))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "le portail de l'académie n'a pas démarré"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def contexts(browser: Any) -> Iterator[Callable[..., BrowserContext]]:
    """``contexts(base_url, **options)``: a browser context (closed after the test) that may
    receive axe-core (the portal's CSP refuses the inline script Playwright writes)."""
    opened: list[BrowserContext] = []

    def make(base_url: str, **options: Any) -> BrowserContext:
        context = browser.new_context(base_url=base_url, bypass_csp=True, **{"locale": BROWSER_LOCALE, **options})
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


def violations(page: Page, enhanced_contrast: bool = False) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations; with ``enhanced_contrast``, also its 7:1 rule
    (off by default: AAA), which « Contraste élevé » promises."""
    page.add_script_tag(path=str(AXE))
    options = "{rules: {'color-contrast-enhanced': {enabled: true}}}" if enhanced_contrast else "{}"
    results = page.evaluate(f"async () => await axe.run(document, {options})")
    return [
        v for v in results["violations"]
        if v["impact"] in ("serious", "critical") or (enhanced_contrast and v["id"] == "color-contrast-enhanced")
    ]


def background_of(page: Page, selector: str) -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).backgroundColor")


def colour_of(page: Page, selector: str) -> str:
    return page.evaluate(f"getComputedStyle(document.querySelector({selector!r})).color")


def contrast_button(page: Page):
    return page.get_by_role("contentinfo").get_by_role("button", name="Contraste élevé")


def check_and_shoot(page: Page, name: str, size: str, enhanced_contrast: bool = False) -> None:
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"], f"{name} : défilement horizontal"
    found = violations(page, enhanced_contrast)
    assert not found, f"{name} ({size} px)\n" + describe(found)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"theme-{name}-{size}.png", full_page=True)


# The three looks of the default theme: (name, browser options, high contrast).
LOOKS = {
    "clair": ({"color_scheme": "light"}, False),
    "sombre": ({"color_scheme": "dark"}, False),
    "contraste": ({"color_scheme": "light"}, True),
    "contraste-sombre": ({"color_scheme": "dark"}, True),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("look", LOOKS)
def test_home_and_notes_in_each_look(contexts, live_portal: str, lea, look: str, size: str) -> None:
    options, high = LOOKS[look]
    context = contexts(live_portal, viewport=SIZES[size], **options)
    if high:
        context.add_cookies([{"name": "contraste", "value": "eleve", "url": live_portal}])
    page = login_as(context.new_page(), "demo.parent")
    expect(pupil_header(page)).to_contain_text("la scolarité de Léa D.")
    if high:
        expect(page.locator("html")).to_have_class("contraste-eleve")
    else:
        expect(page.locator("html")).not_to_have_class("contraste-eleve")
    expect(contrast_button(page)).to_have_attribute("aria-pressed", "true" if high else "false")
    page_colour = background_of(page, "#page")
    expected = {"clair": "rgb(255, 255, 255)", "sombre": "rgb(22, 27, 34)",
                "contraste": "rgb(255, 255, 255)", "contraste-sombre": "rgb(0, 0, 0)"}[look]
    assert page_colour == expected
    if high:
        assert colour_of(page, "h1") == ("rgb(0, 0, 0)" if look == "contraste" else "rgb(255, 255, 255)")
        assert page.evaluate("getComputedStyle(document.querySelector('main a')).textDecorationLine") == "underline"
    check_and_shoot(page, f"accueil-{look}", size, enhanced_contrast=high)
    page.goto(f"/eleves/{lea.id}/notes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les notes : liste des notes")
    check_and_shoot(page, f"notes-{look}", size, enhanced_contrast=high)


@pytest.mark.parametrize("look", ["clair", "sombre", "contraste"])
def test_lpc_absences_and_fiche_in_each_look(contexts, live_portal: str, lea, look: str) -> None:
    """The services whose own CSS writes light colours (paliers, weeks with absences, waiting
    requests) take the theme's in dark mode and in high contrast."""
    options, high = LOOKS[look]
    context = contexts(live_portal, viewport=SIZES["360"], **options)
    if high:
        context.add_cookies([{"name": "contraste", "value": "eleve", "url": live_portal}])
    page = login_as(context.new_page(), "demo.parent")
    for service, heading in (("lpc", "Le livret personnel de compétences"), ("absences", "demi-journées"),
                             ("fiche", "La fiche de renseignements")):
        page.goto(f"/eleves/{lea.id}/{service}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        check_and_shoot(page, f"{service}-{look}", "360", enhanced_contrast=high)


def test_staff_pages_in_dark_mode(contexts, live_portal: str) -> None:
    context = contexts(live_portal, viewport=SIZES["1280"], color_scheme="dark")
    page = login_as(context.new_page(), "demo.prof")
    for path, heading in (("/", "Accueil des personnels"), ("/administration/notes/", "Les notes : devoirs"),
                          ("/administration/lpc/", "Validation du livret personnel de compétences")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        check_and_shoot(page, f"personnel{path.replace('/', '-').rstrip('-') or '-accueil'}-sombre", "1280")


def test_high_contrast_without_javascript(open_context, live_portal: str) -> None:
    context = open_context(java_script_enabled=False, viewport=SIZES["360"])
    page = context.new_page()
    page.goto("/connexion")
    button = contrast_button(page)
    expect(button).to_have_attribute("aria-pressed", "false")
    assert colour_of(page, "h1") == "rgb(10, 79, 138)"  # the theme's blue
    button.click()
    expect(page).to_have_url(f"{live_portal}/connexion")
    expect(page.locator("html")).to_have_class("contraste-eleve")
    expect(contrast_button(page)).to_have_attribute("aria-pressed", "true")
    assert colour_of(page, "h1") == "rgb(0, 0, 0)"
    assert background_of(page, ".bandeau") == "rgb(0, 0, 0)"
    # The choice belongs to the browser: it stays after login, on every page.
    login_as(page, "demo.parent")
    expect(page.locator("html")).to_have_class("contraste-eleve")
    contrast_button(page).click()
    expect(page.locator("html")).not_to_have_class("contraste-eleve")
    expect(pupil_header(page)).to_contain_text("la scolarité de Léa D.")  # back on the same page
    expect(contrast_button(page)).to_have_attribute("aria-pressed", "false")


def test_high_contrast_with_javascript_changes_the_page_at_once(contexts, live_portal: str, lea) -> None:
    page = login_as(contexts(live_portal, viewport=SIZES["1280"]).new_page(), "demo.parent")
    page.goto(f"/eleves/{lea.id}/notes/")
    page.evaluate("window.pasRecharge = true")  # gone if the page were loaded again
    requests: list[str] = []
    page.on("request", lambda request: requests.append(f"{request.method} {request.url}"))
    contrast_button(page).click()
    expect(page.locator("html")).to_have_class("contraste-eleve")
    expect(contrast_button(page)).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.pasRecharge") is True
    assert requests == [f"POST {live_portal}/preferences/contraste"]
    assert colour_of(page, "h1") == "rgb(0, 0, 0)"
    # An htmx (boosted) navigation keeps <html> and its class; a reload reads the cookie.
    page.get_by_role("navigation", name="Votre compte").get_by_role("link", name="gérer son compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gérer son compte")
    expect(page.locator("html")).to_have_class("contraste-eleve")
    expect(contrast_button(page)).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator("html")).to_have_class("contraste-eleve")
    contrast_button(page).click()
    expect(page.locator("html")).not_to_have_class("contraste-eleve")
    expect(contrast_button(page)).to_have_attribute("aria-pressed", "false")
    page.reload()
    expect(page.locator("html")).not_to_have_class("contraste-eleve")


def test_keyboard_reaches_the_switch_with_a_visible_thick_ring(contexts, live_portal: str) -> None:
    context = contexts(live_portal, viewport=SIZES["1280"])
    context.add_cookies([{"name": "contraste", "value": "eleve", "url": live_portal}])
    page = context.new_page()
    page.goto("/connexion")
    contrast_button(page).focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused from the keyboard: :focus-visible
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]; })()"
    )
    assert ring == ["solid", "4px"]
    page.keyboard.press("Enter")
    expect(page.locator("html")).not_to_have_class("contraste-eleve")


# --- The academy's theme ----------------------------------------------------------------------

ACADEMY_PAGES = [
    ("demo.parent", "/eleves/{lea}/", "accueil"),
    ("demo.parent", "/eleves/{lea}/notes/", "notes"),
    ("demo.eleve", "/eleves/{lea}/", "eleve-accueil"),
    ("demo.chef", "/administration/services", "personnel-services"),
]


def expect_academy(page: Page) -> None:
    logo = page.get_by_role("banner").locator('img[src^="/static/theme/logo.svg?v="]')
    expect(logo).to_be_visible()
    assert page.evaluate("document.querySelector('.marque img').naturalWidth") > 0
    expect(page.get_by_role("banner").get_by_role("link", name="Académie de Lille scolarité services")).to_be_visible()
    footer = page.get_by_role("contentinfo")
    for label in ACADEMY_FOOTER:
        expect(footer.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(contrast_button(page)).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_academy_theme(contexts, academie_portal: str, lea, size: str, scheme: str) -> None:
    context = contexts(academie_portal, viewport=SIZES[size], color_scheme=scheme)
    page = context.new_page()
    page.goto("/connexion")
    expect_academy(page)
    favicon = page.evaluate("fetch(document.querySelector('link[rel=icon]').href).then(r => r.text())")
    assert "#7a1f3d" in favicon  # the academy's own favicon, not the default theme's
    look = "" if scheme == "light" else "-sombre"
    check_and_shoot(page, f"academie-connexion{look}", size)
    current = None
    for persona, path, name in ACADEMY_PAGES:
        if persona != current:
            context.clear_cookies()
            login_as(page, persona)
            current = persona
        page.goto(path.format(lea=lea.id))
        expect_academy(page)
        check_and_shoot(page, f"academie-{name}{look}", size)
    # Its high contrast is the default theme's black and white.
    contrast_button(page).click()
    expect(page.locator("html")).to_have_class("contraste-eleve")
    assert background_of(page, ".bandeau") == ("rgb(0, 0, 0)")
    check_and_shoot(page, f"academie-personnel-services-contraste{look}", size, enhanced_contrast=True)
