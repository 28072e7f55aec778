"""The LPC plugin's tables: what each pupil had validated, by the codes of the reference grid
(``grille.py``: « P3.C1 » a compétence, « P3.C1.D2.I4 » an item), and the modern language level
validated with compétence 2.

Core rows (establishment, pupil) are referred to by plain integer ids: a plugin never imports
the core's tables. The second migration creates the unique indexes, in SQL that SQLite and
PostgreSQL both accept: one validation per pupil and code, one language per pupil and palier.
"""

from piccolo.columns import Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class LpcValidation(Table):
    """A compétence or an item validated for a pupil, on a date. No row: not validated."""

    etablissement_id = Integer(index=True)
    eleve_id = Integer(index=True)
    code = Varchar(length=20)  # « P3.C1 » or « P3.C1.D2.I4 »
    date = Date()
    saisie_par = Varchar(length=120, default="")  # who validated it: a staff member, or the software
    modifie_le = Timestamptz(default=TimestamptzNow())


class LpcLangue(Table):
    """The CECRL level of compétence 2 validated in a language (« ANGLAIS LV1 », A2 at palier 3)."""

    etablissement_id = Integer(index=True)
    eleve_id = Integer(index=True)
    palier = Integer()
    langue = Varchar(length=60)
    niveau = Varchar(length=2)  # « A1 » (palier 2), « A2 » (palier 3)
    date = Date()
    saisie_par = Varchar(length=120, default="")
    modifie_le = Timestamptz(default=TimestamptzNow())


TABLES = [LpcValidation, LpcLangue]
