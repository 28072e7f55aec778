"""Anonymous visitors are sent to the login page; every POST needs the CSRF token of its session."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from teleservices.core.testing import DEMO_PASSWORD, csrf_from

CSRF_REFUSED = "La page a expiré ou le formulaire n'est pas valide."


def sends_to_login_for(location: str, path: str) -> bool:
    """Whether ``location`` is the login page, set to come back to ``path`` (trailing slash aside:
    Litestar answers both forms of a path)."""
    url = urlsplit(location)
    suivant = parse_qs(url.query).get("suivant", [""])[0]
    return url.path == "/connexion" and suivant.rstrip("/") == path.rstrip("/") and suivant.startswith("/")


@pytest.fixture
def login_form(client):
    """The login fields with the client's CSRF token."""
    return {
        "_csrf": csrf_from(client.get("/connexion").text),
        "identifiant": "demo.parent", "mot_de_passe": DEMO_PASSWORD, "suivant": "/",
    }


# --- anonymous access -----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/compte", "/eleves/{lea}/", "/eleves/{lea}/ent_exemple/"])
def test_anonymous_visitor_is_sent_to_the_login_page(client, demo, path):
    path = path.format(lea=demo.lea)
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 302
    assert sends_to_login_for(response.headers["location"], path)


def test_anonymous_visitor_comes_back_to_the_page_after_login(client, demo, text):
    login_page = client.get(f"/eleves/{demo.hugo}/")
    suivant = re.search(r'name="suivant" value="([^"]*)"', login_page.text).group(1)
    response = client.post("/connexion", data={
        "_csrf": csrf_from(login_page.text), "identifiant": "demo.parent", "mot_de_passe": DEMO_PASSWORD,
        "suivant": suivant,
    })
    assert response.url.path.rstrip("/") == f"/eleves/{demo.hugo}"
    assert "Hugo D." in text(response)


def test_anonymous_htmx_request_gets_a_full_page_redirect(client, demo):
    response = client.get(f"/eleves/{demo.lea}/", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 200
    assert sends_to_login_for(response.headers["hx-redirect"], f"/eleves/{demo.lea}/")
    assert response.content == b""


def test_login_page_is_public(client, text):
    response = client.get("/connexion")
    assert response.status_code == 200
    assert "Accès aux services en ligne" in text(response)


# --- CSRF -----------------------------------------------------------------------------------


def test_post_without_csrf_token_is_refused(client, login_form, text):
    del login_form["_csrf"]
    response = client.post("/connexion", data=login_form, follow_redirects=False)
    assert response.status_code == 403
    assert "Accès refusé" in text(response)
    assert CSRF_REFUSED in text(response)
    assert "ts_session" not in response.cookies


def test_post_with_a_made_up_csrf_token_is_refused(client, login_form):
    login_form["_csrf"] = "0" * 64
    assert client.post("/connexion", data=login_form, follow_redirects=False).status_code == 403


def test_csrf_token_of_another_visitor_is_refused(client, new_client, login_form):
    other = new_client()
    login_form["_csrf"] = csrf_from(other.get("/connexion").text)
    response = client.post("/connexion", data=login_form, follow_redirects=False)
    assert response.status_code == 403
    assert "ts_session" not in response.cookies


def test_post_with_its_own_csrf_token_is_accepted(client, login_form):
    response = client.post("/connexion", data=login_form, follow_redirects=False)
    assert response.status_code == 303
    assert "ts_session" in response.cookies


def test_htmx_post_may_send_the_token_in_a_header(client, login_form):
    token = login_form.pop("_csrf")
    response = client.post(
        "/connexion", data=login_form, headers={"HX-Request": "true", "X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert response.status_code == 200
    assert response.headers["hx-redirect"] == "/"
    assert "ts_session" in response.cookies


def test_pages_carry_the_token_for_htmx_requests(client):
    html = client.get("/connexion").text
    assert f'"X-CSRF-Token": "{csrf_from(html)}"' in html


def test_htmx_logout_with_the_header_token(client_as):
    parent = client_as("demo.parent")
    token = csrf_from(parent.get("/compte").text)
    response = parent.post("/deconnexion", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert response.headers["hx-redirect"] == "/connexion?deconnecte=1"
    assert parent.get("/compte", follow_redirects=False).status_code == 302


def test_token_from_before_login_is_refused_after_login(client, login_form):
    """The token is bound to the session: the anonymous one stops working once logged in."""
    anonymous_token = login_form["_csrf"]
    client.post("/connexion", data=login_form)
    response = client.post("/deconnexion", data={"_csrf": anonymous_token}, follow_redirects=False)
    assert response.status_code == 403
    assert client.get("/compte", follow_redirects=False).status_code == 200


def test_logout_without_token_is_refused(client_as):
    parent = client_as("demo.parent")
    assert parent.post("/deconnexion", follow_redirects=False).status_code == 403
    assert parent.get("/compte", follow_redirects=False).status_code == 200
