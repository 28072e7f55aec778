"""The day a campaign's opening was told to the families: ``inscription_campagne.annoncee_le``
(the daily task announces a campaign saved ahead of its first day)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T12:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "inscription_campagne.annoncee_le"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inscription", description=DESCRIPTION)
    manager.add_column(
        table_class_name="InscriptionCampagne",
        tablename="inscription_campagne",
        column_name="annoncee_le",
        db_column_name="annoncee_le",
        column_class_name="Date",
        column_class=Date,
        params={"default": None, "null": True, "primary_key": False, "unique": False, "index": False,
                "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False},
        schema=None,
    )
    return manager
