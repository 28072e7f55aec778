"""First connection (guide 2.2): the guardian's form, mail and activation link; the pupil's form."""

from __future__ import annotations

import html

import pytest

from identite_support import (
    NEW_PASSWORD, PROVISIONAL, account_row, address, code_of, field_error, fresh_throttle, input_value, link_in, mails_to,
    make_account, path_of, post_form, travel,
)
from teleservices.core.identity import tokens
from teleservices.core.testing import PROVISIONAL_PASSWORD
from teleservices.core.tables import Jeton, Session
from teleservices.core.testing import run

__all__ = ["fresh_throttle", "make_account", "travel"]
pytestmark = pytest.mark.usefixtures("fresh_throttle")

ACTIVATION_SUBJECT = "Message des services en ligne - Mise à jour de votre adresse mail"
GUIDE_BODY = (
    "Bonjour,\n\nvous souhaitez accéder aux services en ligne de l'éducation nationale.\n"
    "Afin de pouvoir utiliser tous les services proposés, cliquez sur le lien ci-dessous :\n{link}\n"
    "Vous disposez d'un délai de 3 mois pour activer votre compte. Au-delà, le compte sera supprimé et vous "
    "devrez reprendre contact avec l'établissement pour en créer un nouveau.\n\n"
    "Cordialement,\nL'administrateur des services en ligne.\n"
)


def parent_form(account, adresse: str, **changes: str) -> dict[str, str]:
    data = {
        "mel": adresse, "mel_confirmation": adresse, "date_naissance": account.birth_fr,
        "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD,
    }
    data.update(changes)
    return data


@pytest.fixture
def provisional_parent(make_account, new_client, login):
    """A guardian account as the school made it, logged in: ``(account, client)``."""
    account = make_account("parent", siecle_mel=address("siecle"))
    client = new_client()
    response = login(client, account.identifiant, account.password)
    assert str(response.url).endswith("/premiere-connexion")
    return account, client


def first_connection(client, data: dict[str, str]):
    return post_form(client, "/premiere-connexion", data)


# --- the gate and the form -------------------------------------------------------------------

def test_demo_provisional_account_sees_the_form_prefilled_from_siecle(client, login, text):
    response = login(client, "demo.provisoire", PROVISIONAL_PASSWORD)
    assert str(response.url).endswith("/premiere-connexion")
    page = text(response)
    assert "Première connexion" in page and "demo.provisoire" in page
    assert input_value(response.text, "mel") == "julie.moreau@example.org"
    assert input_value(response.text, "mel_confirmation") == ""
    for label in ("votre adresse e-mail", "... confirmation de votre adresse e-mail",
                  "date de naissance de votre enfant", "votre mot de passe", "... confirmation du mot de passe"):
        assert f">{label} <span class=\"obligatoire\">*</span></label>" in page
    assert "(8 caractères minimum)" in page
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/compte", "/compte/adresse", "/compte/mot-de-passe", "/aide/../compte"])
def test_nothing_else_is_reachable_before_the_first_connection(provisional_parent, path):
    _, client = provisional_parent
    response = client.get(path, follow_redirects=False)
    assert response.headers["location"] == "/premiere-connexion"


# --- the guardian ----------------------------------------------------------------------------

def test_guardian_first_connection_waits_for_the_mail_and_rotates_the_session(provisional_parent, portal_settings, text):
    account, client = provisional_parent
    old_token = client.cookies["ts_session"]
    mel = address("parent")
    response = first_connection(client, parent_form(account, mel.upper()))
    assert response.status_code == 303 and response.headers["location"] == "/premiere-connexion"
    new_token = client.cookies["ts_session"]
    assert new_token != old_token
    assert run(Session.count().where(Session.compte == account.compte_id).run()) == 1

    row = account_row(account.compte_id)
    assert row["etat"] == "en_attente" and row["mel"] == mel and row["mel_verifie"] is False
    assert row["attente_depuis"] is not None
    (mail,) = mails_to(mel)
    assert mail["sujet"] == ACTIVATION_SUBJECT
    url = link_in(mail["corps"])
    assert url.startswith(f"{portal_settings.base_url}/activation?code=")
    assert mail["corps"] == GUIDE_BODY.format(link=url)

    page = text(client.get("/premiere-connexion"))
    assert "suivez les instructions du courriel qui vient de vous être envoyé" in page
    assert mel in page and ">valider</button>" in page and ">Renvoyer le courriel</button>" in page
    # Until the link is clicked, nothing else opens.
    assert client.get("/", follow_redirects=False).headers["location"] == "/premiere-connexion"


