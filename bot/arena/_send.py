"""Sending one request to Arena: again after a transport error or a 5xx, with backoff."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any, NamedTuple

import httpx

from bot.arena.errors import ArenaUnavailable

logger = logging.getLogger(__name__)


class Request(NamedTuple):
    """One request to Arena, as `send` sends it (and sends again)."""

    method: str
    path: str
    params: tuple[tuple[str, str | int], ...]
    json: dict[str, Any] | None
    headers: dict[str, str]


async def send(
    http: httpx.AsyncClient,
    request: Request,
    retries: int,
    backoff: float,
    note: Callable[[httpx.Response], None],
) -> httpx.Response:
    """Send, again after a transport error or a 5xx up to `retries` times; `note` each answer."""
    method, path, params, json, headers = request
    attempt = 0
    while True:
        try:
            response = await http.request(
                method, path, params=params or None, json=json, headers=headers
            )
        except httpx.TransportError as exc:
            failure = transport_error(exc, http.base_url)
            if attempt >= retries:
                raise failure from exc
            problem = str(failure)
        else:
            note(response)
            if response.status_code < 500 or attempt >= retries:
                return response
            problem = f"HTTP {response.status_code}"
        delay = backoff * 2**attempt * random.uniform(0.5, 1.5)
        attempt += 1
        logger.warning("Arena %s %s: %s; retry %d/%d", method, path, problem, attempt, retries)
        await asyncio.sleep(delay)


def transport_error(exc: httpx.TransportError, base_url: httpx.URL) -> ArenaUnavailable:
    """A timeout or connection failure, said in a few words."""
    if isinstance(exc, httpx.TimeoutException):
        seconds = _timeout_seconds(exc)
        within = f" within {seconds:g} s" if seconds is not None else " in time"
        return ArenaUnavailable(f"Arena did not answer{within}")
    where = base_url.host + (f":{base_url.port}" if base_url.port else "")
    return ArenaUnavailable(f"could not reach Arena at {where}")


def _timeout_seconds(exc: httpx.TimeoutException) -> float | None:
    kind = {
        httpx.ConnectTimeout: "connect",
        httpx.WriteTimeout: "write",
        httpx.PoolTimeout: "pool",
    }.get(type(exc), "read")
    try:
        timeouts = exc.request.extensions.get("timeout", {})
    except RuntimeError:  # no request attached
        return None
    value = timeouts.get(kind) if isinstance(timeouts, dict) else None
    return float(value) if isinstance(value, int | float) else None
