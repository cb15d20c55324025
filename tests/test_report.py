import re

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.errors import SettingsError, StoreError, ToolkitError
from toolkit.evaluation.report import build_report, read_objectives
from toolkit.evaluation.survey import read_survey
from toolkit.store.connection import MISSING_STORE, Store
from toolkit.store.people import save_signups

from .evaluation_helpers import COHORT, fill_year, objectives_frame


@pytest.fixture(scope="module")
def year_store(tmp_path_factory, sample_dir, sample_import):
    path = tmp_path_factory.mktemp("year") / "scheme.sqlite"
    with Store(path) as store:
        fill_year(store, sample_import.people.copy(), sample_dir / "survey.csv")
    return path


@pytest.fixture(scope="module")
def report(year_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return build_report(year_store, out, objectives=objectives_frame(), progress=False)


def _identifiers(sample_import, sample_dir):
    people = sample_import.people
    survey = read_survey(sample_dir / "survey.csv")
    comments = survey.responses.loc[survey.responses["kind"] == "text", "answer"]
    return ({n.lower() for n in people["name"]} | set(people["email"])
            | {c.lower() for c in comments if len(c) > 12})


def test_no_name_email_or_comment_anywhere_in_the_report_folder(report, sample_import,
                                                                 sample_dir):
    needles = _identifiers(sample_import, sample_dir)
    files = [p for p in report.html.parent.rglob("*") if p.is_file()]
    assert len(files) == 1 + 2 * len(report.figures) + len(report.tables)
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="ignore").lower()
        found = [n for n in needles if n in text]
        assert not found, f"{path.name} contains {found[:3]}"


def test_report_is_self_contained_with_alt_text_and_the_rule(report):
    page = report.html.read_text(encoding="utf-8")
    assert not re.search(r'(src|href)="https?:', page)  # nothing fetched from the web
    images = re.findall(r'<img src="data:image/png;base64,[^"]+" alt="([^"]+)"', page)
    assert len(images) == len(report.figures) >= 10
    assert all(len(alt) > 20 for alt in images)
    assert "Disclosure control: UK higher-education standard (HESA rounding)" in page
    for section in ("Who took part", "What participants said", "How coaching objectives moved",
                    "How the scheme connected departments", "Equality monitoring"):
        assert section in page
    for png, svg in report.figures.values():
        assert png.read_bytes()[:4] == b"\x89PNG" and b"<svg" in svg.read_bytes()[:600]


def test_published_counts_are_rounded(report):
    for slug, path in report.tables.items():
        if not slug.endswith("-counts"):
            continue
        table = pd.read_csv(path, dtype=str)
        for value in table.iloc[:, 1:].to_numpy().ravel():
            assert value == ".." or int(value) % 5 == 0, (slug, value)


def test_small_groups_have_no_percentages(report):
    by_grade = pd.read_csv(report.tables["participation-by-grade-rates"], dtype=str)
    grade6 = by_grade[by_grade["Grade"] == "Grade 6"].iloc[0, 1:]  # 10 people signed up
    assert (grade6 == "..").all()


def test_store_with_sign_ups_only_still_reports(tmp_path, sample_people):
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, sample_people, COHORT)
    first = build_report(tmp_path / "s.sqlite", tmp_path / "r", progress=False,
                         objectives=objectives_frame())
    assert (first.html.parent / "figures" / "coaching-objectives.svg").exists()
    (tmp_path / "r" / "figures" / "my-own.png").write_bytes(b"mine")
    result = build_report(tmp_path / "s.sqlite", tmp_path / "r", progress=False)
    assert not (tmp_path / "r" / "figures" / "coaching-objectives.svg").exists()  # stale: gone
    assert (tmp_path / "r" / "figures" / "my-own.png").read_bytes() == b"mine"  # not ours: kept
    page = result.html.read_text(encoding="utf-8")
    assert "coaching" not in [s.slug for s in result.sections]  # no objectives given
    assert "How coaching objectives moved" not in page
    assert "No pair has been confirmed yet" in page
    assert "No survey answers are stored" in page
    assert "No UnMentoring round is stored yet" in page


def test_a_leak_is_caught_and_the_files_removed(tmp_path, sample_people):
    people = sample_people.copy()
    people.loc[0, "department"] = people.loc[1, "email"]  # a department that is an address
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, people, COHORT)
    with pytest.raises(ToolkitError, match="would have contained a person's name or e-mail"):
        build_report(tmp_path / "s.sqlite", tmp_path / "r", progress=False)
    assert not (tmp_path / "r" / "report.html").exists()


def test_setting_errors(tmp_path, year_store):
    with pytest.raises(StoreError, match=re.escape(MISSING_STORE.split("{")[0])):
        build_report(tmp_path / "missing.sqlite", tmp_path / "r")
    with pytest.raises(SettingsError, match="'Grade 11' is not a grade on the ladder"):
        build_report(year_store, tmp_path / "r", senior_grade="Grade 11")
    assert not (tmp_path / "missing.sqlite").exists()


def test_cli_report_imports_the_survey(tmp_path, sample_dir, sample_people, capsys):
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, sample_people, COHORT)
    code = main(["report", "--store", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "r"),
                 "--survey", str(sample_dir / "survey.csv"), "--quiet"])
    assert code == 0
    assert "answers from 'survey.csv' as the feedback of cohort 2026" in capsys.readouterr().out
    assert (tmp_path / "r" / "figures" / "feedback-likert-1.svg").exists()


def test_cli_report(year_store, tmp_path, capsys):
    objectives = tmp_path / "objectives.csv"
    objectives_frame().rename(columns={"score_before": "Score before",
                                       "score_after": "Score after"}).to_csv(objectives,
                                                                            index=False)
    assert len(read_objectives(objectives)) == 40
    code = main(["report", "--store", str(year_store), "--out", str(tmp_path / "r"),
                 "--objectives", str(objectives), "--rule", "hesa-strict", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Wrote the report to" in out and "headcounts from 1 to 4 are not shown" in out
    assert (tmp_path / "r" / "tables" / "coaching-objectives.csv").exists()


def test_cli_report_errors(tmp_path, capsys, year_store):
    assert main(["report", "--store", str(tmp_path / "none.sqlite"), "--out",
                 str(tmp_path / "r")]) == 2
    assert MISSING_STORE.split("{")[0] in capsys.readouterr().err
    assert main(["report", "--store", str(year_store), "--out", str(tmp_path / "r"),
                 "--rule", "loose", "--quiet"]) == 2
    assert "must be one of ['hesa', 'hesa-strict']" in capsys.readouterr().err


def test_report_panel_writes_and_shows_errors(year_store, tmp_path):
    from toolkit.widgets.report import ReportPanel

    panel = ReportPanel(year_store, tmp_path / "r")
    assert "nearest multiple of 5" in panel.statement.value
    panel.rule.value = "hesa-strict"
    assert "headcounts from 1 to 4 are not shown" in panel.statement.value
    panel.aim.value = 40
    panel.button.click()
    assert panel.result is not None and panel.result.rule.suppress_counts_below == 5
    assert "aim of 40%" in panel.result.html.read_text(encoding="utf-8")
    assert panel.last_message[0] == "ok"
    broken = ReportPanel(tmp_path / "missing.sqlite", tmp_path / "r2")
    broken.button.click()
    assert broken.result is None
    kind, text = broken.last_message
    assert kind == "error" and MISSING_STORE.split("{")[0] in text
