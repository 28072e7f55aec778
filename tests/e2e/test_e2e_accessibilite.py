"""axe-core on the pages every family sees: no "serious" or "critical" violation."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e_portail import describe, pupil_header


def test_login_page_has_no_serious_accessibility_violation(audited_page: Page, serious_violations) -> None:
    page = audited_page
    page.goto("/connexion")
    expect(page.get_by_label("Identifiant")).to_be_visible()
    violations = serious_violations(page)
    assert not violations, describe(violations)


def test_child_home_has_no_serious_accessibility_violation(audited_page: Page, login_page, serious_violations) -> None:
    page = login_page(audited_page, "demo.parent")
    expect(pupil_header(page)).to_contain_text("la scolarité de Léa D.")
    violations = serious_violations(page)
    assert not violations, describe(violations)
