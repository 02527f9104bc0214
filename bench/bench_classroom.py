"""A classroom through textual-serve: 20 trainees in browser tabs, one trainer console.

    python bench/bench_classroom.py [--trainees 20] [--stagger 0.5] [--cps 5]

Starts two real ``mot-sim serve`` servers on 127.0.0.1 (the trainee app, and the console
with ``--trainer --code``) over one new score log, opens a real websocket client per
trainee speaking textual-serve's protocol (a terminal emulator stands in for the
browser), joins each to the class (``--stagger`` seconds apart), brings them all into
the encounter, then has all of them type a reply at the same time, a key at a time
(``--cps`` keys per second each), and send it. Measures:

- memory, in the steady state: sampled once every trainee has had a reply scored (by
  then each tab has loaded the catalogue, the English lemmatiser's tables and the
  compiled rules, which a tab that is still typing its first reply may not have). Per
  tab's app process: RSS (every page it maps, shared ones counted in full), PSS (each
  shared page divided among the processes sharing it) and USS (its private pages only),
  mean and max. Then the whole server: the PSS of every one of its processes summed (the
  textual-serve server, each tab's app process, and anything else it runs, such as a
  preloaded parent the tabs are forked from and the tabs' small launchers), divided by
  the number of trainees.

  **That last figure is the per-trainee cost**, the one the 60 MiB target is about. RSS
  overstates it (pages shared between tabs, or with a preloaded parent, are counted once
  per tab); USS understates it (a shared page is counted by nobody). PSS shares each
  shared page fairly among the processes using it, so summed over all of a server's
  processes it is what the machine actually spends on the server, and dividing by the
  trainees gives what one more trainee costs on average, the server's own share included;
- keystroke-to-screen latency, p50/p95 over every key of every trainee typed at once:
  from sending the key to the tab showing the typed text;
- reply to roster: from a trainee pressing Enter on a reply to the trainer's console
  (another tab) showing the trainee's reply count move. It includes scoring the reply and
  writing the turn; it starts at Enter because the roster may show the turn before the
  trainee's own tab has drawn its feedback (the turn is written first), which would make a
  measure from the feedback negative.

Targets: at most 60 MiB per trainee, p95 under 300 ms, roster under 1 s. The clients
run on the same machine as the servers, and take their share of the CPU. Prints figures;
asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serve_client import (  # noqa: E402
    ENTER,
    Tab,
    free_port,
    python_env,
    replies_column,
    start_server,
    stop_server,
)

REPLY = "Hello Mrs Ellis, I am sorry about the pickle; let me fetch one now."
MIB = 1024 * 1024


def process_table() -> dict[int, tuple[int, bytes]]:
    """Every process's (parent pid, command line) (Linux /proc)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        table[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmdline)
    return table


def descendants(pid: int, table: dict[int, tuple[int, bytes]]) -> list[int]:
    """Every process below ``pid``."""
    children: dict[int, list[int]] = {}
    for child, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def smaps_rollup(pid: int) -> dict[str, int] | None:
    """Rss, Pss and Uss (private clean + private dirty) of one process, in bytes."""
    try:
        rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text().splitlines()
    except OSError:
        return None
    fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup[1:]}
    return {
        "Rss": fields.get("Rss", 0),
        "Pss": fields.get("Pss", 0),
        "Uss": fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0),
    }


def is_app(pid: int, table: dict[int, tuple[int, bytes]]) -> bool:
    """A tab's app process: run as ``mot_sim.web.child`` (one process per tab), or forked
    from the preloaded parent (``mot_sim.web.zygote``, whose command line it shares)."""
    ppid, cmd = table[pid]
    if b"mot_sim.web.child" in cmd.split(b"\0"):
        return True
    parent = table.get(ppid, (0, b""))[1]
    return b"mot_sim.web.zygote" in cmd.split(b"\0") and parent == cmd


