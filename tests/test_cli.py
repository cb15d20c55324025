import subprocess
import sys

import pandas as pd
import pytest

from toolkit.cli.main import build_parser, main
from toolkit.intake.signups import read_signups

from .helpers import person, write_csv


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_clean_file_exits_0(capsys, sample_dir):
    code, out, _ = run(capsys, "validate", str(sample_dir / "signups.csv"))
    assert code == 0
    assert "160 sign-ups, no problems" in out


def test_validate_with_mapping_and_sheet(capsys, sample_dir):
    code, out, _ = run(capsys, "validate", str(sample_dir / "signups_forms.xlsx"),
                       "--mapping", str(sample_dir / "signups_forms_mapping.json"),
                       "--sheet", "Form1")
    assert code == 0, out


def test_validate_row_problems_exit_1_and_csv(capsys, sample_dir, tmp_path):
    out_csv = tmp_path / "problems.csv"
    code, out, _ = run(capsys, "validate", str(sample_dir / "signups_with_problems.csv"),
                       "--problems-out", str(out_csv))
    assert code == 1
    assert "row  field" in out
    problems = pd.read_csv(out_csv, dtype={"value": str}, keep_default_na=False)
    assert list(problems.columns) == ["row", "field", "value", "problem"]
    assert len(problems) == 11
    expected = read_signups(sample_dir / "signups_with_problems.csv").problems
    pd.testing.assert_frame_equal(problems, expected, check_dtype=False)
    assert (f"1 sign-ups are clean; {expected['row'].nunique()} row(s) have 11 problem(s)"
            in out)


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02", b"Just,Some,Headers\n1,2,3\n"])
def test_validate_unusable_file_exit_2_without_traceback(capsys, tmp_path, content):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    assert err.startswith("Error: ")
    assert "Traceback" not in err + out


def test_validate_missing_column_lists_headers(capsys, tmp_path):
    path = write_csv(tmp_path / "s.csv", [person()[:4]],
                     header=["Name", "Email", "Department", "Grade"])
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2
    assert "['role']" in err and "'Grade'" in err


def test_validate_bad_ladder_file_exit_2(capsys, sample_dir, tmp_path):
    ladder = tmp_path / "ladder.json"
    ladder.write_text("{")
    code, _, err = run(capsys, "validate", str(sample_dir / "signups.csv"), "--ladder",
                       str(ladder))
    assert code == 2
    assert "ladder file" in err


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    assert {"validate", "sample", "demo"} <= set(sub.choices)
    for name, command in sub.choices.items():
        assert command.format_help().strip(), name


def test_module_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "toolkit", "validate", "--help"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert "--problems-out" in done.stdout


def test_sample_command_writes_the_scheme(capsys, tmp_path):
    code, _, _ = run(capsys, "sample", "--out", str(tmp_path / "s"))
    assert code == 0
    assert (tmp_path / "s" / "signups.csv").exists()
    assert (tmp_path / "s" / "ladders" / "uk-he.json").exists()
