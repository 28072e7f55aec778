"""axe-core on the pages every family sees: no "serious" or "critical" violation."""

from __future__ import annotations

from typing import Callable

from playwright.sync_api import Page, expect

from e2e_portail import PASSWORD, describe, pupil_header


def test_login_page_has_no_serious_accessibility_violation(audited_page: Page, serious_violations) -> None:
    page = audited_page
    page.goto("/connexion")
    expect(page.get_by_label("Identifiant")).to_be_visible()
    violations = serious_violations(page)
    assert not violations, describe(violations)


def test_child_home_has_no_serious_accessibility_violation(audited_page: Page, serious_violations, lea) -> None:
    page = audited_page
    page.goto("/connexion")
    page.get_by_label("Identifiant").fill("demo.parent")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(pupil_header(page)).to_contain_text("la scolarité de Léa D.")
    violations = serious_violations(page)
    assert not violations, describe(violations)
