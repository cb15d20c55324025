"""Hostile text in every field of every importer: no traceback, and no live formula written.

Each test starts from a few clean rows of the sample scheme, puts hostile text into some of
their cells (formula prefixes, control characters, NUL, direction overrides, zero-width
characters, odd Unicode, huge values), writes the file as CSV or XLSX, and then

- imports it: the importer returns a result whose problems name a row and a column, or
  raises a :class:`~toolkit.errors.ToolkitError`; nothing else;
- accepts no record that carries a control or direction character, nor an address with an
  invisible character (a look-alike of someone else's);
- runs the commands that read such a file (``validate``, ``match``, ``draw``, ``coaching``,
  ``meetings``, ``withdrawals``, ``report --survey``) in-process, and checks every CSV and
  XLSX file they wrote: it reads back with the same rows (no row split by a line break or
  carriage return), every address in it came from the input, and no cell is a live formula.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
from itertools import pairwise
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from toolkit.cli.main import main
from toolkit.coaching.records import read_objective_scores, read_sessions
from toolkit.coaching.requests import read_coaches, read_requests
from toolkit.core.text import normalise_emails
from toolkit.demo.sample import sample_store
from toolkit.errors import ToolkitError
from toolkit.evaluation.data import load_cohort, load_feedback
from toolkit.evaluation.survey import read_survey
from toolkit.intake.signups import read_signups
from toolkit.io.columns import read_mapping
from toolkit.io.outputs import (
    FORMULA_PREFIXES,
    write_csv_atomic,
    write_csv_blocks_atomic,
    write_xlsx_atomic,
)
from toolkit.io.problems import PROBLEM_COLUMNS
from toolkit.io.readers import read_table
from toolkit.relationships.changes import pair_events
from toolkit.relationships.meetings import read_meetings
from toolkit.relationships.withdrawals import read_withdrawals
from toolkit.store.connection import Store
from toolkit.store.pairs import load_pairs
from toolkit.unmentoring.participants import read_participants

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

CAMPAIGN = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

# -- hostile text ------------------------------------------------------------------------------

PREFIXES = ["", "", "=", "+", "-", "@", "\t", "\r", '=HYPERLINK("http://example.net","x")',
            "=1+1", "-2+3", "+44 20 7946 0000", "@SUM(A1:A9)", "=cmd|' /C calc'!A0"]
SPICES = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\u202e", "\u202d", "\u2066", "\u2069",
          "\u200b", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u061c", "\r", "\n", "\r\n",
          '"', ",", ";", "'", "e\u0301", "ＡＢ", "𝔘𝔫", "\U0001f600", "ß", "İ", "\u0130",
          "\ufffd", "<script>", "{name}", "$name", "%s", "\\", ":mailto:evil@example.net"]
HUGE = st.one_of(  # built by a function, so that a failing example prints short
    st.builds(lambda char, count: char * count, st.sampled_from(["x", "=", "9", "é", "\r"]),
              st.sampled_from([400, 5_000, 32_767, 40_000])),
    st.sampled_from(["1e309", "-1e309", "NaN", "inf", "-0", "0x1F"]))

hostile = st.one_of(
    st.builds(lambda p, a, s, b: p + a + s + b, st.sampled_from(PREFIXES),
              st.sampled_from(["Ada", "ada@example.org", "Grade 7", "mentor", "yes", "Maths",
                               "2026-10-05", "3", ""]),
              st.sampled_from(SPICES), st.sampled_from(["", "Byron", "@example.org", "x"])),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
    HUGE,
)


def _edits(width: int, height: int):
    return st.lists(st.tuples(st.integers(0, height - 1), st.integers(0, width - 1), hostile),
                    min_size=1, max_size=6)


def _rows(name: str, count: int = 6) -> tuple[list[str], list[list[str]]]:
    with (SAMPLE / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:count + 1]


def _write(path: Path, header: list[str], rows: list[list[str]], kind: str) -> Path:
    path = path.with_suffix("." + kind)
    if kind == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows([header, *rows])
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    else:
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(row)
        book.save(path)
    return path


def _hostile_file(folder: Path, name: str, base: str | tuple[list[str], list[list[str]]],
                  edits, kind: str, count: int = 6) -> tuple[Path, list[list[str]]]:
    header, rows = _rows(base, count) if isinstance(base, str) else base
    rows = [list(r) for r in rows]
    for r, c, text in edits:
        # A workbook cannot hold what XML cannot: such characters never reach a real one.
        # (and openpyxl cuts a cell at Excel's 32,767 characters).
        rows[r % len(rows)][c % len(header)] = (ILLEGAL_CHARACTERS_RE.sub("", text)[:32_767]
                                                if kind == "xlsx" else text)
    return _write(folder / name, header, rows, kind), rows


# -- what every import must satisfy ------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DIRECTION = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u061c\u00ad\u202a-\u202e"
                        r"\u2066-\u2069\s]")


def _import(read, *args, **kwargs):
    """Run an importer: a result, or None when it raised a toolkit error with a message."""
    try:
        return read(*args, **kwargs)
    except ToolkitError as exc:
        assert str(exc).strip()
        problems = getattr(exc, "problems", None)
        if problems is not None:
            _check_problems(problems)
        return None


def _check_problems(problems: pd.DataFrame, rows: int | None = None) -> None:
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert problems["row"].map(lambda r: isinstance(r, int | float) and r >= 2).all()
    if rows is not None:
        assert (problems["row"] <= rows + 3).all()  # header rows of a Qualtrics export
    assert problems["field"].map(lambda f: isinstance(f, str) and f.strip() != "").all()


def _check_accepted(records: pd.DataFrame, email_columns: tuple[str, ...],
                    free_text: tuple[str, ...] = ()) -> None:
    """Nothing accepted carries a control or direction character or a look-alike address."""
    for column in records.columns:
        values = records[column]
        if column in free_text or not (pd.api.types.is_object_dtype(values)
                                       or pd.api.types.is_string_dtype(values)):
            continue
        text = records[column].dropna().astype(str)
        assert not text.str.contains(_CONTROL).any(), (column, text.tolist())
        assert not text.str.contains(_DIRECTION).any(), (column, text.tolist())
    for column in email_columns:
        if column in records:
            mail = records[column].dropna().astype(str)
            assert not mail.str.contains(_INVISIBLE).any(), (column, mail.tolist())


# -- what every output must satisfy ------------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d+)?|\.\d+)%?$")
_NEUTRALISED = re.compile(r"^'(?=[=+\-@\t\r])")


def _live_formula(value: object) -> bool:
    return (isinstance(value, str) and value.startswith(FORMULA_PREFIXES)
            and not _PLAIN_NUMBER.match(value))


def _known_addresses(rows: list[list[str]]) -> set[str]:
    """Every cell of the input as typed, trimmed, as an address key, and as a writer must
    write what a file cannot hold (the replacement character)."""
    cells = pd.Series([c for row in rows for c in row], dtype=object)
    return (set(cells) | set(cells.str.strip()) | set(normalise_emails(cells))
            | set(cells.str.replace(ILLEGAL_CHARACTERS_RE, "\ufffd", regex=True)) | {""})


def _check_outputs(folder: Path, addresses: set[str]) -> int:
    """Check every CSV and XLSX under ``folder``; return how many files were checked."""
    checked = 0
    csv.field_size_limit(1 << 24)  # the test reads what it finds, however long
    for path in sorted(folder.rglob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            records = list(csv.reader(handle))
        header, body = records[0], records[1:]
        assert all(len(r) == len(header) for r in body), path.name
        for record in records:
            assert not any(_live_formula(v) for v in record), (path.name, record)
        # The toolkit's own reader sees the same rows (blank records aside).
        filled = [r for r in body if any(v.strip() for v in r)]
        if filled:
            assert len(read_table(path).data) == len(filled), path.name
        for name, column in zip(header, zip(*body, strict=True) if body else [], strict=False):
            if "email" in name.lower():
                values = {_NEUTRALISED.sub("", v) for v in column}
                assert values <= addresses, (path.name, name, values - addresses)
        checked += 1
    for path in sorted(folder.rglob("*.xlsx")):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
        checked += 1
    return checked


def _run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    assert code in (0, 1, 2), (argv, code, err.getvalue())
    return code, out.getvalue() + err.getvalue()


@pytest.fixture
def folders(tmp_path_factory):
    """A new empty folder for each example (hypothesis runs many in one test call)."""
    return lambda: tmp_path_factory.mktemp("hostile")


kinds = st.sampled_from(["csv", "xlsx"])


# -- the importers and the commands that read them ---------------------------------------------

@CAMPAIGN
@given(edits=_edits(11, 6), kind=kinds)
def test_signups(folders, edits, kind):
    folder = folders()
    path, rows = _hostile_file(folder, "signups", "signups.csv", edits, kind, count=8)
    result = _import(read_signups, path)
    if result is not None:
        _check_problems(result.problems, len(rows))
        _check_accepted(result.people, ("email", "line_manager_email"))
        assert set(result.people["row"]).isdisjoint(result.problems["row"])
    known = _known_addresses(rows)
    _run(["validate", str(path), "--problems-out", str(folder / "out" / "problems.csv")])
    code, _ = _run(["match", str(path), "--skip-invalid", "--out", str(folder / "out" / "m")])
    assert _check_outputs(folder / "out", known) >= (1 if code != 2 else 0)


@CAMPAIGN
@given(edits=_edits(4, 8), kind=kinds)
def test_unmentoring_participants(folders, edits, kind):
    folder = folders()
    path, rows = _hostile_file(folder, "people", "unmentoring.csv", edits, kind, count=9)
    people = _import(read_participants, path)
    if people is not None:
        _check_accepted(people, ("email",))
    out = folder / "out"
    code, said = _run(["draw", str(path), "--round", "2027-01", "--history",
                       str(out / "history.csv"), "--out", str(out / "draw.csv"),
                       "--announcements", str(out / "ann"), "--week", "2027-01-11"])
    assert code != 0 or people is not None, said
    _check_outputs(out, _known_addresses(rows))


@CAMPAIGN
@given(edits=_edits(13, 6), coach_edits=_edits(9, 6), kind=kinds)
def test_coaching_requests_and_coaches(folders, edits, coach_edits, kind):
    folder = folders()
    requests, rows = _hostile_file(folder, "requests", "coaching_requests.csv", edits, kind)
    coaches, coach_rows = _hostile_file(folder, "coaches", "coaching_coaches.csv", coach_edits,
                                        kind)
    for read, path, count in ((read_requests, requests, len(rows)),
                              (read_coaches, coaches, len(coach_rows))):
        result = _import(read, path)
        if result is not None:
            _check_problems(result.problems, count)
            _check_accepted(result.records, ("email", "line_manager_email"),
                            free_text=("development_need", "objective_1", "objective_2",
                                       "objective_3", "objectives", "specialisms"))
    out = folder / "out"
    _run(["coaching", "triage", str(requests), "--out", str(out / "triage.csv")])
    _run(["coaching", "match", str(requests), str(coaches), "--out", str(out / "c")])
    _check_outputs(out, _known_addresses(rows + coach_rows))


@CAMPAIGN
@given(edits=_edits(4, 6), score_edits=_edits(4, 6), kind=kinds)
def test_coaching_sessions_and_scores(folders, edits, score_edits, kind):
    folder = folders()
    sessions, _ = _hostile_file(folder, "sessions", "coaching_sessions.csv", edits, kind)
    scores, _ = _hostile_file(folder, "scores", "coaching_scores.csv", score_edits, kind)
    for read, path in ((read_sessions, sessions), (read_objective_scores, scores)):
        result = _import(read, path)
        if result is not None:
            _check_problems(result.problems)
            _check_accepted(result.records, ("email",))


@CAMPAIGN
@given(edits=_edits(12, 6), kind=kinds)
def test_survey(folders, edits, kind):
    folder = folders()
    path, rows = _hostile_file(folder, "survey", "survey.csv", edits, kind)
    result = _import(read_survey, path)
    if result is not None:
        _check_problems(result.problems, len(rows))
        # The free-text answers too: line breaks may stay, no other control character.
        _check_accepted(result.responses, ("respondent",))
        assert not result.responses.empty


@settings(CAMPAIGN, max_examples=6)
@given(edits=_edits(12, 6), kind=kinds)
def test_survey_through_the_report_command(folders, scheme, edits, kind):
    folder = folders()
    path, rows = _hostile_file(folder, "survey", "survey.csv", edits, kind)
    store_path = shutil.copy(scheme, folder / "scheme.sqlite")
    code, _ = _run(["report", "--store", str(store_path), "--out", str(folder / "out"),
                       "--survey", str(path), "--quiet"])
    if code == 0:
        with Store(store_path, read_only=True) as store:
            kept = load_feedback(store, load_cohort(store)).responses
        _check_accepted(kept, ("respondent",))
    _check_outputs(folder / "out", _known_addresses(rows))


@pytest.fixture(scope="module")
def scheme(tmp_path_factory):
    """A store of the sample scheme (its pairs), made once and copied for each example."""
    path = tmp_path_factory.mktemp("scheme") / "scheme.sqlite"
    sample_store(path, SAMPLE).close()
    return path


@CAMPAIGN
@given(edits=_edits(5, 6), kind=kinds)
def test_meetings(folders, scheme, edits, kind):
    folder = folders()
    path, rows = _hostile_file(folder, "meetings", "meetings.csv", edits, kind)
    store_path = shutil.copy(scheme, folder / "scheme.sqlite")
    with Store(store_path, read_only=True) as store:
        result = _import(read_meetings, path, store, today="2027-06-30")
    if result is not None:
        _check_problems(result.problems, len(rows))
        _check_accepted(result.meetings, ("mentee_email", "mentor_email"), free_text=("notes",))
    out = folder / "out"
    _run(["meetings", "import", str(path), "--store", str(store_path), "--today", "2027-06-30",
          "--dry-run", "--problems-out", str(out / "problems.csv")])
    _check_outputs(out, _known_addresses(rows))


@CAMPAIGN
@given(edits=_edits(3, 6), kind=kinds)
def test_withdrawals(folders, scheme, edits, kind):
    folder = folders()
    with Store(scheme, read_only=True) as store:
        people = load_pairs(store)["mentee_email"].drop_duplicates().iloc[:6].tolist()
    reasons = ["", "workload or time", "moved to another campus", "", "Other", "x"]
    base = (["E-mail", "Date withdrawn", "Reason"],
            [[p, "05/12/2026", r] for p, r in zip(people, reasons, strict=True)])
    path, rows = _hostile_file(folder, "withdrawals", base, edits, kind)
    store_path = shutil.copy(scheme, folder / "scheme.sqlite")
    with Store(store_path, read_only=True) as store:
        result = _import(read_withdrawals, path, store, today="2027-06-30")
    if result is not None:
        _check_problems(result.problems, len(rows))
        # The reason may keep line breaks as a private note; no other control character.
        _check_accepted(result.withdrawals, ("email",))
        assert set(result.withdrawals["row"]).isdisjoint(result.problems["row"])
    out = folder / "out"
    code, _ = _run(["withdrawals", "import", str(path), "--store", str(store_path),
                    "--today", "2027-06-30", "--problems-out", str(out / "problems.csv")])
    if code == 0:
        with Store(store_path, read_only=True) as store:
            notes = pair_events(store)["note"]
        assert not notes.str.contains(_CONTROL).any()
        assert not notes.str.contains(_DIRECTION).any()
    _check_outputs(out, _known_addresses(rows))


@CAMPAIGN
@given(field=st.sampled_from(["email", "name", "department", "grade", "role", "\x00", "=x"]),
       header=hostile)
def test_mapping_files(folders, field, header):
    folder = folders()
    path = folder / "mapping.json"
    path.write_text(json.dumps({field: header}), encoding="utf-8")
    mapping = _import(read_mapping, path)
    if mapping is not None:
        result = _import(read_signups, SAMPLE / "signups.csv", mapping=path)
        if result is not None:
            _check_problems(result.problems)
    path.write_bytes(b'{"email": "' + header.encode("utf-8", "replace")[:60] + b'"')
    _import(read_mapping, path)


# -- the shared writer round-trips any text ----------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(hostile.filter(lambda t: len(t) < 1000), min_size=3,
                               max_size=3), min_size=1, max_size=5),
       quote_text=st.booleans())
def test_written_tables_read_back_the_same_and_run_nothing(folders, cells, quote_text):
    folder = folders()
    frame = pd.DataFrame(cells, columns=["name", "=department", "email"])
    csv_path = write_csv_atomic(frame, folder / "t.csv", quote_text=quote_text)
    xlsx_path = write_xlsx_atomic(folder / "t.xlsx", {"People": frame})
    for path in (csv_path, xlsx_path):
        back = read_table(path).data
        # Whitespace at the ends of a cell and blank records are the reader's to drop.
        kept = frame[frame.apply(lambda r: any(v.strip() for v in r), axis=1)]
        unwritable = ILLEGAL_CHARACTERS_RE if path.suffix == ".xlsx" else re.compile("\x00")
        expected = kept.map(lambda v, bad=unwritable: bad.sub("\ufffd", v))
        assert back.shape == expected.shape
        assert back.columns.tolist() == frame.columns.tolist()
        assert back.to_numpy().tolist() == expected.to_numpy().tolist()
    assert _check_outputs(folder, _known_addresses(cells)) == 2


@settings(max_examples=25, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.lists(hostile.filter(lambda t: len(t) < 1000), min_size=2,
                               max_size=2), min_size=0, max_size=6),
       cuts=st.lists(st.integers(0, 6), max_size=3))
def test_a_table_written_in_blocks_is_the_table_written_at_once(folders, cells, cuts):
    # Every pair a national scheme allows is written a block of mentees at a time: the file
    # must be byte for byte the one the whole table gives, however the rows are cut.
    folder = folders()
    frame = pd.DataFrame(cells, columns=["=name", "email"]).assign(score=0.5)
    edges = sorted({0, len(frame), *(min(c, len(frame)) for c in cuts)})
    blocks = [frame.iloc[a:b] for a, b in pairwise(edges)] or [frame]
    whole = write_csv_atomic(frame, folder / "whole.csv")
    parts = write_csv_blocks_atomic(iter(blocks), folder / "parts.csv")
    assert parts.read_bytes() == whole.read_bytes()
