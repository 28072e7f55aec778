"""A notification's title in every language (issue 11): ``notification.titres``."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T12:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notification.titres"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Notification",
        tablename="notification",
        column_name="titres",
        db_column_name="titres",
        column_class_name="JSON",
        column_class=JSON,
        params={"default": "{}", "null": False, "primary_key": False, "unique": False, "index": False,
                "index_method": IndexMethod.btree, "choices": None, "db_column_name": None, "secret": False},
        schema=None,
    )
    return manager
