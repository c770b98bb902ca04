"""`/importrun` end to end: signed requests to a running `serve`, Arena simulator, Slack stub."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from bot_world import World, running_world

from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID
from bot.demo.slack_stub import SlackCall

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` process for the module; each test restores what it changes."""
    async with running_world(tmp_path_factory.mktemp("serve")) as started:
        yield started


async def ask(world: World, text: str, key: str) -> SlackCall:
    """Type `/importrun text`; return what the bot posted to the response_url."""
    response = await world.events.slash_command(text, response_url=world.slack.response_url(key))
    assert response.status_code == 200
    assert response.text == ""  # a bare ack: the answer follows through response_url
    return await world.slack.response(key)


def everything(call: SlackCall) -> str:
    """The reply's text and blocks, as one string to search."""
    return call.text + json.dumps(call.body.get("blocks", []), ensure_ascii=False)


async def test_card_for_the_seed_run(world: World) -> None:
    """The seed run's card arrives privately with its figures, warning and change order."""
    reply = await ask(world, f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", "seed")
    assert reply.body["response_type"] == "ephemeral"
    shown = everything(reply)
    for figure in ("134,881", "134,862", "19", "331", "ECO-002114"):
        assert figure in shown
    assert reply.body["blocks"][0]["type"] == "header"


async def test_ack_comes_before_arena(world: World) -> None:
    """Slack gets its ack at once even when Arena is slow; the card follows later."""
    world.arena.latency = 0.8
    try:
        started = time.monotonic()
        response = await world.events.slash_command(
            f"{SEED_IMPORT_GUID.lower()} {SEED_RUN_GUID.lower()}",
            response_url=world.slack.response_url("slow"),
        )
        acked = time.monotonic() - started
        assert response.status_code == 200
        assert acked < 0.8  # answered before Arena could have
        reply = await world.slack.response("slow")
        assert "134,881" in everything(reply)
    finally:
        world.arena.latency = 0.0


@pytest.mark.parametrize("text", ["", "help", "  HELP "])
async def test_help(world: World, text: str) -> None:
    """Empty text or `help` gives the usage, with examples."""
    reply = await ask(world, text, f"help-{text.strip()}")
    shown = everything(reply)
    assert "/importrun" in shown
    assert "subscribe" in shown


async def test_unparseable_text_says_what_was_wrong(world: World) -> None:
    """Text that fits no form gets the usage plus the reason, and costs no Arena request."""
    before = world.arena.stats.requests
    reply = await ask(world, f"{SEED_IMPORT_GUID} {SEED_RUN_GUID} please", "garbage")
    assert "/importrun" in everything(reply)
    assert "got 3 words" in everything(reply)
    assert world.arena.stats.requests == before


async def test_bad_guid_is_refused_before_arena(world: World) -> None:
    """A malformed GUID is one sentence and no request to Arena."""
    before = world.arena.stats.requests
    reply = await ask(world, f"{SEED_IMPORT_GUID} R9TCQNRT4L47Q9VQWUF", "badguid")
    assert "“R9TCQNRT4L47Q9VQWUF” looks like a run GUID but has 19 characters" in reply.text
    assert world.arena.stats.requests == before


async def test_unknown_run(world: World) -> None:
    """A well-formed GUID Arena does not know gets a sentence saying so."""
    reply = await ask(world, f"{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ1", "unknown")
    assert "no such import or run" in reply.text
    assert "Traceback" not in everything(reply)


async def test_arena_down(world: World) -> None:
    """Arena answering 503 (after the client's retries) gives a try-again sentence."""
    world.arena.fail_next(10, status=503)
    try:
        reply = await ask(world, f"{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ2", "down")
        assert "Arena is not answering" in reply.text
    finally:
        world.arena.fail_next(0)


async def test_arena_slow_past_the_timeout(world: World) -> None:
    """Arena slower than ARENA_TIMEOUT_SECONDS gives the same clear sentence."""
    world.arena.latency = 1.5
    try:
        reply = await ask(world, f"{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ3", "slowdown")
        assert "Arena is not answering" in reply.text
    finally:
        world.arena.latency = 0.0


async def test_quota_spent(world: World) -> None:
    """A spent daily quota is explained, with when it comes back."""
    world.arena.set_quota(0)
    try:
        reply = await ask(world, f"{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ4", "quota")
        assert "quota" in reply.text
        assert "<!date^" in reply.text
    finally:
        world.arena.set_quota(10_000)


async def test_healthz(world: World) -> None:
    """The health check answers with a small JSON body."""
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{world.bot.base}/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


# After this test the bot waits a minute before it logs in again: later tests must not need Arena.
async def test_bad_arena_credentials(world: World) -> None:
    """When Arena refuses the bot's login, the person is told who must fix what."""
    world.arena.password = "rotated-by-an-admin"
    world.arena.expire_sessions()
    try:
        reply = await ask(world, f"{SEED_IMPORT_GUID} ZZZZZZZZZZZZZZZZZZZ5", "creds")
        assert "could not sign in to Arena" in reply.text
    finally:
        world.arena.password = "demo-password"


async def test_bad_signature_is_rejected_without_arena(world: World) -> None:
    """A request not signed with the signing secret gets 401 and reaches nothing."""
    before_arena, before_slack = world.arena.stats.requests, len(world.slack.calls)
    body = "command=%2Fimportrun&text=" + SEED_IMPORT_GUID
    response = await world.events.post(body, signature="v0=" + "0" * 64)
    assert response.status_code == 401
    assert world.arena.stats.requests == before_arena
    assert len(world.slack.calls) == before_slack


async def test_stale_timestamp_is_rejected(world: World) -> None:
    """A correctly signed but replayed (6-minute-old) request gets 401."""
    before = world.arena.stats.requests
    response = await world.events.slash_command(
        f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}",
        response_url=world.slack.response_url("stale"),
        timestamp=int(time.time()) - 360,
    )
    assert response.status_code == 401
    assert world.arena.stats.requests == before
