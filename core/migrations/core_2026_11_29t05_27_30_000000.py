"""One private link per account, pupil and service: a new link replaces the previous one."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T05:27:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique private link"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create():
        await engine_finder().run_ddl(
            "CREATE UNIQUE INDEX lien_prive_compte_eleve_service ON lien_prive (compte, eleve, service)"
        )

    async def drop():
        await engine_finder().run_ddl("DROP INDEX lien_prive_compte_eleve_service")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
