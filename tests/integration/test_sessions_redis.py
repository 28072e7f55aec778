"""Sessions in Redis when a Redis URL is set (issue 12): several workers share them, no row is
written in the ``session`` table, and they end exactly as the database's do (logout, idle and
absolute expiry, disabled account, password changed).

Redis is ``TELESERVICES_TEST_REDIS_URL`` (by default database 13 of 127.0.0.1:6379), emptied
before each test and after the module. When ``CI`` is set, an unreachable Redis fails the tests
instead of skipping them.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace

import pytest

from admin_support import journal_cleaned, other, post_with_csrf  # noqa: F401
from identite_support import NEW_PASSWORD, fresh_throttle, make_account, post_form  # noqa: F401
from teleservices.core import clock, sessions
from teleservices.core.app import create_app
from teleservices.core.identity.creation import back_to_provisional
from teleservices.core.security import token_hash
from teleservices.core.tables import Compte, Session
from teleservices.core.testing import DEMO_PASSWORD, last_id, run

REDIS_URL = os.environ.get("TELESERVICES_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
OTHER_PASSWORD = "Girafe-Verte-2031"


@pytest.fixture(scope="module")
def redis_server():
    import redis

    server = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        server.ping()
    except redis.exceptions.ConnectionError as exc:
        server.close()
        message = f"Redis injoignable ({REDIS_URL}) : {exc}"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield server
    server.flushdb()
    server.close()


@pytest.fixture
def redis_db(redis_server):
    """The test's Redis database, empty."""
    redis_server.flushdb()
    return redis_server


@pytest.fixture(scope="module")
def redis_settings(portal_settings):
    return replace(portal_settings, redis_url=REDIS_URL)


@pytest.fixture(scope="module")
def redis_app(redis_settings):
    return create_app(redis_settings)


@pytest.fixture
def redis_client_as(redis_app, redis_db, new_client, login):
    """``redis_client_as("demo.parent", app=...)``: a new client of a Redis portal, logged in."""

    def make(identifiant: str, password: str = DEMO_PASSWORD, app=redis_app):
        client = new_client(app)
        response = login(client, identifiant, password)
        assert response.status_code == 200 and "/connexion" not in str(response.url), identifiant
        return client

    return make


@pytest.fixture
def travel(monkeypatch):
    """``travel(minutes=...)``: the portal's clock shows that much later than when it was called first."""
    start = clock.now()

    def to(**delta: float) -> None:
        monkeypatch.setattr(clock, "now", lambda: start + dt.timedelta(**delta))

    return to


def session_key(client) -> str:
    return f"ts:session:{token_hash(client.cookies['ts_session'])}"


def compte_id(identifiant: str) -> int:
    return run(Compte.select(Compte.id).where(Compte.identifiant == identifiant).first())["id"]


def logged_in(client) -> bool:
    return client.get("/compte", follow_redirects=False).status_code == 200


# --- the store of each app ----------------------------------------------------------------------


def test_the_settings_choose_the_store(redis_app, portal_app, redis_settings):
    assert isinstance(redis_app.state.session_store, sessions.RedisStore)
    assert isinstance(portal_app.state.session_store, sessions.DatabaseStore)
    assert isinstance(sessions.make_store(redis_settings), sessions.RedisStore)


def test_the_redis_url_is_read_from_the_environment():
    from teleservices.core.settings import Settings

    env = {"TELESERVICES_SECRET_KEY": "x", "TELESERVICES_VAR_DIR": "/tmp"}
    assert Settings.from_env(env).redis_url == ""
    assert Settings.from_env({**env, "TELESERVICES_REDIS_URL": " redis://cache:6379/2 "}).redis_url == "redis://cache:6379/2"


# --- login and logout -------------------------------------------------------------------------


def test_login_keeps_the_session_in_redis_and_writes_no_row(redis_client_as, redis_db):
    mark, rows = last_id(Session), run(Session.count())
    parent = redis_client_as("demo.parent")
    assert logged_in(parent)
    assert last_id(Session) == mark and run(Session.count()) == rows
    key = session_key(parent)
    stored = redis_db.hgetall(key)
    assert stored["compte"] == str(compte_id("demo.parent")) and stored["etablissement"] == ""
    assert float(stored["cree_le"]) == pytest.approx(clock.now().timestamp(), abs=60)
    assert 119 * 60 < redis_db.ttl(key) <= 120 * 60
    assert redis_db.smembers(f"ts:compte:{compte_id('demo.parent')}:sessions") == {key.rsplit(":", 1)[1]}


