"""Every page of the portal, for the persona that sees it, on a 360 px phone and a 1280 px screen.

The pages are those of ``pages.py``, classified from the portal's own route table: a new GET
route fails ``test_every_route_is_classified`` until it is listed there (a page, with who sees it)
or excluded with its reason (a download, a feed, JSON).

Each page is opened at 360 px and at 1280 px wide, in one browser context per persona (logged in
once, pages in sequence), and must have, at both widths:

- no axe-core violation of impact « serious » or « critical » (RGAA AA);
- ``<html lang="fr">``; exactly one ``<main>`` and one ``<h1>``, the first heading; headings in
  order: going down, no level is skipped (an h2 may be followed by an h3, never by an h4);
- a label for every form field: a ``<label>`` (``for`` or around it), ``aria-labelledby`` or
  ``aria-label``, with text;
- at 360 px: no horizontal scrolling (``scrollWidth <= innerWidth``), and touch targets of at
  least 44 × 44 CSS pixels.

The rule for touch targets (WCAG 2.5.5, 44 px, with the « inline » exception of 2.5.8): every
rendered link (``a[href]``), button (``button``, ``input`` of type submit, button or reset, an
element of role button) and ``summary`` is measured by its bounding box. Exempt are: a link
inside running text — its own ``display`` is ``inline`` and the nearest block around it holds
other text than the link's (a sentence: « … <a>aide</a> … »), since its height is the line's; an
element outside the screen (the skip link, until focused: ``test_e2e_clavier.py`` measures it
focused); what is not rendered (a closed ``<dialog>``, ``hidden``). Everything else — a link alone
in its list item or cell, a menu entry, a button — is a target a thumb must hit.

Screenshots of every page at both widths go to ``TELESERVICES_SCREENSHOTS_DIR/pages`` (default
``test-results/screenshots/pages``). The rows this test needs and the demo lacks (a fiche request,
an API key, a finished SIECLE import, a password reset link, Mélanie's enrolment at step 3 then
confirmed) are made for it and removed after; the cahier de textes and the example ENT plugin, when
installed, are opened in the collège for the test and put back as they were.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page as BrowserPage
from playwright.sync_api import expect

from e2e_portail import describe, services_listed
from pages import ANONYMOUS, PAGES, STATES, Page, get_routes, ids, stale, unclassified, visited  # noqa: F401 (ids: fixture)
from teleservices.core.testing import PERSONAS as DEMO_PERSONAS

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots")) / "pages"
PHONE, SCREEN = {"width": 360, "height": 740}, {"width": 1280, "height": 800}
PERSONAS = list(dict.fromkeys(page.persona for page in PAGES))

# Run in the page: what axe-core does not check, or not the way the portal promises.
AUDIT = """(phone) => {
  const rendered = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    const id = el.id ? "#" + el.id : "";
    return `<${el.tagName.toLowerCase()}${id}> « ${text.slice(0, 50)} »`;
  };
  const textOf = (ids) => ids.split(/\\s+/).map((id) => document.getElementById(id))
    .filter(Boolean).map((el) => el.textContent.trim()).join(" ");
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(rendered)
    .map((h) => ({level: Number(h.tagName[1]), text: h.textContent.trim().replace(/\\s+/g, " ").slice(0, 60)}));
  const fields = [...document.querySelectorAll("input, select, textarea")].filter((el) =>
    !["hidden", "submit", "button", "reset", "image"].includes((el.getAttribute("type") || "").toLowerCase())
    && rendered(el));
  const unlabelled = fields.filter((el) => {
    const labels = [...(el.labels || [])].map((l) => l.textContent.trim()).join("");
    const labelledby = el.getAttribute("aria-labelledby");
    return !labels && !(labelledby && textOf(labelledby)) && !(el.getAttribute("aria-label") || "").trim();
  }).map((el) => `<${el.tagName.toLowerCase()} name="${el.getAttribute("name") || ""}">`);
  const blockAround = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith("inline")) node = node.parentElement;
    return node;
  };
  const inRunningText = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const block = blockAround(el);
    const around = block ? block.textContent.replace(el.textContent, "") : "";
    return around.replace(/[\\s|·,.:;()\\[\\]›»«\\-–—]/g, "").length > 0;
  };
  const small = [];
  if (phone) {
    const targets = document.querySelectorAll(
      'a[href], button, input[type="submit"], input[type="button"], input[type="reset"], [role="button"], summary');
    for (const el of targets) {
      if (!rendered(el) || el.closest("dialog:not([open])")) continue;
      const box = el.getBoundingClientRect();
      if (box.right <= 0) continue;  // off the screen: the skip link until it is focused
      if (inRunningText(el)) continue;
      if (box.width < 43.5 || box.height < 43.5) {
        small.push(`${describe(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
  }
  return {
    lang: document.documentElement.getAttribute("lang"),
    mains: document.querySelectorAll("main, [role=main]").length,
    headings,
    unlabelled,
    small,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
}"""


def problems_of(audit: dict[str, Any], phone: bool) -> list[str]:
    """What the page breaks of the rules of the module's docstring, one line each."""
    found = []
    if audit["lang"] != "fr":
        found.append(f'<html lang="{audit["lang"]}">, attendu lang="fr"')
    if audit["mains"] != 1:
        found.append(f'{audit["mains"]} <main>, attendu 1')
    levels = [h["level"] for h in audit["headings"]]
    if levels.count(1) != 1:
        found.append(f"{levels.count(1)} h1, attendu 1 : {audit['headings']}")
    elif levels[0] != 1:
        found.append(f"le premier titre n'est pas le h1 : {audit['headings'][0]}")
    for before, after in zip(audit["headings"], audit["headings"][1:]):
        if after["level"] > before["level"] + 1:
            found.append(f"niveau de titre sauté : h{before['level']} « {before['text']} » puis "
                         f"h{after['level']} « {after['text']} »")
    for field in audit["unlabelled"]:
        found.append(f"champ sans étiquette : {field}")
    if phone:
        if audit["scrollWidth"] > audit["innerWidth"]:
            found.append(f"défilement horizontal : {audit['scrollWidth']} px pour {audit['innerWidth']} px")
        for target in audit["small"]:
            found.append(f"cible tactile de moins de 44 px : {target}")
    return found


def check(browser_page: BrowserPage, page: Page, url: str, serious_violations: Callable[..., Any],
          live_portal: str) -> list[str]:
    """Open the page at both widths; its problems, each line prefixed with the width and the address."""
    found = []
    for size in (PHONE, SCREEN):
        browser_page.set_viewport_size(size)
        response = browser_page.goto(url)
        width = size["width"]
        where = f"[{page.persona or 'anonyme'} {width} px] {url}"
        if response is None or response.status != 200:
            found.append(f"{where} : statut {response.status if response else 'aucun'}")
            continue
        if urlsplit(browser_page.url).path != urlsplit(live_portal + url).path:
            found.append(f"{where} : redirigé vers {browser_page.url}")
            continue
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser_page.screenshot(path=SCREENSHOTS / f"{page.name}-{width}.png", full_page=True)
        found += [f"{where} : {line}" for line in problems_of(browser_page.evaluate(AUDIT, width == 360), width == 360)]
        violations = serious_violations(browser_page)
        if violations:
            found.append(f"{where} : axe-core\n{describe(violations)}")
    return found


# --- the tests ---------------------------------------------------------------------------------


def test_every_route_is_classified(portal_app: Any) -> None:
    """A GET route is a page of PAGES, or excluded with its reason; no row names a route gone."""
    assert unclassified(portal_app) == [], (
        "routes GET à classer dans tests/e2e/pages.py (PAGES : une page et son persona ; EXCLUDED : la raison)")
    assert stale(portal_app) == [], "lignes de tests/e2e/pages.py qui ne nomment plus aucune route"
    assert {page.persona for page in PAGES if page.persona} <= set(DEMO_PERSONAS)


def test_every_state_of_the_page_list_is_known() -> None:
    assert {page.state for page in PAGES} <= set(STATES)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda persona: persona or "anonyme")
def test_every_page_is_accessible_and_fits_a_phone(
    persona: str, portal_app: Any, ids: dict[str, Any], persona_page: Callable[..., BrowserPage],
    open_context: Callable[..., Any], open_service: Callable[..., None], serious_violations: Callable[..., Any],
    live_portal: str,
) -> None:
    routes = get_routes(portal_app)
    if "/eleves/{eleve_id:int}/cahier" in routes:
        open_service("cahier")
    if "/eleves/{eleve_id:int}/ent_exemple" in routes:
        open_service("ent_exemple")
    if persona == ANONYMOUS:
        browser_page = open_context(bypass_csp=True).new_page()
    else:
        # axe-core is injected by Playwright: only this test's contexts bypass the portal's CSP.
        browser_page = persona_page(persona, bypass_csp=True)
    if persona == "demo.academie":
        browser_page.get_by_role("button", name="Choisir COLLEGE JEAN MOULIN", exact=False).first.click()
        expect(browser_page.get_by_text("Vous travaillez désormais sur cet établissement.")).to_be_visible()
    found: list[str] = []
    mine = [page for page in visited(portal_app) if page.persona == persona]
    assert mine, f"aucune page pour {persona or 'anonyme'}"
    for page in mine:
        with STATES[page.state](ids):
            found += check(browser_page, page, page.url.format(**ids), serious_violations, live_portal)
    assert not found, f"{len(found)} problème(s) :\n" + "\n".join(found)


def test_services_with_a_mobile_format_are_marked_on_the_home_screen(
    portal_app: Any, persona_page: Callable[..., BrowserPage], lea: Any,
) -> None:
    """Guide 3.1: « Les services suffixés d'une icône sont disponibles au format mobile »: the
    icon follows the label of each service whose ServiceSpec says mobile=True, of no other, and a
    legend under the list says what it means; on a phone, it sits on the label's line."""
    specs = portal_app.state.plugins.services.values()
    page = persona_page("demo.parent", viewport=PHONE)
    expect(page).to_have_url(re.compile(re.escape(lea.home) + "$"))
    checked = {True: [], False: []}
    for spec in specs:
        name = str(spec.label)  # in French, as the persona's browser asks
        item = services_listed(page).filter(has_text=re.compile(rf"^\s*{re.escape(name)}(\s|$)"))
        if item.count() == 0:  # not offered to Léa
            continue
        icon = item.get_by_role("img", name="disponible au format mobile")
        expect(icon).to_have_count(1 if spec.mobile else 0)
        if spec.mobile:
            label, mark = item.locator(".titre").first.bounding_box(), icon.bounding_box()
            assert label["x"] < mark["x"] and mark["x"] + mark["width"] <= PHONE["width"], (spec.label, label, mark)
            assert mark["y"] < label["y"] + label["height"], f"l'icône de « {spec.label} » n'est pas sur sa ligne"
        checked[spec.mobile].append(spec.label)
    assert checked[True] and checked[False], checked
    legend = page.locator(".legende-mobile")
    expect(legend).to_have_text(re.compile(r"^Les services suivis de\s+sont disponibles au format mobile\.$"))
    expect(legend.get_by_role("img", name="l'icône téléphone")).to_be_visible()
