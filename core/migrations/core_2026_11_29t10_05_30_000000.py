"""The notifications' indexes: one preference per account and type (a save replaces it), and
the notifications a daily digest still has to mail, found without reading the others."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T10:05:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "notifications indexes"

INDEXES = [
    ("notification_preference_compte_type",
     "CREATE UNIQUE INDEX notification_preference_compte_type ON notification_preference (compte, type)"),
    ("notification_a_envoyer",
     "CREATE INDEX notification_a_envoyer ON notification (compte) "
     "WHERE envoyee_le IS NULL AND canal = 'resume_quotidien'"),
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create():
        for _, sql in INDEXES:
            await engine_finder().run_ddl(sql)

    async def drop():
        for name, _ in INDEXES:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
