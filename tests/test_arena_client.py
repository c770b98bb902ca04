"""`ArenaClient` against a scripted transport: URLs, error mapping, retries, cache."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from helpers_arena import EMAIL, PASSWORD, open_arena

from bot.arena.client import ArenaClient
from bot.arena.errors import (
    ArenaAuthError,
    ArenaError,
    ArenaNotFound,
    ArenaPermissionError,
    ArenaQuotaExceeded,
    ArenaUnavailable,
    ArenaUnreadable,
    InvalidGuid,
)
from bot.demo.seed import CLEAN_RUN_GUID, RUNNING_RUN_GUID, SEED_IMPORT_GUID, SEED_RUN_GUID
from bot.demo.simulator import ArenaSimulator

BASE = "http://arena.test/v1"
IMP = "IM4QX7N2BK9D3WZTRH5A"
RUN = "R9TCQNRT4L47Q9VQWUF3"
RUN_PATH = f"/v1/imports/{IMP}/runs/{RUN}"
PAGING_IMPORT = "IMPAGING000000000001"
RUN_JSON: dict[str, Any] = {"guid": RUN, "number": 14, "status": "COMPLETE"}

Handler = Callable[[httpx.Request], httpx.Response]


class FakeArena:
    """A scripted Arena: `routes` maps "METHOD /path" to a handler; every request is kept."""

    def __init__(self, routes: dict[str, Handler] | None = None, token: str = "TOKEN-1") -> None:
        self.routes = routes or {}
        self.requests: list[httpx.Request] = []
        self.logins = 0
        self.token = token

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "POST" and request.url.path == "/v1/login":
            self.logins += 1
            body = {"arenaSessionId": f"{self.token}-{self.logins}", "workspaceRequestLimit": 500}
            return self.routes.get("POST /login", reply(body=body))(request)
        route = f"{request.method} {request.url.path.removeprefix('/v1')}"
        if route in self.routes:
            return self.routes[route](request)
        if request.method == "PUT" and request.url.path == "/v1/logout":
            return httpx.Response(200)
        return httpx.Response(404, json={"status": 404, "errors": [{"code": 404}]})

    def gets(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "GET"]


def reply(status: int = 200, body: Any = None, **headers: str) -> Handler:
    """A handler answering `status` with `body` as JSON (or raw bytes) and `headers`."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return lambda _: httpx.Response(status, content=content, headers=headers)


def arena_error(status: int, code: int, message: str = "") -> Handler:
    """A handler answering Arena's error body."""
    return reply(status, {"status": status, "errors": [{"code": code, "message": message}]})


def fake_client(fake: FakeArena, **options: Any) -> AbstractAsyncContextManager[ArenaClient]:
    """`open_arena` over the fake, with no backoff so retries do not slow the tests."""
    options.setdefault("backoff", 0)
    return open_arena(BASE, transport=httpx.MockTransport(fake.handle), **options)


async def test_paths_keep_the_v1_prefix_of_base_url() -> None:
    """httpx joins "/imports/..." onto ".../v1" as ".../v1/imports/...", not "/imports"."""
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": reply(body=RUN_JSON)})
    async with fake_client(fake) as arena:
        await arena.get_run(IMP.lower(), RUN)
    assert [str(r.url) for r in fake.requests] == [
        "http://arena.test/v1/login",
        f"http://arena.test{RUN_PATH}",
        "http://arena.test/v1/logout",
    ]


async def test_login_body_session_header_and_user_agent() -> None:
    """Login sends e-mail, password, workspace; later requests carry the token header."""
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": reply(body=RUN_JSON)})
    async with fake_client(fake, workspace_id=None) as arena:
        await arena.get_run(IMP, RUN)
        assert arena.quota.limit == 500
    login, get, logout = fake.requests
    assert json.loads(login.content) == {"email": EMAIL, "password": PASSWORD}
    assert "arena_session_id" not in login.headers
    assert get.headers["arena_session_id"] == "TOKEN-1-1"
    assert get.headers["user-agent"] == "importrun-bot-tests"
    assert logout.headers["arena_session_id"] == "TOKEN-1-1"


