"""A pytest plugin (entry point ``pytest11``) for Téléservices and its plugins' test suites.

Loaded wherever ``teleservices`` is installed: a plugin's own test folder, outside this
repository, gets every fixture below without a conftest (``docs/testing.md`` is the contract).

The portal:

- ``portal_settings``: a fresh, migrated database with the demo data, one per test session.
  SQLite in a temporary folder by default; ``--teleservices-db=postgres://...`` or
  ``TELESERVICES_TEST_DATABASE_URL`` chooses another (the option first; PostgreSQL's ``public``
  schema is emptied first). When ``CI`` is set, an unreachable PostgreSQL fails the run instead
  of skipping it.
- ``portal_app``: the Litestar app; ``client``: a test client with its own cookies;
  ``login(client, identifiant, password)``: logs a client in.
- ``portal_with(plugin, name=...)``: a test client of a portal built with one more plugin (a
  module or an object with ``@hookimpl`` functions), on the same database; its tables are created
  for the test and dropped after it.
- ``demo_context``: the demo's establishments and pupils (the ``DemoContext`` of ``demo_data``);
  ``open_service(key)``: the demo collège opens a service for one test.
- ``live_portal``: the portal served by uvicorn on a free port of 127.0.0.1, for browsers.
  ``base_url`` points Playwright's ``page.goto("/")`` at it.
- ``mail_sink``: a real SMTP server (aiosmtpd) on 127.0.0.1 that the test portal sends to:
  ``wait_for(to, subject)``, ``last(to)``, ``link(message)``, ``follow(page_or_client, message)``.

People: ``PERSONAS`` (the demo accounts, identifier → who), ``login_as(page, "demo.parent")``
and the fixtures ``login_page`` and ``persona_page("demo.chef")`` (a logged-in page of its
own browser context). ``browser_type_launch_args``: Debian's Chromium (``/usr/bin/chromium``),
since ``playwright install`` cannot download a browser on our machines.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import re
import socket
import threading
import time
import types
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as email_policy
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import pytest

DEMO_PASSWORD = "Bienvenue-2026"
PROVISIONAL_PASSWORD = "Provisoire-2026"
# The test clients' address (the live portal has its own port).
CLIENT_BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Persona:
    """A demo account: who it is, its type ("parent", "eleve" or "personnel"), its password."""

    who: str
    type: str
    password: str = DEMO_PASSWORD


# The demo accounts (the README's table): a contract that outside suites rely on.
PERSONAS: dict[str, Persona] = {
    "demo.parent": Persona(
        "Sophie Dupont, responsable légale 1 de Léa (4G, collège Jean Moulin) et de Hugo (2NDE1, lycée Marie Curie)",
        "parent"),
    "demo.parent2": Persona("Marc Dupont, responsable légal 2 de Léa, avec son propre compte", "parent"),
    "demo.eleve": Persona("Léa Dupont, le compte élève de Léa (4G) : pas de services réservés aux parents", "eleve"),
    "demo.provisoire": Persona(
        "Julie Moreau, mère de Tom (3E) : son compte a encore son mot de passe provisoire (première connexion)",
        "parent", PROVISIONAL_PASSWORD),
    "demo.parent3e": Persona(
        "Hélène Bertin, mère de Mélanie (3E), affectée au lycée Marie Curie : l'inscription au lycée", "parent"),
    "demo.chef": Persona("le chef d'établissement du collège Jean Moulin", "personnel"),
    "demo.secretariat": Persona("le secrétariat du collège (fiches de renseignements à traiter)", "personnel"),
    "demo.lycee": Persona("le secrétariat du lycée Marie Curie (l'inscription au lycée)", "personnel"),
    "demo.cpe": Persona("la vie scolaire (CPE) du collège (saisie des absences)", "personnel"),
    "demo.prof": Persona("Claire PETIT, enseignante au collège (les pages de ses classes)", "personnel"),
    "demo.academie": Persona(
        "l'administrateur académique de LILLE : choisit l'établissement sur lequel il travaille", "personnel"),
}


def password_of(identifiant: str) -> str:
    """A persona's password (``DEMO_PASSWORD`` for any other account)."""
    persona = PERSONAS.get(identifiant)
    return persona.password if persona else DEMO_PASSWORD


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("teleservices", "Téléservices")
    group.addoption(
        "--teleservices-db", dest="teleservices_db", default=None, metavar="URL",
        help="base de données des tests : postgres://... ou sqlite:///... (sinon TELESERVICES_TEST_DATABASE_URL, "
             "sinon un SQLite temporaire)",
    )


