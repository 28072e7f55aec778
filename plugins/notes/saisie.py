"""Grade entry, shared by the staff form, the CSV import and the push API: reading a grade as
a teacher types it (« 12,5 », « 12.5 », « abs », « N.NOT »), and writing a devoir's grades so
that only the grades that changed get a new ``saisie_le`` (families see them as « nouveau »).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Iterable

from teleservices.core.api import format_number
from teleservices.core.api import gettext as _
from teleservices.plugins.notes.tables import NotesNote

# What a teacher may type for a code, and the code stored; "NNOT" is shown "N.NOT".
TYPED_CODES = {"ABS": "ABS", "DIS": "DIS", "N.NOT": "NNOT", "NNOT": "NNOT", "N.N": "NNOT", "NN": "NNOT"}
SHOWN_CODES = {"ABS": "ABS", "DIS": "DIS", "NNOT": "N.NOT"}
NUMBER = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")
# Bulk writes stay well under SQLite's limit on bound parameters.
CHUNK = 500


@dataclass(frozen=True)
class Grade:
    """A grade: a number (``valeur``) or a code, never both."""

    valeur: float | None = None
    code: str = ""


class GradeError(ValueError):
    """A grade that cannot be read; its message, in the request's language, is shown next to the
    field (always French for the push API, whose requests speak French)."""


def expected(bareme: int) -> str:
    return _("un nombre de 0 à %(bareme)s (virgule ou point, deux décimales au plus), ou ABS, DIS, N.NOT", bareme=bareme)


def read_grade(value: str | float | int | None, bareme: int) -> Grade | None:
    """The grade typed (or sent) for one pupil, None when left empty; ``GradeError`` otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise GradeError(_("Note invalide : attendu %(attendu)s.", attendu=expected(bareme)))
    if isinstance(value, (int, float)):
        return _number(float(value), bareme)
    text = value.strip().upper().replace(" ", "")
    if not text:
        return None
    if text in TYPED_CODES:
        return Grade(code=TYPED_CODES[text])
    if not NUMBER.match(text):
        raise GradeError(_("Note invalide : « %(saisie)s » ; attendu %(attendu)s.", saisie=value.strip()[:20],
                           attendu=expected(bareme)))
    return _number(float(text.replace(",", ".")), bareme)


def _number(valeur: float, bareme: int) -> Grade:
    if not math.isfinite(valeur) or valeur < 0 or valeur > bareme:
        raise GradeError(_("La note doit être comprise entre 0 et %(bareme)s.", bareme=bareme))
    if round(valeur, 2) != valeur:
        raise GradeError(_("La note a au plus deux décimales."))
    return Grade(valeur=valeur)


def shown(valeur: float | None, code: str = "") -> str:
    """A grade as the form shows it back: « 12,5 » (« 12.5 » in English), « 15 », « N.NOT »."""
    if code:
        return SHOWN_CODES.get(code, code)
    if valeur is None:
        return ""
    return format_number(valeur, 2)


@dataclass(frozen=True)
class Written:
    """What a write changed: grades added, changed, removed."""

    ajoutees: int = 0
    modifiees: int = 0
    supprimees: int = 0
    # The pupils who got a new or changed grade (their families are notified).
    eleves: frozenset[int] = field(default=frozenset(), compare=False)
    # The same, per devoir (a push of several devoirs tells each its own pupils).
    par_devoir: dict[int, frozenset[int]] = field(default_factory=dict, compare=False)

    @property
    def total(self) -> int:
        return self.ajoutees + self.modifiees + self.supprimees

    def __add__(self, other: "Written") -> "Written":
        return Written(self.ajoutees + other.ajoutees, self.modifiees + other.modifiees,
                       self.supprimees + other.supprimees, self.eleves | other.eleves)


EXISTING_SQL = "SELECT id, devoir, eleve_id, valeur, code FROM notes_note WHERE devoir IN ({})"


async def write_grades(grades: dict[int, dict[int, Grade | None]], replace: bool = False) -> Written:
    """Write grades, ``{devoir id: {pupil id: grade or None}}`` (None removes the pupil's
    grade). With ``replace``, a pupil not listed for a devoir loses their grade too. Grades that
    did not change are left alone, so that their ``saisie_le`` stays. Three queries at most
    (per chunk), whatever the number of grades: call it inside the caller's transaction."""
    if not grades:
        return Written()
    ids = list(grades)
    existing = await NotesNote.raw(EXISTING_SQL.format(", ".join("{}" for _ in ids)), *ids)
    current = {(row["devoir"], row["eleve_id"]): row for row in existing}
    wanted = {(devoir, eleve): grade for devoir, pupils in grades.items() for eleve, grade in pupils.items()}
    if replace:
        wanted = {**{key: None for key in current}, **wanted}
    stale, fresh, changed, stamp = [], [], 0, now()
    for key, grade in wanted.items():
        row = current.get(key)
        if row is not None and grade is not None and _same(row, grade):
            continue
        if row is not None:
            stale.append(row["id"])
            changed += grade is not None
        if grade is not None:
            fresh.append(NotesNote(devoir=key[0], eleve_id=key[1], valeur=grade.valeur, code=grade.code,
                                   saisie_le=stamp))
    for part in _chunks(stale):
        await NotesNote.delete().where(NotesNote.id.is_in(part))
    for part in _chunks(fresh):
        await NotesNote.insert(*part)
    par_devoir: dict[int, set[int]] = {}
    for note in fresh:
        par_devoir.setdefault(note.devoir, set()).add(note.eleve_id)
    return Written(ajoutees=len(fresh) - changed, modifiees=changed, supprimees=len(stale) - changed,
                   eleves=frozenset(note.eleve_id for note in fresh),
                   par_devoir={devoir: frozenset(eleves) for devoir, eleves in par_devoir.items()})


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _same(row: dict, grade: Grade) -> bool:
    valeur = row["valeur"]
    return (row["code"] or "") == grade.code and (
        (valeur is None and grade.valeur is None)
        or (valeur is not None and grade.valeur is not None and abs(valeur - grade.valeur) < 1e-9)
    )


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
