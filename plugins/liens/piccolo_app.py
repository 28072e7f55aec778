"""The links plugin's Piccolo app: its table and migrations (``teleservices migrate``)."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from teleservices.plugins.liens.tables import TABLES

APP_CONFIG = AppConfig(
    app_name="liens",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=TABLES,
)
