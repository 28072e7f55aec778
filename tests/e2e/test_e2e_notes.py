"""Les notes (guide 3.4) in Chromium: a parent filters the grades by period and subject, with
and without JavaScript, opens the teaching team and an average's explanation, the pupil sees the
same grades, a teacher publishes a devoir that the parent then sees; screenshots at 360 and 1280
px, no sideways scrolling on a phone, no serious axe-core violation.

What the page should show is read from the database (periods, subjects, published devoirs), so
that the test follows the demo data rather than copying it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from pathlib import Path
from dataclasses import dataclass
from typing import Any, Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from e2e_portail import describe
from teleservices.core.testing import run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}
TITLE = "Les notes : liste des notes"


# --- What the database says the page should show ------------------------------------------------

async def _periods(eleve_id: int) -> dict[str, tuple[dt.date, dt.date]]:
    from teleservices.core.tables import Eleve, Periode

    eleve = await Eleve.select(Eleve.etablissement).where(Eleve.id == eleve_id).first()
    rows = await Periode.select(Periode.code, Periode.debut, Periode.fin).where(
        Periode.etablissement == eleve["etablissement"])
    return {row["code"]: (row["debut"], row["fin"]) for row in rows}


@pytest.fixture(scope="module")
def periods(lea: Any) -> dict[str, tuple[dt.date, dt.date]]:
    """The collège's periods: code → (first day, last day)."""
    return run(_periods(lea.id))


async def _visits() -> list[dict[str, Any]]:
    from teleservices.plugins.notes.tables import NotesVisite

    return await NotesVisite.select()


async def _put_back_visits(rows: list[dict[str, Any]]) -> None:
    from teleservices.plugins.notes.tables import NotesVisite

    await NotesVisite.delete(force=True)
    if rows:
        await NotesVisite.insert(*(NotesVisite(**row) for row in rows))


@pytest.fixture(scope="module", autouse=True)
def visits_kept(live_portal: str) -> Iterator[None]:
    """Opening the page records a visit (what is « nouveau » next time): put the demo's back."""
    rows = run(_visits())
    yield
    run(_put_back_visits(rows))


# --- What the page shows ----------------------------------------------------------------------

def notes_table(page: Page) -> Locator:
    return page.get_by_role("table", name="Liste des notes")


def grades(page: Page) -> list[dict[str, str]]:
    """The table's rows, each as {column header: the cell's text}, whatever its layout."""
    return page.evaluate("""() => {
        const table = [...document.querySelectorAll('table')].find(t => t.caption && t.caption.textContent.includes('Liste des notes'));
        const headers = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
        return [...table.querySelectorAll('tbody tr')].filter(tr => tr.querySelectorAll('td').length > 1).map(tr => {
            const cells = [...tr.querySelectorAll('th, td')].map(c => c.textContent.replace(/\\s+/g, ' ').trim());
            return Object.fromEntries(headers.map((h, i) => [h, cells[i]]));
        });
    }""")


def day(text: str) -> dt.date:
    return dt.datetime.strptime(text.strip()[:10], "%d/%m/%Y").date()


def open_notes(page: Page) -> None:
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^\s*Les notes")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(notes_table(page)).to_be_visible()


def filter_by(page: Page, periode: str | None = None, matiere: str | None = None) -> None:
    """Choose in « Filtre par » and « et par », « Valider », and wait for the table to say so."""
    if periode is not None:
        page.get_by_label("Filtre par").select_option(label=periode)
    if matiere is not None:
        page.get_by_label("et par").select_option(label=matiere)
    page.get_by_role("button", name="Valider").click()
    status = page.locator(".notes-resultats").get_by_role("status")
    if periode is not None:
        expect(status).to_contain_text("Toutes les périodes" if periode.startswith("(") else f"Période : {periode}")
    if matiere is not None:
        expect(status).to_contain_text(f", {matiere} —")


def subjects_offered(page: Page) -> list[str]:
    """The subjects of the « et par » list, without « (Toutes les matières) »."""
    labels = page.get_by_label("et par").locator("option").all_text_contents()
    return [label.strip() for label in labels if not label.startswith("(")]


def expect_in_period(rows: list[dict[str, str]], start: dt.date, end: dt.date) -> None:
    assert rows, "aucune note affichée"
    for row in rows:
        assert start <= day(row["Date"]) <= end, row


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def focus_in_dialog(page: Page) -> bool:
    return page.evaluate("() => !!document.activeElement && !!document.activeElement.closest('dialog[open]')")


