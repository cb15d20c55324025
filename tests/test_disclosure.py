import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.core.disclosure import (
    HESA_RULE,
    DisclosureRule,
    as_text,
    get_rule,
    protect_counts,
    protect_means,
    protect_rates,
    publish_count,
    publish_percent,
    recoverable_cells,
    round_counts,
)
from toolkit.errors import SettingsError


def determined_by_algebra(hidden: np.ndarray, total_row: bool, total_column: bool) -> np.ndarray:
    """Independent check: which hidden cells the table's equations pin down (linear algebra)."""
    n, m = hidden.shape
    data_rows = n - int(total_row)
    data_cols = m - int(total_column)
    equations = []
    if total_column:  # each row (the total row too) sums to its total
        for i in range(n):
            eq = np.zeros((n, m))
            eq[i, :data_cols] = 1
            eq[i, m - 1] = -1
            equations.append(eq.ravel())
    if total_row:
        for j in range(m):
            eq = np.zeros((n, m))
            eq[:data_rows, j] = 1
            eq[n - 1, j] = -1
            equations.append(eq.ravel())
    out = np.zeros_like(hidden)
    idx = np.flatnonzero(hidden.ravel())
    if not equations or not len(idx):
        return out
    a = np.array(equations)[:, idx]
    rank = np.linalg.matrix_rank(a)
    for k, flat in enumerate(idx):
        unit = np.zeros(len(idx))
        unit[k] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            out.ravel()[flat] = True
    return out


tables = st.integers(1, 5).flatmap(lambda r: st.integers(1, 4).flatmap(
    lambda c: st.lists(st.lists(st.integers(0, 40), min_size=c, max_size=c),
                       min_size=r, max_size=r)))
rules = st.builds(DisclosureRule, round_to=st.sampled_from([1, 5, 10]),
                  suppress_counts_below=st.sampled_from([0, 3, 5, 10]))


@settings(max_examples=80, deadline=None)
@given(rows=tables, rule=rules, total_row=st.booleans(), total_column=st.booleans())
def test_published_counts_are_rounded_and_no_hidden_cell_is_recoverable(rows, rule, total_row,
                                                                         total_column):
    table = pd.DataFrame(rows)
    published = protect_counts(table, rule, total_row=total_row, total_column=total_column)
    values = published.to_numpy()
    shown = values[~np.isnan(values)]
    assert np.all(shown % rule.round_to == 0)
    hidden = np.isnan(values)
    assert not determined_by_algebra(hidden, total_row, total_column).any()
    assert not recoverable_cells(hidden, total_row, total_column).any()
    # Primary suppression: every small count is hidden.
    full = table.copy()
    if total_column:
        full["Total"] = table.sum(axis=1)
    if total_row:
        full.loc["Total"] = full.sum()
    small = (full.to_numpy() > 0) & (full.to_numpy() < rule.suppress_counts_below)
    assert hidden[small].all()
    # The text form shows '..' exactly where hidden.
    text = as_text(published, rule).to_numpy()
    assert ((text == "..") == hidden).all()


@settings(max_examples=80, deadline=None)
@given(rows=tables, total_row=st.booleans())
def test_hesa_counts_are_multiples_of_five_and_totals_rounded_after_summing(rows, total_row):
    table = pd.DataFrame(rows)
    published = protect_counts(table, total_row=total_row)
    assert (published.to_numpy() % 5 == 0).all()
    raw_total = table.to_numpy().sum()
    if total_row:
        assert published.iloc[-1, -1] == round_counts(raw_total)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(1, 6), total_row=st.booleans())
def test_no_percentage_on_a_base_under_23(data, n, total_row):
    bases = np.array(data.draw(st.lists(st.integers(0, 60), min_size=n, max_size=n)))
    nums = np.array([data.draw(st.integers(0, int(b))) for b in bases])
    if total_row:
        bases = np.append(bases, bases.sum())
        nums = np.append(nums, nums.sum())
    published = protect_rates(pd.DataFrame({"rate": nums}), pd.Series(bases), HESA_RULE,
                              total_row=total_row)
    shown = ~published["rate"].isna().to_numpy()
    assert (bases[shown] >= 23).all()
    if total_row and n > 1 and shown[-1]:
        # With an overall row published, a hidden rate is never the only hidden one
        # (a group with nobody in it has no rate to hide).
        assert (~shown[:-1] & (bases[:-1] > 0)).sum() != 1


@settings(max_examples=60, deadline=None)
@given(bases=st.lists(st.integers(0, 30), min_size=1, max_size=8))
def test_no_average_on_seven_or_fewer(bases):
    means = pd.Series(np.linspace(1, 5, len(bases)))
    published = protect_means(means, pd.Series(bases))
    shown = ~published.isna().to_numpy()
    assert (np.array(bases)[shown] > 7).all()


@pytest.mark.parametrize(("raw", "expected"), [(0, 0), (1, 0), (2, 0), (3, 5), (4, 5), (5, 5),
                                               (7, 5), (8, 10), (12, 10), (13, 15)])
def test_hesa_rounding(raw, expected):
    assert round_counts(raw) == expected


def test_lone_hidden_cell_gets_a_partner_in_its_row_and_column():
    table = pd.DataFrame({"a": [2, 30, 40], "b": [25, 35, 45]})
    published = protect_counts(table, get_rule("hesa-strict"))
    hidden = published.isna().to_numpy()
    assert hidden.sum() == 4  # the small cell plus the cheapest three to close a rectangle
    assert not hidden[-1].any() and not hidden[:, -1].any()  # totals stay visible


def test_statement_names_the_rule():
    text = HESA_RULE.statement()
    assert "nearest multiple of 5" in text
    assert "fewer than 22.5" in text
    assert "7 or fewer" in text
    assert "'..'" in text


def test_single_numbers():
    assert publish_count(163) == "165"
    assert publish_percent(3, 22) == ".."
    assert publish_percent(3, 23) == "13%"


def test_unknown_rule_is_explained():
    with pytest.raises(SettingsError, match=r"must be one of \['hesa', 'hesa-strict'\]"):
        get_rule("lenient")
    with pytest.raises(SettingsError, match="round_to must be 1 or more"):
        DisclosureRule(round_to=0)