def database_url(tmp: Path, option: str | None = None) -> str:
    """The test database: the ``--teleservices-db`` option, else TELESERVICES_TEST_DATABASE_URL,
    else a SQLite file in ``tmp``."""
    return option or os.environ.get("TELESERVICES_TEST_DATABASE_URL") or f"sqlite:///{tmp / 'test.sqlite3'}"


async def _empty_postgres(url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(dsn=url, timeout=5)
    try:
        await connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()


def run(awaitable: Any) -> Any:
    """Await a coroutine or a Piccolo query from synchronous test code, even where an event
    loop is already running in this thread (Playwright's sync API runs one)."""

    async def wait() -> Any:
        return await awaitable

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, wait()).result()


def last_id(table: Any) -> int:
    """The highest id of a table's rows (0 when empty): a test marks it, then cleans or reads only
    the rows made after it (the session's database is shared, browser tests included)."""
    row = run(table.select(table.id).order_by(table.id, ascending=False).first())
    return row["id"] if row else 0


def invoke_cli(args: list[str], **kwargs: Any) -> Any:
    """Run the ``teleservices`` command with click's CliRunner, in a thread of its own: the
    command calls ``asyncio.run``, which fails where an event loop already runs (Playwright's)."""
    from click.testing import CliRunner

    from teleservices.core.cli import main

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(CliRunner().invoke, main, list(args), **kwargs).result()


def _prepare_postgres(url: str) -> None:
    try:
        run(_empty_postgres(url))
    except (OSError, asyncio.TimeoutError) as exc:
        message = f"PostgreSQL injoignable ({url}) : {exc}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


class MailSink:
    """A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=email_policy))
        return "250 Message accepted for delivery"

    def received(self, to: str | None = None, subject: str = "", since: int = 0) -> list[EmailMessage]:
        """The mails received (to ``to``, their subject containing ``subject``), after the
        first ``since`` ones (see ``mark``)."""
        with self._lock:
            return [
                m for m in self.messages[since:]
                if (to is None or to in m["To"]) and subject in m["Subject"]
            ]

    def mark(self) -> int:
        """How many mails were received so far: ``wait_for(..., since=mark)`` then waits for a
        new one, where an earlier test already mailed the same address."""
        with self._lock:
            return len(self.messages)

    def wait_for(self, to: str, subject: str = "", timeout: float = 15, since: int = 0) -> EmailMessage:
        """The latest mail to ``to`` whose subject contains ``subject`` (received after the
        ``since`` first ones), waiting for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.received(to, subject, since)
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"aucun courriel « {subject} » pour {to} (reçus : {[m['Subject'] for m in self.messages]})")

    @staticmethod
    def body(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    def last(self, to: str, subject: str = "") -> EmailMessage | None:
        """The last mail received for ``to`` (its subject containing ``subject``), or None. It
        does not wait: ``wait_for`` does."""
        found = self.received(to, subject)
        return found[-1] if found else None

    def links(self, message: EmailMessage) -> list[str]:
        """The links of the mail's text, in order."""
        return [link.rstrip(".,;:!?)»") for link in re.findall(r"https?://[^\s<>\"]+", self.body(message))]

    def link(self, message: EmailMessage, contains: str = "") -> str:
        """The one link of the mail that contains ``contains`` (an AssertionError when none or
        several do: say which with ``contains``)."""
        found = list(dict.fromkeys(link for link in self.links(message) if contains in link))
        if len(found) != 1:
            raise AssertionError(f"{len(found)} lien(s) contenant « {contains} » dans « {message['Subject']} » : {found}")
        return found[0]

    def follow(self, target: Any, message: EmailMessage, contains: str = "") -> Any:
        """Follow the mail's link (see ``link``) as its reader would, and return the response:
        in a Playwright page (``page.goto``, to the live portal) or with a test client (its path
        and query, redirects followed)."""
        link = self.link(message, contains)
        if hasattr(target, "goto"):
            return target.goto(link)
        parts = urlsplit(link)
        return target.get(parts.path + (f"?{parts.query}" if parts.query else ""), follow_redirects=True)

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()

    def start(self, port: int = 0) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=port or self.port)
        self.controller.start()
        self.port = self.controller.port
        self.up = True

    def go_down(self) -> None:
        """An SMTP outage: connections are refused until ``come_back()``."""
        self.controller.stop()
        self.up = False

    def come_back(self) -> None:
        self.start(self.port)


@pytest.fixture(scope="session")
def mail_sink() -> Iterator[MailSink]:
    """The SMTP server the test portal sends its mails to (``mail_sink.wait_for(to, subject)``)."""
    sink = MailSink()
    sink.start(_free_port())
    yield sink
    if sink.up:
        sink.controller.stop()


