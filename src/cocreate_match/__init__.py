"""cocreate_match: seat citizens and politicians on municipal task committees.

The public names are exported here, once; import them from ``cocreate_match``.
"""

from __future__ import annotations

from .bench import bench
from .changes import Change, plan_changes
from .check import Violation, check_plan, plan_score
from .envy import Envy, EnvyAudit, envy_audit
from .errors import CocreateMatchError, InputError, Problem, SolverError
from .explanation import ExplainedRule, Explanation
from .findings import Finding, precheck
from .generate import generate_scenario
from .invitations import adhoc_invitations
from .lottery import Lottery, LotteryMethod, UniformLottery, lottery
from .mandate import CompetenceProfile, Mandate, Quota
from .people import Attributes, Citizen, Politician
from .plan import Committee, Plan, Reserve, Role, Seat, Withdrawal, read_plan
from .plots import (
    plot_price_of_fairness,
    plot_probabilities,
    plot_ranks,
    plot_representation,
)
from .report import Report, read_chances, read_targets, report
from .reserves import ReserveCover, add_reserves, reserve_cover
from .result import Note, SolveResult, Status
from .rules import Rule, RuleKind
from .scenario import CouncilRules, Scenario
from .scenario_files import load_scenario, save_scenario
from .serialize import json_schema
from .solver import Backend, replace_dropouts, solve
from .sortition import load_sortition
from .sweep import sweep

__all__ = [
    "Attributes",
    "Backend",
    "Change",
    "Citizen",
    "CocreateMatchError",
    "Committee",
    "CompetenceProfile",
    "CouncilRules",
    "Envy",
    "EnvyAudit",
    "ExplainedRule",
    "Explanation",
    "Finding",
    "InputError",
    "Lottery",
    "LotteryMethod",
    "Mandate",
    "Note",
    "Plan",
    "Politician",
    "Problem",
    "Quota",
    "Report",
    "Reserve",
    "ReserveCover",
    "Role",
    "Rule",
    "RuleKind",
    "Scenario",
    "Seat",
    "SolveResult",
    "SolverError",
    "Status",
    "UniformLottery",
    "Violation",
    "Withdrawal",
    "add_reserves",
    "adhoc_invitations",
    "bench",
    "check_plan",
    "envy_audit",
    "generate_scenario",
    "json_schema",
    "load_scenario",
    "load_sortition",
    "lottery",
    "plan_changes",
    "plan_score",
    "plot_price_of_fairness",
    "plot_probabilities",
    "plot_ranks",
    "plot_representation",
    "precheck",
    "read_chances",
    "read_plan",
    "read_targets",
    "replace_dropouts",
    "report",
    "reserve_cover",
    "save_scenario",
    "solve",
    "sweep",
]

__version__ = "0.1.0"
