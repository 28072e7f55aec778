"""The purge of guardian accounts not activated within 3 months (guide 2.2.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from identite_support import account_row, make_account, travel
from teleservices.core import clock
from teleservices.core.identity.purge import purge_expired
from teleservices.core.tables import Compte
from teleservices.core.testing import invoke_cli, run

__all__ = ["make_account", "travel"]


def waiting_since(account, moment: dt.datetime) -> None:
    run(Compte.update({Compte.attente_depuis: moment}).where(Compte.id == account.compte_id).run())


@pytest.fixture
def accounts(make_account):
    """A waiting account, a provisional one, an active one and a disabled one, all made now."""
    return {
        etat: make_account("parent", etat=etat, mel="x@identite.test")
        for etat in ("en_attente", "provisoire", "actif", "desactive")
    }


def test_purge_keeps_a_waiting_account_until_three_months(accounts, travel):
    travel(days=92, minutes=-1)
    assert run(purge_expired(clock.now())) == 0
    assert account_row(accounts["en_attente"].compte_id) is not None


def test_purge_deletes_a_waiting_account_after_three_months_and_nothing_else(accounts, travel):
    travel(days=92, minutes=1)
    assert run(purge_expired(clock.now())) == 1
    assert account_row(accounts["en_attente"].compte_id) is None
    for etat in ("provisoire", "actif", "desactive"):
        assert account_row(accounts[etat].compte_id) is not None


def test_purge_counts_from_the_first_connection(make_account):
    now = clock.now()
    old = make_account("parent", etat="en_attente")
    recent = make_account("parent", etat="en_attente")
    waiting_since(old, now - dt.timedelta(days=120))
    waiting_since(recent, now - dt.timedelta(days=30))
    assert run(purge_expired(now)) == 1
    assert account_row(old.compte_id) is None and account_row(recent.compte_id) is not None


def test_purged_account_cannot_log_in_and_its_link_says_why(make_account, new_client, login, text):
    from identite_support import NEW_PASSWORD, address, link_in, mails_to, path_of, post_form

    account = make_account("parent")
    client = new_client()
    login(client, account.identifiant, account.password)
    mel = address()
    post_form(client, "/premiere-connexion", {
        "mel": mel, "mel_confirmation": mel, "date_naissance": account.birth_fr,
        "mot_de_passe": NEW_PASSWORD, "mot_de_passe_confirmation": NEW_PASSWORD,
    })
    link = path_of(link_in(mails_to(mel)[0]["corps"]))
    assert run(purge_expired(clock.now() + dt.timedelta(days=93))) == 1
    page = text(new_client().get(link))
    assert "le compte a été supprimé" in page and "reprenez contact avec l'établissement" in page
    assert "Identifiant ou mot de passe incorrect." in text(login(new_client(), account.identifiant, NEW_PASSWORD))


def test_the_command_prints_how_many_accounts_it_deleted(accounts, travel, portal_settings):
    travel(days=93)
    env = {"TELESERVICES_DATABASE_URL": portal_settings.database_url, "TELESERVICES_VAR_DIR": str(portal_settings.var_dir)}
    result = invoke_cli(["accounts", "purge-expired"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "1 compte(s) non activé(s) dans les 3 mois supprimé(s)."
    assert account_row(accounts["en_attente"].compte_id) is None
