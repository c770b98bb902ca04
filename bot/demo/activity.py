"""A workspace that keeps working: a new import run starts every minute or two, then finishes."""

from __future__ import annotations

import asyncio
import random
import string

from bot.demo.seed_parts import INTEGRATION, warning
from bot.demo.sim_runs import RunTimeline
from bot.demo.sim_state import SimulatedWorkspace

EVERY = (60.0, 120.0)
"""Seconds between two new runs (drawn evenly)."""
TAKES = (20.0, 50.0)
"""Seconds a new run takes to finish."""
_GUID_CHARS = string.ascii_uppercase + string.digits


def start_run(workspace: SimulatedWorkspace, rng: random.Random) -> tuple[str, str]:
    """Start one run of a random definition; it finishes in 20–50 s. (import GUID, run GUID)."""
    definition = rng.choice(workspace.definitions())
    total = rng.randrange(200, 5_000)
    roll = rng.random()
    errors = 0 if roll < 0.6 else rng.randrange(1, max(2, total // 20))
    status = "ERROR" if roll > 0.93 else "COMPLETE"
    if status == "ERROR":
        errors = total
    run = {
        "guid": "".join(rng.choice(_GUID_CHARS) for _ in range(20)),
        "status": status,
        "commit": True,
        "totalCount": total,
        "successCount": total - errors,
        "errorCount": errors,
        "creator": dict(INTEGRATION),
        "submitFileType": "CSV",
        "warnings": {"count": 0, "results": []},
        "changes": [],
    }
    if 0.4 < roll < 0.6:
        run["warnings"] = {"count": 1, "results": [warning(331, "Column 'Notes' ignored.")]}
    timeline = RunTimeline(
        running_after=1.0, finished_after=rng.uniform(*TAKES), final_status=status
    )
    workspace.add_run(str(definition["guid"]), run, timeline=timeline)
    return str(definition["guid"]), str(run["guid"])


async def keep_starting_runs(
    workspace: SimulatedWorkspace, *, every: tuple[float, float] = EVERY, seed: int | None = None
) -> None:
    """Until cancelled: a new run every `every` seconds, so subscriptions have news to post."""
    rng = random.Random(seed)
    while True:
        await asyncio.sleep(rng.uniform(*every))
        start_run(workspace, rng)
