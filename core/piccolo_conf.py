"""Piccolo's configuration, computed from the settings and the enabled plugins.

Piccolo imports this module (through PICCOLO_CONF) to run migrations.
"""

from piccolo.conf.apps import AppRegistry

from teleservices.core.db import engine_from_url
from teleservices.core.plugins import load_plugins
from teleservices.core.settings import Settings

_settings = Settings.from_env()
DB = engine_from_url(_settings.database_url)
APP_REGISTRY = AppRegistry(apps=load_plugins(_settings).piccolo_apps)
