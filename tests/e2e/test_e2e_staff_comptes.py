"""The head of the demo collège creates the accounts of a class and prints the letters.

The class is made for the test (two pupils, three legal guardians) in the demo collège, and
deleted afterwards with every account created for it: the demo stays as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, expect

from teleservices.core.tables import Compte, CompteEleve, Division, Eleve, Etablissement, Responsable, ResponsableEleve
from teleservices.core.testing import run

PREFIX = "E2ECPT"
CLASS = "9Z"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))


async def _clean() -> None:
    pupils = [r["id"] for r in await Eleve.select(Eleve.id).where(Eleve.eleve_id.like(f"{PREFIX}%"))]
    people = [r["id"] for r in await Responsable.select(Responsable.id).where(Responsable.personne_id.like(f"{PREFIX}%"))]
    accounts = set()
    if pupils:
        accounts |= {r["compte"] for r in await CompteEleve.select(CompteEleve.compte).where(CompteEleve.eleve.is_in(pupils))}
    if people:
        accounts |= {r["id"] for r in await Compte.select(Compte.id).where(Compte.responsable.is_in(people))}
    if accounts:
        await Compte.delete().where(Compte.id.is_in(list(accounts)))
    if pupils:
        await Eleve.delete().where(Eleve.id.is_in(pupils))
    if people:
        await Responsable.delete().where(Responsable.id.is_in(people))
    await Division.delete().where(Division.code_structure == CLASS)


async def _build() -> int:
    college = await Etablissement.select(Etablissement.id).where(Etablissement.uai == "0599901K").first()
    division = Division(etablissement=college["id"], code_structure=CLASS, libelle=CLASS)
    await division.save()
    families = [
        ("KERMARREC-D'ARVOR", "Élouan", [("MME", "Gwenaëlle", 1), ("M.", "Yannick", 2)]),
        ("N'GOMA", "Précieuse", [("MME", "Bénédicte", 1)]),
    ]
    n = 0
    for e, (nom, prenom, guardians) in enumerate(families):
        eleve = Eleve(eleve_id=f"{PREFIX}{e}", etablissement=college["id"], division=division.id, nom_de_famille=nom,
                      prenom=prenom, code_sexe="1", date_naiss=dt.date(2012, 2, 1 + e))
        await eleve.save()
        for civilite, first, legal in guardians:
            n += 1
            person = Responsable(personne_id=f"{PREFIX}{n}", lc_civilite=civilite, nom_de_famille=nom, prenom=first)
            await person.save()
            await ResponsableEleve.insert(ResponsableEleve(eleve=eleve.id, responsable=person.id, resp_legal=legal))
    return division.id


@pytest.fixture
def new_class(live_portal: str) -> Iterator[int]:
    run(_clean())
    yield run(_build())
    run(_clean())


def test_head_creates_the_accounts_of_a_class_and_downloads_the_letters(
    page: Page, login_page: Any, live_portal: str, new_class: int,
) -> None:
    login_page(page, "demo.chef")
    page.get_by_role("link", name="Gérer les comptes des familles").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Comptes des familles")

    page.get_by_label("Classe").select_option(label=CLASS)
    expect(page).to_have_url(re.compile(rf"/administration/comptes\?division={new_class}(&|$)"))
    expect(page.get_by_role("heading", name=f"Classe {CLASS}")).to_be_visible()
    table = page.get_by_role("table", name=re.compile("Comptes par élève"))
    expect(table).to_contain_text("KERMARREC-D'ARVOR Élouan")
    expect(table).not_to_contain_text("DUPONT Léa")
    expect(table).to_contain_text("Responsable légal 2\u00a0: M. Yannick KERMARREC-D'ARVOR")

    page.get_by_role("button", name=f"Créer les comptes de la classe {CLASS}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer les comptes")
    expect(page.get_by_role("main")).to_contain_text("2 compte(s) élève seront créés")
    expect(page.get_by_role("main")).to_contain_text("3 compte(s) de responsable légal seront créés")
    page.get_by_role("button", name="Confirmer la création des comptes").click()

    expect(page.get_by_role("status")).to_contain_text("Les comptes ont été créés.")
    expect(page.get_by_role("status")).to_contain_text("2 compte(s) élève et 3 compte(s) de responsable")
    expect(page).to_have_url(re.compile(rf"division={new_class}&ok=crees"))
    for identifier in ("elouan.kermarrec-darvor", "gwenaelle.kermarrec-darvor", "precieuse.ngoma", "benedicte.ngoma"):
        expect(table).to_contain_text(identifier)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "comptes-familles-1280.png", full_page=True)

    with page.expect_download() as info:
        page.get_by_role("button", name="Courriers (PDF)").click()
    download = info.value
    assert download.suggested_filename == f"courriers-0599901K-{CLASS}.pdf"
    pdf = Path(download.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 5
    # Still on the list, which says that printing gives new passwords.
    expect(page.get_by_role("main")).to_contain_text("nouveau mot de passe provisoire")

    with page.expect_download() as info:
        page.get_by_role("button", name="Export CSV").click()
    rows = Path(info.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 6 and rows[0].startswith("identifiant;mot_de_passe_provisoire;")


def test_the_accounts_page_on_a_phone(open_context: Any, login_page: Any, new_class: int) -> None:
    page = open_context(viewport={"width": 360, "height": 740}).new_page()
    login_page(page, "demo.chef")
    page.goto(f"/administration/comptes?division={new_class}")
    expect(page.get_by_role("table", name=re.compile("Comptes par élève"))).to_contain_text("N'GOMA Précieuse")
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "comptes-familles-360.png", full_page=True)