def test_logout_removes_the_session(redis_client_as, redis_db, new_client, redis_app):
    parent = redis_client_as("demo.parent")
    key, cookie = session_key(parent), parent.cookies["ts_session"]
    assert redis_db.exists(key)
    response = post_with_csrf(parent, "/deconnexion", page="/compte")
    assert response.headers["location"] == "/connexion?deconnecte=1"
    assert not redis_db.exists(key)
    assert not redis_db.exists(f"ts:compte:{compte_id('demo.parent')}:sessions")
    replay = new_client(redis_app).get("/compte", headers={"Cookie": f"ts_session={cookie}"}, follow_redirects=False)
    assert replay.headers["location"] == "/connexion?suivant=/compte"


def test_a_new_login_ends_the_browser_s_previous_session(redis_client_as, redis_db, login):
    parent = redis_client_as("demo.parent")
    first = session_key(parent)
    login(parent, "demo.parent")
    assert session_key(parent) != first
    assert not redis_db.exists(first) and redis_db.exists(session_key(parent))
    assert logged_in(parent)


# --- lifetime ---------------------------------------------------------------------------------


def test_idle_session_expires(redis_client_as, redis_db, travel):
    parent = redis_client_as("demo.parent")
    key = session_key(parent)
    travel(minutes=121)
    assert not logged_in(parent)
    assert not redis_db.exists(key)
    travel(minutes=0)
    assert not logged_in(parent), "an expired session must not come back"


def test_last_seen_is_refreshed_at_most_once_a_minute(redis_client_as, redis_db, travel):
    parent = redis_client_as("demo.parent")
    key = session_key(parent)
    seen = redis_db.hget(key, "vu_le")
    travel(seconds=50)
    assert logged_in(parent)
    assert redis_db.hget(key, "vu_le") == seen
    travel(minutes=119)
    assert logged_in(parent)
    assert float(redis_db.hget(key, "vu_le")) == pytest.approx(float(seen) + 119 * 60, abs=30)
    travel(minutes=119 + 119)  # 119 minutes after the last request, 238 after login
    assert logged_in(parent)


def test_active_session_is_kept_alive_until_its_maximum_lifetime(redis_client_as, redis_db, travel):
    parent = redis_client_as("demo.parent")
    key = session_key(parent)
    for step in range(1, 8):  # a request every 100 minutes, up to 11 h 40
        travel(minutes=100 * step)
        assert logged_in(parent), f"déconnecté après {100 * step} minutes d'activité"
    # Touched 11 h 40 after login: Redis keeps it 20 minutes more, not the 2 hours of idle time.
    assert 19 * 60 < redis_db.ttl(key) <= 20 * 60
    travel(minutes=800)  # 13 h 20 after login
    assert not logged_in(parent)
    assert not redis_db.exists(key)


def test_disabled_account_loses_its_session(redis_client_as, redis_db, account_state):
    parent2 = redis_client_as("demo.parent2")
    key = session_key(parent2)
    account_state("demo.parent2", "desactive")
    response = parent2.get("/compte", follow_redirects=False)
    assert response.headers["location"] == "/connexion?suivant=/compte"
    assert not redis_db.exists(key)


def test_a_deleted_account_loses_its_session(redis_client_as, redis_db, make_account):
    account = make_account("parent", etat="actif", password=NEW_PASSWORD)
    client = redis_client_as(account.identifiant, NEW_PASSWORD)
    key = session_key(client)
    run(Compte.delete().where(Compte.id == account.compte_id))
    assert not logged_in(client)
    assert not redis_db.exists(key)


# --- ending every session of an account --------------------------------------------------------


def test_a_new_password_ends_the_other_browsers_sessions(redis_client_as, redis_db, make_account, fresh_throttle):
    account = make_account("parent", etat="actif", password=NEW_PASSWORD)
    client = redis_client_as(account.identifiant, NEW_PASSWORD)
    other_browser = redis_client_as(account.identifiant, NEW_PASSWORD)
    members = f"ts:compte:{account.compte_id}:sessions"
    assert len(redis_db.smembers(members)) == 2
    response = post_form(client, "/compte/mot-de-passe", {
        "mot_de_passe_actuel": NEW_PASSWORD, "mot_de_passe": OTHER_PASSWORD, "mot_de_passe_confirmation": OTHER_PASSWORD,
    })
    assert response.status_code == 303 and response.headers["location"] == "/compte?modification=mot-de-passe"
    assert logged_in(client)
    assert other_browser.get("/compte", follow_redirects=False).headers["location"].startswith("/connexion")
    assert redis_db.smembers(members) == {session_key(client).rsplit(":", 1)[1]}
    assert run(Session.count().where(Session.compte == account.compte_id)) == 0


