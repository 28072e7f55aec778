"""The teachers' « Validation du livret personnel de compétences » in Chromium, on a phone and on a
computer: the teacher chooses a class, a palier and a compétence (htmx swaps the grid and the URL
follows; another palier brings its own compétences), finds every box by its label, makes one
mistake, corrects it without retyping the rest, and saves; without JavaScript the same forms
work. One card per pupil, nothing scrolls sideways at 360 px; no serious axe-core violation.
The class's LPC rows are set aside for each test and come back after it."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lpc_support import lpc_class, lpc_journal, validations_of  # noqa: F401 (fixtures)
from teleservices.core.api import structures, today
from teleservices.core.testing import run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
PALIER_3, PALIER_2 = "Palier 3 (fin troisième)", "Palier 2 (fin CM2)"

pytestmark = pytest.mark.usefixtures("lpc_journal")


@pytest.fixture
def classe(lea: Any, lpc_class: Any) -> dict[str, Any]:
    """Léa's class (4G), its pupils starting with nothing validated, and another pupil of it."""
    from teleservices.core.tables import Eleve

    etablissement = run(Eleve.select(Eleve.etablissement).where(Eleve.id == lea.id).first())["etablissement"]
    division = next(s for s in run(structures(etablissement)) if s["code_structure"] == "4G")
    eleves = lpc_class(division["id"])
    autre = next(p for p in eleves if p["id"] != lea.id)
    return {"division": division, "eleves": eleves, "autre": f"{autre['nom_de_famille']} {autre['prenom']}"}


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def competence(ref: str):
    return re.compile(rf"^Compétence {ref} – ")


def choose(page: Page, ref: str) -> None:
    page.get_by_label("Classe", exact=True).select_option(label="4G")
    select_by_label(page, "Compétence", competence(ref))
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("h2.lpc-titre")).to_have_text(competence(ref))


def select_by_label(page: Page, label: str, pattern: re.Pattern) -> None:
    """Choose the option whose text matches (Playwright's select_option wants the exact text)."""
    select = page.get_by_label(label, exact=True)
    texts = select.locator("option").all_inner_texts()
    select.select_option(label=next(t for t in texts if pattern.search(t)))


@pytest.mark.parametrize("width", [360, 1280])
def test_a_teacher_validates_items_and_competence_2(open_context: Any, login_page: Any, lea: Any, classe: Any,
                                                   width: int) -> None:
    page = open_context(viewport={"width": width, "height": 900}).new_page()
    login_page(page, "demo.prof")
    page.get_by_role("main").get_by_role("link", name="Le livret personnel de compétences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Validation du livret personnel de compétences")
    expect(page.get_by_label("Palier", exact=True)).to_have_value("3")

    # Another palier brings its compétences at once (htmx), then back to palier 3.
    page.get_by_label("Palier", exact=True).select_option(label=PALIER_2)
    expect(page.get_by_label("Compétence", exact=True).locator("option")).to_have_count(8)
    page.get_by_label("Palier", exact=True).select_option(label=PALIER_3)
    expect(page.get_by_label("Compétence", exact=True).locator("option")).to_have_count(7)

    page.get_by_label("Classe", exact=True).select_option(label="4G")
    select_by_label(page, "Compétence", competence("2"))
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("h2.lpc-titre")).to_have_text(competence("2"))
    expect(page).to_have_url(re.compile(rf"division={classe['division']['id']}&palier=3&competence=2$"))
    expect(page.locator(".lpc-legende li")).to_have_count(16)
    expect(page.locator("fieldset.lpc-eleve")).to_have_count(len(classe["eleves"]))
    no_horizontal_scroll(page)

    page.get_by_label("Item 1 – DUPONT Léa", exact=True).check()
    page.get_by_label("Item 3 – DUPONT Léa", exact=True).check()
    page.get_by_label(f"Item 2 – {classe['autre']}", exact=True).check()
    page.get_by_label("Compétence validée – DUPONT Léa").check()  # the date shows the day; no language yet
    expect(page.get_by_label("Date de validation – DUPONT Léa")).to_have_value(today().isoformat())
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient une erreur")
    expect(page.locator(".lpc-eleve .erreur-champ")).to_have_text("Indiquez la langue (par exemple « ANGLAIS LV1 »).")
    expect(page.get_by_label("Item 3 – DUPONT Léa", exact=True)).to_be_checked()
    expect(page.get_by_label(f"Item 2 – {classe['autre']}", exact=True)).to_be_checked()
    expect(page.get_by_label("Compétence validée – DUPONT Léa")).to_be_checked()
    no_horizontal_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"lpc-personnels-erreur-{width}.png", full_page=True)

    page.get_by_label("Langue – DUPONT Léa").fill("ANGLAIS LV1")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        "Les validations sont enregistrées : 3 item(s) validé(s), 0 retiré(s) ; 1 compétence(s) validée(s), "
        "0 modifiée(s), 0 retirée(s).")
    expect(page.get_by_label("Item 1 – DUPONT Léa", exact=True)).to_be_checked()
    expect(page.get_by_label("Item 2 – DUPONT Léa", exact=True)).not_to_be_checked()
    expect(page.get_by_label("Langue – DUPONT Léa")).to_have_value("ANGLAIS LV1")
    no_horizontal_scroll(page)
    page.screenshot(path=SCREENSHOTS / f"lpc-personnels-{width}.png", full_page=True)
    assert {code for (eleve, code) in validations_of([lea.id])} == {"P3.C2", "P3.C2.D1.I1", "P3.C2.D1.I3"}


def test_without_javascript_the_same_forms_work(page_without_js: Page, login_page: Any, lea: Any,
                                                classe: Any) -> None:
    page = page_without_js
    login_page(page, "demo.prof")
    page.goto("/administration/lpc/")
    page.get_by_label("Classe", exact=True).select_option(label="4G")
    page.get_by_label("Palier", exact=True).select_option(label=PALIER_2)
    page.get_by_role("button", name="Afficher").click()  # palier 2, its first compétence
    expect(page.locator("h2.lpc-titre")).to_have_text(competence("1"))
    page.get_by_label("Item 4 – DUPONT Léa", exact=True).check()
    page.get_by_label("Compétence validée – DUPONT Léa").check()
    page.get_by_label("Date de validation – DUPONT Léa").fill("2025-06-20")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("1 item(s) validé(s)")
    expect(page.get_by_label("Date de validation – DUPONT Léa")).to_have_value("2025-06-20")
    rows = validations_of([lea.id])
    assert set(rows) == {(lea.id, "P2.C1.D1.I4"), (lea.id, "P2.C1")}
    assert str(rows[(lea.id, "P2.C1")]["date"])[:10] == dt.date(2025, 6, 20).isoformat()


def test_no_serious_accessibility_violation(audited_page: Page, login_page: Any, serious_violations: Any,
                                            classe: Any) -> None:
    page = audited_page
    page.set_viewport_size({"width": 360, "height": 740})
    login_page(page, "demo.prof")
    page.goto("/administration/lpc/")
    choose(page, "1")
    page.get_by_label("Date de validation – DUPONT Léa").fill("2999-01-01")  # a date to come, without the box
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert serious_violations(page) == []
