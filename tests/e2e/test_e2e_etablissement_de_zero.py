"""From an empty establishment to a family logging in, with the browser and SIECLE exports only.

The head of a new collège (an account made the way ``teleservices personnel create`` makes it,
with nothing else in the establishment) imports the SIECLE exports through the upload page,
opens two services, creates the accounts of a class and downloads their letters; a parent of
that class logs in with the letter's provisional password, completes the first connection and
sees exactly those two services. The establishment and everything made for it are deleted
afterwards: the demo stays as it was.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, expect

from e2e_portail import services_listed
from identite_support import NEW_PASSWORD, fresh_throttle
from siecle_support import drop_school
from teleservices.core import clock
from teleservices.core.security import hash_password
from teleservices.core.siecle import synthetic
from teleservices.core.tables import Compte, CompteEleve, Division, Eleve, Etablissement, Responsable
from teleservices.core.testing import DEMO_PASSWORD, run

__all__ = ["fresh_throttle"]
pytestmark = pytest.mark.usefixtures("fresh_throttle")

UAI = "0599970T"
HEAD = "zero.chef"
FIRST_ID = 8_800_000
OPENED = ["Les notes", "Les absences"]
ACTIVATION_SUBJECT = "Message des services en ligne - Mise à jour de votre adresse mail"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SCREENSHOTS.mkdir(parents=True, exist_ok=True)


async def _clean() -> None:
    school = await Etablissement.select(Etablissement.id).where(Etablissement.uai == UAI).first()
    accounts = [HEAD]
    if school:
        rows = await CompteEleve.select(CompteEleve.compte.identifiant).where(
            CompteEleve.eleve.etablissement == school["id"])
        accounts += [row["compte.identifiant"] for row in rows]
    people = await Responsable.select(Responsable.personne_id).where(
        Responsable.personne_id.like(f"{str(FIRST_ID)[:3]}%"))
    await drop_school(UAI, [row["personne_id"] for row in people], accounts)


async def _empty_school() -> None:
    school = Etablissement(uai=UAI, type="college", nom=UAI)
    await school.save()
    await Compte.insert(Compte(
        identifiant=HEAD, mot_de_passe=hash_password(DEMO_PASSWORD), type="personnel", etat="actif",
        etablissement=school.id, role="chef", active_le=clock.now(),
    ))


@pytest.fixture
def empty_school(live_portal: str) -> Iterator[None]:
    run(_clean())
    run(_empty_school())
    yield
    run(_clean())


@pytest.fixture
def exports(tmp_path: Path) -> list[Path]:
    """The four SIECLE exports of the new collège, as the head downloads them."""
    paths = []
    for name, content in synthetic.school(UAI, pupils=8, first_id=FIRST_ID, nom="ANNE FRANK").items():
        path = tmp_path / name
        path.write_bytes(content)
        paths.append(path)
    return paths


async def _pupil_of(division: str) -> dict:
    return await Eleve.select(Eleve.nom_de_famille, Eleve.prenom, Eleve.date_naiss).where(
        (Eleve.division.code_structure == division) & (Eleve.etablissement.uai == UAI)
    ).order_by(Eleve.id).first()


async def _classes() -> list[str]:
    rows = await Division.select(Division.code_structure).where(
        (Division.etablissement.uai == UAI) & (Division.type_structure == "D")
    ).order_by(Division.code_structure)
    return [row["code_structure"] for row in rows]


def test_a_head_goes_from_an_empty_portal_to_families_logging_in(
    page: Page, open_context: Any, login_page: Any, live_portal: str, empty_school: None, exports: list[Path],
    mail_sink: Any,
) -> None:
    login_page(page, HEAD)
    page.get_by_role("link", name="Import SIECLE").click()
    page.get_by_label("Fichiers SIECLE").set_input_files(exports)
    page.get_by_role("button", name="Importer").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("L'import est terminé", timeout=30_000)
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("Créés")

    classes = run(_classes())
    assert classes, "the import made the classes"
    division = classes[0]

    page.goto("/")
    page.get_by_role("link", name="Administration Téléservices").click()
    for label in OPENED:
        page.get_by_role("group", name=label, exact=True).get_by_label("Ouvert", exact=True).check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("status")).to_be_visible()

    page.goto("/")
    page.get_by_role("link", name="Gérer les comptes des familles").click()
    page.get_by_label("Classe").select_option(label=division)
    page.get_by_role("button", name=f"Créer les comptes de la classe {division}").click()
    page.get_by_role("button", name="Confirmer la création des comptes").click()
    expect(page.get_by_role("status")).to_contain_text("Les comptes ont été créés.")
    with page.expect_download() as info:
        page.get_by_role("button", name="Export CSV").click()
    letters = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig")), delimiter=";"))

    pupil = run(_pupil_of(division))
    child = f"{pupil['prenom']} {pupil['nom_de_famille']}"
    parent = next(row for row in letters if row["type"] == "Responsable légal" and child in row["eleves"])
    assert parent["mot_de_passe_provisoire"]
    family = open_context().new_page()
    login_page(family, parent["identifiant"], parent["mot_de_passe_provisoire"])
    expect(family).to_have_url(live_portal + "/premiere-connexion")
    mel = "famille.zero@example.org"
    family.get_by_label("votre adresse e-mail *", exact=True).fill(mel)
    family.get_by_label("... confirmation de votre adresse e-mail *", exact=True).fill(mel)
    family.get_by_label("date de naissance de votre enfant *", exact=True).fill(f"{pupil['date_naiss']:%d/%m/%Y}")
    family.get_by_label("votre mot de passe *", exact=True).fill(NEW_PASSWORD)
    family.get_by_label("... confirmation du mot de passe *", exact=True).fill(NEW_PASSWORD)
    family.get_by_role("button", name="valider").click()
    expect(family.get_by_role("status")).to_have_text("Vos saisies ont été enregistrées.")
    (link,) = mail_sink.links(mail_sink.wait_for(mel, ACTIVATION_SUBJECT))
    family.goto(link)
    family.get_by_role("button", name="accéder aux services").click()

    expect(family.get_by_role("region", name="Élève")).to_contain_text(f"la scolarité de {pupil['prenom']}")
    expect(family.get_by_role("region", name="Élève")).to_contain_text("ANNE FRANK")
    expect(services_listed(family)).to_have_text([re.compile(rf"^\s*{re.escape(name)}(\s|$)") for name in OPENED])


@pytest.mark.parametrize("width", [360, 1280])
def test_the_import_pages_on_a_phone_and_a_computer(
    open_context: Any, login_page: Any, empty_school: None, exports: list[Path], width: int,
) -> None:
    page = open_context(viewport={"width": width, "height": 800}).new_page()
    login_page(page, HEAD)
    page.goto("/administration/import")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SCREENSHOTS / f"import-siecle-{width}.png", full_page=True)
    page.get_by_label("Fichiers SIECLE").set_input_files(exports)
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_role("status")).to_contain_text("L'import est terminé", timeout=30_000)
    # Styled like every page (a page's own head must keep the theme's), and no sideways scrolling.
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=SCREENSHOTS / f"import-siecle-resume-{width}.png", full_page=True)
