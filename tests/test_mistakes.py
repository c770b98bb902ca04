"""Helpful mistakes and on-call mentions, end to end over HTTP: `serve`, simulator, Slack stub."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from bot_world import World, everything, running_world
from helpers_poller import add_run
from helpers_watch import NEW_RUN, add_running_run, command, posts

from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID
from bot.demo.slack_stub import SlackCall

pytestmark = pytest.mark.asyncio(loop_scope="module")

ONCALL = "<!subteam^S0ONCALL1|@plm-oncall>"
DANA = "<@U0DANA0001|dana>"
# A definition whose name is one long upper-case word, 19 letters: like a GUID one short.
SHOUTED = "WAREHOUSESTOCKSYNCS"
SHOUTED_GUID = "SH0UTEDQ8ZT4KD6RX2MB"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the module."""
    async with running_world(tmp_path_factory.mktemp("mistakes")) as started:
        started.arena.add_import({"guid": SHOUTED_GUID, "number": 7, "name": SHOUTED})
        add_run(
            started.arena, "SH0UTEDRUNZT4KD6RX2M", finishes_after=None, import_guid=SHOUTED_GUID
        )
        yield started


@pytest.mark.parametrize(
    ("text", "verb"),
    [
        (f"wach {SEED_IMPORT_GUID} {SEED_RUN_GUID}", "watch"),
        (f"subscibe {SEED_IMPORT_GUID}", "subscribe"),
        ("lst", "list"),
        ("imprts", "imports"),
    ],
)
async def test_an_unknown_verb_gets_did_you_mean(world: World, text: str, verb: str) -> None:
    """A mistyped first word is answered with the closest verb, in a code span, at no cost."""
    before = world.arena.stats.requests
    reply = await command(world, text, f"typo-{verb}")
    assert f"did you mean `{verb}`?" in reply["text"]
    assert world.arena.stats.requests == before


@pytest.mark.parametrize(
    ("text", "short"),
    [
        ("IM4QX7N2BK9D3WZTRH5 x", "IM4QX7N2BK9D3WZTRH5"),
        (f"IM4QX7N2BK9D3WZTRH5 {SEED_RUN_GUID}", "IM4QX7N2BK9D3WZTRH5"),
        (f"watch IM4QX7N2BK9D3WZTRH5A {SEED_RUN_GUID}X", f"{SEED_RUN_GUID}X"),
        ("IMQXNBKDWZTRHABCDEF latest", "IMQXNBKDWZTRHABCDEF"),
    ],
)
async def test_a_guid_a_character_short_or_long_says_so(
    world: World, text: str, short: str
) -> None:
    """A GUID copied one character short (or long), even one with no digit that no
    definition is named like, is said to be one, with its length: not a complaint about the
    next word, nor an unknown import name."""
    reply = await command(world, text, f"short-{short}-{len(text)}")
    what = "a run GUID" if short.startswith(SEED_RUN_GUID) else "an import GUID"
    assert (
        f"“{short}” looks like {what} but has {len(short)} characters, and Arena's have 20: "
        "copy it again from the address of the run's page in Arena."
    ) in reply["text"]
    assert "not a valid" not in reply["text"]
    assert "No import definition" not in reply["text"]


async def test_a_name_like_a_guid_one_short_is_still_a_name(world: World) -> None:
    """A definition named with one long upper-case word of 19 letters is found by it."""
    reply = await command(world, f"{SHOUTED} 1", "shouted")
    assert reply["blocks"][0]["text"]["text"] == f"✅ {SHOUTED} · run #1 · COMPLETE"


async def test_invisible_characters_are_dropped(world: World) -> None:
    """A zero-width space and a BOM pasted with the GUIDs do not spoil them."""
    reply = await command(world, f"\u200b{SEED_IMPORT_GUID}\ufeff {SEED_RUN_GUID}\u200d", "zw")
    assert reply["blocks"][0]["text"]["text"] == "⚠️ Item Master load · run #14 · COMPLETE"


async def test_two_guids_the_other_way_round(world: World) -> None:
    """Run first, import second: the card all the same, with a hint on the order."""
    reply = await command(world, f"{SEED_RUN_GUID} {SEED_IMPORT_GUID}", "swapped")
    shown = everything(reply)
    assert reply["blocks"][0]["text"]["text"] == "⚠️ Item Master load · run #14 · COMPLETE"
    assert f"The import comes first: `/importrun {SEED_IMPORT_GUID} {SEED_RUN_GUID}`" in shown


