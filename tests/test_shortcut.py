"""The "Show import run" message shortcut and its modal, end to end over real HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from bot_world import (
    CHANNEL,
    World,
    assert_valid_message,
    buttons,
    everything,
    running_world,
    view_of,
)

from bot import ids
from bot.answer.ask_run import FieldError, read_submission
from bot.answer.commands import ImportName, ShowRun, ShowRunNumber
from bot.answer.in_thread import guids_in_message
from bot.demo.seed import (
    BOM_FAILED_RUN_GUID,
    BOM_IMPORT_GUID,
    PARTIAL_RUN_GUID,
    SEED_IMPORT_GUID,
    SEED_RUN_GUID,
)

e2e = pytest.mark.asyncio(loop_scope="module")

RUN_LINK = f"https://app.bom.com/imports/{SEED_IMPORT_GUID}/runs/{SEED_RUN_GUID}"
ASKER = "U0PERSON01"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the module."""
    async with running_world(tmp_path_factory.mktemp("shortcut")) as running:
        yield running


async def run_shortcut(world: World, text: str, key: str, **message: Any) -> None:
    """Use the shortcut on a message with `text`; Slack must get a bare, immediate ack."""
    response = await world.events.message_shortcut(
        ids.SHORTCUT_SHOW_RUN,
        {"type": "message", "text": text, "ts": "1700000000.000100", **message},
        response_url=world.slack.response_url(key),
    )
    assert response.status_code == 200
    assert response.text == ""


async def posted(world: World, count: int) -> dict[str, Any]:
    """The `count`-th chat.postMessage the bot made."""
    calls = await world.slack.wait_for("chat.postMessage", count)
    return calls[count - 1].body


@e2e
async def test_link_in_a_thread_answers_in_that_thread(world: World) -> None:
    """A link pasted in a thread: the card is posted publicly in that thread, for everyone."""
    before = len(world.slack.calls_to("chat.postMessage"))
    text = f"did <{RUN_LINK}|last night's import> go in?"
    await run_shortcut(world, text, "thread", thread_ts="1699999999.000001")
    body = await posted(world, before + 1)
    assert body["channel"] == CHANNEL
    assert body["thread_ts"] == "1699999999.000001"
    assert_valid_message(body)
    shown = everything(body)
    for figure in ("134,881", "19", "ECO-002114", f"Asked for by <@{ASKER}>"):
        assert figure in shown
    found = buttons(body)
    assert ids.ACTION_REFRESH in found
    assert ids.ACTION_FAILED_ROWS in found
    assert ids.ACTION_SHARE not in found  # already public
    assert found[ids.ACTION_OPEN_ARENA]["url"].startswith("https://app.bom.com/")


@e2e
async def test_top_level_message_gets_a_thread_and_guids_in_any_order(world: World) -> None:
    """Bare GUIDs, run first: the card still comes, in a thread started on that message."""
    before = len(world.slack.calls_to("chat.postMessage"))
    text = f"run {BOM_FAILED_RUN_GUID.lower()} of import {BOM_IMPORT_GUID} failed again"
    await run_shortcut(world, text, "order", ts="1700000000.000222")
    body = await posted(world, before + 1)
    assert body["thread_ts"] == "1700000000.000222"
    assert "ECO-002131" in everything(body)


@e2e
async def test_private_reply_where_the_bot_cannot_post(world: World) -> None:
    """In a channel the bot is not in, the card comes privately, with Share in channel."""
    world.slack.fail("chat.postMessage", "not_in_channel")
    await run_shortcut(world, f"{SEED_IMPORT_GUID} {PARTIAL_RUN_GUID}", "private")
    reply = await world.slack.response("private")
    assert reply.body["response_type"] == "ephemeral"
    assert_valid_message(reply.body)
    assert "5,240" in everything(reply.body)
    assert ids.ACTION_SHARE in buttons(reply.body)


@e2e
async def test_unknown_run_is_one_private_sentence(world: World) -> None:
    """GUIDs Arena does not know: a private sentence, nothing in the thread."""
    before = len(world.slack.calls_to("chat.postMessage"))
    await run_shortcut(world, f"{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ9", "unknown")
    reply = await world.slack.response("unknown")
    assert "no such import or run" in reply.text
    assert len(world.slack.calls_to("chat.postMessage")) == before


async def open_modal(world: World, text: str, key: str) -> dict[str, Any]:
    """Use the shortcut on a message naming no run; return the modal it opened."""
    before = len(world.slack.calls_to("views.open"))
    await run_shortcut(world, text, key, thread_ts="1699999999.000777")
    call = (await world.slack.wait_for("views.open", before + 1))[before]
    return view_of(call)


def submitted(
    view: dict[str, Any], import_text: str | None, run_text: str | None
) -> dict[str, Any]:
    """The view as Slack sends it back on submit, with the fields' values."""
    values = {
        "import": {"value": {"type": "plain_text_input", "value": import_text}},
        "run": {"value": {"type": "plain_text_input", "value": run_text}},
    }
    return {**view, "id": "V0MODAL001", "state": {"values": values}}


