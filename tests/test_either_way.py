"""Two GUIDs in either order, one way for `/importrun`, the message shortcut and the command
line, over real HTTP: what each costs in Arena requests (login aside), and past the
definitions list's first page of 400."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from bot_world import World, everything, running_world
from helpers_arena import FAR_IMPORT_GUID, FAR_RUN_GUID, FAR_SECOND_RUN_GUID, past_the_first_page
from helpers_watch import command

from bot import ids
from bot.demo.seed import CLEAN_RUN_GUID, ERROR_RUN_GUID, PREVIEW_RUN_GUID, SEED_IMPORT_GUID

pytestmark = pytest.mark.asyncio(loop_scope="module")

UNKNOWN = "ZZZZZZZZZZZZZZZZZZZ7"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the seed workspace (two definitions: a complete list)."""
    async with running_world(tmp_path_factory.mktemp("either-way")) as started:
        yield started


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def big(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for a workspace of 403 definitions, "Far load" past the first 400."""
    async with running_world(tmp_path_factory.mktemp("either-way-big")) as started:
        past_the_first_page(started.arena)
        yield started


def spent(world: World) -> int:
    """Arena requests served so far, login aside."""
    return world.arena.stats.requests


async def shortcut(world: World, text: str, key: str) -> None:
    """The message shortcut on a message with `text`."""
    response = await world.events.message_shortcut(
        ids.SHORTCUT_SHOW_RUN,
        {"type": "message", "text": text, "ts": "1700000000.000300"},
        response_url=world.slack.response_url(key),
    )
    assert response.status_code == 200


async def posted(world: World, count: int) -> str:
    """The text of the `count`-th chat.postMessage."""
    return (await world.slack.wait_for("chat.postMessage", count))[count - 1].text


async def test_the_right_order_costs_one_run_read(world: World) -> None:
    """IMPORT RUN, the definitions list read: one request, as before the other order was tried
    at all (nothing is asked before Arena says the first order names no run)."""
    await command(world, "imports", "warm")
    before = spent(world)
    reply = await command(world, f"{SEED_IMPORT_GUID} {CLEAN_RUN_GUID}", "right")
    assert reply["blocks"][0]["text"]["text"] == "✅ Item Master load · run #15 · COMPLETE"
    assert spent(world) == before + 1


async def test_the_other_way_round_costs_two_run_reads(world: World) -> None:
    """RUN IMPORT: the card with the hint, for one run read each way."""
    before = spent(world)
    reply = await command(world, f"{ERROR_RUN_GUID} {SEED_IMPORT_GUID}", "swapped")
    assert reply["blocks"][0]["text"]["text"] == "❌ Item Master load · run #10 · ERROR"
    assert f"`/importrun {SEED_IMPORT_GUID} {ERROR_RUN_GUID}`" in everything(reply)
    assert spent(world) == before + 2


async def test_the_shortcut_goes_the_same_way(world: World) -> None:
    """The shortcut: run first costs what it costs `/importrun`; a second GUID that is no
    import in the (complete) list is not tried as one: one request, not two."""
    before = spent(world)
    await shortcut(world, f"run {PREVIEW_RUN_GUID} of {SEED_IMPORT_GUID}", "sc-swapped")
    assert "Item Master load · run #13" in await posted(world, 1)
    assert spent(world) == before + 2
    before = spent(world)
    await shortcut(world, f"{SEED_IMPORT_GUID} {UNKNOWN}", "sc-unknown")
    assert "no such import or run" in (await world.slack.response("sc-unknown")).text
    assert spent(world) == before + 1


async def test_past_the_first_page_the_other_way_round_is_tried(big: World) -> None:
    """More definitions than the bot's list holds: RUN IMPORT still finds the run, through
    `/importrun` (before: "no such import or run") and the shortcut."""
    before = spent(big)
    reply = await command(big, f"{FAR_RUN_GUID} {FAR_IMPORT_GUID}", "late")
    assert reply["blocks"][0]["text"]["text"] == "✅ Far load · run #1 · COMPLETE"
    assert f"`/importrun {FAR_IMPORT_GUID} {FAR_RUN_GUID}`" in everything(reply)
    # Two run reads; the list (cold); the name of each first GUID, read along with the run.
    assert spent(big) == before + 5
    await shortcut(big, f"run {FAR_SECOND_RUN_GUID} of {FAR_IMPORT_GUID}", "late-sc")
    assert "Far load · run #2" in await posted(big, 1)
