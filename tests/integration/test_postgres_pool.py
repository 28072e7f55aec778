"""The PostgreSQL connection pool that `teleservices serve` keeps open (TELESERVICES_DB_POOL_MAX)."""

import dataclasses

import pytest
from litestar.testing import TestClient

from teleservices.core.app import create_app
from teleservices.core.tables import Compte
from teleservices.core.testing import DEMO_PASSWORD, csrf_from


def test_pages_are_served_through_the_pool(portal_settings):
    if not portal_settings.database_url.startswith("postgres"):
        pytest.skip("SQLite has no pool; the PostgreSQL half of `make test` runs this test")
    app = create_app(dataclasses.replace(portal_settings, db_pool_max=2))
    with TestClient(app=app) as client:
        token = csrf_from(client.get("/connexion").text)
        home = client.post("/connexion", data={
            "_csrf": token, "identifiant": "demo.parent", "mot_de_passe": DEMO_PASSWORD,
        }, follow_redirects=True)
        assert home.status_code == 200
        assert "la scolarité de" in home.text
        assert Compte._meta.db.pool is not None, "the pool should be open while the app runs"
    assert Compte._meta.db.pool is None, "the pool should be closed at shutdown"
