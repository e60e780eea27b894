"""The ``cocreate-match`` command line, over the public API.

Exit codes: 0 plan written (or plan valid); 1 ``check`` found broken rules; 2 invalid input;
3 no plan meets every rule; 4 time limit reached without a plan; 5 the solver failed;
6 a plan that breaks rules was written (``--relax``, or ``replace`` when the plan in force
already breaks rules); 7 a file (or stdout) could not be written; 70 an internal error (a bug:
please report it); 130 interrupted.

Messages come in English, Danish or Norwegian (bokmål): ``--lang en|da|nb``, or the language
of the environment (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``) when not given; help
texts are in English. Every message has a stable code (see :mod:`cocreate_match.messages`;
the command line's own are in ``data/messages/cli.toml``). On stderr each problem line, each
error line (the solver failed, a file or stdout cannot be written, no plan, interrupted) and
each logged warning that carries a code ends with the code in brackets, so that a script or
a helpdesk can act on it whatever the language::

    cocreate-match: invalid input (1 problem):
      - citizens.csv, row 3, column age, value 'x': must be a whole number [CM-E105]

The lines that say why no plan meets every rule end with their codes too. A line of text
printed on stderr stays one line: a line break in a value or a name shows as ``\\n``.
Lines on stdout (the results, "Plan written to ...") show no code, nor do progress lines.
Every bad argument of a command line is reported at once (unknown options, bad choices and
numbers, missing arguments), with exit code 2. A command whose arguments are read then
reports the problems of its options, of its output paths and of its input files, the
scenario's among them, together and before any work.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import io
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from ._validate import printable
from .errors import InputError, Problem, SolverError
from .lottery import LotteryMethod
from .messages import LANGUAGES, get_language, set_language
from .messages import text as msg
from .result import SolveResult, Status

if TYPE_CHECKING:
    from .explanation import Explanation
    from .plan import Plan
    from .scenario import Scenario

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_TIME_LIMIT = 4
EXIT_SOLVER = 5
EXIT_RELAXED = 6
EXIT_IO = 7
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130  # as a shell reports a process ended by Ctrl-C (128 + SIGINT)

_STATUS_EXIT = {
    Status.OPTIMAL: EXIT_OK,
    Status.FEASIBLE: EXIT_OK,
    Status.INFEASIBLE: EXIT_INFEASIBLE,
    Status.TIME_LIMIT: EXIT_TIME_LIMIT,
    # Asked for with --relax, and written, but it breaks rules: a script must not take it
    # for a plan that meets every rule.
    Status.RELAXED: EXIT_RELAXED,
}


# -- arguments: every bad one reported at once ---------------------------------------------------
# argparse stops at the first bad argument. Here a value that cannot be taken (not a number, not
# one of the choices) becomes an _Invalid marker, required arguments are checked after parsing,
# and unknown ones are collected, so that one run names every problem of the command line.

class _BadValue(argparse.ArgumentTypeError):
    """A value checker's refusal: the code of its text and the fields beyond option and value."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class _Invalid:
    """What a bad value parses to, holding its problem until every argument has been read."""

    __slots__ = ("problem",)

    def __init__(self, problem: Problem) -> None:
        self.problem = problem

    def __repr__(self) -> str:
        return f"_Invalid({self.problem.code})"


class _Stop(Exception):
    """An argument argparse cannot read past (a missing value, an ambiguous abbreviation)."""

    def __init__(self, problem: Problem, parser: argparse.ArgumentParser) -> None:
        super().__init__(problem.code)
        self.problem = problem
        self.parser = parser


class _ArgumentProblems(Exception):
    """Every problem of a command line, and the parser whose usage line to show."""

    def __init__(self, problems: list[Problem], parser: argparse.ArgumentParser) -> None:
        super().__init__(len(problems))
        self.problems = problems
        self.parser = parser


_PROBLEMS = "_cli_problems"  # the namespace attribute a subcommand leaves its problems in


def _action_name(action: argparse.Action) -> str:
    """An argument's name as argparse's messages give it (``--seed``, ``DIR``)."""
    if action.option_strings:
        return "/".join(action.option_strings)
    return str(action.metavar or action.dest)


def _collecting(convert: Any, name: str) -> Any:
    def take(value: str) -> Any:
        try:
            return convert(value)
        except _BadValue as bad:
            return _Invalid(Problem(code=bad.code, params={"option": name, "value": value,
                                                           **bad.params}))
    return take


def _one_of(choices: tuple[str, ...]) -> Any:
    def choose(value: str) -> str:
        if value not in choices:
            raise _BadValue("CM-E527", choices=", ".join(map(repr, choices)))
        return value
    return choose


def _argparse_problem(option: str | None, message: str) -> Problem:
    """A coded problem for what argparse itself says when it cannot read on."""
    import re

    if option is not None:
        if message == "expected one argument":
            return Problem(code="CM-E530", params={"option": option})
        if (found := re.fullmatch(r"ignored explicit argument (.*)", message)) is not None:
            return Problem(code="CM-E532", params={"option": option,
                                                   "value": found.group(1).strip("'\"")})
        return Problem(code="CM-E533", params={"option": option, "detail": message})
    if (found := re.fullmatch(r"ambiguous option: (\S+) could match (.*)", message)) is not None:
        return Problem(code="CM-E531", params={"option": found.group(1),
                                               "matches": found.group(2)})
    return Problem(code="CM-E534", params={"detail": message})


class _Parser(argparse.ArgumentParser):
    """An argument parser that finds every bad argument before it reports them (see above)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("exit_on_error", False)  # an ArgumentError keeps its argument
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise _Stop(_argparse_problem(None, message), self)

    def collect(self) -> None:
        """Check values and choices after parsing, so that a bad one does not stop it."""
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                for command in action.choices.values():
                    cast(_Parser, command).collect()
                continue
            if action.choices is not None:
                choices = tuple(str(c) for c in action.choices)
                if action.metavar is None:  # the help still lists them
                    action.metavar = "{" + ",".join(choices) + "}"
                action.choices = None
                action.type = _one_of(choices)
            if action.type is not None:
                action.type = _collecting(action.type, _action_name(action))

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        self._check_command(args)
        # Required arguments are checked below, all at once; the usage line still marks them.
        required = [action for action in self._actions if action.required]
        for action in required:
            action.required = False
        try:
            found, extras = super().parse_known_args(args, namespace)
        except argparse.ArgumentError as err:
            raise _Stop(_argparse_problem(err.argument_name, err.message), self) from None
        finally:
            for action in required:
                action.required = True
        missing = [_action_name(a) for a in required if getattr(found, a.dest, None) is None]
        if missing:
            problems = [*getattr(found, _PROBLEMS, ()),
                        Problem(code="CM-E528", params={"options": ", ".join(missing)})]
            setattr(found, _PROBLEMS, problems)
        return found, extras

    def _check_command(self, args: Sequence[str] | None) -> None:
        """An unknown command, said before its arguments are read as another command's."""
        commands = next((a for a in self._actions
                         if isinstance(a, argparse._SubParsersAction)), None)
        if commands is None or args is None:
            return
        # The first word that is neither an option nor the value of the top-level --lang.
        word = next((a for i, a in enumerate(args) if not a.startswith("-")
                     and (i == 0 or args[i - 1] != "--lang")), None)
        asks_help = any(a in ("-h", "--help", "--version") for a in args[:args.index(word)]
                        ) if word is not None else True
        if not asks_help and word not in commands.choices:
            raise _Stop(Problem(code="CM-E527", params={
                "option": _action_name(commands), "value": word,
                "choices": ", ".join(map(repr, commands.choices))}), self)


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace:
    """The arguments; :class:`_ArgumentProblems` with every bad one."""
    try:
        args, extras = parser.parse_known_args(argv)
    except _Stop as stop:
        raise _ArgumentProblems([stop.problem], stop.parser) from None
    problems = [value.problem for value in vars(args).values() if isinstance(value, _Invalid)]
    problems += getattr(args, _PROBLEMS, [])
    if extras:
        problems.append(Problem(code="CM-E529", params={"arguments": " ".join(extras)}))
    if problems:
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        command = getattr(args, "command", None)
        raise _ArgumentProblems(problems, commands.choices.get(command, parser)
                                if command else parser)
    return args


