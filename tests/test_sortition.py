"""Single-panel sortition data (Flanigan et al., Nature 2021): reading it, and every bad input.

The two public example pools are rebuilt here from their published description, so that no
data file is needed. Where a checkout of the original data sits next to the project (its
licence, GPL-3.0, keeps it out of this repository), the tests also read it as published.
Line numbers count from the CSV header (row 1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cocreate_match import (
    CouncilRules,
    InputError,
    Problem,
    Quota,
    Scenario,
    Status,
    check_plan,
    solve,
)
from cocreate_match.sortition import load_sortition

PUBLIC_DATA = (Path(__file__).resolve().parents[2] / "shared" / "instances"
               / "sortition-nature2021" / "data")

# The published description of the two example pools: how many respondents have each
# (gender, leaning), the panel size k and the quota limits on every one of the four features.
@dataclass(frozen=True)
class Example:
    counts: dict[tuple[str, str], int]
    k: int
    min: int
    max: int


SMALL = Example(counts={("female", "liberal"): 99, ("male", "conservative"): 100,
                        ("female", "conservative"): 1}, k=20, min=9, max=20)
LARGE = Example(counts={("female", "liberal"): 999, ("male", "conservative"): 1000,
                        ("female", "conservative"): 1}, k=200, min=99, max=200)
EXAMPLES = {"example_small_20": SMALL, "example_large_200": LARGE}
FEATURES = (("gender", "female"), ("gender", "male"), ("leaning", "liberal"),
            ("leaning", "conservative"))
HEADERS = {"category,feature": "category,feature,min,max",
           "feature,value": "feature,value,min,max"}

CATEGORIES = """\
category,feature,min,max
gender,female,1,2
gender,male,1,2
age,young,0,3
age,old,1,3
"""
# Row 2 is respondent "0".
RESPONDENTS = """\
gender,age,district
female,young,north
male,old,south
female,old,north
"""

NO_VALUE: Any = ...


def write(directory: Path, categories: str | bytes | None = CATEGORIES,
          respondents: str | bytes | None = RESPONDENTS) -> Path:
    """Write both files (None leaves a file out); bytes are written as they are."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in (("categories.csv", categories), ("respondents.csv", respondents)):
        if content is not None:
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (directory / name).write_bytes(data)
    return directory


def rebuild(directory: Path, example: Example, header: str) -> Path:
    """Write an example pool from its published description, in the given header form."""
    lines = [header]
    lines += [f"{c},{f},{example.min},{example.max}" for c, f in FEATURES]
    rows = ["gender,leaning"]
    for (gender, leaning), count in example.counts.items():
        rows += [f"{gender},{leaning}"] * count
    return write(directory, "\n".join(lines) + "\n", "\n".join(rows) + "\n")


def public_example(name: str) -> Path:
    directory = PUBLIC_DATA / name
    if not directory.is_dir():
        pytest.skip(f"the public sortition data is not at {directory} (it is GPL-3.0 data "
                    "and is not shipped with this project)")
    return directory


def load_error(directory: Path, seats: Any = 2, **kwargs: Any) -> InputError:
    with pytest.raises(InputError) as info:
        load_sortition(directory, seats, **kwargs)
    return info.value


def where(problem: Problem) -> tuple[Any, ...]:
    """(file, row, column, value); ``...`` when the problem has no value."""
    return (problem.file, problem.row, problem.column,
            problem.value if problem.has_value else NO_VALUE)


def places(err: InputError) -> set[tuple[Any, ...]]:
    return {where(p) for p in err.problems}


def message_at(err: InputError, *place: Any) -> str:
    found = [p.message for p in err.problems if where(p) == tuple(place)]
    assert len(found) == 1, (place, [where(p) for p in err.problems])
    return found[0]


