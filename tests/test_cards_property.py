"""Property tests: for any run Arena could send, the cards are valid, safe and within limits."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.arena.models import (
    Change,
    ImportDefinition,
    ImportRun,
    LifecycleStatus,
    RunWarning,
    Url,
    User,
    Warnings,
)
from bot.cards import (
    CardButton,
    Message,
    error_message,
    help_message,
    run_card,
    runs_list,
    warnings_view,
)
from bot.cards.text import ELLIPSIS, clip, escape, inline, shorten

HOSTILE = [
    "<!channel>",
    "<!here>",
    "<@U0123ABCD>",
    "<#C0123ABCD|general>",
    "<https://evil.example|click me>",
    "&",
    "&amp;",
    "&lt;",
    "<",
    ">",
    "|",
    "`",
    "```",
    "\n",
    "\r\n",
    "*",
    "_",
    "~",
    " ",
    "😀",
    "é",
    "\u200d",
]
fragment = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
hostile_text = st.lists(fragment, max_size=30).map("".join)
huge_text = st.tuples(hostile_text, st.integers(1, 5000)).map(lambda t: (t[0] * t[1])[:5000])
untrusted = st.one_of(hostile_text, huge_text)
guid = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=20, max_size=20)
moments = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
counts = st.integers(min_value=0, max_value=10**12)
statuses = st.one_of(
    st.sampled_from(["COMPLETE", "ERROR", "RUNNING", "CREATED", "PURGED", "complete"]), untrusted
)
urls = st.one_of(
    st.none(),
    st.sampled_from(["https://app.bom.com/J1L4IFJLWDWZI0GL6I34", "javascript:alert(1)"]),
    untrusted,
    untrusted.map(lambda s: "https://app.bom.com/" + s),
)


@st.composite
def warnings(draw: st.DrawFn) -> Warnings:
    """Up to 10,000 warnings, drawn from a small pool of hostile messages."""
    pool = draw(
        st.lists(
            st.builds(
                RunWarning,
                code=st.one_of(st.none(), st.integers(-(10**9), 10**9)),
                message=untrusted,
            ),
            min_size=1,
            max_size=6,
        )
    )
    size = draw(st.integers(0, 10_000))
    results = tuple(pool[i % len(pool)] for i in range(size))
    return Warnings(count=draw(st.integers(0, 20_000)), results=results)


changes = st.builds(
    Change,
    number=st.one_of(st.none(), untrusted),
    title=st.one_of(st.none(), untrusted),
    lifecycle_status=st.builds(LifecycleStatus, type=st.one_of(st.none(), untrusted)),
    url=st.builds(Url, app=urls),
)
runs = st.builds(
    ImportRun,
    guid=st.one_of(guid, untrusted.filter(bool)),
    number=st.one_of(st.none(), st.integers(-(10**15), 10**15)),
    status=statuses,
    commit=st.booleans(),
    creation_date_time=st.one_of(st.none(), moments),
    completion_date_time=st.one_of(st.none(), moments),
    creator=st.one_of(
        st.none(), st.builds(User, full_name=st.one_of(st.none(), untrusted), email=untrusted)
    ),
    submit_file_type=st.one_of(st.none(), st.sampled_from(["EXCEL_WORKSHEET", "CSV"]), untrusted),
    submit_worksheet_name=st.one_of(st.none(), untrusted),
    total_count=counts,
    success_count=counts,
    error_count=counts,
    warnings=warnings(),
    changes=st.lists(changes, max_size=2).map(tuple),
)
TOKEN = re.compile(
    r"<!date\^-?\d+\^\{date_short_pretty\} at \{time\}\|[^<>|]+>|<https?://[^\s<>|]+\|[^<>]*>"
)
ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")


def utf16(text: str) -> int:
    """Length as Slack may count it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def check_text(obj: dict[str, Any], limit: int) -> str:
    """One text object: non-empty, within `limit`, verbatim if mrkdwn, no raw `<` or `&`."""
    text: str = obj["text"]
    assert 1 <= utf16(text) <= limit, (obj["type"], utf16(text), limit)
    if obj["type"] == "mrkdwn":
        assert obj.get("verbatim") is True
        assert text.count("`") % 2 == 0, text
    # Every "<" starts a token the cards made; no mention, channel or foreign label survives.
    assert "<" not in TOKEN.sub("", text), text
    assert not ENTITY.search(text), text
    return text


def check_blocks(blocks: list[dict[str, Any]], max_blocks: int) -> int:
    """Walk the blocks' JSON, asserting Slack's limits; returns the total text length."""
    assert 1 <= len(blocks) <= max_blocks
    total = 0
    for data in blocks:
        block = Block.parse(data)
        assert block is not None
        block.validate_json()
        assert block.to_dict() == data
        kind = data["type"]
        if kind == "header":
            assert data["text"]["type"] == "plain_text"
            total += utf16(check_text(data["text"], 150))
        elif kind == "section":
            assert "text" in data or "fields" in data
            if "text" in data:
                total += utf16(check_text(data["text"], 3000))
            assert len(data.get("fields", [])) <= 10
            total += sum(utf16(check_text(f, 2000)) for f in data.get("fields", []))
            if "accessory" in data:
                check_button(data["accessory"])
        elif kind == "context":
            assert 1 <= len(data["elements"]) <= 10
            total += sum(utf16(check_text(e, 3000)) for e in data["elements"])
        elif kind == "actions":
            assert 1 <= len(data["elements"]) <= 25
            action_ids = [check_button(e) for e in data["elements"]]
            assert len(set(action_ids)) == len(action_ids)
        else:
            assert kind == "divider", kind
    return total


