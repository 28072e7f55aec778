"""Le livret personnel de compétences (guide 3.6) in Chromium: a parent opens the LPC, opens
compétence 3's detail without leaving the page (and without JavaScript, in the page), downloads
the PDF; the pupil sees the same; screenshots at 360 and 1280 px, no sideways scrolling on a
phone, no serious axe-core violation. What should show is read from the database."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from e2e_portail import describe
from teleservices.core.testing import run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}
TITLE = "Le livret personnel de compétences"


async def _validated(eleve_id: int) -> dict[str, Any]:
    from teleservices.plugins.lpc.tables import LpcValidation

    rows = await LpcValidation.select(LpcValidation.code, LpcValidation.date).where(LpcValidation.eleve_id == eleve_id)
    return {row["code"]: row["date"] for row in rows}


@pytest.fixture(scope="module")
def validated(lea: Any) -> dict[str, Any]:
    return run(_validated(lea.id))


def open_lpc(page: Page) -> None:
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^\s*Le livret personnel de compétences")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def competence_3(page: Page):
    return page.get_by_role("link", name=re.compile(r"^Compétence 3 – "))


def test_parent_opens_competence_3_and_downloads_the_pdf(parent_home: Page, lea, validated) -> None:
    page = parent_home
    open_lpc(page)
    expect(page.get_by_text("Palier 3 (fin troisième)")).to_be_visible()
    expect(page.locator(".lpc-competence")).to_have_count(7)
    page.evaluate("window.pasRecharge = true")
    competence_3(page).click()
    detail = page.locator("#detail-P3-C3")
    expect(detail.get_by_role("heading", level=4).first).to_be_visible()
    items = [code for code in validated if code.startswith("P3.C3.")]
    expect(detail.get_by_text(re.compile(r"^✓ validé le"))).to_have_count(len(items))
    assert page.evaluate("window.pasRecharge === true"), "le détail a rechargé toute la page"
    expect(page).to_have_url(re.compile(rf"/eleves/{lea.id}/lpc/$"))

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le livret (PDF)").click()
    content = Path(download.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert f"{lea.nom} {lea.prenom}" in text and "Palier 3 — Bilan détaillé en date du" in text
    assert download.value.suggested_filename.endswith(".pdf")


def test_without_javascript_the_detail_opens_in_the_page(page_without_js: Page, login_page) -> None:
    page = login_page(page_without_js, "demo.parent")
    open_lpc(page)
    competence_3(page).click()
    expect(page).to_have_url(re.compile(r"\?competence=P3\.C3#P3-C3$"))
    expect(page.locator("#detail-P3-C3").get_by_role("heading", level=4).first).to_be_visible()


def test_the_pupil_sees_the_same_livret(open_context, login_page) -> None:
    seen = {}
    for identifiant in ("demo.parent", "demo.eleve"):
        page = login_page(open_context().new_page(), identifiant)
        open_lpc(page)
        seen[identifiant] = [" ".join(t.split()) for t in page.locator(".lpc-competence").all_inner_texts()]
    assert seen["demo.parent"] == seen["demo.eleve"]


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_and_no_sideways_scrolling(open_context, login_page, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = login_page(open_context(viewport=SIZES[size]).new_page(), "demo.parent")
    open_lpc(page)
    competence_3(page).click()
    expect(page.locator("#detail-P3-C3 h4").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"lpc-{size}.png", full_page=True)
    assert size != "360" or page.evaluate("document.documentElement.scrollWidth") <= 360


def test_lpc_page_has_no_serious_accessibility_violation(audited_page: Page, login_page, serious_violations) -> None:
    page = login_page(audited_page, "demo.parent")
    open_lpc(page)
    competence_3(page).click()
    expect(page.locator("#detail-P3-C3 h4").first).to_be_visible()
    violations = serious_violations(page)
    assert not violations, describe(violations)
