"""The test kit plugin authors get with the portal (``teleservices.core.testing``, entry point
``pytest11``): each fixture and helper used as a plugin's own suite would use it.

A tiny plugin package is written to a temporary folder here, as its author would write it (a
ServiceSpec with two routes, a template, a mail), then registered for one test with
``portal_with``. A second pytest run, in a folder outside the repository, proves that a
plugin's suite needs nothing but the installed portal.
"""

from __future__ import annotations

import email.policy
import html
import importlib
import os
import re
import secrets
import subprocess
import sys
import textwrap
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Iterator

import pytest
from litestar.testing import TestClient
from playwright.sync_api import expect

from teleservices.core.tables import Courriel, Jeton
from teleservices.core.testing import (
    CLIENT_BASE_URL, DEMO_PASSWORD, PERSONAS, MailSink, csrf_from, database_url, last_id, login_as, password_of, run,
)

ROOT = Path(__file__).resolve().parents[2]
KEY = "kit_essai"

PLUGIN = '''
"""A service written against the facade only, as a third party would."""

from litestar import Request, get, post
from litestar.response import Redirect

from teleservices.core.api import (
    CurrentChild, ServiceSpec, hookimpl, portal_url, render, send_mail, write_transaction,
)

ADRESSE = {adresse!r}


@get("/")
async def page(request: Request, child: CurrentChild) -> object:
    return render(request, "kit_essai/page.html", {{"child": child, "suivi": "suivi" in request.query_params}})


@post("/courriel")
async def courriel(request: Request, child: CurrentChild) -> Redirect:
    async with write_transaction():
        await send_mail(request, ADRESSE, "kit_essai/mails/lien.txt",
                        lien=portal_url(request, f"/eleves/{{child.id}}/kit_essai/?suivi=1"), child=child)
    return Redirect(f"/eleves/{{child.id}}/kit_essai/", status_code=303)


@hookimpl
def services():
    return [ServiceSpec("kit_essai", "Le service d'essai du kit", routes=[page, courriel])]
'''
PAGE = '''{% extends "layout.html" %}
{% from "_champs.html" import csrf %}
{% block content %}
  <h1>Le service d'essai de {{ child.prenom }}</h1>
  {% if suivi %}<p role="status">Vous avez suivi le lien du courriel.</p>{% endif %}
  <form method="post" action="courriel">{{ csrf(csrf_token) }}<button>Envoyer</button></form>
{% endblock %}
'''
MAIL = '''{% block sujet %}Essai du kit pour {{ child.prenom }}{% endblock %}
{% block corps %}
Bonjour,

Le lien à suivre : {{ lien }}.
Sans rapport : https://www.education.gouv.fr/
{% endblock %}
'''


@pytest.fixture
def kit_plugin(tmp_path: Path) -> Iterator[Any]:
    """The package ``kit_essai`` (its ``templates/`` folder found without a hook), imported."""
    adresse = f"kit.{secrets.token_hex(4)}@example.org"
    package = tmp_path / "kit_essai"
    (package / "templates" / "kit_essai" / "mails").mkdir(parents=True)
    (package / "__init__.py").write_text(PLUGIN.format(adresse=adresse), encoding="utf-8")
    (package / "templates" / "kit_essai" / "page.html").write_text(PAGE, encoding="utf-8")
    (package / "templates" / "kit_essai" / "mails" / "lien.txt").write_text(MAIL, encoding="utf-8")
    sys.path.insert(0, str(tmp_path))
    mark = last_id(Courriel)
    try:
        yield importlib.import_module("kit_essai")
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("kit_essai", None)
        run(Courriel.delete().where((Courriel.id > mark) & (Courriel.destinataire == adresse)))


