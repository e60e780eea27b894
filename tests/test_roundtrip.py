"""Scenarios survive being written and read back: files, and DataFrames.

The strategy here draws scenarios meant to stress the file formats rather than the solver:
ids, tags, parties and attribute values with quotes, commas, backslashes, inner spaces and
newlines, and non-ASCII text; mandate text of any characters; missing attributes; attribute
keys held by only some citizens; cancelled committees that some people named.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from cocreate_match import (
    Attributes,
    Citizen,
    CompetenceProfile,
    CouncilRules,
    InputError,
    Mandate,
    Politician,
    Quota,
    Scenario,
    load_scenario,
    save_scenario,
)
from strategies import feasible_scenarios, tiny_scenarios

# Characters that a CSV or TOML writer must quote or escape, and some that it must not mangle.
# (Control characters such as a newline are refused in ids: they could never be named in a
# list of ids, and an escape code would rewrite a terminal.)
ODD = "ab\"',\\ é漢😀/=#[]{}"
ATTRIBUTE_KEYS = ("g", "district", "âge", 'a"b', "x,y", "k l")


def _name(draw: st.DrawFn) -> str:
    """An identifier: odd characters inside, none at the ends that a reader would strip."""
    text = draw(st.text(st.sampled_from(ODD), max_size=4))
    return "x" + text.strip() if text.strip() != text or not text else text


names = st.composite(lambda draw: _name(draw))()
values = st.one_of(st.sampled_from(["f", "m", "north"]), names)


@st.composite
def saveable_scenarios(draw: st.DrawFn) -> Scenario:
    """A valid scenario that ``citizens.csv`` can hold: every citizen names some committee
    (active or cancelled) or is open to any."""
    committee_ids = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    n_cancelled = draw(st.integers(0, len(committee_ids) - 1))
    person_ids = draw(st.lists(names, max_size=8, unique=True))
    n_citizens = draw(st.integers(0, len(person_ids)))
    tags = draw(st.lists(names, max_size=3, unique=True))

    citizens = []
    for pid in person_ids[:n_citizens]:
        applied = draw(st.lists(st.sampled_from(committee_ids), unique=True))
        attributes = {}
        for key in draw(st.lists(st.sampled_from(ATTRIBUTE_KEYS), unique=True)):
            attributes[key] = draw(st.just("") | values)  # "" is a missing attribute
        citizens.append(Citizen(
            id=pid, applied_to=applied,
            open_to_any=not applied or draw(st.booleans()),
            tags=draw(st.frozensets(st.sampled_from(tags))) if tags else frozenset(),
            household=draw(st.none() | st.sampled_from(["h1", 'h"2', "h,3"])),
            attributes=attributes,
        ))
    held = sorted({key for c in citizens for key in c.attributes})
    # With citizens, a quota must name an attribute one of them has; without, any will do.
    quota_keys = held if citizens else list(ATTRIBUTE_KEYS)

    def limits() -> dict[str, Any]:
        low = draw(st.integers(0, 3))
        return {"min": low, "max": draw(st.none() | st.integers(low, 5))}

    def quotas() -> list[Quota]:
        if not quota_keys:
            return []
        keys = draw(st.lists(st.tuples(st.sampled_from(quota_keys), values), max_size=2,
                             unique=True))
        return [Quota(attribute=a, value=v, **limits()) for a, v in keys]

    text = st.text(max_size=12)
    mandates = []
    for cid in committee_ids:
        profiles = [CompetenceProfile(name=name, any_of=draw(st.frozensets(
                        st.sampled_from(tags), min_size=1)), **limits())
                    for name in draw(st.lists(names, max_size=2, unique=True)) if tags]
        mandates.append(Mandate(
            id=cid, title=draw(text), background=draw(text), purpose=draw(text),
            premises=draw(text), duration=draw(text), deliverable=draw(text),
            citizen_seats=draw(st.integers(0, 12)), politician_seats=draw(st.integers(0, 5)),
            profiles=profiles, quotas=quotas()))
    politicians = []
    for pid in person_ids[n_citizens:]:
        low = draw(st.integers(0, 2))
        politicians.append(Politician(
            id=pid, party=draw(names),
            preferences=draw(st.lists(st.sampled_from(committee_ids), unique=True)),
            min_committees=low, max_committees=draw(st.none() | st.integers(low, 4))))
    council = CouncilRules(max_per_party=draw(st.none() | st.integers(0, 3)),
                           min_parties=draw(st.integers(0, 3)))
    try:
        scenario = Scenario(mandates=mandates[n_cancelled:], cancelled=mandates[:n_cancelled],
                            citizens=citizens, politicians=politicians, council=council,
                            quotas=quotas())
    except InputError:
        # Odd ids can give two rules one name (a committee "x/seats/citizens", say); such
        # scenarios are refused, rightly, and are rare.
        assume(False)
        raise
    return scenario


def round_trip(scenario: Scenario) -> Scenario:
    with tempfile.TemporaryDirectory() as directory:
        save_scenario(scenario, directory)
        return load_scenario(directory)


@given(saveable_scenarios())
def test_files_round_trip_exactly(scenario: Scenario) -> None:
    loaded = round_trip(scenario)
    assert loaded == scenario
    # Skipped preferences are written back into the people's lists, so the notes survive.
    assert loaded.cancellation_notes() == scenario.cancellation_notes()
    assert sorted(loaded.skipped) == sorted(scenario.skipped)


@given(st.one_of(feasible_scenarios(), tiny_scenarios()))
def test_solver_test_scenarios_round_trip(scenario: Scenario) -> None:
    assert round_trip(scenario) == scenario


def _frames(scenario: Scenario, missing: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The scenario's people as frames, each missing attribute given as ``missing``."""
    skipped: dict[str, list[str]] = {}
    for pid, cid in scenario.skipped:
        skipped.setdefault(pid, []).append(cid)
    keys = sorted({key for c in scenario.citizens for key in c.attributes})
    citizens = pd.DataFrame(
        [[c.id, [*c.applied_to, *skipped.get(c.id, ()), *(["*"] if c.open_to_any else [])],
          sorted(c.tags), c.household, *(c.attributes.get(k, missing) for k in keys)]
         for c in scenario.citizens],
        columns=["id", "applied_to", "tags", "household", *keys])
    politicians = pd.DataFrame(
        [[p.id, p.party, [*p.preferences, *skipped.get(p.id, ())], p.min_committees,
          p.max_committees] for p in scenario.politicians],
        columns=["id", "party", "preferences", "min_committees", "max_committees"])
    return citizens, politicians


