"""Changing one's address or password from "gérer son compte" (guide 2.5)."""

from __future__ import annotations

import pytest

from identite_support import (
    NEW_PASSWORD, account_row, address, field_error, fresh_throttle, link_in, mails_to, make_account, path_of,
    post_form, travel,
)
from teleservices.core.security import check_password
from teleservices.core.tables import Session
from teleservices.core.testing import run

__all__ = ["fresh_throttle", "make_account", "travel"]
pytestmark = pytest.mark.usefixtures("fresh_throttle")

CONFIRM_SUBJECT = "Message des services en ligne - Mise à jour de votre adresse mail"
CHANGED_SUBJECT = "Message des services en ligne - Modification de votre adresse mail"
OTHER_PASSWORD = "Girafe-Verte-2031"


@pytest.fixture
def parent(make_account, client_as):
    """An active guardian with a confirmed address, logged in: ``(account, client)``."""
    account = make_account("parent", etat="actif", password=NEW_PASSWORD, mel=address("ancienne"), mel_verifie=True)
    return account, client_as(account.identifiant, NEW_PASSWORD)


def change_address(client, new: str, password: str = NEW_PASSWORD, confirmation: str | None = None):
    return post_form(client, "/compte/adresse", {
        "mot_de_passe_actuel": password, "mel": new, "mel_confirmation": new if confirmation is None else confirmation,
    })


def change_password(client, current: str = NEW_PASSWORD, new: str = OTHER_PASSWORD, confirmation: str | None = None):
    return post_form(client, "/compte/mot-de-passe", {
        "mot_de_passe_actuel": current, "mot_de_passe": new,
        "mot_de_passe_confirmation": new if confirmation is None else confirmation,
    })


def test_account_page_links_to_both_changes(parent, text):
    _, client = parent
    page = text(client.get("/compte"))
    assert '<a href="/compte/adresse">Modifier l\'adresse e-mail</a>' in page
    assert '<a href="/compte/mot-de-passe">Modifier le mot de passe</a>' in page


# --- address ---------------------------------------------------------------------------------

def test_new_address_counts_only_once_its_link_is_clicked(parent, text):
    account, client = parent
    new = address("nouvelle")
    response = change_address(client, new)
    assert response.status_code == 303 and response.headers["location"] == "/compte?modification=adresse"
    assert "Un courriel de confirmation a été envoyé à la nouvelle adresse" in text(client.get("/compte?modification=adresse"))
    assert account_row(account.compte_id)["mel"] == account.mel
    (confirmation,) = mails_to(new)
    assert confirmation["sujet"] == CONFIRM_SUBJECT and account.identifiant in confirmation["corps"]
    (told,) = mails_to(account.mel)
    assert told["sujet"] == CHANGED_SUBJECT
    assert new not in told["corps"] and f"{new[0]}***@identite.test" in told["corps"]

    page = text(client.get(path_of(link_in(confirmation["corps"]))))
    assert "Adresse e-mail confirmée" in page and new in page
    row = account_row(account.compte_id)
    assert row["mel"] == new and row["mel_verifie"] is True
    assert "déjà servi" in text(client.get(path_of(link_in(confirmation["corps"]))))


@pytest.mark.parametrize("days, works", [(92 - 1 / 1440, True), (92 + 1 / 1440, False)])
def test_address_link_lives_three_months(parent, travel, new_client, text, days, works):
    account, client = parent
    new = address("nouvelle")
    change_address(client, new)
    travel(days=days)
    page = text(new_client().get(path_of(link_in(mails_to(new)[0]["corps"]))))
    assert ("Adresse e-mail confirmée" in page) is works
    assert account_row(account.compte_id)["mel"] == (new if works else account.mel)


def test_a_newer_request_kills_the_former_address_link(parent, travel, text):
    account, client = parent
    first, second = address("premiere"), address("seconde")
    change_address(client, first)
    assert "Patientez une minute" in text(change_address(client, second))
    travel(seconds=61)
    change_address(client, second)
    assert "Confirmation de l'adresse impossible" in text(client.get(path_of(link_in(mails_to(first)[0]["corps"]))))
    client.get(path_of(link_in(mails_to(second)[0]["corps"])))
    assert account_row(account.compte_id)["mel"] == second


