"""Reading one devoir's grades from a CSV file, as school software and spreadsheets export them.

The separator is « ; » or « , » (a tab works too), the encoding UTF-8 (with or without BOM) or
Windows-1252 (Excel's « CSV (séparateur : point-virgule) »). The first line names the columns:
the pupil by ``ELEVE_ID`` (SIECLE), or ``INE``, or ``NOM`` and ``PRENOM``; the grade by ``NOTE``.
Header names are read without regard to case, accents, spaces or underscores.

Pure functions: the page gives the pupils of the devoir's class or group and gets back every
line read, and every bad line with its number and its reason. Nothing is written unless there
is no bad line at all.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Iterable

from teleservices.core.api import gettext as _
from teleservices.plugins.notes.saisie import Grade, GradeError, read_grade

MAX_BYTES = 1024 * 1024
MAX_LINES = 2000
# Header spellings (folded: upper case, no accent, no space, no underscore or dash).
PUPIL_ID = {"ELEVEID", "IDELEVE", "ELEVE"}
INE = {"INE", "IDNATIONAL", "INEELEVE"}
NOM = {"NOM", "NOMDEFAMILLE", "NOMELEVE"}
PRENOM = {"PRENOM", "PRENOMELEVE"}
NOTE = {"NOTE", "NOTES", "VALEUR"}


def fold(value: str) -> str:
    """Upper case without accents nor spaces, so that « Lé a » finds « LEA »."""
    decomposed = unicodedata.normalize("NFKD", value.strip().upper())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch.isalnum())


def decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1252, which decodes any byte but five."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


@dataclass(frozen=True)
class Pupil:
    id: int
    eleve_id: str
    ine: str
    nom: str
    prenom: str

    @property
    def nom_complet(self) -> str:
        return f"{self.nom} {self.prenom}"


@dataclass(frozen=True)
class Line:
    """A good line: the pupil found and the grade read (None: no grade, the line is ignored)."""

    numero: int
    eleve: Pupil
    note: Grade | None
    saisie: str


@dataclass(frozen=True)
class BadLine:
    numero: int
    motif: str


@dataclass
class Preview:
    """Everything read from the file: the good lines, the bad ones, a file-level error."""

    lignes: list[Line] = field(default_factory=list)
    erreurs: list[BadLine] = field(default_factory=list)

    @property
    def valide(self) -> bool:
        return not self.erreurs and any(line.note is not None for line in self.lignes)

    @property
    def notes(self) -> dict[int, Grade]:
        """The grades to write, by pupil id."""
        return {line.eleve.id: line.note for line in self.lignes if line.note is not None}

    @property
    def sans_note(self) -> int:
        return sum(1 for line in self.lignes if line.note is None)


@dataclass(frozen=True)
class Columns:
    """Where the pupil and the grade are, by column index."""

    note: int
    eleve_id: int | None = None
    ine: int | None = None
    nom: int | None = None
    prenom: int | None = None


def columns(header: list[str]) -> Columns | str:
    """The columns named by the header, or why they cannot be used (a sentence)."""
    folded = [fold(name) for name in header]

    def find(names: set[str]) -> int | None:
        return next((i for i, name in enumerate(folded) if name in names), None)

    note = find(NOTE)
    found = Columns(note=note if note is not None else -1, eleve_id=find(PUPIL_ID), ine=find(INE),
                    nom=find(NOM), prenom=find(PRENOM))
    if note is None:
        return _("La première ligne doit nommer la colonne des notes : NOTE.")
    if found.eleve_id is None and found.ine is None and (found.nom is None or found.prenom is None):
        return _("La première ligne doit nommer les colonnes de l'élève : ELEVE_ID, ou INE, ou NOM et PRENOM.")
    return found


class Roster:
    """The pupils of the devoir's class or group, found by ELEVE_ID, INE or name."""

    def __init__(self, pupils: Iterable[Pupil]) -> None:
        self.by_id: dict[str, Pupil] = {}
        self.by_ine: dict[str, Pupil] = {}
        self.by_name: dict[str, list[Pupil]] = {}
        for pupil in pupils:
            self.by_id[pupil.eleve_id.strip()] = pupil
            if pupil.ine.strip():
                self.by_ine[pupil.ine.strip().upper()] = pupil
            self.by_name.setdefault(self._name_key(pupil.nom, pupil.prenom), []).append(pupil)

    @staticmethod
    def _name_key(nom: str, prenom: str) -> str:
        return f"{fold(nom)}|{fold(prenom)}"

    def find(self, cells: list[str], cols: Columns) -> Pupil | str:
        """The pupil of a line, or why none is found (a sentence)."""

        def cell(index: int | None) -> str:
            return cells[index].strip() if index is not None and index < len(cells) else ""

        if cell(cols.eleve_id):
            pupil = self.by_id.get(cell(cols.eleve_id))
            return pupil or _("Aucun élève de la classe n'a l'identifiant ELEVE_ID « %(id)s ».", id=cell(cols.eleve_id)[:20])
        if cell(cols.ine):
            pupil = self.by_ine.get(cell(cols.ine).upper())
            return pupil or _("Aucun élève de la classe n'a l'INE « %(ine)s ».", ine=cell(cols.ine)[:20])
        nom, prenom = cell(cols.nom), cell(cols.prenom)
        if not nom or not prenom:
            return _("L'élève n'est pas identifié (ELEVE_ID, INE, ou NOM et PRENOM vides).")
        found = self.by_name.get(self._name_key(nom, prenom), [])
        if len(found) > 1:
            return _("Plusieurs élèves de la classe s'appellent %(nom)s %(prenom)s : utilisez ELEVE_ID ou INE.",
                     nom=nom[:40], prenom=prenom[:40])
        return found[0] if found else _("Aucun élève de la classe ne s'appelle %(nom)s %(prenom)s.",
                                        nom=nom[:40], prenom=prenom[:40])


