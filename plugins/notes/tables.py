"""The notes plugin's tables: assessments (devoirs), their grades, and each family's last visit.

Core rows (establishment, division or group, subject, teacher, pupil) are referred to by plain
integer ids: a plugin never imports the core's tables. The first migration creates the unique
indexes, in SQL that SQLite and PostgreSQL both accept: one grade per pupil and assessment, one
visit row per account and pupil, and the school software's ``reference`` unique per
establishment when not empty.
"""

from piccolo.columns import Boolean, Date, ForeignKey, Integer, OnDelete, Real, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

# The codes a grade may carry instead of a number; "NNOT" is shown "N.NOT".
CODES = ("ABS", "DIS", "NNOT")


class NotesDevoir(Table):
    """An assessment of a class or a group (core ``division`` row of type D or G)."""

    etablissement_id = Integer(index=True)
    division_id = Integer(index=True)
    matiere_id = Integer()
    enseignant_id = Integer(null=True, default=None)
    libelle = Varchar(length=120)  # libellé du contrôle
    date = Date(index=True)
    coefficient = Real(default=1.0)
    bareme = Integer(default=20)  # the grades are "sur <bareme>"
    publie = Boolean(default=False)  # the teacher's authorization
    publie_le = Timestamptz(null=True, default=None)  # when it became published; null when not
    # The school software's own identifier; "" when entered on the portal.
    reference = Varchar(length=80, default="")
    cree_le = Timestamptz(default=TimestamptzNow())
    modifie_le = Timestamptz(default=TimestamptzNow())


class NotesNote(Table):
    """A pupil's grade for an assessment: a number, or one of ``CODES``."""

    devoir = ForeignKey(NotesDevoir, on_delete=OnDelete.cascade)
    eleve_id = Integer(index=True)
    valeur = Real(null=True, default=None)  # null when a code
    code = Varchar(length=4, default="")  # "" | "ABS" | "DIS" | "NNOT"
    saisie_le = Timestamptz(default=TimestamptzNow())


class NotesVisite(Table):
    """An account's visits to a pupil's grades. A grade that became visible after
    ``nouveau_depuis`` (the end of the previous visit) is marked "nouveau" until the next one."""

    compte_id = Integer()
    eleve_id = Integer()
    vu_le = Timestamptz(default=TimestamptzNow())  # the last page view
    nouveau_depuis = Timestamptz(default=TimestamptzNow())


TABLES = [NotesDevoir, NotesNote, NotesVisite]
