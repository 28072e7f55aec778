"""The links plugin's table: the links (the ENT of the academy, an academic service, a school's
site) that families see on their child's home screen.

A link belongs either to a whole academy (``academie``, e.g. "LILLE": every establishment of the
academy shows it) or to one establishment (``etablissement_id``, a plain id: a plugin never
imports the core's tables); never both, never neither (the staff pages write it so).
"""

from piccolo.columns import Boolean, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

LIBELLE_MAX = 80
URL_MAX = 500


class LiensLien(Table):
    """A link of an academy or of an establishment, for parents, pupils or both."""

    libelle = Varchar(length=LIBELLE_MAX)  # « ENT Lille »
    url = Varchar(length=URL_MAX)  # https:// or http:// only
    icone = Varchar(length=20, default="lien")  # a key of teleservices.plugins.liens.ICONES
    parents = Boolean(default=True)  # shown to the parents' accounts
    eleves = Boolean(default=True)  # shown to the pupils' accounts
    academie = Varchar(length=40, default="", index=True)  # "" for a link of one establishment
    etablissement_id = Integer(null=True, default=None, index=True)  # None for a link of the academy
    ordre = Integer(default=100)  # smallest first
    actif = Boolean(default=True)  # shown to families
    cree_le = Timestamptz(default=TimestamptzNow())
    modifie_le = Timestamptz(default=TimestamptzNow())


TABLES = [LiensLien]
