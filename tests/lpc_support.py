"""Shared by the tests of the LPC's staff pages, push API and XML import: pupils whose LPC rows
are set aside for the test (the demo's validations come back after it, unchanged), journal lines
made during a test deleted after it, and the test's own journal lines. Test modules import the
fixtures they use by name."""

from __future__ import annotations

from typing import Any, Callable, Iterator

import pytest

from teleservices.core.api import pupils_of_establishment, pupils_of_structure
from teleservices.core.tables import Journal
from teleservices.core.testing import last_id, run
from teleservices.plugins.lpc.tables import LpcLangue, LpcValidation

TABLES = (LpcValidation, LpcLangue)


# The last journal line before the running test: journal_actions() reads only the test's own.
_journal_mark = 0


@pytest.fixture
def lpc_journal() -> Iterator[None]:
    """« lpc.* » journal lines made during the test are deleted after it."""
    global _journal_mark
    _journal_mark = last_id(Journal)
    yield
    run(Journal.delete().where((Journal.id > _journal_mark) & Journal.action.like("lpc.%")))


def journal_actions(action_prefix: str = "lpc.") -> list[dict]:
    """The journal lines of the running test (earlier tests, the browser's included, leave theirs)."""
    return run(Journal.select(Journal.action, Journal.detail, Journal.identifiant).where(
        Journal.action.like(f"{action_prefix}%") & (Journal.id > _journal_mark)).order_by(Journal.id))


def _rows_of(eleve_ids: list[int]) -> dict[Any, list[dict]]:
    return {table: run(table.select().where(table.eleve_id.is_in(eleve_ids))) for table in TABLES}


def _delete_rows_of(eleve_ids: list[int]) -> None:
    for table in TABLES:
        run(table.delete().where(table.eleve_id.is_in(eleve_ids)))


def _set_aside(saved: list, pupils: list[dict]) -> list[dict]:
    """These pupils' LPC rows are kept in ``saved`` and deleted: the pupils start with nothing."""
    ids = [pupil["id"] for pupil in pupils]
    saved.append((ids, _rows_of(ids)))
    _delete_rows_of(ids)
    return pupils


@pytest.fixture
def lpc_pupils() -> Iterator[Callable[..., list[dict]]]:
    """``lpc_pupils(etablissement_id, count)``: that many pupils of the establishment who have not
    left (id, eleve_id, nom_de_famille, prenom, division_id), by name, starting with nothing
    validated: their LPC rows (the demo's) are set aside, and come back as they were after the test,
    whatever the test wrote for them."""
    saved: list[tuple[list[int], dict[Any, list[dict]]]] = []

    def take(etablissement_id: int, count: int, skip: int = 0) -> list[dict]:
        pupils = run(pupils_of_establishment(etablissement_id))[skip:skip + count]
        assert len(pupils) == count, "not enough pupils in the establishment"
        return _set_aside(saved, pupils)

    yield take
    _put_back(saved)


def _put_back(saved: list[tuple[list[int], dict[Any, list[dict]]]]) -> None:
    """The pupils' rows as they were set aside (ids included), whatever the test wrote for them."""
    for ids, rows in reversed(saved):
        _delete_rows_of(ids)
        for table, table_rows in rows.items():
            if table_rows:
                run(table.insert(*(table(**row) for row in table_rows)))


@pytest.fixture
def lpc_class() -> Iterator[Callable[[int], list[dict]]]:
    """``lpc_class(division_id)``: the pupils of a class (``pupils_of_structure``), starting with
    nothing validated: their LPC rows are set aside and come back as they were after the test."""
    saved: list[tuple[list[int], dict[Any, list[dict]]]] = []

    def take(division_id: int) -> list[dict]:
        return _set_aside(saved, run(pupils_of_structure(division_id)))

    yield take
    _put_back(saved)


def validations_of(eleve_ids: list[int]) -> dict[tuple[int, str], dict]:
    """The validations of these pupils, by (pupil id, code)."""
    rows = run(LpcValidation.select().where(LpcValidation.eleve_id.is_in(eleve_ids)))
    return {(row["eleve_id"], row["code"]): row for row in rows}


def langues_of(eleve_ids: list[int]) -> dict[tuple[int, int], dict]:
    """The language levels of these pupils, by (pupil id, palier)."""
    rows = run(LpcLangue.select().where(LpcLangue.eleve_id.is_in(eleve_ids)))
    return {(row["eleve_id"], row["palier"]): row for row in rows}