def _early_language(argv: Sequence[str]) -> str | None:
    """``--lang`` before the arguments are parsed, so that their problems read in it too."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        value = (argv[i + 1] if arg == "--lang" and i + 1 < len(argv)
                 else arg.partition("=")[2] if arg.startswith("--lang=") else None)
        if value is not None:
            return value if value in LANGUAGES else None
    return None


_DIR_HELP = "the scenario: a directory of mandates.toml, citizens.csv and politicians.csv"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _BadValue("CM-E522") from None
    if not value > 0 or value == float("inf"):
        raise _BadValue("CM-E523")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise _BadValue("CM-E520") from None
    if value < 0:
        raise _BadValue("CM-E521")
    return value


def _cap(text: str) -> float:
    value = _share(text)
    if value <= 0.0:
        raise _BadValue("CM-E526")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _BadValue("CM-E524") from None
    if not 0.0 <= value <= 1.0:
        raise _BadValue("CM-E525")
    return value


def _solve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=_count, default=0, help="seed for every random choice (0)")
    p.add_argument("--time-limit", type=_seconds, default=None, metavar="S",
                   help="seconds for the solve (no limit)")
    p.add_argument("--backend", choices=["highs", "cpsat"], default="highs",
                   help="solver backend (highs)")
    p.add_argument("--relax", action="store_true",
                   help="when the rules cannot all be met, break as few as possible (never "
                        "a seat rule) and report them")
    p.add_argument("--explain-out", metavar="JSON",
                   help="write the conflicting rules, findings and relaxed rules as JSON")
    p.add_argument("--reserves", type=_count, default=0, metavar="R",
                   help="add up to R ranked reserves per committee to the plan (0; at most "
                        "the number of citizens in the scenario)")
    p.add_argument("--fair", action="store_true",
                   help="draw the plan (with --seed) from the LEXIMIN lottery over all plans "
                        "of optimal score: the most equal chances the rules allow; each "
                        "citizen's chance is written in a 'chance' column")


def build_parser() -> _Parser:
    from . import __version__

    parser = _Parser(prog="cocreate-match",
                     description="Seat citizens and politicians on task committees.",
                     epilog="Exit codes: 0 plan written or valid; 1 check found broken rules; "
                            "2 invalid input; 3 no plan meets every rule; 4 time limit without "
                            "a plan; 5 solver failure; 6 a plan that breaks rules was written "
                            "(--relax, or replace on a plan that breaks rules); 7 a file "
                            "could not be written; 70 internal error (a bug); "
                            "130 interrupted. "
                            "Messages are in English, Danish or Norwegian (--lang, or the "
                            "environment's LANGUAGE, LC_ALL, LC_MESSAGES or LANG); each "
                            "problem, error and warning on stderr ends with its stable code, "
                            "such as [CM-E105]; results on stdout show none.")
    parser.add_argument("--version", action="version", version=f"cocreate-match {__version__}",
                        help="print the version and exit")
    # Also before the command (``cocreate-match --lang da solve ...``), where people put it.
    parser.add_argument("--lang", dest="lang_before", choices=list(LANGUAGES), default=None,
                        help="the language of messages, as the command's --lang")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                metavar="COMMAND")

    demo = sub.add_parser("demo", help="solve the built-in Gentofte-like scenario")
    demo.add_argument("--export", metavar="DIR", help="write the demo scenario files to DIR "
                      "(a template) instead of solving")
    demo.add_argument("--out", metavar="PLAN_CSV", help="also write the plan")
    _solve_options(demo)

    solve = sub.add_parser("solve", help="solve a scenario directory and write plan.csv")
    solve.add_argument("directory", metavar="DIR", help=_DIR_HELP)
    solve.add_argument("--out", metavar="PLAN_CSV", help="write the plan (needed unless --json)")
    solve.add_argument("--json", action="store_true",
                       help="write the result (status, plan, explanation, ...) as JSON on "
                            "stdout, and nothing else; the summary goes to stderr")
    solve.add_argument("--quiet", action="store_true", help="print only the outcome line")
    solve.add_argument("--keep", metavar="PLAN_CSV",
                       help="a plan in force: change as few of its seats as the rules allow "
                            "(then the score, then the lot); its withdrawals stay out")
    solve.add_argument("--force", metavar="PAIRS_CSV",
                       help="seats that must hold: a CSV with columns person_id, committee_id")
    solve.add_argument("--forbid", metavar="PAIRS_CSV",
                       help="seats that must not hold: a CSV with columns person_id, "
                            "committee_id")
    solve.add_argument("--changes-out", metavar="CSV",
                       help="with --keep: write one row per changed seat (who left, who came "
                            "in, why)")
    solve.add_argument("--report-html", metavar="HTML",
                       help="also write a report of the plan (representation, rules, "
                            "preferences, load) as one HTML page")
    _solve_options(solve)

    rep = sub.add_parser("replace", help="fill the seats of people who drop out of a plan "
                         "(keeps every other seat; reserves by rank first, then preference, "
                         "then the lot)")
    rep.add_argument("directory", metavar="DIR", help=_DIR_HELP)
    rep.add_argument("--plan", metavar="PLAN_CSV", required=True, help="the plan in force")
    rep.add_argument("--dropouts", metavar="IDS_TXT", required=True,
                     help="ids of the people who leave, one per line")
    rep.add_argument("--out", metavar="NEW_PLAN_CSV", required=True,
                     help="where to write the new plan")
    rep.add_argument("--explain-out", metavar="JSON",
                     help="write why the seats cannot be filled, as JSON")
    rep.add_argument("--changes-out", metavar="CSV",
                     help="write one row per changed seat (who left, who came in, why)")
    rep.add_argument("--when", default="", metavar="TEXT",
                     help="the date or round of the drop-outs, recorded in the plan")
    rep.add_argument("--seed", type=_count, default=0, help="seed for the lot among equals (0)")
    rep.add_argument("--time-limit", type=_seconds, default=None, metavar="S",
                     help="seconds for the solve (no limit)")
    rep.add_argument("--backend", choices=["highs", "cpsat"], default="highs",
                     help="solver backend (highs)")

    adhoc = sub.add_parser("adhoc", help="suggest citizens to invite to a single meeting")
    adhoc.add_argument("directory", metavar="DIR", help=_DIR_HELP)
    adhoc.add_argument("--plan", metavar="PLAN_CSV", required=True, help="the plan in force")
    adhoc.add_argument("--committee", required=True, help="the committee that meets")
    adhoc.add_argument("--profile", required=True, help="a competence profile of the committee")
    adhoc.add_argument("--count", type=_count, required=True, metavar="K",
                       help="how many citizens to invite")
    adhoc.add_argument("--invited", metavar="IDS_TXT",
                       help="earlier invitations, one id per line; the new ones are appended "
                            "(the file is created if missing)")
    adhoc.add_argument("--seed", type=_count, default=0, help="seed for the lot among equals (0)")

    check = sub.add_parser("check", help="check a plan against every rule of a scenario")
    check.add_argument("directory", metavar="DIR", help=_DIR_HELP)
    check.add_argument("plan", metavar="PLAN_CSV", help="the plan to check")

    lot = sub.add_parser("lottery", help="a fair lottery over plans: each citizen's chance")
    lot.add_argument("directory", metavar="DIR", nargs="?",
                     help="scenario directory (or use --sortition)")
    lot.add_argument("--sortition", metavar="DIR",
                     help="single-panel sortition data (categories.csv, respondents.csv)")
    lot.add_argument("--seats", type=_count, help="panel size, with --sortition")
    lot.add_argument("--out", metavar="PROBS_CSV", required=True,
                     help="where to write each citizen's chance per committee and in total")
    lot.add_argument("--method", choices=[m.value for m in LotteryMethod], default="leximin",
                     help="how chances are shared (leximin)")
    lot.add_argument("--quality-floor", type=_share, default=None, metavar="F",
                     help="every plan reaches this fraction of the optimal objective")
    lot.add_argument("--max-probability", type=_cap, default=None, metavar="U",
                     help="cap everyone's chance of a seat at U (leximin and maximin); a cap "
                          "too low is refused with the smallest one any lottery keeps")
    lot.add_argument("--panels", type=_count, default=None, metavar="M",
                     help="also round the lottery to M equally likely plans (at most "
                          "1000000)")
    lot.add_argument("--panels-out", metavar="PANELS_CSV", help="write the M plans")
    lot.add_argument("--draw-out", metavar="PLAN_CSV", help="draw one plan (with --seed)")
    lot.add_argument("--baseline-samples", type=_count, default=50, metavar="N",
                     help="random-priority plans for the baseline comparison (50; 0: skip; "
                          "at most 100000)")
    lot.add_argument("--samples", type=_count, default=200,
                     help="plans for --method legacy (200; at most 100000)")
    lot.add_argument("--seed", type=_count, default=0,
                     help="seed of the baseline and of --draw-out (0)")
    lot.add_argument("--time-limit", type=_seconds, default=None, metavar="S",
                     help="seconds for the lottery (no limit)")
    lot.add_argument("--report-html", metavar="HTML",
                     help="also write a report of the lottery and the plan it draws for --seed "
                          "as one HTML page")

    report = sub.add_parser("report", help="report on a plan (and a lottery): representation, "
                            "rules, preferences, load, fairness")
    report.add_argument("directory", metavar="DIR", help=_DIR_HELP)
    report.add_argument("--plan", metavar="PLAN_CSV", required=True,
                        help="the plan to report on")
    report.add_argument("--lottery", metavar="PROBS_CSV",
                        help="probabilities written by the lottery command")
    report.add_argument("--targets", metavar="TARGETS_CSV",
                        help="population shares: columns attribute, value, share")
    report.add_argument("--html", metavar="HTML", help="write the report as one HTML page")
    report.add_argument("--md", metavar="MD", help="write the report as Markdown")

    gen = sub.add_parser("generate", help="write a synthetic scenario (feasible by construction)")
    gen.add_argument("directory", metavar="DIR", help="the directory to write the scenario to")
    gen.add_argument("--committees", type=_count, required=True,
                     help="how many committees (at most 10000)")
    gen.add_argument("--citizens", type=_count, required=True,
                     help="how many applicants (at most 1000000)")
    gen.add_argument("--politicians", type=_count, required=True,
                     help="council size (at most 100000)")
    gen.add_argument("--seed", type=_count, required=True,
                     help="seed of the generator (the same seed gives the same files)")
    gen.add_argument("--choices", type=_count, default=3, help="committees each applicant lists")
    gen.add_argument("--any-share", type=_share, default=0.1,
                     help="share of applicants open to any committee (0.1)")
    bench_p = sub.add_parser("bench", help="run a benchmark grid of generated scenarios or "
                             "sortition pools and write a table of the results")
    bench_p.add_argument("grid", metavar="GRID",
                         help="the grid: a TOML file (see cocreate_match.bench)")
    bench_p.add_argument("--out", required=True, metavar="DIR",
                         help="folder for results.csv, machine.json and the plots; points "
                              "already in its results.csv are not run again")
    bench_p.add_argument("--workers", type=_count, default=None, metavar="N",
                         help="points at once in local processes (1)")
    bench_p.add_argument("--dask", metavar="ADDRESS",
                         help="run the points on a Dask scheduler, such as tcp://host:8786 "
                              "(the dask extra)")
    for command in sub.choices.values():
        _common_options(command)
    parser.collect()
    return parser


def _common_options(p: argparse.ArgumentParser) -> None:
    """Options every command takes: how files are read and written, and how much it says."""
    files = p.add_argument_group("files and messages")
    files.add_argument("--encoding", metavar="NAME",
                       help="read input files in this encoding, such as cp1252 for files that "
                            "Excel saved as 'CSV' on Danish or Norwegian Windows (UTF-8)")
    files.add_argument("--delimiter", choices=[",", ";", "tab"],
                       help="the cell separator of input CSV files (found from the header)")
    files.add_argument("--excel", action="store_true",
                       help="write CSV for Excel: UTF-8 with a byte-order mark, ';' between "
                            "cells, and cells starting with =, +, - or @ written as text")
    files.add_argument("-v", "--verbose", action="count", default=0,
                       help="say more on stderr: progress (-v), and details with personal data "
                            "(-vv)")
    files.add_argument("-q", dest="silent", action="store_true",
                       help="say nothing on stderr but errors")
    files.add_argument("--lang", choices=list(LANGUAGES), default=None,
                       help="the language of messages: English, Danish or Norwegian bokmål "
                            "(from the environment: LANGUAGE, LC_ALL, LC_MESSAGES, LANG)")


def _print_problems(problems: Sequence[Problem], out: TextIO,
                    prog: str = "cocreate-match") -> None:
    """The problems of the input, one a line, each ending with its code."""
    print(msg("CM-C001", prog=prog, count=len(problems)), file=out)
    for problem in problems:
        print(f"  - {_one_line(str(problem))}{_code_of(problem)}", file=out)


def _one_line(text: str) -> str:
    r"""``text`` as one printable line: a line break in a value or a name (a TOML key may hold
    one) shows as ``\n`` or ``\r``, so that it cannot make a line of its own that looks like
    another problem (the Unicode line and paragraph separators too)."""
    return (printable(text).replace("\n", "\\n").replace("\u2028", "\\u2028")
            .replace("\u2029", "\\u2029"))


def _code_of(problem: Problem) -> str:
    """`` [CM-E105]``: the code a problem line ends with (none for a problem made without)."""
    return f" [{problem.code}]"


def _write_plan(result: SolveResult, path: str, scenario: object) -> None:
    from .scenario import Scenario

    assert result.plan is not None and isinstance(scenario, Scenario)
    # A write failure reaches main as OSError naming the file: exit code 7.
    result.plan.to_csv(path, scenario, chances=result.chances)


def _check_writable(path: str) -> None:
    problems = _writable_problems(path)
    if problems:
        raise InputError(problems)


def _distinct_outputs(**paths: str | None) -> list[Problem]:
    """Each output path at most once: a second write would destroy the first file."""
    seen: dict[str, str] = {}
    problems = []
    for option, path in paths.items():
        if not path:
            continue
        key = str(Path(path).resolve())
        if key in seen:
            problems.append(Problem(code="CM-E505", params={"option": f"--{seen[key]}"},
                                    column=f"--{option.replace('_', '-')}", value=path))
        seen.setdefault(key, option.replace("_", "-"))
    return problems


_OUTPUTS = ("out", "explain_out", "changes_out", "report_html", "panels_out", "draw_out",
            "html", "md")
_INPUT_FILES = ("plan", "keep", "force", "forbid", "dropouts", "lottery", "targets")


def _onto_inputs(args: argparse.Namespace) -> list[Problem]:
    """Outputs that would overwrite one of the command's own input files, found before any
    work (writing plan.csv over citizens.csv would destroy the scenario)."""
    inputs: dict[str, str] = {}
    for name in ("directory", "sortition"):
        where = getattr(args, name, None)
        if where and Path(where).suffix.lower() == ".json":
            inputs[str(Path(where).resolve())] = name.upper() if name == "directory" else name
        elif where:
            for file in ("mandates.toml", "citizens.csv", "politicians.csv", "categories.csv",
                         "respondents.csv"):
                inputs[str((Path(where) / file).resolve())] = file
    for name in _INPUT_FILES:
        if isinstance(where := getattr(args, name, None), str):
            inputs[str(Path(where).resolve())] = f"--{name}"
    # A new plan may replace the plan in force it was made from (solve --keep, replace).
    plan_over_plan = {("out", "--keep"), ("out", "--plan")}
    return [Problem(code="CM-E506", params={"input": inputs[key]},
                    column=f"--{name.replace('_', '-')}", value=path)
            for name in _OUTPUTS if isinstance(path := getattr(args, name, None), str)
            and (key := str(Path(path).resolve())) in inputs
            and (name, inputs[key]) not in plan_over_plan]


def _writable_problems(path: str | None) -> list[Problem]:
    if not path:
        return []
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        return [Problem(code="CM-E507", params={"directory": str(parent)}, file=path)]
    if Path(path).is_dir():
        return [Problem(code="CM-E508", file=path)]
    return []


def _outcome(result: SolveResult, *, error: bool = False, objective: bool = True) -> str:
    """``optimal: <the result's message> Objective 679.``; as an error line (no plan, on
    stderr), ending with the message's code."""
    line = f"{result.status.value}: {result.message}"
    if objective and result.objective is not None:
        line += " " + (msg("CM-C021", objective=result.objective, bound=result.bound)
                       if result.bound is not None and result.status is Status.FEASIBLE
                       else msg("CM-C020", objective=result.objective))
    code = getattr(result, "code", "")
    return line + (f" [{code}]" if error and code else "")


