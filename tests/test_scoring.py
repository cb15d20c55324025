import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.errors import SettingsError
from toolkit.pairing.matching import WEIGHTS_NOT_A_MAPPING, match_mentors
from toolkit.pairing.scoring import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    RULES,
    combine_scores,
    eligibility,
    score_components,
    validate_weight_settings,
    validate_weights,
)
from toolkit.pairing.settings import WEIGHTS_EXAMPLE, read_weights


def frame(**cols):
    return pd.DataFrame(cols)


def test_each_rule_rules_out_its_pairs():
    mentees = frame(email=["me@x.org"], department=["Maths"], level=[1],
                    line_manager_email=["boss@x.org"])
    mentors = frame(
        email=["junior@x.org", "same@x.org", "boss@x.org", "bigboss@x.org", "zero@x.org",
               "forbidden@x.org", "before@x.org", "ok@x.org", "me@x.org"],
        department=["Physics", " MATHS ", "Physics", "Physics", "Physics", "Physics", "Physics",
                    "Physics", "Maths"],
        level=[1, 3, 3, 4, 3, 3, 3, 3, 1],
        line_manager_email=["", "", "bigboss@x.org", "", "", "", "", "", "boss@x.org"],
        capacity=[1, 1, 1, 1, 0, 1, 1, 1, 1],
    )
    pairs = lambda m: frame(mentee_email=["me@x.org"], mentor_email=[m])  # noqa: E731
    e = eligibility(mentees, mentors, forbid=pairs("forbidden@x.org"),
                    previous=pairs("before@x.org"))
    names = list(RULES)
    codes = e.reason_codes[0].tolist()
    assert codes == [names.index("not_more_senior") + 1, names.index("same_department") + 1,
                     names.index("line_management") + 1, names.index("line_management") + 1,
                     names.index("not_available") + 1, names.index("forbidden") + 1,
                     names.index("paired_before") + 1, 0, -1]
    assert e.mask[0].tolist() == [False] * 7 + [True, False]


def test_line_management_both_directions_and_transitive():
    people = frame(email=["a", "b", "c", "d"], department=["A", "B", "C", "D"],
                   level=[0, 1, 2, 3], line_manager_email=["", "a", "b", ""],
                   capacity=[1, 1, 1, 1])
    e = eligibility(people, people, min_gap=0)
    # a manages b manages c: a-b, a-c, b-c in the chain, both ways; d is outside.
    chain = e.rules["line_management"]
    assert chain.tolist() == [
        [False, True, True, False],
        [True, False, True, False],
        [True, True, False, False],
        [False, False, False, False],
    ]


def test_min_gap_is_configurable():
    mentees = frame(email=["a"], department=["A"], level=[1], line_manager_email=[""])
    mentors = frame(email=["b", "c"], department=["B", "B"], level=[2, 3],
                    line_manager_email=["", ""], capacity=[1, 1])
    assert eligibility(mentees, mentors, min_gap=2).mask.tolist() == [[False, True]]
    with pytest.raises(SettingsError, match="minimum grade gap"):
        eligibility(mentees, mentors, min_gap=-1)


def test_components_documented_values():
    mentees = frame(level=[0, 0], topics=["Grants; Teaching; Leadership", ""],
                    meeting_mode=["in person", "either"],
                    mentor_gender_preference=["woman", ""])
    mentors = frame(level=[1, 2, 3, 6], topics=["grants", "TEACHING ; grants", "", "Leadership"],
                    meeting_mode=["online", "in person", "either", "online"],
                    gender=["Woman", "Man", "Non-binary", "woman"])
    c = score_components(mentees, mentors)
    assert set(c) == set(COMPONENTS)
    np.testing.assert_allclose(c["topics"], [[1 / 3, 2 / 3, 0, 1 / 3], [0, 0, 0, 0]])
    np.testing.assert_allclose(c["seniority"][0], [1, 1, 0.5, 0.2])
    assert c["meeting_mode"].tolist() == [[0, 1, 1, 0], [1, 1, 1, 1]]
    assert c["gender_preference"].tolist() == [[1, 0, 0, 1], [1, 1, 1, 1]]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 6), m=st.integers(0, 6), data=st.data())
