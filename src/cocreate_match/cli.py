"""The ``cocreate-match`` command line, over the public API.

Exit codes: 0 plan written (or plan valid); 1 ``check`` found broken rules; 2 invalid input;
3 no plan meets every rule; 4 time limit reached without a plan; 5 the solver failed;
70 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from .errors import CocreateMatchError, InputError, Problem, SolverError
from .result import SolveResult, Status

EXIT_OK = 0
EXIT_VIOLATIONS = 1
EXIT_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_TIME_LIMIT = 4
EXIT_SOLVER = 5
EXIT_INTERNAL = 70

_STATUS_EXIT = {
    Status.OPTIMAL: EXIT_OK,
    Status.FEASIBLE: EXIT_OK,
    Status.INFEASIBLE: EXIT_INFEASIBLE,
    Status.TIME_LIMIT: EXIT_TIME_LIMIT,
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_INPUT, f"{self.prog}: invalid input: {message}\n")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


def _share(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text!r}")
    return value


def _solve_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=_count, default=0, help="seed for every random choice (0)")
    p.add_argument("--time-limit", type=_seconds, default=None, metavar="S",
                   help="seconds for the solve (no limit)")
    p.add_argument("--backend", choices=["highs", "cpsat"], default="highs",
                   help="solver backend (highs)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cocreate-match",
                     description="Seat citizens and politicians on task committees.",
                     epilog="Exit codes: 0 plan written or valid; 1 check found broken rules; "
                            "2 invalid input; 3 no plan meets every rule; 4 time limit without "
                            "a plan; 5 solver failure.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    demo = sub.add_parser("demo", help="solve the built-in Gentofte-like scenario")
    demo.add_argument("--export", metavar="DIR", help="write the demo scenario files to DIR "
                      "(a template) instead of solving")
    demo.add_argument("--out", metavar="PLAN_CSV", help="also write the plan")
    _solve_options(demo)

    solve = sub.add_parser("solve", help="solve a scenario directory and write plan.csv")
    solve.add_argument("directory", metavar="DIR")
    solve.add_argument("--out", metavar="PLAN_CSV", required=True)
    solve.add_argument("--quiet", action="store_true", help="print only the outcome line")
    _solve_options(solve)

    check = sub.add_parser("check", help="check a plan against every rule of a scenario")
    check.add_argument("directory", metavar="DIR")
    check.add_argument("plan", metavar="PLAN_CSV")

    gen = sub.add_parser("generate", help="write a synthetic scenario (feasible by construction)")
    gen.add_argument("directory", metavar="DIR")
    gen.add_argument("--committees", type=_count, required=True)
    gen.add_argument("--citizens", type=_count, required=True)
    gen.add_argument("--politicians", type=_count, required=True)
    gen.add_argument("--seed", type=_count, required=True)
    gen.add_argument("--choices", type=_count, default=3, help="committees each applicant lists")
    gen.add_argument("--any-share", type=_share, default=0.1,
                     help="share of applicants open to any committee (0.1)")
    return parser


def _print_problems(err: InputError, out: TextIO) -> None:
    print(f"cocreate-match: invalid input ({len(err.problems)} problem"
          f"{'s' if len(err.problems) != 1 else ''}):", file=out)
    for problem in err.problems:
        print(f"  - {problem}", file=out)


def _write_plan(result: SolveResult, path: str, scenario: object) -> None:
    from .scenario import Scenario

    assert result.plan is not None and isinstance(scenario, Scenario)
    try:
        result.plan.to_csv(path, scenario)
    except OSError as err:
        raise InputError([Problem(message=f"cannot be written ({err.strerror})",
                                  file=path)]) from None


def _check_writable(path: str) -> None:
    parent = Path(path).resolve().parent
    if not parent.is_dir():
        raise InputError([Problem(message=f"cannot be written: directory {str(parent)!r} does "
                                  "not exist", file=path)])
    if Path(path).is_dir():
        raise InputError([Problem(message="cannot be written: it is a directory", file=path)])


def _outcome(result: SolveResult) -> str:
    line = f"{result.status.value}: {result.message}"
    if result.objective is not None:
        line += f" Objective {result.objective}"
        if result.bound is not None and result.status is Status.FEASIBLE:
            line += f", bound {result.bound:g}"
        line += "."
    return line


def _run_solve(scenario: object, args: argparse.Namespace, out: TextIO, quiet: bool) -> int:
    from .scenario import Scenario
    from .solver import solve
    from .summary import format_summary

    assert isinstance(scenario, Scenario)
    if args.out:
        _check_writable(args.out)  # before a long solve, not after it
    result = solve(scenario, seed=args.seed, time_limit=args.time_limit, backend=args.backend)
    if result.plan is not None:
        if args.out:
            _write_plan(result, args.out, scenario)
        if not quiet:
            print(format_summary(scenario, result), file=out)
    print(_outcome(result), file=out if result.plan is not None else sys.stderr)
    if result.plan is not None and args.out:
        print(f"Plan written to {args.out}.", file=out)
    return _STATUS_EXIT[result.status]


def _command(args: argparse.Namespace, out: TextIO) -> int:
    from .scenario_files import load_scenario, save_scenario

    if args.command == "demo":
        from .demo import demo_scenario

        if args.export:
            save_scenario(demo_scenario(), args.export)
            print(f"Demo scenario written to {args.export}.", file=out)
            return EXIT_OK
        return _run_solve(demo_scenario(), args, out, quiet=False)
    if args.command == "solve":
        return _run_solve(load_scenario(args.directory), args, out, quiet=args.quiet)
    if args.command == "check":
        from .check import check_plan
        from .plan import read_plan

        scenario = load_scenario(args.directory)
        violations = check_plan(scenario, read_plan(args.plan))
        if not violations:
            print("The plan meets every rule.", file=out)
            return EXIT_OK
        print(f"The plan breaks {len(violations)} rule{'s' if len(violations) != 1 else ''}:",
              file=out)
        for v in violations:
            print(f"  - {v.rule}: {v.message}", file=out)
        return EXIT_VIOLATIONS
    if args.command == "generate":
        from .generate import generate_scenario

        scenario = generate_scenario(committees=args.committees, citizens=args.citizens,
                                     politicians=args.politicians, seed=args.seed,
                                     choices=args.choices, any_share=args.any_share)
        save_scenario(scenario, args.directory)
        print(f"Scenario with {len(scenario.mandates)} committees, {len(scenario.citizens)} "
              f"citizens and {len(scenario.politicians)} politicians written to "
              f"{args.directory}.", file=out)
        return EXIT_OK
    raise AssertionError(args.command)  # pragma: no cover - argparse requires a command


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (``sys.exit`` is left to the caller)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, or bad arguments (already explained on stderr)
        return exit_.code if isinstance(exit_.code, int) else EXIT_INPUT
    try:
        return _command(args, sys.stdout)
    except InputError as err:
        _print_problems(err, sys.stderr)
        return EXIT_INPUT
    except SolverError as err:
        print(f"cocreate-match: the solver failed: {err}", file=sys.stderr)
        return EXIT_SOLVER
    except BrokenPipeError:
        # The reader of our output went away (`cocreate-match demo | head`); nothing is wrong
        # with the input, and any plan file was already written.
        _silence_stdout()
        return EXIT_OK
    except OSError as err:
        print(f"cocreate-match: invalid input: {err.filename or ''}: {err.strerror}",
              file=sys.stderr)
        return EXIT_INPUT
    except CocreateMatchError as err:  # pragma: no cover - every leaf is handled above
        print(f"cocreate-match: {err}", file=sys.stderr)
        return EXIT_INTERNAL
    except Exception as err:  # the promise is: no traceback, a clear message
        if os.environ.get("COCREATE_MATCH_DEBUG"):
            raise
        print(f"cocreate-match: internal error ({type(err).__name__}: {err}). This is a bug; "
              "please report it with the input that caused it (set COCREATE_MATCH_DEBUG=1 for "
              "the traceback).", file=sys.stderr)
        return EXIT_INTERNAL


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
