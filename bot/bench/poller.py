"""`make bench`, the poller's section: Arena requests on a simulated clock (simulator counter)."""

from __future__ import annotations

import statistics

import httpx

from bot.answer.notify import settled_runs
from bot.arena.client import ArenaClient
from bot.demo.seed import BOM_IMPORT_GUID
from bot.demo.seed_parts import item_definition
from bot.demo.simulator import ArenaSimulator, FakeClock, RunTimeline
from bot.demo.slack_stub import SlackStub
from bot.deps import Deps
from bot.settings import Settings
from bot.watch.poller import Poller
from bot.watch.store import Store
from bot.wiring import slack_client

HOUR = 3600.0
LENGTHS = [60 + i * (89 * 60) / 49 for i in range(50)]  # seconds, evenly 1 to 90 minutes
GUIDS = [f"BENCHRUN{i:012d}" for i in range(50)]
BENCH_IMPORT = "BENCHIMPORT000000001"
RUN_ROUTE = "GET /imports/{g}/runs/{g}"
RUNS_ROUTE = "GET /imports/{g}/runs"


async def _subscribe(store: Store, arena: ArenaClient, import_guid: str, now: float) -> None:
    since, settled = settled_runs(await arena.list_runs(import_guid, limit=400))
    store.subscribe(
        channel="C0BENCH002",
        import_guid=import_guid,
        filter="all",
        since_number=since,
        settled=settled,
        user_id="U0BENCH001",
        now=now,
    )


async def _simulate(
    *, watched: bool, subscribed: str | None, seconds: float
) -> tuple[ArenaSimulator, list[float]]:
    """Tick a real poller on a fake clock; the simulator, and how late each watch was told."""
    clock = FakeClock()
    slack = SlackStub()
    await slack.start()
    store = Store("sqlite:///:memory:")
    settings = Settings(
        _env_file=None,
        poll_interval_seconds=30,
        poll_max_interval_seconds=600,
        slack_api_url=slack.url,
        slack_bot_token=slack.token,
    )
    web = slack_client(settings)
    try:
        async with (
            ArenaSimulator(clock=clock) as sim,
            httpx.AsyncClient(base_url=sim.url + "/", timeout=10) as http,
        ):
            arena = ArenaClient(http, email=sim.email, password=sim.password)
            sim.add_import(item_definition(BENCH_IMPORT) | {"name": "Bench load"})
            start = clock().timestamp()
            for guid, length in zip(GUIDS, LENGTHS, strict=True):
                run = {"guid": guid, "status": "COMPLETE", "commit": True, "totalCount": 500}
                run |= {"successCount": 500, "errorCount": 0}
                sim.add_run(BENCH_IMPORT, run, timeline=RunTimeline(None, 0.0, length))
                if watched:
                    store.add_watch(
                        channel="C0BENCH001",
                        import_guid=BENCH_IMPORT,
                        run_guid=guid,
                        message_ts="1.000001",
                        user_id="U0BENCH001",
                        now=start,
                        interval=settings.poll_interval_seconds,
                    )
            if subscribed:
                await _subscribe(store, arena, subscribed, start)
            sim.reset_stats()
            deps = Deps(settings=settings, arena=arena, store=store, slack=web)
            poller = Poller(
                deps, store=store, slack=web, clock=lambda: clock().timestamp(), wall=clock
            )
            late: list[float] = []
            pending = {w.run_guid for w in store.pending_watches()}
            while (at := clock().timestamp() - start) < seconds:
                delay = await poller.tick()
                still = {w.run_guid for w in store.pending_watches()}
                late += [at - LENGTHS[GUIDS.index(g)] for g in pending - still]
                pending = still
                clock.advance(delay)
            await arena.close()
            return sim, late
    finally:
        store.close()
        await slack.stop()


async def bench_poller() -> None:
    """Arena requests the poller spends on 50 watched runs (1 to 90 min) in a simulated hour."""
    sim, late = await _simulate(watched=True, subscribed=None, seconds=HOUR)
    finished = sum(length <= HOUR for length in LENGTHS)
    every_30s = sum(min(-(-length // 30), HOUR // 30) for length in LENGTHS)
    print(
        f"  50 watched runs (1 to 90 min, all watched at the start), 3600 simulated s: "
        f"{sim.stats.requests} Arena requests ({sim.stats.by_route[RUN_ROUTE]} GET run, "
        f"{sim.stats.logouts} logout); {len(late)} of the {finished} runs that finished within "
        "the hour announced within it"
    )
    print(
        "  schedule per run: first poll after POLL_INTERVAL_SECONDS (30 s), each next one "
        "×1.5 later (30, 45, 67.5, 101 … s), capped at POLL_MAX_INTERVAL_SECONDS (600 s): "
        f"at most 11 polls of a run in its first hour, against {every_30s:.0f} requests "
        "at a fixed 30 s"
    )
    print(
        f"  the price: a run is announced {statistics.mean(late):.0f} s after it finished on "
        f"average (max {max(late):.0f} s); one request per run per poll, however many watch it"
    )
    sim, late = await _simulate(watched=True, subscribed=BENCH_IMPORT, seconds=HOUR)
    print(
        f"  the same with another channel subscribed to their import: {sim.stats.requests} "
        f"requests ({sim.stats.by_route[RUNS_ROUTE]} GET runs list: one read per poll, sized to "
        "reach the oldest run still going; 30 s after a run started or finished, ×1.5 after "
        f"that); a read that shows a watched run finished hurries its watch: announced "
        f"{statistics.mean(late):.0f} s after it finished on average (max {max(late):.0f} s)"
    )
    sim, _ = await _simulate(watched=False, subscribed=BOM_IMPORT_GUID, seconds=24 * HOUR)
    print(
        f"  one subscription to a quiet import for a simulated day: {sim.stats.requests} "
        f"requests (a fixed 30 s would be {24 * HOUR / 30:.0f})"
    )
