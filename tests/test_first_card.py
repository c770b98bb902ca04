"""The first card after one Arena round trip, its change link later, and what the start prepares.

End to end against a running `serve` (Arena simulator, Slack stub), plus the in-process
app for what only the process can count (cards built, sessions opened, auth.test calls).
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiohttp import web
from bot_world import World, running_world
from helpers_arena import open_arena
from slack_sdk.web.async_client import AsyncWebClient

from bot.answer.commands import ShowRun
from bot.answer.dispatch import answer, reply
from bot.arena._transport import AiohttpTransport
from bot.arena.errors import ArenaUnavailable
from bot.arena.models import ImportRun
from bot.bench.burst import OTHER_GUIDS, add_runs
from bot.cards import CardButton, run_card
from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID, SEED_RUNS
from bot.demo.simulator import ArenaSimulator
from bot.demo.slack_events import SlackEvents
from bot.demo.slack_stub import SlackCall, SlackStub
from bot.deps import Deps
from bot.runs.messages import Asker
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.server import web_app
from support import SIGNING_SECRET, BotProcess, bot_env, free_port

CHANGES = "GET /changes"
RUN = "GET /imports/{g}/runs/{g}"


def shown(call: SlackCall) -> str:
    """A reply's text and blocks as one string."""
    return call.text + json.dumps(call.body.get("blocks", []), ensure_ascii=False)


