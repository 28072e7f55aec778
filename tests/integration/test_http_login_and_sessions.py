"""Logging in and out: one message for every failure, a new session token at each login."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from teleservices.core import clock
from teleservices.core.app import create_app
from teleservices.core.testing import DEMO_PASSWORD, csrf_from

LOGIN_FAILED = "Identifiant ou mot de passe incorrect."


@pytest.fixture
def post_login(client):
    """``post_login(identifiant, password, **extra)``: submits the login form, no redirect followed."""

    def post(identifiant: str, password: str = DEMO_PASSWORD, headers: dict | None = None, **fields: str):
        token = csrf_from(client.get("/connexion").text)
        data = {"_csrf": token, "identifiant": identifiant, "mot_de_passe": password, "suivant": "/", **fields}
        return client.post("/connexion", data=data, headers=headers, follow_redirects=False)

    return post


def test_unknown_identifier_is_refused_with_the_common_message(post_login, text):
    response = post_login("personne.inconnue")
    assert response.status_code == 200
    assert LOGIN_FAILED in text(response)
    assert "ts_session" not in response.cookies


def test_wrong_password_is_refused_with_the_common_message(post_login, text):
    response = post_login("demo.parent", "Mauvais-2026")
    assert LOGIN_FAILED in text(response)
    assert "ts_session" not in response.cookies


def test_unknown_identifier_and_wrong_password_give_the_same_page(post_login):
    unknown = post_login("inconnu.xyz", "Mauvais-2026")
    wrong = post_login("demo.parent", "Mauvais-2026")
    assert unknown.status_code == wrong.status_code
    assert unknown.text.replace("inconnu.xyz", "IDENTIFIANT") == wrong.text.replace("demo.parent", "IDENTIFIANT")


def test_failed_login_echoes_the_identifier_but_not_the_password(post_login):
    response = post_login("demo.parent", "Secret-tres-personnel")
    assert 'value="demo.parent"' in response.text
    assert "Secret-tres-personnel" not in response.text


def test_disabled_account_cannot_log_in(post_login, account_state, text):
    account_state("demo.parent2", "desactive")
    response = post_login("demo.parent2")
    assert LOGIN_FAILED in text(response)
    assert "ts_session" not in response.cookies


def test_disabling_an_account_ends_its_open_sessions(client_as, account_state):
    parent2 = client_as("demo.parent2")
    account_state("demo.parent2", "desactive")
    response = parent2.get("/compte", follow_redirects=False)
    assert response.headers["location"] == "/connexion?suivant=/compte"


def test_identifier_is_case_insensitive(post_login):
    response = post_login("  Demo.Parent ")
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_login_goes_to_the_requested_page(post_login, demo):
    response = post_login("demo.parent", suivant=f"/eleves/{demo.hugo}/")
    assert response.headers["location"] == f"/eleves/{demo.hugo}/"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "\\evil.example"])
def test_login_never_redirects_to_another_site(post_login, target):
    assert post_login("demo.parent", suivant=target).headers["location"] == "/"


@pytest.mark.parametrize("target", ["//evil.example/", "/\t/evil.example"])
def test_htmx_login_never_redirects_to_another_site(post_login, target):
    """htmx sets ``location.href`` to HX-Redirect as is, and browsers drop tabs from URLs."""
    response = post_login("demo.parent", suivant=target, headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/"


def test_login_page_of_a_logged_in_user_redirects_home(client_as):
    parent = client_as("demo.parent")
    response = parent.get("/connexion", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"] == "/"


# --- sessions -------------------------------------------------------------------------------


def test_session_cookie_is_http_only_and_same_site(post_login):
    set_cookie = post_login("demo.parent").headers["set-cookie"].lower()
    assert "ts_session=" in set_cookie
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie


def test_cookies_are_secure_behind_https(portal_settings, new_client):
    app = create_app(replace(portal_settings, base_url="https://services.example.org"))
    https_client = new_client(app, base_url="https://services.example.org")
    anonymous = https_client.get("/connexion")
    assert "secure" in anonymous.headers["set-cookie"].lower()
    response = https_client.post("/connexion", data={
        "_csrf": csrf_from(anonymous.text), "identifiant": "demo.parent", "mot_de_passe": DEMO_PASSWORD,
    }, follow_redirects=False)
    assert response.status_code == 303
    assert "ts_session=" in response.headers["set-cookie"]
    assert "secure" in response.headers["set-cookie"].lower()


def test_each_login_gets_a_new_session_token(client, login):
    login(client, "demo.parent")
    first = client.cookies["ts_session"]
    # Logging in again from the logged-in session (its CSRF token is on every page).
    token = csrf_from(client.get("/compte").text)
    client.post("/connexion", data={"_csrf": token, "identifiant": "demo.parent", "mot_de_passe": DEMO_PASSWORD})
    second = client.cookies["ts_session"]
    assert second != first
    assert client.get("/compte", follow_redirects=False).status_code == 200


def test_previous_session_token_stops_working_after_a_new_login(client, login, new_client):
    login(client, "demo.parent")
    first = client.cookies["ts_session"]
    token = csrf_from(client.get("/compte").text)
    client.post("/connexion", data={"_csrf": token, "identifiant": "demo.parent", "mot_de_passe": DEMO_PASSWORD})
    response = new_client().get("/compte", headers={"Cookie": f"ts_session={first}"}, follow_redirects=False)
    assert response.headers["location"] == "/connexion?suivant=/compte"


def test_made_up_session_cookie_is_ignored(client):
    response = client.get("/compte", headers={"Cookie": "ts_session=jeton-invente"}, follow_redirects=False)
    assert response.headers["location"] == "/connexion?suivant=/compte"
    assert 'ts_session=""' in response.headers["set-cookie"] or "ts_session=;" in response.headers["set-cookie"]


def test_session_token_chosen_before_login_is_replaced(client, login):
    client.cookies.set("ts_session", "jeton-de-l-attaquant", domain="127.0.0.1")
    login(client, "demo.parent")
    assert client.cookies["ts_session"] not in ("", "jeton-de-l-attaquant")
    assert client.get("/compte", follow_redirects=False).status_code == 200


def test_logout_ends_the_session(client, login, new_client, text):
    login(client, "demo.parent")
    session = client.cookies["ts_session"]
    token = csrf_from(client.get("/compte").text)
    response = client.post("/deconnexion", data={"_csrf": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/connexion?deconnecte=1"
    assert "Vous êtes déconnecté" in text(client.get(response.headers["location"]))
    replay = new_client().get("/compte", headers={"Cookie": f"ts_session={session}"}, follow_redirects=False)
    assert replay.headers["location"] == "/connexion?suivant=/compte"


def test_logout_is_not_a_get(client_as):
    parent = client_as("demo.parent")
    assert parent.get("/deconnexion", follow_redirects=False).status_code == 405
    assert parent.get("/compte", follow_redirects=False).status_code == 200


# --- session lifetime (the portal's clock is moved forward) ----------------------------------


@pytest.fixture
def travel(monkeypatch):
    """``travel(minutes=...)``: the portal's clock shows that much later than when it was called first."""
    start = clock.now()

    def to(**delta: float) -> None:
        monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(**delta))

    return to


def logged_in(test_client) -> bool:
    return test_client.get("/compte", follow_redirects=False).status_code == 200


def test_session_survives_a_short_pause(client_as, travel):
    parent = client_as("demo.parent")
    travel(minutes=119)
    assert logged_in(parent)


def test_idle_session_expires(client_as, travel):
    parent = client_as("demo.parent")
    travel(minutes=121)
    assert not logged_in(parent)
    travel(minutes=0)
    assert not logged_in(parent), "an expired session must not come back"


def test_active_session_is_kept_alive_until_its_maximum_lifetime(client_as, travel):
    parent = client_as("demo.parent")
    for step in range(1, 8):  # a request every 100 minutes, up to 11 h 40
        travel(minutes=100 * step)
        assert logged_in(parent), f"déconnecté après {100 * step} minutes d'activité"
    travel(minutes=800)  # 13 h 20 after login
    assert not logged_in(parent)