def assert_example(scenario: Scenario, example: Example) -> None:
    n = sum(example.counts.values())
    assert scenario.committee_ids == ("panel",)
    panel = scenario.mandate("panel")
    assert (panel.title, panel.citizen_seats, panel.politician_seats) == ("Panel", example.k, 0)
    assert panel.profiles == ()
    assert panel.quotas == tuple(Quota(attribute=c, value=f, min=example.min, max=example.max)
                                 for c, f in FEATURES)
    assert scenario.quotas == () and scenario.politicians == ()
    assert scenario.council == CouncilRules()
    assert [c.id for c in scenario.citizens] == [str(i) for i in range(n)]
    assert all(c.applied_to == ("panel",) and not c.open_to_any and not c.tags
               and c.household is None for c in scenario.citizens)
    pairs = Counter((c.attributes["gender"], c.attributes["leaning"]) for c in scenario.citizens)
    assert pairs == Counter(example.counts)
    assert all(set(c.attributes) == {"gender", "leaning"} for c in scenario.citizens)


# -- the public examples ------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_public_example_reads_as_described(name: str) -> None:
    scenario = load_sortition(public_example(name), EXAMPLES[name].k)
    assert_example(scenario, EXAMPLES[name])


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_rebuilt_example_has_the_public_pool(tmp_path: Path, name: str) -> None:
    directory = public_example(name)
    k = EXAMPLES[name].k
    public = load_sortition(directory, k)
    rebuilt = load_sortition(rebuild(tmp_path, EXAMPLES[name], HEADERS["category,feature"]), k)
    assert public.mandates == rebuilt.mandates
    assert (Counter(c.attributes for c in public.citizens)
            == Counter(c.attributes for c in rebuilt.citizens))


def test_public_small_example_solves_to_a_valid_optimal_panel() -> None:
    scenario = load_sortition(public_example("example_small_20"), 20)
    result = solve(scenario)
    assert result.status is Status.OPTIMAL
    assert result.plan is not None
    assert check_plan(scenario, result.plan) == ()
    seated = [scenario.citizen(i) for i in result.plan.seated_citizens]
    assert len(seated) == 20
    for category, feature in FEATURES:
        assert 9 <= sum(c.attributes[category] == feature for c in seated) <= 20
    assert result.objective == 20  # everyone applied to the one committee, their only choice


# -- rebuilt from the published description -------------------------------------------------------
@pytest.mark.parametrize("header", sorted(HEADERS))
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_rebuilt_example_loads_in_both_header_forms(tmp_path: Path, name: str,
                                                    header: str) -> None:
    example = EXAMPLES[name]
    scenario = load_sortition(rebuild(tmp_path, example, HEADERS[header]), example.k)
    assert_example(scenario, example)


def test_both_header_forms_give_equal_scenarios(tmp_path: Path) -> None:
    one = load_sortition(rebuild(tmp_path / "a", SMALL, "category,feature,min,max"), 20)
    two = load_sortition(rebuild(tmp_path / "b", SMALL, "feature,value,min,max"), 20)
    assert one == two


def test_rebuilt_small_example_solves_to_a_valid_optimal_panel(tmp_path: Path) -> None:
    scenario = load_sortition(rebuild(tmp_path, SMALL, HEADERS["category,feature"]), 20)
    result = solve(scenario)
    assert result.status is Status.OPTIMAL
    assert result.plan is not None
    assert check_plan(scenario, result.plan) == ()
    assert len(result.plan.seated_citizens) == 20


# -- what the files may hold ----------------------------------------------------------------------
def test_small_directory(tmp_path: Path) -> None:
    scenario = load_sortition(write(tmp_path), 3, committee_id="jury", title="Citizens' jury")
    jury = scenario.mandate("jury")
    assert (jury.title, jury.citizen_seats, jury.politician_seats) == ("Citizens' jury", 3, 0)
    assert [q.name for q in jury.quotas] == ["gender=female", "gender=male", "age=young",
                                             "age=old"]
    assert jury.quotas[2] == Quota(attribute="age", value="young", min=0, max=3)
    assert [c.id for c in scenario.citizens] == ["0", "1", "2"]
    assert scenario.citizen("1").applied_to == ("jury",)
    # Columns that are no category are kept as attributes too.
    assert dict(scenario.citizen("2").attributes) == {"gender": "female", "age": "old",
                                                      "district": "north"}