def posts_to(slack: SlackStub, key: str) -> list[SlackCall]:
    """Every post to one response_url, oldest first."""
    return [c for c in slack.calls_to("response_url") if c.body.get("_key") == key]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` with 51 more runs, each added to its own change order."""
    async with running_world(tmp_path_factory.mktemp("first")) as started:
        add_runs(started.arena)
        yield started


@pytest.mark.asyncio(loop_scope="module")
async def test_first_card_after_one_request_then_the_change_link(world: World) -> None:
    """The card comes after the run's GET alone; the change order's link replaces it after."""
    runs, changes = world.route(RUN), world.route(CHANGES)
    text = f"{SEED_IMPORT_GUID} {OTHER_GUIDS[0]}"
    response = await world.events.slash_command(text, response_url=world.slack.response_url("c1"))
    assert response.status_code == 200
    first = await world.slack.response("c1")
    assert first.body["replace_original"] is False
    assert "ECO-900000" in shown(first)
    link = f"{world.arena.web_url}/CBENCH{0:014d}"  # the change's page, from GET /changes
    assert link not in shown(first)  # built from the run alone, before the change lookup
    await world.slack.wait_until(lambda: len(posts_to(world.slack, "c1")) == 2)
    updated = posts_to(world.slack, "c1")[1]
    assert updated.body["replace_original"] is True
    assert updated.body["response_type"] == "ephemeral"
    assert link in shown(updated)
    assert (world.route(RUN) - runs, world.route(CHANGES) - changes) == (1, 1)

    # Asked again: one card, the link in it, from the caches (no request at all).
    before = world.arena.stats.requests
    await world.events.slash_command(text, response_url=world.slack.response_url("c2"))
    again = await world.slack.response("c2")
    assert link in shown(again)
    assert world.arena.stats.requests == before
    await asyncio.sleep(0.3)  # a follow-up, if one were wrongly sent, would arrive by now
    assert len(posts_to(world.slack, "c2")) == 1


@pytest.mark.asyncio(loop_scope="module")
async def test_auth_test_once_at_start_not_per_request(world: World) -> None:
    """Slack's auth.test is called once when the bot starts, never for a command."""
    assert len(world.slack.calls_to("auth.test")) == 1
    keys = [f"a{i}" for i in range(5)]
    await asyncio.gather(
        *(
            world.events.slash_command(
                f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", response_url=world.slack.response_url(key)
            )
            for key in keys
        )
    )
    for key in keys:
        assert "134,881" in shown(await world.slack.response(key))
    assert len(world.slack.calls_to("auth.test")) == 1


@pytest.mark.asyncio(loop_scope="module")
async def test_login_at_start(world: World) -> None:
    """The bot logged in to Arena before its first command (once)."""
    assert world.route("POST /login") == 1


async def test_a_finished_runs_card_is_built_once_for_200_asks(arena_sim: ArenaSimulator) -> None:
    """200 asks at once: one GET of the run, one change lookup, the card built twice (before
    and after its link), every asker given the same card."""
    async with open_arena(arena_sim.url) as arena:
        deps = Deps(settings=Settings(_env_file=None), arena=arena)
        asker = Asker(user_id="U0PERSON01", channel_id="C0DEMOCHAN")
        command = ShowRun(SEED_IMPORT_GUID, SEED_RUN_GUID)
        firsts = await asyncio.gather(*(reply(deps, command, asker) for _ in range(200)))
        assert len({id(r.message) for r in firsts}) == 1
        later = [r.later for r in firsts]
        assert all(later)
        betters = await asyncio.gather(*(f() for f in later if f is not None))
        assert len({id(b) for b in betters}) == 1
        assert betters[0] is not None
        assert "ECO-002114" in json.dumps(betters[0].to_dict())
        cards = await asyncio.gather(*(answer(deps, command, asker) for _ in range(200)))
        assert all(card is betters[0] for card in cards)
    assert deps.cards.rendered == 2
    assert arena_sim.stats.by_route[RUN] == 1
    assert arena_sim.stats.by_route[CHANGES] == 1


async def test_a_lookup_whose_asker_gave_up_is_still_kept(arena_sim: ArenaSimulator) -> None:
    """A shared lookup caches its answer itself: the next ask sends nothing."""
    async with open_arena(arena_sim.url) as arena:
        await arena.login()
        arena_sim.latency = 0.2
        for lookup in (
            lambda: arena.find_change("ECO-002114"),
            lambda: arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID),
        ):
            asked = asyncio.create_task(lookup())
            await asyncio.sleep(0.05)
            asked.cancel()
            await asyncio.sleep(0.4)
            assert await lookup() is not None
        arena_sim.latency = 0.0
    assert arena_sim.stats.by_route[CHANGES] == 1
    assert arena_sim.stats.by_route[RUN] == 1


async def test_the_aiohttp_transport_names_the_timeout(arena_sim: ArenaSimulator) -> None:
    """Through the bot's transport, a slow Arena is a sentence naming the timeout."""
    async with open_arena(
        arena_sim.url, transport=AiohttpTransport(connections=4), timeout=0.2, retries=0
    ) as arena:
        run = await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID)
        assert run.total_count == 134881
        arena_sim.latency = 0.5
        try:
            with pytest.raises(ArenaUnavailable, match=r"^Arena did not answer within 0\.2 s$"):
                await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)
        finally:
            arena_sim.latency = 0.0


# The edge (bot/slack/edge.py) is a callable object, which aiohttp warns about as a route.
@pytest.mark.filterwarnings("ignore:Bare functions are deprecated:DeprecationWarning")
async def test_a_cold_burst_shares_one_auth_test_and_one_reply_session(
    arena_sim: ArenaSimulator,
) -> None:
    """In process, without the start's warm-up: 20 commands at once call auth.test once, and
    all their replies go through one HTTP session."""
    slack = SlackStub()
    await slack.start()
    runner: web.AppRunner | None = None
    try:
        async with open_arena(arena_sim.url) as arena:
            settings = Settings(_env_file=None, slack_api_url=slack.url)
            deps = Deps(settings=settings, arena=arena)
            client = AsyncWebClient(token=slack.token, base_url=slack.url)
            app = build_app(deps, client=client, signing_secret=SIGNING_SECRET)
            runner = web.AppRunner(
                web_app(app, mode="http", signing_secret=SIGNING_SECRET), access_log=None
            )
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", 0).start()
            port = runner.addresses[0][1]
            async with httpx.AsyncClient(timeout=10) as http:
                events = SlackEvents(http, f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET)
                keys = [f"s{i}" for i in range(20)]
                text = f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}"
                acks = await asyncio.gather(
                    *(events.slash_command(text, response_url=slack.response_url(k)) for k in keys)
                )
                assert {a.status_code for a in acks} == {200}
                for key in keys:
                    assert "134,881" in shown(await slack.response(key))
                await slack.wait_until(lambda: len(slack.calls_to("response_url")) == 40)
            assert len(slack.calls_to("auth.test")) == 1
            assert deps.responder.sessions_opened == 1
            await deps.responder.close()
    finally:
        if runner is not None:
            await runner.cleanup()
        await slack.stop()


async def _start_failing(tmp_path: Path, auth_failures: int | None) -> tuple[Any, ...]:
    """A bot whose Arena password is wrong and whose auth.test fails at first."""
    arena, slack = ArenaSimulator(), SlackStub()
    await arena.start()
    await slack.start()
    slack.fail("auth.test", "invalid_auth", times=auth_failures)
    env = bot_env(
        arena_url=arena.url,
        slack_url=slack.url,
        port=free_port(),
        workdir=tmp_path,
        ARENA_PASSWORD="rotated-by-an-admin",
        # Without it a start whose auth.test fails stops: the bot would not know its team.
        ALLOWED_TEAM_IDS="T0DEMOTEAM",
    )
    bot = BotProcess(env, tmp_path)
    await _answering(bot)
    return arena, slack, bot


async def _answering(bot: BotProcess) -> None:
    """Start `bot` and wait until it serves (/healthz says 503 while Arena refuses the login)."""
    with bot.log.open("ab") as log:
        bot.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=bot.workdir,
            env=bot.env,
            stdout=log,
            stderr=log,
        )
    async with httpx.AsyncClient() as http:
        for _ in range(200):
            try:
                if (await http.get(f"{bot.base}/healthz")).status_code in (200, 503):
                    return
            except httpx.TransportError:
                await asyncio.sleep(0.1)
    raise TimeoutError(bot.output())


@pytest.mark.parametrize(
    ("auth_failures", "sentence"),
    [(1, "could not sign in to Arena"), (None, "could not confirm its Slack token")],
)
async def test_a_failing_start_still_answers_with_a_sentence(
    tmp_path: Path, auth_failures: int | None, sentence: str
) -> None:
    """Arena refusing the login and Slack refusing auth.test at start: the bot still serves,
    and a command gets one sentence saying what is wrong."""
    arena, slack, bot = await _start_failing(tmp_path, auth_failures)
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            events = SlackEvents(http, f"{bot.base}/slack/events", SIGNING_SECRET)
            response = await events.slash_command(
                f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", response_url=slack.response_url("f")
            )
            assert response.status_code == 200
            said = await slack.response("f")
        assert sentence in said.text
        assert "Traceback" not in bot.output()
        assert "at start failed" in bot.output()
    finally:
        assert await bot.stop() == 0
        await slack.stop()
        await arena.stop()


@pytest.mark.parametrize("run_guid", sorted(SEED_RUNS))
def test_cards_as_dicts_match_slack_sdk(arena_sim: ArenaSimulator, run_guid: str) -> None:
    """A card's quick dict form is exactly slack_sdk's `to_dict()` (every seeded run)."""
    import_guid = SEED_RUNS[run_guid]
    run = ImportRun.model_validate(arena_sim.run(import_guid, run_guid))
    for buttons in (frozenset(CardButton), frozenset()):
        card = run_card(run, import_guid=import_guid, buttons=buttons, note="Asked for by <@U1>")
        assert card.to_dict()["blocks"] == [block.to_dict() for block in card.blocks]


@pytest.mark.asyncio(loop_scope="module")
async def test_a_change_lookup_that_fails_leaves_the_first_card(world: World) -> None:
    """Arena failing the change lookup: the person keeps the first card; nothing else arrives."""
    world.arena.fail_path("/changes", 503)
    try:
        text = f"{SEED_IMPORT_GUID} {OTHER_GUIDS[1]}"
        await world.events.slash_command(text, response_url=world.slack.response_url("down"))
        first = await world.slack.response("down")
        assert "ECO-900001" in shown(first)
        await asyncio.sleep(1.5)  # the lookup and its retries end; any reply would arrive by now
        assert len(posts_to(world.slack, "down")) == 1
        assert "Traceback" not in world.bot.output()
    finally:
        world.arena.fail_path("/changes", None)
