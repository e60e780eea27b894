"""Bad input: every problem is reported at once, each with its file, row, column and value.

The scenario files are written inline. Line numbers count from the CSV header (line 1).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from cocreate_match import (
    Citizen,
    CompetenceProfile,
    CouncilRules,
    InputError,
    Mandate,
    Plan,
    Politician,
    Problem,
    Quota,
    Role,
    Scenario,
    Seat,
    load_scenario,
    read_plan,
    save_scenario,
)

MANDATES = """\
[council]
max_per_party = 2
min_parties = 1

[[quota]]
attribute = "gender"
value = "female"
min = 1

[[committee]]
id = "climate"
title = "Climate adaptation"
citizen_seats = 2
politician_seats = 1

  [[committee.profile]]
  name = "young"
  any_of = ["student"]
  min = 1

  [[committee.quota]]
  attribute = "gender"
  value = "female"
  min = 1

[[committee]]
id = "youth"
title = "Youth"
citizen_seats = 1
politician_seats = 1
"""

# Line 1 is the header; c1 is on line 2, c4 on line 5.
CITIZENS = """\
id,applied_to,tags,household,gender
c1,climate;youth,student,h1,female
c2,climate,,h2,male
c3,youth;*,,,female
c4,*,student,,male
"""

# p1 is on line 2, p2 on line 3.
POLITICIANS = """\
id,party,preferences,min_committees,max_committees
p1,A,climate,0,2
p2,B,youth;climate,1,
"""

CLIMATE = "[[committee]] #1 (id 'climate')"
YOUTH = "[[committee]] #2 (id 'youth')"
# A minimal committee, for TOML tests that need exactly one valid committee besides the rest,
# with people who refer to nothing else.
ONE_COMMITTEE = '[[committee]]\nid = "climate"\ncitizen_seats = 1\npolitician_seats = 1\n'
FEW_CITIZENS = "id,applied_to,gender\nc1,climate,female\n"
FEW_POLITICIANS = "id,party\np1,A\n"

NO_VALUE: Any = ...


def write_scenario(
    directory: Path,
    mandates: str | bytes | None = MANDATES,
    citizens: str | bytes | None = CITIZENS,
    politicians: str | bytes | None = POLITICIANS,
) -> Path:
    """Write the three files (None leaves a file out); bytes are written as they are."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in (("mandates.toml", mandates), ("citizens.csv", citizens),
                          ("politicians.csv", politicians)):
        if content is not None:
            data = content if isinstance(content, bytes) else content.encode("utf-8")
            (directory / name).write_bytes(data)
    return directory


def load_error(directory: Path) -> InputError:
    with pytest.raises(InputError) as info:
        load_scenario(directory)
    return info.value


def where(problem: Problem) -> tuple[Any, ...]:
    """(file, section, row, column, value); ``...`` when the problem has no value."""
    value = problem.value if problem.has_value else NO_VALUE
    if isinstance(value, list):
        value = tuple(value)
    return (problem.file, problem.section, problem.row, problem.column, value)


def places(err: InputError) -> set[tuple[Any, ...]]:
    return {where(p) for p in err.problems}


def message_at(err: InputError, *place: Any) -> str:
    """The message of the one problem at ``place`` (a :func:`where` tuple)."""
    found = [p.message for p in err.problems if where(p) == tuple(place)]
    assert len(found) == 1, (place, [where(p) for p in err.problems])
    return found[0]


# -- the fixture itself ---------------------------------------------------------------------------
def test_the_fixture_scenario_is_valid(tmp_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path))
    assert scenario.committee_ids == ("climate", "youth")
    assert [c.id for c in scenario.citizens] == ["c1", "c2", "c3", "c4"]
    c3 = scenario.citizen("c3")
    assert c3.applied_to == ("youth",) and c3.open_to_any
    assert scenario.citizen("c4").applied_to == () and scenario.citizen("c4").open_to_any
    assert scenario.citizen("c1").tags == {"student"}
    assert scenario.citizen("c1").household == "h1"
    assert scenario.citizen("c3").household is None
    assert scenario.politician("p2").preferences == ("youth", "climate")
    assert scenario.politician("p2").min_committees == 1
    assert scenario.politician("p2").max_committees is None
    assert scenario.council == CouncilRules(max_per_party=2, min_parties=1)
    assert scenario.quotas == (Quota(attribute="gender", value="female", min=1),)
    assert scenario.mandate("climate").profiles[0].any_of == {"student"}


def test_saved_scenario_reads_back_equal(tmp_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path / "in"))
    save_scenario(scenario, tmp_path / "out")
    assert load_scenario(tmp_path / "out") == scenario


# -- the error itself -----------------------------------------------------------------------------
def test_input_error_is_a_value_error_whose_text_lists_every_problem(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=CITIZENS + "c5,nope,,,male\nc6,,,,male\n",
                   politicians=POLITICIANS + "p3,A,,3,1\n")
    err = load_error(tmp_path)
    assert isinstance(err, ValueError)
    assert len(err.problems) == 3
    text = str(err)
    assert text.startswith("3 problems in the input:")
    for problem in err.problems:
        assert f"  - {problem}" in text
    assert "citizens.csv, row 6, column applied_to, value 'nope': unknown committee id" in text


