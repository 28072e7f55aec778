"""« Liens externes » in Chromium, on a phone and on a computer: the academy administrator adds a
link for the whole academy (a refused address first, corrected without retyping the rest), the
parent finds it on their child's home screen after the services, and it opens in a new tab that
knows neither the portal's window nor its address. Screenshots of the staff page, its form and the
home screen at 360 and 1280 px; nothing scrolls sideways; no serious axe-core violation. The links
made here are deleted after each test."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, Route, expect

from e2e_portail import COLLEGE_SERVICES, services_listed
from liens_support import ENT, liens_cleaned  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
ORIENTATION = "https://orientation.example.org/"

pytestmark = pytest.mark.usefixtures("liens_cleaned")


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def the_other_site(route: Route) -> None:
    """No internet here: the other site answers from the test."""
    route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>Orientation</title><h1>Orientation</h1>")


def academy_administrator_on_the_college(page: Page, login_page: Any) -> None:
    login_page(page, "demo.academie")
    expect(page).to_have_url(re.compile(r"/administration/etablissements$"))
    page.get_by_role("button", name=re.compile(r"^Choisir COLLEGE JEAN MOULIN")).click()
    expect(page.get_by_role("status")).to_have_text("Vous travaillez désormais sur cet établissement.")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_academy_administrator_adds_a_link_the_parent_opens_in_a_new_tab(
    open_context: Any, login_page: Any, live_portal: str, lea: Any, width: int,
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    viewport = {"width": width, "height": 900}
    admin = open_context(viewport=viewport).new_page()
    academy_administrator_on_the_college(admin, login_page)
    admin.get_by_role("main").get_by_role("link", name="Liens externes (ENT)").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Liens externes")
    expect(admin.get_by_role("region", name="Liens de l'académie LILLE")).to_contain_text(ENT)
    no_horizontal_scroll(admin)
    admin.screenshot(path=SCREENSHOTS / f"liens-administration-{width}.png", full_page=True)

    admin.get_by_role("link", name="Ajouter un lien").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Ajouter un lien")
    admin.get_by_label("Libellé").fill("Orientation après la 3e")
    admin.get_by_label("Adresse (URL)").fill("javascript:alert(document.cookie)")
    admin.get_by_label("Calendrier").check()
    admin.get_by_label("Élèves").uncheck()
    admin.get_by_label("Ordre d'affichage").fill("5")
    expect(admin.get_by_label("Toute l'académie LILLE : chaque établissement de l'académie")).to_be_checked()
    admin.get_by_role("button", name="Ajouter le lien").click()
    expect(admin.get_by_role("alert")).to_contain_text("Le formulaire contient une erreur")
    expect(admin.locator("#erreur-url")).to_contain_text("doit commencer par https://")
    # Everything else is as typed.
    expect(admin.get_by_label("Libellé")).to_have_value("Orientation après la 3e")
    expect(admin.get_by_label("Calendrier")).to_be_checked()
    expect(admin.get_by_label("Élèves")).not_to_be_checked()
    no_horizontal_scroll(admin)
    admin.screenshot(path=SCREENSHOTS / f"liens-formulaire-{width}.png", full_page=True)
    admin.get_by_label("Adresse (URL)").fill(ORIENTATION)
    admin.get_by_role("button", name="Ajouter le lien").click()
    expect(admin.get_by_role("status")).to_contain_text("Le lien est ajouté")
    expect(admin.get_by_role("region", name="Liens de l'académie LILLE")).to_contain_text("Orientation après la 3e")

    family = open_context(viewport=viewport)
    family.route(re.compile(r"^https://orientation\.example\.org/"), the_other_site)
    parent = family.new_page()
    login_page(parent, "demo.parent")
    expect(parent).to_have_url(live_portal + lea.home)
    link = parent.get_by_role("link", name="Orientation après la 3e (nouvel onglet)")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    # After the services, before the ENT (order 5, then 10).
    items = parent.get_by_role("main").get_by_role("listitem")
    expect(items.last).to_contain_text(ENT)
    expect(items.nth(items.count() - 2)).to_contain_text("Orientation après la 3e")
    expect(services_listed(parent).last).to_contain_text(COLLEGE_SERVICES[-1])
    no_horizontal_scroll(parent)
    parent.screenshot(path=SCREENSHOTS / f"liens-accueil-{width}.png", full_page=True)

    with family.expect_page() as new_tab:
        link.click()
    other = new_tab.value
    other.wait_for_load_state()
    assert other.url == ORIENTATION
    expect(other.get_by_role("heading", level=1)).to_have_text("Orientation")
    assert other.evaluate("window.opener === null")  # noopener: it cannot reach the portal's window
    assert other.evaluate("document.referrer") == ""  # noreferrer: nor learn where it came from
    assert parent.url == live_portal + lea.home  # the portal stays where it was


def test_no_serious_accessibility_violation(audited_page: Page, login_page: Any, serious_violations: Any) -> None:
    academy_administrator_on_the_college(audited_page, login_page)
    audited_page.goto("/administration/liens/")
    assert serious_violations(audited_page) == []
    audited_page.goto("/administration/liens/nouveau")
    audited_page.get_by_label("Adresse (URL)").fill("data:text/html,x")
    audited_page.get_by_role("button", name="Ajouter le lien").click()
    expect(audited_page.get_by_role("alert")).to_be_visible()
    assert serious_violations(audited_page) == []
