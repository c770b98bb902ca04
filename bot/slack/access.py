"""Who may use the bot: people of our own team or enterprise, members not guests, our channels.

Slack's payloads name the workspace a request came from, and (for interactions) a team
for the person; neither proves that a person in a Slack Connect channel is one of ours. So
the person is judged by `users.info` (their own team, their enterprise, guest flags, and
`is_stranger` for people of other organisations), cached for an hour; a payload's own claim
about the person's team must agree with it. When Slack cannot tell, the answer is no.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.arena.limits import PerPersonBudget, charge_to
from bot.runs.posting import Responder
from bot.settings import Settings, SettingsError
from bot.slack.identity import SlackIdentity

logger = logging.getLogger(__name__)

PERSON_TTL = 3600.0
MAX_PEOPLE = 10_000
USERS_INFO_TIMEOUT = 2.0  # the ack is due within 3 s of the request

NOT_OURS = (
    "Sorry, importrun-bot only answers members of the Slack workspace (or organisation) "
    "that installed it."
)
NO_GUESTS = "Sorry, importrun-bot does not answer guest accounts; ask a full member to look."
NOT_HERE = "Sorry, importrun-bot is not used in this channel; please ask in one where it is."
CANNOT_CHECK = (
    "Sorry, the bot could not check your Slack account just now; please try again in a minute."
)


@dataclass(frozen=True)
class Person:
    """What `users.info` says about someone: their teams (T… and E…) and their standing."""

    teams: frozenset[str]
    guest: bool
    stranger: bool

    @classmethod
    def of(cls, user: dict[str, Any]) -> Person:
        """From `users.info`'s `user` object."""
        enterprise = user.get("enterprise_user") or {}
        ids = {user.get("team_id"), enterprise.get("enterprise_id"), *enterprise.get("teams", ())}
        return cls(
            teams=frozenset(i for i in ids if isinstance(i, str) and i),
            guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
            stranger=bool(user.get("is_stranger") or user.get("deleted")),
        )


async def our_teams(settings: Settings, identity: SlackIdentity) -> frozenset[str]:
    """ALLOWED_TEAM_IDS, or else the bot token's team (and enterprise, if org-wide).

    The team comes from the one auth.test the start makes (`identity`, shared with Bolt).
    """
    if settings.allowed_team_ids:
        return settings.allowed_team_ids
    try:
        await identity.fetch()
    except Exception as exc:
        raise SettingsError(
            "ALLOWED_TEAM_IDS is not set and Slack's auth.test did not say which team the "
            f"bot belongs to ({type(exc).__name__}); set ALLOWED_TEAM_IDS or check "
            "SLACK_BOT_TOKEN."
        ) from None
    teams = {identity.team_id}
    if identity.is_enterprise_install:
        teams.add(identity.enterprise_id)
    return frozenset(t for t in teams if isinstance(t, str) and t)


