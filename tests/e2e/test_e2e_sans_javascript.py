"""The same flows in a browser without JavaScript: plain links and forms."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e_portail import (
    COLLEGE_SERVICES, LYCEE_SERVICES, account_menu, children_switcher, expect_home_of,
)
from teleservices.core.demo import COLLEGE, LYCEE


def test_parent_logs_in_without_javascript(page_without_js: Page, login_page, live_portal: str, lea) -> None:
    page = page_without_js
    login_page(page, "demo.parent")
    expect(page).to_have_url(live_portal + lea.home)
    expect_home_of(page, lea, "4G", COLLEGE, COLLEGE_SERVICES)


def test_parent_switches_child_by_following_the_link(page_without_js: Page, login_page, live_portal: str, hugo) -> None:
    page = page_without_js
    login_page(page, "demo.parent")
    children_switcher(page).get_by_role("link", name=hugo.full_name).click()
    expect(page).to_have_url(live_portal + hugo.home)
    expect_home_of(page, hugo, "2NDE1", LYCEE, LYCEE_SERVICES)


def test_parent_logs_out_without_javascript(page_without_js: Page, login_page, live_portal: str, lea) -> None:
    page = page_without_js
    login_page(page, "demo.parent")
    expect(page).to_have_url(live_portal + lea.home)
    account_menu(page).get_by_role("button", name="se déconnecter").click()
    expect(page).to_have_url(live_portal + "/connexion?deconnecte=1")
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")
    page.goto("/")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()


def test_wrong_password_without_javascript(page_without_js: Page) -> None:
    page = page_without_js
    page.goto("/connexion")
    page.get_by_label("Identifiant").fill("demo.parent")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    expect(page.get_by_label("Identifiant")).to_have_value("demo.parent")
