"""Unique indexes on one or several columns, in SQL that SQLite and PostgreSQL both accept. A
migration of their own: a migration runs its raw SQL before creating its tables."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-29T06:53:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique indexes"

UNIQUE_INDEXES = (
    "CREATE UNIQUE INDEX inscription_campagne_lycee ON inscription_campagne (etablissement_id)",
    "CREATE UNIQUE INDEX inscription_affectation_eleve ON inscription_affectation (eleve_id)",
    "CREATE UNIQUE INDEX inscription_dossier_affectation ON inscription_dossier (affectation)",
    "CREATE UNIQUE INDEX inscription_offre_cours ON inscription_offre (etablissement_id, code_mef, categorie, code)",
)
DROP = ("inscription_campagne_lycee", "inscription_affectation_eleve", "inscription_dossier_affectation",
        "inscription_offre_cours")


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="inscription", description=DESCRIPTION)

    async def create():
        for sql in UNIQUE_INDEXES:
            await engine_finder().run_ddl(sql)

    async def drop():
        for name in DROP:
            await engine_finder().run_ddl(f"DROP INDEX {name}")

    manager.add_raw(create)
    manager.add_raw_backwards(drop)
    return manager
