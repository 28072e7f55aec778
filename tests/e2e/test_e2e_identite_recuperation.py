"""Lost identifier, lost password and change of address in a browser (guide 2.4, 2.5), with the
mails read from the SMTP test server and their links followed as a family would."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e_portail import account_menu
from identite_support import NEW_PASSWORD, address, fresh_throttle, make_account

__all__ = ["fresh_throttle", "make_account"]
pytestmark = pytest.mark.usefixtures("fresh_throttle")

OTHER_PASSWORD = "Girafe-Verte-2031"


@pytest.fixture
def active_parent(make_account):
    return make_account("parent", etat="actif", password=NEW_PASSWORD, mel=address("parent"), mel_verifie=True)


def test_lost_identifier(page: Page, active_parent, mail_sink) -> None:
    page.goto("/identifiant-oublie")
    page.get_by_label("votre adresse e-mail *", exact=True).fill(active_parent.mel)
    page.get_by_role("button", name="valider").click()
    expect(page.get_by_role("status")).to_have_text(
        "Si cette adresse est rattachée à un compte, un courriel vient de lui être envoyé."
    )
    mail = mail_sink.wait_for(active_parent.mel, "Message des services en ligne - Votre identifiant")
    assert f"Votre identifiant est : {active_parent.identifiant}" in mail_sink.body(mail)


def test_lost_password_through_the_reset_link_clicked_in_a_webmail(
    page: Page, active_parent, mail_sink, live_portal: str, login_page
) -> None:
    page.goto("/mot-de-passe-oublie")
    page.get_by_label("votre identifiant *", exact=True).fill(active_parent.identifiant)
    page.get_by_role("button", name="valider").click()
    expect(page.get_by_role("status")).to_contain_text("un courriel vient d'être envoyé")
    mail = mail_sink.wait_for(active_parent.mel, "Message des services en ligne - Réinitialisation de votre mot de passe")
    (link,) = mail_sink.links(mail)

    # The link is clicked in a webmail, another site, as families do.
    page.route("http://webmail.example/", lambda route: route.fulfill(
        content_type="text/html", body=f'<!doctype html><title>Messagerie</title><a href="{link}">lien</a>',
    ))
    page.goto("http://webmail.example/")
    page.get_by_role("link", name="lien").click()
    expect(page).to_have_url(live_portal + "/reinitialisation")
    expect(page.get_by_role("main")).to_contain_text(active_parent.identifiant)
    page.get_by_label("votre nouveau mot de passe *", exact=True).fill(OTHER_PASSWORD)
    page.get_by_label("... confirmation du mot de passe *", exact=True).fill(OTHER_PASSWORD)
    page.get_by_role("button", name="valider").click()
    expect(page.get_by_role("status")).to_have_text("Votre mot de passe a été modifié.")

    page.get_by_role("main").get_by_role("link", name="se connecter").click()
    expect(page).to_have_url(live_portal + "/connexion")
    login_page(page, active_parent.identifiant, OTHER_PASSWORD)
    expect(page).to_have_url(live_portal + f"/eleves/{active_parent.eleve_id}/")
    # The link served once.
    page.goto(link)
    expect(page.get_by_role("heading", name="Réinitialisation impossible")).to_be_visible()


def test_change_of_address(page: Page, active_parent, mail_sink, live_portal: str, login_page) -> None:
    login_page(page, active_parent.identifiant, NEW_PASSWORD)
    account_menu(page).get_by_role("link", name="gérer son compte").click()
    page.get_by_role("link", name="Modifier l'adresse e-mail").click()
    new = address("nouvelle")
    page.get_by_label("votre mot de passe actuel *", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("votre nouvelle adresse e-mail *", exact=True).fill(new)
    page.get_by_label("... confirmation de la nouvelle adresse e-mail *", exact=True).fill(new)
    page.get_by_role("button", name="valider").click()
    expect(page).to_have_url(live_portal + "/compte?modification=adresse")
    expect(page.get_by_role("status")).to_contain_text("Un courriel de confirmation a été envoyé à la nouvelle adresse")
    # Until the link is clicked, the account keeps its address; the former one is told.
    expect(page.get_by_role("main")).to_contain_text(active_parent.mel)
    mail_sink.wait_for(active_parent.mel, "Message des services en ligne - Modification de votre adresse mail")

    mail = mail_sink.wait_for(new, "Message des services en ligne - Mise à jour de votre adresse mail")
    (link,) = mail_sink.links(mail)
    page.goto(link)
    expect(page.get_by_role("heading", name="Adresse e-mail confirmée")).to_be_visible()
    page.get_by_role("button", name="accéder aux services").click()
    expect(page).to_have_url(live_portal + f"/eleves/{active_parent.eleve_id}/")
    account_menu(page).get_by_role("link", name="gérer son compte").click()
    expect(page).to_have_url(live_portal + "/compte")
    expect(page.get_by_role("main")).to_contain_text(new)


def test_change_of_password_ends_the_other_sessions(page: Page, open_context, active_parent, live_portal: str,
                                                     login_page) -> None:
    other = open_context().new_page()
    login_page(other, active_parent.identifiant, NEW_PASSWORD)
    login_page(page, active_parent.identifiant, NEW_PASSWORD)
    page.goto("/compte")
    page.get_by_role("link", name="Modifier le mot de passe").click()
    page.get_by_label("votre mot de passe actuel *", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("votre nouveau mot de passe *", exact=True).fill(OTHER_PASSWORD)
    page.get_by_label("... confirmation du nouveau mot de passe *", exact=True).fill(OTHER_PASSWORD)
    page.get_by_role("button", name="valider").click()
    expect(page.get_by_role("status")).to_contain_text("Votre mot de passe a été modifié.")
    # This browser stays logged in; the other one is sent to the login page.
    page.goto("/")
    expect(page).to_have_url(live_portal + f"/eleves/{active_parent.eleve_id}/")
    other.goto("/")
    expect(other).to_have_url(live_portal + "/connexion?suivant=/")
