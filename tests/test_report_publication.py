"""What the year-end report may publish: declared characteristics only, percentages that give
no hidden count away, and text that neither runs in a spreadsheet nor adds markup to the page.
"""

import csv
import json
import re

import numpy as np
import pandas as pd
import pytest

from toolkit.cli.main import main
from toolkit.core.disclosure import RULES, as_text, percentages
from toolkit.errors import SettingsError
from toolkit.evaluation.data import load_feedback
from toolkit.evaluation.measures import (
    SMALL_GROUPS,
    free_text_message,
    free_text_reason,
    not_a_question_message,
)
from toolkit.evaluation.report import build_report, read_report_settings
from toolkit.io.outputs import FORMULA_PREFIXES
from toolkit.store.connection import Store
from toolkit.store.pairs import save_pairs
from toolkit.store.people import save_signups
from toolkit.widgets.report import ReportPanel

from .evaluation_helpers import COHORT, fill_year

#: Two people answered the free-text question; these words must never be published.
SECRETS = ("I care for my father at weekends so evenings suit me",
           "Recovering from an operation, please be gentle")
#: A closed question: a few groups, one of them chosen by a single person.
GROUPS = ("Group Kestrel", "Group Osprey", "Group Heron")
RARE = "Group Wren"
HOSTILE = ('=HYPERLINK("http://example.net","x")', "<script>alert(1)</script>", "+1",
           "@SUM(A1)", "-2+3")


def _people(sample_people):
    people = sample_people.copy()
    people["Anything else?"] = ""
    people.loc[4, "Anything else?"] = SECRETS[0]
    people.loc[11, "Anything else?"] = SECRETS[1]
    people["Ethnic group"] = [GROUPS[i % 3] for i in range(len(people))]
    people.loc[7, "Ethnic group"] = RARE
    return people


@pytest.fixture
def store(tmp_path, sample_people):
    path = tmp_path / "s.sqlite"
    with Store(path) as s:
        save_signups(s, _people(sample_people), COHORT)
    return path


def _published_text(folder, result):
    """Everything a reader of the report folder can see, as one lower-case text."""
    texts = [p.read_bytes().decode("utf-8", errors="ignore") for p in folder.rglob("*")
             if p.is_file()]
    texts += [fig.alt for sec in result.sections for fig in sec.figures]
    return "\n".join(texts).lower()


def test_undeclared_optional_questions_are_never_published(store, tmp_path):
    result = build_report(store, tmp_path / "r", progress=False)
    assert result.characteristics == ["gender"]
    published = _published_text(tmp_path / "r", result)
    for answer in (*SECRETS, *GROUPS, RARE):
        assert answer.lower() not in published, answer
    assert not [p for p in (tmp_path / "r" / "tables").iterdir() if "ethnic" in p.name]
    page = result.html.read_text(encoding="utf-8")
    assert "2 other optional question(s) that were not declared" in page


def test_a_declared_question_is_published_but_rare_answers_are_not_named(store, tmp_path):
    result = build_report(store, tmp_path / "r", progress=False, monitoring=["ethnic group"])
    assert result.characteristics == ["gender", "Ethnic group"]
    counts = pd.read_csv(tmp_path / "r" / "tables" / "equality-2-ethnic-group-counts.csv",
                         dtype=str)
    assert set(counts["Ethnic group"]) == {*GROUPS, SMALL_GROUPS, "All"}
    published = _published_text(tmp_path / "r", result)
    assert GROUPS[0].lower() in published
    for answer in (*SECRETS, RARE):
        assert answer.lower() not in published, answer


def test_a_free_text_question_is_refused_and_nothing_written(store, tmp_path):
    reason = free_text_reason(pd.Series(SECRETS))
    with pytest.raises(SettingsError, match=re.escape(free_text_message("Anything else?",
                                                                        reason))):
        build_report(store, tmp_path / "r", progress=False, monitoring=["Anything else?"])
    assert not (tmp_path / "r").exists()
    with pytest.raises(SettingsError, match=re.escape(not_a_question_message(
            "Religion", ["Anything else?", "Ethnic group"]))):
        build_report(store, tmp_path / "r", progress=False, monitoring=["Religion"])


