"""The portal in English, in a browser (issue 11, « Languages »).

A parent whose browser speaks English finds the login form in English, reads the home screen and
the grades in English — dates the English way (« Mon 23/06/2014 »), decimals with a point — then
switches to French with the footer's button: the account keeps the choice, so the next browser,
though it speaks English, gets French. Screenshots at 360 and 1280 px, no sideways scrolling on
a phone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Page, expect

from teleservices.core.tables import Compte
from teleservices.core.testing import password_of, run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}
PARENT = "demo.parent2"  # Léa's second parent: their choice is put back after each test


@pytest.fixture
def language_put_back() -> Iterator[None]:
    before = run(Compte.select(Compte.langue).where(Compte.identifiant == PARENT).first())["langue"]
    yield
    run(Compte.update({Compte.langue: before}).where(Compte.identifiant == PARENT))


def log_in_english(page: Page) -> None:
    page.goto("/connexion")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Username").fill(PARENT)
    page.get_by_label("Password").fill(password_of(PARENT))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/connexion" not in url)


@pytest.mark.parametrize("size", SIZES)
def test_an_english_family_reads_in_english_then_chooses_french_for_the_account(
    open_context: Callable[..., Any], lea: Any, size: str, language_put_back: None,
) -> None:
    page = open_context(locale="en-GB", viewport=SIZES[size]).new_page()
    log_in_english(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Online services")).to_be_visible()
    expect(page.get_by_text(f"born on {lea.date_naiss:%d/%m/%Y}")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"langue-en-accueil-{size}.png", full_page=True)

    page.get_by_role("link", name=re.compile(r"^Grades")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grades")
    expect(page.get_by_role("button", name="Confirm")).to_be_visible()  # the filter's « Valider »
    table = page.locator("main table").first
    expect(table).to_contain_text(re.compile(r"\d+\.\d"))  # 12.5, not 12,5
    page.screenshot(path=SCREENSHOTS / f"langue-en-notes-{size}.png", full_page=True)
    if size == "360":
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The footer's switch: French now, for this account.
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Les notes")
    assert run(Compte.select(Compte.langue).where(Compte.identifiant == PARENT).first())["langue"] == "fr"

    # Another browser that speaks English: once logged in, the account's French wins.
    other = open_context(locale="en-GB", viewport=SIZES[size]).new_page()
    log_in_english(other)
    expect(other.locator("html")).to_have_attribute("lang", "fr")
    expect(other.get_by_role("heading", name="Services en ligne")).to_be_visible()


def test_dates_are_written_the_languages_way_in_the_absences_calendar(
    open_context: Callable[..., Any], lea: Any, language_put_back: None,
) -> None:
    page = open_context(locale="en-GB").new_page()
    log_in_english(page)
    page.goto(f"/eleves/{lea.id}/absences/")
    main = page.locator("main")
    expect(main).to_contain_text(re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b"))
    expect(main).not_to_contain_text(re.compile(r"\b(lun|mar|mer|jeu|ven)\.\s"))
