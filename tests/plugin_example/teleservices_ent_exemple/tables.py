from piccolo.columns import Integer, Varchar
from piccolo.table import Table


class EntExempleLien(Table):
    """A link an establishment publishes. Table names start with the plugin's name."""

    etablissement_id = Integer(index=True)
    libelle = Varchar(length=100)
    url = Varchar(length=300)