def _loaded(directory: str, problems: list[Problem]) -> Scenario | None:
    """The scenario in ``directory``; None when it has problems, which are added to
    ``problems`` (to be reported with those of the command line)."""
    from .scenario_files import load_scenario

    try:
        return load_scenario(directory)
    except InputError as err:
        problems += err.problems
        return None


def _stop(problems: Sequence[Problem]) -> None:
    """Every problem found, at once, before any work."""
    if problems:
        raise InputError(problems)


def _run_solve(load: Callable[[list[Problem]], Scenario | None], args: argparse.Namespace,
               out: TextIO, quiet: bool, json_out: TextIO | None = None,
               problems: Sequence[Problem] = ()) -> int:
    """Solve the scenario ``load`` gives. The problems of the command line (``problems``, and
    the options and files of the solve checked here) and those of the scenario are reported
    together, before the solve."""
    from .solver import solve
    from .summary import format_summary

    # Before a long solve, not after it; every unwritable path at once.
    keep_path = getattr(args, "keep", None)
    changes_out = getattr(args, "changes_out", None)
    report_html = getattr(args, "report_html", None)
    found = [*problems,
             *_writable_problems(args.out), *_writable_problems(args.explain_out),
             *_writable_problems(changes_out), *_writable_problems(report_html),
             *_distinct_outputs(out=args.out, explain_out=args.explain_out,
                                changes_out=changes_out, report_html=report_html)]
    if args.fair and args.relax:
        found.append(Problem(code="CM-E509", column="--fair"))
    if changes_out and not keep_path:
        found.append(Problem(code="CM-E510", column="--changes-out"))
    if args.fair and (keep_path or getattr(args, "force", None) or getattr(args, "forbid", None)):
        found.append(Problem(code="CM-E511", column="--fair"))
    unread: list[Problem] = []  # the files of --keep, --force and --forbid
    keep = None
    if keep_path:
        from .plan import read_plan

        try:
            keep = read_plan(keep_path)
        except InputError as err:
            unread += err.problems
    locks = {name: _read_pairs(path, unread) for name in ("force", "forbid")
             if (path := getattr(args, name, None))}
    found += unread
    scenario = load(found)
    if scenario is not None and args.reserves > len(scenario.citizens):
        found.append(Problem(code="CM-E536", params={"limit": len(scenario.citizens)},
                             column="--reserves", value=args.reserves))
    if scenario is not None and not unread and (keep is not None or locks):
        from .solver.solve import replan_locks

        # Problems with the locks name the file they came from.
        files = {"keep": keep_path, "force": getattr(args, "force", None),
                 "forbid": getattr(args, "forbid", None)}
        found += [dataclasses.replace(p, file=files.get(p.column or "") or p.file)
                  for p in replan_locks(scenario, keep, locks.get("force", ()),
                                        locks.get("forbid", ()))[1]]
    _stop(found)
    assert scenario is not None
    _print_notes(scenario)
    result = solve(scenario, seed=args.seed, time_limit=args.time_limit, backend=args.backend,
                   relax=args.relax, fair=args.fair, keep=keep, force=locks.get("force", ()),
                   forbid=locks.get("forbid", ()))
    cover = None
    if result.plan is not None and args.reserves:
        from .reserves import add_reserves, reserve_cover

        result = dataclasses.replace(result, plan=add_reserves(scenario, result.plan,
                                                                args.reserves, seed=args.seed))
        assert result.plan is not None
        cover = reserve_cover(scenario, result.plan)
    if result.plan is not None:
        if args.out:
            _write_plan(result, args.out, scenario)
        if not quiet:
            print(format_summary(scenario, result), file=out)
    if result.plan is not None:
        print(_outcome(result), file=out)
    else:
        print(_outcome(result, error=True), file=sys.stderr)
    if quiet and result.relaxed:
        _print_broken(result, out)
    if result.explanation is not None:
        _print_explanation(result.explanation)
    if args.explain_out:
        _write_explanation(result, args.explain_out)
    if cover is not None:
        print(msg("CM-C023" if result.relaxed else "CM-C022", covered=cover.covered,
                  seated=cover.seated), file=out)
        if cover.uncovered:
            print("  " + msg("CM-C024", ids=", ".join(cover.uncovered)), file=out)
    if keep is not None and result.plan is not None:
        _print_changes(result, out)
        if changes_out:
            _write_changes(result, changes_out, out)
    if result.plan is not None and args.out:
        print(msg("CM-C025", path=args.out), file=out)
    if result.plan is not None and report_html:
        from .report import report

        _write_text(report_html, report(scenario, result, name=_name(args)).to_html())
        print(msg("CM-C026", path=report_html), file=out)
    if json_out is not None:
        _print_json(result, json_out)
    return _STATUS_EXIT[result.status]


