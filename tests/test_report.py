import html
import re

import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.core.ladder import resolve_ladder
from toolkit.errors import SettingsError, StoreError, ToolkitError
from toolkit.evaluation.data import load_feedback, load_scheme, no_cohort_message
from toolkit.evaluation.objectives import read_objectives
from toolkit.evaluation.report import build_report, leak_message, not_a_grade_message
from toolkit.evaluation.sections import Section, section_participation
from toolkit.evaluation.survey import read_survey
from toolkit.store.connection import MISSING_STORE, Store
from toolkit.store.people import save_signups
from toolkit.widgets.report import ReportPanel

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
    # Each image carries its own figure's text alternative, which is also spelled out below it.
    alts = [fig.alt for section in report.sections for fig in section.figures]
    assert [html.unescape(alt) for alt in images] == alts
    assert alts[0].startswith("Funnel chart: How far participants got. People at each stage:")
    for alt in alts:
        assert f"<summary>Text description</summary>{html.escape(alt, quote=False)}" in (
            html.unescape(page).replace(alt, html.escape(alt, quote=False)))
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
    message = leak_message(tmp_path / "r", 2)
    assert "would have contained a person's name or e-mail address (2 place(s))" in message
    with pytest.raises(ToolkitError, match=re.escape(message.split(" (")[0])):
        build_report(tmp_path / "s.sqlite", tmp_path / "r", progress=False)
    assert not (tmp_path / "r" / "report.html").exists()


def test_setting_errors(tmp_path, year_store):
    with pytest.raises(StoreError, match=re.escape(MISSING_STORE.split("{")[0])):
        build_report(tmp_path / "missing.sqlite", tmp_path / "r")
    with pytest.raises(SettingsError,
                       match=re.escape(not_a_grade_message("Grade 11", resolve_ladder(None)))):
        build_report(year_store, tmp_path / "r", senior_grade="Grade 11")
    assert not (tmp_path / "missing.sqlite").exists()


def test_cli_report_imports_the_survey(tmp_path, sample_dir, sample_people, capsys):
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, sample_people, COHORT)
    code = main(["report", "--store", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "r"),
                 "--survey", str(sample_dir / "survey.csv"), "--quiet"])
    assert code == 0
    said = re.search(r"Saved (\d+) answers from 'survey.csv' as the feedback of cohort 2026",
                     capsys.readouterr().out)
    with Store(tmp_path / "s.sqlite") as store:
        assert len(load_feedback(store, COHORT).responses) == int(said[1])
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "No survey answers are stored" not in page
    assert (tmp_path / "r" / "figures" / "feedback-likert-1.svg").exists()


def test_cli_report_refuses_a_survey_for_a_cohort_the_store_lacks(tmp_path, sample_dir,
                                                                  sample_people, capsys):
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, sample_people, COHORT)
        message = no_cohort_message(store, "1999", [COHORT])
    code = main(["report", "--store", str(tmp_path / "s.sqlite"), "--out", str(tmp_path / "r"),
                 "--survey", str(sample_dir / "survey.csv"), "--cohort", "1999", "--quiet"])
    assert code == 2
    assert message in capsys.readouterr().err
    with Store(tmp_path / "s.sqlite") as store:
        assert load_feedback(store).responses.empty  # nothing saved


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
    table = pd.read_csv(tmp_path / "r" / "tables" / "coaching-objectives.csv", dtype=str)
    values = dict(zip(table["Measure"], table["Value"], strict=True))
    assert values["Coachees with scores before and after"] == "20"
    assert values["Objectives scored"] == "40"


def test_cli_report_errors(tmp_path, capsys, year_store):
    assert main(["report", "--store", str(tmp_path / "none.sqlite"), "--out",
                 str(tmp_path / "r")]) == 2
    assert MISSING_STORE.split("{")[0] in capsys.readouterr().err
    assert main(["report", "--store", str(year_store), "--out", str(tmp_path / "r"),
                 "--rule", "loose", "--quiet"]) == 2
    assert "must be one of ['hesa', 'hesa-strict']" in capsys.readouterr().err


def test_report_panel_writes_and_shows_errors(year_store, tmp_path):
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


def test_every_text_is_escaped_in_the_page(tmp_path, sample_people):
    people = sample_people.copy()
    people["department"] = people["department"].where(
        people["department"] != people["department"].iloc[0], "<b>R&D</b>")
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, people, COHORT)
    page = build_report(tmp_path / "s.sqlite", tmp_path / "r",
                        progress=False).html.read_text(encoding="utf-8")
    assert "<b>R&D</b>" not in page
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in page
    table = pd.read_csv(tmp_path / "r" / "tables" / "participation-by-department-counts.csv")
    assert "<b>R&D</b>" in set(table["Department"])  # the CSV keeps the text as it is