def test_portal_with_a_plugin_its_page_its_mail_and_the_link_followed(
    kit_plugin, portal_with, login, open_service, demo_context, mail_sink, portal_app,
) -> None:
    lea = demo_context.eleves["collegien"]
    open_service(KEY)
    client = portal_with(kit_plugin)
    assert KEY in client.app.state.plugins.services  # named after its module
    login(client, "demo.parent")
    assert "Le service d'essai du kit" in html.unescape(client.get(f"/eleves/{lea}/").text)  # Léa's home screen
    page = client.get(f"/eleves/{lea}/{KEY}/")
    assert page.status_code == 200 and "Le service d'essai de Léa" in html.unescape(page.text)

    sent = client.post(f"/eleves/{lea}/{KEY}/courriel", data={"_csrf": csrf_from(page.text)}, follow_redirects=False)
    assert sent.status_code == 303
    adresse = kit_plugin.ADRESSE
    message = mail_sink.wait_for(adresse, "Essai du kit pour Léa")
    assert mail_sink.last(adresse) is message
    assert mail_sink.link(message, contains=KEY).endswith(f"/eleves/{lea}/{KEY}/?suivi=1")  # the final "." left out
    followed = mail_sink.follow(client, message, contains=KEY)
    assert followed.status_code == 200 and "Vous avez suivi le lien du courriel." in followed.text

    # The session's own portal never heard of the plugin.
    with TestClient(app=portal_app, base_url=CLIENT_BASE_URL) as other:
        login(other, "demo.parent")
        assert other.get(f"/eleves/{lea}/{KEY}/").status_code == 404


def test_portal_with_a_plugin_object_and_a_name(portal_with, login, open_service, demo_context) -> None:
    from litestar import get

    from teleservices.core.api import ServiceSpec, hookimpl

    @get("/")
    async def bonjour() -> str:
        return "bonjour"

    class Essai:
        @hookimpl
        def services(self):
            return [ServiceSpec("essai_objet", "Essai d'un objet", routes=[bonjour])]

    lea = demo_context.eleves["collegien"]
    client = portal_with(Essai(), name="essai_objet")
    assert client.app.state.plugins.service_owner["essai_objet"] == "essai_objet"
    login(client, "demo.parent")
    assert client.get(f"/eleves/{lea}/essai_objet/").status_code == 403  # not opened: the guard says so
    open_service("essai_objet")
    assert client.get(f"/eleves/{lea}/essai_objet/").text == "bonjour"


def test_open_service_with_options_at_the_lycee(open_service, demo_context) -> None:
    from teleservices.core.family import opened_services

    lycee = demo_context.etablissements["lycee"]
    assert "essai_options" not in run(opened_services(lycee))
    open_service("essai_options", "lycee", options={"campagne": "2027"})
    assert run(opened_services(lycee))["essai_options"] == {"campagne": "2027"}
    open_service("essai_options", "lycee", ouvert=False)
    assert "essai_options" not in run(opened_services(lycee))


def test_the_personas_are_the_tables_of_the_readme_and_docs_testing_and_each_logs_in(portal_app, login) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.findall(r"^\| `(demo\.\w+)` \| `([^`]+)` \|", readme, re.M) == [
        (identifiant, persona.password) for identifiant, persona in PERSONAS.items()
    ]
    contract = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    assert re.findall(r"^\| `(demo\.\w+)` \| `([^`]+)` \| (\w+) \|", contract, re.M) == [
        (identifiant, persona.password, persona.type) for identifiant, persona in PERSONAS.items()
    ]
    for identifiant, persona in PERSONAS.items():
        with TestClient(app=portal_app, base_url=CLIENT_BASE_URL) as client:
            landed = login(client, identifiant, password_of(identifiant)).url.path
        expected = {
            "parent": r"/eleves/\d+/", "eleve": r"/eleves/\d+/", "personnel": r"/|/administration/etablissements",
        }[persona.type]
        if identifiant == "demo.provisoire":
            expected = "/premiere-connexion"
        assert re.fullmatch(expected, landed), (identifiant, landed)
    assert password_of("quelqu.un") == DEMO_PASSWORD