# --- The parent, with JavaScript --------------------------------------------------------------

def test_parent_filters_by_period_then_subject_and_goes_back(parent_home: Page, live_portal: str, lea, periods) -> None:
    page = parent_home
    open_notes(page)
    expect(page).to_have_url(re.compile(rf"/eleves/{lea.id}/notes/"))
    page.evaluate("window.pasRecharge = true")  # gone if the browser loads a whole page

    filter_by(page, periode="T2")
    expect(page).to_have_url(re.compile(r"[?&]periode=T2(&|$)"))
    expect_in_period(grades(page), *periods["T2"])
    in_t2 = grades(page)
    assert len({row["Matière"] for row in in_t2}) > 1, "T2 devrait avoir des notes de plusieurs matières"

    subject = next(s for s in subjects_offered(page) if any(row["Matière"].startswith(s) for row in in_t2))
    filter_by(page, matiere=subject)
    expect(page).to_have_url(re.compile(r"[?&]periode=T2&matiere=\d+"))
    only = grades(page)
    assert only and all(row["Matière"].startswith(subject) for row in only), only
    assert len(only) < len(in_t2)
    assert page.evaluate("window.pasRecharge === true"), "le filtre a rechargé toute la page au lieu du tableau"

    page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]periode=T2(&matiere=)?$"))
    expect(page.get_by_label("et par")).to_have_value("")
    expect(page.get_by_label("Filtre par")).to_have_value("T2")
    expect(notes_table(page).locator("tbody tr")).to_have_count(len(in_t2))
    page.go_forward()
    expect(page).to_have_url(re.compile(r"[?&]matiere=\d+"))
    expect(notes_table(page).locator("tbody tr")).to_have_count(len(only))


def test_parent_filters_without_javascript(page_without_js: Page, login_page, live_portal: str, lea, periods) -> None:
    page = login_page(page_without_js, "demo.parent")
    open_notes(page)
    filter_by(page, periode="T2")
    expect(page).to_have_url(re.compile(rf"/eleves/{lea.id}/notes/\?periode=T2&matiere=$"))
    in_t2 = grades(page)
    expect_in_period(in_t2, *periods["T2"])
    subject = next(s for s in subjects_offered(page) if in_t2[0]["Matière"].startswith(s))
    filter_by(page, matiere=subject)
    expect(page).to_have_url(re.compile(r"\?periode=T2&matiere=\d+$"))
    expect(page.get_by_label("Filtre par")).to_have_value("T2")
    only = grades(page)
    assert only and all(row["Matière"].startswith(subject) for row in only), only
    expect_in_period(only, *periods["T2"])


# --- Dialogs: the teaching team, how an average is computed -------------------------------------