def test_a_section_shows_in_a_notebook_as_in_the_report(year_store, report):
    with Store(year_store) as store:
        section = section_participation(load_scheme(store))
    shown = section.to_html()
    assert shown.startswith('<section id="participation"><h2>Who took part and how far they '
                            "got</h2>\n<p>About 160 people signed up for cohort 2026")
    assert shown.endswith("</section>")
    assert 'href="figures/' not in shown  # links only in the written report
    # The same markup as in the report (but for the links to the files and the images'
    # resolution).
    page = report.html.read_text(encoding="utf-8")
    in_page = re.search(r'<section id="participation">.*?</section>', page, re.DOTALL)[0]
    linked = section.to_html(links=True)
    assert '<a href="tables/participation-funnel.csv">CSV</a>' in linked
    assert _without_images(linked) == _without_images(in_page)


def _without_images(markup):
    return re.sub(r"base64,[^\"]+", "base64,", markup)


def test_numbers_are_right_aligned_and_words_left():
    section = Section("s", "S")
    section.add_table("t", "T", pd.DataFrame({"Group": ["Physics", "All"],
                                              "People": ["20", ".."], "Share": ["35%", "1 of 3"]}))
    shown = section.to_html()
    assert ('<tr><td>Physics</td><td class="num">20</td><td class="num">35%</td></tr>'
            '<tr><td>All</td><td class="num">..</td><td class="num">1 of 3</td></tr>') in shown


def test_grades_written_many_ways_are_one_ladder_grade_in_the_report(tmp_path, sample_people):
    # A form export writes job titles as people typed them; the report groups by the
    # ladder's names, so the by-grade views look exactly as with tidy grades.
    spellings = {2: ["Research Fellow", "research fellow", "Postdoc"],
                 3: ["Lecturer", "lecturer "], 4: ["Associate Professor", "Associate professor",
                                                    "associate  professor", "Senior Lecturer"],
                 5: ["Professor", "PROFESSOR"]}
    typed = sample_people.copy()
    for level, names in spellings.items():
        at = typed.index[typed["level"] == level]
        typed.loc[at, "grade"] = [names[k % len(names)] for k in range(len(at))]
    assert typed["grade"].nunique() > 10
    tables = {}
    for name, people in (("tidy", sample_people), ("typed", typed)):
        with Store(tmp_path / f"{name}.sqlite") as store:
            save_signups(store, people, COHORT)
        build_report(tmp_path / f"{name}.sqlite", tmp_path / name, progress=False)
        tables[name] = {kind: pd.read_csv(tmp_path / name / "tables" /
                                          f"participation-by-grade-{kind}.csv", dtype=str)
                        for kind in ("counts", "rates")}
    counts = tables["typed"]["counts"]
    assert counts["Grade"].tolist() == [*resolve_ladder(None).levels, "All"]
    assert counts.iloc[:-1, 1:].ne("..").all().all()  # every grade large enough to publish
    for kind in ("counts", "rates"):
        pd.testing.assert_frame_equal(tables["typed"][kind], tables["tidy"][kind])


def test_the_report_names_grades_by_the_ladder_it_is_given(tmp_path, sample_people):
    ladder = resolve_ladder("lecturer")
    people = sample_people[sample_people["level"].between(2, 5)].copy()
    people["level"] -= 2
    people["grade"] = people["level"].map(dict(enumerate(["lecturer", "Senior lecturer",
                                                          "READER", "professor"])))
    with Store(tmp_path / "s.sqlite") as store:
        save_signups(store, people, COHORT)
        section = section_participation(load_scheme(store), ladder=ladder)
    table = next(t.table for t in section.tables if t.slug == "participation-by-grade-counts")
    assert table["Grade"].tolist() == [*ladder.levels, "All"]


def test_the_senior_grade_defaults_to_the_ladder_s_own(year_store, tmp_path, capsys):
    # A civil-service scheme names no "Grade 9": the report (command and panel) starts from
    # the ladder's usual senior grade instead of refusing to run.
    code = main(["report", "--store", str(year_store), "--out", str(tmp_path / "r"),
                 "--ladder", "civil-service", "--quiet"])
    assert code == 0, capsys.readouterr().err
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "SCS1 and above" in page and "Grade 9 and above" not in page
    assert ReportPanel(year_store, tmp_path / "r2", ladder="civil-service"
                       ).senior_grade.value == "SCS1"
    assert ReportPanel(year_store, tmp_path / "r3").senior_grade.value == "Grade 9"
