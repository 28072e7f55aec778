"""The cahier de textes' Piccolo app: its tables and migrations (``teleservices migrate``)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from teleservices_cahier_de_textes.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="cahier",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
)