async def test_snake_case_token_is_accepted() -> None:
    """RD's sample spells the token `arena_session_id`; it works as well as OAS's name."""
    fake = FakeArena(
        {
            "POST /login": reply(body={"arena_session_id": "SNAKE|"}),
            f"GET /imports/{IMP}/runs/{RUN}": reply(body=RUN_JSON),
        }
    )
    async with fake_client(fake) as arena:
        await arena.get_run(IMP, RUN)
    assert fake.gets()[0].headers["arena_session_id"] == "SNAKE|"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (b"{not json", "the answer was not JSON"),
        (b"", "the answer was not JSON"),
        (b'{"number": 14}', "guid was missing"),
        (b'{"guid": "X", "status": null}', "status was null"),
        (b"[1, 2]", "the answer was [1, 2]"),
    ],
)
async def test_unreadable_answers_say_what_could_not_be_read(
    body: bytes, said: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Malformed JSON, or a run without a readable GUID or status: one sentence, no dump."""
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": reply(body=body)})
    async with fake_client(fake) as arena:
        with pytest.raises(ArenaUnreadable) as caught:
            await arena.get_run(IMP, RUN)
    assert str(caught.value) == f"Arena sent an import run that could not be read: {said}"
    assert caught.value.status == 200
    assert "pydantic" not in caplog.text


async def test_an_odd_display_field_costs_only_that_field() -> None:
    """A run number Arena sent as text is left out; the run is still read."""
    body = b'{"guid": "X", "status": "COMPLETE", "number": "fourteen", "totalCount": 3}'
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": reply(body=body)})
    async with fake_client(fake) as arena:
        run = await arena.get_run(IMP, RUN)
    assert (run.guid, run.number, run.total_count) == ("X", None, 3)
    assert run.unreadable == {"number"}


async def test_unreadable_login_answer_is_arena_error() -> None:
    """A login answer without a token is an ArenaError too, and nothing else is sent."""
    fake = FakeArena({"POST /login": reply(body={"workspaceId": 1})})
    async with fake_client(fake) as arena:
        with pytest.raises(ArenaUnreadable, match="a login answer that could not be read"):
            await arena.get_run(IMP, RUN)
    assert [r.url.path for r in fake.requests] == ["/v1/login"]


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (400, 3012, ArenaNotFound),
        (400, 3024, ArenaNotFound),
        (404, 404, ArenaNotFound),
        (400, 3011, InvalidGuid),
        (403, 3085, ArenaPermissionError),
        (429, 4084, ArenaQuotaExceeded),
        (400, 4084, ArenaQuotaExceeded),
        (500, 3000, ArenaUnavailable),
        (503, 503, ArenaUnavailable),
        (400, 3041, ArenaError),
        (409, 3025, ArenaError),
        (415, 3296, ArenaError),
    ],
)
async def test_error_mapping(status: int, code: int, expected: type[ArenaError]) -> None:
    """Each Arena answer becomes one error of the family, carrying status, code, message."""
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": arena_error(status, code, "Arena says")})
    async with fake_client(fake, retries=0) as arena:
        with pytest.raises(ArenaError) as caught:
            await arena.get_run(IMP, RUN)
    assert type(caught.value) is expected
    assert (caught.value.status, caught.value.code) == (status, code)
    assert caught.value.arena_message == "Arena says"


async def test_error_body_that_is_not_json_keeps_the_status() -> None:
    """An HTML error page still maps by HTTP status, with no code or message."""
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": reply(403, b"<html>nope</html>")})
    async with fake_client(fake) as arena:
        with pytest.raises(ArenaPermissionError) as caught:
            await arena.get_run(IMP, RUN)
    assert (caught.value.status, caught.value.code, caught.value.arena_message) == (403, None, None)


async def test_quota_reset_read_from_the_4084_message() -> None:
    """Without the header, the reset time is the second quoted value of error 4084."""
    message = (
        'You have exceeded your maximum of "1000" requests during the last 24 hours. '
        'Additional requests can be made at "Sat, 03-May-2014 00:00:00 GMT-0700 (PDT)".'
    )
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": arena_error(429, 4084, message)})
    async with fake_client(fake) as arena:
        with pytest.raises(ArenaQuotaExceeded) as caught:
            await arena.get_run(IMP, RUN)
        assert (arena.quota.remaining, arena.quota.reset_at) == (0, caught.value.reset_at)
    assert caught.value.reset_at == datetime(2014, 5, 3, 7, 0, tzinfo=UTC)
    assert len(fake.gets()) == 1, "a spent quota is never retried"


async def test_a_second_401_is_an_auth_error() -> None:
    """A request refused again after a fresh login raises ArenaAuthError; one re-login only."""
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": arena_error(401, 401, "no token")})
    async with fake_client(fake) as arena:
        with pytest.raises(ArenaAuthError, match="even after logging in again"):
            await arena.get_run(IMP, RUN)
    assert fake.logins == 2
    assert [r.headers["arena_session_id"] for r in fake.gets()] == ["TOKEN-1-1", "TOKEN-1-2"]


@pytest.mark.parametrize(
    ("status", "code"), [(400, 4001), (400, 4081), (400, 4083), (400, 4079), (401, 401)]
)
async def test_refused_login_is_an_auth_error(status: int, code: int) -> None:
    """Login refusals carry Arena's message; the refused login is not retried."""
    fake = FakeArena({"POST /login": arena_error(status, code, "Not you.")})
    async with fake_client(fake) as arena:
        with pytest.raises(ArenaAuthError, match=r"integration@example\.com: Not you\.") as caught:
            await arena.get_run(IMP, RUN)
    assert (caught.value.code, caught.value.arena_message) == (code, "Not you.")
    assert fake.logins == 1
    assert not fake.gets()


async def test_login_at_a_wrong_url_says_so() -> None:
    """A 404 at login means the API URL is wrong, which the message says."""
    fake = FakeArena({"POST /login": reply(404, b"Not Found")})
    async with fake_client(fake) as arena:
        with pytest.raises(ArenaError, match=r"no login at http://arena\.test/v1/login"):
            await arena.login()


async def test_login_and_puts_are_never_retried() -> None:
    """A 503 at login is ArenaUnavailable at once: POST is not idempotent."""
    fake = FakeArena({"POST /login": arena_error(503, 503)})
    async with fake_client(fake, retries=3) as arena:
        with pytest.raises(ArenaUnavailable):
            await arena.login()
    assert fake.logins == 1


async def test_4xx_is_never_retried_and_5xx_is() -> None:
    """GETs are retried on 5xx `retries` times, never on 4xx."""
    answers = iter([arena_error(502, 0), arena_error(503, 503), reply(body=RUN_JSON)])
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": lambda r: next(answers)(r)})
    async with fake_client(fake, retries=2) as arena:
        assert (await arena.get_run(IMP, RUN)).number == 14
        assert len(fake.gets()) == 3
        fake.routes[f"GET /imports/{IMP}"] = arena_error(400, 3041)
        with pytest.raises(ArenaError):
            await arena.get_import(IMP)
        assert len(fake.gets()) == 4


async def test_transport_errors_are_retried_then_unavailable() -> None:
    """A connection failure on a GET is retried, then reported with the host."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": refuse})
    async with fake_client(fake, retries=2) as arena:
        with pytest.raises(ArenaUnavailable, match=r"^could not reach Arena at arena\.test$"):
            await arena.get_run(IMP, RUN)
    assert len(fake.gets()) == 3


async def test_logout_failure_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    """close() swallows a failing logout with a log line."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    fake = FakeArena({"PUT /logout": refuse})
    async with fake_client(fake) as arena:
        await arena.login()
    assert "Could not log out of Arena: could not reach Arena" in caplog.text


async def test_close_without_login_sends_nothing() -> None:
    """A client that never logged in has nothing to log out of."""
    fake = FakeArena()
    async with fake_client(fake):
        pass
    assert fake.requests == []


async def test_coalescing_is_per_url_and_params() -> None:
    """Identical GETs in flight share a request; different params do not."""
    gate = asyncio.Event()

    class SlowFake(FakeArena):
        async def handle_async(self, request: httpx.Request) -> httpx.Response:
            if request.method == "GET":
                await gate.wait()
            return self.handle(request)

    page = reply(body={"count": 0, "results": []})
    fake = SlowFake({f"GET /imports/{IMP}/runs": page})
    async with open_arena(BASE, transport=httpx.MockTransport(fake.handle_async)) as arena:
        calls = [arena.list_runs(IMP, limit=5) for _ in range(10)]
        calls += [arena.list_runs(IMP, limit=5, status="ERROR") for _ in range(10)]
        tasks = [asyncio.ensure_future(c) for c in calls]
        await asyncio.sleep(0.05)
        gate.set()
        results = await asyncio.gather(*tasks)
    assert results == [[]] * 20
    assert sorted(str(r.url.params) for r in fake.gets()) == [
        "offset=0&limit=5",
        "status=ERROR&offset=0&limit=5",
    ]


async def test_cache_expires_with_the_injected_clock() -> None:
    """get_import answers from the cache until `cache_ttl` has passed on `clock`."""
    now = [1000.0]
    fake = FakeArena({f"GET /imports/{IMP}": reply(body={"guid": IMP, "name": "BOM"})})
    async with fake_client(fake, cache_ttl=60, clock=lambda: now[0]) as arena:
        assert (await arena.get_import(IMP)).name == "BOM"
        now[0] += 59
        await arena.get_import(IMP)
        assert len(fake.gets()) == 1
        now[0] += 1
        await arena.get_import(IMP)
        assert len(fake.gets()) == 2


async def test_running_runs_are_not_cached_and_fresh_skips_the_cache() -> None:
    """A running run is fetched every time; a finished one is cached unless fresh=True."""
    running = {**RUN_JSON, "status": "RUNNING"}
    fake = FakeArena({f"GET /imports/{IMP}/runs/{RUN}": reply(body=running)})
    async with fake_client(fake) as arena:
        await arena.get_run(IMP, RUN)
        await arena.get_run(IMP, RUN)
        assert len(fake.gets()) == 2
        fake.routes[f"GET /imports/{IMP}/runs/{RUN}"] = reply(body=RUN_JSON)
        await arena.get_run(IMP, RUN)
        assert (await arena.get_run(IMP, RUN)).is_finished
        assert len(fake.gets()) == 3
        await arena.get_run(IMP, RUN, fresh=True)
        assert len(fake.gets()) == 4


async def test_find_change_matches_the_exact_number() -> None:
    """A wildcard-ish search result that is not the number asked for is not taken."""
    results = [{"number": "ECO-0021140", "guid": "A"}, {"number": "ECO-002114", "guid": "B"}]
    fake = FakeArena({"GET /changes": reply(body={"count": 2, "results": results})})
    async with fake_client(fake) as arena:
        found = await arena.find_change(" ECO-002114 ")
        assert found is not None
        assert found.guid == "B"
        assert await arena.find_change("ECO-00211") is None
        assert await arena.find_change("ECO-00211") is None
        assert await arena.find_change("ECO+1%") is None
    assert [r.url.params["number"] for r in fake.gets()] == ["ECO-002114", "ECO-00211", "ECO+1%"]
    assert fake.gets()[-1].url.query == b"number=ECO%2B1%25"


async def test_secrets_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    """Neither the password nor the session token is logged, at any level."""
    caplog.set_level(logging.DEBUG)
    fake = FakeArena(
        {f"GET /imports/{IMP}/runs/{RUN}": arena_error(401, 401)}, token="SECRET-TOKEN"
    )
    async with fake_client(fake) as arena:
        with pytest.raises(ArenaAuthError):
            await arena.get_run(IMP, RUN)
        assert "SECRET" not in repr(arena)
    assert PASSWORD not in caplog.text
    assert "SECRET-TOKEN" not in caplog.text
    assert "Logged in to Arena as integration@example.com" in caplog.text


# ---- against the Arena simulator, over real sockets ----

RUN_ROUTE = "GET /imports/{g}/runs/{g}"
RUNS_ROUTE = "GET /imports/{g}/runs"


def sim_client(sim: ArenaSimulator, **options: Any) -> AbstractAsyncContextManager[ArenaClient]:
    """`open_arena` pointed at the simulator, with no backoff so retries stay fast."""
    options.setdefault("backoff", 0)
    return open_arena(sim.url, **options)


async def test_get_run_reads_the_seed_sample(arena_sim: ArenaSimulator) -> None:
    """The documented sample run comes back as a model, GUIDs accepted in any case."""
    async with sim_client(arena_sim) as arena:
        run = await arena.get_run(SEED_IMPORT_GUID.lower(), f" {SEED_RUN_GUID} ")
    assert (run.guid, run.status) == (SEED_RUN_GUID, "COMPLETE")
    assert (run.total_count, run.success_count, run.error_count) == (134881, 134862, 19)
    assert run.warnings.count == 12
    assert run.warnings.results[0].code == 331
    assert run.change_number == "ECO-002114"


async def test_100_concurrent_get_run_share_one_login_and_one_request(
    arena_sim: ArenaSimulator,
) -> None:
    """100 callers at once: one login, one GET (coalesced), then the cache answers."""
    async with sim_client(arena_sim) as arena:
        runs = await asyncio.gather(
            *(arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID) for _ in range(100))
        )
        assert {run.guid for run in runs} == {SEED_RUN_GUID}
        logins, requests = arena_sim.stats.logins, arena_sim.stats.requests
        print(f"\n100 concurrent get_run: {logins} login(s), {requests} request(s)")
        assert (logins, requests) == (1, 1)
        assert arena_sim.stats.by_route[RUN_ROUTE] == 1
        for _ in range(100):
            await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID)
        assert arena_sim.stats.requests == 1, "a finished run is cached"


