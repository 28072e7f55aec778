"""The client's address behind load balancers (TELESERVICES_TRUSTED_PROXIES): read from
X-Forwarded-For only when the connection comes from a trusted proxy, and never an address the
client could have written itself."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from teleservices.core.sessions import client_address
from teleservices.core.settings import Settings


def request(peer: str, forwarded: str | None = None, proxies: str = "") -> SimpleNamespace:
    settings = Settings.from_env({"TELESERVICES_SECRET_KEY": "x", "TELESERVICES_TRUSTED_PROXIES": proxies})
    headers = {"x-forwarded-for": forwarded} if forwarded is not None else {}
    return SimpleNamespace(client=SimpleNamespace(host=peer), headers=headers,
                           app=SimpleNamespace(state=SimpleNamespace(settings=settings)))


def test_without_trusted_proxies_the_connection_decides():
    assert client_address(request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_a_trusted_balancer_the_client_is_the_forwarded_address():
    assert client_address(request("10.0.0.10", "198.51.100.1", "10.0.0.10,10.0.0.11")) == "198.51.100.1"


def test_a_forged_header_from_an_untrusted_peer_is_ignored():
    assert client_address(request("203.0.113.7", "10.0.0.10", "10.0.0.10")) == "203.0.113.7"


def test_addresses_written_by_the_client_before_the_proxies_prove_nothing():
    # The client sent « X-Forwarded-For: 1.2.3.4 »; the balancer appended the real address.
    assert client_address(request("10.0.0.10", "1.2.3.4, 198.51.100.1", "10.0.0.0/24")) == "198.51.100.1"
    # Two proxies in a row (a CDN, then the balancer): both skipped.
    assert client_address(request("10.0.0.10", "198.51.100.1, 10.0.0.20", "10.0.0.0/24")) == "198.51.100.1"


def test_a_trusted_proxy_without_the_header_is_the_client():
    assert client_address(request("10.0.0.10", None, "10.0.0.10")) == "10.0.0.10"


def test_an_invalid_network_is_refused_at_start():
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Settings.from_env({"TELESERVICES_SECRET_KEY": "x", "TELESERVICES_TRUSTED_PROXIES": "10.0.0.300"})
