"""The growing delays after failed password checks."""

from teleservices.core.identity import throttle


def test_three_free_failures_then_doubling_delays():
    assert [throttle.delay(n, cap=900) for n in range(8)] == [0, 0, 0, 1, 2, 4, 8, 16]


def test_delays_are_capped():
    assert throttle.delay(60, cap=60) == 60
    assert throttle.delay(60, cap=900) == 900


def test_an_identifier_alone_never_waits_more_than_a_minute():
    """A classmate guessing from another computer slows the owner down, never locks them out."""
    assert throttle.CAPS["id"] == 60
    assert throttle.delay(10_000, throttle.CAPS["id"]) == 60


def test_keys_fold_the_identifier():
    assert throttle.keys(" Demo.Parent ", "10.0.0.1") == {
        "id": "id:demo.parent", "ip": "ip:10.0.0.1", "pair": "pair:demo.parent|10.0.0.1",
    }


def test_wait_message_is_french_and_singular_or_plural():
    assert throttle.wait_message(1) == "Trop de tentatives. Réessayez dans 1 seconde."
    assert throttle.wait_message(8) == "Trop de tentatives. Réessayez dans 8 secondes."