def test_the_activation_link_activates_the_account_once(provisional_parent, text):
    account, client = provisional_parent
    mel = address("parent")
    first_connection(client, parent_form(account, mel))
    url = link_in(mails_to(mel)[0]["corps"])

    response = client.get(path_of(url))
    assert response.status_code == 200
    page = text(response)
    assert "Votre compte est activé" in page and ">accéder aux services</button>" in page
    assert response.headers["cache-control"] == "no-store"
    row = account_row(account.compte_id)
    assert row["etat"] == "actif" and row["mel_verifie"] is True and row["active_le"] is not None
    assert row["attente_depuis"] is None
    # "accéder aux services": the child's home screen.
    home = client.get("/", follow_redirects=False)
    assert home.headers["location"] == f"/eleves/{account.eleve_id}/"
    # The link works once.
    again = text(client.get(path_of(url)))
    assert "Activation du compte impossible" in again and "déjà servi" in again


def test_the_activation_link_works_in_another_browser_without_login(provisional_parent, new_client, login, text):
    account, client = provisional_parent
    mel = address("parent")
    first_connection(client, parent_form(account, mel))
    other = new_client()
    assert "Votre compte est activé" in text(other.get(path_of(link_in(mails_to(mel)[0]["corps"]))))
    # The guardian logs in with the password chosen at first connection.
    response = login(other, account.identifiant, NEW_PASSWORD)
    assert str(response.url).endswith(f"/eleves/{account.eleve_id}/")


@pytest.mark.parametrize("days, works", [(92 - 1 / 1440, True), (92 + 1 / 1440, False)])
def test_the_activation_link_lives_three_months(provisional_parent, travel, new_client, text, days, works):
    account, client = provisional_parent
    mel = address("parent")
    first_connection(client, parent_form(account, mel))
    url = link_in(mails_to(mel)[0]["corps"])
    travel(days=days)
    page = text(new_client().get(path_of(url)))
    if works:
        assert "Votre compte est activé" in page
        assert account_row(account.compte_id)["etat"] == "actif"
    else:
        assert "a expiré" in page and "Reprenez contact avec l'établissement" in page
        assert account_row(account.compte_id)["etat"] == "en_attente"


def test_an_unknown_activation_code_gets_a_clear_page(client, text):
    page = text(client.get("/activation?code=inconnu"))
    assert "Activation du compte impossible" in page and "n'est pas valable" in page
    assert "Activation du compte impossible" in text(client.get("/activation"))


def test_resending_the_mail_kills_the_former_link(provisional_parent, travel, text):
    account, client = provisional_parent
    mel = address("parent")
    first_connection(client, parent_form(account, mel))
    first_url = link_in(mails_to(mel)[0]["corps"])
    # Once a minute at most.
    too_soon = post_form(client, "/premiere-connexion/renvoyer", {"mel": mel, "mel_confirmation": mel},
                         page="/premiere-connexion")
    assert "Patientez une minute" in text(too_soon)
    assert len(mails_to(mel)) == 1
    travel(seconds=61)
    response = post_form(client, "/premiere-connexion/renvoyer", {"mel": mel, "mel_confirmation": mel},
                         page="/premiere-connexion")
    assert response.headers["location"] == "/premiere-connexion?renvoye=1"
    assert "Un nouveau courriel vient d'être envoyé" in text(client.get("/premiere-connexion?renvoye=1"))
    first, second = mails_to(mel)
    assert second["sujet"] == ACTIVATION_SUBJECT
    assert "Activation du compte impossible" in text(client.get(path_of(first_url)))
    assert "Votre compte est activé" in text(client.get(path_of(link_in(second["corps"]))))


