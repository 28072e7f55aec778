"""The cahier de textes' tables, as Piccolo's auto migrations write them (one ``add_column`` per
column), listed here once: a migration is frozen, it never reads the current ``tables.py``."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "séances, devoirs et « fait »"

# (class name, table name, [(column, column class, specific params)])
TABLES = [
    ("CahierSeance", "cahier_seance", [
        ("etablissement_id", Integer, {"default": 0, "index": True}),
        ("division_id", Integer, {"default": 0, "index": True}),
        ("matiere_id", Integer, {"default": 0}),
        ("enseignant_id", Integer, {"default": None, "null": True}),
        ("date", Date, {"default": DateNow(), "index": True}),
        ("contenu", Text, {"default": ""}),
        ("saisie_par", Varchar, {"length": 120, "default": ""}),
        ("reference", Varchar, {"length": 80, "default": ""}),
        ("cree_le", Timestamptz, {"default": TimestamptzNow()}),
        ("modifie_le", Timestamptz, {"default": TimestamptzNow()}),
    ]),
    ("CahierDevoir", "cahier_devoir", [
        ("etablissement_id", Integer, {"default": 0, "index": True}),
        ("division_id", Integer, {"default": 0, "index": True}),
        ("matiere_id", Integer, {"default": 0}),
        ("enseignant_id", Integer, {"default": None, "null": True}),
        ("donne_le", Date, {"default": DateNow()}),
        ("pour_le", Date, {"default": DateNow(), "index": True}),
        ("description", Text, {"default": ""}),
        ("liens", Text, {"default": "[]"}),
        ("saisie_par", Varchar, {"length": 120, "default": ""}),
        ("reference", Varchar, {"length": 80, "default": ""}),
        ("cree_le", Timestamptz, {"default": TimestamptzNow()}),
        ("modifie_le", Timestamptz, {"default": TimestamptzNow()}),
    ]),
    ("CahierFait", "cahier_fait", [
        ("devoir_id", Integer, {"default": 0, "index": True}),
        ("eleve_id", Integer, {"default": 0, "index": True}),
        ("fait_le", Timestamptz, {"default": TimestamptzNow()}),
    ]),
]


def _params(specific: dict) -> dict:
    return {
        "null": False, "primary_key": False, "unique": False, "index": False, "index_method": IndexMethod.btree,
        "choices": None, "db_column_name": None, "secret": False, **specific,
    }


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cahier", description=DESCRIPTION)
    for class_name, tablename, columns in TABLES:
        manager.add_table(class_name=class_name, tablename=tablename, schema=None, columns=None)
        for column_name, column_class, specific in columns:
            manager.add_column(
                table_class_name=class_name,
                tablename=tablename,
                column_name=column_name,
                db_column_name=column_name,
                column_class_name=column_class.__name__,
                column_class=column_class,
                params=_params(specific),
                schema=None,
            )
    return manager
