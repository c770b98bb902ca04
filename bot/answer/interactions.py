"""The card's buttons: Refresh, Share in channel, all warnings, failed rows, and Show."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.answer.commands import ShowRun
from bot.answer.dispatch import answer
from bot.answer.failed_rows import parse_failed_rows
from bot.arena.errors import ArenaError, ArenaNotFound
from bot.cards import (
    Message,
    error_message,
    failed_rows_view,
    parse_button_value,
    parse_page_value,
    warnings_view,
)
from bot.cards.common import plain, section
from bot.cards.text import mention, slack_date
from bot.deps import Deps
from bot.runs.explain import explain
from bot.runs.messages import PRIVATE_BUTTONS, PUBLIC_BUTTONS, Asker, run_message
from bot.runs.posting import CANNOT_POST, GONE_MESSAGE, Respond, slack_error

logger = logging.getLogger(__name__)

ROWS_SHOWN = 40
EXPIRED = (
    "Arena no longer has this run's error file: it keeps import results for 60 days,"
    " so the failed rows can only be seen in the run's own report, if at all."
)
# chat.update refused (the bot may not post there, or the card is not its token's to edit): the
# button's response_url may still replace the card it is on (ephemeral or not, Slack says).
_REPLACE_THROUGH_RESPONSE_URL = CANNOT_POST | GONE_MESSAGE


def _value(body: dict[str, Any]) -> str:
    return str(body["actions"][0].get("value", ""))


async def _say_privately(respond: Respond, message: Message) -> None:
    await respond(**message.to_dict(), response_type="ephemeral", replace_original=False)


async def refresh(
    deps: Deps, client: AsyncWebClient, respond: Respond, body: dict[str, Any]
) -> None:
    """Fetch the run afresh (no cache) and update the card where it is, for everyone."""
    import_guid, run_guid = parse_button_value(_value(body))
    container = body.get("container") or {}
    public = not container.get("is_ephemeral") and bool(container.get("message_ts"))
    now = slack_date(datetime.now(UTC))
    try:
        card = await run_message(
            deps,
            import_guid,
            run_guid,
            fresh=True,
            buttons=PUBLIC_BUTTONS if public else PRIVATE_BUTTONS,
            note=f"Refreshed by {mention(Asker.of_action(body).user_id)} · {now}",
        )
    except ArenaError as exc:
        await _say_privately(respond, error_message(explain(exc), markup=True))
        return
    if public:
        try:
            await client.chat_update(
                channel=container["channel_id"], ts=container["message_ts"], **card.to_dict()
            )
            return
        except SlackApiError as exc:
            if slack_error(exc) not in _REPLACE_THROUGH_RESPONSE_URL:
                raise
            logger.info("chat.update refused (%s): replacing through response_url", exc)
    await respond(**card.to_dict(), replace_original=True)


async def share(deps: Deps, respond: Respond, body: dict[str, Any]) -> None:
    """The private card becomes a public message saying who shared it; the private one goes."""
    import_guid, run_guid = parse_button_value(_value(body))
    note = f"Shared by {mention(Asker.of_action(body).user_id)}"
    try:
        card = await run_message(deps, import_guid, run_guid, buttons=PUBLIC_BUTTONS, note=note)
    except ArenaError as exc:
        await _say_privately(respond, error_message(explain(exc), markup=True))
        return
    thread_ts = (body.get("container") or {}).get("thread_ts")
    await respond(
        **card.to_dict(), response_type="in_channel", replace_original=False, thread_ts=thread_ts
    )
    await respond(delete_original=True)


async def show_run(deps: Deps, respond: Respond, body: dict[str, Any]) -> None:
    """A run of the runs list, as its own private card."""
    import_guid, run_guid = parse_button_value(_value(body))
    asker = Asker.of_action(body)
    await _say_privately(respond, await answer(deps, ShowRun(import_guid, run_guid), asker))


async def open_warnings(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> None:
    """A modal with every warning, page one; opened at once, filled when Arena answers."""
    view_id = await _open_loading(client, body, "Warnings")
    import_guid, run_guid = parse_button_value(_value(body))
    await client.views_update(view_id=view_id, view=await _warnings(deps, import_guid, run_guid, 0))


async def turn_warnings_page(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> None:
    """Next or Previous in the warnings modal: the same modal, another page."""
    import_guid, run_guid, page = parse_page_value(_value(body))
    view = await _warnings(deps, import_guid, run_guid, page)
    await client.views_update(view_id=body["view"]["id"], view=view)


async def _warnings(deps: Deps, import_guid: str, run_guid: str, page: int) -> View:
    try:
        run = await deps.arena.get_run(import_guid, run_guid)
    except ArenaError as exc:
        return notice_view("Warnings", explain(exc))
    return warnings_view(run, import_guid=import_guid, page=page)


async def open_failed_rows(deps: Deps, client: AsyncWebClient, body: dict[str, Any]) -> None:
    """A modal with the first rows of the run's error file, their total, and where the rest is."""
    view_id = await _open_loading(client, body, "Failed rows")
    import_guid, run_guid = parse_button_value(_value(body))
    await client.views_update(view_id=view_id, view=await _failed_rows(deps, import_guid, run_guid))


async def _failed_rows(deps: Deps, import_guid: str, run_guid: str) -> View:
    try:
        run = await deps.arena.get_run(import_guid, run_guid)
    except ArenaError as exc:
        return notice_view("Failed rows", explain(exc))
    try:
        csv_text = await deps.arena.get_error_content(import_guid, run_guid)
    except ArenaNotFound:
        return notice_view("Failed rows", EXPIRED)
    except ArenaError as exc:
        return notice_view("Failed rows", explain(exc))
    found = parse_failed_rows(csv_text, limit=ROWS_SHOWN)
    # An empty file for a run with failed rows still says how many rows failed.
    total = found.total if found.rows else max(found.total, run.error_count)
    return failed_rows_view(run, header=found.header, rows=found.rows, total=total)


async def _open_loading(client: AsyncWebClient, body: dict[str, Any], title: str) -> str:
    """Open a modal now (a trigger_id lasts 3 seconds; Arena may take longer); its id."""
    opened = await client.views_open(
        trigger_id=body["trigger_id"], view=notice_view(title, "Asking Arena…")
    )
    return str(opened["view"]["id"])


def notice_view(title: str, text: str) -> View:
    """A modal holding one sentence and a Close button."""
    return View(
        type="modal",
        title=plain(title, 24),
        close=plain("Close", 24),
        blocks=[section(text)],
    )
