"""Shared steps of the cahier de textes' tests, written as a third party writes them: the portal,
its database and the demo data come from the project's pytest plugin (``teleservices.core.testing``:
``portal_settings``, ``portal_app``, ``client``, ``login``, ``live_portal``, ``login_page``…). Everything
else goes through the portal's own pages (the head opens the service in « Administration
Téléservices », makes an API key…) or through this plugin's tables and the public facade.

The database is shared by the whole test session: what a test changes, it puts back.
"""

from __future__ import annotations

import datetime as dt

from typing import Any, Callable, Iterator

import pytest
from litestar.testing import TestClient

from cahier_outils import Demo, logged_in, semaine_scolaire
from teleservices.core.testing import last_id, run
from teleservices_cahier_de_textes.tables import CahierDevoir, CahierFait, CahierSeance


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: end-to-end tests in a real Chromium")


@pytest.fixture
def client_of(portal_app: Any) -> Iterator[Callable[[str], TestClient]]:
    """``client_of("demo.prof")``: a new client logged in as that persona, closed after the test."""
    opened: list[Any] = []

    def make(identifiant: str) -> TestClient:
        manager = logged_in(portal_app, identifiant)
        opened.append(manager)
        return manager.__enter__()

    yield make
    for manager in reversed(opened):
        manager.__exit__(None, None, None)


@pytest.fixture(scope="session")
def demo(demo_context: Any) -> Demo:
    """Léa (demo.eleve, 4G at the collège), Hugo (the lycée) and the collège, by id."""
    return Demo(demo_context.eleves["collegien"], demo_context.eleves["lyceen"], demo_context.etablissements["college"])


@pytest.fixture(scope="session")
def semaine(demo: Demo) -> dt.date:
    """The Monday of the week the tests write in (``cahier_outils.semaine_scolaire``)."""
    return semaine_scolaire(demo.college)


@pytest.fixture
def cahier_ouvert(open_service: Callable[..., None]) -> None:
    """The collège opened « Le cahier de textes » for the test (the kit's ``open_service``; the
    head's page does the same in test_cahier_installation.py)."""
    open_service("cahier")


# --- this plugin's rows, put back after a test ------------------------------------------------------------


@pytest.fixture
def entrees_nettoyees(portal_settings: Any) -> Iterator[None]:
    """Lessons, homework and « fait » made during the test are deleted after it; the demo's
    homework's « fait » marks come back as they were."""
    seance, devoir = last_id(CahierSeance), last_id(CahierDevoir)
    faits = run(CahierFait.select(CahierFait.devoir_id, CahierFait.eleve_id, CahierFait.fait_le))
    yield
    run(CahierSeance.delete().where(CahierSeance.id > seance))
    run(CahierDevoir.delete().where(CahierDevoir.id > devoir))
    run(CahierFait.delete(force=True))
    if faits:
        run(CahierFait.insert(*(CahierFait(**row) for row in faits)))


# --- what a page costs ---------------------------------------------------------------------------------------


@pytest.fixture
def requetes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL statements run from now on, except the mail sender's polling of the outbox."""
    engine_class = type(CahierSeance._meta.db)
    statements: list[str] = []
    original = engine_class.run_querystring

    async def counting(engine: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        sql = str(querystring)
        if '"courriel"' not in sql and " courriel " not in sql:
            statements.append(sql)
        return await original(engine, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counting)
    return statements
