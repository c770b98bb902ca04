"""`make bench`, the poller's section: Arena requests on a simulated clock (simulator counter)."""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
from bot.watch.store import open_store
from bot.wiring import slack_client

HOUR = 3600.0
LENGTHS = [60 + i * (89 * 60) / 49 for i in range(50)]  # seconds, evenly 1 to 90 minutes
GUIDS = [f"BENCHRUN{i:012d}" for i in range(50)]
BENCH_IMPORT = "BENCHIMPORT000000001"
RUN_ROUTE = "GET /imports/{g}/runs/{g}"
RUNS_ROUTE = "GET /imports/{g}/runs"
WATCHING = "C0BENCH001"
SUBSCRIBED = "C0BENCH002"
FAILING_RUN = "BENCHFAILINGRUN00001"
HEALTHY = [(f"BENCHOKRUN{i:010d}", 100 + i * 317.0) for i in range(10)]  # 2 to 49 minutes
FAILURES: list[tuple[float, int | str]] = [
    (0.0, 500),
    (600.0, "unreadable"),
    (1200.0, 403),
]  # from these seconds on


@dataclass
class Outcome:
    """What one simulated hour cost and how late each run was told."""

    sim: ArenaSimulator
    watched_late: dict[str, float] = field(default_factory=dict)  # run → seconds after finishing
    subscribed_late: dict[str, float] = field(default_factory=dict)
    replies: Counter[int] = field(default_factory=Counter)  # run number → thread replies
    notes: list[str] = field(default_factory=list)  # other thread replies (a watch ended)
    steps: list[str] = field(default_factory=list)  # backoff steps logged for the failing run


class _Steps(logging.Handler):
    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self._outcome = outcome

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("bot.watch") and FAILING_RUN in record.getMessage():
            self._outcome.steps.append(record.getMessage())


async def _simulate(
    runs: list[tuple[str, float, dict[str, Any]]],
    *,
    watched: bool,
    subscribed: str | None,
    seconds: float,
    during: Callable[[ArenaSimulator, float, bool], None] = lambda sim, at, after: None,
) -> Outcome:
    """Tick a real poller on a fake clock against the simulator and the Slack stub."""
    clock = FakeClock()
    slack = SlackStub()
    await slack.start()
    store = await open_store("sqlite:///:memory:")
    settings = Settings(
        _env_file=None,
        poll_interval_seconds=30,
        poll_max_interval_seconds=600,
        slack_api_url=slack.url,
        slack_bot_token=slack.token,
    )
    web = slack_client(settings)
    backoff_log = logging.getLogger("bot")
    try:
        async with (
            ArenaSimulator(clock=clock) as sim,
            httpx.AsyncClient(base_url=sim.url + "/", timeout=10) as http,
        ):
            outcome = Outcome(sim)
            handler = _Steps(outcome)
            backoff_log.addHandler(handler)
            arena = ArenaClient(
                http, email=sim.email, password=sim.password, clock=lambda: clock().timestamp()
            )
            sim.add_import(item_definition(BENCH_IMPORT) | {"name": "Bench load"})
            start = clock().timestamp()
            lengths = {}
            for guid, length, fields in runs:
                run = {"guid": guid, "status": "COMPLETE", "commit": True, "totalCount": 500}
                run |= {"successCount": 500, "errorCount": 0} | fields
                sim.add_run(BENCH_IMPORT, run, timeline=RunTimeline(None, 0.0, length))
                lengths[guid] = length
                if watched:
                    await store.add_watch(
                        channel=WATCHING,
                        import_guid=BENCH_IMPORT,
                        run_guid=guid,
                        message_ts="1.000001",
                        user_id="U0BENCH001",
                        now=start,
                        interval=settings.poll_interval_seconds,
                    )
            if subscribed:
                since, settled = settled_runs(await arena.list_runs(subscribed, limit=400))
                await store.subscribe(
                    channel=SUBSCRIBED,
                    import_guid=subscribed,
                    filter="all",
                    since_number=since,
                    settled=settled,
                    user_id="U0BENCH001",
                    now=start,
                )
            sim.reset_stats()
            deps = Deps(settings=settings, arena=arena, store=store, slack=web)
            poller = Poller(
                deps, store=store, slack=web, clock=lambda: clock().timestamp(), wall=clock
            )
            pending = {w.run_guid for w in await store.pending_watches()}
            while (at := clock().timestamp() - start) < seconds:
                during(sim, at, False)
                delay = await poller.tick()
                during(sim, at, True)
                still = {w.run_guid for w in await store.pending_watches()}
                for guid in pending - still:
                    outcome.watched_late[guid] = at - lengths[guid]
                pending = still
                for guid, length in lengths.items():
                    told = await store.was_announced(SUBSCRIBED, guid)
                    if told and guid not in outcome.subscribed_late:
                        outcome.subscribed_late[guid] = at - length
                clock.advance(delay)
            for call in slack.calls_to("chat.postMessage"):
                if call.body.get("thread_ts") and call.answer.get("ok"):
                    if found := re.search(r"import run #(\d+)", call.text):
                        outcome.replies[int(found.group(1))] += 1
                    else:
                        outcome.notes.append(call.text)
            await arena.close()
            backoff_log.removeHandler(handler)
            return outcome
    finally:
        await store.close()
        await slack.stop()


