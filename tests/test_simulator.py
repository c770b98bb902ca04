"""The Arena simulator, driven with a plain httpx client over real sockets."""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import random
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

import httpx
import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from bot.arena.models import ImportDefinition, ImportRun, LoginResult
from bot.demo import seed
from bot.demo.activity import keep_starting_runs, start_run
from bot.demo.sim_support import PACIFIC, arena_reset_format, next_pacific_midnight
from bot.demo.simulator import ArenaSimulator, FakeClock, RunTimeline
from bot.demo.workspace import add_demo_definitions

SPEC = json.loads((Path(__file__).parent / "data" / "arena-openapi-imports.json").read_text())
RUN_SCHEMA_KEYS = set(SPEC["components"]["schemas"]["RunResponseWithGuidVo"]["properties"])
RESET_FORMAT = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2}-(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"-\d{4} \d{2}:\d{2}:\d{2} GMT-0[78]00 \((PDT|PST)\)$"
)
SEED_ITEM_RUNS = [g for g, imp in seed.SEED_RUNS.items() if imp == seed.SEED_IMPORT_GUID]
TIMED_GUID = "T1MED0RUN00000000017"


def assert_schema(instance: object, name: str) -> None:
    """Validate `instance` against an OpenAPI component schema, `$ref`s resolved."""
    schema = {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}
    OAS30Validator(schema, format_checker=oas30_format_checker).validate(instance)


def assert_arena_error(response: httpx.Response, status: int, code: int) -> str:
    """Check Arena's error shape and return the message."""
    assert response.status_code == status
    body = response.json()
    assert_schema(body, "ErrorResponse")
    assert body["status"] == status
    assert [e["code"] for e in body["errors"]] == [code]
    return str(body["errors"][0]["message"])


def credentials(sim: ArenaSimulator, **changes: Any) -> dict[str, Any]:
    """A login body for `sim`, with any field replaced."""
    body: dict[str, Any] = {
        "email": sim.email,
        "password": sim.password,
        "workspaceId": sim.workspace_id,
    }
    return body | changes


async def log_in(client: httpx.AsyncClient, sim: ArenaSimulator) -> str:
    """Log in and return the token."""
    response = await client.post("/login", json=credentials(sim))
    assert response.status_code == 200
    return str(response.json()["arenaSessionId"])


@pytest.fixture
async def client(arena_sim: ArenaSimulator) -> AsyncIterator[httpx.AsyncClient]:
    """A plain client pointed at the simulator, not logged in."""
    async with httpx.AsyncClient(base_url=arena_sim.url, timeout=5) as http:
        yield http


@pytest.fixture
async def api(client: httpx.AsyncClient, arena_sim: ArenaSimulator) -> httpx.AsyncClient:
    """The client, logged in: every request carries the session header."""
    client.headers["arena_session_id"] = await log_in(client, arena_sim)
    return client


# ---- seed ----


def test_seeded_guids_are_arena_guids() -> None:
    """Every seeded GUID is 20 characters of [0-9A-Z], and no two are the same."""
    guids = [
        value
        for name, value in vars(seed).items()
        if name.endswith("_GUID") and isinstance(value, str)
    ]
    assert len(guids) >= 12
    assert all(re.fullmatch(r"[0-9A-Z]{20}", g) for g in guids)
    assert len(set(guids)) == len(guids)


async def test_seed_run_is_the_documented_sample(api: httpx.AsyncClient) -> None:
    """Run #14 answers exactly the fields of Arena's GET Import Run sample."""
    response = await api.get(f"/imports/{seed.SEED_IMPORT_GUID}/runs/{seed.SEED_RUN_GUID}")
    run = response.json()
    assert response.headers["Content-Type"].startswith("application/json")
    assert {k: run[k] for k in ("guid", "number", "status", "commit")} == {
        "guid": "R9TCQNRT4L47Q9VQWUF3",
        "number": 14,
        "status": "COMPLETE",
        "commit": False,
    }
    assert (run["totalCount"], run["successCount"], run["errorCount"]) == (134881, 134862, 19)
    assert run["creator"] == {
        "email": "rjones@arenasolutions.com",
        "fullName": "Roy Arena",
        "guid": "4M6P3046HYFYH0J258QJ",
    }
    assert (run["submitFileType"], run["submitWorksheetName"]) == ("EXCEL_WORKSHEET", "Item Master")
    assert (run["creationDateTime"], run["completionDateTime"]) == (
        "2021-09-15T00:00:00Z",
        "2021-09-16T00:00:00Z",
    )
    assert run["warnings"]["count"] == len(run["warnings"]["results"]) == 12
    assert run["warnings"]["results"][0] == {"code": 331, "message": "Column 'Descrptn' ignored."}
    assert run["options"]["addToChange"] == {"number": "ECO-002114"}
    (change,) = run["changes"]
    assert (change["number"], change["title"], change["guid"]) == (
        "ECO-002114",
        "From an integration!",
        "J1L4IFJLWDWZI0GL6I34",
    )
    assert change["lifecycleStatus"] == {"type": "OPEN_AND_UNLOCKED"}
    assert change["category"]["name"] == "Engineering Change Order"
    assert ImportRun.model_validate(run).change_number == "ECO-002114"