def _print_json(result: SolveResult, out: TextIO) -> None:
    """``result.to_dict()`` as UTF-8 JSON, whatever encoding the terminal has."""
    import json

    text = json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    out.flush()
    binary = getattr(out, "buffer", None)
    if binary is None:  # a text-only stream (as some test harnesses give)
        out.write(text)
        return
    with out.guard() if isinstance(out, _Printable) else contextlib.nullcontext():
        binary.write(text.encode("utf-8"))
        binary.flush()


def _name(args: argparse.Namespace) -> str:
    """What reports call the scenario: its directory's name (or the demo)."""
    where = getattr(args, "directory", None) or getattr(args, "sortition", None)
    return Path(where).resolve().name if where else "demo"


def _write_text(path: str, text: str) -> None:
    from .files import write_atomic

    write_atomic(path, text.encode("utf-8"))


def _run_report(args: argparse.Namespace, out: TextIO, clashes: Sequence[Problem]) -> int:
    from .plan import read_plan
    from .report import read_chances, read_targets, report
    from .scenario_files import load_scenario

    problems: list[Problem] = [*clashes]
    if not args.html and not args.md:
        problems.append(Problem(code="CM-E512", column="--html"))
    problems += (_writable_problems(args.html) + _writable_problems(args.md)
                 + _distinct_outputs(html=args.html, md=args.md))
    scenario = plan = chances = targets = None
    # Every file is read before anything is reported, so that all problems show at once.
    for read, path in ((load_scenario, args.directory), (read_plan, args.plan),
                       (read_chances, args.lottery), (read_targets, args.targets)):
        if path is None:
            continue
        try:
            value: Any = read(path)
        except InputError as err:
            problems += err.problems
            continue
        if read is load_scenario:
            scenario = value
        elif read is read_plan:
            plan = value
        elif read is read_chances:
            chances = value
        else:
            targets = value
    if problems:
        raise InputError(problems)
    assert scenario is not None and plan is not None
    _print_notes(scenario)
    optimum = None
    if chances is not None:
        from .solver import solve

        optimum = solve(scenario, seed=0).objective  # for the price of fairness
    try:
        found = report(scenario, plan, chances, targets, name=_name(args), optimum=optimum)
    except InputError as err:  # the probabilities are checked against the scenario
        raise InputError([dataclasses.replace(p, file=args.lottery)
                          if p.file == "lottery" else p for p in err.problems]) from None
    for line in found.summary:
        print(line, file=out)
    if args.html:
        _write_text(args.html, found.to_html())
        print(msg("CM-C026", path=args.html), file=out)
    if args.md:
        _write_text(args.md, found.to_markdown())
        print(msg("CM-C026", path=args.md), file=out)
    return EXIT_OK


