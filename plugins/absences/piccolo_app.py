"""The absences plugin's Piccolo app: its table and migrations (``teleservices migrate``)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from teleservices.plugins.absences.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="absences",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
)
