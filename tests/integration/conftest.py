"""Helpers shared by the HTTP tests: demo ids, logged-in clients, temporary data changes.

The database is shared by the whole session: every fixture that changes data restores it.
"""

from __future__ import annotations

import html
import re
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pytest
from litestar.testing import TestClient

from teleservices.core.testing import DEMO_PASSWORD, run
from teleservices.core.tables import Compte, Eleve, Etablissement, ServiceActivation

BASE_URL = "http://127.0.0.1:8000"


@dataclass(frozen=True)
class Demo:
    """Database ids of the demo personas' pupils and establishments."""

    lea: int
    hugo: int
    college: int
    lycee: int


async def _demo_ids() -> Demo:
    async def pupil(prenom: str) -> int:
        row = await Eleve.select(Eleve.id).where(
            (Eleve.prenom == prenom) & (Eleve.nom_de_famille == "DUPONT")
        ).first()
        return row["id"]

    async def school(nom: str) -> int:
        return (await Etablissement.select(Etablissement.id).where(Etablissement.nom == nom).first())["id"]

    return Demo(
        lea=await pupil("Léa"), hugo=await pupil("Hugo"),
        college=await school("COLLEGE JEAN MOULIN"), lycee=await school("LYCEE MARIE CURIE"),
    )


@pytest.fixture(scope="session")
def demo(portal_settings: Any) -> Demo:
    return run(_demo_ids())


def page_text(response: Any) -> str:
    """The page's HTML with entities decoded, so that French apostrophes compare as typed."""
    return html.unescape(response.text)


@pytest.fixture
def text() -> Callable[[Any], str]:
    """``text(response)``: the page's HTML, entities decoded (``L'inscription``, not ``L&#39;``)."""
    return page_text


@pytest.fixture
def new_client(portal_app: Any) -> Iterator[Callable[..., TestClient]]:
    """``new_client(app=..., base_url=...)``: another client with its own cookies; closed after the test."""
    with ExitStack() as stack:

        def make(app: Any = portal_app, base_url: str = BASE_URL) -> TestClient:
            return stack.enter_context(TestClient(app=app, base_url=base_url))

        yield make


@pytest.fixture
def client_as(portal_app: Any, new_client: Callable[..., TestClient], login: Callable[..., Any]) -> Callable[..., TestClient]:
    """``client_as("demo.parent", app=...)``: a new client, logged in; closed after the test."""

    def make(identifiant: str, password: str = DEMO_PASSWORD, app: Any = portal_app) -> TestClient:
        test_client = new_client(app)
        response = login(test_client, identifiant, password)
        assert response.status_code == 200 and "/connexion" not in str(response.url), (
            f"{identifiant} n'a pas pu se connecter"
        )
        return test_client

    return make


@pytest.fixture
def service_opened() -> Iterator[Callable[[int, str], None]]:
    """``service_opened(etablissement_id, key)``: opens a service; its former state comes back after."""
    changed: list[tuple[int, str, bool | None]] = []

    def open_service(etablissement_id: int, key: str, ouvert: bool = True) -> None:
        changed.append((etablissement_id, key, run(_set_activation(etablissement_id, key, ouvert))))

    yield open_service
    for etablissement_id, key, before in reversed(changed):
        run(_restore_activation(etablissement_id, key, before))


async def _set_activation(etablissement_id: int, key: str, ouvert: bool) -> bool | None:
    where = (ServiceActivation.etablissement == etablissement_id) & (ServiceActivation.service == key)
    row = await ServiceActivation.select(ServiceActivation.ouvert).where(where).first()
    if row is None:
        await ServiceActivation.insert(ServiceActivation(etablissement=etablissement_id, service=key, ouvert=ouvert))
        return None
    await ServiceActivation.update({ServiceActivation.ouvert: ouvert}).where(where)
    return row["ouvert"]


async def _restore_activation(etablissement_id: int, key: str, before: bool | None) -> None:
    where = (ServiceActivation.etablissement == etablissement_id) & (ServiceActivation.service == key)
    if before is None:
        await ServiceActivation.delete().where(where)
    else:
        await ServiceActivation.update({ServiceActivation.ouvert: before}).where(where)


@pytest.fixture
def pupil_access_removed() -> Iterator[Callable[[int], None]]:
    """``pupil_access_removed(eleve_id)``: the school removes the pupil's access to national
    services (guide 1.2); it is given back after the test."""
    removed: list[int] = []

    def remove(eleve_id: int) -> None:
        run(Eleve.update({Eleve.acces_suivi_retire: True}).where(Eleve.id == eleve_id).run())
        removed.append(eleve_id)

    yield remove
    for eleve_id in removed:
        run(Eleve.update({Eleve.acces_suivi_retire: False}).where(Eleve.id == eleve_id).run())


@pytest.fixture
def account_state() -> Iterator[Callable[[str, str], None]]:
    """``account_state("demo.parent2", "desactive")``: changes an account's state until the end."""
    changed: list[tuple[str, str]] = []

    def set_state(identifiant: str, etat: str) -> None:
        row = run(Compte.select(Compte.etat).where(Compte.identifiant == identifiant).first().run())
        changed.append((identifiant, row["etat"]))
        run(Compte.update({Compte.etat: etat}).where(Compte.identifiant == identifiant).run())

    yield set_state
    for identifiant, etat in reversed(changed):
        run(Compte.update({Compte.etat: etat}).where(Compte.identifiant == identifiant).run())


MAIN = re.compile(r"<main\b.*?</main>", re.S)


@pytest.fixture
def main_text() -> Callable[[Any], str]:
    """``main_text(response)``: the decoded text of the page's <main> (its services list)."""

    def extract(response: Any) -> str:
        match = MAIN.search(response.text)
        assert match, "no <main> in the page"
        return html.unescape(match.group(0))

    return extract


@pytest.fixture
def queries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL statements run from now on (every Piccolo query goes through run_querystring),
    except the outbox's: the server's mail sender polls it beside the requests."""
    engine_class = type(Eleve._meta.db)  # its instances have __slots__: patch the class
    statements: list[str] = []
    original = engine_class.run_querystring

    async def counting(engine: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        sql = str(querystring)
        if '"courriel"' not in sql and " courriel " not in sql:
            statements.append(sql)
        return await original(engine, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    return statements



@pytest.fixture
def queries_of(queries: list[str]) -> Callable[..., list[int]]:
    """``queries_of(client, path, (path, headers), ...)``: how many SQL statements each GET made,
    each answered 200."""

    def count(client: TestClient, *requests: str | tuple[str, dict[str, str]]) -> list[int]:
        counts = []
        for request in requests:
            path, headers = (request, {}) if isinstance(request, str) else request
            queries.clear()
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
            counts.append(len(queries))
        return counts

    return count
