"""Lost identifier and lost password (guide 2.4): same answers for everyone, links that die."""

from __future__ import annotations

import pytest

from identite_support import (
    NEW_PASSWORD, account_row, address, field_error, fresh_throttle, link_in, mails_to, make_account, path_of,
    post_form, travel,
)
from teleservices.core.security import check_password
from teleservices.core.tables import Compte, Session
from teleservices.core.testing import run

__all__ = ["fresh_throttle", "make_account", "travel"]
pytestmark = pytest.mark.usefixtures("fresh_throttle")

IDENTIFIER_SUBJECT = "Message des services en ligne - Votre identifiant"
RESET_SUBJECT = "Message des services en ligne - Réinitialisation de votre mot de passe"
SAME_ANSWER = "Si cette adresse est rattachée à un compte, un courriel vient de lui être envoyé."
OTHER_PASSWORD = "Girafe-Verte-2031"


@pytest.fixture
def active_parent(make_account):
    """An active guardian account with a confirmed address and a password of its own."""
    return make_account("parent", etat="actif", password=NEW_PASSWORD, mel=address("parent"), mel_verifie=True)


def ask_identifier(client, mel: str):
    return post_form(client, "/identifiant-oublie", {"mel": mel})


def ask_reset(client, identifiant: str):
    return post_form(client, "/mot-de-passe-oublie", {"identifiant": identifiant})


def comparable(response, *secrets: str) -> str:
    """A page with what depends on the visitor (CSRF token, typed values) blanked out."""
    import re

    text = re.sub(r'name="_csrf" value="[^"]+"', "", response.text)
    text = re.sub(r'"X-CSRF-Token": "[^"]+"', "", text)
    for secret in secrets:
        text = text.replace(secret, "…")
    return text


# --- lost identifier -------------------------------------------------------------------------

def test_lost_identifier_mails_the_identifiers_of_a_confirmed_address(active_parent, make_account, client, text):
    second = make_account("parent", etat="actif", password=NEW_PASSWORD, mel=active_parent.mel.upper(), mel_verifie=True)
    run(Compte.update({Compte.mel: active_parent.mel}).where(Compte.id == second.compte_id).run())
    response = ask_identifier(client, active_parent.mel.upper())
    assert response.status_code == 303 and response.headers["location"] == "/identifiant-oublie?envoye=1"
    assert SAME_ANSWER in text(client.get(response.headers["location"]))
    (mail,) = mails_to(active_parent.mel)
    assert mail["sujet"] == IDENTIFIER_SUBJECT
    assert active_parent.identifiant in mail["corps"] and second.identifiant in mail["corps"]
    assert "Votre mot de passe reste inchangé" in mail["corps"]
    assert check_password(account_row(active_parent.compte_id)["mot_de_passe"], NEW_PASSWORD)


def test_lost_identifier_answers_the_same_for_an_unknown_address(active_parent, client):
    unknown = address("inconnu")
    known_answer = ask_identifier(client, active_parent.mel)
    unknown_answer = ask_identifier(client, unknown)
    assert (known_answer.status_code, known_answer.headers["location"]) == (
        unknown_answer.status_code, unknown_answer.headers["location"]
    )
    assert comparable(client.get(known_answer.headers["location"])) == comparable(
        client.get(unknown_answer.headers["location"])
    )
    assert mails_to(unknown) == []
    assert len(mails_to(active_parent.mel)) == 1


def test_lost_identifier_mails_nothing_to_an_unconfirmed_or_disabled_address(make_account, client):
    unconfirmed = make_account("eleve", etat="actif", password=NEW_PASSWORD, mel=address("eleve"))
    disabled = make_account("parent", etat="desactive", password=NEW_PASSWORD, mel=address("parent"), mel_verifie=True)
    for account in (unconfirmed, disabled):
        assert ask_identifier(client, account.mel).headers["location"] == "/identifiant-oublie?envoye=1"
        assert mails_to(account.mel) == []


def test_lost_identifier_does_not_flood_a_mailbox(active_parent, client, travel):
    ask_identifier(client, active_parent.mel)
    ask_identifier(client, active_parent.mel)
    assert len(mails_to(active_parent.mel)) == 1


def test_lost_identifier_checks_the_address_format(client):
    response = ask_identifier(client, "pas une adresse")
    assert field_error(response.text, "mel") == "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."


# --- lost password ---------------------------------------------------------------------------

