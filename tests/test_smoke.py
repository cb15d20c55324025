import toolkit


def test_version_is_set():
    assert toolkit.__version__ != "0.0.0"
