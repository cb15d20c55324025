"""Shared fixtures: the synthetic sample scheme, generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.demo.sample import write_sample
from toolkit.intake.signups import read_signups


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly generated sample scheme folder (the same files as sample_data/)."""
    out = tmp_path_factory.mktemp("sample")
    write_sample(out)
    return out


@pytest.fixture(scope="session")
def sample_import(sample_dir: Path):
    """The sample sign-ups imported and validated (clean)."""
    result = read_signups(sample_dir / "signups.csv")
    assert result.ok
    return result


@pytest.fixture
def sample_people(sample_import):
    """A fresh copy of the clean sample sign-ups DataFrame."""
    return sample_import.people.copy()