@pytest.mark.parametrize("missing", [None, math.nan, ""])
@given(scenario=saveable_scenarios())
def test_frames_round_trip_with_missing_cells(scenario: Scenario, missing: Any) -> None:
    citizens, politicians = _frames(scenario, missing)
    rebuilt = Scenario.from_frames(mandates=scenario.mandates, cancelled=scenario.cancelled,
                                   citizens=citizens, politicians=politicians,
                                   council=scenario.council, quotas=scenario.quotas)
    assert rebuilt == scenario


# -- one meaning of "missing" -------------------------------------------------------------
def test_an_empty_value_is_a_missing_attribute() -> None:
    assert Citizen(id="c", attributes={"g": ""}) == Citizen(id="c", attributes={})
    assert Attributes({"g": "", "d": "n"}) == {"d": "n"}
    assert "g" not in Citizen(id="c", applied_to=["a"], attributes={"g": ""}).attributes


def test_a_quota_on_the_empty_value_is_refused() -> None:
    with pytest.raises(InputError) as info:
        Quota(attribute="g", value="")
    assert [(p.column, p.value) for p in info.value.problems] == [("value", "")]
    assert "missing attribute" in info.value.problems[0].message


def test_regression_missing_attribute_does_not_read_back_as_a_value(tmp_path: Path) -> None:
    # A quota wanting someone without a gender used to read back as the value "" and match
    # the citizen whose gender was missing, turning an infeasible scenario feasible.
    scenario = Scenario(
        mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0,
                          quotas=[Quota(attribute="g", value="f", min=1)])],
        citizens=[Citizen(id="c1", applied_to=["a"], attributes={"g": "m"}),
                  Citizen(id="c2", applied_to=["a"], attributes={})])
    save_scenario(scenario, tmp_path)
    assert (tmp_path / "citizens.csv").read_text(encoding="utf-8").splitlines()[2] == "c2,a,,,"
    loaded = load_scenario(tmp_path)
    assert loaded == scenario
    assert loaded.citizen("c2").attributes == {}


