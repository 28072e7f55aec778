"""Passwords, tokens, CSRF tokens bound to a session, and the login page's ``suivant`` target."""

from __future__ import annotations

import pytest

from teleservices.core.security import (
    check_password, csrf_token, csrf_valid, hash_password, new_token, token_hash,
)
from teleservices.core.views import safe_next

SECRET = "clé-secrète"


@pytest.fixture(scope="module")
def stored_hash():
    return hash_password("Bienvenue-2026")


def test_password_hash_is_argon2id_and_never_the_password(stored_hash):
    assert stored_hash.startswith("$argon2id$")
    assert "Bienvenue-2026" not in stored_hash
    assert hash_password("Bienvenue-2026") != stored_hash  # salted


def test_right_password_is_accepted(stored_hash):
    assert check_password(stored_hash, "Bienvenue-2026") is True


@pytest.mark.parametrize("attempt", ["bienvenue-2026", "Bienvenue-2027", "", "Bienvenue-2026 "])
def test_wrong_password_is_refused(stored_hash, attempt):
    assert check_password(stored_hash, attempt) is False


def test_account_without_hash_never_matches():
    assert check_password(None, "") is False
    assert check_password(None, "Bienvenue-2026") is False


def test_malformed_hash_is_refused_without_error():
    assert check_password("pas-un-hash", "pas-un-hash") is False


def test_new_tokens_are_random_and_long():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(token) >= 43 for token in tokens)


def test_token_hash_does_not_reveal_the_token():
    token = new_token()
    assert token_hash(token) == token_hash(token)
    assert len(token_hash(token)) == 64
    assert token not in token_hash(token)


def test_csrf_token_is_valid_for_its_own_binding():
    assert csrf_valid(SECRET, "session-a", csrf_token(SECRET, "session-a")) is True


def test_csrf_token_of_one_binding_is_invalid_for_another():
    token = csrf_token(SECRET, "session-a")
    assert csrf_token(SECRET, "session-b") != token
    assert csrf_valid(SECRET, "session-b", token) is False


def test_csrf_token_depends_on_the_secret_key():
    assert csrf_valid("autre-clé", "session-a", csrf_token(SECRET, "session-a")) is False


def test_csrf_token_is_not_a_copy_of_the_cookie():
    assert "session-a" not in csrf_token(SECRET, "session-a")


@pytest.mark.parametrize(("binding", "submitted"), [(None, "x"), ("", "x"), ("session-a", None), ("session-a", "")])
def test_csrf_without_binding_or_token_is_invalid(binding, submitted):
    assert csrf_valid(SECRET, binding, submitted) is False


@pytest.mark.parametrize("target", ["/", "/eleves/12/", "/eleves/12/notes/?periode=T1", "/compte#courriel"])
def test_safe_next_keeps_a_path_of_this_site(target):
    assert safe_next(target) == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "//evil.example",
        "//evil.example/connexion",
        "https://evil.example",
        "http://evil.example/",
        "\\evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "eleves/12/",
        # Browsers drop tabs and newlines from URLs: these are "//evil.example" to them.
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
    ],
)
def test_safe_next_refuses_other_hosts_and_odd_targets(target):
    assert safe_next(target) == "/"
