"""The edge's parts on their own: the error handler's guard, replay memory, log bounds, budget."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlencode

import httpx
import pytest
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.arena.errors import ArenaTooLarge, FairUseExceeded
from bot.arena.limits import LimitedTransport, PerPersonBudget, charge_to
from bot.demo.slack_stub import SlackStub
from bot.deps import Deps
from bot.settings import load_settings
from bot.slack.app import SORRY, build_app
from bot.slack.edge import VERIFIED, SeenSignatures
from bot.slack.logs import BoundedLines


@pytest.mark.parametrize("verified", [False, True])
async def test_the_error_handler_answers_only_verified_requests(verified: bool) -> None:
    """Item 1: a listener failing on an unverified body never POSTs to its response_url."""
    slack = SlackStub()
    await slack.start()
    settings = load_settings(_env_file=None)
    broken = Deps(settings=settings, arena=None)  # type: ignore[arg-type]
    try:
        client = AsyncWebClient(token=slack.token, base_url=slack.url)
        app = build_app(broken, client=client, signing_secret=None)
        form = {
            "command": "/importrun",
            "text": "IM4QX7N2BK9D3WZTRH5A R9TCQNRT4L47Q9VQWUF3",
            "user_id": "U1",
            "team_id": "T1",
            "response_url": slack.response_url("err"),
        }
        context = {VERIFIED: True} if verified else {}
        request = AsyncBoltRequest(body=urlencode(form), context=context)
        before = asyncio.all_tasks()
        await app.async_dispatch(request)
        # The listener (and the error handler) run after the ack: wait for them.
        if started := asyncio.all_tasks() - before - {asyncio.current_task()}:
            await asyncio.wait(started, timeout=5)
        posted = slack.calls_to("response_url")
        assert [c.text for c in posted] == ([SORRY] if verified else [])
    finally:
        await broken.responder.close()  # replies share one session, closed by its owner
        await slack.stop()


def test_a_signature_is_new_once_within_five_minutes() -> None:
    """Item 9: replays are recognised for 5 minutes, then forgotten; memory stays bounded."""
    now = [0.0]
    seen = SeenSignatures(clock=lambda: now[0], max_entries=3)
    assert seen.first_time("a")
    assert not seen.first_time("a")
    now[0] = 301.0
    assert seen.first_time("a")
    for name in "bcdef":
        seen.first_time(name)
    assert len(seen) <= 3


def test_log_lines_are_cut_and_floods_held_back() -> None:
    """Item 5: a long message is cut; past 20 lines of a kind per window the rest wait."""
    now = [0.0]
    bound = BoundedLines(clock=lambda: now[0])
    long = logging.LogRecord("x", logging.WARNING, "f", 1, "body %s", ("y" * 10_000,), None)
    assert bound.filter(long)
    assert len(long.getMessage()) < 2_100
    passed = [
        bound.filter(logging.LogRecord("x", logging.WARNING, "f", 1, "same", None, None))
        for _ in range(100)
    ]
    assert passed.count(True) == 20
    now[0] = 11.0
    later = logging.LogRecord("x", logging.WARNING, "f", 1, "same", None, None)
    assert bound.filter(later)
    assert "80 similar line(s) held back" in later.getMessage()


def test_a_person_budget_refuses_past_the_minute_then_forgives() -> None:
    """Item 3: 3 a minute; the 4th says when to retry; a minute later it goes through."""
    now = [0.0]
    budget = PerPersonBudget(3, clock=lambda: now[0])
    for _ in range(3):
        budget.spend("U1")
    budget.spend("U2")
    with pytest.raises(FairUseExceeded) as refused:
        budget.spend("U1")
    assert refused.value.retry_after == 60.0
    now[0] = 60.0
    budget.spend("U1")


async def test_the_transport_charges_the_payer_and_caps_the_body() -> None:
    """Items 3 and 9: only requests made for a person count; a big body is an error."""
    sizes = {"/small": 10, "/big": 50_000}

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * sizes[request.url.path])

    budget = PerPersonBudget(2)
    transport = LimitedTransport(httpx.MockTransport(answer), max_body_bytes=1_000)
    async with httpx.AsyncClient(transport=transport, base_url="http://a") as http:
        assert (await http.get("/small")).content == b"x" * 10
        with pytest.raises(ArenaTooLarge):
            await http.get("/big")
        charge_to(budget, "U1")
        await http.get("/small")
        await http.get("/small")
        with pytest.raises(FairUseExceeded):
            await http.get("/small")
        charge_to(None, None)
        await http.get("/small")
