"""`post --wait`: poll one run as the poller would until it finishes, saying when it looks next."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TextIO

from bot.arena.client import ArenaClient
from bot.arena.errors import ArenaUnavailable
from bot.arena.models import ImportRun
from bot.cards.common import run_name
from bot.cli.outcome import Refused
from bot.runs.explain import explain
from bot.settings import Settings
from bot.terminal.mrkdwn import plain_text
from bot.watch.schedule import next_interval, pace

Sleep = Callable[[float], Awaitable[None]]


async def wait_until_finished(
    arena: ArenaClient,
    import_guid: str,
    run: ImportRun,
    settings: Settings,
    timeout: float,
    out: TextIO,
    sleep: Sleep = asyncio.sleep,
) -> ImportRun:
    """Poll as the poller does: every POLL_INTERVAL_SECONDS, growing ×1.5 to the maximum,
    slower while Arena's quota is scarce, at the longest delay while polling would pause."""
    base, cap = settings.poll_interval_seconds, settings.poll_max_interval_seconds
    delay = base
    waited = 0.0
    while not run.is_finished:
        left = timeout - waited
        if left <= 0:
            raise Refused(
                f"Import run {run_name(run)} was still {run.status} after {seconds(timeout)} s; "
                "nothing was posted (raise --timeout to wait longer)."
            )
        now = datetime.now(UTC)
        pacing = pace(arena.quota, reserve=settings.arena_quota_reserve, now=now)
        paced = cap if pacing.paused else delay * pacing.factor
        pause = min(paced, left)
        why = "" if pacing.reason == "normal" else f" (Arena quota: {pacing.reason})"
        print(
            f"Import run {run_name(run)} is {run.status}; next check in {seconds(pause)} s{why}.",
            file=out,
        )
        await sleep(pause)
        waited += pause
        delay = next_interval(delay, base=base, cap=cap)
        try:
            run = await arena.get_run(import_guid, run.guid, fresh=True)
        except ArenaUnavailable as exc:
            # One failed poll is no reason to fail a CI job: the next poll may well work.
            print(f"{plain_text(explain(exc))} Still waiting.", file=out)
    return run


def seconds(value: float) -> str:
    """Seconds as a person reads them: `25`, `2`, `0.5`, never `25.3125`."""
    return f"{value:.0f}" if value >= 10 else f"{round(value, 1):g}"