def _print_changes(result: SolveResult, out: TextIO) -> None:
    print(msg("CM-C027", count=len(result.changes), moves=result.moves), file=out)
    for change in result.changes:
        print(f"  - {change}", file=out)


def _write_changes(result: SolveResult, path: str, out: TextIO) -> None:
    from .changes import write_changes

    write_changes(result.changes, path)  # a failure reaches main: exit 7, naming the file
    print(msg("CM-C028", path=path), file=out)


def _read_pairs(path: str, problems: list[Problem]) -> list[tuple[str, str]]:
    """(person id, committee id) pairs from a CSV with columns person_id and committee_id."""
    from .tables import read_csv

    table = read_csv(Path(path), path, problems)
    if table is None:
        return []
    missing = [c for c in ("person_id", "committee_id") if c not in table.header]
    if missing:
        problems += [Problem(code="CM-E513", file=path, row=table.header_label, column=c)
                     for c in missing]
        return []
    at = [table.header.index(c) for c in ("person_id", "committee_id")]
    pairs = []
    for row, label in zip(table.rows, table.labels, strict=True):
        if len(row) != len(table.header):
            problems.append(Problem(code="CM-E514", params={"count": len(row),
                                                            "width": len(table.header)},
                                    file=path, row=label))
            continue
        person, committee = (row[i].strip() for i in at)
        if not person or not committee:
            problems.append(Problem(code="CM-E515", file=path, row=label))
            continue
        pairs.append((person, committee))
    return pairs


def _print_broken(result: SolveResult, out: TextIO) -> None:
    print(msg("CM-C029"), file=out)
    for v in result.relaxed:
        print("  - " + msg("CM-C030", rule=v.rule, limit=v.limit, actual=v.actual), file=out)


def _read_ids(path: str) -> list[tuple[int, str]]:
    """(line, id) for each non-empty line of a text file of ids."""
    from .tables import read_text

    problems: list[Problem] = []
    text = read_text(Path(path), path, problems)
    if text is None:
        raise InputError(problems)
    return [(n, line.strip()) for n, line in enumerate(text.splitlines(), start=1)
            if line.strip()]


def _scenario_and_plan(args: argparse.Namespace) -> tuple[Scenario | None, Plan | None,
                                                          list[Problem]]:
    """The scenario and the plan, with the problems of both (every problem at once)."""
    from .plan import read_plan
    from .scenario_files import load_scenario

    problems: list[Problem] = []
    scenario = plan = None
    try:
        scenario = load_scenario(args.directory)
        _print_notes(scenario)
    except InputError as err:
        problems += err.problems
    try:
        plan = read_plan(args.plan)
    except InputError as err:
        problems += err.problems
    return scenario, plan, problems


def _run_replace(args: argparse.Namespace, out: TextIO, clashes: Sequence[Problem]) -> int:
    from .solver import replace_dropouts
    from .solver.replace import replace_problems

    scenario, plan, problems = _scenario_and_plan(args)
    problems += (list(clashes) + _writable_problems(args.out)
                 + _writable_problems(args.explain_out) + _writable_problems(args.changes_out)
                 + _distinct_outputs(out=args.out, explain_out=args.explain_out,
                                     changes_out=args.changes_out))
    lines: list[tuple[int, str]] = []
    try:
        lines = _read_ids(args.dropouts)
    except InputError as err:
        problems += err.problems
    if scenario is not None:
        known = {c.id for c in scenario.citizens} | {p.id for p in scenario.politicians}
        problems += [Problem(code="CM-E516", file=args.dropouts, row=n, value=pid)
                     for n, pid in lines if pid not in known]
        if plan is not None:  # the plan against the scenario (drop-outs are checked above)
            problems += _in_plan_file(replace_problems(scenario, plan, ()), args.plan)
    if problems:
        raise InputError(problems)
    assert scenario is not None and plan is not None
    # Progress: on a terminal, or in the log with -v (a script's stderr stays quiet).
    with _Progress(args, "replace", lines=False) as progress:
        result = replace_dropouts(scenario, plan, [pid for _, pid in lines], seed=args.seed,
                                  time_limit=args.time_limit, backend=args.backend,
                                  when=args.when, progress=progress)
    if args.explain_out:
        _write_explanation(result, args.explain_out)
    if result.plan is None:
        print(_outcome(result, error=True, objective=False), file=sys.stderr)
        if result.explanation is not None:
            _print_explanation(result.explanation)
        return _STATUS_EXIT[result.status]
    _write_plan(result, args.out, scenario)
    print(_outcome(result, objective=False), file=out)
    if result.relaxed:
        _print_broken(result, out)
    _print_changes(result, out)
    if args.changes_out:
        _write_changes(result, args.changes_out, out)
    print(msg("CM-C031", path=args.out), file=out)
    # A new plan that breaks rules (the plan in force did) is written, but a script must not
    # take it for one that meets every rule: exit 6, as solve --relax.
    return _STATUS_EXIT[result.status]