@pytest.fixture(scope="session")
def portal_port() -> int:
    """The port the live portal will use, chosen first so that mailed links point at it."""
    return _free_port()


@pytest.fixture(scope="session")
def portal_settings(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory, mail_sink: MailSink, portal_port: int,
) -> Any:
    """Settings of a fresh portal database, migrated and filled with the demo data."""
    from teleservices.core.settings import Settings

    var_dir = tmp_path_factory.mktemp("var")
    url = database_url(var_dir, pytestconfig.getoption("teleservices_db", None))
    if url.startswith("postgres"):
        _prepare_postgres(url)
    # Piccolo's migration commands read the database from the environment (piccolo_conf).
    os.environ["TELESERVICES_DATABASE_URL"] = url
    os.environ["TELESERVICES_VAR_DIR"] = str(var_dir)
    settings = Settings(
        database_url=url, secret_key="clé-de-test", var_dir=var_dir,
        base_url=f"http://127.0.0.1:{portal_port}",
        smtp_url=f"smtp://127.0.0.1:{mail_sink.port}", mail_interval=0.2,
    )

    from teleservices.core.db import bind, engine_from_url, migrate
    from teleservices.core.demo import load_demo
    from teleservices.core.plugins import all_tables, load_plugins

    plugins = load_plugins(settings)
    bind(engine_from_url(url), all_tables(plugins))
    run(migrate())
    run(load_demo(plugins))
    return settings


@pytest.fixture(autouse=True)
def notifications_left_behind(request: pytest.FixtureRequest) -> Iterator[None]:
    """The notifications a test makes (the services emit them as staff pages and APIs write) are
    deleted after it, in every suite that uses the portal's database (the project's, a plugin's):
    each test starts with the demo's accounts' notification centres as they were."""
    if "portal_settings" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("portal_settings")
    from teleservices.core.tables import Notification

    mark = last_id(Notification)
    yield
    run(Notification.delete().where(Notification.id > mark))


@pytest.fixture(scope="session")
def portal_app(portal_settings: Any) -> Any:
    from teleservices.core.app import create_app

    return create_app(portal_settings)


@pytest.fixture
def client(portal_app: Any) -> Iterator[Any]:
    from litestar.testing import TestClient

    with TestClient(app=portal_app, base_url=CLIENT_BASE_URL) as test_client:
        yield test_client


def _plugin_name(plugin: object) -> str:
    if isinstance(plugin, types.ModuleType):
        return plugin.__name__.rsplit(".", 1)[-1]
    return type(plugin).__name__.lower()


def _tables_of(app: Any, name: str) -> list[Any]:
    """The Piccolo tables of the plugin registered as ``name`` in this app (of the apps the
    portal accepted from it)."""
    plugins = app.state.plugins
    tables = []
    for impl in plugins.pm.hook.piccolo_apps.get_hookimpls():
        if impl.plugin_name == name:
            for app_path in impl.function() or []:
                if app_path in plugins.piccolo_apps:
                    tables.extend(importlib.import_module(app_path).APP_CONFIG.table_classes)
    return tables


async def _create_missing(tables: list[Any]) -> list[Any]:
    from piccolo.table import create_db_tables

    missing = [table for table in tables if not await table.table_exists()]
    await create_db_tables(*missing)
    return missing


async def _drop(tables: list[Any]) -> None:
    from piccolo.table import drop_db_tables

    await drop_db_tables(*tables)


@pytest.fixture
def portal_with(portal_settings: Any) -> Iterator[Callable[..., Any]]:
    """``portal_with(plugin, name=None)``: a test client (its app is ``.app``) of a portal built
    with one more plugin, a module or an object whose functions are marked ``@hookimpl``, on the
    session's database; closed after the test. ``name`` is the plugin's name (its tables'
    prefix, its ``/static/<name>/`` folder); by default the module's last name or the class name
    in lower case. A plugin already installed is loaded anyway: give another one here only.

    The plugin's tables (its ``piccolo_apps``) are created from its Table classes, not by its
    migrations, and dropped after the test: ``teleservices migrate`` tests the migrations once
    the plugin is installed."""
    from litestar.testing import TestClient

    from teleservices.core.app import create_app

    with ExitStack() as stack:

        def make(plugin: object, name: str | None = None) -> Any:
            name = name or _plugin_name(plugin)
            app = create_app(portal_settings, extra_plugins={name: plugin})
            created = run(_create_missing(_tables_of(app, name)))
            if created:
                stack.callback(lambda: run(_drop(created)))
            return stack.enter_context(TestClient(app=app, base_url=CLIENT_BASE_URL))

        yield make


