from pathlib import Path

from piccolo.conf.apps import AppConfig

from teleservices_ent_exemple.tables import EntExempleLien

APP_CONFIG = AppConfig(
    app_name="ent_exemple",
    migrations_folder_path=str(Path(__file__).parent / "migrations"),
    table_classes=[EntExempleLien],
)