def server_memory(server_pid: int) -> dict[str, list[dict[str, int]]]:
    """The memory of one server's processes: its tabs' app processes, the rest (the
    server itself, a preloaded parent, launchers, shells), and all of them."""
    table = process_table()
    found: dict[str, list[dict[str, int]]] = {"apps": [], "others": [], "all": []}
    for pid in [server_pid, *descendants(server_pid, table)]:
        sizes = smaps_rollup(pid)
        if sizes is None:
            continue
        found["apps" if is_app(pid, table) else "others"].append(sizes)
        found["all"].append(sizes)
    return found


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def run(args: argparse.Namespace, trainee_url: str, console_url: str, code: str) -> dict:
    names = [f"T{i + 1:02d}" for i in range(args.trainees)]
    tabs = {n: Tab(trainee_url, width=110, height=32) for n in names}
    first_screen: list[float] = []
    keystrokes: list[float] = []
    scored_at: dict[str, float] = {}
    roster_at: dict[str, float] = {}
    all_in = asyncio.Event()
    ready = 0

    console = Tab(console_url, width=120, height=40)
    await console.open()
    await console.wait_for("Join code", timeout=60)

    async def watch_roster() -> None:
        while len(roster_at) < len(names):
            await console.wait_until(lambda _: True, timeout=1)
            now = time.monotonic()
            shown = console.text
            for n in names:
                if n not in roster_at and replies_column(shown, n) == "1":
                    roster_at[n] = now
            await asyncio.sleep(0.01)

    async def trainee(i: int, name: str) -> None:
        nonlocal ready
        await asyncio.sleep(i * args.stagger)
        tab = tabs[name]
        opened = time.monotonic()
        await tab.open()
        await tab.wait_for("Type your name", timeout=120)
        first_screen.append(time.monotonic() - opened)
        # No pause to let the tab finish loading: a join typed meanwhile goes ahead once
        # the scenarios are loaded, and every key lands in the field focused when typed.
        for value in (code, "", name):
            if value:
                await tab.send(value)
                await tab.wait_for(value, timeout=60)
            await tab.send(ENTER)
        await tab.wait_for(f"You are in class {code}", timeout=60)
        await tab.send(ENTER)
        await tab.wait_for("Mrs Ellis", timeout=60)
        await asyncio.sleep(0.5)
        ready += 1
        if ready == len(names):
            all_in.set()
        await all_in.wait()
        gap = 1 / args.cps
        for k in range(1, len(REPLY) + 1):
            sent = time.monotonic()
            await tab.send(REPLY[k - 1])
            typed = REPLY[:k].rstrip()
            if REPLY[k - 1] != " ":
                await tab.wait_until(lambda shown, t=typed: t in shown, timeout=30)
                keystrokes.append(time.monotonic() - sent)
            await asyncio.sleep(max(0.0, gap - (time.monotonic() - sent)))
        scored_at[name] = time.monotonic()
        await tab.send(ENTER)
        await tab.wait_for("Earned", timeout=60)

    watcher = asyncio.create_task(watch_roster())
    await asyncio.gather(*(trainee(i, n) for i, n in enumerate(names)))
    # The steady state: every trainee has had a reply scored, and every tab is still open.
    await asyncio.sleep(1)
    memory = server_memory(args.server_pid)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(watcher, 10)
    for tab in [*tabs.values(), console]:
        await tab.close()
    return {
        "first_screen": first_screen,
        "keystrokes": keystrokes,
        "roster": [roster_at[n] - scored_at[n] for n in names if n in roster_at],
        "roster_missing": [n for n in names if n not in roster_at],
        "memory": memory,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=20)
    parser.add_argument("--stagger", type=float, default=0.5, help="seconds between joins")
    parser.add_argument("--cps", type=float, default=5.0, help="keys per second per trainee")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MOT_SIM_DATA"] = tmp
        os.environ["MOT_SIM_DB"] = str(Path(tmp) / "class.sqlite3")
        from mot_sim import locations
        from mot_sim.catalog import load_catalog
        from mot_sim.classroom.service import Classroom
        from mot_sim.store import open_store

        store = open_store(locations.default_db_path())
        session = Classroom(store, load_catalog()).start(["pickle_request"], "practice")
        store.close()
        env = python_env()
        tport, cport = free_port(), free_port()
        trainee_server = start_server(tport, env=env)
        console_server = start_server(cport, ["--trainer", "--code", session.code], env=env)
        args.server_pid = trainee_server.pid
        try:
            found = asyncio.run(
                run(args, f"http://127.0.0.1:{tport}", f"http://127.0.0.1:{cport}", session.code)
            )
        finally:
            stop_server(trainee_server)
            stop_server(console_server)

    n = args.trainees
    print(f"classroom through textual-serve: {n} trainees, 1 console, {os.cpu_count()} cores")
    fs = found["first_screen"]
    print(
        f"  first screen after opening ({args.stagger:g} s apart): "
        f"p50 {statistics.median(fs):.2f} s, max {max(fs):.2f} s"
    )
    memory = found["memory"]
    apps = memory["apps"]
    if apps:

        def figure(key: str) -> str:
            values = [a[key] for a in apps]
            return f"{statistics.mean(values) / MIB:.1f} / {max(values) / MIB:.1f}"

        print(
            f"  memory per tab, once every trainee has had a reply scored ({len(apps)} app "
            f"processes), mean / max MiB: RSS {figure('Rss')}, PSS {figure('Pss')}, "
            f"USS {figure('Uss')}"
        )
        total = sum(p["Pss"] for p in memory["all"])
        others = sum(p["Pss"] for p in memory["others"])
        print(
            f"  the whole trainee server ({len(memory['all'])} processes, PSS summed): "
            f"{total / MIB:.1f} MiB, of which {others / MIB:.1f} MiB outside the tabs' app "
            f"processes; per trainee {total / n / MIB:.1f} MiB   (target <= 60 MiB)"
        )
    ks = found["keystrokes"]
    print(
        f"  keystroke to screen, all {n} typing at {args.cps:g} keys/s ({len(ks)} keys): "
        f"p50 {pct(ks, 50) * 1000:.0f} ms, p95 {pct(ks, 95) * 1000:.0f} ms, "
        f"max {max(ks) * 1000:.0f} ms   (target p95 < 300 ms)"
    )
    ro = found["roster"]
    if ro:
        print(
            f"  reply (Enter) to the console's roster ({len(ro)} turns): p50 "
            f"{pct(ro, 50) * 1000:.0f} ms, p95 {pct(ro, 95) * 1000:.0f} ms, "
            f"max {max(ro) * 1000:.0f} ms   (target < 1 s)"
        )
    if found["roster_missing"]:
        print(f"  not seen on the roster: {', '.join(found['roster_missing'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
