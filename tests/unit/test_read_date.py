"""A day as people give it: typed the French way, or sent by a date field."""

import datetime as dt

import pytest

from teleservices.core.api import read_date


@pytest.mark.parametrize("text", ["14/03/2013", "14-03-2013", "14.03.2013", "14032013", " 14/03/2013 ", "2013-03-14"])
def test_the_ways_a_day_is_written(text):
    assert read_date(text) == dt.date(2013, 3, 14)


@pytest.mark.parametrize("text", ["", "31/02/2013", "2013-02-31", "14/3", "demain", "2013-3-14x", "99999999"])
def test_what_is_no_day(text):
    assert read_date(text) is None
