"""Unique indexes Piccolo's columns cannot express (several columns, or partial), in SQL that
SQLite and PostgreSQL both accept. A migration of their own: a migration runs its raw SQL
before creating its tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T05:28:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes"

UNIQUE_INDEXES = (
    # The school software's identifier, unique in its establishment: a second push updates.
    "CREATE UNIQUE INDEX absences_absence_reference ON absences_absence (etablissement_id, reference) "
    "WHERE reference <> ''",
    # One event entered on the portal per pupil and half-day: the staff page edits it.
    "CREATE UNIQUE INDEX absences_absence_saisie ON absences_absence (eleve_id, date, demi_journee) "
    "WHERE reference = ''",
)
DROP = ("absences_absence_reference", "absences_absence_saisie")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="absences", description=DESCRIPTION)

    async def create():
        for sql in UNIQUE_INDEXES:
            await engine_finder().run_ddl(sql)

    async def drop():
        for name in DROP:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
