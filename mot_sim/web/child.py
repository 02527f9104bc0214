"""One browser tab's app process (``python -m mot_sim.web.child trainee|trainer``): run
by textual-serve, never by hand. Its driver comes from ``TEXTUAL_DRIVER``, which
textual-serve sets."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mot_sim.web.child")
    parser.add_argument("role", choices=["trainee", "trainer"])
    parser.add_argument("--code", default=None)
    args = parser.parse_args(argv)
    if args.role == "trainer":
        from mot_sim.tui.console.factory import make_console

        console = make_console(code=args.code)
        console.run()
        return console.return_code or 0
    from mot_sim.tui.factory import make_app

    app = make_app(gate=True)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
