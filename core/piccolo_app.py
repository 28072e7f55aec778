"""The core's Piccolo app: its tables and migrations, registered like any plugin's."""

from pathlib import Path

from piccolo.conf.apps import AppConfig

from teleservices.core.tables import CORE_TABLES

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=CORE_TABLES,
)