def test_problems_in_all_three_files_come_in_one_error(tmp_path: Path) -> None:
    mandates = MANDATES.replace("citizen_seats = 1", "citizen_seats = -1")
    write_scenario(tmp_path, mandates=mandates, citizens=CITIZENS + "c5,nope,,,male\n",
                   politicians=POLITICIANS + "p3,A,zzz,,\n")
    assert places(load_error(tmp_path)) == {
        ("mandates.toml", YOUTH, None, "citizen_seats", -1),
        ("citizens.csv", None, 6, "applied_to", "nope"),
        ("politicians.csv", None, 4, "preferences", "zzz"),
    }


# -- required columns and keys --------------------------------------------------------------------
def test_missing_required_columns_and_keys_in_each_file(tmp_path: Path) -> None:
    write_scenario(
        tmp_path,
        mandates='[[committee]]\ntitle = "No id"\n',
        citizens="id,gender\nc1,female\n",
        politicians="party,preferences\nA,\n",
    )
    err = load_error(tmp_path)
    assert places(err) == {
        ("mandates.toml", "[[committee]] #1", None, "id", NO_VALUE),
        ("citizens.csv", None, 1, "applied_to", NO_VALUE),
        ("politicians.csv", None, 1, "id", NO_VALUE),
    }
    assert {p.message for p in err.problems} == {"required key is missing",
                                                 "required column is missing"}


@pytest.mark.parametrize(
    ("file", "header", "missing"),
    [
        ("citizens.csv", "applied_to,gender", "id"),
        ("citizens.csv", "id,gender", "applied_to"),
        ("politicians.csv", "party", "id"),
        ("politicians.csv", "id,preferences", "party"),
    ],
)
def test_each_required_column(tmp_path: Path, file: str, header: str, missing: str) -> None:
    contents = {"citizens.csv": CITIZENS, "politicians.csv": POLITICIANS}
    contents[file] = header + "\n"
    write_scenario(tmp_path, citizens=contents["citizens.csv"],
                   politicians=contents["politicians.csv"])
    err = load_error(tmp_path)
    assert places(err) == {(file, None, 1, missing, NO_VALUE)}
    assert err.problems[0].message == "required column is missing"


def test_semicolon_and_tab_separated_files_are_read_as_comma_separated(tmp_path: Path) -> None:
    # Danish and Norwegian Excel saves CSV with ';'; the delimiter is found from the header.
    write_scenario(tmp_path / "comma", citizens="id,applied_to,gender\nc1,climate,female\n")
    expected = load_scenario(tmp_path / "comma")
    for name, sep in (("semicolon", ";"), ("tab", "\t")):
        write_scenario(tmp_path / name, citizens=f"id{sep}applied_to{sep}gender\n"
                                                 f"c1{sep}climate{sep}female\n")
        assert load_scenario(tmp_path / name) == expected


def test_unknown_politician_column(tmp_path: Path) -> None:
    write_scenario(tmp_path, politicians="id,party,max_comittees\np1,A,2\n")
    err = load_error(tmp_path)
    assert places(err) == {("politicians.csv", None, 1, "max_comittees", NO_VALUE)}
    assert "unknown column" in err.problems[0].message


@pytest.mark.parametrize(
    ("table", "fields", "section", "key"),
    [
        ("[[committee.profile]]", "any_of = ['student']", f"{CLIMATE}, [[committee.profile]] #1",
         "name"),
        ("[[committee.profile]]", "name = 'young'", f"{CLIMATE}, [[committee.profile]] #1",
         "any_of"),
        ("[[committee.quota]]", "value = 'female'", f"{CLIMATE}, [[committee.quota]] #1",
         "attribute"),
        ("[[committee.quota]]", "attribute = 'gender'", f"{CLIMATE}, [[committee.quota]] #1",
         "value"),
    ],
)
def test_missing_key_of_a_profile_or_quota(tmp_path: Path, table: str, fields: str,
                                            section: str, key: str) -> None:
    write_scenario(tmp_path, mandates=f"{ONE_COMMITTEE}{table}\n{fields}\n",
                   citizens=FEW_CITIZENS, politicians=FEW_POLITICIANS)
    err = load_error(tmp_path)
    assert places(err) == {("mandates.toml", section, None, key, NO_VALUE)}
    assert err.problems[0].message == "required key is missing"


def test_missing_key_of_a_global_quota(tmp_path: Path) -> None:
    write_scenario(tmp_path, mandates=f"[[quota]]\nattribute = 'gender'\n{ONE_COMMITTEE}",
                   citizens=FEW_CITIZENS, politicians=FEW_POLITICIANS)
    assert places(load_error(tmp_path)) == {
        ("mandates.toml", "[[quota]] #1", None, "value", NO_VALUE)}


