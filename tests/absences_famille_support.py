"""Test helpers of the families' absences pages: Léa's absences replaced by a test's own (the demo's
are put back after it), the collège's absences options changed for one test, the clock set to a
day of the school year."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Iterator

import pytest

from teleservices.core import clock
from teleservices.core.tables import Periode, ServiceActivation
from teleservices.core.testing import run
from teleservices.plugins.absences.tables import CONSTATEE, AbsencesAbsence


@pytest.fixture(scope="session")
def annee(demo: Any) -> dict[str, tuple[dt.date, dt.date]]:
    """The collège's periods: {"T1": (debut, fin), ...}."""
    rows = run(Periode.select().where(Periode.etablissement == demo.college))
    return {p["code"]: (p["debut"], p["fin"]) for p in rows}


@pytest.fixture
def absences(demo: Any) -> Iterator[Callable[..., None]]:
    """``absences(jour, "matin", etat=..., classee=..., motif_legitime=..., motif=...)`` adds an
    absence of Léa. Léa starts the test with none: the demo's are set aside and put back after."""
    where = AbsencesAbsence.eleve_id == demo.lea
    demo_rows = run(AbsencesAbsence.select().where(where))
    run(AbsencesAbsence.delete().where(where))
    compteur = iter(range(1, 100_000))

    def add(jour: dt.date, demi_journee: str, etat: str = CONSTATEE, classee: bool = True,
            motif_legitime: bool = True, motif: str = "Maladie", eleve_id: int | None = None) -> None:
        run(AbsencesAbsence.insert(AbsencesAbsence(
            etablissement_id=demo.college, eleve_id=eleve_id or demo.lea, date=jour, demi_journee=demi_journee,
            etat=etat, classee=classee, motif_legitime=motif_legitime, motif=motif, saisie_par="test",
            reference=f"TEST-FAMILLE-{next(compteur)}",
        )))

    yield add
    run(AbsencesAbsence.delete().where(where | AbsencesAbsence.reference.like("TEST-FAMILLE-%")))
    if demo_rows:
        run(AbsencesAbsence.insert(*(AbsencesAbsence(**{k: v for k, v in row.items() if k != "id"}) for row in demo_rows)))


@pytest.fixture
def absences_options(demo: Any) -> Iterator[Callable[..., None]]:
    """``absences_options(publication=False, contact_mel=...)``: the collège's options of the
    absences for one test (the others as they were), put back after it."""
    where = (ServiceActivation.etablissement == demo.college) & (ServiceActivation.service == "absences")
    before = run(ServiceActivation.select(ServiceActivation.options).where(where).first())["options"]

    def set_options(**options: Any) -> None:
        stored = json.loads(before) if isinstance(before, str) else dict(before)
        run(ServiceActivation.update({ServiceActivation.options: json.dumps({**stored, **options})}).where(where))

    yield set_options
    run(ServiceActivation.update({ServiceActivation.options: before}).where(where))


@pytest.fixture
def aujourdhui(monkeypatch: pytest.MonkeyPatch) -> Callable[[dt.date], None]:
    """``aujourdhui(day)``: the portal's clock says it is noon on that day."""

    def travel(jour: dt.date) -> None:
        monkeypatch.setattr(clock, "now", lambda: dt.datetime.combine(jour, dt.time(12), tzinfo=dt.timezone.utc))

    return travel


def lundi(jour: dt.date, semaines: int = 0) -> dt.date:
    """The Monday of that day's week, ``semaines`` weeks later."""
    return jour - dt.timedelta(days=jour.weekday()) + dt.timedelta(weeks=semaines)


__all__ = ["absences", "absences_options", "annee", "aujourdhui", "lundi"]