def test_cli_monitoring_options_and_settings(store, tmp_path, sample_dir, capsys):
    settings = tmp_path / "report.json"
    settings.write_text(json.dumps({"monitoring_questions": ["Ethnic group"]}))
    assert main(["report", "--store", str(store), "--out", str(tmp_path / "r"), "--settings",
                 str(settings), "--quiet"]) == 0
    assert "Equality characteristics published: gender, Ethnic group" in capsys.readouterr().out
    assert (tmp_path / "r" / "tables" / "equality-2-ethnic-group-counts.csv").exists()
    # A free-text question stops the command (exit 2) before the survey is saved.
    code = main(["report", "--store", str(store), "--out", str(tmp_path / "r2"),
                 "--monitoring", "Ethnic group", "--monitoring", "Anything else?",
                 "--survey", str(sample_dir / "survey.csv"), "--quiet"])
    assert code == 2
    assert "cannot be declared as a monitoring question" in capsys.readouterr().err
    assert not (tmp_path / "r2").exists()
    with Store(store) as s:
        assert load_feedback(s, COHORT).responses.empty
    settings.write_text(json.dumps({"monitoring": ["Ethnic group"]}))
    assert main(["report", "--store", str(store), "--out", str(tmp_path / "r3"), "--settings",
                 str(settings), "--quiet"]) == 2
    assert "'monitoring' is not a setting (did you mean 'monitoring_questions'?)" in \
        capsys.readouterr().err
    with pytest.raises(SettingsError, match="must be a list of question titles"):
        read_report_settings({"monitoring_questions": "Ethnic group"})


def test_panel_lists_the_questions_free_text_cannot_be_ticked(store, tmp_path):
    panel = ReportPanel(store, tmp_path / "r")
    assert list(panel.questions) == ["Anything else?", "Ethnic group"]
    assert panel.questions["Anything else?"].disabled
    assert "free text, never published" in panel.questions["Anything else?"].description
    assert not panel.questions["Ethnic group"].value
    panel.questions["Ethnic group"].value = True
    panel.button.click()
    assert panel.result.characteristics == ["gender", "Ethnic group"]
    refused = ReportPanel(store, tmp_path / "r2", monitoring=["Anything else?"])
    refused.button.click()
    kind, text = refused.last_message
    assert kind == "error" and "cannot be declared as a monitoring question" in text
    assert refused.result is None


# -- percentages never give a hidden count away ---------------------------------------------
@pytest.fixture
def one_renewal(tmp_path, sample_people):
    path = tmp_path / "one.sqlite"
    with Store(path) as s:
        save_signups(s, sample_people, COHORT)
        ids = save_pairs(s, pd.DataFrame({"mentee_email": [sample_people["email"].iloc[0]],
                                          "mentor_email": [sample_people["email"].iloc[1]]}),
                         COHORT, status="active", start_date="2026-10-01")
        with s.transaction() as conn:
            conn.execute("UPDATE pairs SET status = 'renewed', renewals = 1 WHERE id = ?",
                         (ids[0],))
    return path


@pytest.mark.parametrize(("rule", "shown"), [("hesa", ["0", "0%"]),
                                              ("hesa-strict", ["..", ".."])])
def test_one_renewal_among_160_is_not_given_away(one_renewal, tmp_path, rule, shown):
    result = build_report(one_renewal, tmp_path / "r", rule=rule, progress=False)
    funnel = pd.read_csv(result.tables["participation-funnel"], dtype=str)
    assert funnel.set_index("Stage").loc["Renewed"].tolist() == shown
    assert f"Renewed: {shown[0]}." in result.sections[0].figures[0].alt


