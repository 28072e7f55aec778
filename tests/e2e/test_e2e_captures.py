"""Screenshots of the login page and the demo parent's home, for docs/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e_portail import PASSWORD, pupil_header

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_login_and_home(open_context, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page: Page = open_context(viewport=SIZES[size]).new_page()
    page.goto("/connexion")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"connexion-{size}.png", full_page=True)
    page.get_by_label("Identifiant").fill("demo.parent")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(pupil_header(page)).to_contain_text("la scolarité de Léa D.")
    page.screenshot(path=SCREENSHOTS / f"accueil-{size}.png", full_page=True)
    assert (SCREENSHOTS / f"accueil-{size}.png").stat().st_size > 0