@pytest.fixture(scope="session")
def demo_context(portal_settings: Any) -> Any:
    """The demo's ``DemoContext``, as ``demo_data`` receives it: ``etablissements["college"]``,
    ``["lycee"]``; ``eleves["collegien"]`` (Léa), ``["lyceen"]`` (Hugo), ``["troisieme"]``
    (Mélanie), ``["provisoire"]`` (Tom): database ids."""
    from teleservices.core.demo import existing_context

    return run(existing_context())


async def _activation(etablissement_id: int, key: str) -> dict[str, Any] | None:
    from teleservices.core.family import stored_options
    from teleservices.core.tables import ServiceActivation

    row = await ServiceActivation.select(ServiceActivation.ouvert, ServiceActivation.options).where(
        (ServiceActivation.etablissement == etablissement_id) & (ServiceActivation.service == key)
    ).first()
    return row and {"ouvert": bool(row["ouvert"]), "options": stored_options(row["options"])}


async def _set_activation(etablissement_id: int, key: str, row: dict[str, Any] | None) -> None:
    """Put the service's activation row of an establishment in this state (None: no row)."""
    from teleservices.core.tables import ServiceActivation

    where = (ServiceActivation.etablissement == etablissement_id) & (ServiceActivation.service == key)
    if row is None:
        await ServiceActivation.delete().where(where)
    elif await ServiceActivation.exists().where(where):
        await ServiceActivation.update({
            ServiceActivation.ouvert: row["ouvert"], ServiceActivation.options: row["options"],
        }).where(where)
    else:
        await ServiceActivation.insert(ServiceActivation(
            etablissement=etablissement_id, service=key, ouvert=row["ouvert"], options=row["options"],
        ))


@pytest.fixture
def open_service(demo_context: Any) -> Iterator[Callable[..., None]]:
    """``open_service(key, etablissement="college", options=None, ouvert=True)``: the demo
    collège (or "lycee", or an establishment's id) opens a service, with these stored options,
    for this test; its former state comes back after."""
    changed: list[tuple[int, str, Any]] = []

    def open_(key: str, etablissement: str | int = "college", options: dict[str, Any] | None = None,
              ouvert: bool = True) -> None:
        etablissement_id = demo_context.etablissements.get(etablissement, etablissement)
        before = run(_activation(etablissement_id, key))
        changed.append((etablissement_id, key, before))
        stored = before["options"] if before else {}
        run(_set_activation(etablissement_id, key, {"ouvert": ouvert, "options": {**stored, **(options or {})}}))

    yield open_
    for etablissement_id, key, before in reversed(changed):
        run(_set_activation(etablissement_id, key, before))


CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


@pytest.fixture
def login() -> Callable[..., Any]:
    """``login(client, identifiant, password=None)``: logs a test client in through the login
    form (the persona's password unless given); returns the response, redirects followed."""

    def do_login(client: Any, identifiant: str, password: str | None = None) -> Any:
        token = csrf_from(client.get("/connexion").text)
        return client.post(
            "/connexion",
            data={
                "_csrf": token, "identifiant": identifiant, "suivant": "/",
                "mot_de_passe": password_of(identifiant) if password is None else password,
            },
            follow_redirects=True,
        )

    return do_login


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_portal(portal_app: Any, portal_port: int) -> Iterator[str]:
    """The portal served on 127.0.0.1 for the whole session (``portal_settings.base_url``)."""
    import uvicorn

    port = portal_port
    server = uvicorn.Server(uvicorn.Config(portal_app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("Le portail de test n'a pas démarré")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def pytest_configure(config: pytest.Config) -> None:
    # Registered after every setuptools plugin, so that pytest picks these fixtures over
    # pytest-playwright's and pytest-base-url's own, whatever order entry points load in.
    config.pluginmanager.register(importlib.import_module("teleservices.core.testing_browser"))


def login_as(page: Any, identifiant: str, password: str | None = None) -> Any:
    """Log a Playwright page in through the login form, as a person would (« Identifiant »,
    « Mot de passe », « Se connecter »), and wait until the portal has left the login page.
    The password is the persona's (``PERSONAS``) unless given. Returns the page."""
    page.goto("/connexion")
    page.get_by_label("Identifiant").fill(identifiant)
    page.get_by_label("Mot de passe").fill(password_of(identifiant) if password is None else password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/connexion" not in url)
    return page


@pytest.fixture
def login_page() -> Callable[..., Any]:
    """``login_page(page, identifiant, password=None)``: ``login_as`` as a fixture."""
    return login_as
