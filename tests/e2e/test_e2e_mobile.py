"""On a 360 px wide phone, nothing makes the page scroll sideways."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e_portail import pupil_header

PHONE = {"width": 360, "height": 740}


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_login_form_fits_a_360px_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/connexion")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    assert page_width(page) <= 360


def test_child_home_fits_a_360px_phone(page: Page, login_page) -> None:
    page.set_viewport_size(PHONE)
    login_page(page, "demo.parent")
    expect(pupil_header(page)).to_be_visible()
    assert page_width(page) <= 360
