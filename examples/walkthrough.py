"""Fairness walkthrough on the demo: solve, lottery, report, plots, a quality-floor sweep and
the envy audit. The notebook ``fairness.ipynb`` runs the same steps cell by cell.

    python examples/walkthrough.py [OUTPUT_DIR]

It writes ``report.html``, ``report.md`` and three SVG plots to OUTPUT_DIR (default: the
current directory) and prints what it found. Plots need ``pip install 'cocreate-match[plot]'``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cocreate_match import (
    envy_audit,
    lottery,
    plot_price_of_fairness,
    plot_probabilities,
    plot_representation,
    report,
    solve,
    sweep,
)
from cocreate_match.demo import demo_scenario
from cocreate_match.plots import figure_svg


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    scenario = demo_scenario()
    print(scenario)

    # 1. The optimal plan: every rule met, the most first choices.
    result = solve(scenario, seed=2026)
    print(result)

    # 2. The fair lottery: the most equal chances the rules allow (LEXIMIN), beside the
    #    random-priority baseline.
    fair = lottery(scenario)
    baseline = lottery(scenario, method="legacy", samples=50, seed=2026)
    print(fair)
    print(f"smallest chance: LEXIMIN {fair.min_probability:.3f}, "
          f"random priority {baseline.min_probability:.3f}")

    # 3. The report: representation against the pool and population targets, rules, ranks,
    #    politicians' load, and the lottery's fairness.
    targets = {("gender", "female"): 0.51, ("gender", "male"): 0.49}
    found = report(scenario, result, fair, targets, name="demo", baseline=baseline)
    for line in found.summary:
        print(" -", line)
    overall = found.representation[found.representation["committee_id"] == "*"]
    print(overall[["attribute", "value", "seated_share", "pool_share", "target_share"]]
          .to_string(index=False))
    found.to_html(out / "report.html")
    (out / "report.md").write_text(found.to_markdown(), encoding="utf-8")

    # 4. Plots (Figures; saved here as SVG).
    (out / "probabilities.svg").write_text(figure_svg(plot_probabilities(fair, baseline)),
                                           encoding="utf-8")
    (out / "representation.svg").write_text(figure_svg(plot_representation(found)),
                                            encoding="utf-8")

    # 5. The price of fairness: quality floors from 0.9 to 1.0.
    floors = sweep(scenario, {"quality_floor": [0.9, 0.95, 1.0]}, what="lottery")
    print(floors[["quality_floor", "status", "min_probability", "expected_score"]]
          .to_string(index=False))
    (out / "price_of_fairness.svg").write_text(figure_svg(plot_price_of_fairness(floors)),
                                               encoding="utf-8")

    # 6. Justified envy under the side rules, in the optimal plan and in a drawn plan.
    print(envy_audit(scenario, result.plan).summary())
    print(envy_audit(scenario, fair.draw(seed=2026)).summary())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
