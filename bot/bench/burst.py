"""`make bench`, the burst: `/importrun` under load, ours against the bare-Bolt reference.

Both serve as their own processes on the same machine in the same run, against the same
Arena simulator (300 ms a request) and Slack stub: start to /healthz, one command after
start, 250 concurrent commands (200 for one finished run, 50 for 50 others), then 1,000.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import tempfile
from collections.abc import Sequence
from pathlib import Path

import aiohttp

from bot.bench.load import SECRET, Load, free_port, percentile, profiler, start_server
from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID, seed_change, seed_run
from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_stub import SlackStub

ARENA_LATENCY = 0.3
ONE_RUN, OTHERS, BIG = 200, 50, 1000
OTHER_GUIDS = [f"RBENCH{i:014d}" for i in range(OTHERS + 1)]  # the last: the first command


def burst_texts(total: int) -> list[str]:
    """200 of 250 for the seed run, the rest spread over 50 others (the same shares for more)."""
    others = total * OTHERS // (ONE_RUN + OTHERS)
    texts = [f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}"] * (total - others)
    texts += [f"{SEED_IMPORT_GUID} {OTHER_GUIDS[i % OTHERS]}" for i in range(others)]
    return texts


def add_runs(sim: ArenaSimulator) -> None:
    """51 more finished runs like the seed run, each added to its own change order."""
    for i, guid in enumerate(OTHER_GUIDS):
        change = seed_change() | {"guid": f"CBENCH{i:014d}", "number": f"ECO-9{i:05d}"}
        run = seed_run() | {"guid": guid, "number": 100 + i}
        run["changes"] = [change | {"effectiveDateTime": None, "submissionDateTime": None}]
        sim.add_change(change)
        sim.add_run(SEED_IMPORT_GUID, run)


async def measure(
    args: Sequence[str], env: dict[str, str], load: Load, sim: ArenaSimulator, log: Path
) -> dict[str, float]:
    """Start, one command, the 250 burst, the 1,000 burst: the figures of one server."""
    server = await start_server(args, env, log)
    events = f"{server.base}/slack/events"
    try:
        figures = {"healthy": server.healthy_after * 1000}
        _, first = await load.command(events, f"{SEED_IMPORT_GUID} {OTHER_GUIDS[-1]}")
        figures["first"] = first * 1000
        spy = await profiler(server, args)
        before_cpu, before_requests = server.cpu_seconds(), sim.stats.requests
        burst = await load.burst(events, burst_texts(ONE_RUN + OTHERS))
        await asyncio.sleep(ARENA_LATENCY * 2)  # the change links' follow-ups
        spent = server.cpu_seconds() - before_cpu
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            await spy.wait()
        figures["ack50"] = statistics.median(burst.acks) * 1000
        figures["ack99"] = percentile(burst.acks, 0.99) * 1000
        overheads = [card - ARENA_LATENCY for card in burst.cards]
        figures["over50"] = statistics.median(overheads) * 1000
        figures["over99"] = percentile(overheads, 0.99) * 1000
        figures["cpu"] = spent / (ONE_RUN + OTHERS) * 1000
        figures["arena"] = sim.stats.requests - before_requests
        await load.burst(events, burst_texts(BIG))
        await asyncio.sleep(ARENA_LATENCY * 2)
        figures["rss"] = server.peak_rss_mb()
    finally:
        await server.stop()
    return figures


ROWS = [  # key, label, target (text), target check on (ours, ratio)
    ("ack50", "ack p50 (ms)", "", None),
    ("ack99", "ack p99 (ms)", "≤ 150 ms", lambda v, r: v <= 150),
    ("over50", "overhead p50: card − 300 ms (ms)", "≤ 1 ×", lambda v, r: r <= 1.0),
    ("over99", "overhead p99 (ms)", "≤ 1.25 ×", lambda v, r: r <= 1.25),
    ("cpu", "CPU per command, 250 burst (ms)", "≤ 1.5 ms", lambda v, r: v <= 1.5),
    ("first", "first card after start (ms)", "≤ 400 ms", lambda v, r: v <= 400),
    ("healthy", "start to /healthz 200 (ms)", "≤ 1000 ms", lambda v, r: v <= 1000),
    ("rss", "peak RSS after 1,000 commands (MB)", "≤ 120 MB", lambda v, r: v <= 120),
    ("arena", "Arena requests in the 250 burst", "", None),
]


def table(ours: list[dict[str, float]], ref: list[dict[str, float]]) -> str:
    """Medians of the rounds: ours, the reference, the ratio, the target and whether it is met."""
    lines = [
        f"  {'figure':<38}{'ours':>9}{'bare Bolt':>11}{'ratio':>8}  target",
        f"  {'-' * 38}{'-' * 9:>9}{'-' * 10:>11}{'-' * 7:>8}  {'-' * 14}",
    ]
    for key, label, target, met in ROWS:
        mine = statistics.median(f[key] for f in ours)
        theirs = statistics.median(f[key] for f in ref)
        ratio = mine / theirs if theirs else float("nan")
        verdict = "" if met is None else ("  met" if met(mine, ratio) else "  NOT met")
        shown = f"{ratio:>8.2f}" if theirs else f"{'—':>8}"
        lines.append(f"  {label:<38}{mine:>9.1f}{theirs:>11.1f}{shown}  {target}{verdict}")
    return "\n".join(lines)


async def bench_burst() -> None:
    """The burst against the bare-Bolt reference: medians of BENCH_ROUNDS rounds (3)."""
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    slack = SlackStub()
    await slack.start()
    try:
        async with ArenaSimulator() as sim:
            add_runs(sim)
            with tempfile.TemporaryDirectory() as tmp:
                work = Path(tmp)
                card_file = work / "card.json"
                card_file.write_text(json.dumps(await _seed_card(sim)))
                sim.latency = ARENA_LATENCY
                base = {
                    k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "ARENA_"))
                }
                base |= {
                    "SLACK_BOT_TOKEN": slack.token,
                    "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_API_URL": slack.url,
                }
                ours_env = base | {
                    "ARENA_API_URL": sim.url,
                    "ARENA_EMAIL": sim.email,
                    "ARENA_PASSWORD": sim.password,
                    "HOST": "127.0.0.1",
                    "LOG_LEVEL": "WARNING",
                    # One person sends the whole load: their fair-use share must not end it.
                    "ARENA_REQUESTS_PER_USER_PER_MINUTE": "100000",
                }
                ref_env = base | {"BENCH_CARD": str(card_file), "BENCH_WAIT": str(ARENA_LATENCY)}
                connector = aiohttp.TCPConnector(limit=0)
                async with aiohttp.ClientSession(connector=connector) as http:
                    load = Load(slack, http)
                    ours: list[dict[str, float]] = []
                    ref: list[dict[str, float]] = []
                    for n in range(rounds):
                        runs = [
                            (ref, ["-m", "bot.bench.bare_bolt"], ref_env),
                            (ours, ["-m", "bot", "serve"], ours_env),
                        ]
                        for into, args, env in runs if n % 2 == 0 else runs[::-1]:
                            env = env | {
                                "PORT": str(free_port()),
                                "DATABASE_URL": f"sqlite:///{work / f'bot{n}.db'}",
                            }
                            into.append(await measure(args, env, load, sim, work / "server.log"))
    finally:
        await slack.stop()
    print("  250 concurrent /importrun (200 for one run, 50 for 50), Arena at 300 ms;")
    print(f"  medians of {rounds} rounds, each server a fresh process:")
    print(table(ours, ref))


async def _seed_card(sim: ArenaSimulator) -> dict[str, object]:
    """The seed run's card as the bot shows it, precomputed for the reference."""
    from bot.arena.models import ImportRun
    from bot.cards import CardButton, run_card

    run = ImportRun.model_validate(seed_run())
    return run_card(run, import_guid=SEED_IMPORT_GUID, buttons=frozenset(CardButton)).to_dict()
