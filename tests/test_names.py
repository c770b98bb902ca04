"""Imports by name, end to end: signed requests to `serve`, the Arena simulator, the Slack stub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from bot_world import World, assert_valid_message, buttons, everything, running_world, view_of

from bot import ids
from bot.demo.seed import BOM_IMPORT_GUID, SEED_IMPORT_GUID

pytestmark = pytest.mark.asyncio(loop_scope="module")

IMPORTS = "GET /imports"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the module (the seed: "Item Master load" #3 and "BOM load" #4)."""
    async with running_world(tmp_path_factory.mktemp("names")) as started:
        yield started


async def ask(world: World, text: str, key: str) -> dict[str, Any]:
    """Type `/importrun text`; the private reply's body."""
    response = await world.events.slash_command(text, response_url=world.slack.response_url(key))
    assert response.status_code == 200
    body: dict[str, Any] = (await world.slack.response(key)).body
    return body


def header(body: dict[str, Any]) -> str:
    return str(body["blocks"][0]["text"]["text"])


async def test_an_exact_name_in_quotes(world: World) -> None:
    """`"BOM load" latest`: the newest BOM run's card, its header naming the import."""
    reply = await ask(world, '"BOM load" latest', "exact")
    assert header(reply) == "⚠️ BOM load · run #2 · COMPLETE"
    assert reply["text"].startswith("BOM load · run #2 · COMPLETE")
    assert_valid_message(reply)


async def test_part_of_a_name_in_any_case(world: World) -> None:
    """`master 14`: the only definition whose name holds "master", run #14."""
    reply = await ask(world, "MaStEr 14", "contained")
    assert header(reply) == "⚠️ Item Master load · run #14 · COMPLETE"


async def test_slacks_curly_quotes_and_no_quotes(world: World) -> None:
    """Slack's smart quotes work like straight ones; an unquoted name of three words too."""
    curly = await ask(world, "“item master load” #14", "curly")
    assert header(curly) == "⚠️ Item Master load · run #14 · COMPLETE"
    bare = await ask(world, "Item Master load 14", "bare")
    assert header(bare) == header(curly)


async def test_a_definitions_number(world: World) -> None:
    """`3` is the definition the bot labels "Item Master load (#3)": its recent runs."""
    reply = await ask(world, "3", "number")
    assert header(reply) == "📥 Item Master load (#3)"