# -- ids ------------------------------------------------------------------------------------------
def test_duplicate_ids_everywhere(tmp_path: Path) -> None:
    write_scenario(
        tmp_path,
        mandates=MANDATES + '\n[[committee]]\nid = "youth"\n',
        citizens=CITIZENS + "c1,climate,,,male\n",
        politicians=POLITICIANS + "p1,C,,,\nc2,D,,,\n",
    )
    err = load_error(tmp_path)
    assert places(err) == {
        ("mandates.toml", "[[committee]] #3 (id 'youth')", None, "id", "youth"),
        ("citizens.csv", None, 6, "id", "c1"),
        ("politicians.csv", None, 4, "id", "p1"),
        ("politicians.csv", None, 5, "id", "c2"),
    }
    assert message_at(err, "politicians.csv", None, 5, "id", "c2") == (
        "id is used by a citizen and a politician")
    assert message_at(err, "citizens.csv", None, 6, "id", "c1") == "citizen id is used twice"


def test_duplicate_id_is_found_even_when_the_row_is_bad(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=CITIZENS + "c1,,,,male\n")
    assert places(load_error(tmp_path)) == {
        ("citizens.csv", None, 6, "id", "c1"),
        ("citizens.csv", None, 6, "applied_to", ""),
    }


def test_unknown_committee_ids(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=CITIZENS + "c5,climate;nope;*,,,male\n",
                   politicians=POLITICIANS + "p3,A,zzz;youth,,\n")
    err = load_error(tmp_path)
    assert places(err) == {("citizens.csv", None, 6, "applied_to", "nope"),
                           ("politicians.csv", None, 4, "preferences", "zzz")}
    assert {p.message for p in err.problems} == {"unknown committee id"}


def test_rows_naming_a_broken_committee_are_not_also_reported(tmp_path: Path) -> None:
    # youth has a bad seat count; the rows that name youth are fine and must stay quiet.
    write_scenario(tmp_path, mandates=MANDATES.replace("citizen_seats = 1", 'citizen_seats = "1"'))
    assert places(load_error(tmp_path)) == {("mandates.toml", YOUTH, None, "citizen_seats", "1")}


def test_bad_ids(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=CITIZENS + "c;5,climate,,,male\n*,climate,,,male\n",
                   mandates=MANDATES + "[[committee]]\nid = 5\n")
    err = load_error(tmp_path)
    assert places(err) == {
        ("citizens.csv", None, 7, "id", "*"),
        ("mandates.toml", "[[committee]] #3", None, "id", 5),
        # 'c;5' is a list separator inside an id
        ("citizens.csv", None, 6, "id", "c;5"),
    }
    assert message_at(err, "mandates.toml", "[[committee]] #3", None, "id", 5) == (
        "must be a string")


# -- applied_to -----------------------------------------------------------------------------------
def test_star_not_last_and_empty_applied_to(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=CITIZENS + "c5,*;climate,,,male\nc6,,,,male\nc7, ; ,,,f\n")
    err = load_error(tmp_path)
    assert places(err) == {
        ("citizens.csv", None, 6, "applied_to", "*;climate"),
        ("citizens.csv", None, 7, "applied_to", ""),
        ("citizens.csv", None, 8, "applied_to", ""),
    }
    assert "only come last" in message_at(err, "citizens.csv", None, 6, "applied_to",
                                          "*;climate")
    assert "applied to no committee" in message_at(err, "citizens.csv", None, 7, "applied_to",
                                                   "")


def test_committee_listed_twice(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=CITIZENS + "c5,climate;climate,,,male\n")
    err = load_error(tmp_path)
    assert places(err) == {("citizens.csv", None, 6, "applied_to", "climate")}
    assert err.problems[0].message == "is listed twice"


# -- limits ---------------------------------------------------------------------------------------
def test_min_greater_than_max_everywhere(tmp_path: Path) -> None:
    mandates = (
        MANDATES
        .replace('value = "female"\nmin = 1', 'value = "female"\nmin = 5\nmax = 2')
        .replace('any_of = ["student"]\n  min = 1', 'any_of = ["student"]\n  min = 3\n  max = 1')
        .replace('value = "female"\n  min = 1', 'value = "female"\n  min = 2\n  max = 0')
    )
    write_scenario(tmp_path, mandates=mandates, politicians=POLITICIANS + "p3,A,,3,1\n")
    err = load_error(tmp_path)
    assert places(err) == {
        ("mandates.toml", "[[quota]] #1", None, "min", 5),
        ("mandates.toml", f"{CLIMATE}, [[committee.profile]] #1", None, "min", 3),
        ("mandates.toml", f"{CLIMATE}, [[committee.quota]] #1", None, "min", 2),
        ("politicians.csv", None, 4, "min_committees", 3),
    }
    assert message_at(err, "politicians.csv", None, 4, "min_committees", 3) == (
        "min_committees (3) is greater than max_committees (1)")
    assert message_at(err, "mandates.toml", "[[quota]] #1", None, "min", 5) == (
        "min (5) is greater than max (2)")


def test_negative_seats_and_council_numbers(tmp_path: Path) -> None:
    mandates = (MANDATES.replace("citizen_seats = 2", "citizen_seats = -2")
                .replace("max_per_party = 2", "max_per_party = -1"))
    write_scenario(tmp_path, mandates=mandates, politicians=POLITICIANS + "p3,A,,-1,\n")
    err = load_error(tmp_path)
    assert places(err) == {
        ("mandates.toml", CLIMATE, None, "citizen_seats", -2),
        ("mandates.toml", "[council]", None, "max_per_party", -1),
        ("politicians.csv", None, 4, "min_committees", -1),
    }
    assert {p.message for p in err.problems} == {"must not be negative"}


