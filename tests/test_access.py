"""Who may use the bot, and how much of Arena one person may spend, over real HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from bot_world import World, everything, running_world

from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackCall

pytestmark = pytest.mark.asyncio(loop_scope="module")

OTHER_TEAM = "T0OTHERORG"
ADMIN = "U0ADMIN001"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """A `serve` with every guard set low enough to reach in a test."""
    async with running_world(
        tmp_path_factory.mktemp("access"),
        ALLOWED_CHANNEL_IDS="C0DEMOCHAN,C0SECOND01",
        ADMIN_USER_IDS=ADMIN,
        ARENA_REQUESTS_PER_USER_PER_MINUTE="6",
        ARENA_MAX_BODY_BYTES="100000",
    ) as started:
        started.slack.add_user("U0FOREIGN1", team_id=OTHER_TEAM, stranger=True)
        started.slack.add_user("U0CONNECT1", team_id=OTHER_TEAM)
        started.slack.add_user("U0GUEST001", restricted=True)
        started.slack.add_user("U0SINGLE01", ultra_restricted=True)
        started.slack.users["U0NOTFOUND"] = None
        yield started


def as_user(world: World, user: str) -> SlackEvents:
    """The same Slack, sending as `user`."""
    return world.events.as_user(user)


async def ask(world: World, text: str, key: str, *, user: str = "U0PERSON01", **kw: Any) -> str:
    """`/importrun text` as `user`; the sentence or card they see (in the ack or the reply)."""
    response = await as_user(world, user).slash_command(
        text, response_url=world.slack.response_url(key), **kw
    )
    assert response.status_code == 200
    if response.text:
        return str(response.json()["text"])
    reply: SlackCall = await world.slack.response(key)
    return everything(reply.body)


@pytest.mark.parametrize(
    ("user", "said"),
    [
        ("U0FOREIGN1", "only answers members"),
        ("U0CONNECT1", "only answers members"),
        ("U0NOTFOUND", "only answers members"),
        ("U0GUEST001", "does not answer guest accounts"),
        ("U0SINGLE01", "does not answer guest accounts"),
    ],
)
async def test_people_not_ours_are_refused_without_arena(
    world: World, user: str, said: str
) -> None:
    """Item 2: other organisations, unknown people and guests get one sentence, no card."""
    before = world.arena.stats.requests
    shown = await ask(world, f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", f"who-{user}", user=user)
    assert said in shown
    assert "134,881" not in shown
    assert world.arena.stats.requests == before


async def test_a_request_from_another_workspace_is_refused(world: World) -> None:
    """Item 2: a signed command whose team is not ours is refused before anything else."""
    response = await world.events.slash_command(
        "help", response_url=world.slack.response_url("other-ws"), team_id=OTHER_TEAM
    )
    assert "only answers members" in response.json()["text"]


async def test_a_button_pressed_by_someone_of_another_org_is_refused(world: World) -> None:
    """Item 2: Slack Connect: a button on a shared card, pressed from another org."""
    before = world.arena.stats.requests
    events = as_user(world, "U0CONNECT1")
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "U0CONNECT1", "team_id": OTHER_TEAM},
        "actions": [{"action_id": "run_refresh", "value": f"{SEED_IMPORT_GUID}/{SEED_RUN_GUID}"}],
        "channel": {"id": "C0DEMOCHAN"},
        "container": {"type": "message", "channel_id": "C0DEMOCHAN"},
        "response_url": world.slack.response_url("connect-button"),
    }
    assert (await events.interaction(payload)).status_code == 200
    reply = await world.slack.response("connect-button")
    assert "only answers members" in reply.text
    assert world.arena.stats.requests == before


async def test_a_payload_claiming_another_team_for_one_of_ours_is_refused(world: World) -> None:
    """Item 2: the payload's own team for the person must agree with users.info."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": "U0PERSON01", "team_id": OTHER_TEAM},
        "actions": [{"action_id": "run_share", "value": f"{SEED_IMPORT_GUID}/{SEED_RUN_GUID}"}],
        "channel": {"id": "C0DEMOCHAN"},
        "response_url": world.slack.response_url("claimed"),
    }
    assert (await world.events.interaction(payload)).status_code == 200
    assert "only answers members" in (await world.slack.response("claimed")).text


async def test_a_channel_not_allowed_is_refused(world: World) -> None:
    """Item 2: with ALLOWED_CHANNEL_IDS set, other channels get one sentence."""
    shown = await ask(world, "help", "channel", channel="C0ELSEWHERE")
    assert "not used in this channel" in shown


async def test_only_its_creator_or_an_admin_may_change_a_subscription(world: World) -> None:
    """Item 2: with ADMIN_USER_IDS set, someone else cannot remove a subscription."""
    channel = "C0SECOND01"
    made = await ask(world, f"subscribe {SEED_IMPORT_GUID}", "sub-make", channel=channel)
    assert "will now hear about" in made
    other = await ask(
        world, f"unsubscribe {SEED_IMPORT_GUID}", "sub-other", channel=channel, user="U0PERSON02"
    )
    assert "Only <@U0PERSON01>" in other
    changed = await ask(
        world,
        f"subscribe {SEED_IMPORT_GUID} failures",
        "sub-change",
        channel=channel,
        user="U0PERSON02",
    )
    assert "Only <@U0PERSON01>" in changed
    removed = await ask(
        world, f"unsubscribe {SEED_IMPORT_GUID}", "sub-admin", channel=channel, user=ADMIN
    )
    assert "no longer hear" in removed


async def test_one_person_cannot_spend_the_quota(world: World) -> None:
    """Item 3: past 6 Arena requests a minute, one sentence says when; others still answered."""
    before = world.arena.stats.requests
    answers = [
        await ask(world, f"{SEED_IMPORT_GUID} latest", f"greedy-{i}", user="U0GREEDY01")
        for i in range(12)
    ]
    spent = world.arena.stats.requests - before
    assert spent <= 6 + 1  # the last request may be a login
    refused = [a for a in answers if "try again in" in a]
    assert refused
    assert re.search(r"try again in \d+ s", refused[-1])
    other = await ask(world, f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", "not-greedy", user="U0CALM0001")
    assert "134,881" in other


async def test_cached_cards_cost_nothing(world: World) -> None:
    """Item 3: the same finished run asked ten times costs Arena once, and is never refused."""
    asks = [
        await ask(world, f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", f"cached-{i}", user="U0CACHED01")
        for i in range(10)
    ]
    assert all("134,881" in a for a in asks)


async def test_an_answer_above_the_size_cap_is_one_sentence(world: World) -> None:
    """Item 9: an Arena answer above ARENA_MAX_BODY_BYTES is not read, nor cached."""
    guid = "HUGERUN0000000000000"
    warnings = [{"code": 331, "message": "x" * 400} for _ in range(400)]
    world.arena.add_run(
        SEED_IMPORT_GUID,
        {"guid": guid, "status": "COMPLETE", "warnings": {"count": 400, "results": warnings}},
    )
    shown = await ask(world, f"{SEED_IMPORT_GUID} {guid}", "huge", user="U0BIGASKER")
    assert "larger than the bot reads (100,000 bytes" in shown
    again = await ask(world, f"{SEED_IMPORT_GUID} {guid}", "huge-again", user="U0BIGASKER")
    assert "larger than the bot reads" in again
