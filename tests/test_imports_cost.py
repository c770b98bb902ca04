"""What `/importrun imports` costs in Arena requests, over real HTTP, in a workspace of many
definitions, with the real per-person budget of 20 requests a minute."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from bot_world import World, assert_valid_message, everything, running_world

from bot import ids
from bot.demo.seed import SEED_IMPORT_GUID

pytestmark = pytest.mark.asyncio(loop_scope="module")

IMPORTS = "GET /imports"
RUNS = "GET /imports/{g}/runs"
ONE_IMPORT = "GET /imports/{g}"
MANY = 60


def many_definitions(world: World) -> None:
    """60 definitions "Bulk load 00" … "Bulk load 59" beside the seed's two, one run each."""
    for n in range(MANY):
        guid = f"BULK{n:016d}"
        world.arena.add_import(
            {"guid": guid, "number": 100 + n, "name": f"Bulk load {n:02d}", "mode": "EDIT"}
        )
        world.arena.add_run(
            guid,
            {
                "guid": f"BR{n:018d}",
                "status": "COMPLETE",
                "creationDateTime": "2024-03-01T08:00:00Z",
                "completionDateTime": "2024-03-01T08:03:00Z",
                "totalCount": 1000 + n,
                "successCount": 1000 + n,
                "errorCount": 0,
            },
        )


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the module; one person, allowed 20 Arena requests a minute."""
    async with running_world(
        tmp_path_factory.mktemp("imports-cost"), ARENA_REQUESTS_PER_USER_PER_MINUTE="20"
    ) as started:
        many_definitions(started)
        yield started


def spent(world: World) -> int:
    """Arena requests served so far, login aside."""
    return world.arena.stats.requests


async def ask(world: World, text: str, key: str) -> dict[str, Any]:
    """Type `/importrun text`; the private reply's body."""
    response = await world.events.slash_command(text, response_url=world.slack.response_url(key))
    assert response.status_code == 200
    body: dict[str, Any] = (await world.slack.response(key)).body
    assert_valid_message(body)
    return body


async def press(world: World, button: dict[str, Any], key: str) -> dict[str, Any]:
    """Press a button under a reply; the reply that takes its place."""
    await world.events.block_action(button, response_url=world.slack.response_url(key))
    reply = await world.slack.response(key)
    assert reply.body["replace_original"] is True
    assert_valid_message(reply.body)
    return reply.body


def names(body: dict[str, Any]) -> list[str]:
    """The definitions listed, in order."""
    return re.findall(r"\*([^*]+)\* \(#\d+\)", everything(body))


def page_buttons(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Previous and Next, by label."""
    return {
        element["text"]["text"]: element
        for block in body["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == ids.ACTION_IMPORTS_PAGE
    }


def every_row_has_its_newest_run(body: dict[str, Any]) -> None:
    shown = everything(body)
    assert "not available" not in shown
    assert len(re.findall(r"#1\* COMPLETE · [\d,]+ of [\d,]+ rows", shown)) == len(
        [n for n in names(body) if n.startswith("Bulk")]
    )


async def test_a_cold_and_a_warm_imports(world: World) -> None:
    """62 definitions: the first answer reads the list once and five runs lists (the first page),
    asking again within the minute reads nothing; no row ever says its run is not available."""
    before = spent(world)
    cold = await ask(world, "imports", "cold")
    assert spent(world) - before == 1 + 5
    assert world.route(IMPORTS) == 1
    assert world.route(RUNS) == 5
    assert names(cold) == [
        "BOM load",
        "Bulk load 00",
        "Bulk load 01",
        "Bulk load 02",
        "Bulk load 03",
    ]
    assert "#2* COMPLETE" in everything(cold)  # BOM load's newest run
    every_row_has_its_newest_run(cold)
    assert "62 import definitions · 1–5 shown" in everything(cold)

    before = spent(world)
    for n in range(3):
        warm = await ask(world, "imports", f"warm-{n}")
        assert names(warm) == names(cold)
        every_row_has_its_newest_run(warm)
    assert spent(world) == before


async def test_pages_cost_their_own_rows_only(world: World) -> None:
    """Next: the next five, one runs read each and no list read; Previous: no request at all."""
    first = await ask(world, "imports", "paged")
    assert list(page_buttons(first)) == ["Next →"]
    before, lists = spent(world), world.route(IMPORTS)
    second = await press(world, page_buttons(first)["Next →"], "page-2")
    assert names(second) == [f"Bulk load {n:02d}" for n in range(4, 9)]
    assert spent(world) - before == 5
    assert world.route(IMPORTS) == lists
    every_row_has_its_newest_run(second)
    assert "62 import definitions · 6–10 shown" in everything(second)
    assert list(page_buttons(second)) == ["← Previous", "Next →"]

    before = spent(world)
    back = await press(world, page_buttons(second)["← Previous"], "page-1")
    assert names(back) == names(first)
    assert spent(world) == before


async def test_narrowed_and_recent_runs(world: World) -> None:
    """`imports master`: one runs read; Recent runs takes the name from the list already read."""
    before = spent(world)
    found = await ask(world, "imports master", "master")
    assert names(found) == ["Item Master load"]
    assert "62 import definitions" not in everything(found)
    assert not page_buttons(found)
    assert spent(world) - before == 1

    before, one_import = spent(world), world.route(ONE_IMPORT)
    [recent] = [
        b["accessory"]
        for b in found["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.ACTION_LIST_RUNS
    ]
    assert recent["value"] == SEED_IMPORT_GUID
    await world.events.block_action(recent, response_url=world.slack.response_url("recent"))
    runs = (await world.slack.response("recent")).body
    assert runs["blocks"][0]["text"]["text"] == "📥 Item Master load (#3)"
    assert spent(world) - before == 1
    assert world.route(ONE_IMPORT) == one_import


ODD_VALUES = {
    "superscript-digit": "²/",
    "superscript-with-text": "¹/Bulk",
    "past-int": "9" * 5_000 + "/",
    "negative": "-1/Bulk",
    "no-number": "x/Bulk",
    "empty": "",
}


@pytest.mark.parametrize("key", list(ODD_VALUES))
async def test_a_page_value_of_another_shape_is_the_first_page(world: World, key: str) -> None:
    """A Previous / Next value the bot did not make (a digit that is not 0-9, a number past
    what `int` reads, no page at all) is the list's first page, not an error on the bot's side."""
    button = {"action_id": ids.ACTION_IMPORTS_PAGE, "value": ODD_VALUES[key]}
    first = await press(world, button, key)
    assert names(first)[0] == "BOM load"
    assert "62 import definitions · 1–5 shown" in everything(first)


async def test_a_press_whose_container_is_null_is_answered(world: World) -> None:
    """A signed payload the edge lets through (`container` null, no `channel`): the page, not
    an error on the bot's side."""
    payload = {
        "type": "block_actions",
        "actions": [{"type": "button", "action_id": ids.ACTION_IMPORTS_PAGE, "value": "1/"}],
        "container": None,
        "response_url": world.slack.response_url("null-container"),
    }
    assert (await world.events.interaction(payload)).status_code == 200
    second = (await world.slack.response("null-container")).body
    assert "62 import definitions · 6–10 shown" in everything(second)
