"""Whatever file a lead gives, the import returns a result or a clear toolkit error."""

import io

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit import read_signups
from toolkit.errors import ToolkitError
from toolkit.intake.signups import PROBLEM_COLUMNS

from .helpers import HEADER

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _outcome(path):
    try:
        result = read_signups(path)
    except ToolkitError as exc:
        assert str(exc)  # a message a lead can read
        return None
    assert list(result.problems.columns) == PROBLEM_COLUMNS
    assert set(result.people["row"]).isdisjoint(set(result.problems["row"]))
    return result


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path, data):
    path = tmp_path / "random.csv"
    path.write_bytes(data)
    _outcome(path)


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_after_a_zip_header_never_crash(tmp_path, data):
    path = tmp_path / "random.xlsx"
    path.write_bytes(b"PK\x03\x04" + data)
    _outcome(path)


cell = st.one_of(
    st.text(max_size=25),
    st.sampled_from(["", "mentor", "Mentee", "both", "Professor", "Grade 7", "x@example.org",
                     "ada@example.org", "0", "-3", "2", "Teaching;Grants;", "Online"]),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.none(),
)
header = st.one_of(st.just(HEADER), st.lists(st.text(max_size=12), min_size=1, max_size=8),
                   st.permutations(HEADER))
table = st.tuples(header, st.lists(st.lists(cell, max_size=12), max_size=12))


@FUZZ
@given(spec=table)
def test_random_spreadsheets_never_crash(tmp_path, spec):
    head, rows = spec
    book = openpyxl.Workbook()
    ws = book.active
    clean = lambda v: v if not isinstance(v, str) else "".join(  # noqa: E731
        ch for ch in v if ch.isprintable())
    ws.append([clean(h) for h in head])
    for row in rows:
        ws.append([clean(v) for v in row])
    buf = io.BytesIO()
    book.save(buf)
    path = tmp_path / "random.xlsx"
    path.write_bytes(buf.getvalue())
    _outcome(path)


@FUZZ
@given(spec=table)
def test_random_csv_tables_never_crash(tmp_path, spec):
    import csv

    head, rows = spec
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(head)
    writer.writerows(rows)
    path = tmp_path / "random.csv"
    path.write_text(buf.getvalue(), encoding="utf-8", errors="surrogatepass")
    _outcome(path)