def test_id_column_gives_the_ids_and_is_no_attribute(tmp_path: Path) -> None:
    respondents = "district,id,gender,age\nnorth,r-17,female,young\nsouth,r-03,male,old\n"
    scenario = load_sortition(write(tmp_path, respondents=respondents), 2)
    assert [c.id for c in scenario.citizens] == ["r-17", "r-03"]
    assert dict(scenario.citizen("r-03").attributes) == {"district": "south", "gender": "male",
                                                         "age": "old"}


def test_cells_are_stripped_and_blank_lines_skipped(tmp_path: Path) -> None:
    categories = "category , feature,min,max\n gender , female , 1 , 2 \n\ngender,male,1,2\n" \
                 "age,young,0,3\nage,old,1,3\n"
    respondents = "\ufeffgender,age,district\n female ,young, north \n\nmale , old,south\n"
    scenario = load_sortition(write(tmp_path, categories, respondents), 2)
    assert scenario.mandate("panel").quotas[0] == Quota(attribute="gender", value="female",
                                                        min=1, max=2)
    # The blank line does not count: the second respondent is data row 1.
    assert [c.id for c in scenario.citizens] == ["0", "1"]
    assert dict(scenario.citizen("0").attributes) == {"gender": "female", "age": "young",
                                                      "district": "north"}


def test_max_may_exceed_the_seats_and_the_pool_may_be_empty(tmp_path: Path) -> None:
    scenario = load_sortition(write(tmp_path, respondents="gender,age\n"), 0)
    assert scenario.citizens == ()
    assert scenario.mandate("panel").citizen_seats == 0
    assert scenario.mandate("panel").quotas[0].max == 2


def test_categories_without_rows_give_no_quotas(tmp_path: Path) -> None:
    scenario = load_sortition(write(tmp_path, categories="category,feature,min,max\n"), 1)
    assert scenario.mandate("panel").quotas == ()
    assert len(scenario.citizens) == 3


# -- bad parameters -------------------------------------------------------------------------------
@pytest.mark.parametrize(("seats", "message"), [
    (-1, "must not be negative"),
    (2.0, "must be a whole number"),
    ("20", "must be a whole number"),
    (True, "must be a whole number"),
    (None, "must be a whole number"),
])
def test_bad_seats(tmp_path: Path, seats: Any, message: str) -> None:
    err = load_error(write(tmp_path), seats)
    assert places(err) == {(None, None, "seats", seats)}
    assert err.problems[0].message == message


def test_bad_committee_id_and_title(tmp_path: Path) -> None:
    err = load_error(write(tmp_path), 2, committee_id="a;b", title=7)
    assert places(err) == {(None, None, "committee_id", "a;b"), (None, None, "title", 7)}


# -- bad files ------------------------------------------------------------------------------------
def test_missing_directory_and_parameters_together(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nowhere", -1)
    assert places(err) == {(None, None, "seats", -1),
                           (str(tmp_path / "nowhere"), None, None, NO_VALUE)}
    assert message_at(err, str(tmp_path / "nowhere"), None, None, NO_VALUE) == \
        "directory not found"


def test_a_file_is_not_a_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    err = load_error(tmp_path / "file")
    assert [p.message for p in err.problems] == ["is not a directory"]


def test_missing_files(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, None, None))
    assert places(err) == {("categories.csv", None, None, NO_VALUE),
                           ("respondents.csv", None, None, NO_VALUE)}
    assert {p.message for p in err.problems} == {"file not found"}


def test_one_missing_file_still_reports_the_other_files_problems(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, None, "id,gender\nx,female\nx,male\n"))
    assert places(err) == {("categories.csv", None, None, NO_VALUE),
                           ("respondents.csv", 3, "id", "x")}


