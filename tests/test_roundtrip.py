"""Scenarios survive being written and read back: files, and DataFrames."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path


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