async def test_100_concurrent_fresh_gets_of_a_running_run(arena_sim: ArenaSimulator) -> None:
    """A running run is never cached, but identical GETs in flight still share one request."""
    async with sim_client(arena_sim) as arena:
        runs = await asyncio.gather(
            *(arena.get_run(SEED_IMPORT_GUID, RUNNING_RUN_GUID, fresh=True) for _ in range(100))
        )
        assert all(run.is_running for run in runs)
        assert (arena_sim.stats.logins, arena_sim.stats.by_route[RUN_ROUTE]) == (1, 1)
        await arena.get_run(SEED_IMPORT_GUID, RUNNING_RUN_GUID)
        assert arena_sim.stats.by_route[RUN_ROUTE] == 2


async def test_expired_session_logs_in_once_and_retries(arena_sim: ArenaSimulator) -> None:
    """After Arena drops the session: one new login, the request retried, the answer right."""
    async with sim_client(arena_sim) as arena:
        await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID)
        arena_sim.expire_sessions()
        run = await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True)
        assert run.total_count == 134881
        assert arena_sim.stats.logins == 2
        assert arena_sim.stats.by_route[RUN_ROUTE] == 3  # first, refused, retried


async def test_concurrent_401s_cause_one_login(arena_sim: ArenaSimulator) -> None:
    """Many different requests refused at once with the old token share one new login."""
    async with sim_client(arena_sim) as arena:
        await arena.login()
        arena_sim.expire_sessions()
        results = await asyncio.gather(
            arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID, fresh=True),
            arena.get_run(SEED_IMPORT_GUID, CLEAN_RUN_GUID, fresh=True),
            arena.get_run(SEED_IMPORT_GUID, RUNNING_RUN_GUID),
            arena.get_import(SEED_IMPORT_GUID),
            arena.list_runs(SEED_IMPORT_GUID, limit=3),
            arena.find_change("ECO-002114"),
            arena.get_error_content(SEED_IMPORT_GUID, SEED_RUN_GUID),
        )
        assert all(results)
        assert arena_sim.stats.logins == 2