@pytest.mark.parametrize(("toml", "value"), [('"3"', "3"), ("2.5", 2.5), ("true", True)])
@pytest.mark.parametrize("key", ["citizen_seats", "politician_seats"])
def test_non_integer_seats(tmp_path: Path, key: str, toml: str, value: Any) -> None:
    climate = "citizen_seats = 2\npolitician_seats = 1"
    mandates = MANDATES.replace(climate, climate.replace(f"{key} = ", f"{key} = {toml} #"))
    write_scenario(tmp_path, mandates=mandates)
    err = load_error(tmp_path)
    assert places(err) == {("mandates.toml", CLIMATE, None, key, value)}
    assert err.problems[0].message == "must be a whole number"


@pytest.mark.parametrize(("toml", "value"), [('"3"', "3"), ("2.5", 2.5), ("true", True)])
def test_non_integer_min_of_profile_quota_and_council(tmp_path: Path, toml: str,
                                                      value: Any) -> None:
    mandates = (MANDATES.replace('any_of = ["student"]\n  min = 1',
                                 f'any_of = ["student"]\n  min = {toml}')
                .replace('value = "female"\nmin = 1', f'value = "female"\nmin = {toml}')
                .replace("min_parties = 1", f"min_parties = {toml}"))
    write_scenario(tmp_path, mandates=mandates)
    assert places(load_error(tmp_path)) == {
        ("mandates.toml", f"{CLIMATE}, [[committee.profile]] #1", None, "min", value),
        ("mandates.toml", "[[quota]] #1", None, "min", value),
        ("mandates.toml", "[council]", None, "min_parties", value),
    }


def test_non_integer_committee_counts_of_politicians(tmp_path: Path) -> None:
    write_scenario(tmp_path, politicians=POLITICIANS + "p3,A,,x,2.5\np4,B,,1.0,\n")
    err = load_error(tmp_path)
    assert places(err) == {
        ("politicians.csv", None, 4, "min_committees", "x"),
        ("politicians.csv", None, 4, "max_committees", "2.5"),
        ("politicians.csv", None, 5, "min_committees", "1.0"),
    }
    assert {p.message for p in err.problems} == {"must be a whole number"}


# -- TOML keys and structure ----------------------------------------------------------------------
def test_unknown_keys_everywhere(tmp_path: Path) -> None:
    mandates = (
        "mn = 2\n"
        + MANDATES
        .replace("min_parties = 1", "min_parties = 1\nmn = 2")
        .replace('value = "female"\nmin = 1', 'value = "female"\nmin = 1\nmn = 2')
        .replace('title = "Climate adaptation"', 'title = "Climate adaptation"\nmn = 2')
        .replace('any_of = ["student"]', 'any_of = ["student"]\n  mn = 2')
        .replace('value = "female"\n  min = 1', 'value = "female"\n  min = 1\n  mn = 2')
    )
    write_scenario(tmp_path, mandates=mandates)
    err = load_error(tmp_path)
    assert places(err) == {
        ("mandates.toml", section, None, "mn", NO_VALUE)
        for section in ("top level", "[council]", "[[quota]] #1", CLIMATE,
                        f"{CLIMATE}, [[committee.profile]] #1",
                        f"{CLIMATE}, [[committee.quota]] #1")
    }
    assert all(p.message.startswith("unknown key (known keys: ") for p in err.problems)
    assert "known keys: name, any_of, min, max" in message_at(
        err, "mandates.toml", f"{CLIMATE}, [[committee.profile]] #1", None, "mn", NO_VALUE)


def test_wrong_shapes_of_tables(tmp_path: Path) -> None:
    write_scenario(tmp_path, mandates='council = 3\nquota = "x"\n' + ONE_COMMITTEE
                   + "profile = 1\n", citizens=FEW_CITIZENS, politicians=FEW_POLITICIANS)
    err = load_error(tmp_path)
    assert places(err) == {
        ("mandates.toml", "top level", None, "council", 3),
        ("mandates.toml", "top level", None, "quota", NO_VALUE),
        ("mandates.toml", "[[committee]] #1 (id 'climate')", None, "profile", NO_VALUE),
    }


def test_missing_committee_id_is_reported_once(tmp_path: Path) -> None:
    write_scenario(tmp_path, mandates=MANDATES + '\n[[committee]]\ntitle = "Culture"\n')
    err = load_error(tmp_path)
    assert places(err) == {("mandates.toml", "[[committee]] #3", None, "id", NO_VALUE)}


@pytest.mark.parametrize("mandates", ["[council]\nmin_parties = 1\n", "committee = []\n"])
def test_no_committees_at_all(tmp_path: Path, mandates: str) -> None:
    write_scenario(tmp_path, mandates=mandates, citizens="id,applied_to\nc1,*\n",
                   politicians=FEW_POLITICIANS)
    err = load_error(tmp_path)
    assert places(err) == {("mandates.toml", "top level", None, "committee", NO_VALUE)}
    assert "at least one" in err.problems[0].message