class Access:
    """The Bolt middleware that refuses, in one sentence, whoever may not use the bot."""

    def __init__(
        self,
        settings: Settings,
        slack: AsyncWebClient,
        *,
        teams: frozenset[str],
        responder: Responder,
        budget: PerPersonBudget | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._responder = responder
        self._slack = slack
        self.teams = teams
        self._budget = budget
        self._clock = clock
        self._people: dict[str, tuple[float, Person]] = {}
        self._replies: set[asyncio.Task[None]] = set()
        self._asking: dict[str, asyncio.Task[Person | None]] = {}

    async def middleware(
        self, context: AsyncBoltContext, body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """Let the request through (its Arena requests charged to its person), or refuse it."""
        user = context.user_id
        if not user:
            charge_to(None, None)  # url_verification and the like: no person, no Arena
            await next()
            return None
        refusal = await self.refusal(context, body, user)
        if refusal is None:
            charge_to(self._budget, user)
            await next()
            return None
        logger.info("Refused %s of team %s: %s", user, context.team_id, refusal)
        return self._refuse(body, refusal)

    async def refusal(
        self, context: AsyncBoltContext, body: dict[str, Any], user: str
    ) -> str | None:
        """The sentence that refuses this request, or None when it may go on."""
        workspace = {context.team_id, context.enterprise_id} - {None}
        if workspace and not workspace & self.teams:
            return NOT_OURS
        channels = self._settings.allowed_channel_ids
        if channels and context.channel_id and context.channel_id not in channels:
            return NOT_HERE
        person = await self._person(user)
        if person is None:
            return CANNOT_CHECK
        if person.stranger or not person.teams & self.teams:
            return NOT_OURS
        claimed = _claimed_team(body)
        if claimed is not None and claimed not in person.teams:
            return NOT_OURS
        if person.guest and not self._settings.allow_guests:
            return NO_GUESTS
        return None

    async def _person(self, user: str) -> Person | None:
        """`users.info` for `user`, cached for an hour; None when Slack could not say.

        Requests from one person that arrive together share one call (a burst of commands
        would otherwise ask Slack once each, before any of them is acked).
        """
        now = self._clock()
        cached = self._people.get(user)
        if cached is not None and cached[0] > now:
            return cached[1]
        asking = self._asking.get(user)
        if asking is None:
            asking = asyncio.create_task(self._ask(user, now))
            self._asking[user] = asking
            asking.add_done_callback(lambda _: self._asking.pop(user, None))
        return await asyncio.shield(asking)

    async def _ask(self, user: str, now: float) -> Person | None:
        """Ask Slack who `user` is; the answer is cached before the shared call ends."""
        try:
            async with asyncio.timeout(USERS_INFO_TIMEOUT):
                found = await self._slack.users_info(user=user)
        except SlackApiError as exc:
            data = exc.response.data
            error = str(data.get("error", "")) if isinstance(data, dict) else ""
            if error in ("user_not_found", "users_not_found"):
                return Person(teams=frozenset(), guest=False, stranger=True)
            status = exc.response.status_code
            logger.warning("users.info for %s failed: %s", user, error or f"HTTP {status}")
            return None
        except Exception as exc:
            # Slack unreachable or slow: nobody is let in unchecked.
            logger.warning("users.info for %s failed: %s", user, type(exc).__name__)
            return None
        person = Person.of(found.get("user") or {})
        self._people.pop(user, None)
        self._people[user] = (now + PERSON_TTL, person)
        while len(self._people) > MAX_PEOPLE:
            del self._people[next(iter(self._people))]
        return person

    def _refuse(self, body: dict[str, Any], sentence: str) -> BoltResponse:
        """The refusal as the ack (a command, a modal) or through the response_url."""
        kind = body.get("type")
        if "command" in body:
            return BoltResponse(status=200, body={"response_type": "ephemeral", "text": sentence})
        if kind == "view_submission":
            return BoltResponse(
                status=200, body={"response_action": "update", "view": _view(sentence)}
            )
        if kind == "block_suggestion":
            return BoltResponse(status=200, body={"options": []})
        url = body.get("response_url")
        if isinstance(url, str) and url:
            reply = asyncio.create_task(_tell(self._responder, url, sentence))
            self._replies.add(reply)
            reply.add_done_callback(self._replies.discard)
        return BoltResponse(status=200, body="")


async def _tell(responder: Responder, response_url: str, sentence: str) -> None:
    """Say `sentence` privately through the response_url; a failure is one log line."""
    try:
        await responder.reply(
            response_url, text=sentence, response_type="ephemeral", replace_original=False
        )
    except Exception as exc:
        logger.warning("could not tell a refused person why: %s", type(exc).__name__)


def _claimed_team(body: dict[str, Any]) -> str | None:
    """The person's own team as the payload states it (interactions, events), if it does."""
    user = body.get("user")
    if isinstance(user, dict) and isinstance(user.get("team_id"), str):
        return str(user["team_id"])
    event = body.get("event")
    if isinstance(event, dict) and isinstance(event.get("user_team"), str):
        return str(event["user_team"])
    return None


def _view(sentence: str) -> dict[str, Any]:
    """A modal that only says `sentence`."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Import run"},
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": sentence}}],
    }
