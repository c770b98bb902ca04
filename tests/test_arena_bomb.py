"""Item 9 over real HTTP: the size cap counts what a compressed answer decodes to.

A gzip answer of ~50 KB can decode to 50 MB (or gigabytes): ARENA_MAX_BODY_BYTES must stop it
by its decoded size, for answers and for error bodies alike, without decoding it into memory.
"""

from __future__ import annotations

import functools
import gzip
import json
import tracemalloc
import zlib
from collections.abc import AsyncIterator, Awaitable

import pytest
from aiohttp import web
from helpers_arena import open_arena

from bot.arena._transport import AiohttpTransport
from bot.arena.errors import ArenaTooLarge, ArenaUnreadable
from bot.arena.limits import LimitedTransport
from bot.runs.explain import explain

CAP = 1_000_000
DECODED = 50_000_000
IMPORT = "BOMBIMPORT0000000001"
SMALL, BOMB, BROKEN, BROTLI = (f"BOMBRUN{n:013d}" for n in range(4))
RUN = {"guid": SMALL, "number": 7, "status": "COMPLETE"}
# The failed rows' CSV: gzip whole, cut short (its end never sent), in two gzip members.
WHOLE, CUT, TWO_MEMBERS, NONE = (f"CSVRUN{n:014d}" for n in range(4))
CSV = "".join(f"ROW-{n},P-{n:05d},Item number is already used\r\n" for n in range(2_000))