def test_components_and_scores_stay_in_unit_interval(n, m, data):
    topics = st.lists(st.sampled_from(["a", "b", "C", " c", "d"]), max_size=3).map("; ".join)
    mentees = frame(level=data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)),
                    topics=data.draw(st.lists(topics, min_size=n, max_size=n)),
                    meeting_mode=data.draw(st.lists(st.sampled_from(
                        ["in person", "online", "either", ""]), min_size=n, max_size=n)),
                    mentor_gender_preference=data.draw(st.lists(st.sampled_from(
                        ["woman", "man", ""]), min_size=n, max_size=n)))
    mentors = frame(level=data.draw(st.lists(st.integers(0, 6), min_size=m, max_size=m)),
                    topics=data.draw(st.lists(topics, min_size=m, max_size=m)),
                    meeting_mode=data.draw(st.lists(st.sampled_from(
                        ["in person", "online", "either"]), min_size=m, max_size=m)),
                    gender=data.draw(st.lists(st.sampled_from(["Woman", "Man", ""]),
                                              min_size=m, max_size=m)))
    comps = score_components(mentees, mentors)
    weights = data.draw(st.fixed_dictionaries(
        {k: st.floats(0, 10, allow_nan=False) for k in COMPONENTS}))
    score = combine_scores(comps, weights)
    for value in [*comps.values(), score]:
        assert value.shape == (n, m)
        assert ((value >= 0) & (value <= 1)).all()


def test_zero_weight_switches_a_component_off():
    comps = {"topics": np.array([[1.0, 0.0]]), "seniority": np.array([[0.0, 1.0]])}
    assert combine_scores(comps, {"topics": 0, "seniority": 1}).tolist() == [[0.0, 1.0]]
    assert combine_scores(comps, {"topics": 0, "seniority": 0}).tolist() == [[0.0, 0.0]]


@pytest.mark.parametrize(("weights", "message"), [
    ({"topicz": 1}, "Unknown score component 'topicz'"),
    ({"topics": 0, "seniority": 0, "meeting_mode": 0, "gender_preference": 0}, "Every weight"),
    ({"topics": -1}, "weight of 'topics' .* must be a number of 0 or more"),
    ({"topics": "high"}, "weight of 'topics'"),
    ({"topics": float("nan")}, "weight of 'topics'"),
])
def test_bad_weights_are_refused(weights, message):
    with pytest.raises(SettingsError, match=message):
        validate_weights(weights)


def test_weights_file(tmp_path):
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"topics": 1, "min_gap": 2, "ideal_gap": [2, 3]}))
    weights, extra = read_weights(path)
    assert weights == {**DEFAULT_WEIGHTS, "topics": 1.0}
    assert extra == {"min_gap": 2, "ideal_gap": (2, 3)}
    assert read_weights(None) == (DEFAULT_WEIGHTS, {})
    path.write_text("{not json")
    with pytest.raises(SettingsError, match="not valid JSON") as info:
        read_weights(path)
    assert WEIGHTS_EXAMPLE in str(info.value)  # the lead sees what the file should look like
    with pytest.raises(SettingsError, match="does not exist"):
        read_weights(tmp_path / "missing.json")
    path.write_text('{"topic": 1}')
    with pytest.raises(SettingsError, match=r"'topic' is not a setting \(did you mean 'topics'"):
        read_weights(path)
    path.write_text('{"topics": -1}')
    with pytest.raises(SettingsError, match=f"weight of 'topics' in the weights file '{path}'"):
        read_weights(path)


@pytest.mark.parametrize(("data", "message"), [
    ({"ideal_gap": [3, 1]}, "'ideal_gap' in the weights must be two whole numbers"),
    ({"ideal_gap": [1, 2, 3]}, "'ideal_gap'"),
    ({"min_gap": 1.5}, "'min_gap' in the weights must be a whole number"),
    ({"min_gap": True}, "'min_gap'"),
    ({"min_gap": -1}, "'min_gap'"),
])
def test_bad_gap_settings_are_refused(data, message):
    with pytest.raises(SettingsError, match=message):
        validate_weight_settings(data)
    with pytest.raises(SettingsError, match=message):
        read_weights(data)


def test_weights_and_gap_settings_are_split():
    weights, settings = validate_weight_settings({"seniority": 0, "min_gap": 0,
                                                  "ideal_gap": [0, 1]})
    assert weights == {**DEFAULT_WEIGHTS, "seniority": 0.0}
    assert settings == {"min_gap": 0, "ideal_gap": (0, 1)}


def test_the_engine_takes_weights_not_a_weights_file(tmp_path):
    people = frame(email=["a", "b"], department=["X", "Y"], level=[0, 2],
                   role=["mentee", "mentor"])
    path = tmp_path / "w.json"
    with pytest.raises(SettingsError) as info:
        match_mentors(people, weights=path)
    assert str(info.value) == WEIGHTS_NOT_A_MAPPING.format(value=path)
    # A mapping may carry the gap settings, as a weights file does.
    result = match_mentors(people, weights={"topics": 1, "min_gap": 3})
    assert result.pairs.empty and result.settings["min_gap"] == 3
