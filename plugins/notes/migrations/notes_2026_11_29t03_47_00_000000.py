"""Unique indexes Piccolo's columns cannot express (several columns, or partial), in SQL that
SQLite and PostgreSQL both accept. A migration of their own: a migration runs its raw SQL
before creating its tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T03:47:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes"

UNIQUE_INDEXES = (
    "CREATE UNIQUE INDEX notes_note_devoir_eleve ON notes_note (devoir, eleve_id)",
    "CREATE UNIQUE INDEX notes_visite_compte_eleve ON notes_visite (compte_id, eleve_id)",
    "CREATE UNIQUE INDEX notes_devoir_reference ON notes_devoir (etablissement_id, reference) "
    "WHERE reference <> ''",
)
DROP = ("notes_note_devoir_eleve", "notes_visite_compte_eleve", "notes_devoir_reference")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="notes", description=DESCRIPTION)

    async def create():
        for sql in UNIQUE_INDEXES:
            await engine_finder().run_ddl(sql)

    async def drop():
        for name in DROP:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
