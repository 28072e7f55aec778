"""The vie scolaire's « Saisie des absences » in Chromium, on a phone and on a computer: the CPE
chooses a class and a day (htmx swaps the grid and the URL follows), finds every field by its
label, makes one mistake, corrects it without retyping the rest, and saves; without JavaScript
the same forms work. The grid becomes cards at 360 px and nothing scrolls sideways; no serious
axe-core violation. The absences made here are deleted after each test."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from absences_support import absences_cleaned  # noqa: F401 (fixture)
from teleservices.core.api import periods, pupils_of_structure, structures
from teleservices.core.testing import run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))

pytestmark = pytest.mark.usefixtures("absences_cleaned")


@pytest.fixture(scope="module")
def saisie(lea: Any) -> dict[str, Any]:
    """Léa's class (4G), another pupil of it, and a school day before today (or the year's first
    Monday when the year has not begun). Signalée absences are allowed on any day."""
    from teleservices.core.tables import Eleve

    etablissement = run(Eleve.select(Eleve.etablissement).where(Eleve.id == lea.id).first())["etablissement"]
    division = next(s for s in run(structures(etablissement)) if s["code_structure"] == "4G")
    other = next(p for p in run(pupils_of_structure(division["id"])) if p["id"] != lea.id)
    annee = run(periods(etablissement))
    debut, fin = min(p["debut"] for p in annee), max(p["fin"] for p in annee)
    jour = min(dt.date.today() - dt.timedelta(days=1), fin)
    while jour.weekday() > 4:
        jour -= dt.timedelta(days=1)
    if jour < debut:
        jour = debut + dt.timedelta(days=(7 - debut.weekday()) % 7)
    return {"division": division, "autre": f"{other['nom_de_famille']} {other['prenom']}", "jour": jour}


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def choose(page: Page, saisie: dict[str, Any]) -> None:
    page.get_by_label("Classe", exact=True).select_option(label="4G")
    page.get_by_label("Jour", exact=True).fill(saisie["jour"].isoformat())
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("table.absences-grille caption")).to_contain_text("4G, ")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_cpe_enters_absences_of_a_class(persona_page: Any, live_portal: str, saisie: Any, width: int) -> None:
    page = persona_page("demo.cpe", viewport={"width": width, "height": 900})
    page.get_by_role("main").get_by_role("link", name="Les absences").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Saisie des absences")
    expect(page.locator('link[href^="/static/absences/personnels.css?v="]')).to_have_count(1)

    choose(page, saisie)  # htmx: the grid region alone, and the URL follows
    expect(page).to_have_url(re.compile(rf"division={saisie['division']['id']}&jour={saisie['jour'].isoformat()}$"))
    display = page.locator("table.absences-grille tbody tr").first.evaluate("e => getComputedStyle(e).display")
    assert display == ("block" if width == 360 else "table-row")  # one card per pupil on a phone
    no_horizontal_scroll(page)

    page.get_by_label("État – DUPONT Léa – matin").select_option(label="Signalée")
    page.get_by_label("Motif – DUPONT Léa – matin").fill("Rendez-vous médical")
    page.get_by_label(f"Classée – {saisie['autre']} – après-midi").check()  # ticked without an absence
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Le formulaire contient une erreur")
    expect(page.locator(".absences-grille .erreur-champ")).to_contain_text("coché sans absence")
    expect(page.get_by_label("État – DUPONT Léa – matin")).to_have_value("signalee")
    expect(page.get_by_label("Motif – DUPONT Léa – matin")).to_have_value("Rendez-vous médical")
    no_horizontal_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"absences-personnels-erreur-{width}.png", full_page=True)

    page.get_by_label(f"Classée – {saisie['autre']} – après-midi").uncheck()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Les absences sont enregistrées : 1 ajoutée(s)")
    expect(page.get_by_label("Motif – DUPONT Léa – matin")).to_have_value("Rendez-vous médical")
    no_horizontal_scroll(page)
    page.screenshot(path=SCREENSHOTS / f"absences-personnels-{width}.png", full_page=True)


def test_without_javascript_the_same_forms_work(page_without_js: Page, login_page: Any, saisie: Any) -> None:
    page = page_without_js
    login_page(page, "demo.cpe")
    page.goto("/administration/absences/")
    choose(page, saisie)
    page.get_by_label("État – DUPONT Léa – après-midi").select_option(label="Signalée")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("1 ajoutée(s)")
    expect(page.get_by_label("État – DUPONT Léa – après-midi")).to_have_value("signalee")


def test_no_serious_accessibility_violation(audited_page: Page, login_page: Any, serious_violations: Any,
                                            saisie: Any) -> None:
    page = audited_page
    page.set_viewport_size({"width": 360, "height": 740})
    login_page(page, "demo.cpe")
    page.goto("/administration/absences/")
    choose(page, saisie)
    page.get_by_label(f"Classée – {saisie['autre']} – matin").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert serious_violations(page) == []


MOIS = ("Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre",
        "Novembre", "Décembre")


def total_for(page: Page, jour: dt.date) -> int:
    """The parent's total of half-days for the month of ``jour``, as the absences page says it."""
    page.get_by_label("Filtre par").select_option(label=f"{MOIS[jour.month - 1]} {jour.year}")
    page.get_by_role("button", name="Valider").click()
    status = page.locator(".absences-resultats").get_by_role("status")
    expect(status).to_contain_text(f"{MOIS[jour.month - 1]} {jour.year}")
    return int(re.search(r"(\d+)\s+demi-journée", status.inner_text()).group(1))


def test_what_the_cpe_records_and_classifies_the_parent_sees_counted(persona_page: Any, lea: Any, saisie: Any) -> None:
    from teleservices.plugins.absences.tables import MATIN, AbsencesAbsence

    parent = persona_page("demo.parent")
    parent.goto(f"/eleves/{lea.id}/absences/")
    before = total_for(parent, saisie["jour"])
    # The demo's software may already have counted that morning: then it counts once still.
    deja = run(AbsencesAbsence.exists().where(
        (AbsencesAbsence.eleve_id == lea.id) & (AbsencesAbsence.date == saisie["jour"])
        & (AbsencesAbsence.demi_journee == MATIN) & (AbsencesAbsence.etat == "constatee")
        & (AbsencesAbsence.classee == True) & (AbsencesAbsence.motif_legitime == True)))  # noqa: E712

    cpe = persona_page("demo.cpe")
    cpe.goto("/administration/absences/")
    choose(cpe, saisie)
    matin, apres_midi = "DUPONT Léa – matin", "DUPONT Léa – après-midi"
    # The demo's absences come from the software (read-only here): the portal's own half-days start empty.
    expect(cpe.get_by_label(f"État – {matin}")).to_have_value("")
    expect(cpe.get_by_label(f"État – {apres_midi}")).to_have_value("")
    cpe.get_by_label(f"État – {matin}").select_option(label="Constatée")
    cpe.get_by_label(f"Classée – {matin}").check()
    cpe.get_by_label(f"Motif légitime – {matin}").check()
    cpe.get_by_label(f"Motif – {matin}").fill("Maladie")
    cpe.get_by_label(f"État – {apres_midi}").select_option(label="Constatée")  # not classée yet: not counted
    cpe.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(cpe.get_by_role("status").filter(has_text="Les absences sont enregistrées")).to_contain_text("2 ajoutée(s)")

    parent.reload()
    assert total_for(parent, saisie["jour"]) == before + (0 if deja else 1)