def test_empty_cells_read_as_missing_attributes(tmp_path: Path) -> None:
    (tmp_path / "mandates.toml").write_text('[[committee]]\nid = "a"\n', encoding="utf-8")
    (tmp_path / "citizens.csv").write_text("id,applied_to,g,d\nc1,a,f,\nc2,a, ,n\n",
                                           encoding="utf-8")
    (tmp_path / "politicians.csv").write_text("id,party\n", encoding="utf-8")
    c1, c2 = load_scenario(tmp_path).citizens
    assert c1.attributes == {"g": "f"} and c2.attributes == {"d": "n"}


def test_a_quota_on_a_column_nobody_fills_is_reported(tmp_path: Path) -> None:
    # The column exists, so the loader's column check passes; but no citizen has a value.
    (tmp_path / "mandates.toml").write_text(
        '[[quota]]\nattribute = "g"\nvalue = "f"\n\n[[committee]]\nid = "a"\n',
        encoding="utf-8")
    (tmp_path / "citizens.csv").write_text("id,applied_to,g\nc1,a,\n", encoding="utf-8")
    (tmp_path / "politicians.csv").write_text("id,party\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_scenario(tmp_path)
    assert [(p.file, p.section, p.column, p.value, p.message) for p in info.value.problems] == [
        ("mandates.toml", "[[quota]] #1", "attribute", "g", "no citizen has this attribute")]


def test_quota_columns_are_written_even_without_citizens(tmp_path: Path) -> None:
    scenario = Scenario(mandates=[Mandate(id="a", quotas=[Quota(attribute="g", value="f")])])
    assert round_trip(scenario) == scenario


@pytest.mark.parametrize("key", ["id", "applied_to", "tags", "household"])
def test_attributes_cannot_take_the_name_of_a_citizens_column(key: str) -> None:
    with pytest.raises(InputError) as info:
        Citizen(id="c", attributes={key: "x"})
    assert [(p.column, p.value) for p in info.value.problems] == [("attributes", key)]


# -- tables does not depend on scenario ----------------------------------------------------
def test_tables_imports_nothing_of_scenario_not_even_lazily() -> None:
    source = Path(__file__).parents[1] / "src" / "cocreate_match" / "tables.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
            imported.update(a.name for a in node.names)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    assert not {name for name in imported if "scenario" in name}, sorted(imported)


def test_tables_loads_without_scenario_in_a_fresh_interpreter() -> None:
    # The package's __init__ imports everything, so the package is stood in by an empty
    # module with the same path: then only tables and what it imports, directly or not, load.
    code = """
import importlib.util, sys, types
spec = importlib.util.find_spec("cocreate_match")
package = types.ModuleType("cocreate_match")
package.__path__ = list(spec.submodule_search_locations)
sys.modules["cocreate_match"] = package
import cocreate_match.tables
print(sorted(name for name in sys.modules if name.startswith("cocreate_match.")))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    loaded = ast.literal_eval(out.stdout.strip())
    assert "cocreate_match.tables" in loaded
    assert "cocreate_match.scenario" not in loaded, loaded
