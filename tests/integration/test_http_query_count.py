"""The child home makes the same number of database queries whatever the number of children."""

from __future__ import annotations

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


def count_page_queries(client, path: str, queries: list[str]) -> int:
    queries.clear()
    response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_child_home_query_count_does_not_grow_with_children(client_as, demo, queries, more_children, text):
    parent2 = client_as("demo.parent2")
    page = f"/eleves/{demo.lea}/"
    with_one_child = count_page_queries(parent2, page, queries)
    more_children("demo.parent2", 6)
    assert text(parent2.get(page)).count('hx-target="#page"') == 7  # the switcher lists all seven
    with_seven_children = count_page_queries(parent2, page, queries)
    assert with_one_child > 0
    assert with_seven_children == with_one_child


def test_child_home_query_count_is_the_same_for_each_child(client_as, demo, queries):
    parent = client_as("demo.parent")
    assert count_page_queries(parent, f"/eleves/{demo.lea}/", queries) == count_page_queries(
        parent, f"/eleves/{demo.hugo}/", queries
    )