def check_button(data: dict[str, Any]) -> str:
    """A button: short label, value and url within limits, url only http(s)."""
    assert data["type"] == "button"
    check_text(data["text"], 75)
    assert len(data.get("value", "")) <= 2000
    url = data.get("url")
    if url is not None:
        assert len(url) <= 3000
        assert url.startswith(("http://", "https://")), url
        assert not re.search(r"[\s<>|]", url)
    return str(data["action_id"])


def check_message(message: Message) -> None:
    """A whole message: blocks within limits, text escaped and well under ~12,000 chars."""
    data = message.to_dict()
    total = check_blocks(data["blocks"], 50)
    assert total <= 10_000, total
    assert 1 <= utf16(data["text"]) <= 4000
    assert "<" not in data["text"]
    assert not ENTITY.search(data["text"])


def check_view(view: View) -> None:
    """A modal: title within 24, at most 100 blocks, each within limits."""
    data = view.to_dict()
    assert data["type"] == "modal"
    assert 1 <= len(data["title"]["text"]) <= 24
    check_blocks(data["blocks"], 100)


@settings(max_examples=60, deadline=None)
@given(
    run=runs,
    change=st.one_of(st.none(), changes),
    buttons=st.sets(st.sampled_from(list(CardButton))),
    max_warnings=st.integers(0, 60),
    import_guid=guid,
    arena_web_url=urls,
)
def test_run_card_is_valid_and_safe(
    run: ImportRun,
    change: Change | None,
    buttons: set[CardButton],
    max_warnings: int,
    import_guid: str,
    arena_web_url: str | None,
) -> None:
    """Any run gives a card within every Slack limit, with no Arena markup left live."""
    message = run_card(
        run,
        import_guid=import_guid,
        change=change,
        buttons=buttons,
        arena_web_url=arena_web_url,
        max_warnings=max_warnings,
        note="Watching… I'll update this message when the run finishes.",
    )
    check_message(message)


@settings(max_examples=40, deadline=None)
@given(run=runs, import_guid=guid, page=st.integers(-3, 300), page_size=st.integers(-5, 200))
def test_warnings_view_is_valid_and_safe(
    run: ImportRun, import_guid: str, page: int, page_size: int
) -> None:
    """Any page of any run's warnings is a valid modal."""
    check_view(warnings_view(run, import_guid=import_guid, page=page, page_size=page_size))


@settings(max_examples=30, deadline=None)
@given(
    name=st.one_of(st.none(), untrusted),
    description=st.one_of(st.none(), untrusted),
    runs_=st.lists(runs, max_size=12),
    now=moments,
)
def test_runs_list_is_valid_and_safe(
    name: str | None, description: str | None, runs_: list[ImportRun], now: datetime
) -> None:
    """Any import and runs give a valid, escaped list."""
    definition = ImportDefinition(guid="8RKXM2L4Q0ZP7C1VWN3T", name=name, description=description)
    check_message(runs_list(definition, runs_, now=now))


@settings(max_examples=40, deadline=None)
@given(sentence=untrusted)
def test_error_and_help_messages_are_escaped(sentence: str) -> None:
    """Whatever the sentence, the reply is valid and escaped."""
    check_message(error_message(sentence))
    check_message(help_message(sentence or None))


@settings(max_examples=200, deadline=None)
@given(text=untrusted, limit=st.integers(2, 300))
def test_inline_never_breaks_an_entity(text: str, limit: int) -> None:
    """Cut escaped text is within the limit and only ends on whole entities."""
    cut = inline(text, limit)
    assert utf16(cut) <= limit
    assert not ENTITY.search(cut)
    assert "<" not in cut
    assert "`" not in cut
    assert "\n" not in cut


@settings(max_examples=200, deadline=None)
@given(text=untrusted, limit=st.integers(2, 300))
def test_shorten_fits_once_escaped_and_keeps_the_longest_start(text: str, limit: int) -> None:
    """Shortened text, escaped, is within the limit: the whole line, else as much of its start
    as fits with the ellipsis."""
    flat = " ".join(text.split())
    cut = shorten(text, limit)
    assert utf16(escape(cut)) <= limit
    if cut == flat:
        return
    kept = cut.removesuffix(ELLIPSIS)
    assert cut.endswith(ELLIPSIS)
    assert flat.startswith(kept)
    # One character more (two, past a space the cut dropped) would not have fitted.
    assert utf16(escape(flat[: len(kept) + 2])) > limit - 1


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.tuples(untrusted, st.sampled_from(["code", "link", "date"]))),
    limit=st.integers(2, 400),
)
def test_clip_keeps_tokens_and_code_spans_whole(parts: list[tuple[str, str]], limit: int) -> None:
    """Cut mrkdwn keeps every token and code span whole, and every entity intact."""
    pieces = []
    for text, kind in parts:
        safe = inline(text, 50, empty="x")
        if kind == "code":
            pieces.append(f"`{safe}` ")
        elif kind == "link":
            pieces.append(f"<https://app.bom.com/x|{safe}> ")
        else:
            pieces.append("<!date^1631664000^{date_short_pretty} at {time}|2021-09-15 00:00 UTC> ")
    mrkdwn = "".join(pieces)
    cut = clip(mrkdwn, limit)
    assert utf16(cut) <= limit
    assert cut.count("`") % 2 == 0
    assert "<" not in TOKEN.sub("", cut)
    assert not ENTITY.search(cut)
    if cut != mrkdwn:
        assert cut.endswith("…")
