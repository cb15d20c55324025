import json

import pandas as pd
import pytest

from toolkit.core.ladder import (
    CIVIL_SERVICE_LADDER,
    DEFAULT_LADDER,
    LADDERS,
    LECTURER_LADDER,
    Ladder,
    load_ladder,
)
from toolkit.errors import SettingsError


@pytest.mark.parametrize(("grade", "level"), [
    ("PhD student", 0), ("phd", 0), ("Grade 6", 1), ("grade  7", 2), ("Postdoc", 2),
    ("Postdoctoral Researcher", 2), ("Lecturer", 3), ("associate professor", 4),
    ("PROFESSOR", 5), ("G10", 5), ("Dean", None), ("", None), (None, None),
])
def test_default_ladder_reads_grades_and_synonyms(grade, level):
    assert DEFAULT_LADDER.level_of(grade) == level


def test_shipped_ladders_are_in_order():
    assert LECTURER_LADDER.levels == ("Lecturer", "Senior Lecturer", "Reader", "Professor")
    cs = CIVIL_SERVICE_LADDER
    assert cs.level_of("AA") < cs.level_of("AO") < cs.level_of("EO") < cs.level_of("HEO")
    assert cs.level_of("SEO") < cs.level_of("Grade 7") < cs.level_of("Grade 6")
    assert cs.level_of("Grade 6") < cs.level_of("SCS1") < cs.level_of("SCS4")
    assert set(LADDERS) == {"uk-he", "lecturer", "civil-service"}


def test_levels_of_is_vectorised_and_nullable():
    got = DEFAULT_LADDER.levels_of(pd.Series(["Professor", "nope", None, "g7"]))
    assert got.tolist() == [5, pd.NA, pd.NA, 2]


def test_a_spelling_on_two_levels_is_refused():
    with pytest.raises(SettingsError, match="uses 'Senior' for two levels"):
        Ladder("x", ["Junior", "Senior"], {"Junior": ["Senior"]})


def test_load_ladder_round_trips(tmp_path):
    path = tmp_path / "l.json"
    path.write_text(json.dumps(LECTURER_LADDER.to_dict()))
    loaded = load_ladder(path)
    assert loaded.levels == LECTURER_LADDER.levels
    assert loaded.level_of("SL") == 1


def test_load_ladder_accepts_plain_names(tmp_path):
    path = tmp_path / "l.json"
    path.write_text('{"name": "Bands", "levels": ["Band 1", "Band 2", "Band 3"]}')
    assert load_ladder(path).level_of("band 3") == 2


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "not valid JSON"),
    ('{"levels": ["only one"]}', "at least two"),
    ('{"levels": [1, 2]}', "must be text"),
    ('{"levels": [{"name": "A", "synonyms": "B"}, "C"]}', "list of text"),
])
def test_bad_ladder_files_are_explained(tmp_path, content, message):
    path = tmp_path / "l.json"
    path.write_text(content)
    with pytest.raises(SettingsError, match=message):
        load_ladder(path)


def test_missing_ladder_file(tmp_path):
    with pytest.raises(SettingsError, match="does not exist"):
        load_ladder(tmp_path / "none.json")
