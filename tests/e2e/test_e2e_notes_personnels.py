"""A teacher, on a phone and on a computer, creates a devoir, enters its grades (one typing
error, corrected without retyping the others) and publishes it; then imports grades from a CSV
file. The devoirs made here are deleted after the test."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from notes_support import a_school_day, devoirs_cleaned, services  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))

pytestmark = pytest.mark.usefixtures("devoirs_cleaned")


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("width", [360, 1280])
def test_a_teacher_creates_grades_and_publishes_a_devoir(open_context: Any, login_page: Any, services: Any,
                                                         tmp_path: Path, width: int) -> None:
    page = open_context(viewport={"width": width, "height": 900}).new_page()
    login_page(page, "demo.prof")
    page.get_by_role("link", name="Les notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les notes : devoirs")
    # Reached by a boosted link (htmx swaps the body only): the page's own stylesheet came with it.
    expect(page.locator('link[href^="/static/notes/personnels.css?v="]')).to_have_count(1)
    page.get_by_role("link", name="Créer un devoir").click()

    structure = services.mine["division_libelle"] or services.mine["code_structure"]
    page.get_by_label("Classe ou groupe et matière").select_option(label=f"{structure} – {services.mine['matiere_libelle']}")
    page.get_by_label("Libellé du contrôle").fill(f"Contrôle E2E {width}")
    page.get_by_label("Date").fill(a_school_day(services.etablissement_id).isoformat())
    page.get_by_label("Coefficient").fill("2")
    page.get_by_role("button", name="Créer le devoir").click()
    expect(page.get_by_role("status")).to_contain_text("Le devoir est créé")
    no_horizontal_scroll(page)

    fields = page.locator("table.notes-eleves input")
    fields.nth(0).fill("15,5")
    fields.nth(1).fill("25")
    fields.nth(2).fill("abs")
    page.get_by_role("button", name="Enregistrer les notes").click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient une erreur")
    expect(page.locator("table.notes-eleves .erreur-champ")).to_have_text("La note doit être comprise entre 0 et 20.")
    expect(fields.nth(0)).to_have_value("15,5")
    fields.nth(1).fill("12")
    page.get_by_role("button", name="Enregistrer les notes").click()
    expect(page.get_by_role("status")).to_contain_text("3 note(s) ajoutée(s)")
    expect(fields.nth(2)).to_have_value("ABS")

    page.get_by_role("button", name="Publier les notes").click()
    expect(page.get_by_role("status")).to_contain_text("Les notes du devoir sont publiées")
    no_horizontal_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"notes-personnels-devoir-{width}.png", full_page=True)

    first = page.locator("table.notes-eleves th label").first.inner_text()
    nom, prenom = first.split(" ", 1)
    csv = tmp_path / "notes.csv"
    csv.write_bytes(f"NOM;PRENOM;NOTE\n{nom};{prenom};18\n".encode("cp1252"))
    page.get_by_label("Fichier CSV").set_input_files(csv)
    page.get_by_role("button", name="Lire le fichier").click()
    expect(page.get_by_role("status")).to_contain_text("Le fichier est lisible : 1 note(s)")
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status")).to_contain_text("1 modifiée(s)")
    expect(fields.nth(0)).to_have_value("18")

    page.get_by_role("link", name="Les notes", exact=True).click()
    row = page.get_by_role("row").filter(has_text=f"Contrôle E2E {width}")
    expect(row).to_contain_text("publié")
    no_horizontal_scroll(page)
    page.screenshot(path=SCREENSHOTS / f"notes-personnels-liste-{width}.png", full_page=True)
