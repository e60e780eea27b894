"""The report: its tables recomputed from the plan and lottery by hand, its HTML parsed with an
HTML parser, Markdown, notebook views, the command line, and bad inputs named at once."""

from __future__ import annotations

import math
import os
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from cocreate_match import (
    Citizen,
    InputError,
    Mandate,
    Politician,
    Quota,
    Role,
    Scenario,
    lottery,
    save_scenario,
    solve,
)
from cocreate_match.cli import main
from cocreate_match.demo import demo_scenario
from cocreate_match.report import gini, read_targets, report


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return demo_scenario()


@pytest.fixture(scope="module")
def demo_report(demo: Scenario):  # type: ignore[no-untyped-def]
    result = solve(demo)
    fair = lottery(demo)
    targets = {("gender", "female"): 0.5, ("gender", "male"): 0.5}
    return result, fair, report(demo, result, fair, targets, name="demo")


class Page(HTMLParser):
    """Collects the tables (rows of cell texts, by table id), figures with SVG, sections."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.figures: set[str] = set()
        self.sections: list[str] = []
        self.external: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._figure: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for key in ("src", "href"):
            if a.get(key) and not str(a[key]).startswith("#"):
                self.external.append(str(a[key]))
        if tag == "table" and a.get("id"):
            self._table = str(a["id"])
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "figure":
            self._figure = str(a.get("id"))
        elif tag == "svg" and self._figure:
            self.figures.add(self._figure)
        elif tag == "section":
            self.sections.append(str(a.get("id")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "figure":
            self._figure = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_tables_agree_with_the_plan_counted_by_hand(demo: Scenario, demo_report) -> None:  # type: ignore[no-untyped-def]
    result, _, r = demo_report
    plan = result.plan
    citizens = {c.id: c for c in demo.citizens}
    # Representation: seated women on each committee, and in the pool of its applicants.
    rep = r.representation.set_index(["committee_id", "attribute", "value"])
    for m in demo.mandates:
        seated = plan.committee(m.id).citizens
        women = sum(citizens[p].attributes.get("gender") == "female" for p in seated)
        row = rep.loc[(m.id, "gender", "female")]
        assert row["seated"] == women
        assert row["seated_share"] == pytest.approx(women / len(seated))
        pool = [c for c in demo.citizens if c.can_sit_on(m.id)]
        in_pool = sum(c.attributes.get("gender") == "female" for c in pool)
        assert row["pool"] == in_pool
        assert row["pool_share"] == pytest.approx(in_pool / len(pool))
        # The lottery's expected share of the seats: chances of the committee's women.
        _, fair, _ = demo_report
        k = demo.committee_ids.index(m.id)
        per = fair.committee_probabilities()
        women = sum(per[i, k] for i, c in enumerate(demo.citizens)
                    if c.attributes.get("gender") == "female")
        assert row["expected_share"] == pytest.approx(women / m.citizen_seats)
    assert rep.loc[("*", "gender", "female"), "target_share"] == 0.5
    # Ranks: the same tally as counting seats.
    tally = Counter((s.role.value, s.committee_id,
                     (citizens[s.person_id] if s.role is Role.CITIZEN else
                      demo.politician(s.person_id)).rank(s.committee_id)) for s in plan.seats)
    got = {(row.role, row.committee_id, None if pd.isna(row.rank) else int(row.rank)): row.people
           for row in r.ranks.itertuples(index=False)}
    assert got == dict(tally)
    assert r.ranks["rank"].dtype == "Int64" and r.ranks["people"].dtype == "int64"
    # Load: each politician's committees.
    load = Counter(s.person_id for s in plan.seats if s.role is Role.POLITICIAN)
    assert dict(zip(r.load["politician_id"], r.load["committees"], strict=True)) == {
        p.id: load[p.id] for p in demo.politicians}
    assert r.rules["holds"].all()
    assert set(r.rules["kind"]) >= {"profile", "quota", "seats_citizens"}


def test_fairness_figures_follow_from_the_lottery(demo: Scenario, demo_report) -> None:  # type: ignore[no-untyped-def]
    _, fair, r = demo_report
    chances = sorted(fair.probabilities().values())
    assert r.chances["probability"].tolist() == pytest.approx(chances)
    assert r.fairness["min"] == pytest.approx(fair.min_probability)
    assert r.fairness["max"] == pytest.approx(chances[-1])
    # The expected score from the plans of the lottery, one by one.
    expected = sum(p * sum(demo.score(demo.citizen(s.person_id) if s.role is Role.CITIZEN
                                      else demo.politician(s.person_id), s.committee_id)
                           for s in plan.seats)
                   for p, plan in fair.plans())
    assert r.fairness["expected_score"] == pytest.approx(expected)
    assert r.fairness["optimum"] == fair.optimum
    assert r.fairness["price_of_fairness"] == pytest.approx(1 - expected / fair.optimum)


def test_gini_by_definition() -> None:
    # Mean absolute difference over all ordered pairs, divided by twice the mean.
    values = [0.1, 0.4, 0.4, 0.9, 0.0]
    n, mean = len(values), sum(values) / len(values)
    by_pairs = sum(abs(a - b) for a in values for b in values) / (2 * n * n * mean)
    assert gini(values) == pytest.approx(by_pairs)
    assert gini([0.3] * 5) == 0.0


def test_html_is_one_page_with_every_table_and_plot(demo_report) -> None:  # type: ignore[no-untyped-def]
    result, _, r = demo_report
    page = Page()
    page.feed(r.to_html())
    assert page.external == []  # self-contained: nothing fetched from elsewhere
    assert page.sections[:2] == ["summary", "about"]
    assert page.figures == {"plot-probabilities", "plot-representation", "plot-ranks"}
    for name, frame in r.tables().items():
        rows = page.tables[f"table-{name}"]
        assert rows[0] == [str(c) for c in frame.columns]
        assert len(rows) - 1 == len(frame)
    # The figures in the page are the DataFrames' figures.
    body = page.tables["table-representation"][1:]
    header = page.tables["table-representation"][0]
    for cells, row in zip(body, r.representation.itertuples(index=False), strict=True):
        assert int(cells[header.index("seated")]) == row.seated
        share = cells[header.index("seated_share")]
        assert (share == "" and math.isnan(row.seated_share)) or \
            float(share) == pytest.approx(row.seated_share, abs=1e-6)
    probabilities = [float(row[2]) for row in page.tables["table-chances"][1:]]
    assert probabilities == pytest.approx(r.chances["probability"].tolist(), abs=1e-6)
    text = r.to_html()
    for needle in ("cocreate_match", result.backend, f"seed</th><td>{result.seed}",
                   result.status.value):
        assert needle in text


def test_html_is_the_same_bytes_in_separate_processes(tmp_path: Path) -> None:
    import subprocess

    code = ("import sys\nfrom cocreate_match import lottery, report, solve\n"
            "from cocreate_match.demo import demo_scenario\n"
            "s = demo_scenario()\n"
            "report(s, solve(s), lottery(s), name='demo').to_html(sys.argv[1])\n")
    for name, seed in (("a.html", "1"), ("b.html", "2")):
        subprocess.run([sys.executable, "-c", code, str(tmp_path / name)], check=True,
                       env={**os.environ, "PYTHONHASHSEED": seed})
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_markdown_has_every_table(demo_report) -> None:  # type: ignore[no-untyped-def]
    _, _, r = demo_report
    text = r.to_markdown()
    for name, frame in r.tables().items():
        header = "| " + " | ".join(frame.columns) + " |"
        assert header in text, name
    assert text.count("\n| ") >= sum(len(f) for f in r.tables().values())


def test_short_reprs_and_notebook_views(demo: Scenario, demo_report) -> None:  # type: ignore[no-untyped-def]
    result, fair, r = demo_report
    for thing in (demo, result, fair, r):
        text = repr(thing)
        assert len(text.splitlines()) <= 8 and len(text) < 800, text
        view = thing._repr_html_()
        page = Page()
        page.feed(view)
        assert view.startswith("<div>") and view.endswith("</div>")
        assert "<table" in view  # a small table for the notebook
    assert "10 committees" in repr(demo) and "300 citizens" in repr(demo)
    assert "optimal" in repr(result) and "679" in repr(result)
    assert "leximin" in repr(fair)


def test_to_frames_round_trip_and_numbers(demo: Scenario) -> None:
    frames = demo.to_frames()
    again = Scenario.from_frames(mandates=demo.mandates, citizens=frames["citizens"],
                                 politicians=frames["politicians"], quotas=demo.quotas,
                                 council=demo.council)
    assert again == demo
    assert frames["committees"]["citizen_seats"].sum() == sum(m.citizen_seats
                                                                for m in demo.mandates)
    assert frames["quotas"]["min"].dtype == "int64"
    assert frames["politicians"]["min_committees"].dtype == "int64"
    assert len(frames["profiles"]) == sum(len(m.profiles) for m in demo.mandates)


def test_plan_frame_has_numeric_ranks(demo: Scenario, demo_report) -> None:  # type: ignore[no-untyped-def]
    result, _, _ = demo_report
    frame = result.plan.to_frame(demo, chances=result.chances or {"c001": 0.5})
    assert frame["rank"].dtype == "Int64"
    seated = frame[frame["committee_id"] != ""]
    for row in seated.itertuples(index=False):
        person = (demo.citizen(row.person_id) if row.role == "citizen"
                  else demo.politician(row.person_id))
        expected = person.rank(row.committee_id)
        assert (pd.isna(row.rank) and expected is None) or row.rank == expected


def test_report_without_a_plan_or_lottery() -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id="x", applied_to=["a"])])
    r = report(s)
    assert r.chances is None and r.fairness is None
    assert r.summary[0].startswith("No plan")
    Page().feed(r.to_html())


def test_bad_arguments_are_named_together(tmp_path: Path) -> None:
    bad = tmp_path / "targets.csv"
    bad.write_text("attribute,value,share\ngender,f,1.5\n,m,x\ngender,f,0.1\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_targets(bad)
    where = {(p.row, p.column) for p in err.value.problems}
    # ...and gender's shares add up to more than 1.
    assert where == {(2, "share"), (3, "attribute"), (3, "share"), (4, "value"),
                     (None, "attribute")}
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id="x", applied_to=["a"])])
    with pytest.raises(InputError) as err:
        report("s", "plan")  # type: ignore[arg-type]
    assert {p.column for p in err.value.problems} == {"scenario", "plan"}
    frame = pd.DataFrame({"person_id": ["x", "nobody"], "committee_id": ["a", "b"],
                          "probability": [0.5, 2.0]})
    with pytest.raises(InputError) as err:
        report(s, lottery=frame)
    assert {(p.row, p.column) for p in err.value.problems} == {
        (1, "person_id"), (1, "committee_id"), (1, "probability")}


def test_politicians_load_and_party_mix() -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=0, politician_seats=2),
                           Mandate(id="b", citizen_seats=0, politician_seats=1)],
                 politicians=[Politician(id="p", party="A", min_committees=1,
                                         max_committees=2),
                              Politician(id="q", party="B", min_committees=0,
                                         max_committees=1)])
    result = solve(s)
    r = report(s, result)
    load = dict(zip(r.load["politician_id"], r.load["committees"], strict=True))
    assert sum(load.values()) == 3 and r.load["within"].all()
    mix = r.parties.groupby("committee_id")["politicians"].sum().to_dict()
    assert mix == {"a": 2, "b": 1}


def test_quota_rows_match_their_limits() -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=2, politician_seats=0,
                                   quotas=[Quota(attribute="g", value="f", min=1, max=1)])],
                 citizens=[Citizen(id=f"c{i}", applied_to=["a"], attributes={"g": "fm"[i % 2]})
                           for i in range(4)])
    r = report(s, solve(s))
    row = r.rules.set_index("rule").loc["a/quota/g=f"]
    assert (row["count"], row["min"], row["max"], bool(row["holds"])) == (1, 1, 1, True)


def test_command_line_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "demo"
    save_scenario(demo_scenario(), directory)
    plan, probs = tmp_path / "plan.csv", tmp_path / "probs.csv"
    assert main(["solve", str(directory), "--out", str(plan), "--quiet",
                 "--report-html", str(tmp_path / "solve.html")]) == 0
    assert main(["lottery", str(directory), "--out", str(probs), "--baseline-samples", "0",
                 "--report-html", str(tmp_path / "lottery.html")]) == 0
    (tmp_path / "targets.csv").write_text("attribute,value,share\ngender,female,0.5\n",
                                          encoding="utf-8")
    capsys.readouterr()
    assert main(["report", str(directory), "--plan", str(plan), "--lottery", str(probs),
                 "--targets", str(tmp_path / "targets.csv"), "--html",
                 str(tmp_path / "r.html"), "--md", str(tmp_path / "r.md")]) == 0
    out = capsys.readouterr().out
    assert "price of fairness" in out and "Report written to" in out
    for name in ("solve.html", "lottery.html", "r.html"):
        page = Page()
        page.feed((tmp_path / name).read_text(encoding="utf-8"))
        assert "table-representation" in page.tables
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Committee report: demo")
    # Every problem at once, exit code 2.
    assert main(["report", str(directory), "--plan", str(tmp_path / "none.csv"), "--lottery",
                 str(tmp_path / "none2.csv"), "--html", str(tmp_path / "x.html"), "--md",
                 str(tmp_path / "x.html")]) == 2
    err = capsys.readouterr().err
    assert "none.csv" in err and "none2.csv" in err and "--md" in err


def test_probabilities_alone_give_the_lotterys_own_figures(demo: Scenario,
                                                           demo_report) -> None:  # type: ignore[no-untyped-def]
    result, fair, r = demo_report
    again = report(demo, result, fair.to_frame())
    assert again.fairness is not None
    assert again.fairness["min"] == pytest.approx(fair.min_probability, abs=1e-12)
    assert again.fairness["expected_score"] == pytest.approx(r.fairness["expected_score"])
    assert again.representation["expected_share"].tolist() == pytest.approx(
        r.representation["expected_share"].tolist())


def test_a_floor_that_shuts_citizens_out_counts_them_in_the_smallest_chance() -> None:
    # As Lottery.min_probability: y could sit in a plan, so y's chance 0 is the smallest;
    # n can never sit and does not count.
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0),
                           Mandate(id="b", citizen_seats=0, politician_seats=0)],
                 citizens=[Citizen(id="x", applied_to=["a"]),
                           Citizen(id="y", applied_to=["b", "a"]),
                           Citizen(id="n", applied_to=["b"])])
    strict = report(s, lottery=lottery(s, quality_floor=1.0).to_frame()).fairness
    assert strict is not None and strict["min"] == 0.0
    free = report(s, lottery=lottery(s).to_frame()).fairness
    assert free is not None and free["min"] == pytest.approx(0.5)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda f: f.assign(probability=1.0), "more than its"),
    (lambda f: f.iloc[:0], "has no total row"),
    (lambda f: pd.concat([f, f.iloc[:1]]), "given twice"),
    (lambda f: f[f["committee_id"] == "*"], "add up to 0.000000, not to its total"),
])
def test_inconsistent_probabilities_are_refused(demo: Scenario, demo_report, change,  # type: ignore[no-untyped-def]
                                                expected: str) -> None:
    _, fair, _ = demo_report
    frame = change(fair.to_frame()).reset_index(drop=True)
    with pytest.raises(InputError) as err:
        report(demo, lottery=frame)
    assert any(expected in p.message for p in err.value.problems), err.value.problems


def test_a_plan_for_another_scenario_and_unknown_targets_are_refused(demo: Scenario) -> None:
    other = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                     citizens=[Citizen(id="x", applied_to=["a"])])
    with pytest.raises(InputError):
        report(other, solve(demo))
    with pytest.raises(InputError) as err:
        report(demo, targets={("Gender", "female"): 0.5, ("gender", "femal"): 0.2})
    assert {p.value for p in err.value.problems} == {"Gender", "femal"}


def test_markdown_keeps_each_row_on_one_line_and_text_as_text() -> None:
    s = Scenario(mandates=[Mandate(id="a", citizen_seats=1, politician_seats=0)],
                 citizens=[Citizen(id="x", applied_to=["a"],
                                   attributes={"note": "<script>|two\nlines"})])
    text = report(s, solve(s)).to_markdown()
    assert "<script>" not in text
    rows = [line for line in text.splitlines() if "&lt;script&gt;" in line]
    assert rows and all(line.startswith("| ") and line.endswith(" |") for line in rows)
