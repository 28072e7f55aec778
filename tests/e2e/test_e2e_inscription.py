"""L'inscription en ligne au lycée (guide 3.2, issue 9) in Chromium, at 360 and 1280 px: the mother
of Mélanie BERTIN (3e at the demo collège, assigned to the demo lycée) opens the enrolment from
her daughter's home screen, reads the lycée's message (« Lire la suite »), validates, gives a
refused then an accepted choice of wishes, changes a phone number with the fiche's form, confirms
the summary, receives the mail through the SMTP server and downloads the PDF; the lycée's
secretariat then sees the enrolment as validated with its wishes, and the phone change in the
fiche's queue. Screenshots of every page; no sideways scrolling on a phone. Mélanie's dossier,
fiche requests and mails are taken away after each run (her affectation is the demo's)."""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from e2e_portail import pupil_header
from teleservices.core.testing import last_id, run

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
PARENT = "demo.parent3e"
MEL = "helene.bertin@example.org"
SUBJECT = "Inscription au lycée confirmée"
LYCEE = "LYCEE MARIE CURIE"
COLLEGE = "COLLEGE JEAN MOULIN"
NEW_PHONE = "07 12 34 56 78"
WISHES = ["Anglais (AGL1)", "Espagnol (ESP2)", "Sciences économiques et sociales (SES)",
          "Méthodes et pratiques scientifiques (MPS)"]


async def _melanie() -> dict[str, Any]:
    from teleservices.core.tables import Eleve
    from teleservices.plugins.inscription.tables import InscriptionAffectation, InscriptionCampagne

    eleve = await Eleve.select(Eleve.id).where(
        (Eleve.nom_de_famille == "BERTIN") & (Eleve.prenom == "Mélanie")).first()
    affectation = await InscriptionAffectation.select().where(InscriptionAffectation.eleve_id == eleve["id"]).first()
    campagne = await InscriptionCampagne.select(InscriptionCampagne.rentree).where(
        InscriptionCampagne.etablissement_id == affectation["lycee_id"]).first()
    return {"id": eleve["id"], "affectation": affectation["id"], "rentree": campagne["rentree"]}


async def _dossier(affectation: int) -> dict[str, Any] | None:
    from teleservices.plugins.inscription.tables import InscriptionDossier

    return await InscriptionDossier.select().where(
        InscriptionDossier.affectation == affectation).output(load_json=True).first()


async def _put_back(melanie: dict[str, Any], marks: dict[str, int]) -> None:
    from teleservices.core.tables import Courriel
    from teleservices.plugins.fiche.tables import FicheChangement, FicheDemande
    from teleservices.plugins.inscription.tables import InscriptionDossier

    await InscriptionDossier.delete().where(InscriptionDossier.affectation == melanie["affectation"])
    demandes = [r["id"] for r in await FicheDemande.select(FicheDemande.id).where(
        (FicheDemande.eleve_id == melanie["id"]) & (FicheDemande.id > marks["demande"]))]
    if demandes:
        await FicheChangement.delete().where(FicheChangement.demande.is_in(demandes))
        await FicheDemande.delete().where(FicheDemande.id.is_in(demandes))
    await Courriel.delete().where(Courriel.id > marks["courriel"])


@pytest.fixture
def melanie(live_portal: str) -> Iterator[dict[str, Any]]:
    """Mélanie's ids and the campaign's rentrée; her enrolment is not started (checked), and after
    the test her dossier, the fiche requests made for her and the mails sent are gone."""
    from teleservices.core.tables import Courriel
    from teleservices.plugins.fiche.tables import FicheDemande

    pupil = run(_melanie())
    assert run(_dossier(pupil["affectation"])) is None, "l'inscription de Mélanie n'est pas à l'état de la démo"
    marks = {"demande": last_id(FicheDemande), "courriel": last_id(Courriel)}
    yield pupil
    run(_put_back(pupil, marks))
    assert run(_dossier(pupil["affectation"])) is None


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"inscription-{name}-{page.viewport_size['width']}.png", full_page=True)


def no_horizontal_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"], page.url


def family_page(page: Page, name: str) -> None:
    """Every family page: its screenshot, and on a phone no sideways scrolling."""
    shoot(page, name)
    if page.viewport_size["width"] <= 360:
        no_horizontal_scroll(page)


def step_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("main").get_by_role("heading", level=2, name=text)).to_be_visible()


def current_step(page: Page, text: str) -> None:
    steps = page.get_by_role("navigation", name="Étapes de l'inscription")
    expect(steps.locator('[aria-current="step"]')).to_have_text(text)