async def test_bad_guid_sends_nothing(arena_sim: ArenaSimulator) -> None:
    """A malformed GUID raises InvalidGuid before any request, login included."""
    async with sim_client(arena_sim) as arena:
        calls = [
            arena.get_run("not-a-guid", SEED_RUN_GUID),
            arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID[:-1]),
            arena.list_runs("IM4QX7N2BK9D3WZTRH5A!"),
            arena.get_import(""),
            arena.get_error_content(SEED_IMPORT_GUID, "R9TCQNRT4L47Q9VQWUF3X"),
        ]
        for call in calls:
            with pytest.raises(InvalidGuid):
                await call
    assert (arena_sim.stats.logins, arena_sim.stats.requests) == (0, 0)
    assert not arena_sim.stats.by_route


async def test_unknown_run_is_not_found(arena_sim: ArenaSimulator) -> None:
    """Arena's 400/3012 for a run that does not exist becomes ArenaNotFound."""
    async with sim_client(arena_sim) as arena:
        with pytest.raises(ArenaNotFound) as caught:
            await arena.get_run(SEED_IMPORT_GUID, "ZZZZZZZZZZZZZZZZZZZZ")
    assert (caught.value.status, caught.value.code) == (400, 3012)
    assert "ZZZZZZZZZZZZZZZZZZZZ" in (caught.value.arena_message or "")


