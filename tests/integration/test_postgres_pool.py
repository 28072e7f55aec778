"""The connection pool that `teleservices serve` keeps open (TELESERVICES_DB_POOL_MAX):
open while the app runs on PostgreSQL, closed at shutdown; never on SQLite, which has none."""

import dataclasses

from litestar.testing import TestClient

from teleservices.core.app import connection_pool, create_app
from teleservices.core.tables import Compte
from teleservices.core.testing import DEMO_PASSWORD, csrf_from


def test_pages_are_served_with_a_pool_where_the_database_has_one(portal_settings):
    app = create_app(dataclasses.replace(portal_settings, db_pool_max=2))
    engine = Compte._meta.db
    on_postgres = portal_settings.database_url.startswith("postgres")
    with TestClient(app=app) as client:
        token = csrf_from(client.get("/connexion").text)
        home = client.post("/connexion", data={
            "_csrf": token, "identifiant": "demo.parent", "mot_de_passe": DEMO_PASSWORD,
        }, follow_redirects=True)
        assert home.status_code == 200
        assert "la scolarité de" in home.text
        if on_postgres:
            assert engine.pool is not None, "the pool should be open while the app runs"
        else:
            assert connection_pool(engine, 2) == ([], []), "SQLite gets no pool hooks"
    if on_postgres:
        assert engine.pool is None, "the pool should be closed at shutdown"