async def test_seeded_runs_tell_their_stories(api: httpx.AsyncClient) -> None:
    """Clean, preview, error, running and many-warnings runs look like their names."""

    async def run(guid: str) -> ImportRun:
        import_guid = seed.SEED_RUNS[guid]
        response = await api.get(f"/imports/{import_guid}/runs/{guid}")
        return ImportRun.model_validate_json(response.content)

    clean = await run(seed.CLEAN_RUN_GUID)
    assert (clean.status, clean.commit, clean.error_count, clean.warnings.count) == (
        "COMPLETE",
        True,
        0,
        0,
    )
    preview = await run(seed.PREVIEW_RUN_GUID)
    assert (preview.is_preview, preview.error_count, preview.warnings.count) == (True, 0, 0)
    assert (await run(seed.ERROR_RUN_GUID)).status == "ERROR"
    running = await run(seed.RUNNING_RUN_GUID)
    assert running.status == "RUNNING"
    assert running.completion_date_time is None
    many = await run(seed.MANY_WARNINGS_RUN_GUID)
    assert many.warnings.count == len(many.warnings.results) == 500
    assert len({w.message for w in many.warnings.results}) == 500
    bom = await run(seed.BOM_FAILED_RUN_GUID)
    assert (bom.error_count, bom.change_number) == (14, "ECO-002131")
    for finished in (clean, preview, many, bom):
        assert finished.duration is not None
        assert finished.duration > timedelta(0)


# ---- login, sessions, logout ----