def test_lost_password_answers_the_same_whether_or_not_the_identifier_exists(active_parent, client):
    known = ask_reset(client, active_parent.identifiant)
    unknown = ask_reset(client, "personne.inconnue")
    assert (known.status_code, known.headers["location"]) == (unknown.status_code, unknown.headers["location"])
    assert known.headers["location"] == "/mot-de-passe-oublie?envoye=1"
    known_page, unknown_page = client.get(known.headers["location"]), client.get(unknown.headers["location"])
    assert comparable(known_page) == comparable(unknown_page)
    (mail,) = mails_to(active_parent.mel)
    assert mail["sujet"] == RESET_SUBJECT
    # Nothing changes until the link is used.
    assert check_password(account_row(active_parent.compte_id)["mot_de_passe"], NEW_PASSWORD)


def test_lost_password_mails_nothing_without_a_confirmed_address(make_account, client):
    unconfirmed = make_account("eleve", etat="actif", password=NEW_PASSWORD, mel=address("eleve"))
    none = make_account("eleve", etat="actif", password=NEW_PASSWORD)
    waiting = make_account("parent", etat="en_attente", password=NEW_PASSWORD, mel=address("parent"))
    disabled = make_account("parent", etat="desactive", password=NEW_PASSWORD, mel=address("parent"), mel_verifie=True)
    for account in (unconfirmed, none, waiting, disabled):
        assert ask_reset(client, account.identifiant).headers["location"] == "/mot-de-passe-oublie?envoye=1"
        if account.mel:
            assert mails_to(account.mel) == []
    assert run(Compte.count().where(Compte.id == none.compte_id).run()) == 1


def reset_link(client, account) -> str:
    ask_reset(client, account.identifiant)
    return path_of(link_in(mails_to(account.mel, RESET_SUBJECT)[-1]["corps"]))