def mail(body: str) -> EmailMessage:
    message = EmailMessage(policy=email.policy.default)
    message["To"], message["Subject"] = "a@example.org", "Essai"
    message.set_content(body)
    return message


def test_mail_helpers_read_links_and_the_last_mail() -> None:
    sink = MailSink()
    first = mail("Lien : http://127.0.0.1:1/a?jeton=1.\nAutre (https://exemple.org/b), fin.")
    sink.messages += [first, mail("Rien.")]
    assert sink.links(first) == ["http://127.0.0.1:1/a?jeton=1", "https://exemple.org/b"]
    assert sink.link(first, contains="jeton") == "http://127.0.0.1:1/a?jeton=1"
    with pytest.raises(AssertionError, match="2 lien"):
        sink.link(first)  # which one? ``contains`` says it
    with pytest.raises(AssertionError, match="0 lien"):
        sink.link(first, contains="absent")
    assert sink.last("a@example.org") is sink.messages[1]
    assert sink.last("a@example.org", subject="Essai") is sink.messages[1]
    assert sink.last("b@example.org") is None


def test_mail_sink_mark_waits_for_a_new_mail() -> None:
    sink = MailSink()
    sink.messages.append(mail("Ancien."))
    mark = sink.mark()
    with pytest.raises(AssertionError, match="aucun courriel"):
        sink.wait_for("a@example.org", "Essai", timeout=0.1, since=mark)
    sink.messages.append(mail("Nouveau."))
    assert sink.body(sink.wait_for("a@example.org", "Essai", since=mark)).strip() == "Nouveau."
    assert sink.received(since=mark) == [sink.messages[1]]


@pytest.mark.e2e
def test_personas_side_by_side_in_a_browser(persona_page, page, demo_context, live_portal) -> None:
    lea = demo_context.eleves["collegien"]
    parent = persona_page("demo.parent")
    eleve = persona_page("demo.eleve", viewport={"width": 360, "height": 740})
    expect(parent).to_have_url(f"{live_portal}/eleves/{lea}/")
    expect(eleve).to_have_url(f"{live_portal}/eleves/{lea}/")
    assert eleve.viewport_size == {"width": 360, "height": 740}
    expect(parent.get_by_role("navigation", name="Vos enfants")).to_be_visible()
    expect(eleve.get_by_role("navigation", name="Vos enfants")).to_have_count(0)
    expect(parent.get_by_role("main").get_by_role("list")).to_contain_text("La fiche de renseignements")
    expect(eleve.get_by_role("main").get_by_role("list")).not_to_contain_text("La fiche de renseignements")
    parent.reload()  # each its own cookies: the pupil's login did not replace the parent's session
    expect(parent.get_by_role("navigation", name="Vos enfants")).to_be_visible()

    # login_as takes the persona's own password: the provisional one here.
    assert login_as(page, "demo.provisoire") is page
    expect(page).to_have_url(f"{live_portal}/premiere-connexion")


@pytest.fixture
def reset_tokens_removed() -> Iterator[None]:
    jetons, courriels = last_id(Jeton), last_id(Courriel)
    yield
    run(Jeton.delete().where(Jeton.id > jetons))
    run(Courriel.delete().where(Courriel.id > courriels))


@pytest.mark.e2e
def test_a_mailed_link_followed_in_a_browser(page, mail_sink, live_portal, reset_tokens_removed) -> None:
    mark = mail_sink.mark()
    page.goto("/mot-de-passe-oublie")
    page.get_by_label("votre identifiant *", exact=True).fill("demo.parent2")
    page.get_by_role("button", name="valider").click()
    page.wait_for_url("**?envoye=1")  # the form's answer, before the page goes elsewhere
    message = mail_sink.wait_for("marc.dupont@example.org", "Réinitialisation", since=mark)
    response = mail_sink.follow(page, message)
    assert response.ok and page.url.startswith(f"{live_portal}/reinitialisation")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau mot de passe")


