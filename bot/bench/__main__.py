"""`make bench`: measured figures, printed. Each section is an async function in SECTIONS."""

from __future__ import annotations

import asyncio
import compileall
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from bot.arena.client import ArenaClient
from bot.arena.models import ImportRun
from bot.bench.burst import bench_burst
from bot.bench.poller import bench_poller
from bot.cards import CardButton, run_card
from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID, SEED_RUNS
from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackStub
from bot.deps import Deps
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.server import web_app

Section = Callable[[], Awaitable[None]]
SECRET = "bench-signing-secret"


@asynccontextmanager
async def arena_client(sim: ArenaSimulator) -> AsyncIterator[ArenaClient]:
    """A client of the simulator, logged out and closed afterwards."""
    async with httpx.AsyncClient(base_url=sim.url + "/", timeout=10) as http:
        client = ArenaClient(http, email=sim.email, password=sim.password, workspace_id=None)
        try:
            yield client
        finally:
            await client.close()


async def bench_arena_client() -> None:
    """Logins and requests Arena sees for 100 concurrent get_run calls."""
    async with ArenaSimulator() as sim, arena_client(sim) as arena:
        sim.latency = 0.05
        started = time.perf_counter()
        await asyncio.gather(*(arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID) for _ in range(100)))
        took = time.perf_counter() - started
        print(
            f"  100 concurrent get_run (same run, 50 ms Arena latency): "
            f"{sim.stats.logins} login, {sim.stats.requests} request, {took * 1000:.0f} ms"
        )
        sim.reset_stats()
        runs = list(SEED_RUNS.items())
        calls = [
            arena.get_run(imp, run, fresh=True)
            for i in range(100)
            for run, imp in [runs[i % len(runs)]]
        ]
        await asyncio.gather(*calls)
        print(
            f"  100 concurrent get_run(fresh) over {len(runs)} runs: "
            f"{sim.stats.logins} new logins, {sim.stats.requests} requests"
        )


async def bench_cards() -> None:
    """How long building one card takes (pure Block Kit)."""
    async with ArenaSimulator() as sim, arena_client(sim) as arena:
        runs: list[ImportRun] = [await arena.get_run(i, r) for r, i in SEED_RUNS.items()]
    buttons = frozenset(CardButton)
    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        for run in runs:
            run_card(run, import_guid=SEED_IMPORT_GUID, buttons=buttons).to_dict()
    per_card = (time.perf_counter() - started) / (rounds * len(runs))
    print(f"  run_card + to_dict: {per_card * 1e6:.0f} µs per card (mean of {rounds * len(runs)})")


async def bench_slash_command() -> None:
    """Ack time and time to the card for /importrun over real HTTP, Arena at 200 ms."""
    async with ArenaSimulator() as sim, arena_client(sim) as arena:
        slack = SlackStub()
        await slack.start()
        settings = Settings(_env_file=None, slack_api_url=slack.url)
        client = AsyncWebClient(token=slack.token, base_url=slack.url)
        deps = Deps(settings=settings, arena=arena)
        app = build_app(deps, client=client, signing_secret=SECRET)
        runner = web.AppRunner(web_app(app, mode="http", signing_secret=SECRET), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        sim.latency = 0.2
        acks, cards = [], []
        try:
            async with httpx.AsyncClient(timeout=10) as http:
                events = SlackEvents(http, f"http://127.0.0.1:{port}/slack/events", SECRET)
                for i in range(30):
                    started = time.perf_counter()
                    response = await events.slash_command(
                        f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}",
                        response_url=slack.response_url(f"b{i}"),
                    )
                    acks.append(time.perf_counter() - started)
                    assert response.status_code == 200
                    await slack.response(f"b{i}")
                    cards.append(time.perf_counter() - started)
        finally:
            await runner.cleanup()
            await deps.responder.close()
            await slack.stop()
        print(f"  ack: median {_ms(acks)}, max {max(acks) * 1000:.0f} ms over {len(acks)} commands")
        print(
            f"  card at response_url: median {_ms(cards)} (first {cards[0] * 1000:.0f} ms "
            f"with login + run + change lookups; later ones served from cache)"
        )
        print(f"  Arena requests for {len(acks)} commands: {sim.stats.requests}")


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.0f} ms"


SECTIONS: list[tuple[str, Section]] = [
    ("Arena client", bench_arena_client),
    ("Cards", bench_cards),
    ("Slash command over HTTP", bench_slash_command),
    ("Burst against bare Bolt", bench_burst),
    ("Poller: 50 watched runs over a simulated hour", bench_poller),
]


def compile_bot() -> None:
    """Write the bot's bytecode, as the image's `pip install .` does: an editable install run
    with PYTHONDONTWRITEBYTECODE (as here) would compile every module at each start (~140 ms)."""
    compileall.compile_dir(Path(__file__).resolve().parents[1], quiet=1)


async def _main(only: set[str]) -> None:
    compile_bot()
    for name, section in SECTIONS:
        if only and not any(word.lower() in name.lower() for word in only):
            continue
        print(f"{name}:")
        await section()


def main(argv: list[str] | None = None) -> None:
    """Run every section (or those whose names contain an argument) and print figures."""
    asyncio.run(_main(set(sys.argv[1:] if argv is None else argv)))


if __name__ == "__main__":
    main()
