"""The bench's reference: the cheapest reasonable Bolt app that answers `/importrun` with a card.

An AsyncApp on aiohttp that acks, sleeps one Arena round trip and posts a precomputed card
to the response_url through one shared HTTP session. `python -m bot.bench.bare_bolt`, with
PORT, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL, BENCH_CARD (a JSON file) and
BENCH_WAIT (seconds) in the environment.
"""

from __future__ import annotations

import asyncio
import json
import os
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def reference_app(card: dict[str, Any], wait: float, session: aiohttp.ClientSession) -> AsyncApp:
    """Bolt as its documentation shows it, plus one shared session for the replies."""
    app = AsyncApp(
        client=AsyncWebClient(
            token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]
        ),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
    )
    body = json.dumps({**card, "response_type": "ephemeral", "replace_original": False})

    @app.command("/importrun")
    async def importrun(ack: AsyncAck, command: dict[str, Any]) -> None:
        await ack()
        await asyncio.sleep(wait)
        headers = {"Content-Type": "application/json"}
        async with session.post(command["response_url"], data=body, headers=headers) as posted:
            await posted.read()

    return app


async def _main(card: dict[str, Any]) -> None:
    wait = float(os.environ.get("BENCH_WAIT", "0.3"))
    async with aiohttp.ClientSession() as session:  # aiohttp's defaults: 100 connections
        app = reference_app(card, wait, session)

        async def events(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await app.async_dispatch(await to_bolt_request(request))
            )

        async def healthz(_: web.Request) -> web.Response:
            return web.json_response({"status": "ok"})

        server = web.Application()
        server.router.add_post("/slack/events", events)
        server.router.add_get("/healthz", healthz)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", int(os.environ["PORT"])).start()
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


def main() -> None:
    """Serve until killed."""
    with open(os.environ["BENCH_CARD"], encoding="utf-8") as file:
        card = json.load(file)
    asyncio.run(_main(card))


if __name__ == "__main__":
    main()