async def test_login_answers_token_and_workspace(
    client: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """Login gives a token and the workspace; it carries no quota headers and costs nothing."""
    response = await client.post("/login", json=credentials(arena_sim))
    assert response.status_code == 200
    body = response.json()
    assert_schema(body, "LoginSuccess")
    assert body["arenaSessionId"] == arena_sim.token
    assert (body["workspaceId"], body["workspaceRequestLimit"]) == (123456789, 10_000)
    assert response.headers["Server"] == "ArenaSolutions"
    assert "X-Arena-Requests-Remaining" not in response.headers
    assert arena_sim.requests_remaining == 10_000
    assert LoginResult.model_validate(body).session_id == arena_sim.token


async def test_login_without_workspace_and_any_case_email(
    client: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """`workspaceId` is optional; the e-mail is not case-sensitive."""
    body = {"email": arena_sim.email.upper(), "password": arena_sim.password}
    assert (await client.post("/login", json=body)).status_code == 200


async def test_login_field_can_be_the_rd_spelling() -> None:
    """`login_field="arena_session_id"` answers with the RD sample's field name."""
    async with (
        ArenaSimulator(seed=False, login_field="arena_session_id") as sim,
        httpx.AsyncClient(base_url=sim.url) as http,
    ):
        body = (await http.post("/login", json=credentials(sim))).json()
        assert "arenaSessionId" not in body
        assert body["arena_session_id"] == sim.token
        assert LoginResult.model_validate(body).session_id == sim.token


@pytest.mark.parametrize(
    "changes",
    [{"password": "wrong"}, {"email": "someone@else.com"}, {"workspaceId": 987654321}],
)
async def test_wrong_credentials_are_4001(
    client: httpx.AsyncClient, arena_sim: ArenaSimulator, changes: dict[str, Any]
) -> None:
    """Bad e-mail, password or workspace: HTTP 400, code 4001, no session."""
    response = await client.post("/login", json=credentials(arena_sim, **changes))
    message = assert_arena_error(response, 400, 4001)
    assert message.startswith("The username, password or workspace ID is not valid")
    assert arena_sim.token is None
    assert arena_sim.stats.logins == 0


async def test_login_body_must_be_json(client: httpx.AsyncClient) -> None:
    """A body that is not JSON is a 400 bad request format."""
    response = await client.post("/login", content=b"email=x")
    assert_arena_error(response, 400, 400)


async def test_requests_need_the_session_header(
    client: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """No token or a wrong token: 401 with Arena's message, quota headers still sent."""
    path = f"/imports/{seed.SEED_IMPORT_GUID}"
    for headers in ({}, {"arena_session_id": "SIM-NOT-A-TOKEN"}):
        response = await client.get(path, headers=headers)
        message = assert_arena_error(response, 401, 401)
        assert message == (
            "There is no access token associated with this request or the access token is "
            "not valid."
        )
        assert "X-Arena-Requests-Remaining" in response.headers
    await log_in(client, arena_sim)
    assert (await client.get(path)).status_code == 401, "the token must be sent"
    assert (await client.get(path, headers={"arena_session_id": arena_sim.token or ""})).is_success


async def test_second_login_cancels_the_first(
    client: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """Like Arena, logging in again as the same user invalidates the earlier token."""
    first = await log_in(client, arena_sim)
    second = await log_in(client, arena_sim)
    assert first != second
    path = f"/imports/{seed.SEED_IMPORT_GUID}"
    assert (await client.get(path, headers={"arena_session_id": first})).status_code == 401
    assert (await client.get(path, headers={"arena_session_id": second})).status_code == 200
    assert arena_sim.stats.logins == 2


async def test_expire_sessions_and_idle_timeout(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """`expire_sessions()` drops the token; so do 90 idle minutes, as in Arena."""
    path = f"/imports/{seed.SEED_IMPORT_GUID}"
    arena_sim.expire_sessions()
    assert (await api.get(path)).status_code == 401
    api.headers["arena_session_id"] = await log_in(api, arena_sim)
    fake_clock.advance(89 * 60)
    assert (await api.get(path)).status_code == 200, "activity restarts the idle timer"
    fake_clock.advance(89 * 60)
    assert (await api.get(path)).status_code == 200
    fake_clock.advance(91 * 60)
    assert_arena_error(await api.get(path), 401, 401)
    assert arena_sim.token is None


async def test_logout_ends_the_session(api: httpx.AsyncClient, arena_sim: ArenaSimulator) -> None:
    """PUT /logout: 200 with no body, then the token is refused; a second logout is 401."""
    response = await api.put("/logout")
    assert (response.status_code, response.content) == (200, b"")
    assert arena_sim.token is None
    assert arena_sim.stats.logouts == 1
    assert_arena_error(await api.put("/logout"), 401, 401)
    assert arena_sim.stats.logouts == 1


# ---- quota ----


def test_reset_format_matches_arenas_example() -> None:
    """The documented header example, reproduced from the same instant."""
    moment = datetime(2014, 5, 2, 21, 22, 13, tzinfo=UTC)
    assert arena_reset_format(moment) == "Fri, 02-May-2014 14:22:13 GMT-0700 (PDT)"
    assert arena_reset_format(datetime(2024, 1, 9, 8, tzinfo=UTC)) == (
        "Tue, 09-Jan-2024 00:00:00 GMT-0800 (PST)"
    )


def test_next_pacific_midnight_handles_daylight_saving() -> None:
    """Reset moves to the next midnight in Los Angeles, whatever the UTC offset."""
    summer = next_pacific_midnight(datetime(2024, 7, 1, 12, tzinfo=UTC))
    winter = next_pacific_midnight(datetime(2024, 12, 1, 12, tzinfo=UTC))
    assert (summer.hour, winter.hour) == (7, 8)
    for reset in (summer, winter):
        assert reset.astimezone(PACIFIC).time().isoformat() == "00:00:00"


async def test_quota_headers_decrement_on_every_request(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """Each non-login request takes one, failed ones too; reset is the next Pacific midnight."""
    seen = []
    for path in (
        f"/imports/{seed.SEED_IMPORT_GUID}",
        "/imports/not-a-guid",
        f"/imports/{seed.SEED_IMPORT_GUID}/runs",
        "/no/such/route",
    ):
        response = await api.get(path)
        assert response.headers["Server"] == "ArenaSolutions"
        seen.append(int(response.headers["X-Arena-Requests-Remaining"]))
        reset = response.headers["X-Arena-Next-Request-Limit-Reset"]
        assert RESET_FORMAT.match(reset), reset
        assert reset == arena_reset_format(next_pacific_midnight(fake_clock()))
    assert seen == [9999, 9998, 9997, 9996]
    await log_in(api, arena_sim)
    assert arena_sim.requests_remaining == 9996, "login is free"


async def test_spent_quota_is_429_until_the_reset(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """At zero: 429/4084 naming the limit and the reset; after the reset, a full quota."""
    path = f"/imports/{seed.SEED_IMPORT_GUID}"
    arena_sim.set_quota(1)
    first = await api.get(path)
    assert (first.status_code, first.headers["X-Arena-Requests-Remaining"]) == (200, "0")
    refused = await api.get(path)
    message = assert_arena_error(refused, 429, 4084)
    reset_text = refused.headers["X-Arena-Next-Request-Limit-Reset"]
    assert refused.headers["X-Arena-Requests-Remaining"] == "0"
    assert message == (
        'You have exceeded your maximum of "10000" requests during the last 24 hours. '
        f'Additional requests can be made at "{reset_text}".'
    )
    reset_at = arena_sim.quota.reset_at
    fake_clock.advance((reset_at - fake_clock()).total_seconds() - 1)
    # Hours have passed, so the session has idled out; logging in is free and still works.
    api.headers["arena_session_id"] = await log_in(api, arena_sim)
    assert (await api.get(path)).status_code == 429
    fake_clock.advance(2)
    refilled = await api.get(path)
    assert refilled.status_code == 200
    assert refilled.headers["X-Arena-Requests-Remaining"] == "9999"
    assert arena_sim.quota.reset_at == next_pacific_midnight(reset_at)


async def test_set_quota_with_reset_time(api: httpx.AsyncClient, arena_sim: ArenaSimulator) -> None:
    """`set_quota(n, reset_at)` shows in the headers, written in Pacific time."""
    reset = datetime(2031, 1, 2, 8, 0, tzinfo=UTC)
    arena_sim.set_quota(42, reset)
    response = await api.get(f"/imports/{seed.SEED_IMPORT_GUID}")
    assert response.headers["X-Arena-Requests-Remaining"] == "41"
    assert response.headers["X-Arena-Next-Request-Limit-Reset"] == (
        "Thu, 02-Jan-2031 00:00:00 GMT-0800 (PST)"
    )


async def test_fail_next_answers_errors_then_recovers(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """`fail_next(2)`: two 503s with Arena's body (charged to the quota), then normal answers."""
    path = f"/imports/{seed.SEED_IMPORT_GUID}"
    arena_sim.fail_next(2)
    assert await log_in(api, arena_sim), "login is not affected"
    api.headers["arena_session_id"] = arena_sim.token or ""
    for _ in range(2):
        message = assert_arena_error(await api.get(path), 503, 503)
        assert message == "The service is currently unavailable."
    ok = await api.get(path)
    assert ok.status_code == 200
    assert ok.headers["X-Arena-Requests-Remaining"] == "9997"
    arena_sim.fail_next(1, status=500)
    assert_arena_error(await api.get(path), 500, 3000)
    arena_sim.fail_next(5)
    arena_sim.fail_next(0)
    assert (await api.get(path)).status_code == 200, "fail_next(0) cancels what is pending"


# ---- GUIDs and routes ----


async def test_malformed_guids_are_3011(api: httpx.AsyncClient) -> None:
    """A GUID segment that is not 20 of [0-9A-Z] is 400/3011 quoting the GUID."""
    bad_import = "L3N6PX663K3K3HOBOOT0 "
    response = await api.get(f"/imports/{bad_import}")
    assert assert_arena_error(response, 400, 3011) == f'The guid "{bad_import}" is not valid.'
    lower = seed.SEED_RUN_GUID.lower()
    response = await api.get(f"/imports/{seed.SEED_IMPORT_GUID}/runs/{lower}")
    assert assert_arena_error(response, 400, 3011) == f'The guid "{lower}" is not valid.'
    response = await api.get(f"/imports/{seed.SEED_IMPORT_GUID[:-1]}/runs")
    assert_arena_error(response, 400, 3011)


async def test_unknown_objects_are_400_3012(api: httpx.AsyncClient) -> None:
    """Well-formed but unknown GUIDs: HTTP 400 (not 404) with code 3012."""
    missing = "ZZZZZZZZZZZZZZZZZZZZ"
    for path in (
        f"/imports/{missing}",
        f"/imports/{missing}/runs",
        f"/imports/{seed.SEED_IMPORT_GUID}/runs/{missing}",
        f"/imports/{seed.SEED_IMPORT_GUID}/runs/{missing}/errorContent",
        f"/imports/{seed.BOM_IMPORT_GUID}/runs/{seed.SEED_RUN_GUID}",
    ):
        message = assert_arena_error(await api.get(path), 400, 3012)
        assert message.startswith('The requested object with guid "')


async def test_unknown_routes_are_404(api: httpx.AsyncClient) -> None:
    """Paths Arena does not have: 404, code 404, "No resource has been found."."""
    for method, path in (("GET", "/items"), ("POST", "/imports"), ("GET", "/v2/imports")):
        response = await api.request(method, path)
        assert assert_arena_error(response, 404, 404) == "No resource has been found."


# ---- definitions, runs list, changes ----


async def test_import_definitions(api: httpx.AsyncClient) -> None:
    """One definition by GUID; the search filters by name and resource."""
    item = (await api.get(f"/imports/{seed.SEED_IMPORT_GUID}")).json()
    definition = ImportDefinition.model_validate(item)
    assert (definition.name, definition.resource, definition.mode, definition.number) == (
        "Item Master load",
        "ITEM_SPECS",
        "CREATE",
        3,
    )
    everything = (await api.get("/imports")).json()
    assert [d["guid"] for d in everything["results"]] == [
        seed.SEED_IMPORT_GUID,
        seed.BOM_IMPORT_GUID,
    ]
    boms = (await api.get("/imports", params={"resource": "ITEM_BOM"})).json()
    assert [d["name"] for d in boms["results"]] == ["BOM load"]
    named = (await api.get("/imports", params={"name": "item*"})).json()
    assert named["count"] == 1


async def test_runs_list_is_newest_first_and_paged(api: httpx.AsyncClient) -> None:
    """Default page of 20, `count` = items in the page, offset/limit, newest first."""
    path = f"/imports/{seed.SEED_IMPORT_GUID}/runs"
    page = (await api.get(path)).json()
    numbers = [r["number"] for r in page["results"]]
    assert numbers == [16, 15, 14, 13, 12, 11, 10]
    assert page["count"] == 7
    assert page["results"][0]["guid"] == seed.RUNNING_RUN_GUID
    page = (await api.get(path, params={"offset": 1, "limit": 2})).json()
    assert ([r["number"] for r in page["results"]], page["count"]) == ([15, 14], 2)
    page = (await api.get(path, params={"offset": 7})).json()
    assert page == {"count": 0, "results": []}


async def test_runs_list_filters(api: httpx.AsyncClient) -> None:
    """`number` and `status` narrow the list; the status is the one computed now."""
    path = f"/imports/{seed.SEED_IMPORT_GUID}/runs"
    by_number = (await api.get(path, params={"number": "14"})).json()
    assert [r["guid"] for r in by_number["results"]] == [seed.SEED_RUN_GUID]
    errored = (await api.get(path, params={"status": "ERROR"})).json()
    assert [r["guid"] for r in errored["results"]] == [seed.ERROR_RUN_GUID]
    running = (await api.get(path, params={"status": "RUNNING"})).json()
    assert [r["guid"] for r in running["results"]] == [seed.RUNNING_RUN_GUID]
    by_creator = (await api.get(path, params={"creator.fullName": "Roy Arena"})).json()
    assert [r["number"] for r in by_creator["results"]] == [14]
    assert (await api.get(path, params={"number": "99"})).json()["count"] == 0


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 401}, {"offset": -1}, {"limit": "ten"}])
async def test_bad_paging_is_3220(api: httpx.AsyncClient, params: dict[str, Any]) -> None:
    """Limit outside 1-400 or a negative offset: 400/3220 with Arena's message."""
    response = await api.get(f"/imports/{seed.SEED_IMPORT_GUID}/runs", params=params)
    message = assert_arena_error(response, 400, 3220)
    assert message == "Limit must be 1-400, offset must equal or bigger than 0."


async def test_limit_400_is_allowed(api: httpx.AsyncClient) -> None:
    """400 is the largest page Arena serves."""
    response = await api.get("/imports", params={"limit": 400})
    assert response.status_code == 200


async def test_changes_by_number_carry_the_app_url(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """`GET /changes?number=` finds the ECO with `url.app` on the web app; unknown is empty."""
    found = (await api.get("/changes", params={"number": "ECO-002114"})).json()
    assert found["count"] == 1
    (change,) = found["results"]
    assert change["guid"] == seed.SEED_CHANGE_GUID
    assert change["url"]["app"] == f"https://app.bom.com/{seed.SEED_CHANGE_GUID}"
    assert change["url"]["api"] == f"{arena_sim.url}/changes/{seed.SEED_CHANGE_GUID}"
    assert "effectiveDateTime" not in change, "nulls are left out"
    assert (await api.get("/changes", params={"number": "ECO-999999"})).json() == {
        "count": 0,
        "results": [],
    }
    prefix = (await api.get("/changes", params={"number": "ECO-0021*"})).json()
    assert prefix["count"] == 2


async def test_added_change_keeps_its_own_url(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """`add_change()` with a `url.app` is served as given."""
    arena_sim.add_change(
        {
            "guid": "J1L4IFJLWDZZZZZZZZZZ",
            "number": "ECO-003000",
            "title": "Added by a test",
            "url": {"app": "https://app.europe.arenaplm.com/J1L4IFJLWDZZZZZZZZZZ"},
        }
    )
    found = (await api.get("/changes", params={"number": "ECO-003000"})).json()
    assert found["results"][0]["url"]["app"] == (
        "https://app.europe.arenaplm.com/J1L4IFJLWDZZZZZZZZZZ"
    )


# ---- timelines ----


async def test_timeline_moves_created_running_complete(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """CREATED, then RUNNING with counts growing in proportion, then COMPLETE with a finish."""
    start = fake_clock()
    arena_sim.add_run(
        seed.SEED_IMPORT_GUID,
        {
            "guid": TIMED_GUID,
            "commit": True,
            "totalCount": 1000,
            "successCount": 900,
            "errorCount": 100,
            "warnings": {
                "count": 4,
                "results": [{"code": 331, "message": f"w{i}"} for i in range(4)],
            },
        },
        timeline=RunTimeline(running_after=2.0, finished_after=12.0),
    )
    path = f"/imports/{seed.SEED_IMPORT_GUID}/runs/{TIMED_GUID}"

    async def get() -> dict[str, Any]:
        body: dict[str, Any] = (await api.get(path)).json()
        assert_schema(body, "RunResponseWithGuidVo")
        return body

    created = await get()
    assert (created["status"], created["number"], created["totalCount"]) == ("CREATED", 17, 0)
    assert created["creationDateTime"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "completionDateTime" not in created
    fake_clock.advance(7)
    halfway = await get()
    assert halfway["status"] == "RUNNING"
    assert (halfway["successCount"], halfway["errorCount"], halfway["totalCount"]) == (
        450,
        50,
        500,
    )
    assert halfway["warnings"]["count"] == len(halfway["warnings"]["results"]) == 2
    assert "completionDateTime" not in halfway
    fake_clock.advance(5)
    done = await get()
    assert (done["status"], done["totalCount"], done["errorCount"]) == ("COMPLETE", 1000, 100)
    assert done["completionDateTime"] == (start + timedelta(seconds=12)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    assert done["warnings"]["count"] == 4


async def test_timeline_can_end_in_error(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator, fake_clock: FakeClock
) -> None:
    """`final_status="ERROR"` and an explicit start in the past."""
    arena_sim.add_run(
        seed.BOM_IMPORT_GUID,
        {"guid": TIMED_GUID, "number": 3, "totalCount": 10, "errorCount": 10},
        timeline=RunTimeline(fake_clock() - timedelta(seconds=30), 1.0, 31.0, "ERROR"),
    )
    path = f"/imports/{seed.BOM_IMPORT_GUID}/runs/{TIMED_GUID}"
    assert (await api.get(path)).json()["status"] == "RUNNING"
    arena_sim.advance(1)
    assert (await api.get(path)).json()["status"] == "ERROR"


async def test_seeded_running_run_finishes_after_a_minute(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """The newest seeded run is RUNNING, and COMPLETE 60 simulated seconds later."""
    path = f"/imports/{seed.SEED_IMPORT_GUID}/runs/{seed.RUNNING_RUN_GUID}"
    running = ImportRun.model_validate_json((await api.get(path)).content)
    assert running.is_running
    assert 0 < running.success_count < 41_990
    arena_sim.advance(seed.RUNNING_RUN_FINISHES_AFTER - 1)
    assert (await api.get(path)).json()["status"] == "RUNNING"
    arena_sim.advance(1)
    done = ImportRun.model_validate_json((await api.get(path)).content)
    assert (done.status, done.total_count, done.error_count) == ("COMPLETE", 42_000, 10)
    assert done.completion_date_time is not None


async def test_advance_without_a_fake_clock_shifts_time() -> None:
    """`advance()` works on the wall clock too, by an offset."""
    sim = ArenaSimulator(seed=False)
    before = sim.now()
    sim.advance(3600)
    assert sim.now() - before >= timedelta(hours=1)


# ---- errorContent ----


async def test_error_content_is_csv_of_failed_rows(api: httpx.AsyncClient) -> None:
    """One CSV row per failed row, with Arena's error texts; a clean run has only the header."""
    path = f"/imports/{seed.SEED_IMPORT_GUID}/runs/{seed.SEED_RUN_GUID}/errorContent"
    response = await api.get(path)
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 19
    assert list(rows[0]) == ["Row", "Status", "Error Code", "Error Message", "Number", "Name"]
    assert all(r["Status"] == "ERROR" and r["Error Message"] and r["Name"] for r in rows)
    row_numbers = [int(r["Row"]) for r in rows]
    assert row_numbers == sorted(row_numbers)
    assert min(row_numbers) >= 2
    assert (await api.get(path)).text == response.text, "the same rows every time"
    clean = await api.get(
        f"/imports/{seed.SEED_IMPORT_GUID}/runs/{seed.CLEAN_RUN_GUID}/errorContent"
    )
    assert clean.text == "Row,Status,Error Code,Error Message,Number,Name\r\n"
    bom = await api.get(
        f"/imports/{seed.BOM_IMPORT_GUID}/runs/{seed.BOM_FAILED_RUN_GUID}/errorContent"
    )
    bom_rows = list(csv.DictReader(io.StringIO(bom.text)))
    assert len(bom_rows) == 14
    assert {r["Error Code"] for r in bom_rows} <= {"3035", "3036", "3037"}


async def test_set_error_content_overrides(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """A test can supply its own CSV."""
    text = "Row,Status,Error Code,Error Message\r\n7,ERROR,3001,x\r\n"
    arena_sim.set_error_content(seed.SEED_IMPORT_GUID, seed.SEED_RUN_GUID, text)
    path = f"/imports/{seed.SEED_IMPORT_GUID}/runs/{seed.SEED_RUN_GUID}/errorContent"
    assert (await api.get(path)).text == text


# ---- OpenAPI ----


async def test_responses_validate_against_arenas_openapi(
    client: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """Every seeded run, the lists, login, changes, definitions and errors fit Arena's schemas."""
    login = await client.post("/login", json=credentials(arena_sim))
    assert_schema(login.json(), "LoginSuccess")
    api = client
    api.headers["arena_session_id"] = login.json()["arenaSessionId"]
    for run_guid, import_guid in seed.SEED_RUNS.items():
        run = (await api.get(f"/imports/{import_guid}/runs/{run_guid}")).json()
        assert_schema(run, "RunResponseWithGuidVo")
        assert set(run) - RUN_SCHEMA_KEYS <= {"options", "changes"}, run_guid
        ImportRun.model_validate(run)
    for import_guid in (seed.SEED_IMPORT_GUID, seed.BOM_IMPORT_GUID):
        runs = (await api.get(f"/imports/{import_guid}/runs", params={"limit": 400})).json()
        assert_schema(runs, "RunStatusResponseResultRep")
        definition = (await api.get(f"/imports/{import_guid}")).json()
        assert_schema(definition, "DefinitionResponseWithGuidVo")
    assert_schema((await api.get("/imports")).json(), "DefinitionResponseResultRep")
    assert_schema((await api.get("/changes")).json(), "ChangCompactVoResultRep")
    errors = [
        await api.post("/login", json=credentials(arena_sim, password="x")),
        await api.get(f"/imports/{seed.SEED_IMPORT_GUID}", headers={"arena_session_id": "x"}),
        await api.get("/imports/bad"),
        await api.get("/imports/ZZZZZZZZZZZZZZZZZZZZ"),
        await api.get("/imports", params={"limit": 0}),
        await api.get("/nowhere"),
    ]
    arena_sim.set_quota(0)
    errors.append(await api.get("/imports"))
    assert [e.status_code for e in errors] == [400, 401, 400, 400, 400, 404, 429]
    for error in errors:
        assert_schema(error.json(), "ErrorResponse")


def test_schema_check_is_not_vacuous() -> None:
    """The validator does reject a run that breaks the schema."""
    with pytest.raises(Exception, match="is not one of"):
        assert_schema({"status": "FINISHED"}, "RunResponseWithGuidVo")
    with pytest.raises(Exception, match="is not of type"):
        assert_schema({"totalCount": "12"}, "RunResponseWithGuidVo")


# ---- stats and latency ----


async def test_stats_count_logins_requests_and_routes(
    client: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """Login is counted apart; every other request, failed or not, counts once."""
    arena_sim.reset_stats()
    await log_in(client, arena_sim)
    client.headers["arena_session_id"] = arena_sim.token or ""
    await client.get(f"/imports/{seed.SEED_IMPORT_GUID}/runs/{seed.SEED_RUN_GUID}")
    await client.get(f"/imports/{seed.SEED_IMPORT_GUID}/runs/{seed.CLEAN_RUN_GUID}")
    await client.get(f"/imports/{seed.SEED_IMPORT_GUID}/runs")
    await client.get("/imports/bad/runs")
    await client.get("/nope")
    await client.put("/logout")
    stats = arena_sim.stats
    assert (stats.logins, stats.logouts, stats.requests) == (1, 1, 6)
    assert stats.by_route == {
        "POST /login": 1,
        "GET /imports/{g}/runs/{g}": 2,
        "GET /imports/{g}/runs": 2,
        "GET /nope": 1,
        "PUT /logout": 1,
    }
    arena_sim.reset_stats()
    assert (arena_sim.stats.requests, arena_sim.stats.by_route) == (0, {})


async def test_latency_delays_every_answer(
    api: httpx.AsyncClient, arena_sim: ArenaSimulator
) -> None:
    """`latency` is added to each response and can change at any time."""
    arena_sim.latency = 0.2
    started = time.perf_counter()
    await api.get(f"/imports/{seed.SEED_IMPORT_GUID}")
    assert time.perf_counter() - started >= 0.2
    arena_sim.latency = 0.0
    started = time.perf_counter()
    await api.get(f"/imports/{seed.SEED_IMPORT_GUID}")
    assert time.perf_counter() - started < 0.2


async def test_add_run_needs_a_known_import_and_guid(arena_sim: ArenaSimulator) -> None:
    """Programming mistakes in tests fail loudly."""
    with pytest.raises(KeyError):
        arena_sim.add_run("ZZZZZZZZZZZZZZZZZZZZ", {"guid": TIMED_GUID})
    with pytest.raises(ValueError, match="20 characters"):
        arena_sim.add_run(seed.SEED_IMPORT_GUID, {"guid": "short"})


async def test_two_simulators_run_side_by_side() -> None:
    """Each instance has its own port and state."""
    async with ArenaSimulator(seed=False) as one, ArenaSimulator() as two:
        assert one.url != two.url
        async with httpx.AsyncClient() as http:
            token = (await http.post(f"{two.url}/login", json=credentials(two))).json()
            headers = {"arena_session_id": token["arenaSessionId"]}
            assert (await http.get(f"{two.url}/imports", headers=headers)).json()["count"] == 2
            assert (await http.get(f"{one.url}/imports", headers=headers)).status_code == 401


@contextlib.contextmanager
def standalone(module: str) -> Iterator[TextIO]:
    """`python -m MODULE --port 0` running, and its standard output; stopped at the end."""
    with subprocess.Popen(
        [sys.executable, "-m", module, "--port", "0"], stdout=subprocess.PIPE, text=True
    ) as process:
        assert process.stdout is not None
        try:
            yield process.stdout
        finally:
            process.terminate()
            process.wait(timeout=10)


def test_main_runs_standalone() -> None:
    """`python -m bot.demo.simulator --port 0` prints the base URL and the credentials."""
    with standalone("bot.demo.simulator") as out:
        lines = [out.readline() for _ in range(6)]
    url = lines[0].rsplit(" ", 1)[-1].strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/v1", url)
    assert "ARENA_EMAIL=integration@example.com" in "".join(lines)
    assert "ARENA_PASSWORD=demo-password" in "".join(lines)


def test_the_slack_stub_runs_standalone() -> None:
    """`python -m bot.demo.slack_stub --port 0` prints its URL and the token it accepts."""
    with standalone("bot.demo.slack_stub") as out:
        lines = [out.readline() for _ in range(3)]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/", lines[0].rsplit(" ", 1)[-1].strip())
    assert "SLACK_BOT_TOKEN=xoxb-local-stub" in "".join(lines)


def test_the_standalone_slack_stub_prints_a_refused_call_as_refused() -> None:
    """A call with a wrong token is printed with Slack's error, not like a post that was made."""
    with standalone("bot.demo.slack_stub") as out:
        lines = [out.readline() for _ in range(5)]
        url = lines[0].rsplit(" ", 1)[-1].strip()
        for token in ("xoxb-wrong", "xoxb-local-stub"):
            httpx.post(
                f"{url}chat.postMessage",
                json={"channel": "C0DEMOCHAN", "text": "hello"},
                headers={"Authorization": f"Bearer {token}"},
            )
        printed = [out.readline().rstrip("\n") for _ in range(2)]
    assert printed == [
        "chat.postMessage C0DEMOCHAN hello → refused: invalid_auth",
        "chat.postMessage C0DEMOCHAN hello",
    ]


async def test_the_demo_workspace_keeps_starting_runs(fake_clock: FakeClock) -> None:
    """A new run every so often, RUNNING at first and finished within a minute."""
    simulator = ArenaSimulator(clock=fake_clock)
    add_demo_definitions(simulator)
    before = {d["guid"]: len(simulator.runs(d["guid"])) for d in simulator.definitions()}
    import_guid, run_guid = start_run(simulator, random.Random(7))
    fake_clock.advance(1.5)
    assert simulator.run(import_guid, run_guid)["status"] == "RUNNING"
    fake_clock.advance(60)
    assert simulator.run(import_guid, run_guid)["status"] in {"COMPLETE", "ERROR"}
    task = asyncio.create_task(keep_starting_runs(simulator, every=(0.01, 0.02), seed=1))
    await asyncio.sleep(0.2)
    task.cancel()
    after = sum(len(simulator.runs(d["guid"])) for d in simulator.definitions())
    assert after >= sum(before.values()) + 3