async def test_wrong_password_is_an_auth_error_after_one_login(
    arena_sim: ArenaSimulator,
) -> None:
    """Ten callers with a wrong password share one refused login: ArenaAuthError, 4001."""
    async with sim_client(arena_sim, password="wrong") as arena:
        results = await asyncio.gather(
            *(arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID) for _ in range(10)),
            return_exceptions=True,
        )
    assert all(isinstance(r, ArenaAuthError) and r.code == 4001 for r in results)
    assert "not valid" in str(results[0])
    assert arena_sim.stats.by_route["POST /login"] == 1
    assert arena_sim.stats.requests == 0


async def test_quota_headers_reach_client_quota(arena_sim: ArenaSimulator) -> None:
    """Remaining, reset and limit come from the headers and the login answer."""
    async with sim_client(arena_sim) as arena:
        await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID)
        quota = arena.quota
        assert quota.remaining == arena_sim.requests_remaining
        assert quota.reset_at == arena_sim.quota.reset_at
        assert quota.reset_raw is not None
        assert "GMT-0" in quota.reset_raw
        assert quota.limit == arena_sim.quota.limit
        assert quota.updated_at is not None


async def test_spent_quota_raises_with_reset_time(arena_sim: ArenaSimulator) -> None:
    """A 429/4084 becomes ArenaQuotaExceeded carrying when the quota refills."""
    reset = datetime(2031, 1, 2, 8, 0, tzinfo=UTC)
    async with sim_client(arena_sim) as arena:
        await arena.login()
        arena_sim.set_quota(0, reset)
        with pytest.raises(ArenaQuotaExceeded) as caught:
            await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID)
        assert (caught.value.status, caught.value.code) == (429, 4084)
        assert caught.value.reset_at == reset
        assert (arena.quota.remaining, arena.quota.reset_at) == (0, reset)
        arena_sim.set_quota(5)
    assert arena_sim.stats.by_route[RUN_ROUTE] == 1