def _run_adhoc(args: argparse.Namespace, out: TextIO, clashes: Sequence[Problem]) -> int:
    from .invitations import adhoc_invitations, invitation_problems

    scenario, plan, problems = _scenario_and_plan(args)
    problems += clashes
    earlier: list[str] = []
    try:
        if args.invited and Path(args.invited).exists():
            earlier = [pid for _, pid in _read_ids(args.invited)]
    except InputError as err:
        problems += err.problems
    problems += _writable_problems(args.invited)
    if scenario is not None:
        problems += _in_plan_file(invitation_problems(scenario, plan, args.committee,
                                                      args.profile, args.count, earlier,
                                                      args.seed), args.plan)
    if problems:
        raise InputError(problems)
    assert scenario is not None and plan is not None
    chosen = adhoc_invitations(scenario, plan, args.committee, args.profile, args.count,
                               invited=earlier, seed=args.seed)
    for pid in chosen:
        print(pid, file=out)
    if args.invited and chosen:
        try:
            with open(args.invited, "a", encoding="utf-8") as handle:
                handle.writelines(f"{pid}\n" for pid in chosen)
        except OSError as err:
            raise InputError([Problem(code="CM-E517", params={"reason": err.strerror},
                                      file=args.invited)]) from None
    if len(chosen) < args.count:
        _error("CM-C032", found=len(chosen), count=args.count, committee=args.committee,
               profile=args.profile)
        return EXIT_INFEASIBLE
    return EXIT_OK


class _Progress(logging.Filter):
    """Progress lines of a long computation on stderr, tagged (``[leximin] level 1: ...``):
    on a terminal one line rewritten in place, otherwise one line per report (unless
    ``lines`` is False); with -v in the log instead, each line once; with -q nowhere.

    The library logs most of its lines itself just before it reports them; the others (the
    first line of a computation, for one) are logged here. As a filter of the log's handler
    it sees which line the log showed last."""

    def __init__(self, args: argparse.Namespace, tag: str, *, lines: bool = True) -> None:
        super().__init__()
        self._tag = tag
        self._lines = lines
        self._silent = bool(args.silent)
        self._verbose = bool(args.verbose) and not self._silent
        self._live = not (self._verbose or self._silent) and sys.stderr.isatty()
        self._previous: str | None = None
        self._logged: str | None = None

    def __enter__(self) -> _Progress:
        handler = _SETTINGS.get("handler")
        if handler is not None:
            handler.addFilter(self)
        return self

    def __exit__(self, *exc: object) -> None:
        handler = _SETTINGS.get("handler")
        if handler is not None:
            handler.removeFilter(self)
        if self._live and self._previous is not None:
            print(file=sys.stderr, flush=True)

    def filter(self, record: logging.LogRecord) -> bool:
        self._logged = _shown(record)
        return True

    def __call__(self, line: str) -> None:
        if self._silent:
            return
        if self._verbose:
            # A line repeated while a long step runs shows once.
            if line != self._previous and line != self._logged:
                logging.getLogger("cocreate_match.cli").info("%s", line)
            self._previous = line
            return
        self._previous = line
        shown = f"[{self._tag}] {line}"
        if self._live:
            # The one place that writes control codes on purpose: to the terminal itself.
            print(f"\r{printable(shown)}\x1b[K", end="", file=sys.__stderr__, flush=True)
        elif self._lines:
            print(shown, file=sys.stderr, flush=True)


def _write_explanation(result: SolveResult, path: str) -> None:
    """``{"explanation": ..., "relaxed": [...]}``: the two fields of the result's JSON (see
    ``json_schema("result")``), ``explanation`` null when there is nothing to explain."""
    import json

    whole = result.to_dict()  # as --json writes them: plain JSON numbers
    content = {"explanation": whole["explanation"], "relaxed": whole["relaxed"]}
    _write_text(path, json.dumps(content, indent=2, ensure_ascii=False) + "\n")


# The most equally likely plans --panels rounds a lottery to (each is a plan written out).
MAX_PANELS = 1_000_000
# Counts past these would run for days or not fit in memory: refused at once, named.
MAX_SAMPLES = 100_000
MAX_GENERATED = {"--committees": 10_000, "--citizens": 1_000_000, "--politicians": 100_000}


def _at_most(value: int | None, limit: int, option: str) -> list[Problem]:
    if value is None or value <= limit:
        return []
    return [Problem(code="CM-E535", params={"limit": limit}, column=option, value=value)]


