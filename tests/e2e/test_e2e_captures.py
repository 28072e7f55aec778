"""Screenshots of the login page and the demo parent's home at 360 px and 1280 px.

Written to test-results/screenshots/ (ignored by git) so that a test run leaves the tree clean;
`make screenshots` writes them to docs/screenshots/, which the README shows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e_portail import PASSWORD, pupil_header

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
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
