"""The portal with a keyboard only (RGAA AA): Tab, Shift+Tab, Enter, Escape and typing, never a click.

- log in: the fields in order, Enter submits; a refused login, and a refused form of the recovery
  of an account, are announced (an error summary ``role="alert"``, the fields ``aria-invalid`` and
  described by their message);
- the notes' filter: a period chosen by typing in « Filtre par », « Valider » with Enter, the
  results replaced and the focus still on the button;
- the dialogs of the notes (« équipe pédagogique ») and of the absences (a week's detail): the
  focus moves into the dialog, stays there, Escape (or « Fermer ») closes it, and the focus goes
  back to the link that opened it;
- the focus is visible: every element Tab reaches, on the login page, a child's home screen, the
  notes and a staff page, has an outline of a non-zero width;
- the skip link « Aller au contenu »: the first Tab stop, visible and 44 × 44 px when focused,
  Enter moves the focus to ``<main>``, and the next Tab stop is inside it;
- at 200 % zoom (a 1280 × 800 screen seen as 640 × 400 CSS px, device scale factor 2), no family
  page scrolls sideways.
"""

from __future__ import annotations

import re
from typing import Any, Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e_portail import Pupil
from pages import PAGES, STATES, get_routes, ids, visited  # noqa: F401 (ids: fixture)
from teleservices.core.testing import password_of

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id,
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ").slice(0, 60),
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    inDialog: Boolean(el.closest("dialog[open]")), inMain: Boolean(el.closest("main")),
    left: box.left, top: box.top, width: box.width, height: box.height,
  };
}"""


def focused(page: Page) -> dict[str, Any] | None:
    return page.evaluate(FOCUS)


def has_focus(locator: Locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, as a keyboard user walks the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if has_focus(target):
            return
    raise AssertionError(f"{target} jamais atteint en {limit} tabulations (dernier : {focused(page)})")


def test_login_with_the_keyboard_only(page: Page, live_portal: str, lea: Pupil) -> None:
    page.goto("/connexion")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Aller au contenu"
    identifiant, mot_de_passe = page.get_by_label("Identifiant"), page.get_by_label("Mot de passe")
    tab_to(page, identifiant)
    page.keyboard.type("demo.parent")
    page.keyboard.press("Tab")
    assert has_focus(mot_de_passe)
    page.keyboard.type(password_of("demo.parent"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_portal + lea.home)
    expect(page.get_by_role("heading", level=1)).to_have_text("Les services en ligne")


def test_a_refused_login_is_announced(page: Page) -> None:
    page.goto("/connexion")
    tab_to(page, page.get_by_label("Identifiant"))
    page.keyboard.type("demo.parent")
    page.keyboard.press("Tab")
    page.keyboard.type("pas-le-bon-mot-de-passe")
    page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Identifiant ou mot de passe incorrect.")
    alert_id = alert.get_attribute("id")
    for field in (page.get_by_label("Identifiant"), page.get_by_label("Mot de passe")):
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", alert_id)
    expect(page.get_by_label("Identifiant")).to_have_value("demo.parent")


def test_a_refused_form_is_announced_with_its_summary_and_its_field(page: Page) -> None:
    """« Identifiant oublié » with an address that is none, sent with Enter (htmx swaps the 422)."""
    page.goto("/identifiant-oublie")
    field = page.get_by_label("votre adresse e-mail")
    tab_to(page, field)
    page.keyboard.type("pas-une-adresse")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient une erreur")
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby").split()
    messages = [page.locator(f"#{ident}").inner_text() for ident in described]
    assert any("adresse" in message.lower() for message in messages), messages
    expect(field).to_have_value("pas-une-adresse")


def test_the_notes_filter_with_the_keyboard(page: Page, login_page: Callable[..., Page], lea: Pupil) -> None:
    login_page(page, "demo.parent")
    page.goto(f"{lea.home}notes/")
    periode = page.get_by_label("Filtre par")
    tab_to(page, periode)
    page.keyboard.type("T2")
    expect(periode).to_have_value("T2")
    valider = page.get_by_role("button", name="Valider")
    tab_to(page, valider, limit=3)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"periode=T2"))
    expect(page.locator(".notes-choix")).to_contain_text("T2")
    assert has_focus(valider), f"le focus est perdu après le filtre : {focused(page)}"


@pytest.mark.parametrize("service, opener", [
    ("notes", lambda page: page.get_by_role("link", name="> équipe pédagogique")),
    ("absences", lambda page: page.locator("a[href*='/absences/semaine/']").first),
])
def test_a_dialog_takes_the_focus_and_gives_it_back(
    page: Page, login_page: Callable[..., Page], lea: Pupil, service: str, opener: Callable[[Page], Locator],
) -> None:
    login_page(page, "demo.parent")
    page.goto(f"{lea.home}{service}/")
    link = opener(page)
    dialog = page.locator("dialog.dialogue")
    for close in ("Escape", "Fermer"):
        tab_to(page, link)
        page.keyboard.press("Enter")
        expect(dialog).to_be_visible()
        expect(dialog.get_by_role("heading", level=2)).to_be_focused()
        for _ in range(4):  # the page behind a modal dialog is inert: Tab stays in the dialog
            page.keyboard.press("Tab")  # (or goes to the browser's own controls, then back)
            state = focused(page)
            assert state is None or state["inDialog"], f"le focus a quitté le dialogue : {state}"
        if close == "Escape":
            page.keyboard.press("Escape")
        else:
            tab_to(page, dialog.get_by_role("button", name="Fermer"), limit=10)
            page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        assert has_focus(link), f"le focus n'est pas revenu au lien : {focused(page)}"


@pytest.mark.parametrize("persona, path", [
    ("", "/connexion"), ("demo.parent", "{home}"), ("demo.parent", "{home}notes/"),
    ("demo.chef", "/administration/services"),
])
def test_the_focus_is_always_visible(
    page: Page, login_page: Callable[..., Page], lea: Pupil, persona: str, path: str,
) -> None:
    if persona:
        login_page(page, persona)
    page.goto(path.format(home=lea.home))
    seen, invisible = 0, []
    for _ in range(60):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None:  # back to the address bar: the walk is over
            break
        seen += 1
        if state["outline"] <= 0:
            invisible.append(state)
    assert seen >= 5, f"{seen} élément(s) atteints à la tabulation"
    assert not invisible, "focus invisible :\n" + "\n".join(map(str, invisible))


@pytest.mark.parametrize("width", [360, 1280])
def test_the_skip_link_leads_to_the_content(
    page: Page, login_page: Callable[..., Page], lea: Pupil, width: int,
) -> None:
    page.set_viewport_size({"width": width, "height": 740})
    login_page(page, "demo.parent")
    page.goto(lea.home)
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Aller au contenu", skip
    assert skip["left"] >= 0 and skip["top"] >= 0 and skip["left"] + skip["width"] <= width, skip
    assert skip["width"] >= 44 and skip["height"] >= 44, f"lien d'évitement de moins de 44 px : {skip}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], f"la tabulation suivante n'est pas dans le contenu : {focused(page)}"


FAMILIES = ("demo.parent", "demo.eleve", "demo.parent3e")


@pytest.mark.parametrize("persona", FAMILIES)
def test_family_pages_at_200_percent_zoom_do_not_scroll_sideways(
    persona: str, portal_app: Any, ids: dict[str, Any], persona_page: Callable[..., Page],
    open_service: Callable[..., None],
) -> None:
    routes = get_routes(portal_app)
    for key in ("cahier", "ent_exemple"):
        if f"/eleves/{{eleve_id:int}}/{key}" in routes:
            open_service(key)
    page = persona_page(persona, viewport={"width": 640, "height": 400}, device_scale_factor=2)
    wide = []
    for visit in (p for p in visited(portal_app) if p.persona == persona):
        with STATES[visit.state](ids):
            url = visit.url.format(**ids)
            response = page.goto(url)
            assert response and response.status == 200, f"{url} : {response and response.status}"
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 640:
                wide.append(f"{url} : {width} px pour 640 px")
    assert not wide, "défilement horizontal à 200 % :\n" + "\n".join(wide)


def test_every_family_persona_has_pages() -> None:
    assert {page.persona for page in PAGES} >= set(FAMILIES)
