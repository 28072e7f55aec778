"""The language of the portal, per account, defaulting to the browser's (issue 11, « Languages »)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterator

import pytest

from notifications_support import notifications  # noqa: F401 (fixture)
from teleservices.core.i18n import LANGUAGE_COOKIE, Catalogs, lazy_gettext
from teleservices.core.tables import Compte
from teleservices.core.testing import csrf_from, run

LANG = re.compile(r'<html lang="(\w+)"')


def lang_of(response: Any) -> str:
    match = LANG.search(response.text)
    assert match, "pas de <html lang>"
    return match.group(1)


def choose(client: Any, language: str, retour: str = "/") -> Any:
    token = csrf_from(client.get("/aide").text)
    return client.post("/preferences/langue", data={"_csrf": token, "langue": language, "retour": retour},
                       follow_redirects=False)


@pytest.fixture
def account_language() -> Iterator[Callable[[str], str]]:
    """``account_language("demo.parent2")``: the account's saved choice; every account touched
    gets back its former one after the test."""
    before: dict[str, str] = {}

    def read(identifiant: str) -> str:
        row = run(Compte.select(Compte.langue).where(Compte.identifiant == identifiant).first())
        before.setdefault(identifiant, row["langue"])
        return row["langue"]

    yield read
    for identifiant, langue in before.items():
        run(Compte.update({Compte.langue: langue}).where(Compte.identifiant == identifiant))


def test_french_unless_the_browser_asks_for_a_language_the_portal_speaks(new_client: Callable[..., Any]) -> None:
    client = new_client()
    assert lang_of(client.get("/connexion")) == "fr"
    assert lang_of(client.get("/connexion", headers={"Accept-Language": "en-GB,en;q=0.9"})) == "en"
    assert lang_of(client.get("/connexion", headers={"Accept-Language": "de-DE,fr;q=0.5,en;q=0.4"})) == "fr"
    assert lang_of(client.get("/connexion", headers={"Accept-Language": "de-DE"})) == "fr"


def test_the_footer_switch_works_before_login_and_comes_back_to_the_page(new_client: Callable[..., Any]) -> None:
    client = new_client()
    page = client.get("/mot-de-passe-oublie")
    assert 'action="/preferences/langue"' in page.text and 'lang="en">English</button>' in page.text
    response = choose(client, "en", "/mot-de-passe-oublie")
    assert response.status_code == 303 and response.headers["location"] == "/mot-de-passe-oublie"
    assert f"{LANGUAGE_COOKIE}=en" in response.headers["set-cookie"]
    assert "HttpOnly" in response.headers["set-cookie"] and "SameSite=lax" in response.headers["set-cookie"]
    # The cookie beats the browser's language; the switch now offers French, in French.
    english = client.get("/mot-de-passe-oublie", headers={"Accept-Language": "fr-FR"})
    assert lang_of(english) == "en" and 'lang="fr">Français</button>' in english.text
    assert choose(client, "fr").status_code == 303
    assert lang_of(client.get("/connexion", headers={"Accept-Language": "en-GB"})) == "fr"


def test_a_foreign_return_address_or_an_unknown_language_is_refused(new_client: Callable[..., Any]) -> None:
    client = new_client()
    response = choose(client, "xx", "https://ailleurs.example/")
    assert response.headers["location"] == "/"  # back home, not to another site
    assert lang_of(client.get("/connexion", headers={"Accept-Language": "en"})) == "fr"  # « xx » is French


def test_the_switch_needs_the_forms_token(new_client: Callable[..., Any]) -> None:
    client = new_client()
    client.get("/connexion")
    response = client.post("/preferences/langue", data={"langue": "en", "retour": "/"}, follow_redirects=False)
    assert response.status_code == 403
    assert lang_of(client.get("/connexion")) == "fr"


def test_the_account_keeps_its_choice_on_every_device(
    client_as: Callable[..., Any], new_client: Callable[..., Any], login: Callable[..., Any],
    account_language: Callable[[str], str],
) -> None:
    assert account_language("demo.parent2") == ""
    phone = client_as("demo.parent2")
    assert lang_of(phone.get("/compte")) == "fr"
    assert choose(phone, "en", "/compte?modification=langue").headers["location"] == "/compte?modification=langue"
    assert account_language("demo.parent2") == "en"
    # Another browser, which asks for French and has no cookie: the account's choice wins.
    computer = new_client()
    computer.headers["Accept-Language"] = "fr-FR,fr;q=0.9"
    login(computer, "demo.parent2")
    assert lang_of(computer.get("/compte")) == "en"
    # …even over that browser's own cookie.
    computer.cookies.set(LANGUAGE_COOKIE, "fr")
    assert lang_of(computer.get("/compte")) == "en"
    # Logged out, the browser is French again.
    computer.cookies.clear()
    assert lang_of(new_client().get("/connexion", headers={"Accept-Language": "fr-FR"})) == "fr"


def test_the_account_page_offers_the_languages_and_confirms_the_choice(
    client_as: Callable[..., Any], account_language: Callable[[str], str],
) -> None:
    account_language("demo.parent2")
    client = client_as("demo.parent2")
    page = client.get("/compte").text
    assert '<label for="langue">Langue du portail</label>' in page
    assert '<option value="fr" lang="fr" selected>Français</option>' in page
    assert '<option value="en" lang="en">English</option>' in page
    response = choose(client, "en", "/compte?modification=langue")
    confirmed = client.get(response.headers["location"])
    assert lang_of(confirmed) == "en" and 'role="status"' in confirmed.text
    assert '<option value="en" lang="en" selected>English</option>' in confirmed.text


def test_a_notification_reads_in_each_familys_language(
    notifications: Any, demo: Any, portal_app: Any, tmp_path: Path, client_as: Callable[..., Any],
    account_language: Callable[[str], str],
) -> None:
    """Its title is stored in every language: the mail goes in the account's chosen language, the
    page shows the one it is read in (a browser's language, no choice made)."""
    po = tmp_path / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid "Nouvelles notes de %(prenom)s"\nmsgstr "New grades for %(prenom)s"\n', encoding="utf-8")
    state = portal_app.state
    app = SimpleNamespace(state=SimpleNamespace(settings=state.settings, plugins=state.plugins, jinja=state.jinja,
                                                catalogs=Catalogs([tmp_path / "locale"])))
    account_language("demo.parent2")
    run(Compte.update({Compte.langue: "en"}).where(Compte.identifiant == "demo.parent2"))
    notifications.emit(demo.lea, "notes.publiees", lazy_gettext("Nouvelles notes de %(prenom)s", prenom="Léa"), app=app)
    assert notifications.of("demo.parent2")[0]["titre"] == "New grades for Léa"
    assert notifications.of("demo.parent")[0]["titre"] == "Nouvelles notes de Léa"
    parent = client_as("demo.parent")
    assert "Nouvelles notes de Léa" in parent.get("/notifications").text
    assert "New grades for Léa" in parent.get("/notifications", headers={"Accept-Language": "en-GB"}).text
