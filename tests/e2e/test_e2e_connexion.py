"""Logging in and out, as a family does with the letter from the school."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e_portail import account_menu


def test_logout_returns_to_login_page(parent_home: Page, live_portal: str) -> None:
    page = parent_home
    account_menu(page).get_by_role("button", name="se déconnecter").click()
    expect(page).to_have_url(live_portal + "/connexion?deconnecte=1")
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()


def test_after_logout_the_portal_asks_to_log_in_again(parent_home: Page, live_portal: str) -> None:
    page = parent_home
    account_menu(page).get_by_role("button", name="se déconnecter").click()
    expect(page.get_by_role("status")).to_contain_text("Vous êtes déconnecté")
    page.goto("/")
    expect(page).to_have_url(live_portal + "/connexion?suivant=/")
    expect(page.get_by_label("Identifiant")).to_be_visible()
    expect(page.get_by_label("Mot de passe")).to_be_visible()


def test_wrong_password_is_refused_and_the_identifier_kept(page: Page, live_portal: str) -> None:
    page.goto("/connexion")
    page.get_by_label("Identifiant").fill("demo.parent")
    page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    expect(page).to_have_url(live_portal + "/connexion")
    identifier = page.get_by_label("Identifiant")
    expect(identifier).to_have_value("demo.parent")
    # The message is tied to the fields, for screen readers too.
    expect(identifier).to_have_accessible_description("Identifiant ou mot de passe incorrect.")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    expect(page.get_by_label("Mot de passe")).to_have_accessible_description("Identifiant ou mot de passe incorrect.")