def test_not_utf8(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, respondents=b"gender,age\nfemale,young\n"
                           + "m\u00e6nd,old\n".encode("latin-1")))
    assert places(err) == {("respondents.csv", 3, None, NO_VALUE)}
    assert "is not UTF-8 text" in err.problems[0].message


@pytest.mark.parametrize("content", ["", "\n\n  \n"])
def test_empty_files(tmp_path: Path, content: str) -> None:
    err = load_error(write(tmp_path, content, content))
    assert places(err) == {("categories.csv", None, None, NO_VALUE),
                           ("respondents.csv", None, None, NO_VALUE)}
    assert {p.message for p in err.problems} == {
        "file is empty; it needs at least a header row"}


def test_missing_and_unknown_columns_in_categories(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, categories="category,feature,low,max\ngender,female,1,2\n"))
    assert places(err) == {("categories.csv", 1, "min", NO_VALUE),
                           ("categories.csv", 1, "low", NO_VALUE)}
    assert "category,feature,min,max or feature,value,min,max" in message_at(
        err, "categories.csv", 1, "min", NO_VALUE)
    assert message_at(err, "categories.csv", 1, "low", NO_VALUE).startswith("unknown column")


def test_header_in_neither_form(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, categories="name,min,max\ngender,1,2\n"))
    assert places(err) == {("categories.csv", 1, "category", NO_VALUE),
                           ("categories.csv", 1, "feature", NO_VALUE),
                           ("categories.csv", 1, "name", NO_VALUE)}


def test_columns_named_twice(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, categories="category,feature,min,max,min\n",
                           respondents="gender,age,gender\nfemale,young,female\n"))
    assert places(err) == {("categories.csv", 1, "min", NO_VALUE),
                           ("respondents.csv", 1, "gender", NO_VALUE)}
    assert {p.message for p in err.problems} == {"column appears twice"}


@pytest.mark.parametrize(("cell", "message"), [
    ("x", "must be a whole number"),
    ("", "must be a whole number"),
    ("1.5", "must be a whole number"),
    ("1_0", "must be a whole number"),
    ("-1", "must not be negative"),
])
def test_bad_numbers(tmp_path: Path, cell: str, message: str) -> None:
    categories = CATEGORIES.replace("gender,male,1,2", f"gender,male,{cell},2").replace(
        "age,old,1,3", f"age,old,1,{cell}")
    err = load_error(write(tmp_path, categories))
    assert places(err) == {("categories.csv", 3, "min", cell), ("categories.csv", 5, "max", cell)}
    assert {p.message for p in err.problems} == {message}


def test_min_above_max(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, CATEGORIES.replace("age,old,1,3", "age,old,4,3")))
    assert places(err) == {("categories.csv", 5, "min", 4)}
    assert err.problems[0].message == "min (4) is greater than max (3)"


def test_empty_category_or_feature(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, CATEGORIES + ",young,0,1\nage,,0,1\n"))
    assert places(err) == {("categories.csv", 6, "category", ""),
                           ("categories.csv", 7, "feature", "")}
    assert {p.message for p in err.problems} == {"must not be empty"}


def test_duplicate_category_feature_rows(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, CATEGORIES + "gender,female,0,3\n"))
    assert places(err) == {("categories.csv", 6, "feature", "female")}
    assert err.problems[0].message == "is listed twice for category 'gender' (first on row 2)"


def test_duplicate_rows_in_the_other_header_form(tmp_path: Path) -> None:
    categories = "feature,value,min,max\ngender,female,1,2\ngender,male,1,2\ngender,male,0,2\n"
    err = load_error(write(tmp_path, categories, "gender\nfemale\n"))
    assert places(err) == {("categories.csv", 4, "value", "male")}
    assert err.problems[0].message == "is listed twice for feature 'gender' (first on row 3)"


def test_category_that_is_no_column_of_respondents(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, respondents="id,gender,district\nr1,female,north\n"))
    assert places(err) == {("categories.csv", 4, "category", "age")}
    assert err.problems[0].message == ("is not a column of respondents.csv (its attribute "
                                       "columns: gender, district)")