async def test_503s_are_retried_then_unavailable(arena_sim: ArenaSimulator) -> None:
    """Two 503s are retried through; three exhaust `retries=2` and raise ArenaUnavailable."""
    async with sim_client(arena_sim, retries=2) as arena:
        await arena.login()
        arena_sim.fail_next(2, status=503)
        run = await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID)
        assert run.guid == SEED_RUN_GUID
        assert arena_sim.stats.by_route[RUN_ROUTE] == 3
        arena_sim.fail_next(3, status=503)
        with pytest.raises(ArenaUnavailable, match="HTTP 503") as caught:
            await arena.get_import(SEED_IMPORT_GUID)
        assert caught.value.status == 503
        assert arena_sim.stats.by_route["GET /imports/{g}"] == 3


async def test_slow_arena_is_unavailable(arena_sim: ArenaSimulator) -> None:
    """An answer slower than the client's timeout: ArenaUnavailable, naming the timeout."""
    async with sim_client(arena_sim, timeout=0.2, retries=1) as arena:
        await arena.login()
        arena_sim.latency = 0.5
        try:
            with pytest.raises(ArenaUnavailable, match=r"^Arena did not answer within 0\.2 s$"):
                await arena.get_run(SEED_IMPORT_GUID, SEED_RUN_GUID)
        finally:
            arena_sim.latency = 0.0


