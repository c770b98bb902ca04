"""`POST /slack/events`: Slack's signature is checked before anything else reads the request.

Bolt only ever sees a body whose signature, timestamp and shape are right and that it has
not seen before; everything else is a 401 or 400 with one log line (its size, never its body).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.slack import shapes

logger = logging.getLogger(__name__)

VERIFIED = "importrun_verified"  # in Bolt's context: this request passed the edge
MAX_SKEW = 300  # seconds between Slack's timestamp and our clock, either way
MAX_REMEMBERED = 100_000  # signatures; only verified requests are remembered
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


class SeenSignatures:
    """The signatures of verified requests of the last `ttl` seconds, at most `max_entries`."""

    def __init__(
        self,
        ttl: float = MAX_SKEW,
        *,
        max_entries: int = MAX_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl
        self._max = max_entries
        self._clock = clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        """How many signatures are remembered."""
        return len(self._seen)

    def first_time(self, signature: str) -> bool:
        """True the first time `signature` is seen within `ttl`; remembers it."""
        now = self._clock()
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if now - at < self._ttl and len(self._seen) < self._max:
                break
            del self._seen[oldest]
        if signature in self._seen:
            return False
        self._seen[signature] = now
        return True


class Edge:
    """The aiohttp handler in front of Bolt for Slack's HTTP requests."""

    def __init__(
        self,
        app: AsyncApp,
        signing_secret: str,
        *,
        read_timeout: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._app = app
        self._secret = signing_secret.encode()
        self._read_timeout = read_timeout
        self._clock = clock
        self._seen = SeenSignatures()

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        """Verify, then dispatch to Bolt; refusals never read more than they must."""
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not _TIMESTAMP.fullmatch(timestamp) or not _SIGNATURE.fullmatch(signature):
            return _refuse(request, 401, "malformed or missing signature headers")
        if abs(self._clock() - int(timestamp)) > MAX_SKEW:
            return _refuse(request, 401, "timestamp more than 5 minutes away")
        try:
            async with asyncio.timeout(self._read_timeout):
                body = await request.read()
        except TimeoutError:
            response = _refuse(request, 408, f"body not sent within {self._read_timeout:g} s")
            response.force_close()
            return response
        if not hmac.compare_digest(signature, self._sign(timestamp, body)):
            return _refuse(request, 401, "bad signature", len(body))
        if not self._seen.first_time(signature):
            logger.warning("Ignored a replayed request (same signature within 5 minutes)")
            return web.Response(status=200)
        try:
            text = shapes.check(body, request.content_type)
        except shapes.BadBody as exc:
            return _refuse(request, 400, f"signed but malformed: {exc}", len(body))
        bolt_request = AsyncBoltRequest(
            body=text,
            query=request.query_string,
            headers=request.headers,  # type: ignore[arg-type]
            context={VERIFIED: True},
        )
        return await to_aiohttp_response(await self._app.async_dispatch(bolt_request))

    def _sign(self, timestamp: str, body: bytes) -> str:
        base = b"v0:" + timestamp.encode() + b":" + body
        return "v0=" + hmac.new(self._secret, base, hashlib.sha256).hexdigest()


def _refuse(
    request: web.Request, status: int, reason: str, size: int | None = None
) -> web.Response:
    """A refusal and its one log line: reason, peer and size, never the body."""
    size = size if size is not None else request.content_length
    logger.warning(
        "Refused a request to %s from %s: %s (%s bytes)",
        request.path[:100],
        request.remote,
        reason,
        "unknown" if size is None else f"{size:,}",
    )
    error = {400: "bad request", 408: "request timeout"}.get(status, "invalid request")
    return web.json_response({"error": error}, status=status)