def test_a_mistyped_address_can_be_corrected_while_waiting(provisional_parent, travel, text):
    account, client = provisional_parent
    wrong, right = address("faute"), address("parent")
    first_connection(client, parent_form(account, wrong))
    mismatch = post_form(client, "/premiere-connexion/renvoyer", {"mel": right, "mel_confirmation": wrong},
                         page="/premiere-connexion")
    assert field_error(mismatch.text, "mel_confirmation") == "Les deux adresses e-mail saisies sont différentes."
    travel(seconds=61)
    post_form(client, "/premiere-connexion/renvoyer", {"mel": right, "mel_confirmation": right},
              page="/premiere-connexion")
    assert account_row(account.compte_id)["mel"] == right
    assert "Activation du compte impossible" in text(client.get(path_of(link_in(mails_to(wrong)[0]["corps"]))))
    assert "Votre compte est activé" in text(client.get(path_of(link_in(mails_to(right)[0]["corps"]))))
    assert account_row(account.compte_id)["mel"] == right


REFUSALS = [
    ("date_naissance", {"date_naissance": "01/01/2001"}, "Cette date ne correspond à aucun enfant rattaché à ce compte."),
    ("date_naissance", {"date_naissance": "31/02/2012"}, "Saisissez la date au format jj/mm/aaaa, par exemple 14/03/2013."),
    ("date_naissance", {"date_naissance": ""}, "Saisissez la date de naissance."),
    ("mel", {"mel": "", "mel_confirmation": ""}, "Saisissez votre adresse e-mail."),
    ("mel", {"mel": "pas-une-adresse", "mel_confirmation": "pas-une-adresse"},
     "Saisissez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."),
    ("mel_confirmation", {"mel_confirmation": "autre@identite.test"}, "Les deux adresses e-mail saisies sont différentes."),
    ("mot_de_passe_confirmation", {"mot_de_passe_confirmation": "Tournesol-Bleu-48"},
     "Les deux mots de passe saisis sont différents."),
    ("mot_de_passe", {"mot_de_passe": "Court1!", "mot_de_passe_confirmation": "Court1!"},
     "Le mot de passe doit comporter au moins 8 caractères."),
    ("mot_de_passe", {"mot_de_passe": "azertyuiop", "mot_de_passe_confirmation": "azertyuiop"},
     "Ce mot de passe est trop courant : choisissez-en un autre."),
    ("mot_de_passe", {"mot_de_passe": "Mai-17052012", "mot_de_passe_confirmation": "Mai-17052012"},
     "Le mot de passe ne doit pas contenir une date de naissance."),
    ("mot_de_passe", {"mot_de_passe": PROVISIONAL, "mot_de_passe_confirmation": PROVISIONAL},
     "Le mot de passe provisoire ne peut pas être conservé."),
]


@pytest.mark.parametrize("name, changes, message", REFUSALS, ids=[m for _, _, m in REFUSALS])
def test_guardian_refusals_are_shown_next_to_the_field(provisional_parent, name, changes, message):
    account, client = provisional_parent
    mel = address("parent")
    data = parent_form(account, mel, **changes)
    response = first_connection(client, data)
    assert response.status_code == 200
    assert field_error(response.text, name) == message
    assert 'role="alert"' in response.text
    # What was typed is kept, except the passwords.
    assert input_value(response.text, "mel") == data["mel"]
    assert input_value(response.text, "date_naissance") == data["date_naissance"]
    assert input_value(response.text, "mot_de_passe") is None
    assert data["mot_de_passe"] not in response.text
    row = account_row(account.compte_id)
    assert row["etat"] == "provisoire" and row["mel"] == ""
    assert mails_to(mel) == []


