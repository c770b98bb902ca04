"""Safe at the edge: forged, odd and replayed requests against a running `serve` over HTTP."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import pytest_asyncio
from bot_world import World, everything, running_world
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.demo.seed import SEED_IMPORT_GUID, SEED_RUN_GUID
from bot.demo.slack_stub import TEAM_ID
from support import SIGNING_SECRET

pytestmark = pytest.mark.asyncio(loop_scope="module")

MARKER = "BODY-MARKER-7f3a"  # text that must never reach the bot's log
RUN_ROUTE = "GET /imports/{g}/runs/{g}"


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    """One `serve` with default settings for the module."""
    async with running_world(tmp_path_factory.mktemp("edge")) as started:
        yield started


def sign(body: bytes, timestamp: str) -> str:
    """Slack's v0 signature of `body` at `timestamp`."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()


async def post_raw(
    world: World,
    body: bytes,
    *,
    timestamp: str | None = None,
    signature: str | None = None,
    content_type: str = "application/x-www-form-urlencoded",
) -> httpx.Response:
    """POST `body` to /slack/events, signed properly unless told otherwise."""
    ts = str(int(time.time())) if timestamp is None else timestamp
    headers = {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(body, ts) if signature is None else signature,
        "Content-Type": content_type,
    }
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.post(f"{world.bot.base}/slack/events", content=body, headers=headers)


def command_body(world: World, text: str, key: str, **fields: str) -> bytes:
    """A `/importrun text` form whose response_url is the stub's `key`."""
    form = {
        "command": "/importrun",
        "text": text,
        "team_id": TEAM_ID,
        "channel_id": "C0DEMOCHAN",
        "user_id": "U0PERSON01",
        "response_url": world.slack.response_url(key),
        "trigger_id": "trig.1",
        **fields,
    }
    return urlencode(form).encode()


def posts_to(world: World, key: str) -> list[Any]:
    """What the bot posted to the stub's response_url `key`."""
    return [c for c in world.slack.calls_to("response_url") if c.body.get("_key") == key]


async def settle(world: World, key: str) -> None:
    """Send a good command and wait for its answer: work the bot started before is done."""
    response = await post_raw(world, command_body(world, "help", key))
    assert response.status_code == 200, world.bot.output()
    await world.slack.response(key)


