"""A classroom through textual-serve: 20 trainees in browser tabs, one trainer console.

    python bench/bench_classroom.py [--trainees 20] [--stagger 0.5] [--cps 5]

Starts two real ``mot-sim serve`` servers on 127.0.0.1 (the trainee app, and the console
with ``--trainer --code``) over one new score log, opens a real websocket client per
trainee speaking textual-serve's protocol (a terminal emulator stands in for the
browser), joins each to the class (``--stagger`` seconds apart), brings them all into
the encounter, then has all of them type a reply at the same time, a key at a time
(``--cps`` keys per second each), and send it. Measures:

- memory per trainee session: the RSS of each tab's app process (and its PSS, which
  counts shared pages once), once all are typing;
- keystroke-to-screen latency, p50/p95 over every key of every trainee typed at once:
  from sending the key to the tab showing the typed text;
- scored turn to roster: from a trainee's tab showing the reply's score to the trainer's
  console (another tab) showing the trainee's reply count move.

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


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def app_memory(server_pid: int, role: str) -> list[tuple[int, int]]:
    """(RSS, PSS) in bytes of each app process of one server."""
    sizes = []
    for pid in descendants(server_pid):
        try:
            cmd = (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
            if b"mot_sim.web.child" not in cmd or role.encode() not in cmd:
                continue
            rollup = (Path("/proc") / str(pid) / "smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        fields = {line.split(":")[0]: int(line.split()[1]) * 1024 for line in rollup[1:]}
        sizes.append((fields.get("Rss", 0), fields.get("Pss", 0)))
    return sizes


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
        await tab.send(ENTER)
        await tab.wait_for("Earned", timeout=60)
        scored_at[name] = time.monotonic()

    watcher = asyncio.create_task(watch_roster())
    memory: list[tuple[int, int]] = []

    async def sample_memory() -> None:
        await all_in.wait()
        await asyncio.sleep(len(REPLY) / args.cps / 2)  # mid-typing
        memory.extend(app_memory(args.server_pid, "trainee"))

    sampler = asyncio.create_task(sample_memory())
    await asyncio.gather(*(trainee(i, n) for i, n in enumerate(names)))
    await sampler
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
    rss = [r for r, _ in found["memory"]]
    pss = [p for _, p in found["memory"]]
    if rss:
        print(
            f"  memory per trainee session ({len(rss)} processes): RSS mean "
            f"{statistics.mean(rss) / MIB:.1f} MiB, max {max(rss) / MIB:.1f} MiB; "
            f"PSS mean {statistics.mean(pss) / MIB:.1f} MiB   (target <= 60 MiB)"
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
            f"  scored turn to the console's roster ({len(ro)} turns): p50 "
            f"{pct(ro, 50) * 1000:.0f} ms, p95 {pct(ro, 95) * 1000:.0f} ms, "
            f"max {max(ro) * 1000:.0f} ms   (target < 1 s)"
        )
    if found["roster_missing"]:
        print(f"  not seen on the roster: {', '.join(found['roster_missing'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
