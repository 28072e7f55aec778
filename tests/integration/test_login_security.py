"""Login: throttling, rehashing, the same work for unknown and known identifiers."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher

from teleservices.core import clock, security
from teleservices.core.identity import throttle
from teleservices.core.tables import Compte
from teleservices.core.testing import DEMO_PASSWORD, csrf_from, run


def post_login(client, identifiant, password):
    token = csrf_from(client.get("/connexion").text)
    return client.post("/connexion", data={"_csrf": token, "identifiant": identifiant, "mot_de_passe": password})


def test_guessing_a_password_meets_growing_delays_even_with_the_right_one(client):
    for _ in range(throttle.FREE_FAILURES):
        assert "Identifiant ou mot de passe incorrect." in post_login(client, "demo.parent2", "devinette").text
    response = post_login(client, "demo.parent2", DEMO_PASSWORD)
    assert "Trop de tentatives" in response.text
    assert "ts_session" not in response.cookies


def test_the_delay_passes(client, monkeypatch):
    for _ in range(4):
        post_login(client, "demo.parent2", "devinette")
    later = clock.now() + dt.timedelta(seconds=3)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.get("/")  # not logged in
    assert "/connexion" in str(response.url)
    assert "la scolarité de" in post_login(client, "demo.parent2", DEMO_PASSWORD).text


def test_unknown_identifiers_are_throttled_like_known_ones(client):
    for _ in range(4):
        post_login(client, "personne.inconnue", "devinette")
    assert "Trop de tentatives" in post_login(client, "personne.inconnue", "devinette").text


def test_a_classmate_elsewhere_cannot_lock_the_owner_out(monkeypatch):
    """100 failures from another address: the owner's own address waits at most a minute."""
    for _ in range(100):
        run(throttle.failed("demo.parent2", "192.0.2.66"))
    assert 0 < run(throttle.seconds_to_wait("demo.parent2", "192.0.2.10")) <= 60


def test_an_unknown_identifier_costs_a_hash_verification_too(monkeypatch):
    calls = []
    real = security._hasher

    class Spy:
        def verify(self, password_hash, password):
            calls.append(password_hash)
            return real.verify(password_hash, password)

    monkeypatch.setattr(security, "_hasher", Spy())
    assert security.check_password(None, "n'importe quoi") is False
    assert calls == [security._DUMMY_HASH]


def test_a_weaker_hash_is_upgraded_at_login(client):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(DEMO_PASSWORD)
    before = run(Compte.select(Compte.mot_de_passe).where(Compte.identifiant == "demo.parent2").first())
    run(Compte.update({Compte.mot_de_passe: weak}).where(Compte.identifiant == "demo.parent2"))
    try:
        assert "la scolarité de" in post_login(client, "demo.parent2", DEMO_PASSWORD).text
        after = run(Compte.select(Compte.mot_de_passe).where(Compte.identifiant == "demo.parent2").first())
        assert after["mot_de_passe"] != weak
        assert "m=19456,t=2,p=1" in after["mot_de_passe"]
    finally:
        run(Compte.update({Compte.mot_de_passe: before["mot_de_passe"]}).where(Compte.identifiant == "demo.parent2"))
