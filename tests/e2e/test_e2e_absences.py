"""Les absences (guide 3.5) in Chromium: a parent opens the absences, switches to T2 and to a
month, with and without JavaScript, opens a week's detail and « Contacter la vie scolaire »;
screenshots at 360 and 1280 px, no sideways scrolling on a phone, no serious axe-core violation.

What the page should show is computed here from the database (the counting rule written again
in SQL: constatée, classée, motif légitime, one per half-day), so that the test follows the demo
data rather than copying it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from e2e_portail import describe
from teleservices.core.testing import run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}
TITLE = "Le nombre par semaine des demi-journées où au moins une absence a été signalée et traitée"
MOIS = ("Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre",
        "Novembre", "Décembre")


async def _counted(eleve_id: int, debut: dt.date, fin: dt.date) -> int:
    from teleservices.plugins.absences.tables import AbsencesAbsence

    rows = await AbsencesAbsence.raw(
        "SELECT COUNT(*) AS n FROM (SELECT DISTINCT date, demi_journee FROM absences_absence WHERE eleve_id = {} "
        "AND date >= {} AND date <= {} AND etat = 'constatee' AND classee = {} AND motif_legitime = {}) t",
        eleve_id, debut, fin, True, True)
    return rows[0]["n"]


async def _periods(eleve_id: int) -> dict[str, tuple[dt.date, dt.date]]:
    from teleservices.core.tables import Eleve, Periode

    eleve = await Eleve.select(Eleve.etablissement).where(Eleve.id == eleve_id).first()
    rows = await Periode.select().where(Periode.etablissement == eleve["etablissement"])
    return {row["code"]: (row["debut"], row["fin"]) for row in rows}


@pytest.fixture(scope="module")
def periods(lea: Any) -> dict[str, tuple[dt.date, dt.date]]:
    return run(_periods(lea.id))


def month_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """« Septembre 2026 », its first and last day."""
    last = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return f"{MOIS[day.month - 1]} {day.year}", day.replace(day=1), last


def total_shown(page: Page) -> int:
    status = page.locator(".absences-resultats").get_by_role("status")
    return int(re.search(r"(\d+)\s+demi-journée", status.inner_text()).group(1))


def open_absences(page: Page) -> None:
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^\s*Les absences")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def filter_by(page: Page, choice: str) -> None:
    page.get_by_label("Filtre par").select_option(label=choice)
    page.get_by_role("button", name="Valider").click()
    status = page.locator(".absences-resultats").get_by_role("status")
    expected = {"(Toutes les périodes)": "Toutes les périodes"}.get(choice, choice)
    expect(status).to_contain_text(expected)


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_parent_opens_the_absences_then_t2_then_a_month(parent_home: Page, lea, periods) -> None:
    page = parent_home
    open_absences(page)
    today = dt.date.today()
    label, first, last = month_of(min(max(today, periods["T1"][0]), periods["T3"][1]))
    expect(page.get_by_label("Filtre par")).to_have_value(f"{first:%Y-%m}")  # the current month by default
    assert total_shown(page) == run(_counted(lea.id, first, last))
    page.evaluate("window.pasRecharge = true")  # gone if the browser loads a whole page

    filter_by(page, "T2")
    expect(page).to_have_url(re.compile(r"[?&]periode=T2$"))
    assert total_shown(page) == run(_counted(lea.id, *periods["T2"]))

    label, first, last = month_of(periods["T1"][0])
    filter_by(page, label)
    expect(page).to_have_url(re.compile(rf"[?&]periode={first:%Y-%m}$"))
    assert total_shown(page) == run(_counted(lea.id, first, last))
    numbers = page.get_by_role("table").locator("tbody th").all_inner_texts()
    assert numbers and numbers == sorted(numbers, key=int, reverse=True), numbers  # latest week first
    assert page.evaluate("window.pasRecharge === true"), "le filtre a rechargé toute la page au lieu du tableau"


def test_parent_filters_without_javascript(page_without_js: Page, login_page, lea, periods) -> None:
    page = login_page(page_without_js, "demo.parent")
    open_absences(page)
    filter_by(page, "(Toutes les périodes)")
    expect(page).to_have_url(re.compile(rf"/eleves/{lea.id}/absences/\?periode=toutes$"))
    year = (periods["T1"][0], periods["T3"][1])
    assert total_shown(page) == run(_counted(lea.id, *year))
    page.get_by_role("link", name="> Contacter la vie scolaire").click()
    expect(page.get_by_role("heading", name="La vie scolaire")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("@"))).to_have_attribute("href", re.compile("^mailto:"))


def test_the_vie_scolaire_dialog_and_a_weeks_detail(parent_home: Page) -> None:
    page = parent_home
    open_absences(page)
    link = page.get_by_role("link", name="> Contacter la vie scolaire")
    link.click()
    dialog = page.get_by_role("dialog", name="La vie scolaire")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("link", name=re.compile("@"))).to_have_attribute("href", re.compile("^mailto:"))
    expect(dialog).to_contain_text("téléphone")
    expect(dialog).to_contain_text("télécopie")
    expect(dialog.get_by_role("heading", name="La vie scolaire")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()

    filter_by(page, "(Toutes les périodes)")
    week = page.get_by_role("link", name=re.compile(r"voir le détail de la semaine")).first
    count = int(week.inner_text().split()[0])
    week.click()
    detail = page.get_by_role("dialog", name=re.compile(r"^Semaine \d+"))
    expect(detail).to_be_visible()
    expect(detail.get_by_role("listitem")).to_have_count(count)
    page.get_by_role("button", name="Fermer").click()
    expect(detail).to_be_hidden()


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_and_no_sideways_scrolling(open_context, login_page, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = login_page(open_context(viewport=SIZES[size]).new_page(), "demo.parent")
    open_absences(page)
    filter_by(page, "(Toutes les périodes)")
    page.screenshot(path=SCREENSHOTS / f"absences-{size}.png", full_page=True)
    assert size != "360" or page_width(page) <= 360
    page.get_by_role("link", name="> Contacter la vie scolaire").click()
    expect(page.get_by_role("dialog", name="La vie scolaire")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"absences-vie-scolaire-{size}.png")
    assert size != "360" or page_width(page) <= 360


def test_absences_page_and_dialog_have_no_serious_accessibility_violation(
    audited_page: Page, login_page, serious_violations,
) -> None:
    page = login_page(audited_page, "demo.parent")
    open_absences(page)
    filter_by(page, "(Toutes les périodes)")
    violations = serious_violations(page)
    assert not violations, describe(violations)
    page.get_by_role("link", name="> Contacter la vie scolaire").click()
    expect(page.get_by_role("dialog", name="La vie scolaire")).to_be_visible()
    violations = serious_violations(page)
    assert not violations, describe(violations)
