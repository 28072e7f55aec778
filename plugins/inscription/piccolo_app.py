"""The inscription plugin's Piccolo app: its tables and migrations (``teleservices migrate``)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from teleservices.plugins.inscription.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="inscription",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
)
