"""The card's buttons, pressed as Slack presses them, against a running `serve`."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from bot_world import (
    CHANNEL,
    World,
    assert_valid_message,
    buttons,
    card_message,
    everything,
    running_world,
    view_of,
)

from bot import ids
from bot.answer.failed_rows import parse_failed_rows
from bot.demo.seed import (
    ERROR_RUN_GUID,
    MANY_WARNINGS_RUN_GUID,
    RUNNING_RUN_GUID,
    SEED_IMPORT_GUID,
    SEED_RUN_GUID,
)
from bot.demo.slack_stub import SlackCall

pytestmark = pytest.mark.asyncio(loop_scope="module")

RUN_ROUTE = "GET /imports/{g}/runs/{g}"
CARD_TS = "1700000000.000500"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the module."""
    async with running_world(tmp_path_factory.mktemp("actions")) as running:
        yield running


async def private_card(world: World, import_guid: str, run_guid: str, key: str) -> dict[str, Any]:
    """The private card `/importrun IMPORT RUN` gives."""
    response = await world.events.slash_command(
        f"{import_guid} {run_guid}", response_url=world.slack.response_url(key)
    )
    assert response.status_code == 200
    return (await world.slack.response(key)).body


async def press(
    world: World,
    card: dict[str, Any],
    action_id: str,
    *,
    key: str | None = None,
    public: bool = False,
) -> None:
    """Press a button of `card`; Slack must get its ack at once, with no body."""
    button = buttons(card)[action_id]
    container = {"type": "message", "channel_id": CHANNEL, "is_ephemeral": not public}
    if public:
        container["message_ts"] = CARD_TS
    response = await world.events.block_action(
        {"action_id": action_id, "value": button["value"], "block_id": "b1"},
        response_url=world.slack.response_url(key) if key else None,
        container=container,
        message=card_message(card) if public else None,
    )
    assert response.status_code == 200
    assert response.text == ""


async def posts_to(world: World, key: str, count: int) -> list[SlackCall]:
    """The first `count` posts to `response_url(key)`."""

    def mine() -> list[SlackCall]:
        return [c for c in world.slack.calls_to("response_url") if c.body.get("_key") == key]

    await world.slack.wait_until(lambda: len(mine()) >= count)
    return mine()[:count]


async def test_refresh_updates_a_public_card_in_place_from_arena(world: World) -> None:
    """Anyone's Refresh asks Arena again (no cache) and rewrites the channel's card."""
    card = await private_card(world, SEED_IMPORT_GUID, RUNNING_RUN_GUID, "running")
    assert "RUNNING" in card["blocks"][0]["text"]["text"]
    world.arena.advance(180)  # the run finishes
    world.events.user = "U0OTHER002"
    try:
        for presses in (1, 2):  # the second time the run is finished, hence cacheable
            before = world.route(RUN_ROUTE)
            await press(world, card, ids.ACTION_REFRESH, key=f"refresh{presses}", public=True)
            update = (await world.slack.wait_for("chat.update", presses))[-1].body
            assert world.route(RUN_ROUTE) == before + 1
    finally:
        world.events.user = "U0PERSON01"
    assert update["channel"] == CHANNEL
    assert update["ts"] == CARD_TS
    assert_valid_message(update)
    assert "COMPLETE" in update["blocks"][0]["text"]["text"]
    assert "Refreshed by <@U0OTHER002>" in everything(update)
    assert ids.ACTION_SHARE not in buttons(update)


@pytest.mark.parametrize("refusal", ["not_in_channel", "cant_update_message", "edit_window_closed"])
async def test_refresh_replaces_a_public_card_chat_update_may_not_touch(
    world: World, refusal: str
) -> None:
    """chat.update refused (no member, not the token's, past the edit window): the card is
    replaced through the button's response_url instead, refreshed."""
    card = await private_card(world, SEED_IMPORT_GUID, SEED_RUN_GUID, f"pub-{refusal}")
    world.slack.fail("chat.update", refusal)
    await press(world, card, ids.ACTION_REFRESH, key=f"refused-{refusal}", public=True)
    reply = await world.slack.response(f"refused-{refusal}")
    assert reply.body["replace_original"] is True
    assert "Refreshed by" in everything(reply.body)
    assert ids.ACTION_SHARE not in buttons(reply.body)