def _run_lottery(args: argparse.Namespace, out: TextIO, clashes: Sequence[Problem]) -> int:
    from .lottery import lottery
    from .tables import write_csv

    # The options, the output paths and the scenario's files: every problem at once.
    problems = [*clashes]
    if (args.directory is None) == (args.sortition is None):
        problems.append(Problem(code="CM-E500", column="DIR"))
    if args.sortition is not None and args.seats is None:
        problems.append(Problem(code="CM-E501", column="--seats"))
    if args.sortition is None and args.seats is not None:
        problems.append(Problem(code="CM-E502", column="--seats", value=args.seats))
    if (args.panels is None) != (args.panels_out is None):
        problems.append(Problem(code="CM-E503", column="--panels"))
    if args.panels is not None and args.panels < 1:
        problems.append(Problem(code="CM-E504", column="--panels", value=args.panels))
    problems += _at_most(args.panels, MAX_PANELS, "--panels")
    problems += _at_most(args.samples, MAX_SAMPLES, "--samples")
    problems += _at_most(args.baseline_samples, MAX_SAMPLES, "--baseline-samples")
    problems += _distinct_outputs(out=args.out, panels_out=args.panels_out,
                                  draw_out=args.draw_out, report_html=args.report_html)
    for path in (args.out, args.panels_out, args.draw_out, args.report_html):
        problems += _writable_problems(path)
    scenario: Scenario | None = None
    if args.sortition is not None and args.seats is not None:
        from .sortition import load_sortition

        try:
            scenario = load_sortition(args.sortition, args.seats)
        except InputError as err:
            problems += err.problems
    if args.directory is not None:
        scenario = _loaded(args.directory, problems)
    _stop(problems)
    assert scenario is not None
    if args.directory is not None:
        _print_notes(scenario)

    with _Progress(args, args.method) as progress:
        found = lottery(scenario, method=args.method, seed=args.seed,
                        quality_floor=args.quality_floor, samples=args.samples,
                        time_limit=args.time_limit, progress=progress,
                        max_probability=args.max_probability)
    if not found.panels:  # a time limit with levels proven still writes its lottery
        _error("CM-C040" if found.status is Status.INFEASIBLE else "CM-C041",
               status=found.status.value)
        return _STATUS_EXIT[found.status]
    frame = found.to_frame()
    write_csv(args.out, [list(frame.columns),
                         *((r.person_id, r.committee_id, repr(float(r.probability)))
                           for r in frame.itertuples(index=False))])
    totals = found.probabilities()
    print(msg("CM-C042" if found.status is Status.OPTIMAL else "CM-C043",
              method=LotteryMethod(found.method).value, citizens=len(totals),
              panels=len(found.panels), seconds=found.seconds, status=found.status.value),
          file=out)
    print("  " + msg("CM-C044", chance=found.min_probability,
                     can=len(totals) - found.unseatable, cannot=found.unseatable), file=out)
    print("  " + msg("CM-C045", zero=found.zero_chance, never=found.unseatable,
                     certain=found.certain), file=out)
    if found.certificates:
        print("  " + msg("CM-C046", levels=len(found.certificates),
                         gap=max(c.gap for c in found.certificates)), file=out)
    if found.floor is not None:
        print("  " + msg("CM-C047", floor=found.floor, optimum=found.optimum), file=out)
    if args.max_probability is not None:
        print("  " + msg("CM-C048", chance=max(totals.values(), default=0.0),
                         cap=args.max_probability), file=out)
    base = None
    if args.method != "legacy" and args.baseline_samples:
        base = lottery(scenario, method="legacy", seed=args.seed, samples=args.baseline_samples,
                       quality_floor=args.quality_floor)
        print("  " + msg("CM-C049", samples=args.baseline_samples,
                         chance=base.min_probability), file=out)
    print(msg("CM-C050", path=args.out), file=out)
    if args.panels is not None:
        uniform = found.to_uniform(args.panels)
        write_csv(args.panels_out, [("panel", "committee_id", "person_id", "role"),
                                    *((i, s.committee_id, s.person_id, s.role.value)
                                      for i, plan in enumerate(uniform.plans, start=1)
                                      for s in plan.seats)])
        print(msg("CM-C051", panels=args.panels, path=args.panels_out,
                  deviation=uniform.max_deviation), file=out)
    if args.draw_out:
        found.draw(args.seed).to_csv(args.draw_out, scenario)
        print(msg("CM-C052", seed=args.seed, path=args.draw_out), file=out)
    if args.report_html:
        from .report import report

        _write_text(args.report_html, report(scenario, None, found, name=_name(args),
                                             baseline=base).to_html())
        print(msg("CM-C026", path=args.report_html), file=out)
    return EXIT_OK


def _in_plan_file(problems: Sequence[Problem], path: str) -> list[Problem]:
    """Problems of a plan (column ``plan``, the person as the value) placed in the plan's
    file, at the first line that names the person."""
    from .tables import read_csv

    table = read_csv(Path(path), path, [])
    first: dict[str, int | str] = {}
    if table is not None and "person_id" in table.header:
        at = table.header.index("person_id")
        for label, row in zip(table.labels, table.rows, strict=True):
            if at < len(row):
                first.setdefault(row[at], label)
    return [dataclasses.replace(p, file=path, row=first.get(str(p.value)) if p.has_value
                                else None) if p.column == "plan" else p for p in problems]


def _run_bench(args: argparse.Namespace, clashes: Sequence[Problem]) -> int:
    """Run a benchmark grid (:func:`cocreate_match.bench.bench`), a line per point on stderr
    (none with -q).

    0 when every point ran (a point that failed is a row with status ``error``); an invalid
    grid or bad options raise InputError (exit 2); a grid that cannot be read, a folder that
    cannot be written or a scheduler that cannot be reached raise OSError (exit 7).
    """
    from .bench import bench, dask_executor, load_grid

    def say(line: str) -> None:
        if not args.silent:
            print(printable(line), file=sys.stderr, flush=True)

    problems = [*clashes]
    if args.dask is not None and args.workers is not None:
        problems.append(Problem(code="CM-E623", column="--workers", value=args.workers))
    if problems or args.dask is not None:
        try:  # a bad grid is reported with the options, before connecting to the cluster
            load_grid(args.grid)
        except InputError as err:
            problems += err.problems
    _stop(problems)
    if args.dask is None:
        bench(args.grid, args.out, workers=args.workers, progress=say)
        return EXIT_OK
    with dask_executor(args.dask) as executor:
        bench(args.grid, args.out, executor=executor, progress=say)
    return EXIT_OK


def _command(args: argparse.Namespace, out: TextIO) -> int:
    from .scenario_files import save_scenario

    # Each command reports these with every other problem of its options and files, and
    # those of the scenario, at once and before any work.
    clashes = _onto_inputs(args)

    if args.command == "demo":
        from .demo import demo_scenario

        if args.export:
            _stop([*clashes, *([Problem(code="CM-E518", column="--out", value=args.out)]
                               if args.out else [])])
            save_scenario(demo_scenario(), args.export)
            print(msg("CM-C035", path=args.export), file=out)
            return EXIT_OK
        return _run_solve(lambda _: demo_scenario(), args, out, quiet=False, problems=clashes)
    if args.command == "solve":
        # --out is optional only when the result goes to stdout as JSON; without either, the
        # words argparse used when --out was required.
        missing = [] if args.out or args.json else [Problem(code="CM-E519")]
        load = functools.partial(_loaded, args.directory)
        if args.json:  # stdout holds the JSON alone; every other line goes to stderr (none
            # but errors with -q)
            return _run_solve(load, args, io.StringIO() if args.silent else sys.stderr,
                              quiet=args.quiet, json_out=out, problems=[*missing, *clashes])
        return _run_solve(load, args, out, quiet=args.quiet, problems=[*missing, *clashes])
    if args.command == "check":
        from .check import check_plan

        # A broken scenario and a broken plan are reported together.
        checked, plan, problems = _scenario_and_plan(args)
        _stop([*clashes, *problems])
        assert checked is not None and plan is not None
        violations = check_plan(checked, plan)
        if not violations:
            print(msg("CM-C033"), file=out)
            return EXIT_OK
        print(msg("CM-C034", count=len(violations)), file=out)
        for v in violations:
            print(f"  - {v.rule}: {v.message}", file=out)
        return EXIT_VIOLATIONS
    if args.command == "lottery":
        return _run_lottery(args, out, clashes)
    if args.command == "report":
        return _run_report(args, out, clashes)
    if args.command == "bench":
        return _run_bench(args, clashes)
    if args.command == "replace":
        return _run_replace(args, out, clashes)
    if args.command == "adhoc":
        return _run_adhoc(args, out, clashes)
    if args.command == "generate":
        from .generate import generate_scenario

        _stop([*clashes, *(p for option, limit in MAX_GENERATED.items()
                             for p in _at_most(getattr(args, option[2:]), limit, option))])
        scenario = generate_scenario(committees=args.committees, citizens=args.citizens,
                                     politicians=args.politicians, seed=args.seed,
                                     choices=args.choices, any_share=args.any_share)
        save_scenario(scenario, args.directory)
        print(msg("CM-C036", committees=len(scenario.mandates),
                  citizens=len(scenario.citizens), politicians=len(scenario.politicians),
                  path=args.directory), file=out)
        return EXIT_OK
    raise AssertionError(args.command)  # pragma: no cover - argparse requires a command