def test_every_rate_table_is_the_percentages_of_its_count_table(tmp_path, sample_dir,
                                                                 sample_import):
    path = tmp_path / "y.sqlite"
    with Store(path) as s:
        fill_year(s, sample_import.people.copy(), sample_dir / "survey.csv")
    for name, rule in RULES.items():
        result = build_report(path, tmp_path / name, rule=name, progress=False)
        pairs = [(slug, slug.replace("-rates", "-counts")) for slug in result.tables
                 if slug.endswith("-rates")]
        assert len(pairs) >= 3
        for rates_slug, counts_slug in pairs:
            rates = pd.read_csv(result.tables[rates_slug], dtype=str, keep_default_na=False)
            counts = pd.read_csv(result.tables[counts_slug], dtype=str, keep_default_na=False)
            key = counts.columns[0]
            shown = counts.set_index(key).replace(rule.symbol, np.nan).astype(float)
            derived = percentages(shown.drop(columns="Signed up"), shown["Signed up"], rule)
            expected = as_text(derived, rule, suffix="%").reset_index(drop=True)
            assert rates.drop(columns=key).equals(expected), rates_slug
        # Survey percentages are of rounded answer counts: each is some multiple of the
        # rounding step out of the published number of respondents, never a true count.
        answers = [slug for slug in result.tables if slug.startswith("feedback-answers")]
        checked = 0
        for slug in answers:
            table = pd.read_csv(result.tables[slug], dtype=str, keep_default_na=False)
            for _, row in table.iterrows():
                if row["Respondents"] == rule.symbol:
                    continue
                base = int(row["Respondents"])
                possible = {f"{round(100 * k / base):.0f}%"
                            for k in range(0, base + rule.round_to, rule.round_to)}
                shown = {v for v in row.iloc[3:] if v != rule.symbol}
                assert shown <= possible, (slug, row.to_dict())
                checked += len(shown)
        assert checked >= 10


# -- text that is published is inert ---------------------------------------------------------
def test_hostile_text_is_neutralised_in_tables_and_escaped_in_the_page(tmp_path,
                                                                       sample_people):
    people = _people(sample_people)
    departments = people["department"].drop_duplicates().tolist()
    for hostile, department in zip(HOSTILE, departments, strict=False):
        people.loc[people["department"] == department, "department"] = hostile
    people.loc[:40, "name"] = [HOSTILE[i % len(HOSTILE)] + f" {i}" for i in range(41)]
    people["Ethnic group"] = [HOSTILE[i % 4] for i in range(len(people))]
    with Store(tmp_path / "s.sqlite") as s:
        save_signups(s, people, COHORT)
    result = build_report(tmp_path / "s.sqlite", tmp_path / "r", progress=False,
                          monitoring=["Ethnic group"])
    page = result.html.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for svg in (tmp_path / "r" / "figures").glob("*.svg"):
        assert "<script>alert" not in svg.read_text(encoding="utf-8")
    seen = set()
    for path in (tmp_path / "r" / "tables").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f):
                for cell in row:
                    seen.add(cell)
                    formula = cell.startswith(FORMULA_PREFIXES) and not re.fullmatch(
                        r"[-+]?\d+(\.\d+)?%?", cell)
                    assert not formula, (path.name, cell)
    assert "'=HYPERLINK(\"http://example.net\",\"x\")" in seen
    assert "'@SUM(A1)" in seen and "'-2+3" in seen
    assert "<script>alert(1)</script>" in seen  # a CSV keeps text as it is, inert


def test_free_text_gender_answers_are_not_published(tmp_path, sample_people):
    people = sample_people.copy()
    people["gender"] = [f"In my own words, answer number {i} of the gender question"
                        for i in range(len(people))]
    with Store(tmp_path / "s.sqlite") as s:
        save_signups(s, people, COHORT)
    result = build_report(tmp_path / "s.sqlite", tmp_path / "r", progress=False)
    assert result.characteristics == []
    page = result.html.read_text(encoding="utf-8")
    assert "The answers to the gender question look like free text" in page
    assert "in my own words" not in _published_text(tmp_path / "r", result)