async def test_refresh_replaces_a_private_card(world: World) -> None:
    """A private card is replaced through the response_url, keeping Share in channel."""
    card = await private_card(world, SEED_IMPORT_GUID, SEED_RUN_GUID, "priv")
    updates = len(world.slack.calls_to("chat.update"))
    await press(world, card, ids.ACTION_REFRESH, key="priv-refresh")
    reply = await world.slack.response("priv-refresh")
    assert reply.body["replace_original"] is True
    assert "134,881" in everything(reply.body)
    assert ids.ACTION_SHARE in buttons(reply.body)
    assert len(world.slack.calls_to("chat.update")) == updates


async def test_refresh_when_arena_is_down_keeps_the_card(world: World) -> None:
    """Arena failing: one private sentence; the card is neither replaced nor updated."""
    card = await private_card(world, SEED_IMPORT_GUID, SEED_RUN_GUID, "down-card")
    world.arena.fail_next(10, status=503)
    try:
        await press(world, card, ids.ACTION_REFRESH, key="down")
        reply = await world.slack.response("down")
    finally:
        world.arena.fail_next(0)
    assert "Arena is not answering" in reply.text
    assert reply.body["replace_original"] is False


async def test_refresh_with_the_quota_spent_says_when_in_each_readers_time(world: World) -> None:
    """The quota sentence keeps its Slack date token (not escaped a second time)."""
    card = await private_card(world, SEED_IMPORT_GUID, SEED_RUN_GUID, "quota-card")
    world.arena.set_quota(0)
    try:
        await press(world, card, ids.ACTION_REFRESH, key="quota")
        reply = await world.slack.response("quota")
    finally:
        world.arena.set_quota(1000)
    assert "quota" in reply.text
    assert "<!date^" in reply.text
    assert "&lt;" not in reply.text


async def test_share_makes_the_private_card_public(world: World) -> None:
    """Share in channel: a public card saying who shared it, then the private one deleted."""
    card = await private_card(world, SEED_IMPORT_GUID, SEED_RUN_GUID, "to-share")
    await press(world, card, ids.ACTION_SHARE, key="share")
    public, deletion = await posts_to(world, "share", 2)
    assert public.body["response_type"] == "in_channel"
    assert_valid_message(public.body)
    assert "Shared by <@U0PERSON01>" in everything(public.body)
    assert "134,881" in everything(public.body)
    assert ids.ACTION_SHARE not in buttons(public.body)
    assert deletion.body["delete_original"] is True


@pytest.mark.parametrize("action_id", [ids.ACTION_REFRESH, ids.ACTION_SHARE])
async def test_a_press_whose_container_is_null_is_answered(world: World, action_id: str) -> None:
    """A signed payload the edge lets through with `container` null and no `channel`: the
    card, not an error on the bot's side."""
    card = await private_card(world, SEED_IMPORT_GUID, SEED_RUN_GUID, f"null-{action_id}")
    payload = {
        "type": "block_actions",
        "actions": [{"action_id": action_id, "value": buttons(card)[action_id]["value"]}],
        "container": None,
        "response_url": world.slack.response_url(f"null-{action_id}-press"),
    }
    assert (await world.events.interaction(payload)).status_code == 200
    reply = await world.slack.response(f"null-{action_id}-press")
    assert "134,881" in everything(reply.body)


def warnings_on(view: dict[str, Any]) -> list[str]:
    """The warning texts of one page: the sections between the divider and the footer."""
    blocks = view["blocks"]
    start = next(i for i, b in enumerate(blocks) if b["type"] == "divider") + 1
    return [b["text"]["text"] for b in blocks[start:] if b["type"] == "section"]


async def test_warnings_modal_pages_through_500_warnings(world: World) -> None:
    """Show all warnings opens a modal at once, then Next walks every page within 100 blocks."""
    card = await private_card(world, SEED_IMPORT_GUID, MANY_WARNINGS_RUN_GUID, "many")
    expected = world.arena.run(SEED_IMPORT_GUID, MANY_WARNINGS_RUN_GUID)["warnings"]["results"]
    assert len(expected) == 500
    opened = len(world.slack.calls_to("views.open"))
    updated = len(world.slack.calls_to("views.update"))
    await press(world, card, ids.ACTION_WARNINGS)
    loading = view_of((await world.slack.wait_for("views.open", opened + 1))[-1])
    assert "Asking Arena" in everything(loading)
    call = (await world.slack.wait_for("views.update", updated + 1))[-1]
    view_id = call.body["view_id"]
    seen: list[str] = []
    for page in range(1, 14):
        view = view_of(call)
        assert call.body["view_id"] == view_id  # the same modal, page after page
        assert f"Page {page} of 13" in everything(view)
        seen += warnings_on(view)
        if page == 13:
            assert page_button(view, "Next") is None
            break
        await turn(world, view, view_id, "Next")
        call = (await world.slack.wait_for("views.update", updated + page + 1))[-1]
    assert len(seen) == 500
    for warning, text in zip(expected, seen, strict=True):
        assert warning["message"] in text
    await turn(world, view_of(call), view_id, "Previous")
    back = view_of((await world.slack.wait_for("views.update", updated + 14))[-1])
    assert "Page 12 of 13" in everything(back)