@pytest.mark.parametrize("timestamp", ["abc", "", "1e3", "1.5", "0x10", "-5"])
async def test_a_malformed_timestamp_is_401_and_posts_nowhere(world: World, timestamp: str) -> None:
    """Item 1: an unsigned request with an odd timestamp never makes the bot POST anywhere."""
    key = f"forged-{timestamp.strip() or 'empty'}"
    before = world.route(RUN_ROUTE)
    body = command_body(world, f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", key)
    response = await post_raw(world, body, timestamp=timestamp, signature="v0=" + "1" * 64)
    assert response.status_code == 401
    await settle(world, f"after-{key}")
    assert posts_to(world, key) == []
    assert world.route(RUN_ROUTE) == before
    assert "Traceback" not in world.bot.output()


async def test_refusals_log_one_line_without_the_body(world: World) -> None:
    """Items 1 and 5: 20 unsigned 1 MB bodies add a few lines to the log, none of the body."""
    before = len(world.bot.output())
    big = (MARKER * (1_000_000 // len(MARKER))).encode()
    for i in range(10):
        forged = "v0=" + "2" * 64 if i % 2 else "not-a-signature"
        assert (await post_raw(world, big, signature=forged)).status_code == 401
    for _ in range(10):
        assert (await post_raw(world, big, timestamp="abc")).status_code == 401
    await settle(world, "after-flood")
    added = world.bot.output()[before:]
    assert MARKER not in added
    assert len(added) < 10_000
    assert added.count("Refused a request") <= 20


@pytest.mark.parametrize(
    "payload",
    [
        "not-json",
        "[]",
        "null",
        "7",
        '"text"',
        '{"type": "block_actions"}',
        '{"type": "block_actions", "user": {"id": "U0PERSON01"}, "actions": []}',
        '{"type": "block_actions", "user": "U0PERSON01", "actions": [{"action_id": "x"}]}',
        '{"type": "message_action", "user": {"id": "U1"}, "callback_id": "show_import_run"}',
        '{"type": "view_submission", "user": {"id": "U1"}, "view": {}}',
        '{"type": "block_actions", "user": {"id": "U1"}, "team": 5, '
        '"actions": [{"action_id": "run_refresh"}]}',
    ],
)
async def test_malformed_signed_payloads_are_400(world: World, payload: str) -> None:
    """Item 6: a signed but malformed payload is a 400 at once: no traceback, no listener."""
    before = len(world.slack.calls_to("response_url"))
    response = await post_raw(world, urlencode({"payload": payload}).encode())
    assert response.status_code == 400
    await settle(world, f"after-payload-{abs(hash(payload))}")
    assert len(world.slack.calls_to("response_url")) == before + 1  # the settling answer only
    assert "Traceback" not in world.bot.output()


async def test_binary_and_odd_forms_are_400(world: World) -> None:
    """Item 6: bytes that are not UTF-8, a form with no command, a command with no user."""
    for body in (b"\xff\xfe\x00payload", b"hello=world", b"command=%2Fimportrun&text=help"):
        assert (await post_raw(world, body)).status_code == 400
    assert "Traceback" not in world.bot.output()


def _payloads() -> st.SearchStrategy[dict[str, Any]]:
    """Interaction payloads of every type, with fields of any JSON type or missing."""
    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
        max_leaves=6,
    )
    user = st.fixed_dictionaries({"id": st.just("U0PERSON01")}) | json_values
    action = st.fixed_dictionaries(
        {},
        optional={
            "action_id": st.sampled_from(["run_refresh", "run_share", "run_watch"]) | json_values,
            "value": st.just(f"{SEED_IMPORT_GUID}/{SEED_RUN_GUID}") | json_values,
        },
    )
    return st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["block_actions", "message_action", "view_submission", "shortcut", "other"]
            )
        },
        optional={
            "user": user,
            "actions": st.lists(action, max_size=2) | json_values,
            "team": st.just({"id": TEAM_ID}) | json_values,
            "channel": st.just({"id": "C0DEMOCHAN"}) | json_values,
            "callback_id": st.just("show_import_run") | json_values,
            "trigger_id": st.just("trig.1") | json_values,
            "message": st.just({"text": "hi", "ts": "1.2"}) | json_values,
            "view": json_values,
            "container": json_values,
        },
    )


