"""The teaching team of a pupil is read by the class or group (issue 12): an index on
``enseignement.division``, so that the query reads the pupil's few rows, not the academy's."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T15:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index enseignement.division"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def create():
        await engine_finder().run_ddl("CREATE INDEX enseignement_division ON enseignement (division)")

    async def drop():
        await engine_finder().run_ddl("DROP INDEX enseignement_division")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
