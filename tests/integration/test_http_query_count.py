"""How many SQL queries a family page makes: the same whatever the number of children, and at
most five on every family page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from teleservices.core.tables import Compte, CompteEleve, Eleve
from teleservices.core.testing import run


@pytest.fixture
def more_children(demo):
    """``more_children("demo.parent2", 5)`` links that account to other demo pupils until the end."""
    links: list[int] = []

    def link(identifiant: str, count: int) -> None:
        compte = run(Compte.select(Compte.id).where(Compte.identifiant == identifiant).first().run())["id"]
        pupils = run(Eleve.select(Eleve.id).where(Eleve.id.not_in([demo.lea, demo.hugo])).order_by(Eleve.id)
                     .limit(count).run())
        rows = run(CompteEleve.insert(*[CompteEleve(compte=compte, eleve=p["id"]) for p in pupils]).run())
        links.extend(row["id"] for row in rows)

    yield link
    if links:
        run(CompteEleve.delete().where(CompteEleve.id.is_in(links)).run())


def test_child_home_query_count_does_not_grow_with_children(client_as, demo, queries_of, more_children, text):
    parent2 = client_as("demo.parent2")
    page = f"/eleves/{demo.lea}/"
    [with_one_child] = queries_of(parent2, page)
    more_children("demo.parent2", 6)
    assert text(parent2.get(page)).count('hx-target="#page"') == 7  # the switcher lists all seven
    [with_seven_children] = queries_of(parent2, page)
    assert with_one_child > 0
    assert with_seven_children == with_one_child


def test_child_home_query_count_is_the_same_for_each_child(client_as, demo, queries_of):
    parent = client_as("demo.parent")
    lea, hugo = queries_of(parent, f"/eleves/{demo.lea}/", f"/eleves/{demo.hugo}/")
    assert lea == hugo


# --- Every family page: at most five SQL queries (issue 12) --------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from pages import FAMILY_PAGES, OTHER_DISTRIBUTIONS, STATES, Page, ids  # noqa: E402,F401 (ids: fixture)

MAX_QUERIES = 5


@pytest.mark.parametrize("family_page", FAMILY_PAGES, ids=lambda page: page.name)
def test_family_page_makes_at_most_five_queries(
    family_page: Page, client: Any, login: Any, ids: dict[str, Any], queries: list[str], open_service: Any,
) -> None:
    """Whatever the page, its children, grades or plugins: the session's query and four more at
    most, so that a page costs the same at 1,000 pupils as at 100,000."""
    for key in OTHER_DISTRIBUTIONS:
        open_service(key)
    if family_page.persona:
        login(client, family_page.persona)
    with STATES[family_page.state](ids):
        queries.clear()
        response = client.get(family_page.url.format(**ids))
        made = list(queries)
    assert response.status_code == 200, f"{family_page.url} : {response.status_code}"
    assert len(made) <= MAX_QUERIES, f"{family_page.url} : {len(made)} requêtes SQL\n" + "\n".join(
        f"  {' '.join(sql.split())[:160]}" for sql in made)