@functools.cache
def bomb() -> bytes:
    """`DECODED` bytes of JSON whitespace, gzip-compressed a megabyte at a time (made once)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    megabyte = b" " * 1_000_000
    packed = [packer.compress(megabyte) for _ in range(DECODED // len(megabyte))]
    return b"".join([*packed, packer.flush()])


def gzipped(status: int, body: bytes, encoding: str = "gzip") -> web.Response:
    return web.Response(
        status=status,
        body=body,
        headers={"Content-Encoding": encoding, "Content-Type": "application/json"},
    )


async def login(request: web.Request) -> web.Response:
    return web.json_response({"arenaSessionId": "SESSION"})


async def logout(request: web.Request) -> web.Response:
    return web.Response()


async def get_import(request: web.Request) -> web.Response:
    """An error body (404) that decodes to 50 MB."""
    return gzipped(404, bomb())


async def get_run(request: web.Request) -> web.Response:
    run = request.match_info["run"]
    if run == SMALL:
        return gzipped(200, gzip.compress(json.dumps(RUN).encode()))
    if run == BROKEN:
        return gzipped(200, gzip.compress(json.dumps(RUN).encode())[:12] + b"not gzip" * 20)
    if run == BROTLI:
        return gzipped(200, b"\x0b\x02\x80{}\x03", encoding="br")
    return gzipped(200, bomb())


async def error_content(request: web.Request) -> web.Response:
    """The failed rows' CSV, gzip-encoded in one of the ways above."""
    whole = CSV.encode()
    encoded = {
        WHOLE: gzip.compress(whole),
        CUT: gzip.compress(whole)[: len(gzip.compress(whole)) * 3 // 4],
        TWO_MEMBERS: gzip.compress(whole[:1_000]) + gzip.compress(whole[1_000:]),
    }
    run = request.match_info["run"]
    if run == NONE:  # nothing to send, the header all the same
        return web.Response(status=204, headers={"Content-Encoding": "gzip"})
    return web.Response(
        body=encoded[run], headers={"Content-Encoding": "gzip", "Content-Type": "text/csv"}
    )


@pytest.fixture
async def arena_url() -> AsyncIterator[str]:
    """A tiny Arena that answers in gzip; the URL of its `/v1`."""
    bomb()  # made before any memory is measured
    app = web.Application()
    app.router.add_post("/v1/login", login)
    app.router.add_put("/v1/logout", logout)
    app.router.add_get("/v1/imports/{imp}", get_import)
    app.router.add_get("/v1/imports/{imp}/runs/{run}", get_run)
    app.router.add_get("/v1/imports/{imp}/runs/{run}/errorContent", error_content)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/v1/"
    finally:
        await runner.cleanup()


def capped() -> LimitedTransport:
    """The transport `serve` gives the Arena client, with a 1 MB cap."""
    return LimitedTransport(AiohttpTransport(connections=4), max_body_bytes=CAP)


async def peak_while(ask: Awaitable[object]) -> tuple[ArenaTooLarge, int]:
    """The error a bomb's answer raises and the most memory Python held while reading it."""
    tracemalloc.start()
    try:
        with pytest.raises(ArenaTooLarge) as refused:
            await ask
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return refused.value, peak


async def test_a_small_gzip_answer_is_read(arena_url: str) -> None:
    async with open_arena(arena_url, transport=capped()) as arena:
        run = await arena.get_run(IMPORT, SMALL)
    assert (run.guid, run.number) == (SMALL, 7)


async def test_a_gzip_bomb_is_refused_by_its_decoded_size(arena_url: str) -> None:
    """~50 KB on the wire, 50 MB decoded, a 1 MB cap: refused, and never held in memory."""
    assert len(bomb()) < CAP // 10
    async with open_arena(arena_url, transport=capped()) as arena:
        await arena.login()
        error, peak = await peak_while(arena.get_run(IMPORT, BOMB))
    assert error.status == 200
    assert explain(error) == (
        "Arena's answer was larger than the bot reads (1,000,000 bytes, ARENA_MAX_BODY_BYTES); "
        "it was left unread."
    )
    assert peak < 4 * CAP, f"{peak:,} bytes held while reading a 1 MB-capped answer"


async def test_an_error_body_bomb_is_refused_too(arena_url: str) -> None:
    """A 404 whose JSON body decodes to 50 MB: the cap, not a 50 MB parse of the error."""
    async with open_arena(arena_url, transport=capped()) as arena:
        await arena.login()
        error, peak = await peak_while(arena.get_import(IMPORT))
    assert error.status == 404
    assert "larger than the bot reads (1,000,000 bytes" in explain(error)
    assert peak < 4 * CAP, f"{peak:,} bytes held while reading a 1 MB-capped error body"


@pytest.mark.parametrize(
    ("run", "sent"),
    [(BROKEN, "its gzip encoding was broken"), (BROTLI, "it was encoded as br")],
)
async def test_an_encoding_the_bot_cannot_undo_is_one_sentence(
    arena_url: str, run: str, sent: str
) -> None:
    async with open_arena(arena_url, transport=capped()) as arena:
        with pytest.raises(ArenaUnreadable) as refused:
            await arena.get_run(IMPORT, run)
    assert explain(refused.value) == f"Arena sent an answer that the bot could not read: {sent}."


@pytest.mark.parametrize("run", [WHOLE, TWO_MEMBERS])
async def test_the_failed_rows_csv_is_read_whole(arena_url: str, run: str) -> None:
    """gzip in one member or several (RFC 1952 allows a series): every row, none lost."""
    async with open_arena(arena_url, transport=capped()) as arena:
        assert await arena.get_error_content(IMPORT, run) == CSV


async def test_an_empty_answer_with_a_gzip_header_is_empty(arena_url: str) -> None:
    async with open_arena(arena_url, transport=capped()) as arena:
        assert await arena.get_error_content(IMPORT, NONE) == ""


async def test_a_gzip_answer_cut_short_is_not_read_as_if_whole(arena_url: str) -> None:
    """A quarter of the rows missing (the gzip's end never came): one sentence, not a shorter
    list of failed rows shown as if it were all of them."""
    async with open_arena(arena_url, transport=capped()) as arena:
        with pytest.raises(ArenaUnreadable) as refused:
            await arena.get_error_content(IMPORT, CUT)
    assert explain(refused.value) == (
        "Arena sent an answer that the bot could not read: its gzip encoding was cut short."
    )