def test_only_committee_without_id_does_not_also_report_no_committees(tmp_path: Path) -> None:
    write_scenario(tmp_path, mandates='[[committee]]\ntitle = "x"\n',
                   citizens="id,applied_to\nc1,climate\n", politicians=FEW_POLITICIANS)
    assert places(load_error(tmp_path)) == {
        ("mandates.toml", "[[committee]] #1", None, "id", NO_VALUE)}


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    write_scenario(tmp_path, mandates='[[committee]]\nid = "climate"\ntitle = \n')
    err = load_error(tmp_path)
    assert places(err) == {("mandates.toml", None, 3, None, NO_VALUE)}
    assert err.problems[0].message.startswith("is not valid TOML")


def test_toml_syntax_error_does_not_hide_row_problems(tmp_path: Path) -> None:
    write_scenario(tmp_path, mandates="[[committee]\n", citizens=CITIZENS + "c5,,,,male\n",
                   politicians=POLITICIANS + "p3,A,,x,\n")
    assert places(load_error(tmp_path)) == {
        ("mandates.toml", None, 1, None, NO_VALUE),
        ("citizens.csv", None, 6, "applied_to", ""),
        ("politicians.csv", None, 4, "min_committees", "x"),
    }


def test_broken_header_does_not_hide_the_other_files_rows(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens="id,applied\nc1,climate\n",
                   politicians=POLITICIANS + "p3,A,,x,\n")
    assert places(load_error(tmp_path)) == {
        ("citizens.csv", None, 1, "applied_to", NO_VALUE),
        ("politicians.csv", None, 4, "min_committees", "x"),
    }


# -- profiles and quotas --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("any_of", "value", "message"),
    [
        ('"student"', "student", "must be a list of tags"),
        ("[1, 2]", (1, 2), "must be a list of tags"),
        ("[]", NO_VALUE, "must list at least one tag"),
    ],
)
def test_profile_any_of_must_be_a_non_empty_list_of_tags(tmp_path: Path, any_of: str,
                                                         value: Any, message: str) -> None:
    write_scenario(tmp_path, mandates=MANDATES.replace('any_of = ["student"]',
                                                       f"any_of = {any_of}"))
    err = load_error(tmp_path)
    section = f"{CLIMATE}, [[committee.profile]] #1"
    assert places(err) == {("mandates.toml", section, None, "any_of", value)}
    assert message in err.problems[0].message


def test_profile_with_bad_any_of_still_reports_its_other_problems(tmp_path: Path) -> None:
    mandates = MANDATES.replace('any_of = ["student"]\n  min = 1',
                                'any_of = "student"\n  min = 3\n  max = 1')
    write_scenario(tmp_path, mandates=mandates)
    section = f"{CLIMATE}, [[committee.profile]] #1"
    assert places(load_error(tmp_path)) == {("mandates.toml", section, None, "any_of", "student"),
                                            ("mandates.toml", section, None, "min", 3)}


def test_quota_attribute_must_be_a_citizen_column(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=CITIZENS.replace("gender", "sex"))
    err = load_error(tmp_path)
    assert places(err) == {
        ("mandates.toml", "[[quota]] #1", None, "attribute", "gender"),
        ("mandates.toml", f"{CLIMATE}, [[committee.quota]] #1", None, "attribute", "gender"),
    }
    assert all("is not a column of citizens.csv (its attribute columns: sex)" in p.message
               for p in err.problems)


def test_quota_attribute_is_checked_with_no_citizens(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens="id,applied_to,tags\n")
    assert places(load_error(tmp_path)) == {
        ("mandates.toml", "[[quota]] #1", None, "attribute", "gender"),
        ("mandates.toml", f"{CLIMATE}, [[committee.quota]] #1", None, "attribute", "gender"),
    }


def test_duplicate_profile_and_quota_names(tmp_path: Path) -> None:
    profile = '  [[committee.profile]]\n  name = "young"\n  any_of = ["x"]\n'
    quota = '[[quota]]\nattribute = "gender"\nvalue = "female"\n'
    write_scenario(tmp_path, mandates=quota + MANDATES.replace(
        '[[committee]]\nid = "youth"', profile + '[[committee]]\nid = "youth"'))
    err = load_error(tmp_path)
    assert places(err) == {("mandates.toml", CLIMATE, None, "profile", "young"),
                           ("mandates.toml", "[[quota]] #2", None, None, "gender=female")}
    assert message_at(err, "mandates.toml", "[[quota]] #2", None, None, "gender=female") == (
        "global quota is given twice")


# -- files ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("content", [b"", b"  \n\n \t\n"])
@pytest.mark.parametrize("name", ["mandates.toml", "citizens.csv", "politicians.csv"])
def test_empty_and_blank_files(tmp_path: Path, name: str, content: bytes) -> None:
    files: dict[str, str | bytes] = {"mandates": MANDATES, "citizens": CITIZENS,
                                     "politicians": POLITICIANS}
    files[name.split(".")[0]] = content
    write_scenario(tmp_path, **files)  # type: ignore[arg-type]
    err = load_error(tmp_path)
    assert places(err) == {(name, None, None, None, NO_VALUE)}
    assert err.problems[0].message.startswith("file is empty")