def _print_notes(scenario: Scenario) -> None:
    """Say which committees are cancelled and which preferences that skipped (stderr; not
    with -q)."""
    if _SETTINGS.get("silent"):
        return
    for note in scenario.cancellation_notes():
        print(note, file=sys.stderr)


# What main was told for the command being run (-q), for the helpers that print notes, and
# the handler that shows the log on stderr.
_SETTINGS: dict[str, Any] = {}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (``sys.exit`` is left to the caller).

    The language chosen (``--lang``, or the environment's) holds while the command runs.
    """
    previous = get_language()
    try:
        return _main(sys.argv[1:] if argv is None else list(argv))
    finally:
        set_language(previous)


def _main(argv: list[str]) -> int:
    # The language first: even a problem with the arguments is said in it.
    set_language(_early_language(argv))
    parser = build_parser()
    try:
        args = _parse(parser, argv)
    except SystemExit as exit_:  # --help or --version
        return exit_.code if isinstance(exit_.code, int) else EXIT_INPUT
    except _ArgumentProblems as bad:
        bad.parser.print_usage(sys.stderr)
        _print_problems(bad.problems, sys.stderr, prog=bad.parser.prog)
        return EXIT_INPUT
    set_language(args.lang if args.lang is not None else args.lang_before)
    from .files import reading, spreadsheet

    handler = _log_to_stderr(args)
    _SETTINGS["silent"] = bool(args.silent)
    _SETTINGS["handler"] = handler
    # Everything printed, on either stream, shows control characters as escapes.
    err_stream = sys.stderr
    sys.stderr = cast(TextIO, _Printable(err_stream))
    out = _Printable(sys.stdout, name="stdout")
    try:
        delimiter = "\t" if args.delimiter == "tab" else args.delimiter
        with reading(encoding=args.encoding, delimiter=delimiter), spreadsheet(args.excel):
            code = _command(args, cast(TextIO, out))
        out.flush()  # a full disk is reported here, not by the interpreter on its way out
        return code
    except InputError as err:
        _print_problems(err.problems, sys.stderr)
        return EXIT_INPUT
    except SolverError as err:
        _error("CM-C002", error=err)
        return EXIT_SOLVER
    except KeyboardInterrupt:
        _error("CM-C003")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (`cocreate-match demo | head`); nothing is wrong
        # with the input, and any plan file was already written.
        _silence_stdout()
        return EXIT_OK
    except _StdoutError as err:
        _silence_stdout()  # what is still buffered for stdout is dropped, not reported again
        _error("CM-C006", reason=err.strerror)
        return EXIT_IO
    except OSError as err:
        if err.filename:
            _error("CM-C004", file=err.filename, reason=err.strerror)
        else:
            _error("CM-C005", reason=err.strerror)
        return EXIT_IO
    except Exception as err:  # the promise is: no traceback, a clear message
        if os.environ.get("COCREATE_MATCH_DEBUG"):
            raise
        # A CocreateMatchError that is neither InputError nor SolverError lands here too:
        # every leaf is handled above, so it would be a bug as well.
        _error("CM-C007", kind=type(err).__name__, error=err)
        return EXIT_INTERNAL
    finally:
        sys.stderr = err_stream
        _SETTINGS.clear()
        handler.close()
        logging.getLogger("cocreate_match").removeHandler(handler)
        logging.getLogger("cocreate_match").setLevel(handler.previous_level)


def _error(code: str, **params: Any) -> None:
    """An error line on stderr, ending with its code."""
    print(f"{_one_line(msg(code, **params))} [{code}]", file=sys.stderr)


def _print_explanation(explanation: Explanation) -> None:
    """Why no plan meets every rule, on stderr: :class:`~cocreate_match.Explanation`'s lines,
    each ending with its code (the rule's, the finding's) as problem lines do."""
    print(f"{_one_line(explanation.message)} [{explanation.code}]", file=sys.stderr)
    for rule in explanation.rules:
        print(f"  - {_one_line(rule.rule)}: {_one_line(rule.message)} [{rule.code}]",
              file=sys.stderr)
    if explanation.findings:
        print(f"{msg('CM-X004')} [CM-X004]", file=sys.stderr)
        for finding in explanation.findings:
            line = msg("CM-X005", rule=finding.rule, message=finding.message,
                       suggestion=finding.suggestion)
            print(f"  - {_one_line(line)} [{finding.code}]", file=sys.stderr)


class _StdoutError(OSError):
    """Standard output could not be written (a full disk, a closed terminal)."""


# The level a log line names, in the language chosen.
_LEVELS = {"DEBUG": "CM-C008", "INFO": "CM-C009", "WARNING": "CM-C010", "ERROR": "CM-C011",
           "CRITICAL": "CM-C012"}


class _PrintableFormatter(logging.Formatter):
    """``cocreate-match: WARNING: ...``, ending with the record's code when it has one (given
    as ``extra={"code": ...}``)."""

    def format(self, record: logging.LogRecord) -> str:
        level = msg(_LEVELS[record.levelname]) if record.levelname in _LEVELS else \
            record.levelname
        code = getattr(record, "code", None)
        line = f"cocreate-match: {level}: {_shown(record)}"
        return printable(line + (f" [{code}]" if isinstance(code, str) else ""))


def _shown(record: logging.LogRecord) -> str:
    """A log record's text in the language chosen: the library logs English, with the code
    and fields of the text (see :func:`cocreate_match.messages.log_message`)."""
    code, params = getattr(record, "code", None), getattr(record, "params", None)
    if isinstance(code, str) and isinstance(params, dict):
        return msg(code, **params)
    return record.getMessage()


class _Printable:
    """Standard output with control characters in text shown as escapes (a committee title
    holding an escape code must not clear the terminal); ``buffer`` is the raw stream for
    JSON, which escapes them itself."""

    def __init__(self, stream: TextIO, name: str | None = None) -> None:
        self._stream = stream
        self._name = name
        self.buffer = getattr(stream, "buffer", None)

    def write(self, text: str) -> int:
        with self.guard():
            return self._stream.write(printable(text))

    def flush(self) -> None:
        with self.guard():
            self._stream.flush()

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """A failed write to stdout as :class:`_StdoutError`, so that the message names
        stdout (a reader that went away stays a BrokenPipeError)."""
        try:
            yield
        except BrokenPipeError:
            raise
        except OSError as err:
            if self._name is None:
                raise
            raise _StdoutError(err.errno, err.strerror) from err

    def fileno(self) -> int:
        return self._stream.fileno()

    def isatty(self) -> bool:
        return self._stream.isatty()


def _log_to_stderr(args: argparse.Namespace) -> Any:
    """Show the library's log on stderr for this command: warnings by default, progress with
    -v, everything (with personal data) with -vv, errors only with -q."""
    level = (logging.ERROR if args.silent else logging.DEBUG if args.verbose >= 2
             else logging.INFO if args.verbose == 1 else logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_PrintableFormatter())
    handler.setLevel(level)
    logger = logging.getLogger("cocreate_match")
    handler.previous_level = logger.level  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(level)
    return handler


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass


def entry_point() -> NoReturn:
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    entry_point()