def _late(delays: list[float]) -> str:
    return f"mean {statistics.mean(delays):.1f} s, max {max(delays):.0f} s"


async def bench_poller() -> None:
    """The poller's Arena requests and announcement delays in simulated hours."""
    fifty: list[tuple[str, float, dict[str, Any]]] = [
        (guid, length, {}) for guid, length in zip(GUIDS, LENGTHS, strict=True)
    ]
    done = [n + 1 for n, length in enumerate(LENGTHS) if length <= HOUR]
    out = await _simulate(fifty, watched=True, subscribed=None, seconds=HOUR)
    once = all(out.replies[n] == 1 for n in done) and sum(out.replies.values()) == len(done)
    print(
        f"  50 watched runs of one import (1 to 90 min, all watched at the start), 3600 "
        f"simulated s: {out.sim.stats.requests} Arena requests "
        f"({out.sim.stats.by_route[RUNS_ROUTE]} runs-list reads, "
        f"{out.sim.stats.by_route[RUN_ROUTE]} GET run, {out.sim.stats.logouts} logout); "
        f"{len(out.watched_late)} of the "
        f"{len(done)} runs that finished in the hour announced, "
        f"{'each once' if once else 'NOT each once'}; "
        f"{_late(list(out.watched_late.values()))} after finishing"
    )
    print(
        "  how: one runs-list read per import and poll, newest first and sized to reach the "
        "oldest watched run still going, every POLL_INTERVAL_SECONDS (30 s) while one is; "
        "a list entry is the run's card (its own GET only when the entry is cut short)"
    )
    out = await _simulate(fifty, watched=True, subscribed=BENCH_IMPORT, seconds=HOUR)
    print(
        f"  the same with another channel subscribed to their import: {out.sim.stats.requests} "
        f"requests (the read is shared); subscription cards "
        f"{_late(list(out.subscribed_late.values()))} after finishing"
    )
    await _bench_failing_watch()
    sim = (await _simulate([], watched=False, subscribed=BOM_IMPORT_GUID, seconds=24 * HOUR)).sim
    print(
        f"  one subscription to a quiet import for a simulated day: {sim.stats.requests} "
        f"requests (a fixed 30 s would be {24 * HOUR / 30:.0f})"
    )


async def _bench_failing_watch() -> None:
    """One watched run whose own answers fail beside 10 healthy watched runs and a
    subscription: the healthy are told in time, the failing one costs a request per step."""
    path = f"/imports/{BENCH_IMPORT}/runs/{FAILING_RUN}"
    # Warnings cut short in the list: the card needs the run's own GET, which always fails.
    cut = {"warnings": {"count": 3, "results": []}}
    runs = [(FAILING_RUN, 90.0, cut), *((guid, length, {}) for guid, length in HEALTHY)]
    asked: list[float] = []

    def during(sim: ArenaSimulator, at: float, after: bool) -> None:
        if after and sim.stats.by_route[RUN_ROUTE] > len(asked):
            asked.append(at)  # the failing run's own GET in the tick that just ran
        answer = [answer for since, answer in FAILURES if at >= since][-1]
        sim.fail_path(path, answer)

    out = await _simulate(runs, watched=True, subscribed=BENCH_IMPORT, seconds=HOUR, during=during)
    healthy = [g for g, _ in HEALTHY]
    watched = [out.watched_late[g] for g in healthy if g in out.watched_late]
    subscribed = [out.subscribed_late[g] for g in healthy if g in out.subscribed_late]
    gets = out.sim.stats.by_route[RUN_ROUTE]
    print(
        "  one watched run whose own GET fails (HTTP 500 for 10 min, then an unreadable body, "
        "then 403) beside 10 healthy watched runs and a subscription, 3600 simulated s: "
        f"{len(watched)} of 10 healthy runs announced by their watch ({_late(watched)} after "
        f"finishing), {len(subscribed)} of 10 by the subscription ({_late(subscribed)}); "
        f"within two poll intervals (60 s): {max(watched + subscribed) <= 60}"
    )
    ended = any("not allowed" in note for note in out.notes)
    print(
        f"  the failing run (finished at 90 s): {gets} GET requests, at "
        f"{', '.join(f'{t:.0f}' for t in asked)} s: {len(out.steps)} failures, each one "
        "backoff step logged once (the wait doubles from 30 s), then the 403 ended its watch "
        f"with a note under its card: {ended}; {out.sim.stats.requests} Arena requests in all"
    )
