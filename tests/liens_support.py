"""Shared by the tests of the links (« Liens externes »): links and « liens.* » journal lines made
during a test deleted after it (the demo's two links are never changed), a link written straight
to the table, the demo links' ids, and the academy administrator working on an establishment."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from admin_support import post_with_csrf
from teleservices.core.tables import Journal
from teleservices.core.testing import last_id, run
from teleservices.plugins.liens.tables import LiensLien

PAGE = "/administration/liens/"
ENT, SITE_DU_LYCEE = "ENT Lille", "Site du lycée"

_journal_mark = 0


@pytest.fixture
def liens_cleaned() -> Iterator[None]:
    global _journal_mark
    last_lien, last_line = last_id(LiensLien), last_id(Journal)
    _journal_mark = last_line
    yield
    run(LiensLien.delete().where(LiensLien.id > last_lien))
    run(Journal.delete().where((Journal.id > last_line) & Journal.action.like("liens.%")))


def journal_liens() -> list[dict]:
    """The « liens.* » journal lines of the running test."""
    return run(Journal.select(Journal.action, Journal.detail, Journal.identifiant, Journal.etablissement).where(
        Journal.action.like("liens.%") & (Journal.id > _journal_mark)).order_by(Journal.id))


@pytest.fixture
def lien(liens_cleaned: None) -> Callable[..., int]:
    """``lien("Libellé", etablissement_id=… | academie="LILLE", **columns)``: a link written straight
    to the table (deleted after the test); returns its id."""

    def make(libelle: str, *, etablissement_id: int | None = None, academie: str = "", **columns: Any) -> int:
        assert (etablissement_id is None) != (not academie), "a link of an academy or of an establishment"
        values = {"url": "https://exemple.ac-lille.fr/", "icone": "lien", "ordre": 50, **columns}
        [row] = run(LiensLien.insert(LiensLien(
            libelle=libelle, etablissement_id=etablissement_id, academie=academie, **values)).returning(LiensLien.id))
        return row["id"]

    return make


def demo_link(libelle: str) -> dict:
    row = run(LiensLien.select().where(LiensLien.libelle == libelle).first())
    assert row, f"demo link « {libelle} » missing"
    return row


def working_on(client: Any, etablissement_id: int) -> Any:
    """The academy administrator chooses the establishment they work on."""
    response = post_with_csrf(client, "/administration/etablissements", {"etablissement": str(etablissement_id)})
    assert response.status_code == 303, response.status_code
    return client


def form(client: Any, **fields: Any) -> dict[str, Any]:
    """A link form's fields as a browser sends them (a checkbox is sent only when checked)."""
    from teleservices.core.testing import csrf_from

    data = {"_csrf": csrf_from(client.get(PAGE).text), "libelle": "Cahier de textes académique",
            "url": "https://cahier.ac-lille.fr/", "icone": "ecole", "parents": "1", "eleves": "1",
            "ordre": "30", "actif": "1", "portee": "etablissement"}
    for name, value in fields.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def post_form(client: Any, path: str = PAGE + "nouveau", **fields: Any) -> Any:
    return client.post(path, data=form(client, **fields), follow_redirects=False)