def read_csv(data: bytes, pupils: Iterable[Pupil], bareme: int) -> Preview:
    """Every line of the file checked against the class's pupils and the devoir's scale."""
    preview = Preview()
    if len(data) > MAX_BYTES:
        preview.erreurs.append(BadLine(0, _("Le fichier dépasse %(ko)s Ko.", ko=MAX_BYTES // 1024)))
        return preview
    text = decode(data)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator(text.split("\n", 1)[0])))
    rows = [(numero, row) for numero, row in enumerate(rows, start=1) if any(cell.strip() for cell in row)]
    if not rows:
        preview.erreurs.append(BadLine(1, _("Le fichier est vide.")))
        return preview
    cols = columns(rows[0][1])
    if isinstance(cols, str):
        preview.erreurs.append(BadLine(rows[0][0], cols))
        return preview
    if len(rows) - 1 > MAX_LINES:
        preview.erreurs.append(BadLine(0, _("Le fichier compte plus de %(lignes)s lignes.", lignes=MAX_LINES)))
        return preview
    roster, seen = Roster(pupils), {}
    for numero, cells in rows[1:]:
        _read_line(preview, roster, cols, seen, numero, cells, bareme)
    if not preview.erreurs and not preview.notes:
        preview.erreurs.append(BadLine(0, _("Le fichier ne contient aucune note.")))
    return preview


def _read_line(preview: Preview, roster: Roster, cols: Columns, seen: dict[int, int], numero: int,
               cells: list[str], bareme: int) -> None:
    pupil = roster.find(cells, cols)
    if isinstance(pupil, str):
        preview.erreurs.append(BadLine(numero, pupil))
        return
    if pupil.id in seen:
        preview.erreurs.append(BadLine(numero, _("%(eleve)s figure déjà ligne %(ligne)s.", eleve=pupil.nom_complet,
                                                 ligne=seen[pupil.id])))
        return
    seen[pupil.id] = numero
    typed = cells[cols.note].strip() if cols.note < len(cells) else ""
    try:
        grade = read_grade(typed, bareme)
    except GradeError as exc:
        preview.erreurs.append(BadLine(numero, _("%(eleve)s : %(erreur)s", eleve=pupil.nom_complet, erreur=exc)))
        return
    preview.lignes.append(Line(numero=numero, eleve=pupil, note=grade, saisie=typed))


def pupils_from(rows: Iterable[dict[str, Any]]) -> list[Pupil]:
    """Pupils from the facade's rows (``pupils_of_structure``)."""
    return [Pupil(id=row["id"], eleve_id=row["eleve_id"] or "", ine=row.get("ine") or "",
                  nom=row["nom_de_famille"], prenom=row["prenom"]) for row in rows]
