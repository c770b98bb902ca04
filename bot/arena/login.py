"""The Arena client's session: one lazy login for all callers, renewed after a 401, a logout."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import httpx
from pydantic import TypeAdapter

from bot.arena import _failures, _http
from bot.arena._cache import Coalescer
from bot.arena.errors import ArenaAuthError, ArenaError
from bot.arena.gates import LoginGate
from bot.arena.models import LoginResult
from bot.arena.session import SessionKeeper

logger = logging.getLogger(__name__)

_LOGIN = TypeAdapter(LoginResult)


class Exchange(Protocol):
    """Sends one request to Arena (with the session `token`, if any); any status back."""

    def __call__(
        self, method: str, path: str, *, json: dict[str, Any] | None = ..., token: str | None = ...
    ) -> Awaitable[httpx.Response]: ...


class Login:
    """A client's session token, over the client's `exchange`; `accepted` hears of each login
    Arena accepts."""

    def __init__(
        self,
        exchange: Exchange,
        *,
        email: str,
        password: str,
        workspace_id: int | None,
        gate: LoginGate,
        keeper: SessionKeeper | None,
        accepted: Callable[[LoginResult], None],
    ) -> None:
        self.token: str | None = None
        self._exchange = exchange
        self._email = email
        self._password = password
        self._workspace_id = workspace_id
        self._gate = gate
        self._keeper = keeper  # a session shared with other processes (see session.py)
        self._accepted = accepted
        self._logins: Coalescer[str] = Coalescer()

    @property
    def in_flight(self) -> bool:
        """Is a login under way?"""
        return len(self._logins) > 0

    async def close(self, *, log_out: bool) -> None:
        """Log out if logged in (unless not `log_out`); failures are logged, not raised."""
        if self.in_flight:
            try:
                await self.current()
            except ArenaError:
                return
        token, self.token = self.token, None
        if token is None or not log_out:
            return
        try:
            response = await self._exchange("PUT", "/logout", token=token)
        except ArenaError as exc:
            logger.warning("Could not log out of Arena: %s", exc)
            return
        if response.is_success:
            logger.info("Logged out of Arena")
        else:
            logger.warning("Arena answered HTTP %d to the logout", response.status_code)

    async def current(self) -> str:
        """The session token, logging in first if there is none (one login for all callers)."""
        if self.token is not None:
            return self.token
        return await self._logins.run("login", lambda: self._obtain(None))

    async def renew(self, failed: str) -> str:
        """A new token after `failed` got a 401, unless another caller already renewed it."""
        if self.token == failed:
            self.token = None
        if self.token is not None:
            return self.token
        return await self._logins.run("login", lambda: self._obtain(failed))

    async def _obtain(self, failed: str | None) -> str:
        """A token: the shared one unless it is the one that `failed`, else a new login."""
        if self._keeper is None:
            return await self._login()
        stored = await self._keeper.load() if failed is None else None
        if stored is None:
            stored = await self._keeper.replace(failed, self._login)
        self.token = stored
        return stored

    async def _login(self) -> str:
        """`POST /login` (never retried: a second login would cancel the first session)."""
        self._gate.check()
        body: dict[str, Any] = {"email": self._email, "password": self._password}
        if self._workspace_id is not None:
            body["workspaceId"] = self._workspace_id
        response = await self._exchange("POST", "/login", json=body)
        if not response.is_success:
            error = _failures.login_error(response, self._email)
            if isinstance(error, ArenaAuthError):
                self._gate.refused(error)
            raise error
        result = _http.parse(_LOGIN, response)
        self._gate.accepted()
        self.token = result.session_id
        self._accepted(result)
        logger.info(
            "Logged in to Arena as %s (workspace %s %s)",
            self._email,
            result.workspace_id,
            result.workspace_name or "",
        )
        return result.session_id
