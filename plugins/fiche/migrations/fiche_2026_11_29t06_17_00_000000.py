"""Unique indexes (several columns, or partial) in SQL that SQLite and PostgreSQL both accept. A
migration of their own: a migration runs its raw SQL before creating its tables.

- one pending request on a pupil's record: both guardians may update it, not at the same time
  (guide 3.3); two submitting at once, exactly one gets the row;
- one pending request on a guardian's record;
- one row per field of a request: a later change of the same field replaces it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T06:17:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes"

UNIQUE_INDEXES = (
    "CREATE UNIQUE INDEX fiche_demande_eleve_en_attente ON fiche_demande (eleve_id) "
    "WHERE cible = 'eleve' AND etat = 'en_attente'",
    "CREATE UNIQUE INDEX fiche_demande_responsable_en_attente ON fiche_demande (responsable_id) "
    "WHERE cible = 'responsable' AND etat = 'en_attente'",
    "CREATE UNIQUE INDEX fiche_changement_demande_champ ON fiche_changement (demande, champ)",
)
DROP = ("fiche_demande_eleve_en_attente", "fiche_demande_responsable_en_attente", "fiche_changement_demande_champ")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="fiche", description=DESCRIPTION)

    async def create():
        for sql in UNIQUE_INDEXES:
            await engine_finder().run_ddl(sql)

    async def drop():
        for name in DROP:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
