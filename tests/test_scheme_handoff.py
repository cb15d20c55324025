"""Notebooks hand on through the scheme's store: 01 saves the sign-ups, 02 pairs them."""

import pytest

from toolkit.cli.main import main
from toolkit.errors import StoreError
from toolkit.intake.service import load_saved_signups
from toolkit.schemes import create_scheme, resolve_scheme
from toolkit.widgets.pairing import scheme_pairing_panel


@pytest.fixture
def root(tmp_path, sample_dir):
    (tmp_path / "sample_data").symlink_to(sample_dir)
    return tmp_path


def test_pairing_a_scheme_uses_the_signups_saved_in_its_store(root, sample_dir):
    scheme = create_scheme("ours", root)
    assert main(["import", str(sample_dir / "signups_with_problems.csv"), "--store",
                 str(scheme.store), "--skip-invalid", "--cohort", "2027"]) == 0
    saved = load_saved_signups(scheme.store, "2027")
    panel = scheme_pairing_panel(scheme, cohort="2027", root=root)
    assert set(panel.people["email"]) == set(saved["email"])
    assert "ours" in panel.widget.children[0].value
    panel.export_button.click()
    assert (scheme.exports / "pairing" / "pairs.csv").is_file()
    panel.save_button.click()
    assert panel.last_message[0] == "ok"


def test_a_cohort_with_nothing_saved_says_how_to_save_it(root, sample_dir):
    scheme = create_scheme("ours", root)
    assert main(["import", str(sample_dir / "signups.csv"), "--store", str(scheme.store),
                 "--cohort", "2026"]) == 0
    with pytest.raises(StoreError, match=r"cohort 2031 \(it holds 2026\).*notebook 01"):
        scheme_pairing_panel(scheme, cohort="2031", root=root)


def test_the_sample_scheme_pairs_at_once_and_is_seeded_only_once(root):
    first = scheme_pairing_panel("", root=root)
    sample = resolve_scheme("", root)
    assert first.scheme.is_sample and "SAMPLE" in first.widget.children[0].value
    assert first.result.totals["matched"] == first.result.totals["mentees"] > 100
    stamp = sample.store.stat().st_mtime_ns
    second = scheme_pairing_panel("", root=root)
    assert sample.store.stat().st_mtime_ns == stamp  # nothing written the second time
    assert second.result.pairs.equals(first.result.pairs)
