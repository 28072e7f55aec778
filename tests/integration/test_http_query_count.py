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