def test_header_only_citizens_file_means_no_citizens(tmp_path: Path) -> None:
    scenario = load_scenario(write_scenario(tmp_path, citizens="id,applied_to,gender\n"))
    assert scenario.citizens == ()
    assert len(scenario.politicians) == 2


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    citizens = "id,applied_to,gender\n\nc1,climate,f\n\n,,\nc2,nope,m\n"
    write_scenario(tmp_path, citizens=citizens, mandates=ONE_COMMITTEE,
                   politicians=FEW_POLITICIANS)
    assert places(load_error(tmp_path)) == {("citizens.csv", None, 6, "applied_to", "nope")}


def test_a_quoted_cell_over_two_lines_is_reported_at_its_first_line(tmp_path: Path) -> None:
    citizens = 'id,applied_to,gender\nc1,"climate;\nnope",f\nc2,nope,m\n'
    write_scenario(tmp_path, citizens=citizens, mandates=ONE_COMMITTEE,
                   politicians=FEW_POLITICIANS)
    assert places(load_error(tmp_path)) == {("citizens.csv", None, 2, "applied_to", "nope"),
                                            ("citizens.csv", None, 4, "applied_to", "nope")}


def test_not_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    write_scenario(
        tmp_path,
        mandates=MANDATES.encode().replace(b'title = "Youth"', b'title = "Y\xe6"'),
        citizens=CITIZENS.encode() + b"c5,climate,,,f\xe6\n",
    )
    err = load_error(tmp_path)
    toml_line = MANDATES.splitlines().index('title = "Youth"') + 1
    assert places(err) == {("mandates.toml", None, toml_line, None, NO_VALUE),
                           ("citizens.csv", None, 6, None, NO_VALUE)}
    assert all("not UTF-8" in p.message and "0xe6" in p.message for p in err.problems)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    bom = b"\xef\xbb\xbf"
    write_scenario(tmp_path, mandates=bom + MANDATES.encode(), citizens=bom + CITIZENS.encode(),
                   politicians=bom + POLITICIANS.encode())
    scenario = load_scenario(tmp_path)
    assert scenario == load_scenario(write_scenario(tmp_path / "plain"))
    assert scenario.citizens[0].id == "c1"  # not "\ufeffid" as the first column


def test_ragged_rows(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=CITIZENS + "c5,climate,,,male,extra\nc6,climate\n",
                   politicians=POLITICIANS + "p3\n")
    err = load_error(tmp_path)
    assert places(err) == {("citizens.csv", None, 6, None, NO_VALUE),
                           ("citizens.csv", None, 7, None, NO_VALUE),
                           ("politicians.csv", None, 4, None, NO_VALUE)}
    assert message_at(err, "citizens.csv", None, 6, None, NO_VALUE) == (
        "has 6 fields, the header has 5")
    assert message_at(err, "citizens.csv", None, 7, None, NO_VALUE) == (
        "has 2 fields, the header has 5")


def test_duplicate_and_unnamed_columns(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens="id,applied_to,gender,gender,\nc1,climate,f,m,\n",
                   politicians="id,party,party\np1,A,B\n")
    err = load_error(tmp_path)
    assert places(err) == {("citizens.csv", None, 1, "gender", NO_VALUE),
                           ("citizens.csv", None, 1, None, NO_VALUE),
                           ("politicians.csv", None, 1, "party", NO_VALUE)}
    assert message_at(err, "citizens.csv", None, 1, "gender", NO_VALUE) == "column appears twice"


def test_missing_files(tmp_path: Path) -> None:
    write_scenario(tmp_path, mandates=None, citizens=None, politicians=None)
    err = load_error(tmp_path)
    assert places(err) == {(name, None, None, None, NO_VALUE)
                           for name in ("mandates.toml", "citizens.csv", "politicians.csv")}
    assert {p.message for p in err.problems} == {"file not found"}


def test_one_missing_file_does_not_hide_problems_in_the_others(tmp_path: Path) -> None:
    write_scenario(tmp_path, politicians=None, citizens=CITIZENS + "c5,,,,m\n")
    assert places(load_error(tmp_path)) == {
        ("politicians.csv", None, None, None, NO_VALUE),
        ("citizens.csv", None, 6, "applied_to", ""),
    }


