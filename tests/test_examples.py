"""The examples run: the walkthrough script, and the notebook cell by cell in a fresh kernel."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_walkthrough_writes_the_report_and_plots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["walkthrough.py", str(tmp_path)])
    runpy.run_path(str(EXAMPLES / "walkthrough.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "No justified envy" in out and "price of fairness" in out
    for name in ("report.html", "report.md", "probabilities.svg", "representation.svg",
                 "price_of_fairness.svg"):
        assert (tmp_path / name).stat().st_size > 0, name


def test_notebook_runs_cell_by_cell(tmp_path: Path) -> None:
    nbformat = pytest.importorskip("nbformat")  # the test extra installs it
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(EXAMPLES / "fairness.ipynb", as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    assert any("Committee report" in h for h in html)  # the Report's notebook view
    images = [o for o in outputs if "image/png" in o.get("data", {})
              or "image/svg+xml" in o.get("data", {})]
    assert len(images) >= 5  # the five plots