@e2e
async def test_no_guids_opens_a_prefilled_modal(world: World) -> None:
    """A message with only the import: the modal asks for the run, the import filled in."""
    view = await open_modal(world, f"the BOM import {BOM_IMPORT_GUID} broke", "modal")
    assert view["callback_id"] == ids.VIEW_ASK_RUN
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs["import"]["type"] == "external_select"
    assert inputs["import"]["initial_option"]["value"] == BOM_IMPORT_GUID
    assert "initial_value" not in inputs["run"]
    where = json.loads(view["private_metadata"])
    assert where["channel_id"] == CHANNEL
    assert where["thread_ts"] == "1699999999.000777"


@e2e
@pytest.mark.parametrize(
    ("run", "says"),
    [
        ("R9TCQ", "'R9TCQ' is not a valid run GUID"),
        (
            "R9TCQNRT4L47Q9VQWUF",
            "“R9TCQNRT4L47Q9VQWUF” looks like a run GUID but has 19 characters, and Arena's "
            "have 20",
        ),
    ],
)
async def test_bad_modal_value_is_a_field_error(world: World, run: str, says: str) -> None:
    """A run value that is no GUID (or one a character short): the modal stays open with the
    error under the field."""
    view = await open_modal(world, "nothing to see here", f"bad-{run}")
    before = world.arena.stats.requests
    response = await world.events.view_submission(submitted(view, SEED_IMPORT_GUID, run))
    assert response.status_code == 200
    answer = response.json()
    assert answer["response_action"] == "errors"
    assert says in answer["errors"]["run"]
    assert world.arena.stats.requests == before


@e2e
async def test_run_arena_does_not_know_is_a_field_error(world: World) -> None:
    """A well-formed run GUID that Arena does not know is said next to the run field."""
    view = await open_modal(world, "nothing", "unknown-modal")
    response = await world.events.view_submission(
        submitted(view, SEED_IMPORT_GUID, "ZZZZZZZZZZZZZZZZZZZ8")
    )
    assert "no such import or run" in response.json()["errors"]["run"]


@e2e
async def test_submitting_the_modal_shows_the_card_in_the_thread(world: World) -> None:
    """Import and `#14`: the modal closes and run #14's card is posted in the thread."""
    view = await open_modal(world, "which run was it?", "submit")
    before = len(world.slack.calls_to("chat.postMessage"))
    response = await world.events.view_submission(submitted(view, SEED_IMPORT_GUID, "#14"))
    assert response.status_code == 200
    assert response.text == ""  # closes the modal
    body = await posted(world, before + 1)
    assert body["thread_ts"] == "1699999999.000777"
    assert "Item Master load · run #14" in everything(body)
    assert_valid_message(body)


def test_read_submission_accepts_links_numbers_and_latest() -> None:
    """What the two fields accept, and which field an error belongs to."""

    def read(import_text: str | None, run_text: str | None) -> ShowRun | ShowRunNumber:
        return read_submission(submitted({}, import_text, run_text)["state"]["values"])

    assert read(RUN_LINK, None) == ShowRun(SEED_IMPORT_GUID, SEED_RUN_GUID)
    assert read(SEED_IMPORT_GUID.lower(), "latest") == ShowRunNumber(SEED_IMPORT_GUID, None)
    assert read(SEED_IMPORT_GUID, " 14 ") == ShowRunNumber(SEED_IMPORT_GUID, 14)
    assert read(SEED_IMPORT_GUID, RUN_LINK) == ShowRun(SEED_IMPORT_GUID, SEED_RUN_GUID)
    assert read("“BOM load”", "latest") == ShowRunNumber(ImportName("BOM load"), None)
    for import_text, run_text, field in [
        (None, SEED_RUN_GUID, "import"),
        (SEED_IMPORT_GUID, "", "run"),
        (SEED_IMPORT_GUID, "yesterday's", "run"),
    ]:
        with pytest.raises(FieldError) as caught:
            read(import_text, run_text)
        assert caught.value.block_id == field


def test_guids_in_blocks_and_attachments() -> None:
    """A bot's message may hold the link only in its blocks or attachments."""
    message = {
        "text": "Import finished",
        "attachments": [{"fallback": "x", "title_link": RUN_LINK}],
        "blocks": [{"type": "section", "block_id": "ABCDEFGHIJKLMNOPQRS1", "text": {"text": "ok"}}],
    }
    assert guids_in_message(message) == (SEED_IMPORT_GUID, SEED_RUN_GUID)
    echoed = {"text": SEED_IMPORT_GUID, "blocks": [{"type": "section", "text": SEED_IMPORT_GUID}]}
    assert guids_in_message(echoed) == (SEED_IMPORT_GUID, None)
