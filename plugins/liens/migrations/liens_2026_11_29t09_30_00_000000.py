"""The table of the links (``liens_lien``), in a form SQLite and PostgreSQL both accept."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Boolean, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "liens_lien"

TABLE = {"table_class_name": "LiensLien", "tablename": "liens_lien"}

# (column, class, its own parameters)
COLUMNS = [
    ("libelle", Varchar, {"length": 80, "default": ""}),
    ("url", Varchar, {"length": 500, "default": ""}),
    ("icone", Varchar, {"length": 20, "default": "lien"}),
    ("parents", Boolean, {"default": True}),
    ("eleves", Boolean, {"default": True}),
    ("academie", Varchar, {"length": 40, "default": "", "index": True}),
    ("etablissement_id", Integer, {"default": None, "null": True, "index": True}),
    ("ordre", Integer, {"default": 100}),
    ("actif", Boolean, {"default": True}),
    ("cree_le", Timestamptz, {"default": TimestamptzNow()}),
    ("modifie_le", Timestamptz, {"default": TimestamptzNow()}),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="liens", description=DESCRIPTION)
    manager.add_table(class_name="LiensLien", tablename="liens_lien", schema=None, columns=None)
    for name, column_class, params in COLUMNS:
        manager.add_column(
            **TABLE,
            column_name=name,
            db_column_name=name,
            column_class_name=column_class.__name__,
            column_class=column_class,
            params={
                "null": False, "primary_key": False, "unique": False, "index": False,
                "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False,
                **params,
            },
            schema=None,
        )
    return manager
