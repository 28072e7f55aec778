"""Unique indexes on several columns, in SQL that SQLite and PostgreSQL both accept. A migration
of their own: a migration runs its raw SQL before creating its tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T05:47:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes"

UNIQUE_INDEXES = (
    "CREATE UNIQUE INDEX lpc_validation_eleve_code ON lpc_validation (eleve_id, code)",
    "CREATE UNIQUE INDEX lpc_langue_eleve_palier ON lpc_langue (eleve_id, palier)",
)
DROP = ("lpc_validation_eleve_code", "lpc_langue_eleve_palier")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="lpc", description=DESCRIPTION)

    async def create():
        for sql in UNIQUE_INDEXES:
            await engine_finder().run_ddl(sql)

    async def drop():
        for name in DROP:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