def test_the_identifier_cannot_be_the_password(provisional_parent):
    account, client = provisional_parent
    password = f"{account.identifiant}-X"
    response = first_connection(client, parent_form(account, address(), mot_de_passe=password,
                                                    mot_de_passe_confirmation=password))
    assert field_error(response.text, "mot_de_passe") == "Le mot de passe ne doit pas contenir votre identifiant."


@pytest.mark.parametrize("typed", ["17/05/2012", "17-05-2012", "17.05.2012", "17052012", " 17/5/2012 "])
def test_birth_date_formats(provisional_parent, typed):
    account, client = provisional_parent
    response = first_connection(client, parent_form(account, address(), date_naissance=typed))
    assert response.status_code == 303


def test_wrong_birth_dates_are_throttled_with_growing_delays(provisional_parent, travel, text):
    account, client = provisional_parent
    wrong = parent_form(account, address(), date_naissance="01/01/2001")
    for _ in range(3):
        assert "ne correspond à aucun enfant" in text(first_connection(client, wrong))
    # A fourth try at once, even with the right date, is not checked.
    blocked = text(first_connection(client, parent_form(account, address())))
    assert "Trop de tentatives. Réessayez dans 1 seconde." in blocked
    assert account_row(account.compte_id)["etat"] == "provisoire"
    travel(seconds=2)
    assert "ne correspond à aucun enfant" in text(first_connection(client, wrong))
    assert "Trop de tentatives. Réessayez dans 2 secondes." in text(first_connection(client, wrong))
    travel(seconds=3)
    assert first_connection(client, parent_form(account, address())).status_code == 303


def test_links_come_from_the_configured_address_not_the_host_header(provisional_parent, portal_settings):
    account, client = provisional_parent
    mel = address()
    post_form(client, "/premiere-connexion", parent_form(account, mel), headers={"Host": "evil.example"})
    assert link_in(mails_to(mel)[0]["corps"]).startswith(portal_settings.base_url + "/activation?code=")


# --- the pupil -------------------------------------------------------------------------------

@pytest.fixture
def provisional_pupil(make_account, new_client, login):
    account = make_account("eleve")
    client = new_client()
    response = login(client, account.identifiant, account.password)
    assert str(response.url).endswith("/premiere-connexion")
    return account, client


def pupil_form(account, adresse: str = "", **changes: str) -> dict[str, str]:
    data = {"date_naissance": account.birth_fr, "mot_de_passe": NEW_PASSWORD,
            "mot_de_passe_confirmation": NEW_PASSWORD, "mel": adresse, "mel_confirmation": adresse}
    data.update(changes)
    return data


def test_pupil_form_has_the_guides_labels(provisional_pupil):
    account, client = provisional_pupil
    page = html.unescape(client.get("/premiere-connexion").text)
    assert "<dt>votre identifiant</dt><dd>" + account.identifiant in page
    for label in ("votre date de naissance", "votre mot de passe", "... confirmation du mot de passe"):
        assert f">{label} <span class=\"obligatoire\">*</span></label>" in page
    for label in ("votre adresse e-mail", "... confirmation de votre adresse e-mail"):
        assert f">{label}</label>" in page
    assert "(8 caractères minimum)" in page and "Champs obligatoires" in page


def test_pupil_without_email_is_active_at_once(provisional_pupil, text):
    account, client = provisional_pupil
    old_token = client.cookies["ts_session"]
    response = first_connection(client, pupil_form(account))
    assert response.headers["location"] == "/premiere-connexion/terminee"
    assert client.cookies["ts_session"] != old_token
    row = account_row(account.compte_id)
    assert row["etat"] == "actif" and row["mel"] == "" and row["active_le"] is not None
    assert run(Jeton.count().where(Jeton.compte == account.compte_id).run()) == 0
    page = text(client.get("/premiere-connexion/terminee"))
    assert "Vous n'avez pas indiqué d'adresse e-mail" in page
    assert client.get("/", follow_redirects=False).headers["location"] == f"/eleves/{account.eleve_id}/"