def test_back_to_provisional_ends_the_sessions_from_the_command_line_too(
        redis_client_as, redis_db, make_account, monkeypatch):
    """Outside a request (the command line), the store is the one the environment names."""
    account = make_account("parent", etat="actif", password=NEW_PASSWORD)
    client = redis_client_as(account.identifiant, NEW_PASSWORD)
    key = session_key(client)
    monkeypatch.setenv("TELESERVICES_REDIS_URL", REDIS_URL)
    assert isinstance(sessions.current_store(), sessions.RedisStore)
    run(back_to_provisional(account.compte_id))
    assert not redis_db.exists(key)
    assert not logged_in(client)


def test_closing_accounts_ends_only_their_sessions(redis_settings, redis_db):
    store = sessions.RedisStore(redis_settings)

    async def scenario():
        tokens = [await store.open(7001), await store.open(7001), await store.open(7002)]
        await store.close_accounts([7001, 7003])
        return tokens

    first, second, kept = run(scenario())
    assert not redis_db.exists(store.session_key(token_hash(first)))
    assert not redis_db.exists(store.session_key(token_hash(second)))
    assert redis_db.exists(store.session_key(token_hash(kept)))
    assert not redis_db.exists(store.account_key(7001))
    assert redis_db.smembers(store.account_key(7002)) == {token_hash(kept)}
    assert 0 < redis_db.ttl(store.account_key(7002)) <= 12 * 3600 + 60


def test_a_closed_session_is_not_brought_back_by_its_last_changes(redis_settings, redis_db):
    """Touching or choosing an establishment never re-creates a session that just ended."""
    store = sessions.RedisStore(redis_settings)

    async def scenario():
        token = await store.open(7001)
        await store.close(token)
        await store.set_establishment(token, 1)
        return token

    token = run(scenario())
    assert not redis_db.exists(store.session_key(token_hash(token)))
    assert redis_db.dbsize() == 0


# --- an academy administrator's establishment --------------------------------------------------


def test_an_academy_administrator_s_establishment_is_kept(redis_client_as, redis_db, demo, other, journal_cleaned, text):
    admin = redis_client_as("demo.academie")
    assert admin.get("/", follow_redirects=False).headers["location"] == "/administration/etablissements"
    refused = post_with_csrf(admin, "/administration/etablissements", {"etablissement": str(other.etablissement)})
    assert refused.status_code == 404
    assert redis_db.hget(session_key(admin), "etablissement") == ""
    chosen = post_with_csrf(admin, "/administration/etablissements", {"etablissement": str(demo.college)})
    assert chosen.status_code == 303
    assert redis_db.hget(session_key(admin), "etablissement") == str(demo.college)
    home = text(admin.get("/"))
    assert "COLLEGE JEAN MOULIN" in home and "changer d'établissement" in home
    assert admin.get("/administration/services", follow_redirects=False).status_code == 200
    # Even a session pointing at another academy's establishment (written by hand) gives no access.
    redis_db.hset(session_key(admin), "etablissement", str(other.etablissement))
    response = admin.get("/administration/services", follow_redirects=False)
    assert response.headers["location"] == "/administration/etablissements"


# --- several workers --------------------------------------------------------------------------


def test_two_workers_share_the_sessions(redis_settings, redis_db, new_client, login):
    first, second = create_app(redis_settings), create_app(redis_settings)
    assert first.state.session_store is not second.state.session_store
    browser = new_client(first)
    login(browser, "demo.parent")
    cookie = browser.cookies["ts_session"]
    same_browser_elsewhere = new_client(second)
    same_browser_elsewhere.cookies.set("ts_session", cookie, domain="127.0.0.1")
    assert logged_in(same_browser_elsewhere)
    post_with_csrf(same_browser_elsewhere, "/deconnexion", page="/compte")
    assert not logged_in(browser)
    assert redis_db.dbsize() == 0
