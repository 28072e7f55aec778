"""Settings read from TELESERVICES_* variables, and the database URL → Piccolo engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from teleservices.core.db import DatabaseURLError, engine_from_url
from teleservices.core.settings import Settings


@pytest.fixture
def env(tmp_path):
    """The smallest environment: only the var folder, kept in a temporary directory."""
    return {"TELESERVICES_VAR_DIR": str(tmp_path / "var")}


# --- Settings.from_env ----------------------------------------------------------------------


def test_defaults(env, tmp_path):
    settings = Settings.from_env(env)
    assert settings.var_dir == tmp_path / "var"
    assert settings.plugins is None
    assert settings.theme == "default"
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.session_idle_minutes == 120
    assert settings.session_max_hours == 12
    assert settings.debug is False
    assert settings.secure_cookies is False
    assert settings.db_pool_max == 10


def test_default_database_is_an_absolute_sqlite_file_in_the_var_folder(env, tmp_path):
    url = Settings.from_env(env).database_url
    assert url == f"sqlite:///{tmp_path / 'var' / 'teleservices.sqlite3'}"
    assert Path(url.removeprefix("sqlite:///")).is_absolute()


def test_relative_var_folder_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({"TELESERVICES_VAR_DIR": "donnees"})
    assert settings.var_dir == tmp_path / "donnees"
    assert settings.database_url == f"sqlite:///{tmp_path / 'donnees' / 'teleservices.sqlite3'}"


def test_generated_secret_key_is_kept_private_and_reused(env, tmp_path):
    first = Settings.from_env(env).secret_key
    key_file = tmp_path / "var" / "secret_key"
    assert len(first) >= 40
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert Settings.from_env(env).secret_key == first


def test_given_secret_key_is_used_and_not_written(env, tmp_path):
    settings = Settings.from_env({**env, "TELESERVICES_SECRET_KEY": "une-clé"})
    assert settings.secret_key == "une-clé"
    assert not (tmp_path / "var" / "secret_key").exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("notes", ("notes",)),
        ("notes,absences", ("notes", "absences")),
        (" notes , absences ,, lpc ", ("notes", "absences", "lpc")),
        ("", None),
        ("   ", None),
    ],
)
def test_plugin_allow_list_parsing(env, value, expected):
    assert Settings.from_env({**env, "TELESERVICES_PLUGINS": value}).plugins == expected


def test_explicit_values(env):
    settings = Settings.from_env({
        **env,
        "TELESERVICES_DATABASE_URL": "postgres://portail@db/teleservices",
        "TELESERVICES_THEME": "academie",
        "TELESERVICES_BASE_URL": "https://services.example.org/",
        "TELESERVICES_SESSION_IDLE_MINUTES": "30",
        "TELESERVICES_SESSION_MAX_HOURS": "8",
        "TELESERVICES_DEBUG": "oui",
        "TELESERVICES_DB_POOL_MAX": "0",
    })
    assert settings.database_url == "postgres://portail@db/teleservices"
    assert settings.theme == "academie"
    assert settings.base_url == "https://services.example.org"
    assert settings.secure_cookies is True
    assert (settings.session_idle_minutes, settings.session_max_hours) == (30, 8)
    assert settings.debug is True
    assert settings.db_pool_max == 0


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("true", True), ("ON", True), ("0", False), ("non", False)])
def test_debug_flag(env, value, expected):
    assert Settings.from_env({**env, "TELESERVICES_DEBUG": value}).debug is expected


# --- engine_from_url ------------------------------------------------------------------------


def test_relative_sqlite_path_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    engine = engine_from_url("sqlite:///var/base.sqlite3")
    assert isinstance(engine, SQLiteEngine)
    assert engine.path == str(tmp_path / "var" / "base.sqlite3")
    assert (tmp_path / "var").is_dir()


def test_absolute_sqlite_path_is_kept(tmp_path):
    engine = engine_from_url(f"sqlite:///{tmp_path / 'a' / 'base.sqlite3'}")
    assert engine.path == str(tmp_path / "a" / "base.sqlite3")


# Piccolo asks the server its version when the engine is made: port 1 refuses at once.
@pytest.mark.filterwarnings("ignore:.*Unable to (connect|fetch)")
@pytest.mark.parametrize("url", ["postgres://u:p@127.0.0.1:1/ts", "postgresql://u@127.0.0.1:1/ts"])
def test_postgres_url_gives_a_postgres_engine(url):
    engine = engine_from_url(url)
    assert isinstance(engine, PostgresEngine)
    assert engine.config == {"dsn": url}


@pytest.mark.parametrize("url", ["mysql://u@db/ts", "base.sqlite3", "oracle://x"])
def test_unknown_scheme_is_refused(url):
    with pytest.raises(DatabaseURLError, match="non prise en charge"):
        engine_from_url(url)


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///", "sqlite://base.sqlite3"])
def test_sqlite_url_without_a_path_is_refused(url):
    with pytest.raises(DatabaseURLError, match="URL SQLite invalide"):
        engine_from_url(url)