def test_teaching_team_dialog_takes_the_focus_and_gives_it_back(parent_home: Page) -> None:
    page = parent_home
    open_notes(page)
    link = page.get_by_role("link", name="> équipe pédagogique")
    link.click()
    dialog = page.get_by_role("dialog", name="Équipe pédagogique")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Professeur principal : ")
    expect(dialog.locator("dt")).not_to_have_count(0)
    assert focus_in_dialog(page), "le focus n'est pas dans la boîte de dialogue"
    # Reading starts at the dialog's title (on a phone, focusing its last button scrolled it down).
    expect(dialog.get_by_role("heading", name="Équipe pédagogique")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(link).to_be_focused()
    expect(page).to_have_url(re.compile(r"/notes/$"))


def test_teaching_team_is_a_page_without_javascript(page_without_js: Page, login_page, lea) -> None:
    page = login_page(page_without_js, "demo.parent")
    open_notes(page)
    page.get_by_role("link", name="> équipe pédagogique").click()
    expect(page).to_have_url(re.compile(rf"/eleves/{lea.id}/notes/equipe$"))
    expect(page.get_by_role("heading", name="Équipe pédagogique")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Professeur principal : ")
    page.get_by_role("link", name="Retour à la liste des notes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)


def averages(page: Page) -> Locator:
    return page.get_by_role("region", name="Moyennes de la période")


def test_parent_reads_how_an_average_is_computed(parent_home: Page) -> None:
    page = parent_home
    open_notes(page)
    filter_by(page, periode="T1")
    rows = grades(page)
    first = averages(page).get_by_role("row").nth(1)
    subject = first.get_by_role("rowheader").inner_text().strip()
    shown = first.get_by_role("cell").first.inner_text().strip()
    first.get_by_role("link", name=re.compile("Comment est-elle calculée ?")).click()

    dialog = page.get_by_role("dialog", name=re.compile(rf"Moyenne de {re.escape(subject)} \(T1\)"))
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Moyenne : {shown} sur 20")
    taken = dialog.get_by_role("list").first.get_by_role("listitem")
    of_subject = [row for row in rows if row["Matière"].startswith(subject)]
    numeric = [row for row in of_subject if re.match(r"\d", row["Note"])]
    expect(taken).to_have_count(len(numeric))
    expect(dialog.get_by_role("heading", name="Notes prises en compte")).to_be_visible()
    expect(dialog.get_by_role("heading", name="Notes non prises en compte")).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    averages(page).get_by_role("link", name=re.compile(r"Comment est-elle calculée \? \(moyenne générale\)")).click()
    general = page.get_by_role("dialog", name=re.compile(r"Moyenne générale \(T1\)"))
    expect(general).to_contain_text(f"{subject} : {shown}/20")


def test_average_explanation_is_a_page_without_javascript(page_without_js: Page, login_page, lea) -> None:
    page = login_page(page_without_js, "demo.parent")
    open_notes(page)
    averages(page).get_by_role("link", name=re.compile("Comment est-elle calculée")).first.click()
    expect(page).to_have_url(re.compile(rf"/eleves/{lea.id}/notes/moyenne\?matiere=\d+&periode=T\d$"))
    expect(page.get_by_role("heading", name="Notes prises en compte")).to_be_visible()
    expect(page.get_by_role("heading", name="Notes non prises en compte")).to_be_visible()


# --- The pupil, and what is published -----------------------------------------------------------

async def _published_for(eleve_id: int) -> Counter[tuple[str, str]]:
    """(date, libellé) of every published devoir the pupil has a grade for."""
    from teleservices.plugins.notes.tables import NotesNote

    rows = await NotesNote.select(NotesNote.devoir.date, NotesNote.devoir.libelle).where(
        (NotesNote.eleve_id == eleve_id) & (NotesNote.devoir.publie == True)  # noqa: E712
    )
    return Counter((f"{row['devoir.date']:%d/%m/%Y}", row["devoir.libelle"]) for row in rows)


def without_badge(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{k: v.replace(" nouveau", "") for k, v in row.items()} for row in rows]


def test_pupil_sees_the_same_grades_as_the_parent_and_only_published_ones(
    open_context, login_page, lea,
) -> None:
    seen = {}
    for identifiant in ("demo.parent", "demo.eleve"):
        page = login_page(open_context().new_page(), identifiant)
        open_notes(page)
        filter_by(page, periode="(Toutes les périodes)")
        expect(page).to_have_url(re.compile(r"periode=toutes"))
        seen[identifiant] = without_badge(grades(page))
    assert seen["demo.parent"] == seen["demo.eleve"]
    shown = Counter((row["Date"], row["Contrôle"]) for row in seen["demo.eleve"])
    assert shown == run(_published_for(lea.id))


# --- On a phone and on a desktop; for everyone ------------------------------------------------

@pytest.mark.parametrize("size", SIZES)
def test_screenshots_and_no_sideways_scrolling(open_context, login_page, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = login_page(open_context(viewport=SIZES[size]).new_page(), "demo.parent")
    open_notes(page)
    filter_by(page, periode="T1")
    expect(page).to_have_url(re.compile(r"periode=T1"))
    page.screenshot(path=SCREENSHOTS / f"notes-{size}.png", full_page=True)
    assert size != "360" or page_width(page) <= 360
    for link, name, shot in (
        (page.get_by_role("link", name="> équipe pédagogique"), "Équipe pédagogique", "notes-equipe"),
        (averages(page).get_by_role("link", name=re.compile("Comment est-elle calculée")).first,
         re.compile("comment est-elle calculée"), "notes-moyenne"),
    ):
        link.click()
        dialog = page.get_by_role("dialog", name=name)
        expect(dialog).to_be_visible()
        page.screenshot(path=SCREENSHOTS / f"{shot}-{size}.png")
        assert size != "360" or page_width(page) <= 360
        page.keyboard.press("Escape")
        expect(dialog).to_be_hidden()


def test_notes_page_and_dialogs_have_no_serious_accessibility_violation(
    audited_page: Page, login_page, serious_violations,
) -> None:
    page = login_page(audited_page, "demo.parent")
    open_notes(page)
    violations = serious_violations(page)
    assert not violations, describe(violations)
    for link, name in (
        (page.get_by_role("link", name="> équipe pédagogique"), "Équipe pédagogique"),
        (averages(page).get_by_role("link", name=re.compile("Comment est-elle calculée")).first,
         re.compile("comment est-elle calculée")),
    ):
        link.click()
        expect(page.get_by_role("dialog", name=name)).to_be_visible()
        violations = serious_violations(page)
        assert not violations, describe(violations)
        page.keyboard.press("Escape")


# --- A teacher publishes, the parent sees ---------------------------------------------------------

@dataclass(frozen=True)
class Devoir:
    id: int
    libelle: str
    date: str  # as the pages show it
    division: str


async def _unpublish_a_devoir_of_petit(eleve_id: int) -> tuple[Devoir, dict[str, Any]]:
    """The latest first-term devoir Claire PETIT (demo.prof) gave the pupil's class, unpublished
    for the test; returns it and its publication as it was."""
    from teleservices.core.tables import Compte, Eleve
    from teleservices.plugins.notes.tables import NotesDevoir

    prof = await Compte.select(Compte.enseignant).where(Compte.identifiant == "demo.prof").first()
    eleve = await Eleve.select(Eleve.division, Eleve.division.code_structure).where(Eleve.id == eleve_id).first()
    t1_end = (await _periods(eleve_id))["T1"][1]
    row = await NotesDevoir.select().where(
        (NotesDevoir.enseignant_id == prof["enseignant"]) & (NotesDevoir.division_id == eleve["division"])
        & (NotesDevoir.date <= t1_end)
    ).order_by(NotesDevoir.date, ascending=False).first()
    before = {"publie": row["publie"], "publie_le": row["publie_le"]}
    await NotesDevoir.update({NotesDevoir.publie: False, NotesDevoir.publie_le: None}).where(NotesDevoir.id == row["id"])
    devoir = Devoir(row["id"], row["libelle"], f"{row['date']:%d/%m/%Y}", eleve["division.code_structure"])
    return devoir, before


async def _restore_publication(devoir_id: int, before: dict[str, Any]) -> None:
    from teleservices.plugins.notes.tables import NotesDevoir

    await NotesDevoir.update(before).where(NotesDevoir.id == devoir_id)


@pytest.fixture
def unpublished_devoir(live_portal: str, lea) -> Iterator[Devoir]:
    devoir, before = run(_unpublish_a_devoir_of_petit(lea.id))
    yield devoir
    run(_restore_publication(devoir.id, before))


def rows_of(page: Page, devoir: Devoir) -> Locator:
    return notes_table(page).locator("tbody tr").filter(has_text=devoir.date).filter(has_text=devoir.libelle)


def test_teacher_publishes_a_devoir_and_the_parent_then_sees_it(
    open_context, login_page, unpublished_devoir: Devoir,
) -> None:
    devoir = unpublished_devoir
    parent = login_page(open_context().new_page(), "demo.parent")
    open_notes(parent)
    filter_by(parent, periode="T1")
    expect(rows_of(parent, devoir)).to_have_count(0)

    prof = login_page(open_context().new_page(), "demo.prof")
    prof.get_by_role("link", name="Les notes").click()
    prof.get_by_label("Classe ou groupe").select_option(label=devoir.division)
    prof.get_by_role("button", name="Afficher").click()
    row = prof.get_by_role("row").filter(has_text=devoir.date).filter(has=prof.get_by_role("link", name=devoir.libelle))
    expect(row).to_contain_text("non publié")
    row.get_by_role("link", name=devoir.libelle).click()
    expect(prof.get_by_role("heading", level=1)).to_have_text(devoir.libelle)
    prof.get_by_role("button", name="Publier les notes").click()
    expect(prof.get_by_role("status")).to_contain_text("Les notes du devoir sont publiées")
    expect(prof.get_by_role("button", name="Retirer la publication")).to_be_visible()

    parent.reload()
    published = rows_of(parent, devoir)
    expect(published).to_have_count(1)
    expect(published).to_contain_text("nouveau")