def wait_for_new_mail(mail_sink: Any, before: int, timeout: float = 15) -> Any:
    """The one mail to Mélanie's mother that arrived after the ``before`` first ones."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        received = mail_sink.received(MEL)
        if len(received) > before:
            time.sleep(0.5)  # a second mail would be a mistake: give it the time to show
            received = mail_sink.received(MEL)
            assert len(received) == before + 1, [m["Subject"] for m in received[before:]]
            return received[-1]
        time.sleep(0.05)
    raise AssertionError(f"aucun nouveau courriel pour {MEL}")


@pytest.mark.parametrize("width", [360, 1280])
def test_a_parent_enrols_her_daughter_and_the_lycée_sees_it(
        open_context, login_page, mail_sink, melanie, width: int) -> None:
    viewport = {"width": width, "height": 900}
    base = f"/eleves/{melanie['id']}/inscription"
    mails_before = len(mail_sink.received(MEL))

    # 1. Mélanie's home screen, then the enrolment's home page.
    page = login_page(open_context(viewport=viewport).new_page(), PARENT)
    expect(page).to_have_url(re.compile(rf"/eleves/{melanie['id']}/$"))
    entry = page.get_by_role("main").get_by_role("link", name=re.compile(r"^\s*L'inscription au lycée"))
    expect(entry).to_be_visible()
    entry.click()
    expect(page).to_have_url(re.compile(rf"{base}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"L'inscription pour la rentrée {melanie['rentree']}")
    header = pupil_header(page)
    expect(header).to_contain_text("la scolarité de Mélanie B.")
    expect(header).to_contain_text("élève de 3E")
    expect(header).to_contain_text(COLLEGE)
    current_step(page, "1. Valider l'inscription")
    expect(page.get_by_role("heading", level=2, name=f"Information du {LYCEE}")).to_be_visible()
    information = page.get_by_role("region", name=f"Information du {LYCEE}")
    rest = information.get_by_text("La demi-pension : le règlement et les tarifs")
    expect(rest).to_be_hidden()
    summary = information.locator("summary")  # « Lire la suite », a <details> that works without JavaScript
    expect(summary).to_contain_text("Rentrée le mercredi 2 septembre")
    expect(summary).to_be_visible()
    family_page(page, "1-accueil")
    summary.get_by_text("Lire la suite").click()
    expect(rest).to_be_visible()
    expect(rest).to_contain_text("Rentrée le mercredi 2 septembre")  # the whole message, from its beginning
    expect(summary.get_by_text("Rentrée le mercredi 2 septembre")).to_be_hidden()  # not twice
    expect(summary.get_by_text("Lire la suite")).to_be_hidden()
    expect(page.get_by_role("link", name=re.compile("Souhaits pédagogiques"))).to_have_count(0)  # not yet
    family_page(page, "1-accueil-message")

    # 2. Validate, then the wishes: a refused choice first, its errors next to the fields.
    page.get_by_role("button", name="Valider l'inscription").click()
    expect(page).to_have_url(re.compile(rf"{base}/souhaits\?ok=validee$"))
    expect(page.get_by_role("status").first).to_have_text(re.compile("L'inscription au lycée est validée"))
    step_heading(page, "Étape 2 : souhaits pédagogiques")
    current_step(page, "2. Souhaits pédagogiques")
    family_page(page, "2-souhaits")
    page.get_by_label("Allemand (ALL1)", exact=True).check()
    page.get_by_label("Allemand (ALL2)", exact=True).check()
    page.get_by_label("Sciences économiques et sociales (SES)").check()
    page.get_by_label("Principes fondamentaux de l'économie et de la gestion (PFEG)").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.locator("#erreur-lv2")).to_contain_text("une autre langue que la langue vivante 1")
    expect(page.locator("#erreur-option")).to_contain_text("ne peuvent pas être suivis ensemble")
    expect(page.locator("fieldset#lv2")).to_have_class(re.compile(r"\bchamp-en-erreur\b"))
    expect(page.locator("fieldset#lv1")).not_to_have_class(re.compile(r"\bchamp-en-erreur\b"))
    expect(page.get_by_label("Allemand (ALL1)", exact=True)).to_be_checked()  # everything typed is kept
    expect(page.get_by_label("Principes fondamentaux de l'économie et de la gestion (PFEG)")).to_be_checked()
    step_heading(page, "Étape 2 : souhaits pédagogiques")
    family_page(page, "2-souhaits-erreurs")
    assert sorted(run(_dossier(melanie["affectation"]))["etapes"]) == [1]  # nothing saved from the refused form

    page.get_by_label("Anglais (AGL1)", exact=True).check()
    page.get_by_label("Espagnol (ESP2)", exact=True).check()
    page.get_by_label("Principes fondamentaux de l'économie et de la gestion (PFEG)").uncheck()
    page.get_by_label("Méthodes et pratiques scientifiques (MPS)").check()
    expect(page.get_by_label("Sciences économiques et sociales (SES)")).to_be_checked()
    page.get_by_role("button", name="Enregistrer et continuer").click()

    # 3. The administrative data: the pupil's mobile phone, through the fiche's form.
    expect(page).to_have_url(re.compile(rf"{base}/donnees/\?ok=voeux$"))
    expect(page.get_by_role("status").first).to_have_text("Vos souhaits pédagogiques sont enregistrés.")
    step_heading(page, "Étape 3 : données administratives")
    current_step(page, "3. Données administratives")
    family_page(page, "3-donnees")
    page.get_by_role("link", name="Mise à jour élève").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("L'inscription au lycée - Mise à jour élève")
    phone = page.get_by_label("Tél. Mobile")
    phone.fill(NEW_PHONE)
    family_page(page, "3-donnees-eleve")
    page.get_by_role("button", name="Valider", exact=True).click()
    expect(page).to_have_url(re.compile(rf"{base}/donnees/\?ok=eleve$"))
    expect(page.get_by_role("status").first).to_contain_text("transmises au lycée")
    family_page(page, "3-donnees-transmises")
    page.get_by_role("button", name="Mes données sont à jour : continuer").click()

    # 4. The summary, the confirmation, the mail and the PDF.
    expect(page).to_have_url(re.compile(rf"{base}/recapitulatif\?ok=donnees$"))
    step_heading(page, "Étape 4 : récapitulatif")
    current_step(page, "4. Récapitulatif et confirmation")
    recap = page.locator("dl.inscription-recap")
    expect(recap).to_contain_text(f"{LYCEE}")
    for wish in WISHES:
        expect(recap).to_contain_text(wish)
    expect(page.get_by_role("main")).to_contain_text(f"Tél. Mobile : {NEW_PHONE}")
    family_page(page, "4-recapitulatif")
    page.get_by_role("button", name="Confirmer l'inscription").click()
    expect(page).to_have_url(re.compile(rf"{base}/confirmation$"))
    expect(page.get_by_role("status").first).to_contain_text(f"L'inscription de Mélanie au {LYCEE} est confirmée")
    expect(page.get_by_role("main")).to_contain_text(f"Un courriel de confirmation est envoyé à {MEL}")
    expect(page.get_by_role("main")).to_contain_text("Anglais (AGL1)")  # what was confirmed, kept on screen
    family_page(page, "5-confirmation")

    mail = wait_for_new_mail(mail_sink, mails_before)
    body = mail_sink.body(mail)
    assert "Mélanie BERTIN" in body and LYCEE in body and "Anglais (AGL1)" in body, body
    assert NEW_PHONE in body, body
    subject = mail["Subject"]

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le récapitulatif (PDF)").click()
    assert download.value.suggested_filename == "inscription-lycee-melanie-bertin.pdf"
    content = Path(download.value.path()).read_bytes()
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())
    assert "Mélanie BERTIN" in text and LYCEE in text, text
    for wish in WISHES:
        assert wish in text, (wish, text)
    expect(page).to_have_url(re.compile(rf"{base}/confirmation$"))  # the download left the page as it was
    dossier = run(_dossier(melanie["affectation"]))
    assert dossier["confirme_le"] is not None and (dossier["lv1"], dossier["lv2"]) == ("AGL1", "ESP2")

    # 5. The lycée's secretariat: the follow-up, then the fiche's queue.
    staff = login_page(open_context(viewport=viewport).new_page(), "demo.lycee")
    staff.get_by_role("main").get_by_role("link", name=re.compile(r"^L'inscription au lycée")).first.click()
    staff.get_by_role("navigation", name="L'inscription au lycée").get_by_role(
        "link", name="Suivi des inscriptions").click()
    expect(staff).to_have_url(re.compile(r"/administration/inscription/suivi$"))
    row = staff.locator("tr").filter(has=staff.get_by_role("rowheader", name="BERTIN Mélanie", exact=True))
    expect(row).to_have_count(1)
    expect(row.locator(".suivi-statut")).to_have_text(re.compile(r"^validée$", re.I))
    expect(row).to_contain_text("LV1 : Anglais")
    expect(row).to_contain_text("LV2 : Espagnol")
    expect(row).to_contain_text("Sciences économiques et sociales")
    expect(row).to_contain_text("Méthodes et pratiques scientifiques")
    expect(row.get_by_role("button", name="Rouvrir l'inscription de Mélanie BERTIN")).to_be_visible()
    shoot(staff, "suivi")

    staff.goto("/administration/fiche/")
    demande = staff.locator("article.fiche-demande").filter(has_text="BERTIN Mélanie").filter(has_text=NEW_PHONE)
    expect(demande).to_have_count(1)
    expect(demande).to_contain_text(COLLEGE)

    # Last, the subject as a mail client decodes it (RFC 2047 drops the blanks between two
    # encoded-words): every word, and the spaces between them.
    assert SUBJECT in subject, f"sujet reçu : {subject!r}"
