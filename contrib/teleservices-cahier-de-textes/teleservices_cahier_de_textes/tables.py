"""The cahier de textes' tables, named after the plugin (« cahier_… »).

Core rows (establishment, class or group, subject, teacher, pupil) are referred to by plain
integer ids from the facade: a plugin never imports the core's tables. The second migration
creates, in SQL that SQLite and PostgreSQL both accept, the unique indexes: the school software's
``reference`` per establishment (an API push upserts on it), and one « fait » per homework and pupil.
"""

from piccolo.columns import Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class CahierSeance(Table):
    """A lesson of a class or group: its subject, its day and « Travail fait en classe »."""

    etablissement_id = Integer(index=True)
    division_id = Integer(index=True)  # a class (type "D") or a group ("G")
    matiere_id = Integer()
    enseignant_id = Integer(null=True, default=None)  # who wrote it (None: the software did not say)
    date = Date(index=True)
    contenu = Text(default="")
    saisie_par = Varchar(length=120, default="")  # the teacher's login, or the API key's name
    # The school software's own identifier; "" when entered on the portal.
    reference = Varchar(length=80, default="")
    cree_le = Timestamptz(default=TimestamptzNow())
    modifie_le = Timestamptz(default=TimestamptzNow())


class CahierDevoir(Table):
    """Homework of a class or group: given on a day, due (« pour le ») on another, with its
    description and links (a JSON list of {"libelle", "url"}, http or https only)."""

    etablissement_id = Integer(index=True)
    division_id = Integer(index=True)
    matiere_id = Integer()
    enseignant_id = Integer(null=True, default=None)
    donne_le = Date()
    pour_le = Date(index=True)
    description = Text(default="")
    liens = Text(default="[]")
    saisie_par = Varchar(length=120, default="")
    reference = Varchar(length=80, default="")
    cree_le = Timestamptz(default=TimestamptzNow())
    modifie_le = Timestamptz(default=TimestamptzNow())


class CahierFait(Table):
    """A pupil ticked « Fait » on a homework (one row per homework and pupil)."""

    devoir_id = Integer(index=True)
    eleve_id = Integer(index=True)
    fait_le = Timestamptz(default=TimestamptzNow())


TABLES = [CahierSeance, CahierDevoir, CahierFait]
