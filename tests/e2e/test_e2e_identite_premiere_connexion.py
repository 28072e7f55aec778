"""First connection in a browser (guide 2.2), with the mails read from the SMTP test server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e_portail import pupil_header
from identite_support import NEW_PASSWORD, address, fresh_throttle, make_account

__all__ = ["fresh_throttle", "make_account"]
pytestmark = pytest.mark.usefixtures("fresh_throttle")

ACTIVATION_SUBJECT = "Message des services en ligne - Mise à jour de votre adresse mail"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("TELESERVICES_SCREENSHOTS_DIR", ROOT / "test-results" / "screenshots"))
SIZES = {"360": {"width": 360, "height": 740}, "1280": {"width": 1280, "height": 800}}


def field(page: Page, label: str):
    """A field by its label, exactly as the guide words it ("votre date de naissance *")."""
    return page.get_by_label(label, exact=True)


def fill_guardian_form(page: Page, mel: str, birth: str, password: str = NEW_PASSWORD) -> None:
    field(page, "votre adresse e-mail *").fill(mel)
    field(page, "... confirmation de votre adresse e-mail *").fill(mel)
    field(page, "date de naissance de votre enfant *").fill(birth)
    field(page, "votre mot de passe *").fill(password)
    field(page, "... confirmation du mot de passe *").fill(password)


def test_guardian_first_connection_through_activation_to_the_childs_home(
    page: Page, login_page, live_portal: str, make_account, mail_sink
) -> None:
    siecle = address("siecle")
    account = make_account("parent", siecle_mel=siecle)
    login_page(page, account.identifiant, account.password)
    expect(page).to_have_url(live_portal + "/premiere-connexion")
    expect(page.get_by_role("heading", name="Première connexion")).to_be_visible()
    # The address SIECLE knows is proposed; the guardian confirms it.
    expect(field(page, "votre adresse e-mail *")).to_have_value(siecle)
    fill_guardian_form(page, siecle, account.birth_fr)
    page.get_by_role("button", name="valider").click()

    expect(page.get_by_role("status")).to_have_text("Vos saisies ont été enregistrées.")
    expect(page.get_by_role("main")).to_contain_text("suivez les instructions du courriel qui vient de vous être envoyé")
    mail = mail_sink.wait_for(siecle, ACTIVATION_SUBJECT)
    body = mail_sink.body(mail)
    assert "Vous disposez d'un délai de 3 mois pour activer votre compte." in body
    (link,) = mail_sink.links(mail)
    assert link.startswith(live_portal + "/activation?code=")

    # "valider" leads home, which is still this page until the link is clicked.
    with page.expect_navigation(url=live_portal + "/premiere-connexion"):
        page.get_by_role("button", name="valider").click()
    expect(page.get_by_role("button", name="Renvoyer le courriel")).to_be_visible()

    page.goto(link)
    expect(page.get_by_role("heading", name="Votre compte est activé")).to_be_visible()
    page.get_by_role("button", name="accéder aux services").click()
    expect(page).to_have_url(live_portal + f"/eleves/{account.eleve_id}/")
    expect(pupil_header(page)).to_contain_text("la scolarité de Camille")


def test_guardian_mistakes_are_shown_next_to_the_fields(page: Page, login_page, make_account) -> None:
    account = make_account("parent")
    mel = address()
    login_page(page, account.identifiant, account.password)
    fill_guardian_form(page, mel, "01/01/2001")
    field(page, "... confirmation du mot de passe *").fill("Autre-chose-99")
    page.get_by_role("button", name="valider").click()

    expect(page.get_by_role("alert")).to_have_text("Le formulaire contient 2 erreurs : corrigez les champs signalés.")
    date = field(page, "date de naissance de votre enfant *")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(date).to_have_accessible_description(
        "Cette date ne correspond à aucun enfant rattaché à ce compte. au format jj/mm/aaaa"
    )
    expect(field(page, "... confirmation du mot de passe *")).to_have_accessible_description(
        "Les deux mots de passe saisis sont différents. (8 caractères minimum)"
    )
    # What was typed stays, except the passwords.
    expect(field(page, "votre adresse e-mail *")).to_have_value(mel)
    expect(date).to_have_value("01/01/2001")
    expect(field(page, "votre mot de passe *")).to_have_value("")


def fill_pupil_form(page: Page, birth: str, mel: str = "") -> None:
    field(page, "votre date de naissance *").fill(birth)
    field(page, "votre mot de passe *").fill(NEW_PASSWORD)
    field(page, "... confirmation du mot de passe *").fill(NEW_PASSWORD)
    if mel:
        field(page, "votre adresse e-mail").fill(mel)
        field(page, "... confirmation de votre adresse e-mail").fill(mel)


def test_pupil_first_connection_without_email(page: Page, login_page, live_portal: str, make_account) -> None:
    account = make_account("eleve")
    login_page(page, account.identifiant, account.password)
    main = page.get_by_role("main")
    expect(main).to_contain_text("votre identifiant")
    expect(main).to_contain_text(account.identifiant)
    expect(main).to_contain_text("(8 caractères minimum)")
    fill_pupil_form(page, account.birth_fr)
    page.get_by_role("button", name="valider").click()
    expect(page.get_by_role("status")).to_have_text("Votre mot de passe est enregistré : votre compte est prêt.")
    expect(main).to_contain_text("Vous n'avez pas indiqué d'adresse e-mail")
    page.get_by_role("button", name="accéder aux services").click()
    expect(page).to_have_url(live_portal + f"/eleves/{account.eleve_id}/")


def test_pupil_first_connection_with_email_then_its_confirmation(
    page: Page, login_page, live_portal: str, make_account, mail_sink
) -> None:
    account = make_account("eleve")
    mel = address("eleve")
    login_page(page, account.identifiant, account.password)
    fill_pupil_form(page, account.birth_fr, mel)
    page.get_by_role("button", name="valider").click()
    expect(page.get_by_role("main")).to_contain_text("Tant qu'elle n'est pas confirmée")
    page.get_by_role("button", name="accéder aux services").click()
    expect(page).to_have_url(live_portal + f"/eleves/{account.eleve_id}/")

    mail = mail_sink.wait_for(mel, ACTIVATION_SUBJECT)
    (link,) = mail_sink.links(mail)
    assert link.startswith(live_portal + "/confirmation-adresse?code=")
    page.goto(link)
    expect(page.get_by_role("heading", name="Adresse e-mail confirmée")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(mel)


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_the_first_connection(open_context, login_page, make_account, size: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page: Page = open_context(viewport=SIZES[size]).new_page()
    account = make_account("parent", siecle_mel=address("siecle"))
    login_page(page, account.identifiant, account.password)
    expect(page.get_by_role("button", name="valider")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"premiere-connexion-{size}.png", full_page=True)
    field(page, "date de naissance de votre enfant *").fill("1/1/2001")
    page.get_by_role("button", name="valider").click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"premiere-connexion-erreurs-{size}.png", full_page=True)
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= SIZES[size]["width"]
