"""`/importrun IMPORT 14`, `#14`, `latest`, and `IMPORT` alone, end to end over real HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import pytest_asyncio
from bot_world import World, assert_valid_message, everything, running_world

from bot import ids
from bot.demo.seed import (
    BOM_IMPORT_GUID,
    RUNNING_RUN_GUID,
    SEED_IMPORT_GUID,
    SEED_RUN_GUID,
)
from bot.demo.sim_support import zulu
from bot.demo.slack_stub import SlackCall

pytestmark = pytest.mark.asyncio(loop_scope="module")

LIST_ROUTE = "GET /imports/{g}/runs"
RUN_ROUTE = "GET /imports/{g}/runs/{g}"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the module."""
    async with running_world(tmp_path_factory.mktemp("browse")) as running:
        yield running


async def ask(world: World, text: str, key: str) -> SlackCall:
    """`/importrun text`; the private reply."""
    response = await world.events.slash_command(text, response_url=world.slack.response_url(key))
    assert response.status_code == 200
    reply = await world.slack.response(key)
    assert reply.body["response_type"] == "ephemeral"
    assert_valid_message(reply.body)
    return reply


def header(reply: SlackCall) -> str:
    """The card's header line."""
    return str(reply.body["blocks"][0]["text"]["text"])


@pytest.mark.parametrize("number", ["14", "#14"])
async def test_run_by_number(world: World, number: str) -> None:
    """`IMPORT 14` and `IMPORT #14`: run #14's card, found with one filtered list request."""
    lists, runs = world.route(LIST_ROUTE), world.route(RUN_ROUTE)
    reply = await ask(world, f"{SEED_IMPORT_GUID} {number}", f"number-{len(number)}")
    assert "Item Master load · run #14" in header(reply)
    assert SEED_RUN_GUID in everything(reply.body)
    assert "134,881" in everything(reply.body)
    assert world.route(LIST_ROUTE) == lists + 1
    assert world.route(RUN_ROUTE) == runs  # the list's run is the card's run


async def test_latest_is_the_newest_run(world: World) -> None:
    """`IMPORT latest`: the run with the highest number (#16, still running)."""
    reply = await ask(world, f"{SEED_IMPORT_GUID.lower()} latest", "latest")
    assert "Item Master load · run #16" in header(reply)
    assert RUNNING_RUN_GUID in everything(reply.body)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (f"{SEED_IMPORT_GUID} #99", SEED_IMPORT_GUID),
        ("master 99", "“Item Master load”"),
        ('"Item Master load" #99', "“Item Master load”"),
        ("watch master 99", "“Item Master load”"),
    ],
)
async def test_a_number_that_does_not_exist(world: World, text: str, named: str) -> None:
    """A run number the import never had: one sentence naming the import as the person did
    (its GUID only when they gave the GUID)."""
    reply = await ask(world, text, f"missing-{len(text)}")
    assert f"Import {named} has no run #99." in reply.text
    if named != SEED_IMPORT_GUID:
        assert SEED_IMPORT_GUID not in reply.text


async def test_unknown_import(world: World) -> None:
    """An import Arena does not know: the not-found sentence, for a list as for a number."""
    for text in ("ZZZZZZZZZZZZZZZZZZZ7", "ZZZZZZZZZZZZZZZZZZZ7 latest"):
        reply = await ask(world, text, f"unknown-{len(text)}")
        assert "no such import or run" in reply.text


async def test_import_alone_lists_its_newest_runs(world: World) -> None:
    """`IMPORT`: the definition's name, then its runs newest first, each with a Show button."""
    reply = await ask(world, SEED_IMPORT_GUID, "list")
    shown = everything(reply.body)
    assert "Item Master load" in shown
    numbers = [int(n) for n in re.findall(r"\*#(\d+)\*", shown)]
    # Newest first by start time (the seeded #14 is Arena's 2021 sample, hence older).
    assert numbers[:2] == [16, 15]
    assert sorted(numbers) == list(range(10, 17))
    shows = [
        block["accessory"]
        for block in reply.body["blocks"]
        if (block.get("accessory") or {}).get("action_id") == ids.ACTION_SHOW_RUN
    ]
    assert len(shows) == 7
    assert f"{SEED_IMPORT_GUID}/{SEED_RUN_GUID}" in [s["value"] for s in shows]
    assert "134,862 of 134,881 rows" in shown


async def test_only_the_ten_newest_of_many_runs(world: World) -> None:
    """An import with 14 runs: ten lines, the newest first, each with its status and age."""
    now = world.arena.now().replace(microsecond=0)
    for n in range(3, 15):
        started = now - timedelta(hours=6) + timedelta(minutes=10 * n)
        world.arena.add_run(
            BOM_IMPORT_GUID,
            {
                "guid": f"BX{n:018d}",
                "status": "COMPLETE",
                "creationDateTime": zulu(started),
                "completionDateTime": zulu(started + timedelta(minutes=3)),
                "totalCount": 100 * n,
                "successCount": 100 * n,
                "errorCount": 0,
            },
        )
    reply = await ask(world, BOM_IMPORT_GUID, "bom-list")
    shown = everything(reply.body)
    assert "BOM load" in shown
    assert [int(n) for n in re.findall(r"\*#(\d+)\*", shown)] == list(range(14, 4, -1))
    assert "1,400 of 1,400 rows" in shown
    assert "h ago" in shown
