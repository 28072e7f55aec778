"""The school's day is its time zone's, not UTC's."""

import datetime as dt

from teleservices.core import clock


def test_today_is_the_schools_day_around_midnight(monkeypatch):
    # 23:30 UTC on 28 November is 00:30 on the 29th in Paris (UTC+1 in winter).
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 11, 28, 23, 30, tzinfo=dt.timezone.utc))
    assert clock.today() == dt.date(2026, 11, 29)
    # 21:30 UTC on 30 June is 23:30 in Paris (UTC+2 in summer): still the 30th.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2027, 6, 30, 21, 30, tzinfo=dt.timezone.utc))
    assert clock.today() == dt.date(2027, 6, 30)
    assert clock.local(dt.datetime(2027, 6, 30, 21, 30, tzinfo=dt.timezone.utc)).hour == 23