def test_the_database_option_comes_before_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TELESERVICES_TEST_DATABASE_URL", "postgres://x@127.0.0.1:1/env")
    assert database_url(tmp_path, "postgres://x@127.0.0.1:1/option") == "postgres://x@127.0.0.1:1/option"
    assert database_url(tmp_path) == "postgres://x@127.0.0.1:1/env"
    monkeypatch.delenv("TELESERVICES_TEST_DATABASE_URL")
    assert database_url(tmp_path) == f"sqlite:///{tmp_path / 'test.sqlite3'}"


# The contract of docs/testing.md: each page it lists has its <main> and its <h1>.
CONTRACT_ROW = re.compile(r"^\| `(/[^`]*)` \| (`demo\.\w+`|—) \| (.+?) \|", re.M)


def test_the_landmarks_that_docs_testing_promises(portal_app, login, demo_context) -> None:
    rows = CONTRACT_ROW.findall((ROOT / "docs" / "testing.md").read_text(encoding="utf-8"))
    assert len(rows) >= 10
    ids = {**demo_context.eleves}
    for path, who, h1 in rows:
        with TestClient(app=portal_app, base_url=CLIENT_BASE_URL) as client:
            if who != "—":
                login(client, who.strip("`"))
            response = client.get(path.format(**ids))
        assert response.status_code == 200, (path, who, response.status_code)
        assert re.search(r'<main id="contenu"', response.text), path
        headings = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", h)).strip()
                    for h in re.findall(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)]
        assert headings == [h1.replace("\\|", "|").strip("« »")], (path, headings)


# A plugin's own suite, outside the repository: no conftest, no import of tests/.
OUTSIDE_SUITE = '''
from litestar import get

from teleservices.core.api import ServiceSpec, hookimpl
from teleservices.core.testing import run


@get("/")
async def bonjour() -> str:
    return "bonjour"


def test_a_plugin_of_my_own(portal_with, login, open_service, demo_context, portal_settings):
    assert portal_settings.database_url == {url!r}
    open_service("dehors")
    client = portal_with(Dehors(), name="dehors")
    login(client, "demo.parent")
    assert client.get(f"/eleves/{{demo_context.eleves['collegien']}}/dehors/").text == "bonjour"
    assert run(DehorsNote.table_exists())


def test_what_the_previous_test_changed_is_gone(client, login, demo_context):
    login(client, "demo.parent")
    assert client.get(f"/eleves/{{demo_context.eleves['collegien']}}/dehors/").status_code == 404
    from teleservices.core.family import opened_services
    assert "dehors" not in run(opened_services(demo_context.etablissements["college"]))
    assert not run(DehorsNote.table_exists())


from piccolo.columns import Varchar
from piccolo.conf.apps import AppConfig
from piccolo.table import Table


class DehorsNote(Table):
    texte = Varchar()


APP_CONFIG = AppConfig(app_name="dehors", migrations_folder_path=".", table_classes=[DehorsNote])


class Dehors:
    @hookimpl
    def services(self):
        return [ServiceSpec("dehors", "Dehors", routes=[bonjour])]

    @hookimpl
    def piccolo_apps(self):
        return ["test_dehors"]
'''


def test_a_plugin_suite_outside_the_repository(tmp_path: Path) -> None:
    """The kit's fixtures in a folder of its own, the database chosen with ``--teleservices-db``
    (the environment names one that does not answer: the option wins)."""
    url = f"sqlite:///{tmp_path / 'base' / 'essai.sqlite3'}"
    (tmp_path / "test_dehors.py").write_text(textwrap.dedent(OUTSIDE_SUITE.format(url=url)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELESERVICES_")}
    env["TELESERVICES_TEST_DATABASE_URL"] = "postgres://personne@127.0.0.1:1/injoignable"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--teleservices-db={url}",
         "--rootdir", str(tmp_path), "test_dehors.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout
    assert (tmp_path / "base" / "essai.sqlite3").exists()
