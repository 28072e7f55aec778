"""Shared by the tests of the notes' staff pages and push API: the demo teacher's teaching
services and another teacher's, devoirs made for a test and deleted after it, journal lines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterator

import pytest

from teleservices.core.api import periods, teaching_services
from teleservices.core.tables import Compte, Journal
from teleservices.core.testing import last_id, run
from teleservices.plugins.notes.tables import NotesDevoir, NotesNote

PAGE = "/administration/notes"


@dataclass(frozen=True)
class Services:
    """A teaching service of demo.prof (Claire PETIT) and one of another teacher, in the collège."""

    mine: dict
    other: dict
    etablissement_id: int

    @staticmethod
    def value(service: dict) -> str:
        return f"{service['division_id']}-{service['matiere_id']}-{service['enseignant_id']}"


@pytest.fixture(scope="session")
def services(portal_settings: Any) -> Services:
    account = run(Compte.select(Compte.enseignant, Compte.etablissement).where(Compte.identifiant == "demo.prof").first())
    enseignant = account["enseignant"]
    every = run(teaching_services(account["etablissement"]))
    mine = next(s for s in every if s["enseignant_id"] == enseignant and s["type_structure"] == "D")
    other = next(s for s in every if s["enseignant_id"] != enseignant and s["division_id"] != mine["division_id"]
                 and not any(m["enseignant_id"] == enseignant and m["division_id"] == s["division_id"]
                             and m["matiere_id"] == s["matiere_id"] for m in every))
    return Services(mine=mine, other=other, etablissement_id=account["etablissement"])


# The last journal line before the running test: journal_actions() reads only the test's own.
_journal_mark = 0


@pytest.fixture
def devoirs_cleaned() -> Iterator[None]:
    """Devoirs (and their grades) and journal lines made during the test are deleted after it."""
    global _journal_mark
    last_devoir, last_line = last_id(NotesDevoir), last_id(Journal)
    _journal_mark = last_line
    yield
    run(NotesDevoir.delete().where(NotesDevoir.id > last_devoir))
    run(Journal.delete().where((Journal.id > last_line) & Journal.action.like("notes.%")))


def make_devoir(etablissement_id: int, service: dict, **values: Any) -> int:
    row = NotesDevoir(
        etablissement_id=etablissement_id, division_id=service["division_id"], matiere_id=service["matiere_id"],
        enseignant_id=service["enseignant_id"], libelle=values.pop("libelle", "Devoir de test"),
        date=values.pop("date"), coefficient=values.pop("coefficient", 1.0), bareme=values.pop("bareme", 20),
        **values,
    )
    run(NotesDevoir.insert(row))
    return row.id


def grades_of(devoir_id: int) -> dict[int, tuple[float | None, str]]:
    rows = run(NotesNote.select(NotesNote.eleve_id, NotesNote.valeur, NotesNote.code).where(NotesNote.devoir == devoir_id))
    return {row["eleve_id"]: (row["valeur"], row["code"]) for row in rows}


def journal_actions(action_prefix: str = "notes.") -> list[dict]:
    """The journal lines of the running test (earlier tests, the browser's included, leave theirs)."""
    return run(Journal.select(Journal.action, Journal.detail, Journal.identifiant).where(
        Journal.action.like(f"{action_prefix}%") & (Journal.id > _journal_mark)).order_by(Journal.id))


def a_school_day(etablissement_id: int) -> dt.date:
    """A day of the establishment's first period, so that every devoir falls in a period."""
    return run(periods(etablissement_id))[0]["debut"] + dt.timedelta(days=20)
