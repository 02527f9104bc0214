"""Entry point: parse arguments, dispatch, and turn our errors into exit status 2."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from mot_sim import __version__
from mot_sim.errors import InputError, MotSimError

Handler = Callable[[argparse.Namespace], int]


def _common() -> argparse.ArgumentParser:
    # SUPPRESS lets the same option appear before or after the subcommand.
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--scenarios",
        action="append",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="extra scenario directory (repeatable, or colon-separated)",
    )
    p.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="score-log database (default: MOT_SIM_DB or the user data directory)",
    )
    return p


def build_parser() -> argparse.ArgumentParser:
    from mot_sim.cli import commands, play, records

    common = _common()
    parser = argparse.ArgumentParser(
        prog="mot-sim",
        parents=[common],
        description="Rehearse customer-service moments of truth. With no command, opens the trainer.",
    )
    parser.add_argument("--version", action="version", version=f"mot-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_, description=help_)
        p.set_defaults(handler=handler)
        return p

    p = add("list", commands.cmd_list, "list the scenarios found")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("validate", commands.cmd_validate, "validate scenario, rule and rubric files")
    p.add_argument("paths", nargs="*", metavar="PATH")

    p = add("check", commands.cmd_check, "run every rule's and scenario's examples like tests")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--verbose", action="store_true", help="list passing rule examples too")

    p = add("explain", commands.cmd_explain, "show which rules fire on a text, and why")
    p.add_argument("--scenario", metavar="ID", help="the scenario (its own rules and goals)")
    p.add_argument("--stage", metavar="STAGE", help="score it for this stage too")
    p.add_argument("--rule", metavar="ID", help="only this rule, pattern by pattern")
    p.add_argument("--locale", default="en", help="without --scenario: the rule library's locale")
    p.add_argument("--trainee", metavar="NAME", default="Sam", help="the trainee's name")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("text", metavar="TEXT")

    p = add("schema", commands.cmd_schema, "print the scenario JSON Schema, or --write it")
    p.add_argument(
        "--write",
        nargs="?",
        const=".",
        metavar="DIR",
        help="write scenario.schema.json into DIR (default: here), beside your scenarios",
    )

    p = add("new", commands.cmd_new, "scaffold a new scenario with every field explained")
    p.add_argument("id", metavar="ID", help="the new scenario's id (e.g. kettle_return)")
    p.add_argument("--dir", default=".", help="where to write ID.yaml (default: here)")

    p = add("rules", commands.cmd_rules, "list rule ids with dimension, weight and reason")
    p.add_argument("--locale", help="only this locale's rules (en, zh)")
    p.add_argument("--scenario", metavar="ID", help="the rules one scenario can use")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("score", commands.cmd_score, "score one reply, or a JSON Lines batch")
    p.add_argument("--scenario", metavar="ID")
    p.add_argument("--stage", metavar="STAGE")
    p.add_argument("--trainee", metavar="NAME", help="the trainee's name (for introductions)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--batch", metavar="FILE", help="JSON Lines in ('-' for stdin), JSON Lines out")
    p.add_argument("text", nargs="?", metavar="TEXT")

    p = add(
        "play",
        play.cmd_play,
        "play an encounter (headless with --answers, else in the TUI); exit 1 if the answers "
        "run out before the end (the session stays unfinished, to --resume)",
    )
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument(
        "--answers",
        metavar="FILE",
        help="one reply per line, or a YAML mapping of stage id to reply",
    )
    p.add_argument(
        "--resume",
        metavar="SESSION_ID",
        help="with --answers: continue an unfinished session (id or unique prefix)",
    )
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--mode", choices=["practice", "exam"], default="practice")
    p.add_argument("--timer", type=int, metavar="SECONDS", help="seconds allowed per reply")
    p.add_argument("--employee-id", metavar="ID", help="recorded with the trainee, for HR")
    p.add_argument("--cohort", metavar="NAME", help="the trainee's group or class")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    records.register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from mot_sim.cli.commands import UsageError

    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    try:
        if handler is None:
            from mot_sim.cli.tui import run_tui

            return run_tui(args)
        return handler(args)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 2
    except MotSimError as exc:
        print(f"mot-sim: {exc}", file=sys.stderr)
        return 2
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"mot-sim: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
