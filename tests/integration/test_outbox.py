"""The outbox across an SMTP outage: nothing lost, nothing sent twice."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

import pytest

from teleservices.core import clock
from teleservices.core.identity import mail
from teleservices.core.tables import Courriel
from teleservices.core.testing import run


@pytest.fixture
def outage(mail_sink):
    """The SMTP server is down until ``restore()``; it is always back after the test."""
    mail_sink.go_down()
    yield mail_sink.come_back
    if not mail_sink.up:
        mail_sink.come_back()


def unsent(to: str) -> list[dict]:
    return run(Courriel.select().where((Courriel.destinataire == to) & Courriel.envoye_le.is_null()))


def test_an_smtp_outage_loses_nothing_and_sends_nothing_twice(portal_settings, mail_sink, outage, monkeypatch):
    to = "panne.smtp@example.org"
    run(mail.queue(to, "Message des services en ligne - Essai", "Bonjour,\nun essai.\n"))

    # Server down: the attempt fails and the mail waits. The server's own sender may be the one
    # trying (it claims the mail meanwhile), so poll until an attempt is recorded.
    deadline = time.monotonic() + 10
    while unsent(to)[0]["tentatives"] == 0 and time.monotonic() < deadline:
        run(mail.send_due(portal_settings))
        time.sleep(0.1)
    [waiting] = unsent(to)
    assert waiting["tentatives"] >= 1
    assert waiting["prochain_essai"] > clock.now(), "retried later, with a delay"
    assert mail_sink.received(to) == []

    outage()  # the server is back
    later = clock.now() + dt.timedelta(hours=2)  # past the longest backoff
    monkeypatch.setattr(clock, "now", lambda: later)
    run(mail.send_due(portal_settings))
    mail_sink.wait_for(to, "Essai")
    run(mail.send_due(portal_settings))  # another pass, by us or by the server's own sender
    assert len(mail_sink.received(to)) == 1
    assert unsent(to) == []


def test_two_senders_at_once_deliver_a_mail_once(portal_settings, mail_sink):
    to = "deux.expediteurs@example.org"
    run(mail.queue(to, "Message des services en ligne - Concurrence", "Bonjour.\n"))

    async def both() -> None:
        await asyncio.gather(mail.send_due(portal_settings), mail.send_due(portal_settings))

    run(both())
    mail_sink.wait_for(to, "Concurrence")
    assert len(mail_sink.received(to)) == 1


def test_backoff_grows_and_is_capped():
    assert [mail.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert mail.backoff(30) == dt.timedelta(hours=1)


def test_smtp_url_options():
    assert mail.smtp_options("smtps://user%40x:p%3Ass@mail.example.org:465") == {
        "hostname": "mail.example.org", "port": 465, "timeout": 30, "use_tls": True,
        "username": "user@x", "password": "p:ss",
    }
    with pytest.raises(ValueError):
        mail.smtp_options("http://mail.example.org")


@pytest.fixture
def account_with_address():
    """An active parent account with a confirmed address; deleted after the test."""
    from teleservices.core.security import hash_password
    from teleservices.core.tables import Compte

    compte = Compte(identifiant="panne.courriel", mot_de_passe=hash_password("Panne-SMTP-2026"), type="parent",
                    etat="actif", mel="panne.courriel@example.org", mel_verifie=True)
    run(compte.save())
    yield compte
    run(Compte.delete().where(Compte.id == compte.id))


def test_a_request_succeeds_during_an_outage_and_its_mail_is_delivered_once_after(
    portal_settings, client, mail_sink, outage, account_with_address, monkeypatch
):
    from teleservices.core.testing import csrf_from

    to = account_with_address.mel
    token = csrf_from(client.get("/mot-de-passe-oublie").text)
    response = client.post("/mot-de-passe-oublie", data={"_csrf": token, "identifiant": "panne.courriel"})

    assert response.status_code == 200  # the family sees no error: the mail waits
    run(mail.send_due(portal_settings))
    assert len(unsent(to)) == 1
    assert mail_sink.received(to) == []

    outage()
    later = clock.now() + dt.timedelta(hours=2)
    monkeypatch.setattr(clock, "now", lambda: later)
    run(mail.send_due(portal_settings))
    mail_sink.wait_for(to, "Réinitialisation")
    run(mail.send_due(portal_settings))
    assert len(mail_sink.received(to)) == 1
    assert unsent(to) == []


def test_a_long_accented_subject_arrives_word_for_word(portal_settings, mail_sink):
    """Python folds a long non-ASCII subject into encoded words and drops the space between two
    of them (« lycéeconfirmée »): the outbox sends headers unfolded."""
    to = "sujet.long@example.org"
    sujet = "Message des services en ligne - Inscription au lycée confirmée pour la rentrée 2027 (élève : Mélanie)"
    run(mail.queue(to, sujet, "Bonjour.\n"))
    run(mail.send_due(portal_settings))
    assert mail_sink.wait_for(to, "Inscription au lycée confirmée")["Subject"] == sujet
