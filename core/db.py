"""One database URL, two engines: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.engine.sqlite import TransactionType
from piccolo.table import Table

from teleservices.core.tables import Compte

PICCOLO_CONF = "teleservices.core.piccolo_conf"


class DatabaseURLError(ValueError):
    pass


def engine_from_url(url: str) -> Engine:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        raw = url.removeprefix("sqlite:///")
        if not raw or raw == url:
            raise DatabaseURLError(f"URL SQLite invalide : {url!r} (attendu sqlite:///chemin/fichier)")
        # sqlite:///relative/file or sqlite:////absolute/file, as SQLAlchemy reads them.
        path = Path(raw).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=str(path))
    if scheme in {"postgres", "postgresql"}:
        return PostgresEngine(config={"dsn": url}, log_queries=False)
    raise DatabaseURLError(f"Base de données non prise en charge : {scheme!r} (sqlite ou postgres)")


def write_transaction() -> Any:
    """The transaction of a change (and its mail). On SQLite it takes the write lock at once
    (BEGIN IMMEDIATE): a deferred transaction that reads first and writes next fails at once
    with "database is locked" when another connection writes meanwhile (the mail sender does,
    every few seconds), where an immediate one waits for its turn."""
    db = Compte._meta.db
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


def bind(engine: Engine, tables: list[type[Table]]) -> None:
    """Point every table at this engine, whatever piccolo_conf would have found."""
    for table in tables:
        table._meta.db = engine


def use_piccolo_conf() -> None:
    """Piccolo's migration commands find their engine and apps through this module."""
    os.environ["PICCOLO_CONF"] = PICCOLO_CONF


async def migrate() -> None:
    use_piccolo_conf()
    result = await run_forwards("all")
    if not result.success:
        raise RuntimeError(f"Échec des migrations : {result.message}")


def engine_type() -> str:
    """« sqlite » or « postgres »: the engine the tables are bound to."""
    return Compte._meta.db.engine_type


def json_list(*expressions: str) -> str:
    """An SQL aggregate of the rows as a JSON list of lists of these expressions, in the engine's
    dialect (SQLite's json_group_array, PostgreSQL's json_agg): to read a row's children in the
    same query. It gives JSON text; NULL on PostgreSQL when there is no row."""
    if engine_type() == "sqlite":
        return f"json_group_array(json_array({', '.join(expressions)}))"
    return f"json_agg(json_build_array({', '.join(expressions)}))"


def json_object(key: str, value: str) -> str:
    """An SQL aggregate of the rows as a JSON object ``{key: value}`` (value: a JSON column)."""
    if engine_type() == "sqlite":
        return f"json_group_object({key}, json(COALESCE(NULLIF({value}, ''), json_object())))"
    return f"json_object_agg({key}, {value})"


def sql_true() -> str:
    """The boolean true, as the engine writes it in SQL."""
    return "1" if engine_type() == "sqlite" else "true"


def read_json(value: Any, empty: Any) -> Any:
    """What ``json_list`` or ``json_object`` gave: JSON text, or NULL (``empty``)."""
    if value is None:
        return empty
    return json.loads(value) if isinstance(value, str) else value
