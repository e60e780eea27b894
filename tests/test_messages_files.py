"""Message codes of files, tables and dicts: problems carry their code and read in each
language; counts are whole numbers in the scenario's dict, its JSON Schema and its files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cocreate_match import InputError, Problem, Scenario, json_schema, load_scenario, save_scenario
from cocreate_match.demo import demo_scenario
from cocreate_match.messages import set_language
from cocreate_match.sortition import load_sortition


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    return caught.value


def only(err: InputError, code: str) -> Problem:
    [problem] = [p for p in err.problems if p.code == code]
    return problem


def scenario_dir(tmp_path: Path) -> Path:
    save_scenario(demo_scenario(), tmp_path)
    return tmp_path


def test_a_row_with_too_many_fields_has_a_code_and_reads_in_danish_and_norwegian(
        tmp_path: Path) -> None:
    root = scenario_dir(tmp_path)
    citizens = root / "citizens.csv"
    width = len(citizens.read_text(encoding="utf-8").splitlines()[0].split(","))
    lines = len(citizens.read_text(encoding="utf-8").splitlines())
    with citizens.open("a", encoding="utf-8") as handle:
        handle.write("x1,climate" + "," * (width - 1) + "\n")
    err = load_error(root)
    problem = only(err, "CM-E134")
    assert (problem.file, problem.row) == ("citizens.csv", lines + 1)
    assert problem.message == f"has {width + 1} fields, the header has {width}"
    try:
        set_language("da")
        assert problem.message == f"har {width + 1} felter, overskriften har {width}"
        assert str(err).startswith("1 problem i inddata:")
        assert f"citizens.csv, række {lines + 1}: har" in str(err)
        set_language("nb")
        assert problem.message == f"har {width + 1} felter, overskriften har {width}"
        assert str(err).startswith("1 problem i inndataene:")
    finally:
        set_language("en")
    assert problem.message == f"has {width + 1} fields, the header has {width}"


def test_one_field_is_one_field_in_each_language(tmp_path: Path) -> None:
    root = scenario_dir(tmp_path)
    with (root / "politicians.csv").open("a", encoding="utf-8") as handle:
        handle.write("lonely\n")
    problem = only(load_error(root), "CM-E134")
    assert problem.message == "has 1 field, the header has 5"
    assert problem.text("da") == "har 1 felt, overskriften har 5"
    assert problem.text("nb") == "har 1 felt, overskriften har 5"


def test_the_encoding_hint_for_excel_files_is_translated(tmp_path: Path) -> None:
    root = scenario_dir(tmp_path)
    citizens = root / "citizens.csv"
    text = citizens.read_text(encoding="utf-8")
    citizens.write_bytes(text.replace("\n", "\nø1,climate" + "," * (text.count(",", 0,
                                      text.index("\n")) - 1) + "\n", 1).encode("cp1252"))
    problem = only(load_error(root), "CM-E109")
    assert problem.file == "citizens.csv" and problem.row == 2
    assert problem.message.startswith("is not UTF-8 text (byte 0xf8 at offset ")
    assert problem.message.endswith("save it as 'CSV UTF-8', or give --encoding cp1252")
    assert "gem den som 'CSV UTF-8', eller angiv --encoding cp1252" in problem.text("da")
    assert "lagre den som 'CSV UTF-8', eller oppgi --encoding cp1252" in problem.text("nb")
    # mandates.toml is UTF-8 always: the hint names no Excel and no option.
    (root / "mandates.toml").write_bytes("# ø\n".encode("cp1252"))
    toml = only(load_error(root), "CM-E110")
    assert toml.message.endswith("; save it as UTF-8")
    assert toml.text("da").endswith("; gem den som UTF-8")
    assert toml.text("nb").endswith("; lagre den som UTF-8")


def test_sortition_problems_have_codes_in_every_language(tmp_path: Path) -> None:
    (tmp_path / "categories.csv").write_text("category,feature,min,max\ngender,female,1,x\n",
                                             encoding="utf-8")
    (tmp_path / "respondents.csv").write_text("gender\nfemale\nmale,extra\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_sortition(tmp_path, seats=1)
    ragged = only(caught.value, "CM-E134")
    assert (ragged.file, ragged.row) == ("respondents.csv", 3)
    assert ragged.text("da") == "har 2 felter, overskriften har 1"
    whole = only(caught.value, "CM-E133")
    assert (whole.file, whole.row, whole.column, whole.value) == ("categories.csv", 2, "max", "x")
    assert (whole.message, whole.text("da"), whole.text("nb")) == (
        "must be a whole number", "skal være et heltal", "må være et heltall")


def test_from_dict_problems_carry_codes(language: None) -> None:
    with pytest.raises(InputError) as caught:
        Scenario.from_dict({"mandates": [{"id": "a", "colour": "red"}], "citizens": "c1"})
    unknown = only(caught.value, "CM-E154")
    assert (unknown.section, unknown.column) == ("mandates[0]", "colour")
    assert unknown.message.startswith("unknown key (known keys: id, title, ")
    not_a_list = only(caught.value, "CM-E191")
    assert (not_a_list.section, not_a_list.column) == ("top level", "citizens")
    set_language("da")
    assert not_a_list.message == "skal være en liste (et JSON-array)"
    assert unknown.message.startswith("ukendt nøgle (kendte nøgler: id, title, ")


def test_a_bad_json_file_has_a_code(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"mandates": [}', encoding="utf-8")
    problem = only(load_error(path), "CM-E142")
    assert problem.message.startswith("is not valid JSON: ")
    assert problem.text("nb").startswith("er ikke gyldig JSON: ")
    assert "(linje 1, kolonne 15)" in problem.text("da")


# -- counts are whole numbers ---------------------------------------------------------------
_COUNTS = {"mandate": ("citizen_seats", "politician_seats"), "profile": ("min", "max"),
           "quota": ("min", "max"), "politician": ("min_committees", "max_committees"),
           "council": ("max_per_party", "min_parties")}


def _types(schema: dict[str, Any], ref: str) -> set[str]:
    target = schema["$defs"][ref.rsplit("/", 1)[1]]
    kind = target["type"]
    return {kind} if isinstance(kind, str) else set(kind)


def test_every_count_in_the_scenario_schema_is_an_integer() -> None:
    schema = json_schema("scenario")
    for name, keys in _COUNTS.items():
        for key in keys:
            prop = schema["$defs"][name]["properties"][key]
            assert _types(schema, prop["$ref"]) - {"null"} == {"integer"}, (name, key)
            assert schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]["minimum"] == 0
    # No property anywhere takes a number with a fraction.
    assert '"number"' not in json.dumps(schema)


@pytest.mark.parametrize("where", ["citizen_seats", "politician_seats", "profile", "quota",
                                   "politician", "council"])
def test_from_dict_refuses_a_count_with_a_fraction(where: str) -> None:
    data = demo_scenario().to_dict()
    mandate = data["mandates"][0]
    if where in ("citizen_seats", "politician_seats"):
        mandate[where], section, key = float(mandate[where]), "mandates[0]", where
    elif where == "profile":
        mandate["profiles"] = [{"name": "p", "any_of": ["x"], "min": 1.0, "max": None}]
        section, key = "mandates[0].profiles[0]", "min"
    elif where == "quota":
        mandate["quotas"] = [{"attribute": "gender", "value": "female", "min": 0, "max": 2.0}]
        section, key = "mandates[0].quotas[0]", "max"
    elif where == "politician":
        data["politicians"][0]["min_committees"] = 1.0
        section, key = "politicians[0]", "min_committees"
    else:
        data["council"]["min_parties"] = 0.0
        section, key = "council", "min_parties"
    with pytest.raises(InputError) as caught:
        Scenario.from_dict(data)
    [problem] = caught.value.problems
    assert (problem.section, problem.column) == (section, key)
    assert problem.message == "must be a whole number"
    assert problem.code.startswith("CM-E") and problem.text("da") != problem.message


def test_ten_point_zero_seats_are_refused_in_json_and_toml_files(tmp_path: Path) -> None:
    data = demo_scenario().to_dict()
    data["mandates"][0]["citizen_seats"] = 10.0
    path = tmp_path / "s.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    [problem] = load_error(path).problems
    assert (problem.file, problem.section, problem.column, problem.value) == (
        str(path), "mandates[0]", "citizen_seats", 10.0)
    assert problem.message == "must be a whole number"

    root = scenario_dir(tmp_path / "dir")
    toml = root / "mandates.toml"
    text = toml.read_text(encoding="utf-8")
    seats = f"citizen_seats = {demo_scenario().mandates[0].citizen_seats}\n"
    toml.write_text(text.replace(seats, "citizen_seats = 10.0\n", 1), encoding="utf-8")
    [problem] = load_error(root).problems
    assert (problem.file, problem.column, problem.value) == ("mandates.toml", "citizen_seats",
                                                             10.0)
    assert problem.message == "must be a whole number"