async def test_unknown_guids_say_so_once(world: World) -> None:
    """GUIDs Arena knows neither way round: one sentence, without a doubled full stop."""
    reply = await command(world, f"{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ1", "unknown")
    assert "no such import or run" in reply["text"]
    assert ".)." not in reply["text"]


async def test_a_link_with_the_guids_in_its_query(world: World) -> None:
    """`…?import=…&run=…` (Slack escapes the &) is read like a link with them in its path."""
    url = f"https://app.bom.com/imports?import={SEED_IMPORT_GUID}&amp;run={SEED_RUN_GUID}"
    reply = await command(world, f"<{url}>", "query")
    assert reply["blocks"][0]["text"]["text"] == "⚠️ Item Master load · run #14 · COMPLETE"


async def test_help_gives_examples_the_bot_can_see(world: World) -> None:
    """help's examples name the workspace's own definitions."""
    reply = await command(world, "help", "help")
    shown = everything(reply)
    assert '/importrun \\"Item Master load\\" latest' in shown
    assert '/importrun subscribe \\"BOM load\\" failures' in shown


async def test_subscribing_another_channel_by_its_link_says_where_to_subscribe(
    world: World,
) -> None:
    """`subscribe master <#C…|alerts>`: where subscriptions are made, not a name that is not."""
    reply = await command(world, "subscribe master <#C0ALERTS01|plm-alerts>", "other-channel")
    assert "for the channel you type it in" in reply["text"]
    assert "No import definition" not in everything(reply)
    listed = await command(world, "list", "list-none")
    assert "subscribed" not in listed["text"]


async def test_a_subscription_mentions_whom_it_names(world: World) -> None:
    """`subscribe … @group @person`: listed, mentioned in its posts, cleared by unsubscribe."""
    reply = await command(world, f'subscribe "Item Master load" all {ONCALL} {DANA}', "sub")
    assert "mentioning <!subteam^S0ONCALL1> <@U0DANA0001>" in reply["text"]
    listed = await command(world, "list", "list")
    assert (
        "*Item Master load* (all, mentioning <!subteam^S0ONCALL1> <@U0DANA0001>)" in listed["text"]
    )

    add_running_run(world.arena, NEW_RUN, finishes_after=1.0)

    def cards() -> list[SlackCall]:
        return [c for c in posts(world.slack) if "run #17" in c.text]

    await world.slack.wait_until(lambda: len(cards()) >= 1, timeout=15)
    [post] = cards()
    assert post.text.startswith("<!subteam^S0ONCALL1> <@U0DANA0001> Item Master load · run #17")
    assert "For <!subteam^S0ONCALL1> <@U0DANA0001>" in everything(post.body)

    gone = await command(world, "unsubscribe master", "unsub")
    assert "no longer hear about runs of *Item Master load*" in gone["text"]
    listed = await command(world, "list", "list-after")
    assert "mentioning" not in listed["text"]


async def test_a_mention_slack_did_not_escape_is_explained(world: World) -> None:
    """`@oncall` as plain text (the command without should_escape) gets a sentence on why."""
    reply = await command(world, "subscribe BOM load failures @oncall", "raw")
    assert "Slack sent @oncall as plain text" in reply["text"]


async def test_here_and_channel_are_mentions_not_part_of_the_name(world: World) -> None:
    """`@here` (Slack sends `<!here>`) in `subscribe` mentions the channel; before, it was read
    as part of the import's name: "No import definition … named like “BOM load failures !here”"."""
    reply = await command(world, "subscribe BOM load failures <!here>", "here")
    assert "every failed run of *BOM load*" in reply["text"]
    assert "mentioning <!here>" in reply["text"]
    listed = await command(world, "list", "list-here")
    assert "*BOM load* (failures, mentioning <!here>)" in listed["text"]
    channel = await command(world, 'subscribe "BOM load" <!channel|channel>', "channel")
    assert "every run of *BOM load*" in channel["text"]
    assert "mentioning <!channel>" in channel["text"]
    gone = await command(world, "unsubscribe BOM load", "unsub-here")
    assert "no longer hear about runs of *BOM load*" in gone["text"]