async def test_any_payload_shape_gets_an_answer_never_a_crash(world: World) -> None:
    """Item 6, by hypothesis: 150 payload shapes, signed: 200, 400 or 404, never a 500."""
    shapes: list[dict[str, Any]] = []

    @settings(
        max_examples=150,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(_payloads())
    def collect(payload: dict[str, Any]) -> None:
        shapes.append(payload)

    collect()
    for payload in shapes:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        response = await post_raw(world, body)
        assert response.status_code in (200, 400, 404), payload
    await settle(world, "after-shapes")
    assert "Traceback" not in world.bot.output()


async def test_a_replay_does_no_second_piece_of_work(world: World) -> None:
    """Item 9: the same signed request twice within 5 minutes is answered once."""
    body = command_body(world, f"{SEED_IMPORT_GUID} {SEED_RUN_GUID}", "replayed")
    timestamp = str(int(time.time()))
    first = await post_raw(world, body, timestamp=timestamp)
    second = await post_raw(world, body, timestamp=timestamp)
    assert (first.status_code, second.status_code) == (200, 200)
    await world.slack.response("replayed")
    await settle(world, "after-replay")
    # One answer: its card, then that card again with its change link (replace_original).
    firsts = [c for c in posts_to(world, "replayed") if not c.body.get("replace_original")]
    assert len(firsts) == 1
    assert "replayed request" in world.bot.output()


async def test_a_refusing_response_url_is_logged_with_its_status(world: World) -> None:
    """Item 9: a response_url answering 404 loses the answer, but the log says so."""
    form = urlencode(
        {
            "command": "/importrun",
            "text": "help",
            "team_id": TEAM_ID,
            "channel_id": "C0DEMOCHAN",
            "user_id": "U0PERSON01",
            "response_url": f"{world.slack.root}/gone/404",
        }
    ).encode()
    assert (await post_raw(world, form)).status_code == 200
    await settle(world, "after-404")
    await world.slack.wait_until(lambda: "refused a reply: HTTP 404" in world.bot.output(), 5)


def odd_run(guid: str, **fields: Any) -> dict[str, Any]:
    """A finished run with every usual field, then `fields` in Arena's odd shapes."""
    run: dict[str, Any] = {
        "guid": guid,
        "number": 90 + len(guid) % 7,
        "status": "COMPLETE",
        "commit": True,
        "totalCount": 10,
        "successCount": 9,
        "errorCount": 1,
        "creator": {"fullName": "Dana Reyes"},
        "submitWorksheetName": "Parts",
        "creationDateTime": "2026-03-02T08:00:00Z",
        "completionDateTime": "2026-03-02T08:05:00Z",
        "warnings": {"count": 1, "results": [{"code": 331, "message": "Column ignored."}]},
    }
    run.update(fields)
    return run


ODD_FIELDS: list[tuple[str, dict[str, Any], str]] = [
    ("worksheet", {"submitWorksheetName": 123}, "Dana Reyes"),
    ("creator", {"creator": "dana"}, "Parts"),
    ("total-text", {"totalCount": "1,204"}, "unknown"),
    ("total-null", {"totalCount": None}, "unknown"),
    ("warnings-null", {"warnings": None}, "Dana Reyes"),
    (
        "message-null",
        {"warnings": {"count": 1, "results": [{"code": 331, "message": None}]}},
        "331",
    ),
    (
        "code-text",
        {"warnings": {"count": 1, "results": [{"code": "W331", "message": "Descrptn ignored"}]}},
        "Descrptn ignored",
    ),
    ("date", {"creationDateTime": "yesterday-ish"}, "Dana Reyes"),
    ("changes", {"changes": {}}, "Dana Reyes"),
    ("options", {"options": []}, "Dana Reyes"),
]


@pytest.mark.parametrize(("name", "fields", "shown"), ODD_FIELDS)
async def test_one_odd_field_costs_only_that_field(
    world: World, name: str, fields: dict[str, Any], shown: str
) -> None:
    """Item 7: an odd field of Arena's answer is left out or unknown; the card still comes."""
    guid = ("ODD" + name.upper().replace("-", "") + "0" * 20)[:20]
    world.arena.add_run(SEED_IMPORT_GUID, odd_run(guid, **fields))
    response = await post_raw(world, command_body(world, f"{SEED_IMPORT_GUID} {guid}", name))
    assert response.status_code == 200
    reply = await world.slack.response(name)
    shown_text = everything(reply.body)
    assert reply.body["blocks"][0]["type"] == "header", shown_text
    assert shown in shown_text
    assert "refused" not in shown_text


async def test_an_unreadable_status_says_what_arena_sent(world: World) -> None:
    """Item 7: a run whose status is null fails, saying so, not 'Arena refused the request'."""
    guid = "ODDSTATUSNULL0000000"
    world.arena.add_run(SEED_IMPORT_GUID, odd_run(guid, status=None))
    await post_raw(world, command_body(world, f"{SEED_IMPORT_GUID} {guid}", "status-null"))
    reply = await world.slack.response("status-null")
    assert "could not read: status was null" in reply.text
    assert "refused" not in reply.text


async def test_a_page_with_one_bad_run_lists_the_others(world: World) -> None:
    """Item 7: `IMPORT` still lists the import's runs when one of them cannot be read."""
    world.arena.add_run(SEED_IMPORT_GUID, odd_run("ODDPAGESTATUS0000000", status=["?"]))
    await post_raw(world, command_body(world, SEED_IMPORT_GUID, "page"))
    reply = await world.slack.response("page")
    assert reply.body["blocks"][0]["type"] == "header", reply.text
    assert "newest" in reply.text


async def test_a_command_mentioning_payload_is_answered(world: World) -> None:
    """Bolt takes any form containing "payload" for an interaction; the edge keeps it a command."""
    response = await post_raw(world, command_body(world, "payload please", "payload-word"))
    assert response.status_code == 200
    reply = await world.slack.response("payload-word")
    assert "got 2 words" in everything(reply.body) or "/importrun" in reply.text
