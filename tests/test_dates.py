"""Dates shown to people read day first and mean the same day as the ISO text they come from."""

from datetime import date

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from toolkit.core.dates import parse_dates, readable_date, readable_dates

DAYS = st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31))


@given(DAYS)
def test_a_readable_date_is_day_first_and_reads_back_as_the_same_day(day):
    shown = readable_date(day.isoformat())
    assert shown == readable_date(day) == f"{day.day} {day:%b} {day.year}"
    assert parse_dates(pd.Series([shown]))[0].date() == day


@given(st.lists(st.one_of(DAYS.map(date.isoformat), st.none(), st.just("to be agreed"))))
def test_a_column_reads_as_each_of_its_dates_does(values):
    shown = readable_dates(pd.Series(values, dtype=object)).tolist()
    assert shown == [readable_date(v) for v in values]
