"""La fiche de renseignements (guide 3.3) in Chromium, as the guide's actors use it: a parent
changes a phone number and a profession (one mistake first, shown next to the field as soon as
it loses the focus), the secretariat accepts one field and refuses the other, the parent receives
the mail through the SMTP server and sees the record updated; screenshots at 360 and 1280 px, no
sideways scrolling on a phone. The guardian's record is put back after the test."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, expect

from teleservices.core.testing import run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SUBJECT = "Fiche de renseignements : décision de l'établissement"
NEW_PHONE = "06 98 76 54 32"


async def _mother(eleve_id: int) -> dict[str, Any]:
    from teleservices.core.api import guardians

    return next(g for g in await guardians(eleve_id) if g["resp_legal"] == 1)


async def _put_back(eleve_id: int, before: dict[str, Any]) -> None:
    from teleservices.core.api import GUARDIAN_FIELDS, update_guardian_record
    from teleservices.plugins.fiche.tables import FicheDemande

    await update_guardian_record(before["id"], eleve_id, {f: before[f] for f in GUARDIAN_FIELDS})
    await FicheDemande.delete().where(FicheDemande.eleve_id == eleve_id)


@pytest.fixture
def mother(lea: Any) -> Iterator[dict[str, Any]]:
    """Léa's guardian 1 (the demo parent) as the record has it; put back after the test."""
    before = run(_mother(lea.id))
    yield before
    run(_put_back(lea.id, before))


async def _account_mail(identifiant: str) -> str:
    from teleservices.core.tables import Compte

    return (await Compte.select(Compte.mel).where(Compte.identifiant == identifiant).first())["mel"]


def open_fiche(page: Page) -> None:
    page.get_by_role("main").get_by_role("link", name=re.compile(r"^\s*La fiche de renseignements")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La fiche de renseignements")


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1280])
def test_a_parent_asks_the_secretariat_decides_the_parent_is_told(
        persona_page, lea, mother, mail_sink, width: int) -> None:
    viewport = {"width": width, "height": 900}
    other = next(label for code, label in _professions().items() if code != mother["code_profession"])
    mails = mail_sink.mark()  # the other width's run mailed the same parent

    parent = persona_page("demo.parent", viewport=viewport)
    open_fiche(parent)
    parent.get_by_role("link", name="Mise à jour responsable légal 1").click()
    expect(parent.get_by_role("heading", level=1)).to_have_text("La fiche de renseignements - Mise à jour responsable légal 1")
    phone = parent.get_by_label("Tél. Mobile")
    phone.fill("12")
    phone.press("Tab")  # the check as the field loses the focus, before any submission
    expect(parent.locator("#erreur-tel_portable")).to_contain_text("téléphone")
    phone.fill(NEW_PHONE)
    phone.press("Tab")
    expect(parent.locator("#erreur-tel_portable")).to_be_empty()
    parent.get_by_label("Profession").select_option(label=other)
    shoot(parent, "fiche-responsable")
    parent.get_by_role("button", name="Valider").click()
    expect(parent.get_by_role("status").first).to_contain_text("transmises à l'établissement")
    card = parent.locator("li.fiche-carte").filter(has_text="Responsable légal 1")
    expect(card).to_contain_text("En attente de traitement")
    expect(card).to_contain_text("Tél. Mobile")

    staff = persona_page("demo.secretariat", viewport=viewport)
    staff.goto("/administration/fiche/")
    demande = staff.locator("article.fiche-demande").filter(has_text="DUPONT").filter(has_text=NEW_PHONE).first
    expect(demande).to_be_visible()
    demande.get_by_label(re.compile(r"^Accepter – Tél\. Mobile")).check()
    demande.get_by_label(re.compile(r"^Refuser – Profession")).check()
    demande.get_by_label(re.compile(r"^Commentaire")).fill("Merci de passer au secrétariat pour la profession.")
    shoot(staff, "fiche-file")
    demande.get_by_role("button", name="Valider la décision").click()
    expect(staff.get_by_role("status").first).to_contain_text(re.compile("traitée|enregistrée|décision", re.I))

    mail = mail_sink.wait_for(run(_account_mail("demo.parent")), SUBJECT, since=mails)
    body = mail.get_content()
    assert NEW_PHONE in body and other in body and "Merci de passer au secrétariat" in body
    assert body.index("acceptées") < body.index(NEW_PHONE) < body.index("refusées")

    parent.goto(f"/eleves/{lea.id}/fiche/responsable/1")
    expect(parent.get_by_label("Tél. Mobile")).to_have_value(NEW_PHONE)
    expect(parent.get_by_label("Profession")).to_have_value(mother["code_profession"])  # refused: kept
    parent.goto(f"/eleves/{lea.id}/fiche/")
    expect(parent.locator("li.fiche-carte").filter(has_text="Responsable légal 1")).to_contain_text(
        "Aucune modification en attente.")


def _professions() -> dict[str, str]:
    from teleservices.plugins.fiche import reference

    return reference.professions()


def test_fiche_pages_have_no_serious_accessibility_violation(audited_page: Page, login_page, serious_violations,
                                                             lea) -> None:
    from e2e_portail import describe

    page = login_page(audited_page, "demo.parent")
    for path in ("", "eleve", "responsable/1"):
        page.goto(f"/eleves/{lea.id}/fiche/{path}")
        violations = serious_violations(page)
        assert not violations, (path, describe(violations))