def test_directory_not_found(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nowhere")
    assert places(err) == {(str(tmp_path / "nowhere"), None, None, None, NO_VALUE)}
    assert err.problems[0].message == "directory not found"


def test_a_file_is_not_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "mandates.toml"
    path.write_text(MANDATES, encoding="utf-8")
    err = load_error(path)
    assert err.problems[0].message == "is not a directory"


def test_a_directory_in_place_of_a_file(tmp_path: Path) -> None:
    write_scenario(tmp_path, citizens=None)
    (tmp_path / "citizens.csv").mkdir()
    err = load_error(tmp_path)
    assert places(err) == {("citizens.csv", None, None, None, NO_VALUE)}
    assert err.problems[0].message == "is a directory, not a file"


# -- DataFrames -----------------------------------------------------------------------------------
FRAME_MANDATES = (Mandate(id="climate", citizen_seats=1, politician_seats=1),
                  Mandate(id="youth", citizen_seats=1, politician_seats=1))


def from_frames(citizens: pd.DataFrame, politicians: pd.DataFrame) -> Scenario:
    return Scenario.from_frames(mandates=FRAME_MANDATES, citizens=citizens,
                                politicians=politicians)


def frame_error(citizens: pd.DataFrame, politicians: pd.DataFrame) -> InputError:
    with pytest.raises(InputError) as info:
        from_frames(citizens, politicians)
    return info.value


def test_frames_with_list_and_nan_cells() -> None:
    citizens = pd.DataFrame({
        "id": ["c1", "c2"],
        "applied_to": [["climate", "youth"], ["youth", "*"]],
        "tags": [["student", "parent"], math.nan],
        "household": [math.nan, "h2"],
        "gender": ["female", "male"],
    })
    politicians = pd.DataFrame({
        "id": ["p1", "p2"], "party": ["A", "B"], "preferences": [("youth",), math.nan],
        "min_committees": [1, 0], "max_committees": [2, math.nan],
    })
    scenario = from_frames(citizens, politicians)
    c1, c2 = scenario.citizens
    assert c1.applied_to == ("climate", "youth") and not c1.open_to_any
    assert c1.tags == {"student", "parent"} and c1.household is None
    assert c2.applied_to == ("youth",) and c2.open_to_any and c2.tags == frozenset()
    assert c2.household == "h2" and c2.attributes == {"gender": "male"}
    p1, p2 = scenario.politicians
    # A column holding NaN is float: 2.0 must read as the count 2, NaN as "no limit".
    assert (p1.preferences, p1.min_committees, p1.max_committees) == (("youth",), 1, 2)
    assert (p2.preferences, p2.max_committees) == ((), None)


def test_frame_problems_name_the_row_labels() -> None:
    citizens = pd.DataFrame(
        {"id": ["c1", "c2", "c1"], "applied_to": ["climate", "nope", ""], "gender": list("fmx")},
        index=["ann", "bo", "cy"])
    politicians = pd.DataFrame(
        {"id": ["p1", "p2"], "party": ["A", None], "min_committees": [3, 1],
         "max_committees": [1, 2.5]},
        index=[10, 20])
    err = frame_error(citizens, politicians)
    assert places(err) == {
        ("citizens frame", None, "cy", "id", "c1"),
        ("citizens frame", None, "cy", "applied_to", ""),
        ("citizens frame", None, "bo", "applied_to", "nope"),
        ("politicians frame", None, 10, "min_committees", 3),
        ("politicians frame", None, 20, "max_committees", "2.5"),
        ("politicians frame", None, 20, "party", ""),
    }


def test_frame_missing_columns() -> None:
    err = frame_error(pd.DataFrame({"name": ["c1"]}), pd.DataFrame({"id": ["p1"], "x": [1]}))
    assert places(err) == {
        ("citizens frame", None, None, "id", NO_VALUE),
        ("citizens frame", None, None, "applied_to", NO_VALUE),
        ("politicians frame", None, None, "party", NO_VALUE),
        ("politicians frame", None, None, "x", NO_VALUE),
    }


def test_frames_must_be_data_frames() -> None:
    err = frame_error([{"id": "c1"}], pd.DataFrame({"id": ["p1"], "party": ["A"]}))  # type: ignore[arg-type]
    assert places(err) == {("citizens", None, None, None, NO_VALUE)}
    assert "must be a pandas DataFrame, got list" in err.problems[0].message


def test_from_frames_does_not_change_the_frames() -> None:
    citizens = pd.DataFrame({"id": ["c1"], "applied_to": [["climate"]], "gender": ["f"]})
    politicians = pd.DataFrame({"id": ["p1"], "party": ["A"]})
    before = (citizens.copy(deep=True), politicians.copy(deep=True))
    from_frames(citizens, politicians)
    pd.testing.assert_frame_equal(citizens, before[0])
    pd.testing.assert_frame_equal(politicians, before[1])


# -- the dataclass constructors -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda: CompetenceProfile(name="young", any_of=["student"], min=3, max=1),
         {(None, None, None, "min", 3)}),
        (lambda: CompetenceProfile(name="young", any_of=[]),
         {(None, None, None, "any_of", NO_VALUE)}),
        (lambda: Quota(attribute="gender", value="f", min=-1, max=2.5),  # type: ignore[arg-type]
         {(None, None, None, "min", -1), (None, None, None, "max", 2.5)}),
        (lambda: Mandate(id="", citizen_seats=-1, politician_seats=True),
         {(None, None, None, "id", ""), (None, None, None, "citizen_seats", -1),
          (None, None, None, "politician_seats", True)}),
        # A citizen may name no committee (all they named may be cancelled), but a quota on
        # the empty value would count missing attributes, and a value with surrounding
        # spaces could not be written to citizens.csv.
        (lambda: Quota(attribute="gender", value=""),
         {(None, None, None, "value", "")}),
        (lambda: Citizen(id="c1", attributes={"gender": " f", "age": "\n"}),
         {(None, None, None, "gender", " f"), (None, None, None, "age", "\n")}),
        (lambda: Citizen(id="c1", applied_to=["a", "a"], household=" h "),
         {(None, None, None, "applied_to", "a"), (None, None, None, "household", " h ")}),
        (lambda: Politician(id="p1", party="A", min_committees=3, max_committees=1),
         {(None, None, None, "min_committees", 3)}),
        (lambda: CouncilRules(max_per_party=-1, min_parties="2"),  # type: ignore[arg-type]
         {(None, None, None, "max_per_party", -1), (None, None, None, "min_parties", "2")}),
    ],
)
def test_constructors_report_every_problem(build: Any, expected: set[tuple[Any, ...]]) -> None:
    with pytest.raises(InputError) as info:
        build()
    assert isinstance(info.value, ValueError)
    assert places(info.value) == expected