def test_semicolon_and_tab_separated_respondents_are_read(tmp_path: Path) -> None:
    # Danish and Norwegian Excel saves CSV with ';'; the delimiter is found from the header.
    comma = load_sortition(write(tmp_path / "comma", respondents="gender,age\nfemale,young\n"),
                           1)
    for name, sep in (("semicolon", ";"), ("tab", "\t")):
        other = load_sortition(write(tmp_path / name,
                                     respondents=f"gender{sep}age\nfemale{sep}young\n"), 1)
        assert other == comma


def test_respondent_value_that_is_no_listed_feature(tmp_path: Path) -> None:
    respondents = RESPONDENTS + "Female,young,east\nmale,,west\nfemale,middle,north\n"
    err = load_error(write(tmp_path, respondents=respondents))
    assert places(err) == {("respondents.csv", 5, "gender", "Female"),
                           ("respondents.csv", 6, "age", ""),
                           ("respondents.csv", 7, "age", "middle")}
    assert message_at(err, "respondents.csv", 7, "age", "middle") == (
        "is not a feature of category 'age' in categories.csv (its features: young, old)")


def test_a_feature_on_a_row_with_bad_numbers_still_counts_as_listed(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, CATEGORIES.replace("age,old,1,3", "age,old,1,x")))
    assert places(err) == {("categories.csv", 5, "max", "x")}


def test_duplicate_and_bad_ids(tmp_path: Path) -> None:
    respondents = "id,gender,age\na,female,young\nb,male,old\na,male,old\n,female,old\n" \
                  "c;d,male,young\n"
    err = load_error(write(tmp_path, respondents=respondents))
    assert places(err) == {("respondents.csv", 4, "id", "a"), ("respondents.csv", 5, "id", ""),
                           ("respondents.csv", 6, "id", "c;d")}
    assert message_at(err, "respondents.csv", 4, "id", "a") == (
        "respondent id is used twice (first on row 2)")
    assert message_at(err, "respondents.csv", 5, "id", "") == "must not be empty"


def test_bad_column_name_in_respondents(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, respondents="gender,age,*\nfemale,young,x\n"))
    assert places(err) == {("respondents.csv", 1, "*", NO_VALUE)}
    assert err.problems[0].message.startswith("column name must not contain")


def test_rows_with_the_wrong_number_of_fields(tmp_path: Path) -> None:
    err = load_error(write(tmp_path, CATEGORIES + "age,mid,0\n",
                           RESPONDENTS + "female,young\nmale,old,north,extra\nfemale,x,north\n"))
    assert places(err) == {("categories.csv", 6, None, NO_VALUE),
                           ("respondents.csv", 5, None, NO_VALUE),
                           ("respondents.csv", 6, None, NO_VALUE),
                           ("respondents.csv", 7, "age", "x")}
    assert message_at(err, "respondents.csv", 5, None, NO_VALUE) == (
        "has 2 fields, the header has 3")


def test_every_problem_in_parameters_and_both_files_comes_in_one_error(tmp_path: Path) -> None:
    categories = CATEGORIES + "gender,female,3,1\nregion,north,0,1\n"
    respondents = "id,gender,age\nr1,female,young\nr1,other,old\n"
    err = load_error(write(tmp_path, categories, respondents), -2)
    assert isinstance(err, ValueError)
    assert places(err) == {
        (None, None, "seats", -2),
        ("categories.csv", 6, "min", 3),
        ("categories.csv", 6, "feature", "female"),
        ("categories.csv", 7, "category", "region"),
        ("respondents.csv", 3, "id", "r1"),
        ("respondents.csv", 3, "gender", "other"),
    }
    assert str(err).startswith("6 problems in the input:")
    assert ("respondents.csv, row 3, column gender, value 'other': is not a feature of "
            "category 'gender'") in str(err)
