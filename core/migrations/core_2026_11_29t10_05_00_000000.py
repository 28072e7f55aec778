"""The notifications (issue 11): ``notification`` and ``notification_preference``, in a form
SQLite and PostgreSQL both accept. Their indexes come in the next migration (a migration runs its
raw steps before creating its tables)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.base import OnDelete, OnUpdate
from piccolo.columns.column_types import ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table

ID = "2026-11-29T10:05:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "notifications"


class Compte(Table, tablename="compte", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)


class Eleve(Table, tablename="eleve", schema=None):
    id = Serial(null=False, primary_key=True, unique=False, index=False, index_method=IndexMethod.btree,
                choices=None, db_column_name="id", secret=False)


def foreign_key(references: type[Table], index: bool) -> dict:
    return {"references": references, "on_delete": OnDelete.cascade, "on_update": OnUpdate.cascade,
            "target_column": None, "null": True, "index": index}


# (table class, table name, [(column, class, its own parameters)])
TABLES = [
    ("Notification", "notification", [
        ("compte", ForeignKey, foreign_key(Compte, index=True)),
        ("eleve", ForeignKey, foreign_key(Eleve, index=False)),
        ("type", Varchar, {"length": 60, "default": ""}),
        ("titre", Varchar, {"length": 200, "default": ""}),
        ("lien", Varchar, {"length": 300, "default": ""}),
        ("canal", Varchar, {"length": 20, "default": "resume_quotidien"}),
        ("cree_le", Timestamptz, {"default": TimestamptzNow()}),
        ("lue_le", Timestamptz, {"default": None, "null": True}),
        ("envoyee_le", Timestamptz, {"default": None, "null": True}),
    ]),
    ("NotificationPreference", "notification_preference", [
        ("compte", ForeignKey, foreign_key(Compte, index=True)),
        ("type", Varchar, {"length": 60, "default": ""}),
        ("canal", Varchar, {"length": 20, "default": ""}),
    ]),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)
    for class_name, tablename, columns in TABLES:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for name, column_class, params in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
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
