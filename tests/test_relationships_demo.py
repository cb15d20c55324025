"""The demo's relationships step, on the sample scheme."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

from toolkit.demo.sample import SAMPLE_TODAY, record_sample_withdrawals, sample_store
from toolkit.relationships.meetings import read_meetings, save_meetings
from toolkit.store.connection import Store
from toolkit.store.meetings import load_meetings
from toolkit.store.pairs import load_pairs


def _open_the_sample_year(store_path: str, sample_dir: str) -> int:
    with sample_store(store_path, sample_dir) as store:
        save_meetings(store, read_meetings(f"{sample_dir}/meetings.csv", store, SAMPLE_TODAY))
        record_sample_withdrawals(store, sample_dir)
        return len(load_pairs(store))


def test_two_sessions_opening_the_sample_at_once_do_not_double_it(sample_dir, tmp_path):
    """A notebook and its app (or two tabs) may run the same cells at the same moment."""
    path = str(tmp_path / "shared.sqlite")
    with ProcessPoolExecutor(2) as pool:
        counts = list(pool.map(_open_the_sample_year, [path, path], [str(sample_dir)] * 2))
    with Store(path) as store:
        pairs = load_pairs(store)
        recorded = load_meetings(store)
    assert counts == [len(pairs), len(pairs)]
    assert pairs[["mentee_email", "mentor_email"]].duplicated().sum() == 0
    assert recorded[["pair_id", "on_date", "status"]].duplicated().sum() == 0
    assert (pairs["status"] == "withdrawn").sum() == 1