def page_button(view: dict[str, Any], label: str) -> dict[str, Any] | None:
    """The Next or Previous button of a warnings page, if it has one."""
    for block in view["blocks"]:
        for element in block.get("elements", []) if block["type"] == "actions" else []:
            if label in element["text"]["text"]:
                return dict(element)
    return None


async def turn(world: World, view: dict[str, Any], view_id: str, label: str) -> None:
    """Press Next or Previous inside the modal."""
    button = page_button(view, label)
    assert button is not None
    response = await world.events.block_action(
        {"action_id": ids.ACTION_WARNINGS_PAGE, "value": button["value"]},
        view={**view, "id": view_id},
    )
    assert response.status_code == 200


async def test_failed_rows_modal_shows_the_first_rows_and_the_total(world: World) -> None:
    """Show failed rows: the error file's first rows by column, the total, and where the rest is."""
    card = await private_card(world, SEED_IMPORT_GUID, ERROR_RUN_GUID, "errors")
    csv_text = world.arena.error_content(SEED_IMPORT_GUID, ERROR_RUN_GUID)
    first = parse_failed_rows(csv_text).rows[0]
    before = world.route("GET /imports/{g}/runs/{g}/errorContent")
    updated = len(world.slack.calls_to("views.update"))
    await press(world, card, ids.ACTION_FAILED_ROWS)
    view = view_of((await world.slack.wait_for("views.update", updated + 1))[-1])
    shown = everything(view)
    assert "2,310 failed rows" in shown
    assert "Showing 40 of 2,310 rows" in shown
    assert "full error file is in Arena" in shown
    assert f"*Error Message*: {first['Error Message']}" in shown
    assert world.route("GET /imports/{g}/runs/{g}/errorContent") == before + 1


async def test_failed_rows_when_arena_no_longer_has_the_file(world: World) -> None:
    """Arena deletes error files after 60 days: the modal says so instead of "no such run"."""
    card = await private_card(world, SEED_IMPORT_GUID, ERROR_RUN_GUID, "expired-card")
    updated = len(world.slack.calls_to("views.update"))
    world.arena.fail_next(1, status=404)  # the run is cached; errorContent is asked next
    try:
        await press(world, card, ids.ACTION_FAILED_ROWS)
        view = view_of((await world.slack.wait_for("views.update", updated + 1))[-1])
    finally:
        world.arena.fail_next(0)
    assert "no longer has this run's error file" in everything(view)


async def test_runs_list_show_button_gives_the_card(world: World) -> None:
    """Show, on a line of `/importrun IMPORT`: that run's private card."""
    listing = await private_card(world, SEED_IMPORT_GUID, "", "listing")
    shows = [
        b["accessory"]
        for b in listing["blocks"]
        if (b.get("accessory") or {}).get("action_id") == ids.ACTION_SHOW_RUN
    ]
    seed = next(s for s in shows if s["value"].endswith(SEED_RUN_GUID))
    response = await world.events.block_action(
        {"action_id": ids.ACTION_SHOW_RUN, "value": seed["value"]},
        response_url=world.slack.response_url("show"),
    )
    assert response.status_code == 200
    reply = await world.slack.response("show")
    assert reply.body["response_type"] == "ephemeral"
    assert "Item Master load · run #14" in everything(reply.body)


async def test_open_in_arena_is_only_acked(world: World) -> None:
    """The link button reaches the app too: an ack, and nothing else happens."""
    card = await private_card(world, SEED_IMPORT_GUID, SEED_RUN_GUID, "open")
    url = buttons(card)[ids.ACTION_OPEN_ARENA]["url"]
    assert re.match(r"https://app\.bom\.com/\w+", url)
    calls, requests = len(world.slack.calls), world.arena.stats.requests
    await press(world, card, ids.ACTION_OPEN_ARENA, key="open-link")
    assert len(world.slack.calls) == calls
    assert world.arena.stats.requests == requests
