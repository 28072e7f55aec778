"""The language an account chose (issue 11): « » until it chooses, the browser's then."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T12:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "compte.langue"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Compte",
        tablename="compte",
        column_name="langue",
        db_column_name="langue",
        column_class_name="Varchar",
        column_class=Varchar,
        params={"length": 5, "default": "", "null": False, "primary_key": False, "unique": False,
                "index": False, "index_method": IndexMethod.btree, "choices": None, "db_column_name": None,
                "secret": False},
        schema=None,
    )
    return manager