def test_reset_link_is_read_then_forgotten_by_the_address_bar(active_parent, client, text):
    response = client.get(reset_link(client, active_parent), follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "/reinitialisation"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    cookie = response.headers["set-cookie"]
    assert "ts_reinitialisation=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Path=/reinitialisation" in cookie and "Max-Age=1800" in cookie
    page = client.get("/reinitialisation")
    assert page.status_code == 200 and str(page.url).endswith("/reinitialisation")
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    assert active_parent.identifiant in text(page) and "votre nouveau mot de passe" in text(page)
    assert "code=" not in page.text


def test_reset_changes_the_password_once_and_ends_every_session(active_parent, client, client_as, login, new_client, text):
    elsewhere = client_as(active_parent.identifiant, NEW_PASSWORD)
    client.get(reset_link(client, active_parent))
    response = post_form(client, "/reinitialisation", {
        "mot_de_passe": OTHER_PASSWORD, "mot_de_passe_confirmation": OTHER_PASSWORD,
    })
    assert response.status_code == 303 and response.headers["location"] == "/reinitialisation?modifie=1"
    assert "ts_reinitialisation=\"\"" in response.headers["set-cookie"] or "Max-Age=0" in response.headers["set-cookie"]
    done = text(client.get(response.headers["location"]))
    assert "Votre mot de passe a été modifié" in done and 'href="/connexion"' in done
    assert check_password(account_row(active_parent.compte_id)["mot_de_passe"], OTHER_PASSWORD)
    assert run(Session.count().where(Session.compte == active_parent.compte_id).run()) == 0
    assert elsewhere.get("/compte", follow_redirects=False).headers["location"].startswith("/connexion")
    assert str(login(new_client(), active_parent.identifiant, OTHER_PASSWORD).url).endswith(
        f"/eleves/{active_parent.eleve_id}/"
    )


def test_a_reset_link_serves_once(active_parent, client, text):
    link = reset_link(client, active_parent)
    client.get(link)
    post_form(client, "/reinitialisation", {"mot_de_passe": OTHER_PASSWORD, "mot_de_passe_confirmation": OTHER_PASSWORD})
    page = text(client.get(link))
    assert "Réinitialisation impossible" in page and "déjà servi" in page


def test_reset_refuses_a_weak_password_and_keeps_the_link(active_parent, client):
    client.get(reset_link(client, active_parent))
    weak = post_form(client, "/reinitialisation", {"mot_de_passe": "motdepasse", "mot_de_passe_confirmation": "motdepasse"})
    assert field_error(weak.text, "mot_de_passe") == "Ce mot de passe est trop courant : choisissez-en un autre."
    assert weak.headers["cache-control"] == "no-store"
    mismatch = post_form(client, "/reinitialisation", {"mot_de_passe": OTHER_PASSWORD, "mot_de_passe_confirmation": "x"})
    assert field_error(mismatch.text, "mot_de_passe_confirmation") == "Les deux mots de passe saisis sont différents."
    ok = post_form(client, "/reinitialisation", {"mot_de_passe": OTHER_PASSWORD, "mot_de_passe_confirmation": OTHER_PASSWORD})
    assert ok.headers["location"] == "/reinitialisation?modifie=1"


@pytest.mark.parametrize("days, works", [(7 - 1 / 1440, True), (7 + 1 / 1440, False)])
def test_reset_link_lives_one_week(active_parent, client, travel, text, days, works):
    link = reset_link(client, active_parent)
    travel(days=days)
    page = text(client.get(link))
    if works:
        assert "votre nouveau mot de passe" in page
    else:
        assert "Réinitialisation impossible" in page and "a expiré" in page


def test_reset_link_dies_when_the_password_changes(active_parent, client, client_as, text):
    link = reset_link(client, active_parent)
    other = client_as(active_parent.identifiant, NEW_PASSWORD)
    post_form(other, "/compte/mot-de-passe", {
        "mot_de_passe_actuel": NEW_PASSWORD, "mot_de_passe": OTHER_PASSWORD, "mot_de_passe_confirmation": OTHER_PASSWORD,
    })
    page = text(client.get(link))
    assert "Réinitialisation impossible" in page and "n'est plus valable" in page


def test_reset_link_dies_when_the_address_changes(active_parent, client, client_as, text):
    link = reset_link(client, active_parent)
    other = client_as(active_parent.identifiant, NEW_PASSWORD)
    new_mel = address("nouvelle")
    post_form(other, "/compte/adresse", {"mot_de_passe_actuel": NEW_PASSWORD, "mel": new_mel, "mel_confirmation": new_mel})
    other.get(path_of(link_in(mails_to(new_mel)[0]["corps"])))
    assert account_row(active_parent.compte_id)["mel"] == new_mel
    assert "n'est plus valable" in text(client.get(link))


def test_a_new_request_replaces_the_former_link(active_parent, client, travel, text):
    first = reset_link(client, active_parent)
    ask_reset(client, active_parent.identifiant)
    assert len(mails_to(active_parent.mel, RESET_SUBJECT)) == 1  # not twice in a minute
    travel(seconds=61)
    second = reset_link(client, active_parent)
    assert second != first
    assert "Réinitialisation impossible" in text(client.get(first))
    assert "votre nouveau mot de passe" in text(client.get(second))


def test_reset_page_without_a_link(client, text):
    page = text(client.get("/reinitialisation"))
    assert "Réinitialisation impossible" in page and 'action="/mot-de-passe-oublie"' in page
    response = post_form(client, "/reinitialisation", {"mot_de_passe": OTHER_PASSWORD,
                                                       "mot_de_passe_confirmation": OTHER_PASSWORD},
                         page="/mot-de-passe-oublie")
    assert "Réinitialisation impossible" in text(response)


def test_reset_of_an_account_disabled_meanwhile_is_refused(active_parent, client, text):
    client.get(reset_link(client, active_parent))
    run(Compte.update({Compte.etat: "desactive"}).where(Compte.id == active_parent.compte_id).run())
    response = post_form(client, "/reinitialisation", {"mot_de_passe": OTHER_PASSWORD,
                                                       "mot_de_passe_confirmation": OTHER_PASSWORD})
    assert "Réinitialisation impossible" in text(response)
    assert check_password(account_row(active_parent.compte_id)["mot_de_passe"], NEW_PASSWORD)


def test_pupil_recovery_waits_for_the_confirmed_address(make_account, client, new_client, login):
    """Guide 2.2.2: a pupil's address serves self-service recovery only once confirmed."""
    pupil = make_account("eleve")
    mel = address("eleve")
    pupil_client = new_client()
    login(pupil_client, pupil.identifiant, pupil.password)
    post_form(pupil_client, "/premiere-connexion", {
        "date_naissance": pupil.birth_fr, "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD,
        "mel": mel, "mel_confirmation": mel,
    })
    ask_reset(client, pupil.identifiant)
    ask_identifier(client, mel)
    assert [m["sujet"] for m in mails_to(mel)] == ["Message des services en ligne - Mise à jour de votre adresse mail"]
    pupil_client.get(path_of(link_in(mails_to(mel)[0]["corps"])))
    ask_reset(client, pupil.identifiant)
    ask_identifier(client, mel)
    assert {m["sujet"] for m in mails_to(mel)[1:]} == {RESET_SUBJECT, IDENTIFIER_SUBJECT}


@pytest.mark.parametrize("path", ["/identifiant-oublie", "/mot-de-passe-oublie", "/reinitialisation"])
def test_recovery_posts_need_the_csrf_token(client, path):
    assert client.post(path, data={"mel": "x@identite.test", "identifiant": "x"}).status_code == 403