@pytest.mark.parametrize("fields, name, message", [
    ({"password": "mauvais-mot"}, "mot_de_passe_actuel", "Le mot de passe actuel est incorrect."),
    ({"password": ""}, "mot_de_passe_actuel", "Saisissez votre mot de passe actuel."),
    ({"confirmation": "autre@identite.test"}, "mel_confirmation", "Les deux adresses e-mail saisies sont différentes."),
    ({"new": "sans-arobase"}, "mel", "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."),
])
def test_address_change_refusals(parent, fields, name, message):
    account, client = parent
    new = fields.get("new", address("nouvelle"))
    response = change_address(client, new, fields.get("password", NEW_PASSWORD), fields.get("confirmation"))
    assert field_error(response.text, name) == message
    assert response.headers["cache-control"] == "no-store"
    assert mails_to(account.mel) == []
    if "@" in new:
        assert mails_to(new) == []


def test_the_current_address_is_not_a_change(parent):
    account, client = parent
    response = change_address(client, account.mel)
    assert field_error(response.text, "mel") == "C'est déjà l'adresse confirmée de votre compte."


def test_an_unconfirmed_former_address_is_not_told(make_account, client_as):
    pupil = make_account("eleve", etat="actif", password=NEW_PASSWORD, mel=address("eleve"))
    client = client_as(pupil.identifiant, NEW_PASSWORD)
    new = address("nouvelle")
    change_address(client, new)
    assert mails_to(pupil.mel) == []
    assert [m["sujet"] for m in mails_to(new)] == [CONFIRM_SUBJECT]


def test_wrong_current_passwords_are_throttled(parent, travel, text):
    _, client = parent
    for _ in range(3):
        assert "Le mot de passe actuel est incorrect." in text(change_address(client, address(), "mauvais-mot"))
    blocked = text(change_address(client, address()))
    assert "Trop de tentatives. Réessayez dans 1 seconde." in blocked
    travel(seconds=2)
    change_password(client, current="mauvais-mot")
    assert "Trop de tentatives. Réessayez dans 2 secondes." in text(change_password(client))
    travel(seconds=3)
    assert change_password(client).status_code == 303


# --- password --------------------------------------------------------------------------------

def test_new_password_ends_the_other_sessions_and_renews_this_one(parent, client_as, login, new_client, text):
    account, client = parent
    other = client_as(account.identifiant, NEW_PASSWORD)
    before = client.cookies["ts_session"]
    response = change_password(client)
    assert response.status_code == 303 and response.headers["location"] == "/compte?modification=mot-de-passe"
    assert client.cookies["ts_session"] != before
    assert run(Session.count().where(Session.compte == account.compte_id).run()) == 1
    assert "Votre mot de passe a été modifié" in text(client.get("/compte?modification=mot-de-passe"))
    assert other.get("/compte", follow_redirects=False).headers["location"].startswith("/connexion")
    assert check_password(account_row(account.compte_id)["mot_de_passe"], OTHER_PASSWORD)
    assert "Identifiant ou mot de passe incorrect." in text(login(new_client(), account.identifiant, NEW_PASSWORD))


@pytest.mark.parametrize("fields, name, message", [
    ({"current": "mauvais-mot"}, "mot_de_passe_actuel", "Le mot de passe actuel est incorrect."),
    ({"new": "court"}, "mot_de_passe", "Le mot de passe doit comporter au moins 8 caractères."),
    ({"new": "soleil123"}, "mot_de_passe", "Ce mot de passe est trop courant : choisissez-en un autre."),
    ({"new": NEW_PASSWORD}, "mot_de_passe", "Le nouveau mot de passe doit être différent du mot de passe actuel."),
    ({"confirmation": "Girafe-Verte-2032"}, "mot_de_passe_confirmation", "Les deux mots de passe saisis sont différents."),
])
def test_password_change_refusals(parent, fields, name, message):
    account, client = parent
    response = change_password(client, fields.get("current", NEW_PASSWORD), fields.get("new", OTHER_PASSWORD),
                               fields.get("confirmation"))
    assert response.status_code == 200
    assert field_error(response.text, name) == message
    assert 'value="' + fields.get("new", OTHER_PASSWORD) + '"' not in response.text
    assert check_password(account_row(account.compte_id)["mot_de_passe"], NEW_PASSWORD)


def test_the_password_may_not_hold_a_childs_birth_date(parent):
    account, client = parent
    response = change_password(client, new="Ete-" + account.birth.strftime("%d%m%Y"))
    assert field_error(response.text, "mot_de_passe") == "Le mot de passe ne doit pas contenir une date de naissance."


@pytest.mark.parametrize("path", ["/compte/adresse", "/compte/mot-de-passe"])
def test_account_changes_need_login_and_csrf(parent, client, path):
    assert client.get(path, follow_redirects=False).headers["location"] == f"/connexion?suivant={path}"
    _, logged_in = parent
    assert logged_in.post(path, data={"mot_de_passe_actuel": NEW_PASSWORD}).status_code == 403
