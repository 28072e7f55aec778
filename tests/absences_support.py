"""Shared by the tests of the absences' staff pages and push API: absence rows and journal lines
made during a test deleted after it, and the test's own journal lines. Test modules import the
fixtures they use by name."""

from __future__ import annotations

from typing import Iterator

import pytest

from teleservices.core.tables import Journal
from teleservices.core.testing import last_id, run
from teleservices.plugins.absences.tables import AbsencesAbsence


# The last journal line before the running test: journal_actions() reads only the test's own.
_journal_mark = 0


@pytest.fixture
def absences_cleaned() -> Iterator[None]:
    """Absences and « absences.* » journal lines made during the test are deleted after it
    (the demo's absences are never changed by the tests)."""
    global _journal_mark
    last_absence, last_line = last_id(AbsencesAbsence), last_id(Journal)
    _journal_mark = last_line
    yield
    run(AbsencesAbsence.delete().where(AbsencesAbsence.id > last_absence))
    run(Journal.delete().where((Journal.id > last_line) & Journal.action.like("absences.%")))


def journal_actions(action_prefix: str = "absences.") -> list[dict]:
    """The journal lines of the running test (earlier tests, the browser's included, leave theirs)."""
    return run(Journal.select(Journal.action, Journal.detail, Journal.identifiant).where(
        Journal.action.like(f"{action_prefix}%") & (Journal.id > _journal_mark)).order_by(Journal.id))