def test_scenario_constructor_reports_every_reference_problem() -> None:
    with pytest.raises(InputError) as info:
        Scenario(
            mandates=[Mandate(id="climate"), Mandate(id="climate")],
            citizens=[Citizen(id="c1", applied_to=["nope"]), Citizen(id="c1", applied_to=["*x"])],
            politicians=[Politician(id="c1", party="A", preferences=["zzz"])],
        )
    assert places(info.value) == {
        ("Scenario.mandates", None, 1, "id", "climate"),
        ("Scenario.citizens", None, 0, "applied_to", "nope"),
        ("Scenario.citizens", None, 1, "id", "c1"),
        ("Scenario.citizens", None, 1, "applied_to", "*x"),
        ("Scenario.politicians", None, 0, "id", "c1"),
        ("Scenario.politicians", None, 0, "preferences", "zzz"),
    }


def test_scenario_needs_a_committee() -> None:
    with pytest.raises(InputError, match="at least one committee"):
        Scenario(mandates=[])


# -- plans ----------------------------------------------------------------------------------------
def plan_error(path: Path) -> InputError:
    with pytest.raises(InputError) as info:
        read_plan(path)
    return info.value


def test_plan_round_trip(tmp_path: Path) -> None:
    plan = Plan(seats=[Seat(committee_id="climate", person_id="c1", role=Role.CITIZEN),
                       Seat(committee_id="climate", person_id="p1", role=Role.POLITICIAN)],
                unseated_citizens=["c2"], unseated_politicians=["p2"])
    plan.to_csv(tmp_path / "plan.csv")
    assert read_plan(tmp_path / "plan.csv") == plan


def test_plan_with_bom_extra_columns_and_spaces_reads(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(b"\xef\xbb\xbfcommittee_id,person_id,role,rank\n"
                     b" climate , c1 , citizen ,1\n,p1,politician,\n")
    plan = read_plan(path)
    assert plan.seats == (Seat(committee_id="climate", person_id="c1", role=Role.CITIZEN),)
    assert plan.unseated_politicians == ("p1",)


def test_plan_missing_columns(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("committee_id,person\nclimate,c1\n", encoding="utf-8")
    err = plan_error(path)
    assert places(err) == {(str(path), None, 1, "person_id", NO_VALUE),
                           (str(path), None, 1, "role", NO_VALUE)}


def test_plan_bad_rows_are_all_reported(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("committee_id,person_id,role\nclimate,c1,mayor\nclimate,,citizen\n"
                    ",c2,citizen\nclimate,p1,politician,extra\nyouth,,Citizen\n", encoding="utf-8")
    err = plan_error(path)
    file = str(path)
    assert places(err) == {
        (file, None, 2, "role", "mayor"),
        (file, None, 3, "person_id", ""),
        (file, None, 5, None, NO_VALUE),
        (file, None, 6, "role", "Citizen"),
        (file, None, 6, "person_id", ""),
    }
    assert message_at(err, file, None, 2, "role", "mayor") == (
        "role must be 'citizen', 'politician', 'reserve' or 'withdrawn'")


def test_plan_duplicate_column(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("committee_id,person_id,role,role\nclimate,c1,citizen,politician\n",
                    encoding="utf-8")
    assert places(plan_error(path)) == {(str(path), None, 1, "role", NO_VALUE)}


def test_plan_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(b"committee_id,person_id,role\nclimate,c1,citizen\nclimate,c\xe6,citizen\n")
    err = plan_error(path)
    assert places(err) == {(str(path), None, 3, None, NO_VALUE)}
    assert "not UTF-8" in err.problems[0].message


@pytest.mark.parametrize("content", [b"", b"\n \n"])
def test_plan_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(content)
    assert plan_error(path).problems[0].message.startswith("file is empty")


def test_plan_missing_file_and_directory(tmp_path: Path) -> None:
    assert places(plan_error(tmp_path / "nope.csv")) == {
        (str(tmp_path / "nope.csv"), None, None, None, NO_VALUE)}
    assert plan_error(tmp_path / "nope.csv").problems[0].message == "file not found"
    assert plan_error(tmp_path).problems[0].message == "is a directory, not a file"


def test_plan_from_frame_names_row_labels() -> None:
    frame = pd.DataFrame({"committee_id": ["climate", "climate"], "person_id": ["c1", ""],
                          "role": ["citizen", "boss"]}, index=["a", "b"])
    with pytest.raises(InputError) as info:
        Plan.from_frame(frame)
    assert places(info.value) == {("plan frame", None, "b", "person_id", ""),
                                  ("plan frame", None, "b", "role", "boss")}