async def test_several_matches_answer_with_a_choice(world: World) -> None:
    """`load` names both imports: a list with a Choose button each, which gives the answer."""
    reply = await ask(world, "load latest", "ambiguous")
    assert "Several import definitions match “load”" in everything(reply)
    assert_valid_message(reply)
    choices = [
        b["accessory"]
        for b in reply["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.ACTION_CHOOSE_IMPORT
    ]
    assert [c["value"] for c in choices] == ["#3 latest", "#4 latest"]
    url = world.slack.response_url("chosen")
    await world.events.block_action(choices[1], response_url=url)
    chosen = await world.slack.response("chosen")
    assert chosen.body["replace_original"] is True
    assert header(chosen.body) == "⚠️ BOM load · run #2 · COMPLETE"


async def test_a_chosen_import_is_named_in_a_mistake(world: World) -> None:
    """`load 99`, then Choose: the answer names the import chosen, not its GUID."""
    reply = await ask(world, "load 99", "ambiguous-99")
    choice = next(
        b["accessory"]
        for b in reply["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.ACTION_CHOOSE_IMPORT
    )
    url = world.slack.response_url("chosen-99")
    await world.events.block_action(choice, response_url=url)
    said = (await world.slack.response("chosen-99")).body["text"]
    assert "Import “Item Master load” has no run #99." in said
    assert SEED_IMPORT_GUID not in said


async def test_no_match_says_so_and_how_to_look(world: World) -> None:
    """A name no definition has: one sentence, a close name offered, and how to list them."""
    reply = await ask(world, '"BOM laod" latest', "none")
    said = reply["text"]
    assert "No import definition the bot can see is named like “BOM laod”" in said
    assert "Did you mean “BOM load”?" in said
    assert "/importrun imports" in said


async def test_names_cost_no_request_per_keystroke(world: World) -> None:
    """Five answers by name read the definitions list at most once (it is cached)."""
    await ask(world, "bom", "warm")
    before = world.route(IMPORTS)
    for n, text in enumerate(["bom", "Bom Load", "master", "“BOM load”", "3"]):
        await ask(world, text, f"cached-{n}")
    assert world.route(IMPORTS) == before


async def test_imports_lists_each_with_its_newest_run(world: World) -> None:
    """`imports`: every definition, its newest run's status, and a button to its recent runs."""
    reply = await ask(world, "imports", "imports")
    shown = everything(reply)
    assert_valid_message(reply)
    assert "*Item Master load* (#3)" in shown
    assert "*BOM load* (#4)" in shown
    assert "#16* RUNNING" in shown or "#16* COMPLETE" in shown
    assert "#2* COMPLETE" in shown
    recent = [
        b["accessory"]
        for b in reply["blocks"]
        if b.get("accessory", {}).get("action_id") == ids.ACTION_LIST_RUNS
    ]
    assert [r["value"] for r in recent] == [BOM_IMPORT_GUID, SEED_IMPORT_GUID]
    await world.events.block_action(recent[0], response_url=world.slack.response_url("recent"))
    runs = await world.slack.response("recent")
    assert header(runs.body) == "📥 BOM load (#4)"

    only = await ask(world, "imports item", "imports-item")
    assert "Item Master load" in everything(only)
    assert "BOM load" not in everything(only)


async def open_modal(world: World, key: str) -> dict[str, Any]:
    """The shortcut on a message naming no run opens the modal."""
    before = len(world.slack.calls_to("views.open"))
    response = await world.events.message_shortcut(
        ids.SHORTCUT_SHOW_RUN,
        {"type": "message", "text": "which import was that?", "ts": "1700000000.000200"},
        response_url=world.slack.response_url(key),
    )
    assert response.status_code == 200
    call = (await world.slack.wait_for("views.open", before + 1))[before]
    return view_of(call)


async def test_the_modals_import_select_offers_the_definitions(world: World) -> None:
    """The import field is a type-ahead: Slack asks for options and gets the matching names."""
    view = await open_modal(world, "select")
    [field] = [b for b in view["blocks"] if b.get("block_id") == "import"]
    assert field["element"]["type"] == "external_select"
    suggest = world.events.block_suggestion
    every = await suggest(ids.ACTION_PICK_IMPORT, "", view=view, block_id="import")
    assert every.status_code == 200
    options = every.json()["options"]
    assert [(o["text"]["text"], o["value"]) for o in options] == [
        ("BOM load", BOM_IMPORT_GUID),
        ("Item Master load", SEED_IMPORT_GUID),
    ]
    typed = await suggest(ids.ACTION_PICK_IMPORT, "mast", view=view, block_id="import")
    assert [o["value"] for o in typed.json()["options"]] == [SEED_IMPORT_GUID]

    before = len(world.slack.calls_to("chat.postMessage"))
    values = {
        "import": {ids.ACTION_PICK_IMPORT: {"selected_option": options[1]}},
        "run": {"value": {"type": "plain_text_input", "value": "14"}},
    }
    response = await world.events.view_submission(
        {**view, "id": "V0NAMES001", "state": {"values": values}}
    )
    assert response.status_code == 200
    assert response.text == ""
    [card] = (await world.slack.wait_for("chat.postMessage", before + 1))[before:]
    assert card.body["blocks"][0]["text"]["text"] == "⚠️ Item Master load · run #14 · COMPLETE"
    assert buttons(card.body)


def typed(view: dict[str, Any], import_text: str, run_text: str) -> dict[str, Any]:
    """The view submitted with the import typed (a modal from before the select had a text
    field there, and Slack may still send one open then)."""
    values = {
        "import": {"value": {"type": "plain_text_input", "value": import_text}},
        "run": {"value": {"type": "plain_text_input", "value": run_text}},
    }
    return {**view, "id": "V0NAMES002", "state": {"values": values}}


async def test_an_unknown_typed_name_is_the_slash_commands_sentence(world: World) -> None:
    """The modal says what `/importrun` says, close names included, as plain text; a long
    name is shortened so that the sentence still ends within the field error's 300 chars."""
    view = await open_modal(world, "unknown-name")
    response = await world.events.view_submission(typed(view, "BOM laod", "latest"))
    assert response.json()["errors"] == {
        "import": "No import definition the bot can see is named like “BOM laod”. "
        "Did you mean “BOM load”?"
    }
    slash = await ask(world, '"BOM laod" latest', "unknown-slash")
    assert response.json()["errors"]["import"] in slash["text"]

    long = await world.events.view_submission(typed(view, "Q" * 480, "latest"))
    said = long.json()["errors"]["import"]
    assert len(said) <= 300
    assert said.startswith("No import definition the bot can see is named like “QQQ")
    assert said.endswith("…”.")


async def test_an_import_picked_in_the_select_is_named_in_the_sentence(world: World) -> None:
    """ "no run #99" names the import the person picked by its name (at no extra request); the
    GUID only when the person typed the GUID."""
    view = await open_modal(world, "picked-99")
    suggest = world.events.block_suggestion
    options = (await suggest(ids.ACTION_PICK_IMPORT, "mast", view=view, block_id="import")).json()
    values = {
        "import": {ids.ACTION_PICK_IMPORT: {"selected_option": options["options"][0]}},
        "run": {"value": {"type": "plain_text_input", "value": "99"}},
    }
    before = world.arena.stats.requests
    response = await world.events.view_submission(
        {**view, "id": "V0NAMES003", "state": {"values": values}}
    )
    assert response.json()["errors"] == {"run": "Import “Item Master load” has no run #99."}
    assert world.arena.stats.requests == before + 1  # the run by its number, nothing more

    guid = await world.events.view_submission(typed(view, SEED_IMPORT_GUID, "99"))
    assert guid.json()["errors"] == {"run": f"Import {SEED_IMPORT_GUID} has no run #99."}