async def test_unreachable_arena_is_unavailable() -> None:
    """Nobody listening: ArenaUnavailable naming the host, after the retries."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with open_arena(f"http://127.0.0.1:{port}/v1", backoff=0) as arena:
        with pytest.raises(ArenaUnavailable, match=f"could not reach Arena at 127.0.0.1:{port}"):
            await arena.login()


async def test_list_runs_pages_past_400(arena_sim: ArenaSimulator) -> None:
    """limit > 400 pages with offset/limit until a short page; newest first."""
    arena_sim.add_import({"guid": PAGING_IMPORT, "number": 99, "name": "Paging"})
    for n in range(1, 451):
        arena_sim.add_run(
            PAGING_IMPORT, {"guid": f"RUNPAGE{n:013d}", "number": n, "status": "COMPLETE"}
        )
    async with sim_client(arena_sim) as arena:
        runs = await arena.list_runs(PAGING_IMPORT, limit=1000)
        assert [run.number for run in runs] == list(range(450, 0, -1))
        assert arena_sim.stats.by_route[RUNS_ROUTE] == 2
        runs = await arena.list_runs(PAGING_IMPORT, limit=401)
        assert [run.number for run in runs][:2] == [450, 449]
        assert len(runs) == 401
        assert arena_sim.stats.by_route[RUNS_ROUTE] == 4
        runs = await arena.list_runs(PAGING_IMPORT, limit=3)
        assert [run.number for run in runs] == [450, 449, 448]
        assert arena_sim.stats.by_route[RUNS_ROUTE] == 5
        runs = await arena.list_runs(PAGING_IMPORT, number=14)
        assert [run.guid for run in runs] == ["RUNPAGE0000000000014"]


async def test_find_change_is_cached(arena_sim: ArenaSimulator) -> None:
    """The second lookup of a change, found or not, costs no request."""
    async with sim_client(arena_sim) as arena:
        change = await arena.find_change("ECO-002114")
        assert change is not None
        assert change.app_url
        assert await arena.find_change("ECO-002114") == change
        assert await arena.find_change("ECO-999999") is None
        assert await arena.find_change("ECO-999999") is None
        assert arena_sim.stats.by_route["GET /changes"] == 2


async def test_get_import_and_error_content(arena_sim: ArenaSimulator) -> None:
    """The definition is read as a model; errorContent arrives as CSV text."""
    async with sim_client(arena_sim) as arena:
        definition = await arena.get_import(SEED_IMPORT_GUID)
        assert definition.guid == SEED_IMPORT_GUID
        csv_text = await arena.get_error_content(SEED_IMPORT_GUID, SEED_RUN_GUID)
    rows = csv_text.strip().splitlines()
    assert len(rows) == 1 + 19
    assert "Error" in rows[0]


async def test_close_logs_out(arena_sim: ArenaSimulator) -> None:
    """close() sends PUT /logout with the session; the session is gone afterwards."""
    async with sim_client(arena_sim) as arena:
        await arena.login()
        assert arena_sim.token is not None
    assert arena_sim.stats.logouts == 1
    assert arena_sim.token is None
