"""Unique indexes Piccolo's columns cannot express (several columns, or partial), in SQL that
SQLite and PostgreSQL both accept. A migration of their own: a migration runs its raw SQL
before creating its tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T09:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "index uniques"

UNIQUE_INDEXES = (
    # The school software's identifier, unique in its establishment: a second push updates.
    "CREATE UNIQUE INDEX cahier_seance_reference ON cahier_seance (etablissement_id, reference) "
    "WHERE reference <> ''",
    "CREATE UNIQUE INDEX cahier_devoir_reference ON cahier_devoir (etablissement_id, reference) "
    "WHERE reference <> ''",
    # A pupil ticks « Fait » once per homework.
    "CREATE UNIQUE INDEX cahier_fait_devoir_eleve ON cahier_fait (devoir_id, eleve_id)",
)
DROP = ("cahier_seance_reference", "cahier_devoir_reference", "cahier_fait_devoir_eleve")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cahier", description=DESCRIPTION)

    async def create():
        for sql in UNIQUE_INDEXES:
            await engine_finder().run_ddl(sql)

    async def drop():
        for name in DROP:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
