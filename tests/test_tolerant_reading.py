"""Tolerant reading of Arena: any JSON in any display field gives a card or one sentence."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.arena import _http
from bot.arena.errors import ArenaUnreadable
from bot.arena.models import ImportDefinition, ImportRun
from bot.cards import CardButton, runs_list, warnings_view
from bot.cards.run import run_card
from bot.runs.explain import explain

RUN = TypeAdapter(ImportRun)
PAGE = TypeAdapter(_http.Page[ImportRun])
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(["2026-03-02T08:00:00Z", "9999-12-31T23:59:59-05:00", "0001-01-01"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)

DISPLAY_FIELDS = [
    "number",
    "workspaceId",
    "commit",
    "creationDateTime",
    "completionDateTime",
    "creator",
    "submitFileType",
    "submitWorksheetName",
    "totalCount",
    "successCount",
    "errorCount",
    "warnings",
    "options",
    "changes",
]

nested = st.fixed_dictionaries(
    {},
    optional={
        "creator": st.fixed_dictionaries({}, optional={"fullName": json_values}),
        "warnings": st.fixed_dictionaries(
            {},
            optional={
                "count": json_values,
                "results": st.lists(
                    st.fixed_dictionaries(
                        {}, optional={"code": json_values, "message": json_values}
                    )
                    | json_values,
                    max_size=4,
                ),
            },
        ),
        "changes": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "number": json_values,
                    "title": json_values,
                    "url": json_values,
                    "lifecycleStatus": json_values,
                },
            ),
            max_size=2,
        ),
        "options": st.fixed_dictionaries({}, optional={"addToChange": json_values}),
    },
)


def response(body: Any) -> httpx.Response:
    """Arena's 200 answer with `body` as JSON."""
    request = httpx.Request("GET", "http://arena.test/v1/imports/I/runs/R")
    return httpx.Response(200, content=json.dumps(body).encode(), request=request)


def assert_valid(blocks: list[dict[str, Any]]) -> None:
    """Blocks slack_sdk accepts, within 50."""
    parsed = Block.parse_all(blocks)
    assert 0 < len(parsed) <= 50
    for block in parsed:
        block.validate_json()


def show(run: ImportRun) -> None:
    """Every surface that shows a run: card, runs list, warnings modal."""
    card = run_card(run, import_guid="IMPORTGUID0000000001", buttons=set(CardButton))
    assert card.text
    assert_valid(card.to_dict()["blocks"])
    listing = runs_list(ImportDefinition(guid="IMPORTGUID0000000001"), [run], now=NOW)
    assert_valid(listing.to_dict()["blocks"])
    View(**warnings_view(run, import_guid="IMPORTGUID0000000001").to_dict()).validate_json()


@settings(max_examples=300, deadline=None)
@given(
    fields=st.dictionaries(st.sampled_from(DISPLAY_FIELDS), json_values, max_size=6),
    deeper=nested,
)
def test_any_json_in_display_fields_still_gives_a_card(
    fields: dict[str, Any], deeper: dict[str, Any]
) -> None:
    """Odd values anywhere but the GUID and status: the run is read and every card builds."""
    body = {"guid": "R9TCQNRT4L47Q9VQWUF3", "status": "COMPLETE", **deeper, **fields}
    run = _http.parse(RUN, response(body))
    show(run)


@settings(max_examples=200, deadline=None)
@given(guid=json_values, status=json_values)
def test_odd_guid_or_status_is_one_sentence(guid: Any, status: Any) -> None:
    """The essential fields: a run, or a sentence that says what Arena sent (never a crash)."""
    body = {"guid": guid, "status": status, "totalCount": 3}
    try:
        run = _http.parse(RUN, response(body))
    except ArenaUnreadable as exc:
        sentence = explain(exc)
        assert sentence.startswith("Arena sent an import run that the bot could not read: ")
        assert "\n" not in sentence
        assert "refused" not in sentence
    else:
        assert isinstance(guid, str)
        assert isinstance(status, str)
        show(run)


@settings(max_examples=100, deadline=None)
@given(items=st.lists(json_values | st.just({"guid": "GOODRUN0000000000001", "status": "OK"})))
def test_a_page_keeps_every_readable_run(items: list[Any]) -> None:
    """A page of runs: the readable ones are kept, whatever the others are."""
    page = _http.parse(PAGE, response({"count": len(items), "results": items}))
    readable = sum(
        1
        for item in items
        if isinstance(item, dict)
        and isinstance(item.get("guid"), str)
        and isinstance(item.get("status"), str)
    )
    assert len(page.results) == readable


def test_a_run_without_a_status_is_a_sentence_not_a_finished_run() -> None:
    """No status at all: the bot cannot say how the run went, so it says what Arena sent."""
    with pytest.raises(ArenaUnreadable) as caught:
        _http.parse(RUN, response({"guid": "R9TCQNRT4L47Q9VQWUF3", "totalCount": 3}))
    assert "status" in explain(caught.value)


def test_odd_counts_are_shown_as_unknown() -> None:
    """`totalCount: "1,204"` is not shown as 0 rows: it is unknown."""
    run = _http.parse(RUN, response({"guid": "X", "status": "COMPLETE", "totalCount": "1,204"}))
    card = json.dumps(run_card(run, import_guid="I").to_dict())
    assert "*Rows*\\nunknown" in card
