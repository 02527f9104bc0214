"""``mot-sim serve`` and ``mot-sim class console``: the browser front and the trainer's
console, both thin layers over the TUI."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from mot_sim.errors import UsageError


def _child_environment(args: argparse.Namespace) -> dict[str, str]:
    """What every app process must share with this command: the same score log, the same
    scenario directories, the same interface language (absolute, whatever their cwd)."""
    from mot_sim import locations
    from mot_sim.cli.commands import scenario_dirs
    from mot_sim.i18n import LANG_ENV

    env: dict[str, str] = {}
    location = locations.db_location(getattr(args, "db", None))
    env["MOT_SIM_DB"] = location if locations.is_db_url(location) else str(Path(location).resolve())
    dirs = [str(Path(d).resolve()) for d in scenario_dirs(args)]
    dirs += [str(p.resolve()) for p in locations.extra_scenario_dirs()]
    if dirs:
        env["MOT_SIM_SCENARIOS"] = os.pathsep.join(dict.fromkeys(dirs))
    if getattr(args, "lang", None) in ("en", "zh"):
        env[LANG_ENV] = args.lang
    return env


def _check_free(host: str, port: int) -> None:
    """Refuse, with a clear message and before anything starts, an address this machine
    cannot listen on (a port another server holds, a host that is not one of ours)."""
    import os
    import socket

    try:
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        why = os.strerror(exc.errno) if exc.errno else str(exc)
        raise UsageError(
            f"cannot listen on {host}:{port}: {why}; choose another --port"
            " (or stop the server that has it)"
        ) from None


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the trainee app (or, with --trainer, the console) to browsers."""
    from mot_sim.web.server import ServeOptions, serve

    if not 0 < args.port < 65536:
        raise UsageError(f"--port must be between 1 and 65535, not {args.port}")
    try:
        import textual_serve  # noqa: F401
    except ImportError:
        raise UsageError(
            "serving to browsers needs textual-serve: pip install 'mot-sim[serve]'"
        ) from None
    if args.code and not args.trainer:
        raise UsageError("--code is for the console: use it with --trainer")
    _check_free(args.host, args.port)
    options = ServeOptions(
        role="trainer" if args.trainer else "trainee",
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        code=args.code,
        preload=not args.no_preload,
    )
    serve(options, _child_environment(args))
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    """The trainer console for one class, in this terminal."""
    from mot_sim.cli.commands import scenario_dirs
    from mot_sim.i18n import LANG_ENV
    from mot_sim.tui.console.factory import make_console

    if getattr(args, "lang", None) in ("en", "zh"):
        os.environ[LANG_ENV] = args.lang
    app = make_console(
        code=args.code,
        scenario_dirs=scenario_dirs(args),
        db=getattr(args, "db", None),
        trainer=args.by,
    )
    app.run()
    return app.return_code or 0
