"""Shared steps of the end-to-end suite: who logs in, which pupil is which, which browser.

The fixtures of the project's pytest plugin (``teleservices.core.testing``) come first:
``page``, ``live_portal``, ``login_page``, ``portal_settings``. Tests go through the browser as
a family would; the database is only read here (ids, demo data), and the fixtures that change
it put it back as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from e2e_portail import Pupil, children_switcher
from teleservices.core.testing_browser import BROWSER_LOCALE
from teleservices.core.testing import run

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


async def _children_of(identifiant: str) -> dict[str, Pupil]:
    from teleservices.core.tables import CompteEleve

    eleve = CompteEleve.eleve
    rows = await CompteEleve.select(
        eleve.id, eleve.prenom, eleve.nom_de_famille, eleve.code_sexe, eleve.date_naiss
    ).where(CompteEleve.compte.identifiant == identifiant)
    return {
        row["eleve.prenom"]: Pupil(
            id=row["eleve.id"], prenom=row["eleve.prenom"], nom=row["eleve.nom_de_famille"],
            code_sexe=row["eleve.code_sexe"], date_naiss=row["eleve.date_naiss"],
        )
        for row in rows
    }


@pytest.fixture(scope="session")
def demo_children(portal_settings: Any) -> dict[str, Pupil]:
    """The demo parent's children by first name ("Léa", "Hugo"), read from the database."""
    return run(_children_of("demo.parent"))


@pytest.fixture(scope="session")
def lea(demo_children: dict[str, Pupil]) -> Pupil:
    return demo_children["Léa"]


@pytest.fixture(scope="session")
def hugo(demo_children: dict[str, Pupil]) -> Pupil:
    return demo_children["Hugo"]


@pytest.fixture
def parent_home(page: Page, login_page: Callable[..., Page], live_portal: str, lea: Pupil) -> Page:
    """The demo parent, logged in, on the home screen of their first child (Léa)."""
    login_page(page, "demo.parent")
    expect(page).to_have_url(live_portal + lea.home)
    return page


@pytest.fixture
def switch_to(page: Page) -> Callable[[Pupil], None]:
    """Choose a child in the navigation "Vos enfants", as a parent clicks their name."""

    def choose(pupil: Pupil) -> None:
        children_switcher(page).get_by_role("link", name=pupil.full_name).click()

    return choose


@pytest.fixture
def open_context(browser: Browser, live_portal: str) -> Iterator[Callable[..., BrowserContext]]:
    """``open_context(**options)``: a fresh browser context on the portal, closed afterwards."""
    contexts: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = browser.new_context(base_url=live_portal, **{"locale": BROWSER_LOCALE, **options})
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page_without_js(open_context: Callable[..., BrowserContext]) -> Page:
    """A browser with JavaScript turned off: the portal must work with links and forms alone."""
    return open_context(java_script_enabled=False).new_page()


@pytest.fixture
def audited_page(open_context: Callable[..., BrowserContext]) -> Page:
    """A page that can receive axe-core. The portal's CSP (script-src 'self') rightly refuses
    the inline script ``add_script_tag`` writes, so this context alone bypasses the CSP."""
    return open_context(bypass_csp=True).new_page()


@pytest.fixture
def serious_violations() -> Callable[[Page], list[dict[str, Any]]]:
    """``serious_violations(page)``: axe-core's violations of impact "serious" or "critical"."""

    def audit(page: Page) -> list[dict[str, Any]]:
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("async () => await axe.run()")
        return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]

    return audit
