"""A real `Poller` on a fake clock: Arena simulator and Slack stub over HTTP, a real database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from helpers_arena import open_arena
from slack_sdk.web.async_client import AsyncWebClient

from bot.answer.commands import Subscribe, SubscriptionFilter
from bot.answer.notify import subscribe
from bot.demo.seed import SEED_IMPORT_GUID
from bot.demo.simulator import ArenaSimulator, FakeClock, RunTimeline
from bot.demo.slack_stub import SlackCall, SlackStub
from bot.deps import Deps
from bot.runs.messages import Asker
from bot.settings import Settings
from bot.watch.poller import Poller
from bot.watch.store import Store, Watch, open_store
from bot.wiring import slack_client

CHANNEL = "C0WATCHERS"
USER = "U0ASKER001"
RUN_ROUTE = "GET /imports/{g}/runs/{g}"
RUNS_ROUTE = "GET /imports/{g}/runs"
NEW_RUN = "N3WRUNQ8ZT4KD6RX2MBA"
NEWER_RUN = "N4WRUNQ8ZT4KD6RX2MBA"
THIRD_RUN = "N5WRUNQ8ZT4KD6RX2MBA"


@dataclass
class PollWorld:
    """A poller and everything it talks to; time moves only when the test says so."""

    sim: ArenaSimulator
    clock: FakeClock
    slack: SlackStub
    store: Store
    deps: Deps
    poller: Poller

    @property
    def web(self) -> AsyncWebClient:
        """The poller's Slack Web API client (pointed at the stub)."""
        assert self.deps.slack is not None
        return self.deps.slack

    def now(self) -> float:
        """The fake clock as the poller sees it (epoch seconds)."""
        return self.clock().timestamp()

    async def tick(self) -> float:
        """One tick of the poller, then the fake clock moves on by the delay it returned."""
        delay = await self.poller.tick()
        self.clock.advance(delay)
        return delay

    async def sleep(self, seconds: float) -> None:
        """A sleep for `Poller.run`: the fake clock moves on instead."""
        self.clock.advance(seconds)
        await asyncio.sleep(0)

    def new_poller(self, **options: Any) -> Poller:
        """Another poller on this world's clock, store and Slack (`sleep`, `fence`, …)."""
        return Poller(
            self.deps,
            **{"store": self.store, "slack": self.web, "clock": self.now, "wall": self.clock}
            | options,
        )

    async def run_for(self, seconds: float) -> None:
        """Tick for `seconds` of simulated time."""
        end = self.now() + seconds
        while self.now() < end:
            await self.tick()

    async def watch(self, run_guid: str, *, import_guid: str = SEED_IMPORT_GUID) -> Watch:
        """A watch as `/importrun watch` leaves it: the card at a ts, polled from now on."""
        return await self.store.add_watch(
            channel=CHANNEL,
            import_guid=import_guid,
            run_guid=run_guid,
            message_ts="1700000000.000001",
            user_id=USER,
            now=self.now(),
            interval=self.deps.settings.poll_interval_seconds,
        )

    async def subscribe(
        self, filter: SubscriptionFilter = "all", *, import_guid: str = SEED_IMPORT_GUID
    ) -> str:
        """`/importrun subscribe IMPORT filter` in CHANNEL; the private answer's text."""
        answer = await subscribe(self.deps, Asker(USER, CHANNEL), Subscribe(import_guid, filter))
        return answer.text

    def requests(self, route: str = RUN_ROUTE) -> int:
        """How many times Arena served `route`."""
        return self.sim.stats.by_route[route]

    def posts(self) -> list[SlackCall]:
        """chat.postMessage calls that Slack accepted."""
        return [c for c in self.slack.calls_to("chat.postMessage") if c.answer.get("ok")]

    async def poll_times(self, seconds: float, route: str = RUN_ROUTE) -> list[float]:
        """Tick for `seconds` of simulated time; when (from now) Arena was asked for `route`."""
        start, end = self.now(), self.now() + seconds
        times = []
        while self.now() < end:
            before, at = self.requests(route), self.now()
            await self.tick()
            if self.requests(route) > before:
                times.append(at - start)
        return times


def numbers(calls: list[SlackCall]) -> list[int]:
    """The run numbers of the cards posted, in order."""
    found = [re.search(r" · run #(\d+) · ", call.text) for call in calls]
    return [int(match.group(1)) for match in found if match]


def gaps(times: list[float]) -> list[float]:
    """The waits between successive moments, the first one from 0."""
    return [b - a for a, b in zip([0.0, *times], times, strict=False)]


@asynccontextmanager
async def poll_world(database: Path | str, **settings: Any) -> AsyncIterator[PollWorld]:
    """Start the seeded simulator and the Slack stub; a poller over `database` (a URL, or a
    folder for a SQLite file)."""
    clock = FakeClock()
    sim = ArenaSimulator(clock=clock)
    slack = SlackStub()
    await sim.start()
    await slack.start()
    url = database if isinstance(database, str) else f"sqlite:///{database / 'bot.db'}"
    store = await open_store(url)
    try:
        config = Settings(
            _env_file=None,
            poll_interval_seconds=30,
            slack_api_url=slack.url,
            slack_bot_token=slack.token,
            **settings,
        )
        web = slack_client(config)
        async with open_arena(sim.url, backoff=0, clock=lambda: clock().timestamp()) as arena:
            base = Deps(settings=config, arena=arena, store=store, slack=web)
            poller = Poller(
                base,
                store=store,
                slack=web,
                clock=lambda: clock().timestamp(),
                wall=clock,
            )
            yield PollWorld(sim, clock, slack, store, replace(base, poller=poller), poller)
    finally:
        await store.close()
        await slack.stop()
        await sim.stop()


def add_run(
    sim: ArenaSimulator,
    guid: str,
    *,
    finishes_after: float | None,
    import_guid: str = SEED_IMPORT_GUID,
    **fields: Any,
) -> None:
    """A run that is RUNNING now and reaches its status `finishes_after` seconds later.

    `finishes_after=None`: the run is already finished.
    """
    run = {
        "guid": guid,
        "status": "COMPLETE",
        "commit": True,
        "totalCount": 2_000,
        "successCount": 2_000,
        "errorCount": 0,
        "creator": {"fullName": "Night Job", "email": "ci@example.com"},
        "submitFileType": "CSV",
        **fields,
    }
    if finishes_after is None:
        sim.add_run(import_guid, run)
        return
    timeline = RunTimeline(
        running_after=0.0, finished_after=finishes_after, final_status=run["status"]
    )
    sim.add_run(import_guid, run, timeline=timeline)
