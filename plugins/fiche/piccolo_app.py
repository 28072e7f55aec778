"""The fiche plugin's Piccolo app: its tables and migrations (``teleservices migrate``)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from teleservices.plugins.fiche.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="fiche",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
)
