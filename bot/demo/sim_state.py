"""The simulated Arena workspace: one user's session, the quota, definitions, runs, changes."""

from __future__ import annotations

import copy
import re
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.demo.sim_runs import RunTimeline, StoredRun, generate_error_csv
from bot.demo.sim_support import (
    MSG_LOGIN_FAILED,
    MSG_NO_TOKEN,
    ArenaHTTPError,
    FakeClock,
    Quota,
    SimulatorStats,
    invalid_guid,
    next_pacific_midnight,
    object_not_found,
    simulated_failure,
    system_clock,
)

GUID_PATTERN = re.compile(r"[0-9A-Z]{20}")


class SimulatedWorkspace:
    """Arena's server-side state, with the knobs tests turn; no HTTP here."""

    def __init__(
        self,
        *,
        email: str,
        password: str,
        workspace_id: int,
        workspace_name: str,
        request_limit: int,
        web_url: str,
        clock: Callable[[], datetime] | None,
        login_field: str,
        session_timeout: float | None,
    ) -> None:
        self.email = email
        self.password = password
        self.workspace_id = workspace_id
        self.workspace_name = workspace_name
        self.web_url = web_url.rstrip("/")
        self.login_field = login_field
        self.session_timeout = session_timeout
        self.url = ""
        self.latency = 0.0
        self.stats = SimulatorStats()
        self._clock = clock or system_clock
        self._offset = timedelta(0)
        self._token: str | None = None
        self._last_used: datetime | None = None
        self._failures: list[int] = []
        self.path_failures: dict[str, int | str] = {}
        self.quota = Quota(request_limit, request_limit, next_pacific_midnight(self.now()))
        self._imports: dict[str, dict[str, Any]] = {}
        self._runs: dict[str, dict[str, StoredRun]] = {}
        self._changes: dict[str, dict[str, Any]] = {}

    # ---- time ----

    def now(self) -> datetime:
        """The simulator's current time (the clock plus any `advance()` offset)."""
        return self._clock() + self._offset

    def advance(self, seconds: float) -> None:
        """Move time forward: advances a `FakeClock`, else shifts the simulator's own time."""
        if isinstance(self._clock, FakeClock):
            self._clock.advance(seconds)
        else:
            self._offset += timedelta(seconds=seconds)

    # ---- knobs ----

    @property
    def token(self) -> str | None:
        """The one valid session token, if any."""
        return self._token

    @property
    def requests_remaining(self) -> int:
        """Requests left in the current quota period."""
        self.quota.refresh(self.now())
        return self.quota.remaining

    def reset_stats(self) -> None:
        """Start counting from zero."""
        self.stats = SimulatorStats()

    def expire_sessions(self) -> None:
        """Invalidate every token: the next request with one gets 401."""
        self._token = None

    def set_quota(self, remaining: int, reset_at: datetime | None = None) -> None:
        """Set the requests left and, optionally, when the quota refills."""
        self.quota.remaining = remaining
        if reset_at is not None:
            self.quota.reset_at = reset_at

    def fail_next(self, count: int, status: int = 503) -> None:
        """Answer the next `count` non-login requests with `status` (0 cancels; replaces)."""
        self._failures = [status] * count

    def fail_path(self, path: str, answer: int | str | None) -> None:
        """Answer every request for `path` (e.g. `/imports/G/runs/R`) with HTTP `answer`, or
        with an unreadable 200 body when `answer` is "unreadable"; None heals the path."""
        if answer is None:
            self.path_failures.pop(path, None)
        else:
            self.path_failures[path] = answer

    # ---- data ----

    def add_import(self, definition: dict[str, Any]) -> None:
        """Add or replace an import definition (JSON shape of DefinitionResponseWithGuidVo)."""
        guid = _checked_guid(definition.get("guid"))
        self._imports[guid] = copy.deepcopy(definition)
        self._runs.setdefault(guid, {})

    def remove_import(self, guid: str) -> None:
        """Delete a definition and its runs: Arena answers 3012 for it from now on."""
        self._imports.pop(guid, None)
        self._runs.pop(guid, None)

    def add_run(
        self, import_guid: str, run: dict[str, Any], *, timeline: RunTimeline | None = None
    ) -> None:
        """Add or replace a run of a known definition; a missing `number` is the next one."""
        runs = self._runs.get(import_guid)
        if runs is None:
            raise KeyError(f"no import definition {import_guid!r}; add_import() it first")
        data = copy.deepcopy(run)
        guid = _checked_guid(data.get("guid"))
        if "number" not in data:
            data["number"] = max((r.number for r in runs.values()), default=0) + 1
        started = None
        if timeline is not None:
            started = timeline.started_at or self.now()
        runs[guid] = StoredRun(data, timeline, started)

    def add_change(self, change: dict[str, Any]) -> None:
        """Add or replace a change (ChangeCompactVo) served by `GET /changes`."""
        guid = _checked_guid(change.get("guid"))
        self._changes[guid] = copy.deepcopy(change)

    def set_error_content(self, import_guid: str, run_guid: str, csv_text: str) -> None:
        """Serve `csv_text` as the run's errorContent instead of generated rows."""
        self._runs[import_guid][run_guid].error_csv = csv_text

    # ---- what the HTTP layer asks ----

    def login(self, body: object) -> dict[str, Any]:
        """Check credentials and open the user's one session (cancelling any earlier one)."""
        if not isinstance(body, dict) or not self._credentials_match(body):
            raise ArenaHTTPError(400, 4001, MSG_LOGIN_FAILED)
        self._token = "SIM-" + secrets.token_hex(16).upper()
        self._last_used = self.now()
        self.stats.logins += 1
        return {
            self.login_field: self._token,
            "workspaceId": self.workspace_id,
            "workspaceName": self.workspace_name,
            "workspaceRequestLimit": self.quota.limit,
        }

    def logout(self) -> None:
        """End the session (the request was already admitted with a valid token)."""
        self._token = None
        self.stats.logouts += 1

    def admit(self, token: str | None) -> None:
        """Charge the quota, then apply injected failures, then require a live session."""
        now = self.now()
        self.quota.spend(now)
        if self._failures:
            raise simulated_failure(self._failures.pop(0))
        if self._token is None or token != self._token:
            raise ArenaHTTPError(401, 401, MSG_NO_TOKEN)
        if self.session_timeout is not None and self._last_used is not None:
            idle = (now - self._last_used).total_seconds()
            if idle > self.session_timeout:
                self._token = None
                raise ArenaHTTPError(401, 401, MSG_NO_TOKEN)
        self._last_used = now

    def definitions(self) -> list[dict[str, Any]]:
        """Every definition, by number."""
        found = [copy.deepcopy(d) for d in self._imports.values()]
        return sorted(found, key=lambda d: int(d.get("number") or 0))

    def definition(self, guid: str) -> dict[str, Any]:
        """One definition, or Arena's 3011/3012 error."""
        if not GUID_PATTERN.fullmatch(guid):
            raise invalid_guid(guid)
        if guid not in self._imports:
            raise object_not_found(guid)
        return copy.deepcopy(self._imports[guid])

    def runs(self, import_guid: str) -> list[dict[str, Any]]:
        """A definition's runs as of now, newest (highest number) first."""
        self.definition(import_guid)
        now = self.now()
        stored = sorted(self._runs[import_guid].values(), key=lambda r: r.number, reverse=True)
        return [r.render(now) for r in stored]

    def run(self, import_guid: str, run_guid: str) -> dict[str, Any]:
        """One run as of now, or Arena's 3011/3012 error."""
        return self._stored_run(import_guid, run_guid).render(self.now())

    def error_content(self, import_guid: str, run_guid: str) -> str:
        """The failed rows of a run as CSV."""
        stored = self._stored_run(import_guid, run_guid)
        if stored.error_csv is not None:
            return stored.error_csv
        resource = self._imports[import_guid].get("resource")
        return generate_error_csv(stored.render(self.now()), resource)

    def changes(self) -> list[dict[str, Any]]:
        """Every change as `GET /changes` shows it (nulls dropped, `url` filled in)."""
        found = [self._render_change(c) for c in self._changes.values()]
        return sorted(found, key=lambda c: str(c.get("number", "")))

    def _stored_run(self, import_guid: str, run_guid: str) -> StoredRun:
        self.definition(import_guid)
        if not GUID_PATTERN.fullmatch(run_guid):
            raise invalid_guid(run_guid)
        stored = self._runs[import_guid].get(run_guid)
        if stored is None:
            raise object_not_found(run_guid)
        return stored

    def _render_change(self, change: dict[str, Any]) -> dict[str, Any]:
        data = {k: copy.deepcopy(v) for k, v in change.items() if v is not None}
        url = data.setdefault("url", {})
        url.setdefault("api", f"{self.url}/changes/{data['guid']}")
        url.setdefault("app", f"{self.web_url}/{data['guid']}")
        return data

    def _credentials_match(self, body: dict[str, Any]) -> bool:
        workspace = body.get("workspaceId")
        return (
            str(body.get("email", "")).lower() == self.email.lower()
            and body.get("password") == self.password
            and (workspace is None or str(workspace) == str(self.workspace_id))
        )


def _checked_guid(value: object) -> str:
    if not isinstance(value, str) or not GUID_PATTERN.fullmatch(value):
        raise ValueError(f"an Arena GUID is 20 characters [0-9A-Z], got {value!r}")
    return value