def test_pupil_with_email_is_active_and_the_address_waits_for_its_link(provisional_pupil, text):
    account, client = provisional_pupil
    mel = address("eleve")
    first_connection(client, pupil_form(account, mel))
    row = account_row(account.compte_id)
    assert row["etat"] == "actif" and row["mel"] == mel and row["mel_verifie"] is False
    (mail,) = mails_to(mel)
    assert mail["sujet"] == ACTIVATION_SUBJECT
    assert account.identifiant in mail["corps"]
    page = text(client.get("/premiere-connexion/terminee"))
    assert "Tant qu'elle n'est pas confirmée" in page
    # Every service is open meanwhile.
    assert client.get(f"/eleves/{account.eleve_id}/").status_code == 200
    confirmed = text(client.get(path_of(link_in(mail["corps"]))))
    assert "Adresse e-mail confirmée" in confirmed
    assert account_row(account.compte_id)["mel_verifie"] is True


def test_pupil_email_prefilled_from_siecle(make_account, new_client, login):
    mel = address("siecle")
    account = make_account("eleve", siecle_mel=mel)
    response = login(new_client(), account.identifiant, account.password)
    assert input_value(response.text, "mel") == mel


@pytest.mark.parametrize("name, changes, message", [
    ("date_naissance", {"date_naissance": "18/05/2012"}, "Cette date ne correspond pas à la date de naissance connue de l'établissement."),
    ("mel_confirmation", {"mel": "a@identite.test", "mel_confirmation": ""},
     "Saisissez une seconde fois l'adresse e-mail pour la confirmer."),
    ("mot_de_passe_confirmation", {"mot_de_passe_confirmation": ""},
     "Saisissez une seconde fois le mot de passe pour le confirmer."),
    ("mel", {"mel": "", "mel_confirmation": "a@identite.test"}, "Saisissez votre adresse e-mail."),
    ("mot_de_passe", {"mot_de_passe": PROVISIONAL, "mot_de_passe_confirmation": PROVISIONAL},
     "Le mot de passe provisoire ne peut pas être conservé."),
])
def test_pupil_refusals(provisional_pupil, name, changes, message):
    account, client = provisional_pupil
    response = first_connection(client, pupil_form(account, **changes))
    assert field_error(response.text, name) == message
    assert account_row(account.compte_id)["etat"] == "provisoire"


def test_an_active_account_leaves_the_first_connection_pages(client_as):
    client = client_as("demo.parent")
    assert client.get("/premiere-connexion", follow_redirects=False).headers["location"] == "/"


@pytest.mark.parametrize("path", ["/premiere-connexion", "/premiere-connexion/renvoyer"])
def test_first_connection_posts_need_the_csrf_token(provisional_parent, path):
    _, client = provisional_parent
    response = client.post(path, data={"mel": "x@identite.test"}, follow_redirects=False)
    assert response.status_code == 403


def test_tokens_kind_is_checked(provisional_parent, text):
    """An activation code is not a reset code, nor the reverse."""
    account, client = provisional_parent
    mel = address()
    first_connection(client, parent_form(account, mel))
    code = code_of(link_in(mails_to(mel)[0]["corps"]))
    assert run(tokens.check(code, tokens.RESET)) is None
    assert run(tokens.check(code, tokens.ACTIVATION)) is not None


def test_staff_first_connection_asks_no_birth_date(make_account, new_client, login):
    account = make_account("personnel")
    client = new_client()
    page = login(client, account.identifiant, account.password)
    assert 'id="date_naissance"' not in page.text
    response = first_connection(client, {"mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD,
                                         "mel": "", "mel_confirmation": ""})
    assert response.headers["location"] == "/premiere-connexion/terminee"
    assert account_row(account.compte_id)["etat"] == "actif"
