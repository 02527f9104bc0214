"""Entry point: parse arguments, dispatch, and turn our errors into exit status 2."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from mot_sim import __version__
from mot_sim.errors import InputError, MotSimError, UsageError

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
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="score log: a SQLite file or a postgresql:// URL (default: MOT_SIM_DB, then "
        "`mot-sim config db`, then a file in the user data directory)",
    )
    p.add_argument(
        "--lang",
        choices=["en", "zh", "auto"],
        default=argparse.SUPPRESS,
        help="interface language (default: MOT_SIM_LANG, the `language` setting, else the "
        "scenario's own)",
    )
    return p


class _Lazy:
    """A command module imported only when one of its commands runs, so ``--help`` and
    usage errors cost no import of the core (pydantic, YAML, the matcher)."""

    def __init__(self, module: str) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Handler:
        module = self._module

        def handler(args: argparse.Namespace) -> int:
            run: Handler = getattr(importlib.import_module(module), name)
            return run(args)

        handler.__name__ = name
        return handler


commands = _Lazy("mot_sim.cli.commands")
play = _Lazy("mot_sim.cli.play")
records = _Lazy("mot_sim.cli.records")
db = _Lazy("mot_sim.cli.db")
classes = _Lazy("mot_sim.cli.class_cmds")
learning = _Lazy("mot_sim.cli.learn")
serving = _Lazy("mot_sim.cli.serve")


def _adder(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> Callable[[str, Handler, str], argparse.ArgumentParser]:
    """A function adding one subcommand, with the common options and its handler."""

    def add(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_, description=help_)
        p.set_defaults(handler=handler)
        return p

    return add


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = argparse.ArgumentParser(
        prog="mot-sim",
        parents=[common],
        description="Rehearse customer-service moments of truth. With no command, opens the trainer.",
    )
    parser.add_argument("--version", action="version", version=f"mot-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    add = _adder(sub, common)

    p = add(
        "list",
        commands.cmd_list,
        "list the scenarios found (exit 1 if a file had to be skipped: it is named, located)",
    )
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

    p = add(
        "learn",
        learning.cmd_learn,
        "train the second-opinion model from labelled replies (JSON Lines)",
    )
    p.add_argument("data", nargs="+", metavar="DATA.jsonl", help="rows: id, text, bad, quality")
    p.add_argument("--locale", default="en", help="the replies' language (en, zh)")
    p.add_argument("--out", required=True, metavar="FILE", help="scoring/learned/LOCALE.json")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument(
        "--no-rule-examples",
        action="store_true",
        help="learn from DATA alone, not also from the course's own phrasing "
        "(rule examples, model answers)",
    )
    p.add_argument(
        "--max-false-alarms",
        type=float,
        metavar="SHARE",
        help="share of good replies the model may flag, held out by author (default 0.005)",
    )

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

    p = add("trainee", records.cmd_trainee, "record a trainee's employee id and cohort")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--employee-id", metavar="ID")
    p.add_argument("--cohort", metavar="NAME")

    p = add(
        "history",
        records.cmd_history,
        "sessions recorded (date, scenario, mode, score, status), then a summary per trainee",
    )
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--cohort", metavar="NAME")
    p.add_argument(
        "--summary",
        action="store_true",
        help="only the summary per trainee and scenario: attempts, best, latest, passed",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add("show", records.cmd_show, "one session's annotated transcript")
    p.add_argument("session", metavar="SESSION_ID", help="the id, or a unique prefix of it")

    p = add("export", records.cmd_export, "export sessions for HR: CSV, JSON Lines or xAPI")
    p.add_argument("--format", choices=["csv", "jsonl", "xapi"], required=True)
    p.add_argument("--out", metavar="FILE", help="default: standard output")
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--cohort", metavar="NAME")
    p.add_argument("--since", metavar="DATE", help="sessions started on or after (YYYY-MM-DD)")
    p.add_argument(
        "--class", dest="class_code", metavar="CODE", help="only the sessions of a class"
    )
    p.add_argument("--turns", action="store_true", help="CSV: one row per turn")
    p.add_argument(
        "--excel",
        action="store_true",
        help="CSV for Excel: UTF-8 byte-order mark, dates Excel reads (UTC), short session ids",
    )
    p.add_argument(
        "--homepage",
        metavar="URL",
        help="xAPI: your organisation's system, for the actor's account (default: "
        "MOT_SIM_XAPI_HOMEPAGE, then `mot-sim config xapi-homepage`)",
    )

    p = add(
        "report",
        records.cmd_report,
        "a self-contained HTML report for a trainee, a cohort or a class",
    )
    p.add_argument("--trainee", metavar="NAME")
    p.add_argument("--cohort", metavar="NAME")
    p.add_argument("--class", dest="class_code", metavar="CODE", help="the sessions of a class")
    p.add_argument("--out", metavar="FILE.html", required=True)

    p = add(
        "config",
        records.cmd_config,
        "show or change settings (the xAPI homepage, the log, the interface language, a"
        " shared machine)",
    )
    p.add_argument(
        "key", nargs="?", metavar="KEY", help="xapi-homepage, db, language or shared-machine"
    )
    p.add_argument("value", nargs="?", metavar="VALUE")
    p.add_argument("--unset", action="store_true", help="clear the setting")

    p = add("db", _db_usage, "the score log itself: copy it, migrate it, see what it holds")
    dbsub = p.add_subparsers(dest="db_command", metavar="DB_COMMAND")

    add_db = _adder(dbsub, common)

    q = add_db(
        "copy",
        db.cmd_copy,
        "copy a log into another (SQLite <-> PostgreSQL): adds only what the target lacks, "
        "whole sessions at a time, then verifies the counts (exit 1 if a session is left out)",
    )
    q.add_argument("--from", dest="source", metavar="PATH_OR_URL", required=True)
    q.add_argument("--to", dest="target", metavar="PATH_OR_URL", required=True)
    q = add_db(
        "migrate",
        db.cmd_migrate,
        "create or upgrade the log's schema (on PostgreSQL: as the owner role), and grant "
        "roles what they need",
    )
    q.add_argument(
        "--grant-writer",
        action="append",
        metavar="ROLE",
        help="PostgreSQL: let ROLE record sessions (insert and read; no DDL, no deletes)",
    )
    q.add_argument(
        "--grant-reader",
        action="append",
        metavar="ROLE",
        help="PostgreSQL: let ROLE read the log (history, exports, reports)",
    )
    add_db("status", db.cmd_status, "where the log is, its schema version, what it holds")
    class_commands = _add_classroom(add, common)
    # The trainer console (`class console`) and `serve`: the UI's own block.
    _add_ui_commands(add, _adder(class_commands, common))
    return parser


def _add_classroom(
    add: Callable[[str, Handler, str], argparse.ArgumentParser], common: argparse.ArgumentParser
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    """The classroom's commands; the ``class`` subcommands' adder is returned so the
    console can be added beside them."""
    p = add("class", _class_usage, "run a class: start it, see the roster, end it")
    csub = p.add_subparsers(dest="class_command", metavar="CLASS_COMMAND")
    add_class = _adder(csub, common)
    q = add_class("start", classes.cmd_class_start, "open a class and print its join code")
    q.add_argument("--scenario", action="append", required=True, metavar="ID", help="repeatable")
    q.add_argument("--mode", choices=["practice", "exam"], required=True)
    q.add_argument("--timer", type=int, metavar="SECONDS", help="seconds allowed per reply")
    q.add_argument("--cohort", metavar="NAME", help="the cohort the class is for")
    q.add_argument("--password", metavar="P", help="trainees must give it to join")
    q.add_argument("--by", metavar="NAME", help="the trainer (recorded with the class)")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q = add_class("roster", classes.cmd_class_roster, "who joined, and where each one is")
    q.add_argument("code", metavar="CODE")
    q.add_argument("--json", action="store_true", help="machine-readable output")
    q = add_class("end", classes.cmd_class_end, "close the class and print its summary")
    q.add_argument("code", metavar="CODE")
    q.add_argument("--json", action="store_true", help="machine-readable output")

    p = add(
        "join",
        classes.cmd_join,
        "join a class with its code and play it in the trainer; with --answers, play headless "
        "into it (as play does)",
    )
    p.add_argument("code", metavar="CODE")
    p.add_argument("--trainee", metavar="NAME", required=True)
    p.add_argument("--password", metavar="P", help="the class's password, if it has one")
    p.add_argument("--answers", metavar="FILE", help="one reply per line, or a YAML mapping")
    p.add_argument("--scenario", metavar="ID", help="which of the class's scenarios to play")
    p.add_argument("--json", action="store_true", help="machine-readable output")

    p = add(
        "override",
        classes.cmd_override,
        "change a reply's score with a reason (audited; the machine's score is kept)",
    )
    p.add_argument("session", metavar="SESSION", help="the session id, or a unique prefix")
    p.add_argument("stage", metavar="STAGE", help="set_tone, diagnose, solve, summarise, follow_up")
    p.add_argument("--score", type=int, required=True, metavar="N", help="0 to 100")
    p.add_argument("--reason", required=True, metavar="TEXT")
    p.add_argument("--by", required=True, metavar="NAME", help="the trainer")

    p = add("assign", classes.cmd_assign, "assign a scenario to a cohort with a due date")
    p.add_argument("--cohort", required=True, metavar="NAME")
    p.add_argument("--scenario", required=True, metavar="ID")
    p.add_argument("--due", required=True, metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("--by", metavar="NAME", help="the trainer")

    p = add(
        "status",
        classes.cmd_status,
        "a cohort's assignments: not started, in progress, overdue or done per trainee",
    )
    p.add_argument("--cohort", required=True, metavar="NAME")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    return csub


def _class_usage(args: argparse.Namespace) -> int:
    raise UsageError("class needs a command: start, roster, end or console")


def _add_ui_commands(
    add: Callable[[str, Handler, str], argparse.ArgumentParser],
    add_class: Callable[[str, Handler, str], argparse.ArgumentParser],
) -> None:
    """The browser front (``serve``) and the trainer's console (``class console``); kept
    apart from the record-keeping commands."""
    from mot_sim.web.server import DEFAULT_HOST, DEFAULT_PORT

    p = add_class(
        "console",
        serving.cmd_console,
        "the trainer console of a class: live roster, leaderboard, debrief, overrides, end",
    )
    p.add_argument("code", metavar="CODE", help="the class's join code")
    p.add_argument("--by", metavar="NAME", help="your name, for the override audit trail")

    p = add(
        "serve",
        serving.cmd_serve,
        "serve the trainee app (or --trainer: the class console) to browsers with "
        "textual-serve, one app process per tab; see docs/serve.md",
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}, this machine only)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default: {DEFAULT_PORT}")
    p.add_argument("--trainer", action="store_true", help="serve the trainer console instead")
    p.add_argument("--code", metavar="CODE", help="with --trainer: the console of this class only")
    p.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use, behind a reverse proxy (e.g. https://train.example.org)",
    )
    p.add_argument(
        "--no-preload",
        action="store_true",
        help="start every tab as a whole new process instead of forking it from one "
        "preloaded parent (slower to open, several times the memory; see docs/serve.md)",
    )


def _db_usage(args: argparse.Namespace) -> int:
    raise UsageError("db needs a command: copy, migrate or status")


def _warn_visible_passwords(args: argparse.Namespace) -> None:
    """A password on the command line is visible to every user of the machine (ps)."""
    from mot_sim.locations import db_password

    for option, value in (
        ("--db", getattr(args, "db", None)),
        ("--from", getattr(args, "source", None)),
        ("--to", getattr(args, "target", None)),
    ):
        if isinstance(value, str) and db_password(value):
            print(
                f"mot-sim: warning: the password in {option} can be seen by other users of "
                "this machine; use ~/.pgpass, PGPASSWORD or `mot-sim config db` instead",
                file=sys.stderr,
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    _warn_visible_passwords(args)
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
