"""Test helpers of the families' notes pages: assessments made for one test and deleted after it,
the collège's publication option changed for one test and put back."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import pytest

from teleservices.core.tables import Eleve, Enseignant, Matiere, Periode, ServiceActivation
from teleservices.core.testing import run
from teleservices.plugins.notes.tables import NotesDevoir, NotesNote, NotesVisite

UTC = dt.timezone.utc


@dataclass(frozen=True)
class Classe:
    """Léa's class at the collège: its id, pupils besides Léa, subjects and periods."""

    division: int
    camarades: list[int]
    matieres: dict[str, int]  # code gestion -> id
    enseignant: int
    periodes: dict[str, tuple[dt.date, dt.date]]


async def _classe(demo: Any) -> Classe:
    lea = await Eleve.select(Eleve.division).where(Eleve.id == demo.lea).first()
    camarades = await Eleve.select(Eleve.id).where((Eleve.division == lea["division"]) & (Eleve.id != demo.lea))
    matieres = await Matiere.select(Matiere.id, Matiere.code_gestion).where(Matiere.etablissement == demo.college)
    enseignant = await Enseignant.select(Enseignant.id).where(
        (Enseignant.etablissement == demo.college) & (Enseignant.nom == "PETIT")).first()
    periodes = await Periode.select().where(Periode.etablissement == demo.college)
    return Classe(
        division=lea["division"], camarades=[c["id"] for c in camarades],
        matieres={m["code_gestion"]: m["id"] for m in matieres}, enseignant=enseignant["id"],
        periodes={p["code"]: (p["debut"], p["fin"]) for p in periodes},
    )


@pytest.fixture(scope="session")
def classe(demo: Any) -> Classe:
    return run(_classe(demo))


@pytest.fixture
def devoirs(demo: Any, classe: Classe) -> Iterator[Callable[..., int]]:
    """``devoir(libelle, date, notes={eleve_id: 12.5 or "ABS"}, ...)``: an assessment of Léa's
    class with these grades (entered when published), deleted after the test (its grades with it)."""
    made: list[int] = []

    def make(libelle: str, date: dt.date, notes: dict[int, Any], matiere: str = "MATHS", publie: bool = True,
             coefficient: float = 1.0, bareme: int = 20, publie_le: dt.datetime | None = None) -> int:
        publie_le = publie_le or dt.datetime(2026, 9, 1, tzinfo=UTC)
        row = run(NotesDevoir.insert(NotesDevoir(
            etablissement_id=demo.college, division_id=classe.division, matiere_id=classe.matieres[matiere],
            enseignant_id=classe.enseignant, libelle=libelle, date=date, coefficient=coefficient, bareme=bareme,
            publie=publie, publie_le=publie_le if publie else None,
        )).returning(NotesDevoir.id))[0]["id"]
        made.append(row)
        if notes:
            run(NotesNote.insert(*(
                NotesNote(devoir=row, eleve_id=eleve, valeur=None if isinstance(v, str) else v,
                          code=v if isinstance(v, str) else "", saisie_le=publie_le)
                for eleve, v in notes.items()
            )))
        return row

    yield make
    if made:
        run(NotesDevoir.delete().where(NotesDevoir.id.is_in(made)))


@pytest.fixture
def notes_options(demo: Any) -> Iterator[Callable[..., None]]:
    """``notes_options(publication="a_partir_du", publication_t1="2026-10-01")``: the collège's
    options of the notes, put back after the test."""
    where = (ServiceActivation.etablissement == demo.college) & (ServiceActivation.service == "notes")
    before = run(ServiceActivation.select(ServiceActivation.options).where(where).first())["options"]

    def set_options(**options: str) -> None:
        run(ServiceActivation.update({ServiceActivation.options: json.dumps(options)}).where(where))

    yield set_options
    run(ServiceActivation.update({ServiceActivation.options: before}).where(where))


@pytest.fixture
def visites_effacees() -> Iterator[None]:
    """The notes' visit rows are deleted before and after the test: every account comes for the first time."""
    run(NotesVisite.delete(force=True))
    yield
    run(NotesVisite.delete(force=True))


def dans(periode: tuple[dt.date, dt.date], jours: int = 10) -> dt.date:
    """A day ``jours`` after the period's start."""
    return periode[0] + dt.timedelta(days=jours)


__all__ = ["Classe", "classe", "dans", "devoirs", "notes_options", "visites_effacees"]
